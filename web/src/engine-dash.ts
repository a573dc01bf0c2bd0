import type { MediaInfo } from 'dashjs';
import { TextTracks } from './engine-native';
import type { Engine, EngineOptions, Level } from './engine';

/** dashEngine plays a DASH manifest with dash.js, loaded on first use. Audio tracks are the
 * manifest's audio adaptation sets, which Walros writes in the file's stream order; subtitles
 * are <track>s of the same WebVTT files the manifest names (one timeline, as for HLS). */
export async function dashEngine(media: HTMLMediaElement, url: string, o: EngineOptions): Promise<Engine> {
	const dashjs = await import('dashjs');
	const player = dashjs.MediaPlayer().create();
	player.updateSettings({ streaming: { text: { defaultEnabled: false } } });
	const text = new TextTracks(media, o.subtitles);
	const ev = dashjs.MediaPlayer.events;
	player.on(ev.ERROR, (e: { error?: { message?: string } }) => o.onError(`Playback failed: ${e.error?.message ?? 'DASH error'}`));
	for (const name of [ev.STREAM_INITIALIZED, ev.TRACK_CHANGE_RENDERED, ev.QUALITY_CHANGE_RENDERED]) player.on(name, () => o.onChange());
	player.initialize(media, url, true, o.start > 0 ? o.start : undefined);
	const audios = (): MediaInfo[] => {
		try {
			return player.getTracksFor('audio');
		} catch {
			return []; // not initialized yet
		}
	};
	const streamOf = (t: MediaInfo | null) => (t ? o.audioStreams[audios().findIndex((a) => a.id === t.id && a.index === t.index)] : undefined);
	let auto = true;
	const videoReps = () => {
		try {
			return player.getRepresentationsByType('video');
		} catch {
			return [];
		}
	};
	return {
		kind: 'dash',
		audio: () => ({ streams: audios().map((_, i) => o.audioStreams[i]).filter((s) => s !== undefined), current: streamOf(player.getCurrentTrackFor('audio')) }),
		setAudio: (s) => {
			const t = audios()[o.audioStreams.indexOf(s)];
			if (t) player.setCurrentTrack(t);
		},
		subtitles: () => text.tracks(),
		setSubtitle: (s) => {
			text.show(s);
			o.onChange();
		},
		levels: () => videoReps().map((r): Level => ({ height: r.height, bitrate: r.bandwidth, original: r.id.startsWith('v-copy') })),
		level: () => (auto ? -1 : (player.getCurrentRepresentationForType('video')?.absoluteIndex ?? -1)),
		setLevel: (i) => {
			auto = i < 0;
			player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: auto } } } });
			if (!auto) player.setRepresentationForTypeByIndex('video', i, true);
			o.onChange();
		},
		destroy: () => {
			player.destroy();
			text.remove();
		},
	};
}
