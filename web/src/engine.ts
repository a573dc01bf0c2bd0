// engine.ts chooses how the player plays an item from the server's playback decision
// (POST /items/{id}/playback): the browser's own <video>/<audio> on the file itself, HLS through
// hls.js (or the browser's own HLS, as Safari has), or DASH through dash.js.

/** Decision is the native API's playback decision (openapi.yaml, getPlaybackDecision). */
export interface Decision {
	method: 'directplay' | 'remux' | 'transcode' | 'unplayable';
	reasons: string[];
	container: string;
	protocol: string;
	fileId: string;
	url: string | null;
	video?: { stream: number; copy: boolean; codec: string; width: number; height: number; bitrate: number };
	audio?: { stream: number; copy: boolean; codec: string; channels: number; bitrate: number };
	subtitle?: { stream: number; mode: 'external' | 'embedded' | 'burn'; format: string };
}

/** EngineKind names a way to play: the media element on a URL it plays itself (the file, or an
 * HLS playlist on a browser with native HLS), hls.js, or dash.js. */
export type EngineKind = 'native' | 'native-hls' | 'hls' | 'dash';

/** StreamPref is the user's setting: let the decision choose, or always stream with one protocol. */
export type StreamPref = 'auto' | 'hls' | 'dash';

export const streamPrefs: StreamPref[] = ['auto', 'hls', 'dash'];

/** Support is what the browser can do: Media Source Extensions (for hls.js and dash.js), native
 * HLS, and canPlayType on the media element. */
export interface Support {
	mse: boolean;
	nativeHls: boolean;
	canPlay: (mime: string) => boolean;
}

export interface EngineChoice {
	kind: EngineKind;
	/** url is the API path to load, with the decision's query. */
	url: string;
}

/** mimeOf is the MIME type of a container as the decision names it (ffprobe's short names,
 * first of a list), for canPlayType; '' when unknown. */
export function mimeOf(container: string, audioOnly: boolean): string {
	const c = container.split(',')[0].trim().toLowerCase();
	switch (c) {
		case 'mp4':
		case 'mov':
		case 'm4a':
		case 'm4v':
			return audioOnly ? 'audio/mp4' : 'video/mp4';
		case 'webm':
			return audioOnly ? 'audio/webm' : 'video/webm';
		case 'mp3':
			return 'audio/mpeg';
		case 'flac':
			return 'audio/flac';
		case 'ogg':
			return 'audio/ogg';
		case 'wav':
			return 'audio/wav';
		case 'aac':
			return 'audio/aac';
	}
	return '';
}

/** chooseEngine picks the engine and URL for a decision. Direct play uses the element when it
 * says it can play the container; otherwise, or when the user asked for a protocol, the file is
 * streamed: DASH when asked (by the decision or the user) and MSE is there, else HLS. */
export function chooseEngine(d: Decision, s: Support, pref: StreamPref = 'auto', audioOnly = false): EngineChoice {
	if (d.method === 'unplayable' || !d.url) throw new Error('This file has nothing to play: no audio or video stream.');
	if (d.method === 'directplay' && pref === 'auto') {
		const mime = mimeOf(d.container, audioOnly);
		if (mime && s.canPlay(mime)) return { kind: 'native', url: d.url };
	}
	const hls = streamUrl(d.url, 'hls');
	const wantDash = pref === 'dash' || (pref === 'auto' && d.protocol === 'dash');
	if (s.mse && wantDash && !audioOnly) return { kind: 'dash', url: streamUrl(d.url, 'dash') };
	if (s.mse) return { kind: 'hls', url: hls };
	if (s.nativeHls) return { kind: 'native-hls', url: hls };
	throw new Error('This browser can play neither the file nor an HLS or DASH stream of it.');
}

const streamPath = /\/(stream|hls\/master\.m3u8|dash\/manifest\.mpd)(?=\?|$)/;

/** streamUrl turns a decision's URL (the file, or the HLS master playlist) into the URL of the
 * same item's HLS master playlist or DASH manifest, keeping its query (file, limits, tracks). */
export function streamUrl(url: string, protocol: 'hls' | 'dash'): string {
	if (!streamPath.test(url)) throw new Error(`unexpected playback URL ${url}`);
	return url.replace(streamPath, protocol === 'hls' ? '/hls/master.m3u8' : '/dash/manifest.mpd');
}

/** withQuery sets query parameters on an API path (undefined removes one). */
export function withQuery(url: string, q: Record<string, string | number | undefined>): string {
	const [path, query = ''] = url.split('?');
	const p = new URLSearchParams(query);
	for (const [k, v] of Object.entries(q)) {
		if (v === undefined) p.delete(k);
		else p.set(k, String(v));
	}
	const s = p.toString();
	return s ? `${path}?${s}` : path;
}

/** Level is one quality of a stream (a variant or representation). */
export interface Level {
	height: number;
	bitrate: number;
	/** original is the variant that copies the source's video. */
	original: boolean;
}

/** Tracks are the stream indices of the tracks an engine can switch between, and the one in use
 * (-1 for subtitles off; undefined while unknown). */
export interface Tracks {
	streams: number[];
	current: number | undefined;
}

/** Engine is a playing stream in a media element, whichever library drives it. */
export interface Engine {
	readonly kind: EngineKind;
	/** audio are the audio tracks switchable in place; native playback has none (the player
	 * streams instead to change track). */
	audio(): Tracks;
	setAudio(stream: number): void;
	subtitles(): Tracks;
	/** setSubtitle shows a text subtitle by stream index, or none with -1. */
	setSubtitle(stream: number): void;
	levels(): Level[];
	/** level is the index in levels() chosen, or -1 for automatic. */
	level(): number;
	setLevel(index: number): void;
	destroy(): void;
}

/** SubtitleSource is a text subtitle of the file as a WebVTT URL, for <track>. */
export interface SubtitleSource {
	stream: number;
	src: string;
	lang: string;
	label: string;
}

export interface EngineOptions {
	/** start is where to begin, in seconds. */
	start: number;
	subtitles: SubtitleSource[];
	/** audioStreams are the file's audio stream indices, in order (DASH lists them so). */
	audioStreams: number[];
	onChange: () => void;
	onError: (message: string) => void;
}

/** streamIndexIn reads the stream index out of a Walros HLS rendition URL: subs/N.m3u8 for a
 * subtitle, aN-… for an audio rendition; undefined for another URL. */
export function streamIndexIn(url: string, type: 'audio' | 'subtitle'): number | undefined {
	const re = type === 'audio' ? /\/a(\d+)-[^/?]*\/index\.m3u8/ : /\/subs\/(\d+)\.m3u8/;
	const m = re.exec(url);
	return m ? Number(m[1]) : undefined;
}
