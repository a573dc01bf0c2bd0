import { describe, expect, it } from 'vitest';
import type { Decision } from './engine';
import { burnedIn, chooseSubtitle, isPictureSubtitle, levelNear, subtitleMenu, toggleTarget } from './subtitlemenu';
import type { Stream } from './tracks';

// A film with an English SubRip track, an English and a French PGS track, a VobSub sidecar.
const streams: Stream[] = [
	{ index: 0, type: 'video', codec: 'h264', height: 1080 },
	{ index: 1, type: 'audio', codec: 'aac', language: 'eng' },
	{ index: 2, type: 'subtitle', codec: 'subrip', language: 'eng' },
	{ index: 3, type: 'subtitle', codec: 'hdmv_pgs_subtitle', language: 'eng', title: 'Commentary' },
	{ index: 4, type: 'subtitle', codec: 'hdmv_pgs_subtitle', language: 'fre' },
	{ index: 5, type: 'subtitle', codec: 'dvd_subtitle', language: 'ger', external: 'Film.de.sub' },
];
const decision = (sub?: Decision['subtitle']): Decision => ({ method: 'transcode', reasons: [], container: 'fmp4', protocol: 'hls', fileId: 'f', url: '/x', subtitle: sub });

describe('subtitle menu', () => {
	it('tells embedded pictures from text and sidecar pictures', () => {
		expect(streams.filter(isPictureSubtitle).map((s) => s.index)).toEqual([3, 4]);
	});
	it('lists Off, the text tracks, then the pictures as burned in', () => {
		const m = subtitleMenu(streams, { streams: [2], current: -1 }, -1);
		expect(m.choices.map((c) => [c.value, c.label])).toEqual([
			[-1, 'Off'],
			[2, 'English'],
			[3, 'Commentary (English) (burned in)'],
			[4, 'French (burned in)'],
		]);
		expect(m.value).toBe(-1);
		expect(m).toMatchObject({ text: [2], pictures: [3, 4] });
	});
	it('checks the text track shown, or the subtitle burnt in', () => {
		expect(subtitleMenu(streams, { streams: [2], current: 2 }, -1).value).toBe(2);
		expect(subtitleMenu(streams, { streams: [2], current: -1 }, 4).value).toBe(4);
		// The engine does not know yet: Off.
		expect(subtitleMenu(streams, { streams: [], current: undefined }, -1).value).toBe(-1);
	});
	it("reads the server's burnt-in choice from the decision", () => {
		expect(burnedIn(decision({ stream: 4, mode: 'burn', format: 'pgssub' }))).toBe(4);
		expect(burnedIn(decision({ stream: 2, mode: 'external', format: 'vtt' }))).toBe(-1);
		expect(burnedIn(decision())).toBe(-1);
		expect(burnedIn(undefined)).toBe(-1);
	});
});

describe('choosing a subtitle', () => {
	const pictures = [3, 4];
	it('shows text tracks in place while nothing is burnt in', () => {
		expect(chooseSubtitle(2, pictures, -1)).toEqual({ kind: 'show', stream: 2 });
		expect(chooseSubtitle(-1, pictures, -1)).toEqual({ kind: 'show', stream: -1 });
	});
	it('reloads to burn a picture in, showing no text track', () => {
		expect(chooseSubtitle(3, pictures, -1)).toEqual({ kind: 'reload', subtitle: 3, show: -1 });
		expect(chooseSubtitle(4, pictures, 3)).toEqual({ kind: 'reload', subtitle: 4, show: -1 });
	});
	it('reloads without burn-in for Off or a text track after a picture', () => {
		expect(chooseSubtitle(-1, pictures, 3)).toEqual({ kind: 'reload', subtitle: -1, show: -1 });
		expect(chooseSubtitle(2, pictures, 3)).toEqual({ kind: 'reload', subtitle: 2, show: 2 });
	});
	it('does nothing for the picture already burnt in', () => {
		expect(chooseSubtitle(3, pictures, 3)).toBeNull();
	});
});

describe('the subtitles shortcut', () => {
	const menu = (current: number, burned = -1, text = [2]) => subtitleMenu(streams, { streams: text, current }, burned);
	it('turns off what is shown, text or burnt in', () => {
		expect(toggleTarget(menu(2), 2)).toBe(-1);
		expect(toggleTarget(menu(-1, 4), 4)).toBe(-1);
	});
	it('turns the last one on again, a picture too', () => {
		expect(toggleTarget(menu(-1), 4)).toBe(4);
		expect(toggleTarget(menu(-1), 2)).toBe(2);
	});
	it('else the first text track, else the first picture', () => {
		expect(toggleTarget(menu(-1), -1)).toBe(2);
		expect(toggleTarget(menu(-1), 9)).toBe(2); // not offered (another file's)
		expect(toggleTarget(menu(-1, -1, []), -1)).toBe(3);
		expect(toggleTarget(subtitleMenu(streams.slice(0, 2), { streams: [], current: -1 }, -1), -1)).toBe(-1);
	});
});

describe('the quality after a reload', () => {
	const copy = { height: 1080, bitrate: 8e6, original: true };
	const ladder = [
		{ height: 1080, bitrate: 6e6, original: false },
		{ height: 720, bitrate: 3e6, original: false },
		{ height: 480, bitrate: 1.5e6, original: false },
	];
	it('stays automatic', () => {
		expect(levelNear([copy, ...ladder], undefined)).toBe(-1);
		expect(levelNear([], { height: 720, original: false })).toBe(-1);
	});
	it('keeps the same level, or one of the same height when the copy is gone (burn-in)', () => {
		expect(levelNear([copy, ...ladder], { height: 720, original: false })).toBe(2);
		expect(levelNear([copy, ...ladder], { height: 1080, original: true })).toBe(0);
		expect(levelNear([copy, ...ladder], { height: 1080, original: false })).toBe(1);
		expect(levelNear(ladder, { height: 1080, original: true })).toBe(0);
	});
	it('else the tallest below, else the smallest', () => {
		expect(levelNear(ladder, { height: 900, original: false })).toBe(1);
		expect(levelNear(ladder, { height: 360, original: false })).toBe(2);
		expect(levelNear([ladder[1], ladder[2], ladder[0]], { height: 360, original: false })).toBe(1);
	});
});
