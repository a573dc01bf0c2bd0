import { describe, expect, it } from 'vitest';
import { flingSpeed, layout, pagesFor, PagedList, prefetchRange, rows, ScrollSpeed, totalHeight, visible } from './grid';

const o = { minCard: 150, gap: 16, aspect: 1.5, caption: 48 };

describe('layout', () => {
	it('fits as many columns of the minimum width as the width allows', () => {
		expect(layout(150, o).columns).toBe(1);
		expect(layout(315, o).columns).toBe(1);
		expect(layout(316, o).columns).toBe(2); // 2 × 150 + 16
		expect(layout(1280, o).columns).toBe(7);
		expect(layout(0, o).columns).toBe(1);
	});

	it('stretches the cards to fill the row', () => {
		const l = layout(1000, o);
		expect(l.columns * l.cardWidth + (l.columns - 1) * l.gap).toBeCloseTo(1000);
		expect(l.rowHeight).toBe(l.posterHeight + 48 + 16);
	});
});

describe('visible', () => {
	const l = { columns: 5, cardWidth: 150, posterHeight: 225, rowHeight: 289, gap: 16 };

	it('renders only the rows in view plus the overscan, for 50,000 items', () => {
		const total = 50_000;
		expect(rows(total, 5)).toBe(10_000);
		expect(totalHeight(total, l)).toBe(10_000 * 289 - 16);
		const r = visible(289 * 5000, 800, total, l, 2);
		expect(r.firstRow).toBe(4998);
		expect(r.endRow).toBe(5000 + Math.ceil(800 / 289) + 2);
		expect(r.start).toBe(4998 * 5);
		expect(r.end - r.start).toBeLessThanOrEqual((Math.ceil(800 / 289) + 5) * 5);
	});

	it('clamps at the top and the bottom', () => {
		expect(visible(-100, 800, 12, l, 2)).toEqual({ firstRow: 0, endRow: 3, start: 0, end: 12 });
		const end = visible(1e9, 800, 50_000, l, 2);
		expect(end.endRow).toBe(10_000);
		expect(end.end).toBe(50_000);
		expect(end.firstRow).toBe(9_999);
	});

	it('is empty without items', () => {
		expect(visible(0, 800, 0, l)).toEqual({ firstRow: 0, endRow: 0, start: 0, end: 0 });
	});
});

describe('pagesFor', () => {
	it('lists the pages that hold a range', () => {
		expect(pagesFor(0, 1, 200)).toEqual([0]);
		expect(pagesFor(150, 450, 200)).toEqual([0, 1, 2]);
		expect(pagesFor(200, 400, 200)).toEqual([1]);
		expect(pagesFor(5, 5, 200)).toEqual([]);
	});
});

describe('prefetchRange', () => {
	const r = (start: number, end: number) => ({ firstRow: 0, endRow: 0, start, end });
	it('reaches half a page past the rows in view, both ways', () => {
		expect(prefetchRange(r(400, 449), 50_000, 200)).toEqual([300, 549]);
		// the next page is asked for while the rows in view are still 100 items short of it
		expect(pagesFor(...prefetchRange(r(140, 189), 50_000, 200), 200)).toEqual([0, 1]);
		expect(pagesFor(...prefetchRange(r(50, 99), 50_000, 200), 200)).toEqual([0]);
	});
	it('stays within the list', () => {
		expect(prefetchRange(r(0, 49), 60, 200)).toEqual([0, 60]);
		expect(prefetchRange(r(0, 0), 0, 200)).toEqual([0, 1]);
	});
});

describe('ScrollSpeed', () => {
	it('tells a fling from a scroll one follows, and starts from rest after reset', () => {
		const s = new ScrollSpeed();
		const fling = flingSpeed(720); // 1,440 px/s
		expect(s.sample(0, 0)).toBe(0);
		let top = 0;
		let speed = 0;
		for (let t = 16; t <= 160; t += 16) speed = s.sample((top += 64), t); // 4,000 px/s
		expect(speed).toBeGreaterThan(fling);
		for (let t = 176; t <= 400; t += 16) speed = s.sample((top += 8), t); // 500 px/s: slowing down
		expect(speed).toBeLessThan(fling);
		s.reset();
		expect(s.sample(top + 5000, 1000)).toBe(0); // a jump after a pause is no fling by itself
		expect(s.sample(top + 5000, 1016)).toBeLessThan(fling);
	});
});

describe('PagedList', () => {
	it('fetches each page once, also while a fetch is on its way', async () => {
		const asked: number[] = [];
		let changes = 0;
		const list = new PagedList<number>(
			async (offset, limit) => {
				asked.push(offset);
				return { items: Array.from({ length: Math.min(limit, 450 - offset) }, (_, i) => offset + i), total: 450 };
			},
			200,
			() => changes++,
		);
		expect(list.total).toBe(-1);
		expect(list.at(0)).toBeUndefined();
		const a = list.ensure(0, 250);
		const b = list.ensure(100, 300);
		await Promise.all([a, b]);
		expect(asked).toEqual([0, 200]);
		expect(list.total).toBe(450);
		expect(list.at(0)).toBe(0);
		expect(list.at(399)).toBe(399);
		expect(list.at(400)).toBeUndefined();
		await list.ensure(0, 450);
		expect(asked).toEqual([0, 200, 400]);
		expect(list.at(449)).toBe(449);
		expect(list.loaded).toBe(450);
		expect(changes).toBe(3);
	});

	it('does not ask again for a page that failed', async () => {
		let n = 0;
		const list = new PagedList<number>(async () => {
			n++;
			throw new Error('boom');
		}, 100);
		await list.ensure(0, 10);
		await list.ensure(0, 10);
		expect(n).toBe(1);
		expect(list.hasFailed).toBe(true);
	});
});
