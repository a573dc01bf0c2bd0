import { chooseEngine, withQuery, type Decision, type Engine, type EngineOptions, type StreamPref } from './engine';
import { nativeEngine } from './engine-native';

/** openEngine starts the engine chosen for a decision, streaming audioTrack when one is asked
 * for; hls.js and dash.js are loaded only when needed, so that they stay out of the initial
 * JavaScript. */
export async function openEngine(media: HTMLMediaElement, d: Decision, pref: StreamPref, token: string, audioOnly: boolean, o: EngineOptions, audioTrack?: number): Promise<Engine> {
	const support = {
		mse: typeof MediaSource !== 'undefined',
		nativeHls: media.canPlayType('application/vnd.apple.mpegurl') !== '',
		canPlay: (mime: string) => media.canPlayType(mime) !== '',
	};
	const c = chooseEngine(d, support, pref, audioOnly);
	// A direct-play decision's URL names no audio track: a stream of it must, to play the one asked for.
	const url = withQuery(c.url, { token, audioTrack: c.kind === 'native' ? undefined : audioTrack });
	switch (c.kind) {
		case 'native':
		case 'native-hls':
			return nativeEngine(c.kind, media, url, o);
		case 'hls':
			return (await import('./engine-hls')).hlsEngine(media, url, o);
		case 'dash':
			return (await import('./engine-dash')).dashEngine(media, url, o);
	}
}
