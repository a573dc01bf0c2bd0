import type Hls from 'hls.js';
import { streamIndexIn, type Engine, type EngineOptions, type Level } from './engine';

/** hlsEngine plays an HLS master playlist with hls.js (loaded on first use: it is most of the
 * player's weight). Audio, subtitles and quality are the playlist's renditions. */
export async function hlsEngine(media: HTMLMediaElement, url: string, o: EngineOptions): Promise<Engine> {
	const { default: HlsClass } = await import('hls.js');
	const hls: Hls = new HlsClass({ startPosition: o.start > 0 ? o.start : -1 });
	const E = HlsClass.Events;
	hls.on(E.ERROR, (_e, d) => {
		if (d.fatal) o.onError(`Playback failed: ${d.details}`);
	});
	for (const ev of [E.MANIFEST_PARSED, E.AUDIO_TRACKS_UPDATED, E.AUDIO_TRACK_SWITCHED, E.SUBTITLE_TRACKS_UPDATED, E.SUBTITLE_TRACK_SWITCH, E.LEVEL_SWITCHED]) {
		hls.on(ev, () => o.onChange());
	}
	hls.loadSource(url);
	hls.attachMedia(media);
	const audioStream = (i: number) => streamIndexIn(hls.audioTracks[i]?.url ?? '', 'audio') ?? -1;
	const subStream = (i: number) => streamIndexIn(hls.subtitleTracks[i]?.url ?? '', 'subtitle') ?? -1;
	return {
		kind: 'hls',
		audio: () => ({ streams: hls.audioTracks.map((_, i) => audioStream(i)), current: hls.audioTrack >= 0 ? audioStream(hls.audioTrack) : undefined }),
		setAudio: (s) => {
			const i = hls.audioTracks.findIndex((_, j) => audioStream(j) === s);
			if (i >= 0) hls.audioTrack = i;
		},
		subtitles: () => ({
			streams: hls.subtitleTracks.map((_, i) => subStream(i)),
			current: hls.subtitleDisplay && hls.subtitleTrack >= 0 ? subStream(hls.subtitleTrack) : -1,
		}),
		setSubtitle: (s) => {
			const i = hls.subtitleTracks.findIndex((_, j) => subStream(j) === s);
			// Track first: turning the display on applies to the current track.
			hls.subtitleTrack = i;
			hls.subtitleDisplay = i >= 0;
			o.onChange();
		},
		levels: () =>
			hls.levels.map((l): Level => ({ height: l.height, bitrate: l.bitrate, original: l.url.some((u) => u.includes('/v-copy/')) })),
		level: () => (hls.autoLevelEnabled ? -1 : hls.currentLevel),
		setLevel: (i) => {
			hls.currentLevel = i; // -1: automatic
			o.onChange();
		},
		destroy: () => hls.destroy(),
	};
}
