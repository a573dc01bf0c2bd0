#!/usr/bin/env node
// hlsplay.mjs plays an HLS master playlist with hls.js in headless Chromium
// and checks, step by step, that it really plays: manifest parsed, playback
// advances, a seek lands and playback goes on, and optionally an audio and a
// subtitle track switch. It prints one JSON object on stdout (see README.md)
// and exits 0 when every step passed, 1 when one failed, 2 on bad usage.
//
//   node e2e/hlsplay.mjs --origin http://127.0.0.1:8080 --master '/hls/1/master.m3u8?token=…' \
//       [--seek 20] [--audio-track 1] [--subtitle-track 0] [--timeout 60] [--screenshot out.png]
//   node e2e/hlsplay.mjs --probe-codecs            # only the MSE codec support matrix

import { Run, UsageError, log, parseArgs, printMatrix, probeCodecs, require, round, watchdog } from './lib.mjs';

const SPEC = {
	origin: { type: 'string' },
	master: { type: 'string' },
	page: { type: 'string', default: '/healthz' },
	seek: { type: 'number' },
	audioTrack: { type: 'int' },
	subtitleTrack: { type: 'int' },
	timeout: { type: 'number', default: 60 },
	screenshot: { type: 'string' },
	probeCodecs: { type: 'bool', default: false },
	hlsConfig: { type: 'string' },
	header: { type: 'list' },
	strict: { type: 'bool', default: false },
	verbose: { type: 'bool', default: false },
	headed: { type: 'bool', default: false },
};

const USAGE = `usage: node e2e/hlsplay.mjs --origin URL --master PATH_OR_URL [flags]
       node e2e/hlsplay.mjs --probe-codecs [--origin URL]

  --origin URL          the server, e.g. http://127.0.0.1:8080
  --master PATH         master playlist, relative to --origin (or absolute, same origin)
  --page PATH           same-origin page opened first (default /healthz; any status is fine)
  --seek SECONDS        seek there, then require playback past SECONDS+1
  --audio-track N       switch hls.audioTrack to N, require AUDIO_TRACK_SWITCHED, its fragments, playback
  --subtitle-track N    switch hls.subtitleTrack to N (display on), require cues on its text track
  --timeout SECONDS     per-step timeout (default 60); the whole run is capped at 8x that
  --screenshot FILE     PNG of the page at the end (also after a failure)
  --probe-codecs        add the MSE codec support matrix (codecSupport) to the result
  --hls-config JSON     extra hls.js config, e.g. '{"maxBufferLength":10}'
  --header 'K: V'       extra HTTP header on every request (repeatable)
  --strict              fail when any error at all was recorded (non-fatal ones too)
  --verbose             copy the browser console (and hls.js warnings) to stderr
  --headed              show the browser window (needs a display)

Environment: CHROMIUM  the browser binary (default /usr/bin/chromium)`;

let opts;
try {
	opts = parseArgs(process.argv.slice(2), SPEC);
	if (opts.help) {
		process.stderr.write(USAGE + '\n');
		process.exit(0);
	}
	if (!opts.probeCodecs || opts.master) {
		if (!opts.origin) throw new UsageError('--origin is required');
		if (!opts.master) throw new UsageError('--master is required (or use --probe-codecs alone)');
	}
	if (opts.origin) {
		const u = new URL(opts.origin);
		opts.origin = u.origin;
	}
	if (opts.hlsConfig) opts.hlsConfigObj = JSON.parse(opts.hlsConfig);
} catch (e) {
	process.stderr.write(`hlsplay: ${e.message}\n${USAGE}\n`);
	process.exit(2);
}

const run = new Run(opts);
watchdog(run, opts.timeout * 8 + 30);

