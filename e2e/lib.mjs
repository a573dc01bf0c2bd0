// lib.mjs holds what the browser scripts share: argument parsing, the
// Chromium launch, the same-origin blank page (hlsplay.mjs, dashplay.mjs),
// timed steps, polling of the page's state, error collection, the one JSON
// result on stdout, and the start of the web client's scripts (setup).
//
// Conventions: stdout carries exactly one JSON object; everything meant for
// people goes to stderr. Exit codes: 0 all steps passed, 1 a step failed,
// 2 bad usage.

import { createRequire } from 'node:module';
import { join } from 'node:path';

export const require = createRequire(import.meta.url);

// log writes one human line to stderr.
export function log(...parts) {
	process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${parts.join(' ')}\n`);
}

export class UsageError extends Error {}

// parseArgs parses `--name value` and `--name=value` pairs (and bare boolean
// flags) against a spec {name: {type: 'string'|'number'|'int'|'bool'|'list', default}}.
export function parseArgs(argv, spec) {
	const out = {};
	for (const [k, v] of Object.entries(spec)) {
		if (v.type === 'list') out[k] = [];
		else if ('default' in v) out[k] = v.default;
	}
	for (let i = 0; i < argv.length; i++) {
		let a = argv[i];
		if (a === '-h' || a === '--help') {
			out.help = true;
			continue;
		}
		if (!a.startsWith('--')) throw new UsageError(`unexpected argument: ${a}`);
		a = a.slice(2);
		let val;
		const eq = a.indexOf('=');
		if (eq >= 0) {
			val = a.slice(eq + 1);
			a = a.slice(0, eq);
		}
		const key = a.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
		const s = spec[key];
		if (!s) throw new UsageError(`unknown flag --${a}`);
		if (s.type === 'bool') {
			out[key] = val === undefined ? true : !/^(0|false|no)$/i.test(val);
			continue;
		}
		if (val === undefined) {
			if (i + 1 >= argv.length) throw new UsageError(`--${a} needs a value`);
			val = argv[++i];
			if (val.startsWith('--')) throw new UsageError(`--${a} needs a value, got the flag ${val}`);
		}
		if (s.type === 'number' || s.type === 'int') {
			const n = Number(val);
			if (!Number.isFinite(n) || (s.type === 'int' && !Number.isInteger(n)) || n < 0) {
				throw new UsageError(`--${a} wants a non-negative ${s.type === 'int' ? 'integer' : 'number'}, got '${val}'`);
			}
			out[key] = n;
		} else if (s.type === 'list') {
			out[key].push(val);
		} else {
			out[key] = val;
		}
	}
	return out;
}

// The types --probe-codecs asks about: the brief's avc1, hvc1, vp09, av01,
// mp4a, opus, flac and ac-3, each in MP4 and WebM, plus a few neighbours.
export const PROBE_TYPES = [
	'video/mp4; codecs="avc1.42e01e"',
	'video/mp4; codecs="avc1.4d401f"',
	'video/mp4; codecs="avc1.64001f"',
	'video/mp4; codecs="avc1.640028"',
	'video/webm; codecs="avc1.64001f"',
	'video/mp4; codecs="hvc1.1.6.L93.B0"',
	'video/mp4; codecs="hev1.1.6.L93.B0"',
	'video/webm; codecs="hvc1.1.6.L93.B0"',
	'video/mp4; codecs="vp09.00.10.08"',
	'video/webm; codecs="vp09.00.10.08"',
	'video/webm; codecs="vp9"',
	'video/webm; codecs="vp8"',
	'video/mp4; codecs="av01.0.05M.08"',
	'video/webm; codecs="av01.0.05M.08"',
	'audio/mp4; codecs="mp4a.40.2"',
	'audio/mp4; codecs="mp4a.40.5"',
	'audio/mp4; codecs="mp4a.69"',
	'audio/mp4; codecs="mp3"',
	'audio/mpeg',
	'audio/aac',
	'audio/webm; codecs="mp4a.40.2"',
	'audio/mp4; codecs="opus"',
	'audio/webm; codecs="opus"',
	'audio/webm; codecs="vorbis"',
	'audio/mp4; codecs="flac"',
	'audio/webm; codecs="flac"',
	'audio/mp4; codecs="ac-3"',
	'audio/webm; codecs="ac-3"',
	'audio/mp4; codecs="ec-3"',
	'video/mp2t; codecs="avc1.64001f,mp4a.40.2"',
];

// probeCodecs asks the page, for each type: MediaSource.isTypeSupported,
// <video>.canPlayType, and MediaCapabilities.decodingInfo for media-source.
export async function probeCodecs(page) {
	return page.evaluate(async (types) => {
		const out = {};
		const v = document.createElement('video');
		for (const t of types) {
			const r = { mse: typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(t), canPlayType: v.canPlayType(t) };
			try {
				const isVideo = t.startsWith('video/');
				const cfg = { type: 'media-source' };
				if (isVideo) cfg.video = { contentType: t, width: 1280, height: 720, bitrate: 2e6, framerate: 25 };
				else cfg.audio = { contentType: t, channels: '2', bitrate: 128000, samplerate: 48000 };
				const info = await navigator.mediaCapabilities.decodingInfo(cfg);
				r.decodingInfo = { supported: info.supported, smooth: info.smooth, powerEfficient: info.powerEfficient };
			} catch (e) {
				r.decodingInfo = { error: String(e && e.message || e) };
			}
			out[t] = r;
		}
		return out;
	}, PROBE_TYPES);
}

export function printMatrix(matrix) {
	log('MSE codec support (mse / canPlayType / decodingInfo.supported):');
	for (const [t, r] of Object.entries(matrix)) {
		const d = r.decodingInfo && 'supported' in r.decodingInfo ? String(r.decodingInfo.supported) : 'error';
		log(`  ${r.mse ? 'yes' : 'no '}  ${(r.canPlayType || '""').padEnd(8)} ${d.padEnd(5)}  ${t}`);
	}
}

// maxErrors is how many HTTP errors a report lists; it counts the others.
const maxErrors = 200;

// Run collects the steps, the errors, and whatever else goes in the result.
export class Run {
	constructor(opts) {
		this.opts = opts;
		this.steps = [];
		this.errors = [];
		this.offsite = []; // requests to another origin than --origin
		this.result = {};
		this.failed = false;
		this.browser = null;
		this.page = null;
		this.t0 = Date.now();
		this.current = null; // the step running, for the watchdog's report
	}

	// step runs fn(), which returns a detail value or throws; after a failed
	// step the rest are recorded as skipped.
	async step(name, fn) {
		if (this.failed) {
			this.steps.push({ name, ok: false, skipped: true, ms: 0, detail: 'skipped: an earlier step failed' });
			return undefined;
		}
		const start = Date.now();
		log(`step ${name} ...`);
		this.current = name;
		try {
			const detail = await fn();
			const ms = Date.now() - start;
			this.steps.push({ name, ok: true, ms, detail: detail ?? null });
			log(`step ${name} ok (${ms} ms)${detail ? ': ' + short(detail) : ''}`);
			return detail;
		} catch (e) {
			const ms = Date.now() - start;
			// Our own checks throw plain Errors: their message says it all.
			// Anything else (a TypeError, say) is a bug: keep its stack.
			let detail;
			if (e instanceof StepError) detail = e.detail;
			else if (e && e.constructor === Error) detail = stripAnsi(e.message);
			else detail = stripAnsi(String(e && e.stack || e));
			this.steps.push({ name, ok: false, ms, detail });
			this.failed = true;
			log(`step ${name} FAILED (${ms} ms): ${short(detail)}`);
			return undefined;
		} finally {
			this.current = null;
		}
	}

	// addError records one error; e.time (epoch ms, from the page) dates it.
	addError(e) {
		const { time, ...rest } = e;
		this.errors.push({ at: (time ?? Date.now()) - this.t0, ...rest });
		log(`error ${e.source}: ${short(e)}`);
	}

	// launch starts Chromium and opens one page, recording console errors,
	// uncaught page exceptions, failed requests and HTTP errors.
	async launch() {
		const o = this.opts;
		const args = [
			'--no-sandbox',
			'--autoplay-policy=no-user-gesture-required',
			'--mute-audio',
			'--disable-dev-shm-usage',
			'--disable-gpu',
			'--no-first-run',
			'--no-default-browser-check',
		];
		// Imported here, so that static.mjs and fixture.mjs start fast.
		const { chromium } = await import('playwright-core');
		this.browser = await chromium.launch({
			executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			headless: !o.headed,
			args,
			timeout: o.timeout * 1000,
		});
		const headers = {};
		for (const h of o.header || []) {
			const i = h.indexOf(':');
			if (i <= 0) throw new UsageError(`--header wants 'Name: value', got '${h}'`);
			headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
		}
		const ctx = await this.browser.newContext({
			viewport: { width: 1280, height: 720 },
			bypassCSP: true, // the server's CSP must not block the injected player
			extraHTTPHeaders: headers,
		});
		// Walros and its web client make no request beyond their own origin (fonts and icons are
		// bundled): any other is recorded and fails the run.
		if (o.origin) {
			const own = new URL(o.origin).origin;
			ctx.on('request', (r) => {
				const u = new URL(r.url());
				if (/^(https?|wss?):$/.test(u.protocol) && u.origin !== own) this.offsite.push(r.url());
			});
		}
		this.page = await ctx.newPage();
		this.page.setDefaultTimeout(o.timeout * 1000);
		this.page.on('console', (m) => {
			if (o.verbose) log(`console.${m.type()}: ${m.text()}`);
			// 'Failed to load resource' is recorded, with its URL, as source 'http'.
			if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) this.addError({ source: 'console', message: m.text() });
		});
		this.page.on('pageerror', (e) => this.addError({ source: 'pageerror', message: String(e && e.message || e) }));
		this.page.on('requestfailed', (r) => {
			const f = r.failure();
			// Aborts are normal: players cancel requests on seek and switch.
			if (f && /ERR_ABORTED/.test(f.errorText)) return;
			this.addError({ source: 'request', url: r.url(), message: f ? f.errorText : 'failed' });
		});
		this.page.on('response', (r) => {
			if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) this.addError({ source: 'http', url: r.url(), status: r.status() });
		});
		return { browser: this.browser.version() };
	}

	// openOrigin loads a same-origin URL, then replaces the document with a
	// bare page holding one muted <video>, so that the player's requests are
	// same-origin (no CORS) whatever the server answered.
	async openOrigin(path) {
		const url = new URL(path, this.opts.origin).href;
		const resp = await this.page.goto(url, { waitUntil: 'domcontentloaded' });
		await this.page.evaluate(() => {
			document.open();
			document.write('<!doctype html><html><head><meta charset="utf-8"><title>walros e2e</title>' +
				'<style>html,body{margin:0;background:#000;height:100%}video{width:100%;height:100%;display:block}</style>' +
				'</head><body><video id="v" muted playsinline></video></body></html>');
			document.close();
		});
		return { url, status: resp ? resp.status() : null, origin: await this.page.evaluate(() => location.origin) };
	}

	// snap reads the <video> state plus whatever window.__w holds.
	async snap() {
		return this.page.evaluate(() => {
			const v = document.getElementById('v');
			const b = [];
			for (let i = 0; i < v.buffered.length; i++) b.push([+v.buffered.start(i).toFixed(3), +v.buffered.end(i).toFixed(3)]);
			return {
				currentTime: v.currentTime,
				duration: v.duration,
				paused: v.paused,
				seeking: v.seeking,
				readyState: v.readyState,
				buffered: b,
				videoError: v.error ? { code: v.error.code, message: v.error.message } : null,
				w: window.__w ? window.__w.state() : null,
			};
		});
	}

	// waitFor polls snap() until pred(snapshot) (which may be async) is
	// truthy, and fails at once on a fatal player error or a <video> error,
	// or after the step timeout; `last` (a function) adds detail to a timeout.
	async waitFor(what, pred, { timeoutSec = this.opts.timeout, last } = {}) {
		const deadline = Date.now() + timeoutSec * 1000;
		for (;;) {
			const s = await this.snap();
			const fatal = s.w && s.w.fatal;
			if (fatal) throw new StepError({ message: `fatal player error while waiting for ${what}`, fatal, state: brief(s) });
			if (s.videoError) throw new StepError({ message: `<video> error while waiting for ${what}`, videoError: s.videoError, state: brief(s) });
			const r = await pred(s);
			if (r) return { value: r, snap: s };
			if (Date.now() > deadline) {
				throw new StepError({ message: `timed out after ${timeoutSec}s waiting for ${what}`, state: brief(s), ...(last ? { last: last() } : {}) });
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	// advance waits until currentTime has moved at least `by` seconds past
	// `from` (default: the current position).
	async advance(label, by = 1, from) {
		const s0 = await this.snap();
		const start = from ?? s0.currentTime;
		const { snap } = await this.waitFor(`${label}: currentTime >= ${(start + by).toFixed(2)}`, (s) => !s.seeking && s.currentTime >= start + by);
		return { from: round(start), to: round(snap.currentTime), paused: snap.paused, buffered: snap.buffered };
	}

	async screenshot(path) {
		if (!path || !this.page) return;
		try {
			await this.page.screenshot({ path });
			log(`screenshot written to ${path}`);
		} catch (e) {
			log(`screenshot failed: ${e.message}`);
		}
	}

	// finish prints the JSON result and exits; once (the watchdog's and the steps' own end may
	// both call it).
	async finish(extra = {}) {
		if (this.finishing) return;
		this.finishing = true;
		if (this.browser) {
			await Promise.race([this.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
		}
		const strictBad = this.opts.strict && this.errors.length > 0;
		const ok = !this.failed && this.steps.length > 0 && this.steps.every((s) => s.ok) && !strictBad && this.offsite.length === 0;
		this.errors.sort((a, b) => a.at - b.at);
		// Every error is kept but HTTP ones past the first maxErrors: thousands of those (a grid's
		// missing pictures) only make the report long.
		let http = 0;
		const kept = this.errors.filter((e) => e.source !== 'http' || ++http <= maxErrors);
		const out = { ok, steps: this.steps, ...this.result, ...extra, errors: kept, ms: Date.now() - this.t0 };
		if (this.errors.length > kept.length) out.errorsLeftOut = this.errors.length - kept.length;
		if (strictBad && !this.failed) out.strictFailure = `--strict: ${this.errors.length} error(s) recorded`;
		if (this.offsite.length > 0) {
			out.offsite = this.offsite;
			log(`requests beyond ${this.opts.origin}: ${this.offsite.join(', ')}`);
		}
		log(ok ? 'PASS' : 'FAIL');
		// A report larger than the pipe's buffer is written in parts while the reader catches up:
		// exiting before the last part is out would cut it (a 78 KB report was cut on a busy machine).
		process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(ok ? 0 : 1));
	}
}

export class StepError extends Error {
	constructor(detail) {
		super(typeof detail === 'string' ? detail : detail.message);
		this.detail = detail;
	}
}

function stripAnsi(s) {
	return s.replace(/\x1b\[[0-9;]*m/g, '');
}

export function round(x, d = 3) {
	return typeof x === 'number' && Number.isFinite(x) ? +x.toFixed(d) : x;
}

function brief(s) {
	return {
		currentTime: round(s.currentTime), duration: round(s.duration), paused: s.paused, seeking: s.seeking, readyState: s.readyState, buffered: s.buffered,
		errorCount: s.w ? s.w.errorCount : 0, lastError: s.w ? s.w.lastError : null,
	};
}

function short(x) {
	const s = typeof x === 'string' ? x : JSON.stringify(x);
	return s.length > 400 ? s.slice(0, 400) + '…' : s;
}

// poll calls fn until it returns a truthy value, which it returns, every `every` ms; after
// signIn fills the web client's sign-in form on the page as it stands (the first sign-in, or
// "Add user"), sends it, and waits for the user's own menu button: the client is signed in.
export async function signIn(page, username, password, timeout) {
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('button', { name: username }).waitFor({ timeout });
}

// timeoutMs it throws, naming what it waited for and fn's last answer (or error).
export async function poll(what, fn, timeoutMs, every = 100) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			last = e.message;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${JSON.stringify(last)})`);
		await new Promise((r) => setTimeout(r, every));
	}
}

