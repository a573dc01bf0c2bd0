// thumbs.ts reads the scrub-thumbnail index of GET /items/{id}/thumbs/thumbs.vtt: WebVTT cues
// whose payloads name a region of a sprite sheet ("sprite-0.jpg?file=…#xywh=0,0,160,90"), and
// finds the thumbnail of a time for the seek bar's preview.

/** Thumb is one thumbnail: the time range it shows (seconds) and its rectangle in a sheet. */
export interface Thumb {
	start: number;
	end: number;
	url: string;
	x: number;
	y: number;
	w: number;
	h: number;
}

/** vttTime parses a WebVTT timestamp (hh:mm:ss.ttt or mm:ss.ttt) into seconds; NaN when malformed. */
export function vttTime(s: string): number {
	const m = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/.exec(s.trim());
	if (!m) return NaN;
	return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** parseThumbs reads an index; sheet URLs are resolved against base (the index's own URL).
 * Cues that are not a sheet region are an error: the index is the server's, not a user's. */
export function parseThumbs(vtt: string, base: string): Thumb[] {
	const lines = vtt.replace(/\r/g, '').split('\n');
	if (!lines[0]?.startsWith('WEBVTT')) throw new Error('thumbnail index: not a WebVTT file');
	const out: Thumb[] = [];
	for (let i = 1; i < lines.length; i++) {
		if (!lines[i].includes('-->')) continue;
		const [from, to] = lines[i].split('-->').map((p) => vttTime(p.trim().split(/\s+/)[0]));
		const payload = (lines[i + 1] ?? '').trim();
		const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
		if (Number.isNaN(from) || Number.isNaN(to) || !m) throw new Error(`thumbnail index: bad cue at line ${i + 1}`);
		out.push({ start: from, end: to, url: new URL(m[1], base).href, x: +m[2], y: +m[3], w: +m[4], h: +m[5] });
		i++;
	}
	return out.sort((a, b) => a.start - b.start);
}

/** thumbAt is the thumbnail showing time t (seconds): the last one starting at or before t, as
 * long as t is before its end; past the last end, the last one. */
export function thumbAt(thumbs: Thumb[], t: number): Thumb | undefined {
	let lo = 0;
	let hi = thumbs.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (thumbs[mid].start <= t) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (found < 0) return thumbs[0];
	const th = thumbs[found];
	return t < th.end || found === thumbs.length - 1 ? th : undefined;
}

/** Tile is how to draw a thumbnail scaled to a width: its box, and the CSS background size and
 * position of its sheet (in px). */
export interface Tile {
	width: number;
	height: number;
	backgroundSize: string;
	backgroundPosition: string;
}

/** tile scales th to width px wide, in its sheet of sheetW x sheetH px (the image's natural size:
 * a last sheet is padded to the full grid, so the index alone cannot tell it). */
export function tile(th: Thumb, width: number, sheetW: number, sheetH: number): Tile {
	const k = width / th.w;
	const px = (n: number) => `${+(n * k).toFixed(2)}px`;
	return { width, height: +(th.h * k).toFixed(2), backgroundSize: `${px(sheetW)} ${px(sheetH)}`, backgroundPosition: `${px(-th.x)} ${px(-th.y)}` };
}