// installHarness runs in the page: it creates the Hls instance and records
// what the checks need in window.__w.
function installHarness({ masterUrl, config }) {
	const v = document.getElementById('v');
	const H = window.Hls;
	const w = {
		hls: null,
		errors: [],
		fatal: null,
		manifest: null,
		audioSwitched: [],
		subtitleSwitched: [],
		frags: [],
		seeked: 0,
		playing: 0,
		waiting: 0,
		state() {
			return {
				fatal: this.fatal,
				errorCount: this.errors.length,
				lastError: this.errors.length ? this.errors[this.errors.length - 1] : null,
				manifest: !!this.manifest,
				audioSwitched: this.audioSwitched,
				subtitleSwitched: this.subtitleSwitched,
				seeked: this.seeked,
				playing: this.playing,
				waiting: this.waiting,
				audioTrack: this.hls ? this.hls.audioTrack : null,
				subtitleTrack: this.hls ? this.hls.subtitleTrack : null,
				level: this.hls ? this.hls.currentLevel : null,
				fragCount: this.frags.length,
			};
		},
	};
	window.__w = w;
	const hls = new H(Object.assign({ debug: false }, config));
	w.hls = hls;
	const E = H.Events;
	hls.on(E.ERROR, (_, d) => {
		const e = {
			type: d.type,
			details: d.details,
			fatal: !!d.fatal,
			message: (d.error && d.error.message) || d.reason || null,
			url: (d.frag && d.frag.url) || (d.context && d.context.url) || d.url || null,
			status: (d.response && d.response.code) || null,
			currentTime: v.currentTime,
			time: Date.now(),
		};
		w.errors.push(e);
		if (e.fatal && !w.fatal) w.fatal = e;
	});
	const audioInfo = (t) => ({
		id: t.id, lang: t.lang || null, name: t.name, groupId: t.groupId, default: !!t.default, autoselect: !!t.autoselect,
		channels: t.channels || null, codec: t.audioCodec || null, url: t.url,
	});
	const subInfo = (t) => ({
		id: t.id, lang: t.lang || null, name: t.name, groupId: t.groupId, default: !!t.default, forced: !!t.forced, url: t.url,
	});
	// hls.audioTracks and hls.subtitleTracks hold the renditions of the
	// current level's groups, known once a level is chosen; their ids are
	// what hls.audioTrack and hls.subtitleTrack take.
	w.tracks = () => ({ audioTracks: hls.audioTracks.map(audioInfo), subtitleTracks: hls.subtitleTracks.map(subInfo) });
	hls.on(E.MANIFEST_PARSED, (_, d) => {
		w.manifest = {
			levels: d.levels.map((l, i) => ({
				index: i,
				width: l.width,
				height: l.height,
				bitrate: l.bitrate,
				codecs: l.codecSet || [l.videoCodec, l.audioCodec].filter(Boolean).join(','),
				videoCodec: l.videoCodec || null,
				audioCodec: l.audioCodec || null,
				frameRate: l.frameRate || null,
				url: l.url,
			})),
			audioTracks: (d.audioTracks || []).map(audioInfo),
			subtitleTracks: (d.subtitleTracks || []).map(subInfo),
		};
	});
	hls.on(E.AUDIO_TRACK_SWITCHED, (_, d) => w.audioSwitched.push({ id: d.id, name: d.name, lang: d.lang, at: v.currentTime }));
	hls.on(E.SUBTITLE_TRACK_SWITCH, (_, d) => w.subtitleSwitched.push({ id: d.id, at: v.currentTime }));
	hls.on(E.FRAG_LOADED, (_, d) => {
		const f = d.frag;
		w.frags.push({ type: f.type, level: f.level, sn: f.sn, start: f.start, url: f.url, t: performance.now() });
	});
	v.addEventListener('seeked', () => w.seeked++);
	v.addEventListener('playing', () => w.playing++);
	v.addEventListener('waiting', () => w.waiting++);
	hls.attachMedia(v);
	hls.loadSource(masterUrl);
	return { hlsVersion: H.version, mseSupported: H.isSupported() };
}

