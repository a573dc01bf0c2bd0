import { useEffect, useRef, useState } from 'preact/hooks';
import { clock } from './format';
import { seekStep } from './shortcuts';
import { parseThumbs, thumbAt, tile, type Thumb } from './thumbs';

/** previewWidth is the width of the seek preview's thumbnail, in CSS px. */
const previewWidth = 192;

/** useThumbs loads a file's scrub thumbnails (GET …/thumbs/thumbs.vtt), asking again while the
 * server is still making them (202 with Retry-After). None when the file has no video or the
 * index cannot be had: the seek bar then shows times only. */
export function useThumbs(url: string | undefined): Thumb[] {
	const [thumbs, setThumbs] = useState<Thumb[]>([]);
	useEffect(() => {
		setThumbs([]);
		if (!url) return;
		let live = true;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const abs = new URL(url, location.href).href;
		const load = async (tries: number) => {
			try {
				const r = await fetch(abs);
				if (r.status === 202 && tries > 0) {
					const wait = Math.min(Math.max(Number(r.headers.get('Retry-After')) || 2, 1), 10);
					timer = setTimeout(() => live && load(tries - 1), wait * 1000);
					return;
				}
				if (r.ok && live) setThumbs(parseThumbs(await r.text(), abs));
			} catch {
				// No previews is not worth an error on screen.
			}
		};
		load(30);
		return () => {
			live = false;
			clearTimeout(timer);
		};
	}, [url]);
	return thumbs;
}

const sheetSizes = new Map<string, { w: number; h: number }>();

/** useSheetSize is the natural size of a sprite sheet, once loaded (the browser caches the image
 * the preview then shows). */
function useSheetSize(url: string | undefined): { w: number; h: number } | undefined {
	const [, set] = useState(0);
	useEffect(() => {
		if (!url || sheetSizes.has(url)) return;
		const img = new Image();
		img.onload = () => {
			sheetSizes.set(url, { w: img.naturalWidth, h: img.naturalHeight });
			set((n) => n + 1);
		};
		img.src = url;
	}, [url]);
	return url ? sheetSizes.get(url) : undefined;
}

/** SeekBar is the position slider. Pointing at it (or dragging it) shows the time there and, when
 * the file has them, its thumbnail. ←/→ move by 10 s like the player's shortcuts, Home/End to the
 * ends. */
export function SeekBar({ current, duration, buffered, thumbs, onSeek }: { current: number; duration: number; buffered: number; thumbs: Thumb[]; onSeek: (t: number) => void }) {
	const [hover, setHover] = useState<number | null>(null);
	const [drag, setDrag] = useState<number | null>(null);
	const box = useRef<HTMLDivElement>(null);
	const d = duration > 0 && Number.isFinite(duration) ? duration : 0;
	const timeAt = (clientX: number) => {
		const r = box.current!.getBoundingClientRect();
		return Math.min(d, Math.max(0, ((clientX - r.left) / r.width) * d));
	};
	const shown = drag ?? hover;
	const th = shown != null ? thumbAt(thumbs, shown) : undefined;
	const sheet = useSheetSize(th?.url);
	const tl = th && sheet && tile(th, Math.min(previewWidth, th.w), sheet.w, sheet.h);
	const half = (tl ? tl.width : 40) / 2 + 4; // the preview stays within the bar
	const onKey = (e: KeyboardEvent) => {
		const to: Record<string, number> = { ArrowLeft: current - seekStep, ArrowRight: current + seekStep, Home: 0, End: d, PageDown: current - 60, PageUp: current + 60 };
		if (!(e.key in to)) return;
		e.preventDefault();
		e.stopPropagation(); // the player's own ←/→ would seek a second time
		onSeek(Math.min(d, Math.max(0, to[e.key])));
	};
	return (
		<div
			class="seekbar"
			ref={box}
			onPointerMove={(e) => d && setHover(timeAt(e.clientX))}
			onPointerLeave={() => setHover(null)}
		>
			<div class="seek-buffered" style={{ width: d ? `${(Math.min(buffered, d) / d) * 100}%` : 0 }} />
			<input
				type="range"
				aria-label="Seek"
				aria-valuetext={`${clock(current * 1000)} of ${clock(d * 1000)}`}
				min={0}
				max={d || 1}
				step="any"
				value={drag ?? current}
				disabled={!d}
				onInput={(e) => setDrag(Number((e.target as HTMLInputElement).value))}
				onChange={(e) => {
					setDrag(null);
					onSeek(Number((e.target as HTMLInputElement).value));
				}}
				onKeyDown={onKey}
			/>
			{shown != null && d > 0 && (
				<div class="seek-preview" style={{ left: `clamp(${half}px, ${(shown / d) * 100}%, calc(100% - ${half}px))` }} aria-hidden="true">
					{th && tl && (
						<div
							class="seek-thumb"
							style={{ width: `${tl.width}px`, height: `${tl.height}px`, backgroundImage: `url("${th.url}")`, backgroundSize: tl.backgroundSize, backgroundPosition: tl.backgroundPosition }}
						/>
					)}
					<span>{clock(shown * 1000)}</span>
				</div>
			)}
		</div>
	);
}
