// The arithmetic of the virtual poster grid: how many columns fit, which rows are visible, and
// which pages of the list to fetch. The DOM holds only the visible rows (plus an overscan), so a
// 50,000-item library costs the same to scroll as a small one.

export interface GridOptions {
	/** The narrowest a card may be, in CSS pixels. */
	minCard: number;
	gap: number;
	/** Poster height / width. */
	aspect: number;
	/** Height of the caption under the poster. */
	caption: number;
}

export const defaultGrid: GridOptions = { minCard: 150, gap: 16, aspect: 1.5, caption: 48 };

export interface GridLayout {
	columns: number;
	cardWidth: number;
	posterHeight: number;
	/** Card height plus the gap below it. */
	rowHeight: number;
	gap: number;
}

/** layout fits as many columns of at least minCard pixels as width allows (at least one). */
export function layout(width: number, o: GridOptions = defaultGrid): GridLayout {
	const w = Math.max(0, width);
	const columns = Math.max(1, Math.floor((w + o.gap) / (o.minCard + o.gap)));
	const cardWidth = Math.max(1, (w - o.gap * (columns - 1)) / columns);
	const posterHeight = Math.round(cardWidth * o.aspect);
	return { columns, cardWidth, posterHeight, rowHeight: posterHeight + o.caption + o.gap, gap: o.gap };
}

/** rows is the number of rows total items take. */
export function rows(total: number, columns: number): number {
	return total > 0 ? Math.ceil(total / Math.max(1, columns)) : 0;
}

/** totalHeight is the height of the whole grid. */
export function totalHeight(total: number, l: GridLayout): number {
	const r = rows(total, l.columns);
	return r > 0 ? r * l.rowHeight - l.gap : 0;
}

export interface Range {
	firstRow: number;
	/** One past the last row. */
	endRow: number;
	/** The first item index, and one past the last. */
	start: number;
	end: number;
}

/** visible is the range of rows (and items) to render for a viewport of height at scrollTop,
 * with overscan rows above and below. scrollTop is relative to the grid's top. */
export function visible(scrollTop: number, height: number, total: number, l: GridLayout, overscan = 2): Range {
	const n = rows(total, l.columns);
	if (n === 0) return { firstRow: 0, endRow: 0, start: 0, end: 0 };
	const top = Math.max(0, scrollTop);
	let firstRow = Math.floor(top / l.rowHeight) - overscan;
	let endRow = Math.ceil((top + Math.max(0, height)) / l.rowHeight) + overscan;
	firstRow = Math.min(Math.max(0, firstRow), n - 1);
	endRow = Math.min(Math.max(firstRow + 1, endRow), n);
	return { firstRow, endRow, start: firstRow * l.columns, end: Math.min(total, endRow * l.columns) };
}

/** pagesFor lists the page numbers that hold items [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
	if (end <= start) return [];
	const out: number[] = [];
	for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) out.push(p);
	return out;
}

/** prefetchRange widens the items in view by half a page on each side (within [0, total)): the
 * page the rows about to come into view need is fetched a second or so ahead, even at a fling's
 * speed, so rows arrive with their cards rather than as placeholders swapped for a screenful of
 * cards at once when the page lands (the slowest frames of a fast scroll). */
export function prefetchRange(r: Range, total: number, pageSize: number): [number, number] {
	const ahead = Math.ceil(pageSize / 2);
	return [Math.max(0, r.start - ahead), Math.max(Math.min(total, r.end + ahead), 1)];
}

/** ScrollSpeed tells a fling from a scroll a viewer follows. Posters of rows that cross the view
 * in a fraction of a second are never seen, yet each costs a request, a decode and a raster (on
 * a 2-core machine, a fifth of its CPU at 4,000 px/s): during a fling, cards show their BlurHash
 * placeholders and the posters load when it slows (as react-virtuoso's "scroll seek"). */
export class ScrollSpeed {
	private lastTop = 0;
	private lastT = -1;
	private speed = 0; // px/s, smoothed over the last few samples

	/** sample takes the scroll position at time t (ms) and returns the smoothed speed in px/s. */
	sample(top: number, t: number): number {
		if (this.lastT >= 0 && t > this.lastT) {
			const v = (Math.abs(top - this.lastTop) * 1000) / (t - this.lastT);
			this.speed = (this.speed + v) / 2;
		}
		this.lastTop = top;
		this.lastT = t;
		return this.speed;
	}

	/** reset forgets the scroll so far: the next sample starts from rest. */
	reset(): void {
		this.lastT = -1;
		this.speed = 0;
	}
}

/** flingSpeed is how fast a scroll must go to be a fling: two viewport heights a second, at which
 * a row is in view for well under a second. */
export function flingSpeed(viewportHeight: number): number {
	return 2 * Math.max(viewportHeight, 1);
}

/** PagedList holds the pages of one query fetched so far, and fetches missing ones on demand. */
export class PagedList<T> {
	total = -1; // unknown until the first page arrives
	private pages = new Map<number, T[]>();
	private pending = new Map<number, Promise<void>>();
	private failed = new Set<number>();

	constructor(
		private readonly fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; total: number }>,
		readonly pageSize = 200,
		/** onChange is called when a page arrives. */
		private readonly onChange: () => void = () => {},
	) {}

	/** at returns item i, or undefined while its page is loading. */
	at(i: number): T | undefined {
		const page = this.pages.get(Math.floor(i / this.pageSize));
		return page ? page[i % this.pageSize] : undefined;
	}

	/** ensure fetches the pages of [start, end) that are neither here nor on their way. */
	ensure(start: number, end: number): Promise<void> {
		const waits: Promise<void>[] = [];
		for (const p of pagesFor(start, end, this.pageSize)) {
			if (this.pages.has(p) || this.failed.has(p)) continue;
			let w = this.pending.get(p);
			if (!w) {
				w = this.fetchPage(p * this.pageSize, this.pageSize).then(
					(r) => {
						this.pages.set(p, r.items);
						this.total = r.total;
						this.pending.delete(p);
						this.onChange();
					},
					() => {
						this.pending.delete(p);
						this.failed.add(p); // no retry loop on every scroll event; a new query starts over
						this.onChange();
					},
				);
				this.pending.set(p, w);
			}
			waits.push(w);
		}
		return Promise.all(waits).then(() => {});
	}

	/** loaded counts the items held. */
	get loaded(): number {
		let n = 0;
		for (const p of this.pages.values()) n += p.length;
		return n;
	}

	get hasFailed(): boolean {
		return this.failed.size > 0;
	}
}
