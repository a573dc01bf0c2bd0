import { describe, expect, it } from 'vitest';
import { bars, linePoints, niceMax, ticks } from './chart';

describe('niceMax', () => {
	it('rounds up to 1, 2 or 5 times a power of ten', () => {
		expect(niceMax(0)).toBe(1);
		expect(niceMax(-3)).toBe(1);
		expect(niceMax(NaN)).toBe(1);
		expect(niceMax(1)).toBe(1);
		expect(niceMax(1.2)).toBe(2);
		expect(niceMax(3)).toBe(5);
		expect(niceMax(7)).toBe(10);
		expect(niceMax(42)).toBe(50);
		expect(niceMax(0.013)).toBeCloseTo(0.02);
		expect(niceMax(1000)).toBe(1000);
	});
	it('gives evenly spaced ticks', () => {
		expect(ticks(50)).toEqual([0, 12.5, 25, 37.5, 50]);
		expect(ticks(2, 2)).toEqual([0, 1, 2]);
		expect(ticks(1)).toEqual([0, 1]);
		expect(ticks(2)).toEqual([0, 1, 2]);
		expect(ticks(0.5)).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
	});
});

describe('bars', () => {
	const box = { width: 130, height: 110, left: 30, bottom: 10 };
	const pts = [
		{ key: 'a', label: 'A', value: 10 },
		{ key: 'b', label: 'B', value: 5 },
		{ key: 'c', label: 'C', value: 0 },
		{ key: 'd', label: 'D', value: 20 },
	];
	it('scales bars to the top value and spreads them over the width', () => {
		const b = bars(pts, 20, box, 0);
		expect(b.map((x) => x.h)).toEqual([50, 25, 0, 100]);
		expect(b.map((x) => x.y)).toEqual([50, 75, 100, 0]);
		expect(b.map((x) => x.x)).toEqual([30, 55, 80, 105]);
		expect(b.every((x) => x.w === 25)).toBe(true);
	});
	it('leaves gaps between bars', () => {
		const b = bars(pts, 20, box, 0.2);
		expect(b[0].x).toBe(32.5);
		expect(b[0].w).toBe(20);
	});
	it('draws nothing for no points', () => {
		expect(bars([], 1, box)).toEqual([]);
	});
});

describe('linePoints', () => {
	it('spreads points from the left edge to the right', () => {
		const box = { width: 100, height: 50, left: 0, bottom: 0 };
		const pts = [0, 5, 10].map((v) => ({ key: String(v), label: '', value: v }));
		expect(linePoints(pts, 10, box)).toBe('0,50 50,25 100,0');
	});
});
