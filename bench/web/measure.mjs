#!/usr/bin/env node
// measure.mjs measures Walros's own web client in headless Chromium (playwright-core from
// e2e/node_modules, through e2e/lib.mjs) against a running server; bench/web/main.go runs it
// against the 100,000-item bench library and prints one JSON object on stdout:
//
//   - home: for each of --runs navigations to `/` (signed in, the first with an empty cache), the
//     time from navigation start (performance.timeOrigin) to
//       drawn        the first home shelf's cards are in the DOM and a frame has painted them
//                    (a requestAnimationFrame, then a task after it: the frame is done);
//       interactive  a task posted at `drawn` has run and a keypress it dispatched into the
//                    page was handled: the main thread answers input (whatever work the page
//                    still had queued, such as more shelves arriving, delays it);
//       complete     every shelf's request answered and the spinner gone.
//   - scroll: the Movies grid (30,000 items) scrolled by script at --speed px/s for --seconds
//     (scrollTop set on each frame from the time elapsed, as a fling would move it); the
//     requestAnimationFrame intervals give the average fps, the 99th percentile frame time (the
//     worst 1 %) and the longest frame.
//
//   node bench/web/measure.mjs --origin http://127.0.0.1:8096 --username admin --password PW

import { readFile } from 'node:fs/promises';
import { Run, UsageError, log, parseArgs, watchdog } from '../../e2e/lib.mjs';

const SPEC = {
	origin: { type: 'string' },
	username: { type: 'string' },
	password: { type: 'string' },
	runs: { type: 'int', default: 5 },
	speed: { type: 'number', default: 4000 },
	seconds: { type: 'number', default: 10 },
	poster: { type: 'string' },
	timeout: { type: 'number', default: 60 },
	verbose: { type: 'bool', default: false },
	headed: { type: 'bool', default: false },
};

let opts;
try {
	opts = parseArgs(process.argv.slice(2), SPEC);
	for (const k of ['origin', 'username', 'password']) if (!opts[k]) throw new UsageError(`--${k} is required`);
	if (opts.runs < 1) throw new UsageError('--runs must be at least 1');
	opts.origin = new URL(opts.origin).origin;
} catch (e) {
	process.stderr.write(`measure: ${e.message}\n`);
	process.exit(2);
}

const run = new Run(opts);
watchdog(run, opts.timeout * (opts.runs + 4) + opts.seconds + 30);
const p = () => run.page;
// The bench library's pictures are not on disk: its posters answer 404 by the thousand. They are
// counted, not listed (the client then draws a tinted tile, as for any item without a picture).
let missingImages = 0;
const addError = run.addError.bind(run);
run.addError = (e) => {
	if (e.source === 'http' && e.status === 404 && /\/images\//.test(e.url || '')) missingImages++;
	else addError(e);
};

// probe runs in the page before the client's scripts: it watches for the home shelves and records
// when they are drawn, when the page answers input, and when loading is complete.
function probe() {
	const marks = {};
	window.__walrosBench = marks;
	const frames = [];
	let last = 0;
	const watchFrames = (t) => {
		if (last) frames.push(t - last);
		last = t;
		if (marks.longestFrameAfterDrawn === undefined) requestAnimationFrame(watchFrames);
	};
	requestAnimationFrame(watchFrames);
	const check = () => {
		if (!marks.drawnSeen && document.querySelector('.shelf .card')) {
			marks.drawnSeen = performance.now();
			requestAnimationFrame(() => {
				// A task after the frame: the cards have been painted.
				setTimeout(() => {
					marks.drawn = performance.now();
					check(); // the shelves may all be in already, with no mutation to come
					const from = frames.length;
					// A task queued now runs once the main thread is free, as a click's handler would;
					// it dispatches a keypress into the page and notes when that was handled.
					setTimeout(() => {
						addEventListener('keydown', () => (marks.interactive = performance.now()), { once: true });
						dispatchEvent(new KeyboardEvent('keydown', { key: 'Shift' }));
						marks.inputDelay = marks.interactive - marks.drawn;
						setTimeout(() => (marks.longestFrameAfterDrawn = Math.max(0, ...frames.slice(from))), 500);
					}, 0);
				}, 0);
			});
		}
		const spinner = document.querySelector('.home .spinner');
		if (marks.drawn && !spinner && !marks.complete) marks.complete = performance.now();
	};
	new MutationObserver(check).observe(document, { subtree: true, childList: true });
}

async function signIn() {
	const r = await fetch(opts.origin + '/api/v1/auth/login', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username: opts.username, password: opts.password, deviceId: 'bench-web', deviceName: 'bench', client: 'bench/web' }),
	});
	if (!r.ok) throw new Error(`login: HTTP ${r.status}`);
	const t = await r.json();
	return {
		token: t.accessToken,
		account: { userId: t.user.id, username: t.user.username, displayName: t.user.displayName || t.user.username, admin: t.user.admin,
			accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: Date.now() + t.expiresIn * 1000 },
	};
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

