// Small SVG charts for the statistics page, drawn by hand (no chart library): a bar chart and a
// line chart of StatsPoints, with a value axis. The arithmetic is in chart.ts.
import { type Box, bars, linePoints, niceMax, type Point, ticks } from './chart';

const box: Box = { width: 640, height: 220, left: 44, bottom: 28 };

function fmt(v: number): string {
	return String(+v.toFixed(2));
}

// The plot keeps a margin above its top line, where the top tick's label is written.
const viewBox = `0 -10 ${box.width} ${box.height + 10}`;

function Axis({ top }: { top: number }) {
	const plotH = box.height - box.bottom;
	return (
		<g class="axis">
			{ticks(top).map((t) => {
				const y = plotH - (t / top) * plotH;
				return (
					<g key={t}>
						<line x1={box.left} x2={box.width} y1={y} y2={y} />
						<text x={box.left - 6} y={y + 4} text-anchor="end">
							{fmt(t)}
						</text>
					</g>
				);
			})}
		</g>
	);
}

/** BarChart draws points as bars; every nth key is written under its bar. */
export function BarChart({ title, points, unit, labelEvery = 1 }: { title: string; points: Point[]; unit: string; labelEvery?: number }) {
	const top = niceMax(Math.max(0, ...points.map((p) => p.value)));
	const bs = bars(points, top, box);
	return (
		<figure class="chart">
			<figcaption>{title}</figcaption>
			<svg viewBox={viewBox} role="img" aria-label={`${title}, in ${unit}`} data-points={points.length}>
				<Axis top={top} />
				{bs.map((b, i) => (
					<g key={b.point.key}>
						<rect x={b.x} y={b.y} width={b.w} height={b.h} class="bar">
							<title>{`${b.point.label || b.point.key}: ${fmt(b.point.value)} ${unit}`}</title>
						</rect>
						{i % labelEvery === 0 && (
							<text x={b.x + b.w / 2} y={box.height - 10} text-anchor="middle" class="key">
								{b.point.label || b.point.key}
							</text>
						)}
					</g>
				))}
			</svg>
		</figure>
	);
}

/** LineChart draws points as a line, for a series over days. */
export function LineChart({ title, points, unit }: { title: string; points: Point[]; unit: string }) {
	const top = niceMax(Math.max(0, ...points.map((p) => p.value)));
	const first = points[0]?.label || points[0]?.key;
	const last = points[points.length - 1]?.label || points[points.length - 1]?.key;
	return (
		<figure class="chart">
			<figcaption>{title}</figcaption>
			<svg viewBox={viewBox} role="img" aria-label={`${title}, in ${unit}`} data-points={points.length}>
				<Axis top={top} />
				{points.length > 0 && <polyline class="line" points={linePoints(points, top, box)} />}
				<text x={box.left} y={box.height - 10} class="key">
					{first}
				</text>
				<text x={box.width} y={box.height - 10} text-anchor="end" class="key">
					{last}
				</text>
			</svg>
		</figure>
	);
}
