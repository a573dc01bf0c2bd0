import { describe, expect, it } from 'vitest';
import { chooseEngine, mimeOf, streamUrl, withQuery, type Decision, type Support } from './engine';

const direct: Decision = { method: 'directplay', reasons: [], container: 'mov,mp4,m4a', protocol: '', fileId: 'f1', url: '/api/v1/items/i1/stream?file=f1' };
const remux: Decision = { method: 'remux', reasons: ['ContainerNotSupported'], container: 'fmp4', protocol: 'hls', fileId: 'f1', url: '/api/v1/items/i1/hls/master.m3u8?file=f1&audioTrack=1' };
const chromium: Support = { mse: true, nativeHls: false, canPlay: (m) => m === 'video/mp4' || m === 'audio/mpeg' };
const safari: Support = { mse: false, nativeHls: true, canPlay: (m) => m === 'video/mp4' };

describe('chooseEngine', () => {
	it('plays a file the element can play directly', () => {
		expect(chooseEngine(direct, chromium)).toEqual({ kind: 'native', url: direct.url });
	});
	it('streams a direct-play file the element cannot play', () => {
		const webm = { ...direct, container: 'webm' };
		expect(chooseEngine(webm, chromium)).toEqual({ kind: 'hls', url: '/api/v1/items/i1/hls/master.m3u8?file=f1' });
	});
	it('uses hls.js for a remux or transcode, native HLS without MSE', () => {
		expect(chooseEngine(remux, chromium)).toEqual({ kind: 'hls', url: remux.url });
		expect(chooseEngine(remux, safari)).toEqual({ kind: 'native-hls', url: remux.url });
	});
	it('uses dash.js when the user or the decision asks for DASH', () => {
		expect(chooseEngine(remux, chromium, 'dash').kind).toBe('dash');
		expect(chooseEngine(remux, chromium, 'dash').url).toBe('/api/v1/items/i1/dash/manifest.mpd?file=f1&audioTrack=1');
		expect(chooseEngine({ ...remux, protocol: 'dash' }, chromium).kind).toBe('dash');
		expect(chooseEngine(direct, chromium, 'dash').url).toBe('/api/v1/items/i1/dash/manifest.mpd?file=f1');
	});
	it('streams a direct-play file when the user asks for a protocol', () => {
		expect(chooseEngine(direct, chromium, 'hls')).toEqual({ kind: 'hls', url: '/api/v1/items/i1/hls/master.m3u8?file=f1' });
	});
	it('falls back to HLS for DASH without MSE, and to HLS for music', () => {
		expect(chooseEngine(remux, safari, 'dash').kind).toBe('native-hls');
		expect(chooseEngine(remux, chromium, 'dash', true).kind).toBe('hls');
	});
	it('refuses an unplayable file and a browser that cannot play anything', () => {
		expect(() => chooseEngine({ ...direct, method: 'unplayable', url: null }, chromium)).toThrow(/nothing to play/);
		expect(() => chooseEngine(remux, { mse: false, nativeHls: false, canPlay: () => false })).toThrow(/neither/);
	});
});

describe('mimeOf', () => {
	it('maps containers to types, audio or video', () => {
		expect(mimeOf('mov,mp4,m4a,3gp', false)).toBe('video/mp4');
		expect(mimeOf('mp4', true)).toBe('audio/mp4');
		expect(mimeOf('mp3', true)).toBe('audio/mpeg');
		expect(mimeOf('matroska,webm', false)).toBe('');
		expect(mimeOf('webm', false)).toBe('video/webm');
	});
});

describe('streamUrl and withQuery', () => {
	it('rewrites the path and keeps the query', () => {
		expect(streamUrl('/api/v1/items/a/stream?file=f', 'hls')).toBe('/api/v1/items/a/hls/master.m3u8?file=f');
		expect(streamUrl('/api/v1/items/a/hls/master.m3u8?file=f&maxBitrate=5', 'dash')).toBe('/api/v1/items/a/dash/manifest.mpd?file=f&maxBitrate=5');
		expect(() => streamUrl('/api/v1/items/a/audio', 'hls')).toThrow(/unexpected/);
	});
	it('sets and removes parameters', () => {
		expect(withQuery('/x?file=f&audioTrack=1', { audioTrack: 2, token: 't' })).toBe('/x?file=f&audioTrack=2&token=t');
		expect(withQuery('/x?file=f', { file: undefined })).toBe('/x');
	});
});
