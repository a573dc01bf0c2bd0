import { describe, expect, it } from 'vitest';
import { bitrate, clock, method, percent, reason, target, title } from './nowplaying';
import type { NowPlaying } from './types';

function play(over: Partial<NowPlaying> = {}, item: Partial<NowPlaying['item']> = {}): NowPlaying {
	return {
		id: 's1',
		sessionId: 's1',
		userId: 'u1',
		userName: 'ann',
		api: 'native',
		deviceId: 'd',
		deviceName: 'Chrome',
		client: 'Walros Web',
		item: { id: 'i1', type: 'movie', title: 'Heat', ...item },
		fileId: 'f1',
		positionMs: 0,
		durationMs: null,
		paused: false,
		method: null,
		transcode: null,
		audioStream: null,
		subtitleStream: null,
		startedAt: '2026-11-23T05:00:00Z',
		lastCheckIn: '2026-11-23T05:00:10Z',
		...over,
	};
}

describe('now playing formatting', () => {
	it('formats clocks', () => {
		expect(clock(0)).toBe('0:00');
		expect(clock(65_400)).toBe('1:05');
		expect(clock(3_723_000)).toBe('1:02:03');
		expect(clock(-5)).toBe('0:00');
	});

	it('names films and episodes', () => {
		expect(title(play({}, { year: 1995 }))).toBe('Heat (1995)');
		expect(title(play({}, { title: 'Heat' }))).toBe('Heat');
		expect(title(play({}, { type: 'episode', title: 'Secrets', seriesTitle: 'Dark', seasonNumber: 1, episodeNumber: 2 }))).toBe('Dark S1E2 · Secrets');
		expect(title(play({}, { type: 'episode', title: 'Pilot' }))).toBe('Pilot');
	});

	it('formats bitrates', () => {
		expect(bitrate(3_000_000)).toBe('3 Mb/s');
		expect(bitrate(2_400_000)).toBe('2.4 Mb/s');
		expect(bitrate(12_345_678)).toBe('12 Mb/s');
		expect(bitrate(800_000)).toBe('800 kb/s');
	});

	it('says the play method', () => {
		expect(method(play({ method: 'direct' }))).toBe('Direct play');
		expect(method(play())).toBe('Unknown');
		expect(method(play({ method: 'transcode' }))).toBe('Transcode');
		const t = { reasons: ['VideoResolutionNotSupported'], videoCodec: 'h264', videoCopy: false, height: 720, bitrate: 3_000_000, audioCopy: true, audioCodec: 'aac' };
		expect(method(play({ method: 'transcode', transcode: t }))).toBe('Transcode (resolution; 720p H.264 3 Mb/s)');
		expect(method(play({ method: 'remux', transcode: { reasons: ['ContainerNotSupported'], videoCopy: true, audioCopy: false, audioCodec: 'aac', channels: 2 } }))).toBe(
			'Direct stream (container; video copied, AAC audio 2ch)',
		);
		expect(reason('SomethingNew')).toBe('SomethingNew');
		expect(target({ reasons: [], videoCopy: false, videoCodec: 'hevc', audioCopy: true })).toBe('HEVC');
	});

	it('computes the progress', () => {
		expect(percent({ positionMs: 30_000, durationMs: 120_000 })).toBe(25);
		expect(percent({ positionMs: 30_000, durationMs: null })).toBe(0);
		expect(percent({ positionMs: 200_000, durationMs: 120_000 })).toBe(100);
	});
});