async function main() {
	await run.step('launch', async () => {
		const info = await run.launch();
		if (opts.poster) {
			// The bench library's pictures do not exist; with --poster every poster is that file,
			// answered at once as from a warm cache, so cards load and draw pictures as in a real
			// library instead of failing over to tiles.
			const body = await readFile(opts.poster);
			await p().context().route(/\/api\/v1\/items\/[^/]+\/images\//, (r) =>
				r.fulfill({ status: 200, contentType: 'image/jpeg', body, headers: { 'Cache-Control': 'private, max-age=86400' } }),
			);
		}
		return info;
	});
	let token = '';
	let account;
	await run.step('sign-in', async () => {
		({ token, account } = await signIn());
		return { user: account.username };
	});
	if (!account) return run.finish();
	// The client reads its session from localStorage: put it there before its scripts run.
	await p().addInitScript((a) => {
		localStorage.setItem('walros.accounts', JSON.stringify([a]));
		localStorage.setItem('walros.current', a.userId);
	}, account);
	await p().addInitScript(probe);

	const home = await run.step('home', async () => {
		const runs = [];
		for (let i = 0; i < opts.runs; i++) {
			// Another page of the origin first, so that each load of / is a new document (the HTTP
			// cache stays: every run after the first is a warm one).
			await p().goto(opts.origin + '/healthz');
			await p().goto(opts.origin + '/#/', { waitUntil: 'commit' });
			await p().waitForFunction(() => {
				const m = window.__walrosBench;
				return m && m.interactive && m.complete && m.longestFrameAfterDrawn !== undefined;
			}, null, { timeout: opts.timeout * 1000, polling: 50 });
			const m = await p().evaluate(() => window.__walrosBench);
			const nav = await p().evaluate(() => {
				const n = performance.getEntriesByType('navigation')[0];
				// The API requests of the load, to see where the time went: path, start, end.
				const api = performance
					.getEntriesByType('resource')
					.filter((r) => r.name.includes('/api/v1/') && !r.name.includes('/images/'))
					.map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]);
				const scripts = performance
					.getEntriesByType('resource')
					.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js') || r.name.endsWith('.css'))
					.map((r) => [new URL(r.name).pathname, Math.round(r.startTime), Math.round(r.responseEnd)]);
				return n ? { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd, api, scripts } : null;
			});
			runs.push({ cold: i === 0, drawn: +m.drawn.toFixed(1), interactive: +m.interactive.toFixed(1), complete: +m.complete.toFixed(1), inputDelay: +m.inputDelay.toFixed(1), longestFrameAfterDrawn: +m.longestFrameAfterDrawn.toFixed(1), nav });
			log(`home run ${i + 1}: drawn ${m.drawn.toFixed(0)} ms, interactive ${m.interactive.toFixed(0)} ms, complete ${m.complete.toFixed(0)} ms`);
		}
		const warm = runs.filter((r) => !r.cold);
		return { runs, cold: runs[0], warmMedian: warm.length ? { drawn: median(warm.map((r) => r.drawn)), interactive: median(warm.map((r) => r.interactive)), complete: median(warm.map((r) => r.complete)) } : null, worstInteractive: Math.max(...runs.map((r) => r.interactive)) };
	});
	if (!home) return run.finish();

	const scroll = await run.step('scroll', async () => {
		const libs = await (await fetch(opts.origin + '/api/v1/libraries', { headers: { Authorization: `Bearer ${token}` } })).json();
		const movies = libs.items.find((l) => l.type === 'movies');
		if (!movies) throw new Error('no movies library');
		await p().goto(`${opts.origin}/#/library/${movies.id}`);
		await p().waitForFunction(() => Number(document.querySelector('.vgrid')?.getAttribute('data-total')) > 0 && document.querySelectorAll('.vgrid a.card').length > 0, null, { timeout: opts.timeout * 1000 });
		const total = Number(await p().locator('.vgrid').getAttribute('data-total'));
		await p().waitForTimeout(1000); // let the first posters and the letter counts settle
		// The main thread's busy time over the scroll, from Chromium's own counters: what the
		// client costs per second of scrolling, less noisy than frame times on a shared machine.
		const cdp = await p().context().newCDPSession(p());
		await cdp.send('Performance.enable');
		const counters = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
		const before = await counters();
		const r = await p().evaluate(
			async ({ speed, seconds }) => {
				const g = document.querySelector('.vgrid');
				const frames = [];
				// Long animation frames (over 50 ms, where the browser reports them) say where a
				// slow frame's main-thread time went: script, rendering (rAF, style, layout), or
				// none of it (then the time went to raster and compositing, off the main thread).
				const long = [];
				const obs = 'PerformanceObserver' in window && PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame') ? new PerformanceObserver((l) => long.push(...l.getEntries())) : null;
				obs?.observe({ type: 'long-animation-frame' });
				const t0 = performance.now();
				let prev = 0;
				await new Promise((done) => {
					const tick = (t) => {
						if (prev) frames.push(t - prev);
						prev = t;
						const s = (t - t0) / 1000;
						g.scrollTop = Math.min(g.scrollHeight - g.clientHeight, speed * s);
						if (s < seconds) requestAnimationFrame(tick);
						else done();
					};
					requestAnimationFrame(tick);
				});
				obs?.takeRecords().forEach((e) => long.push(e));
				obs?.disconnect();
				// slowAt lists when each frame over 20 ms ended, in seconds into the scroll.
				const slowAt = (fs) => {
					const out = [];
					let at = 0;
					for (const f of fs) {
						at += f;
						if (f > 20) out.push(+(at / 1000).toFixed(2));
					}
					return out;
				};
				const sorted = [...frames].sort((a, b) => a - b);
				const q = (x) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))];
				const elapsed = frames.reduce((a, b) => a + b, 0);
				// The lowest rate an fps meter would show: frames ending within each second of
				// the run that ends at a frame (windows inside the run only).
				let minWindowFps = Infinity;
				let minWindowAt = 0;
				for (let end = 0, start = 0, sum = 0, inWin = 0, at = 0; end < frames.length; end++) {
					at += frames[end];
					sum += frames[end];
					inWin++;
					while (sum - frames[start] >= 1000) {
						sum -= frames[start++];
						inWin--;
					}
					if (at >= 1000 && (inWin * 1000) / sum < minWindowFps) {
						minWindowFps = (inWin * 1000) / sum;
						minWindowAt = at / 1000;
					}
				}
				return {
					frames: frames.length,
					seconds: +(elapsed / 1000).toFixed(2),
					fps: +((frames.length / elapsed) * 1000).toFixed(1),
					minSecondFps: +minWindowFps.toFixed(1),
					minSecondEndsAt: +minWindowAt.toFixed(1), // seconds into the scroll
					slowFramesAt: slowAt(frames),
					longFrames: long.filter((e) => e.startTime >= t0).map((e) => {
						const end = e.startTime + e.duration;
						const script = e.scripts.reduce((a, x) => a + x.duration, 0);
						return {
							at: +((e.startTime - t0) / 1000).toFixed(2),
							ms: Math.round(e.duration),
							script: Math.round(script),
							// rAF callbacks, then style and layout, at the frame's end
							render: e.renderStart ? Math.round(end - e.renderStart) : 0,
							styleLayout: e.styleAndLayoutStart ? Math.round(end - e.styleAndLayoutStart) : 0,
							top: [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 2).map((x) => `${x.invoker || x.invokerType} ${Math.round(x.duration)}ms`),
						};
					}),
					p50FrameMs: +q(0.5).toFixed(1),
					p99FrameMs: +q(0.99).toFixed(1),
					onePercentLowFps: +(1000 / q(0.99)).toFixed(1),
					longestFrameMs: +sorted[sorted.length - 1].toFixed(1),
					framesOver20ms: frames.filter((f) => f > 20).length,
					scrolledPx: Math.round(g.scrollTop),
					cardsInDom: g.querySelectorAll('.card').length,
				};
			},
			{ speed: opts.speed, seconds: opts.seconds },
		);
		const after = await counters();
		// A fling defers the posters of the cards it passes (ScrollSpeed in web/src/grid.ts): once
		// the scroll stops, every card in view must show its poster.
		const settled = await p()
			.waitForFunction(
				() => {
					const cards = [...document.querySelectorAll('.vgrid a.card')];
					const drawn = cards.filter((c) => c.querySelector('img.poster')?.complete && c.querySelector('img.poster').naturalWidth > 0);
					return drawn.length === cards.length && cards.length > 0 && { cards: cards.length, drawn: drawn.length };
				},
				null,
				{ timeout: 10_000 },
			)
			.then((h) => h.jsonValue())
			.catch(() => null);
		const perSecond = (k) => +(((after[k] - before[k]) * 1000) / r.seconds).toFixed(1); // ms a second
		const mainThread = { taskMsPerS: perSecond('TaskDuration'), scriptMsPerS: perSecond('ScriptDuration'), styleMsPerS: perSecond('RecalcStyleDuration'), layoutMsPerS: perSecond('LayoutDuration'), layouts: after.LayoutCount - before.LayoutCount, styleRecalcs: after.RecalcStyleCount - before.RecalcStyleCount };
		return { total, speedPxPerS: opts.speed, ...r, mainThread, postersAfterScroll: settled ? `all ${settled.cards} drawn` : 'not all drawn within 10 s' };
	});
	run.result = { home, scroll, missingImages };
	return run.finish();
}

main().catch(async (e) => {
	log(`measure: ${e.stack || e}`);
	run.steps.push({ name: 'internal', ok: false, ms: 0, detail: String((e && e.stack) || e) });
	run.failed = true;
	await run.finish();
});
