#!/usr/bin/env node
// dashplay.mjs is hlsplay.mjs for DASH: it plays an MPD with dash.js in
// headless Chromium and checks that the manifest loads, playback advances,
// a seek lands and playback goes on, and optionally an audio track switch.
// Same output (one JSON object on stdout) and exit codes as hlsplay.mjs.
//
//   node e2e/dashplay.mjs --origin http://127.0.0.1:8080 --mpd '/dash/1/manifest.mpd?token=…' \
//       [--seek 20] [--audio-track 1] [--timeout 60] [--screenshot out.png]

import { Run, UsageError, log, parseArgs, require, round, watchdog } from './lib.mjs';

const SPEC = {
	origin: { type: 'string' },
	mpd: { type: 'string' },
	page: { type: 'string', default: '/healthz' },
	seek: { type: 'number' },
	audioTrack: { type: 'int' },
	timeout: { type: 'number', default: 60 },
	screenshot: { type: 'string' },
	header: { type: 'list' },
	strict: { type: 'bool', default: false },
	verbose: { type: 'bool', default: false },
	headed: { type: 'bool', default: false },
};

const USAGE = `usage: node e2e/dashplay.mjs --origin URL --mpd PATH_OR_URL [flags]

  --origin URL          the server, e.g. http://127.0.0.1:8080
  --mpd PATH            the DASH manifest, relative to --origin (or absolute, same origin)
  --page PATH           same-origin page opened first (default /healthz; any status is fine)
  --seek SECONDS        seek there, then require playback past SECONDS+1
  --audio-track N       switch to the Nth audio adaptation set (player.getTracksFor('audio')[N])
  --timeout SECONDS     per-step timeout (default 60); the whole run is capped at 8x that
  --screenshot FILE     PNG of the page at the end (also after a failure)
  --header 'K: V'       extra HTTP header on every request (repeatable)
  --strict              fail when any error at all was recorded
  --verbose             copy the browser console to stderr
  --headed              show the browser window (needs a display)

Environment: CHROMIUM  the browser binary (default /usr/bin/chromium)`;

let opts;
try {
	opts = parseArgs(process.argv.slice(2), SPEC);
	if (opts.help) {
		process.stderr.write(USAGE + '\n');
		process.exit(0);
	}
	if (!opts.origin) throw new UsageError('--origin is required');
	if (!opts.mpd) throw new UsageError('--mpd is required');
	opts.origin = new URL(opts.origin).origin;
} catch (e) {
	process.stderr.write(`dashplay: ${e.message}\n${USAGE}\n`);
	process.exit(2);
}

const run = new Run(opts);
watchdog(run, opts.timeout * 8 + 30);

// installHarness runs in the page: it creates the dash.js player and records
// what the checks need in window.__w (the same state() shape as hlsplay's).
function installHarness({ mpdUrl }) {
	const v = document.getElementById('v');
	const dashjs = window.dashjs;
	const E = dashjs.MediaPlayer.events;
	const w = {
		player: null,
		errors: [],
		fatal: null,
		manifest: false,
		streamInitialized: false,
		trackChanges: [],
		frags: [],
		seeked: 0,
		playing: 0,
		waiting: 0,
		state() {
			return {
				fatal: this.fatal,
				errorCount: this.errors.length,
				lastError: this.errors.length ? this.errors[this.errors.length - 1] : null,
				manifest: this.manifest,
				streamInitialized: this.streamInitialized,
				trackChanges: this.trackChanges,
				seeked: this.seeked,
				playing: this.playing,
				waiting: this.waiting,
				fragCount: this.frags.length,
			};
		},
	};
	window.__w = w;
	const player = dashjs.MediaPlayer().create();
	w.player = player;
	// dash.js retries downloads itself; what reaches ERROR is not recovered.
	player.on(E.ERROR, (e) => {
		const err = e.error || {};
		const rec = { type: 'error', code: err.code ?? null, message: err.message || String(err), fatal: true, currentTime: v.currentTime, time: Date.now() };
		w.errors.push(rec);
		if (!w.fatal) w.fatal = rec;
	});
	player.on(E.PLAYBACK_ERROR, (e) => {
		const rec = { type: 'playbackError', code: e.error && e.error.code, message: (e.error && e.error.message) || 'MediaError', fatal: true, currentTime: v.currentTime, time: Date.now() };
		w.errors.push(rec);
		if (!w.fatal) w.fatal = rec;
	});
	player.on(E.MANIFEST_LOADED, () => { w.manifest = true; });
	player.on(E.STREAM_INITIALIZED, () => { w.streamInitialized = true; });
	player.on(E.TRACK_CHANGE_RENDERED, (e) => {
		const m = e.newMediaInfo || {};
		w.trackChanges.push({ mediaType: e.mediaType, index: m.index, id: m.id, lang: m.lang, at: v.currentTime });
	});
	player.on(E.FRAGMENT_LOADING_COMPLETED, (e) => {
		const r = e.request || {};
		const rep = r.representation || {};
		const mi = r.mediaInfo || rep.mediaInfo || {};
		w.frags.push({ mediaType: r.mediaType, type: r.type, url: r.url, index: mi.index ?? null, rep: rep.id ?? null, start: r.startTime });
	});
	w.info = () => {
		const rep = (r) => ({ id: r.id, width: r.width, height: r.height, bandwidth: r.bandwidth, codecs: r.codecs, mimeType: r.mimeType });
		const track = (t) => ({
			index: t.index, id: t.id, lang: t.lang, labels: (t.labels || []).map((l) => l.text || l), codec: t.codec, roles: t.roles,
			representations: (t.bitrateList || []).map((b) => b.id),
		});
		const cur = player.getCurrentTrackFor('audio');
		return {
			levels: player.getRepresentationsByType('video').map(rep),
			audioTracks: player.getTracksFor('audio').map(track),
			textTracks: player.getTracksFor('text').map(track),
			currentAudio: cur ? track(cur) : null,
		};
	};
	v.addEventListener('seeked', () => w.seeked++);
	v.addEventListener('playing', () => w.playing++);
	v.addEventListener('waiting', () => w.waiting++);
	player.updateSettings({ debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING } });
	player.initialize(v, mpdUrl, false);
	return { dashVersion: player.getVersion() };
}

