#!/usr/bin/env node
// fixture.mjs writes a small static HLS (and optionally DASH) stream with
// ffmpeg, to test hlsplay.mjs and dashplay.mjs without a Walros server:
//
//   node e2e/fixture.mjs DIR [--duration 30] [--video h264|vp9|av1] [--audio aac|opus] [--dash]
//
// DIR/master.m3u8: one 640x360 testsrc2 video level (fMP4, 4 s segments), an
// audio group of two renditions (English: 440 Hz sine, French: 880 Hz), and a
// subtitles group of two WebVTT renditions (English, French) segmented at 4 s.
// With --dash, DIR/dash/manifest.mpd: the same video and two audio
// adaptation sets. The generated media is not meant to be committed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, log, parseArgs } from './lib.mjs';

const VIDEO = {
	// CODECS strings written to the master playlist (ffmpeg 5.1 does not
	// write them for VP9 or AV1).
	h264: { args: ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level', '3.1', '-b:v', '800k'], codecs: 'avc1.64001f' },
	vp9: { args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '800k'], codecs: 'vp09.00.30.08' },
	av1: { args: ['-c:v', 'libsvtav1', '-preset', '12', '-b:v', '800k'], codecs: 'av01.0.04M.08' },
};
const AUDIO = {
	aac: { args: ['-c:a', 'aac', '-b:a', '96k'], codecs: 'mp4a.40.2' },
	opus: { args: ['-c:a', 'libopus', '-b:a', '96k'], codecs: 'opus' },
};

let opts;
try {
	const argv = process.argv.slice(2);
	const dir = argv[0] && !argv[0].startsWith('--') ? argv.shift() : null;
	opts = parseArgs(argv, {
		duration: { type: 'int', default: 30 },
		video: { type: 'string', default: 'h264' },
		audio: { type: 'string', default: 'aac' },
		segment: { type: 'int', default: 4 },
		dash: { type: 'bool', default: false },
	});
	if (opts.help || !dir) throw new UsageError('a directory is required');
	if (!VIDEO[opts.video]) throw new UsageError(`--video wants one of ${Object.keys(VIDEO).join(', ')}`);
	if (!AUDIO[opts.audio]) throw new UsageError(`--audio wants one of ${Object.keys(AUDIO).join(', ')}`);
	opts.dir = dir;
} catch (e) {
	process.stderr.write(`fixture: ${e.message}\nusage: node e2e/fixture.mjs DIR [--duration 30] [--video h264|vp9|av1] [--audio aac|opus] [--segment 4] [--dash]\n`);
	process.exit(2);
}

const { dir, duration: D, segment: SEG } = opts;
const V = VIDEO[opts.video];
const A = AUDIO[opts.audio];

function ffmpeg(args) {
	log(`ffmpeg ${args.join(' ')}`);
	const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
	if (r.status !== 0) {
		log(`ffmpeg failed (exit ${r.status})`);
		process.exit(1);
	}
}

const inputs = [
	'-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${D}`,
	'-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${D}`,
	'-f', 'lavfi', '-i', `sine=frequency=880:sample_rate=48000:duration=${D}`,
];
// A keyframe exactly every segment, so that segments are SEG seconds long.
const gop = ['-pix_fmt', 'yuv420p', '-g', String(25 * SEG), '-keyint_min', String(25 * SEG), '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${SEG})`];

mkdirSync(dir, { recursive: true });
for (const d of ['video', 'audio_eng', 'audio_fre', 'subs_eng', 'subs_fre', 'dash']) rmSync(join(dir, d), { recursive: true, force: true });

// 1. Video and the two audio renditions, fMP4 HLS. ffmpeg's own master
//    playlist is replaced below (it names the renditions audio_1, audio_2).
ffmpeg([
	...inputs,
	'-map', '0:v', '-map', '1:a', '-map', '2:a',
	...V.args, ...gop, ...A.args, '-ac', '2',
	'-f', 'hls', '-hls_time', String(SEG), '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
	'-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', join(dir, '%v/seg%03d.m4s'),
	'-master_pl_name', 'ffmpeg-master.m3u8',
	'-var_stream_map', 'v:0,agroup:aud,name:video a:0,agroup:aud,name:audio_eng a:1,agroup:aud,name:audio_fre',
	join(dir, '%v/index.m3u8'),
]);
rmSync(join(dir, 'ffmpeg-master.m3u8'), { force: true });

// 2. WebVTT subtitles: one cue every 2 s, segmented by hand into SEG-second
//    files (ffmpeg 5.1's HLS muxer cannot do WebVTT next to fMP4). Cue times
//    are media times; X-TIMESTAMP-MAP is left out, as hls.js then maps them
//    straight onto the fMP4 timeline.
const ts = (t) => {
	const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
	return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
};
for (const [lang, word] of [['eng', 'Subtitle'], ['fre', 'Sous-titre']]) {
	const sd = join(dir, `subs_${lang}`);
	mkdirSync(sd, { recursive: true });
	const n = Math.ceil(D / SEG);
	let pl = `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${SEG}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n`;
	for (let i = 0; i < n; i++) {
		const start = i * SEG, end = Math.min(D, start + SEG);
		let vtt = 'WEBVTT\n\n';
		for (let t = start; t < end; t += 2) vtt += `${ts(t)} --> ${ts(Math.min(end, t + 1.8))}\n${word} ${lang} ${t}s\n\n`;
		const name = `seg${String(i).padStart(3, '0')}.vtt`;
		writeFileSync(join(sd, name), vtt);
		pl += `#EXTINF:${(end - start).toFixed(6)},\n${name}\n`;
	}
	writeFileSync(join(sd, 'index.m3u8'), pl + '#EXT-X-ENDLIST\n');
}

// 3. The master playlist.
writeFileSync(join(dir, 'master.m3u8'), [
	'#EXTM3U',
	'#EXT-X-VERSION:7',
	'#EXT-X-INDEPENDENT-SEGMENTS',
	`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="eng",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio_eng/index.m3u8"`,
	`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="French",LANGUAGE="fre",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio_fre/index.m3u8"`,
	`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="eng",DEFAULT=NO,AUTOSELECT=YES,URI="subs_eng/index.m3u8"`,
	`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="French",LANGUAGE="fre",DEFAULT=NO,AUTOSELECT=YES,URI="subs_fre/index.m3u8"`,
	`#EXT-X-STREAM-INF:BANDWIDTH=1000000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="${V.codecs},${A.codecs}",AUDIO="aud",SUBTITLES="subs"`,
	'video/index.m3u8',
	'',
].join('\n'));
log(`wrote ${join(dir, 'master.m3u8')} (${opts.video}/${opts.audio}, ${D}s)`);

// 4. DASH: the same video, two audio adaptation sets (eng, fre).
if (opts.dash) {
	const dd = join(dir, 'dash');
	mkdirSync(dd, { recursive: true });
	ffmpeg([
		...inputs,
		'-map', '0:v', '-map', '1:a', '-map', '2:a',
		...V.args, ...gop, ...A.args, '-ac', '2',
		'-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fre',
		'-f', 'dash', '-seg_duration', String(SEG), '-use_template', '1', '-use_timeline', '0',
		'-init_seg_name', 'init-$RepresentationID$.m4s', '-media_seg_name', 'chunk-$RepresentationID$-$Number%05d$.m4s',
		'-adaptation_sets', 'id=0,streams=v id=1,streams=1 id=2,streams=2',
		join(dd, 'manifest.mpd'),
	]);
	log(`wrote ${join(dd, 'manifest.mpd')}`);
}
