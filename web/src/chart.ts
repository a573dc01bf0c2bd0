// The arithmetic of the statistics page's charts: a "nice" top for the value axis, its ticks, and
// where each bar or point of a series goes in an SVG of a given size. The drawing is in charts.tsx.

export interface Point {
	key: string;
	label: string;
	value: number;
}

/** niceMax rounds max up to 1, 2 or 5 times a power of ten (1 for an empty or zero series). */
export function niceMax(max: number): number {
	if (!(max > 0) || !Number.isFinite(max)) return 1;
	const p = 10 ** Math.floor(Math.log10(max));
	for (const m of [1, 2, 5, 10]) if (m * p >= max - 1e-9) return m * p;
	return 10 * p;
}

/** ticks are n + 1 evenly spaced values from 0 to top; by default 4 steps, or one per unit when
 * top is a whole number under 4 (a count of 1 or 2 plays needs no quarter ticks). */
export function ticks(top: number, n = Number.isInteger(top) && top > 0 && top < 4 ? top : 4): number[] {
	return Array.from({ length: n + 1 }, (_, i) => +((top * i) / n).toPrecision(6));
}

export interface Box {
	width: number;
	height: number;
	/** Room kept at the left for the axis labels, and at the bottom for the keys. */
	left: number;
	bottom: number;
}

export interface Bar {
	x: number;
	y: number;
	w: number;
	h: number;
	point: Point;
}

/** bars lays the points out as bars from left to right, scaled so that top fills the height. */
export function bars(points: Point[], top: number, b: Box, gap = 0.2): Bar[] {
	const plotW = Math.max(0, b.width - b.left);
	const plotH = Math.max(0, b.height - b.bottom);
	const slot = points.length ? plotW / points.length : 0;
	return points.map((p, i) => {
		const h = top > 0 ? (Math.max(0, p.value) / top) * plotH : 0;
		return { x: b.left + i * slot + (slot * gap) / 2, y: plotH - h, w: slot * (1 - gap), h, point: p };
	});
}

/** linePoints are the points of a line chart, spread over the width, as "x,y" pairs for an SVG
 * polyline. */
export function linePoints(points: Point[], top: number, b: Box): string {
	const plotW = Math.max(0, b.width - b.left);
	const plotH = Math.max(0, b.height - b.bottom);
	const step = points.length > 1 ? plotW / (points.length - 1) : 0;
	return points
		.map((p, i) => {
			const x = b.left + (points.length > 1 ? i * step : plotW / 2);
			const y = plotH - (top > 0 ? (Math.max(0, p.value) / top) * plotH : 0);
			return `${+x.toFixed(2)},${+y.toFixed(2)}`;
		})
		.join(' ');
}
