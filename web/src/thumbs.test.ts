import { describe, expect, it } from 'vitest';
import { parseThumbs, thumbAt, tile, vttTime } from './thumbs';

const base = 'http://h/api/v1/items/i1/thumbs/thumbs.vtt?file=f1&token=t';
const vtt = `WEBVTT

00:00:00.000 --> 00:00:10.000
sprite-0.jpg?file=f1&token=t#xywh=0,0,160,90

00:00:10.000 --> 00:00:20.000
sprite-0.jpg?file=f1&token=t#xywh=160,0,160,90

00:00:20.000 --> 00:00:25.500
sprite-1.jpg?file=f1&token=t#xywh=0,90,160,90
`;

describe('thumbnails', () => {
	it('parses WebVTT timestamps', () => {
		expect(vttTime('00:01:02.500')).toBe(62.5);
		expect(vttTime('01:02.250')).toBe(62.25);
		expect(vttTime('101:00:00.000')).toBe(363600);
		expect(vttTime('1:2')).toBeNaN();
	});
	it('reads the index and resolves sheet URLs against it', () => {
		const t = parseThumbs(vtt, base);
		expect(t).toHaveLength(3);
		expect(t[1]).toEqual({ start: 10, end: 20, url: 'http://h/api/v1/items/i1/thumbs/sprite-0.jpg?file=f1&token=t', x: 160, y: 0, w: 160, h: 90 });
		expect(t[2].url).toBe('http://h/api/v1/items/i1/thumbs/sprite-1.jpg?file=f1&token=t');
	});
	it('maps a time to its tile', () => {
		const t = parseThumbs(vtt, base);
		expect(thumbAt(t, 0)?.x).toBe(0);
		expect(thumbAt(t, 9.99)?.x).toBe(0);
		expect(thumbAt(t, 10)?.x).toBe(160);
		expect(thumbAt(t, 24)?.y).toBe(90);
		expect(thumbAt(t, 99)?.y).toBe(90); // past the end: the last one
		expect(thumbAt(t, -1)?.x).toBe(0);
		expect(thumbAt([], 5)).toBeUndefined();
	});
	it('leaves a gap between cues without a thumbnail', () => {
		const t = parseThumbs('WEBVTT\n\n00:00:00.000 --> 00:00:05.000\ns.jpg#xywh=0,0,1,1\n\n00:00:10.000 --> 00:00:15.000\ns.jpg#xywh=1,0,1,1\n', base);
		expect(thumbAt(t, 7)).toBeUndefined();
	});
	it('refuses what is not an index', () => {
		expect(() => parseThumbs('hello', base)).toThrow(/not a WebVTT/);
		expect(() => parseThumbs('WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nsprite.jpg\n', base)).toThrow(/bad cue/);
	});
	it('scales a tile and its sheet', () => {
		const t = parseThumbs(vtt, base);
		expect(tile(t[1], 80, 320, 270)).toEqual({ width: 80, height: 45, backgroundSize: '160px 135px', backgroundPosition: '-80px 0px' });
		expect(tile(t[2], 160, 320, 270)).toEqual({ width: 160, height: 90, backgroundSize: '320px 270px', backgroundPosition: '0px -90px' });
	});
});