async function main() {
	const r = run.result;
	const browser = await run.step('launch', () => run.launch());
	if (browser) r.browser = browser.browser;

	if (opts.probeCodecs) {
		if (!run.failed) {
			await run.page.setContent('<video id="v" muted></video>');
			r.codecSupport = await probeCodecs(run.page);
			printMatrix(r.codecSupport);
		}
		if (!opts.master) return run.finish();
	}

	await run.step('open-origin', () => run.openOrigin(opts.page));
	const masterUrl = new URL(opts.master, opts.origin + '/').href;
	r.master = masterUrl;

	await run.step('load-hlsjs', async () => {
		await run.page.addScriptTag({ path: require.resolve('hls.js/dist/hls.min.js') });
		const info = await run.page.evaluate(installHarness, { masterUrl, config: opts.hlsConfigObj || {} });
		r.hlsVersion = info.hlsVersion;
		if (!info.mseSupported) throw new Error('Hls.isSupported() is false: no MediaSource in this browser');
		return info;
	});

	await run.step('manifest-parsed', async () => {
		await run.waitFor('MANIFEST_PARSED', (s) => s.w.manifest);
		const m = await run.page.evaluate(() => window.__w.manifest);
		r.levels = m.levels;
		r.audioTracks = m.audioTracks; // replaced by the selected groups' after playback starts
		r.subtitleTracks = m.subtitleTracks;
		if (!m.levels.length) throw new Error('the master playlist has no levels');
		return { levels: m.levels.length, audioTracks: m.audioTracks.length, subtitleTracks: m.subtitleTracks.length };
	});

	await run.step('playback-starts', async () => {
		const t = Date.now();
		const playErr = await run.page.evaluate(() => document.getElementById('v').play().then(() => null, (e) => String(e)));
		if (playErr) throw new Error(`video.play() rejected: ${playErr}`);
		const d = await run.advance('playback', 1, 0);
		const s = await run.page.evaluate(() => {
			const v = document.getElementById('v');
			const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
			return { width: v.videoWidth, height: v.videoHeight, duration: v.duration, frames: q && q.totalVideoFrames, dropped: q && q.droppedVideoFrames, level: window.__w.hls.currentLevel };
		});
		Object.assign(r, await run.page.evaluate(() => window.__w.tracks()));
		if (!s.width || !s.height) throw new Error(`no video frames: videoWidth=${s.width} videoHeight=${s.height}`);
		return { ...d, startupMs: Date.now() - t, videoWidth: s.width, videoHeight: s.height, duration: round(s.duration), decodedFrames: s.frames, droppedFrames: s.dropped, level: s.level };
	});

	if (opts.seek !== undefined) {
		const target = opts.seek;
		await run.step('seek', async () => {
			const before = await run.snap();
			if (Number.isFinite(before.duration) && target + 1 > before.duration) {
				throw new Error(`--seek ${target} is too close to the end: duration is ${round(before.duration)}s`);
			}
			await run.page.evaluate((t) => { document.getElementById('v').currentTime = t; }, target);
			const { snap } = await run.waitFor(`'seeked' after seeking to ${target}`, (s) => s.w.seeked > before.w.seeked && !s.seeking);
			return { from: round(before.currentTime), target, landed: round(snap.currentTime) };
		});
		await run.step('play-after-seek', () => run.advance('after seek', 1, target));
	}

	if (opts.audioTrack !== undefined) {
		const n = opts.audioTrack;
		let fragsBefore = 0;
		await run.step('audio-switch', async () => {
			const tracks = r.audioTracks || [];
			if (n >= tracks.length) throw new Error(`--audio-track ${n}: the manifest has ${tracks.length} audio track(s)`);
			const s0 = await run.snap();
			if (s0.w.audioTrack === n) throw new Error(`audio track ${n} is already selected (the default); pick another to test a switch`);
			fragsBefore = s0.w.fragCount;
			const seen = s0.w.audioSwitched.length;
			await run.page.evaluate((id) => { window.__w.hls.audioTrack = id; }, n);
			const { snap } = await run.waitFor(`AUDIO_TRACK_SWITCHED id ${n}`, (s) => s.w.audioSwitched.slice(seen).some((e) => e.id === n));
			return { from: s0.w.audioTrack, to: snap.w.audioTrack, track: tracks[n], at: round(snap.currentTime) };
		});
		await run.step('audio-playback', async () => {
			const { value: frag } = await run.waitFor(`an audio fragment of track ${n} loaded`, () =>
				run.page.evaluate(({ from, id }) => window.__w.frags.slice(from).find((f) => f.type === 'audio' && f.level === id) || null, { from: fragsBefore, id: n }));
			const d = await run.advance('after audio switch', 1);
			const track = await run.page.evaluate(() => window.__w.hls.audioTrack);
			if (track !== n) throw new Error(`hls.audioTrack went back to ${track}`);
			return { ...d, fragment: { sn: frag.sn, start: round(frag.start), url: frag.url } };
		});
	}

	if (opts.subtitleTrack !== undefined) {
		const n = opts.subtitleTrack;
		await run.step('subtitle-switch', async () => {
			const tracks = r.subtitleTracks || [];
			if (n >= tracks.length) throw new Error(`--subtitle-track ${n}: the manifest has ${tracks.length} subtitle track(s)`);
			const s0 = await run.snap();
			const seen = s0.w.subtitleSwitched.length;
			await run.page.evaluate((id) => {
				const h = window.__w.hls;
				h.subtitleDisplay = true;
				h.subtitleTrack = id;
			}, n);
			const { snap } = await run.waitFor(`SUBTITLE_TRACK_SWITCH id ${n}`, (s) => s.w.subtitleTrack === n && (s.w.subtitleSwitched.slice(seen).some((e) => e.id === n) || s0.w.subtitleTrack === n));
			return { from: s0.w.subtitleTrack, to: snap.w.subtitleTrack, track: tracks[n] };
		});
		await run.step('subtitle-cues', async () => {
			const find = (id) => {
				const h = window.__w.hls;
				const t = h.subtitleTracks[id];
				const v = document.getElementById('v');
				const all = Array.from(v.textTracks);
				let tt = t && t.trackNode ? t.trackNode.track : null;
				if (!tt) tt = all.find((x) => x.label === t.name && (x.language || '') === (t.lang || '') && x.mode !== 'disabled') || null;
				const cues = tt && tt.cues ? Array.from(tt.cues) : [];
				const active = tt && tt.activeCues ? Array.from(tt.activeCues) : [];
				return {
					found: !!tt,
					label: tt && tt.label,
					language: tt && tt.language,
					kind: tt && tt.kind,
					mode: tt && tt.mode,
					cueCount: cues.length,
					activeCues: active.length,
					firstCue: cues[0] ? { start: cues[0].startTime, end: cues[0].endTime, text: cues[0].text } : null,
					textTracks: all.map((x) => ({ label: x.label, language: x.language, kind: x.kind, mode: x.mode, cues: x.cues ? x.cues.length : null })),
				};
			};
			let c = null;
			await run.waitFor(`cues on the text track of subtitle track ${n}`, async () => {
				c = await run.page.evaluate(find, n);
				return c.found && c.cueCount > 0;
			}, { last: () => c });
			if (c.mode !== 'showing') throw new Error(`the text track has cues but its mode is '${c.mode}', not 'showing'`);
			// Informational: a cue active at the playhead shows that the cue
			// times line up with the media timeline. Cues can have gaps, so
			// this waits a few seconds at most and never fails the step.
			const until = Date.now() + Math.min(5, opts.timeout) * 1000;
			let active = null;
			while (!active && Date.now() < until) {
				active = await run.page.evaluate((id) => {
					const v = document.getElementById('v');
					const t = window.__w.hls.subtitleTracks[id];
					const tt = t && t.trackNode ? t.trackNode.track : Array.from(v.textTracks).find((x) => x.mode === 'showing');
					const a = tt && tt.activeCues && tt.activeCues[0];
					return a ? { start: a.startTime, end: a.endTime, text: a.text, currentTime: v.currentTime } : null;
				}, n);
				if (!active) await new Promise((res) => setTimeout(res, 100));
			}
			return { ...(await run.page.evaluate(find, n)), activeCue: active };
		});
	}

	// Errors hls.js reported (non-fatal too) go in the result's errors.
	if (run.page) {
		try {
			const hlsErrors = await run.page.evaluate(() => (window.__w ? window.__w.errors : []));
			for (const e of hlsErrors) run.addError({ source: 'hls', ...e });
			const st = await run.snap();
			r.final = { currentTime: round(st.currentTime), duration: round(st.duration), paused: st.paused, buffered: st.buffered, audioTrack: st.w && st.w.audioTrack, subtitleTrack: st.w && st.w.subtitleTrack, level: st.w && st.w.level, fragments: st.w && st.w.fragCount };
			if (st.w && st.w.fatal && !run.failed) {
				run.steps.push({ name: 'no-fatal-errors', ok: false, ms: 0, detail: st.w.fatal });
				run.failed = true;
			}
		} catch (e) {
			log(`could not read the final state: ${e.message}`);
		}
	}
	await run.screenshot(opts.screenshot);
	return run.finish();
}

main().catch(async (e) => {
	log(`hlsplay: ${e.stack || e}`);
	run.steps.push({ name: 'internal', ok: false, ms: 0, detail: String(e && e.stack || e) });
	run.failed = true;
	await run.screenshot(opts.screenshot);
	await run.finish();
});