async function main() {
	const r = run.result;
	const b = await run.step('launch', () => run.launch());
	if (b) r.browser = b.browser;
	await run.step('open-origin', () => run.openOrigin(opts.page));
	const mpdUrl = new URL(opts.mpd, opts.origin + '/').href;
	r.mpd = mpdUrl;

	await run.step('load-dashjs', async () => {
		await run.page.addScriptTag({ path: require.resolve('dashjs') /* the "require" export: dist/modern/umd/dash.all.min.js */ });
		const info = await run.page.evaluate(installHarness, { mpdUrl });
		r.dashVersion = info.dashVersion;
		return info;
	});

	await run.step('manifest-loaded', async () => {
		await run.waitFor('MANIFEST_LOADED and STREAM_INITIALIZED', (s) => s.w.manifest && s.w.streamInitialized);
		const info = await run.page.evaluate(() => window.__w.info());
		Object.assign(r, { levels: info.levels, audioTracks: info.audioTracks, textTracks: info.textTracks });
		if (!info.levels.length) throw new Error('the manifest has no video representations');
		return { levels: info.levels.length, audioTracks: info.audioTracks.length, textTracks: info.textTracks.length, currentAudio: info.currentAudio };
	});

	await run.step('playback-starts', async () => {
		const t = Date.now();
		const playErr = await run.page.evaluate(() => document.getElementById('v').play().then(() => null, (e) => String(e)));
		if (playErr) throw new Error(`video.play() rejected: ${playErr}`);
		const d = await run.advance('playback', 1, 0);
		const s = await run.page.evaluate(() => {
			const v = document.getElementById('v');
			const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
			return { width: v.videoWidth, height: v.videoHeight, duration: v.duration, frames: q && q.totalVideoFrames, dropped: q && q.droppedVideoFrames };
		});
		if (!s.width || !s.height) throw new Error(`no video frames: videoWidth=${s.width} videoHeight=${s.height}`);
		return { ...d, startupMs: Date.now() - t, videoWidth: s.width, videoHeight: s.height, duration: round(s.duration), decodedFrames: s.frames, droppedFrames: s.dropped };
	});

	if (opts.seek !== undefined) {
		const target = opts.seek;
		await run.step('seek', async () => {
			const before = await run.snap();
			if (Number.isFinite(before.duration) && target + 1 > before.duration) {
				throw new Error(`--seek ${target} is too close to the end: duration is ${round(before.duration)}s`);
			}
			await run.page.evaluate((t) => window.__w.player.seek(t), target);
			const { snap } = await run.waitFor(`'seeked' after seeking to ${target}`, (s) => s.w.seeked > before.w.seeked && !s.seeking);
			return { from: round(before.currentTime), target, landed: round(snap.currentTime) };
		});
		await run.step('play-after-seek', () => run.advance('after seek', 1, target));
	}

	if (opts.audioTrack !== undefined) {
		const n = opts.audioTrack;
		let fragsBefore = 0;
		let want = null;
		await run.step('audio-switch', async () => {
			const tracks = r.audioTracks || [];
			if (n >= tracks.length) throw new Error(`--audio-track ${n}: the manifest has ${tracks.length} audio track(s)`);
			want = tracks[n];
			const s0 = await run.snap();
			const cur = await run.page.evaluate(() => window.__w.info().currentAudio);
			if (cur && cur.index === want.index) throw new Error(`audio track ${n} is already selected (the default); pick another to test a switch`);
			fragsBefore = s0.w.fragCount;
			const seen = s0.w.trackChanges.length;
			await run.page.evaluate((i) => {
				const p = window.__w.player;
				p.setCurrentTrack(p.getTracksFor('audio')[i]);
			}, n);
			const { snap } = await run.waitFor(`TRACK_CHANGE_RENDERED to audio track ${n}`, (s) => s.w.trackChanges.slice(seen).some((e) => e.mediaType === 'audio' && e.index === want.index));
			return { from: cur, to: want, at: round(snap.currentTime) };
		});
		await run.step('audio-playback', async () => {
			const { value: frag } = await run.waitFor(`a media fragment of audio track ${n} loaded`, () =>
				run.page.evaluate(({ from, index, reps }) => window.__w.frags.slice(from).find((f) => f.mediaType === 'audio' && f.type === 'MediaSegment' && (f.index === index || reps.includes(f.rep))) || null,
				{ from: fragsBefore, index: want.index, reps: want.representations }));
			const d = await run.advance('after audio switch', 1);
			return { ...d, fragment: { url: frag.url, representation: frag.rep, start: round(frag.start) } };
		});
	}

	if (run.page) {
		try {
			const errs = await run.page.evaluate(() => (window.__w ? window.__w.errors : []));
			for (const e of errs) run.addError({ source: 'dash', ...e });
			const st = await run.snap();
			r.final = { currentTime: round(st.currentTime), duration: round(st.duration), paused: st.paused, buffered: st.buffered, fragments: st.w && st.w.fragCount };
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
	log(`dashplay: ${e.stack || e}`);
	run.steps.push({ name: 'internal', ok: false, ms: 0, detail: String(e && e.stack || e) });
	run.failed = true;
	await run.screenshot(opts.screenshot);
	await run.finish();
});