// watchdog ends the process with a failure result if everything together
// takes longer than `sec` seconds (a hung browser must not hang a Go test), or
// on SIGTERM (the Go test's own time limit): either way the result says which
// step was running.
export function watchdog(run, sec) {
	const stop = (name, why) => {
		const during = run.current ? ` during step ${run.current}` : '';
		log(`${name}: ${why}${during}`);
		run.steps.push({ name, ok: false, ms: Date.now() - run.t0, detail: why + during });
		run.failed = true;
		run.finish();
	};
	const t = setTimeout(() => stop('watchdog', `the whole run exceeded ${sec}s`), sec * 1000);
	t.unref();
	process.once('SIGTERM', () => stop('terminated', 'SIGTERM: stopped from outside'));
}

// setup starts a script that drives the web client (webclient.mjs and its siblings): it parses
// the command line, the flags they all take (--origin, --username, --password, --shots,
// --timeout, --verbose, --headed) plus spec, exits with code 2 when --origin, --username,
// --password or one of required (named as in spec) is missing, starts the watchdog (budget step
// timeouts and 30 s), and returns what the steps use. A screenshot NAME is kept as <--shots>/<prefix>NAME.png; with
// fullPage, of the whole page from its top (<main> is the page's scroller), or from the element
// `at` when given.
export function setup(name, { spec = {}, required = [], budget, prefix, fullPage = false }) {
	const SPEC = {
		origin: { type: 'string' },
		username: { type: 'string' },
		password: { type: 'string' },
		...spec,
		shots: { type: 'string' },
		timeout: { type: 'number', default: 30 },
		verbose: { type: 'bool', default: false },
		headed: { type: 'bool', default: false },
	};
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2), SPEC);
		for (const k of ['origin', 'username', 'password', ...required]) {
			if (opts[k] === undefined || opts[k] === '') throw new UsageError(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
		}
		opts.origin = new URL(opts.origin).origin;
	} catch (e) {
		process.stderr.write(`${name}: ${e.message}\n`);
		process.exit(2);
	}
	const run = new Run(opts);
	watchdog(run, opts.timeout * budget + 30);
	const ms = () => opts.timeout * 1000;
	const p = () => run.page;

	async function shot(shotName, at) {
		if (!opts.shots) return null;
		const path = join(opts.shots, `${prefix}${shotName}.png`);
		if (at) await at.evaluate((el) => el.scrollIntoView({ block: 'start' }));
		else if (fullPage) await p().evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
		await p().screenshot({ path, fullPage });
		return path;
	}

	// token is the access token a page (the run's by default) keeps for its current user.
	const token = (page = p()) =>
		page.evaluate(() => {
			const id = localStorage.getItem('walros.current');
			const a = JSON.parse(localStorage.getItem('walros.accounts') || '[]').find((x) => x.userId === id);
			return a && a.accessToken;
		});

	// call asks the native API from Node as the page's current user, or with headers instead,
	// and returns the response, whatever its status.
	async function call(path, { method = 'GET', body, headers } = {}) {
		const h = headers ?? { Authorization: `Bearer ${await token()}` };
		if (body !== undefined) h['Content-Type'] = 'application/json';
		return fetch(opts.origin + '/api/v1' + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
	}

	// api is call's answer as JSON (null for 204), or an error for a status other than 2xx.
	async function api(path, method = 'GET', body = undefined) {
		const r = await call(path, { method, body });
		if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
		return r.status === 204 ? null : r.json();
	}

	return {
		opts,
		run,
		ms,
		p,
		shot,
		token,
		call,
		api,
		// until polls fn (in Node) until it returns a truthy value, or fails after the step timeout.
		until: (what, fn, { timeout = ms(), every = 100 } = {}) => poll(what, fn, timeout, every),
		// main runs the steps, then prints the result; an exception out of them (a bug in the
		// script) is one more failed step, "internal".
		main: (steps) =>
			steps().then(
				() => run.finish(),
				async (e) => {
					log(`${name}: ${e.stack || e}`);
					run.steps.push({ name: 'internal', ok: false, ms: 0, detail: String((e && e.stack) || e) });
					run.failed = true;
					await run.finish();
				},
			),
	};
}
