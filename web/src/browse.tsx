import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApi, useAsync } from './context';
import { filterQuery, type Filters, noFilters, rowTop } from './filters';
import { FilterBar, LetterBar, loadLetterStarts } from './browsefilters';
import { topTypes } from './format';
import { flingSpeed, layout, PagedList, prefetchRange, ScrollSpeed, totalHeight, visible } from './grid';
import type { Item, Library, Page } from './types';
import { Card } from './ui';

const sorts = [
	{ value: 'title:asc', label: 'Title' },
	{ value: 'added:desc', label: 'Recently added' },
	{ value: 'year:desc', label: 'Newest' },
	{ value: 'year:asc', label: 'Oldest' },
];

/** searchDelay is how long typing must pause before the search runs. */
export const searchDelay = 250;

/** useDebounced is value once it has not changed for ms. */
function useDebounced<T>(value: T, ms: number): T {
	const [v, setV] = useState(value);
	useEffect(() => {
		const t = setTimeout(() => setV(value), ms);
		return () => clearTimeout(t);
	}, [value, ms]);
	return v;
}

/** Browse is a library's poster grid, with sort and search as you type. */
export function Browse({ library }: { library: Library }) {
	const api = useApi();
	const [text, setText] = useState('');
	const [sortKey, setSortKey] = useState(sorts[0].value);
	const q = useDebounced(text.trim(), searchDelay);
	const [filters, setFilters] = useState<Filters>(noFilters);
	const [jump, setJump] = useState<{ index: number; seq: number } | undefined>();
	const [, setTick] = useState(0);
	const fq = JSON.stringify(filterQuery(filters));
	const list = useMemo(() => {
		const [sort, order] = sortKey.split(':');
		return new PagedList<Item>(
			(offset, limit) => api.get<Page<Item>>('/items', { library: library.id, type: topTypes(library.type), q, ...filterQuery(filters), sort, order, offset, limit }),
			200,
			() => setTick((t) => t + 1),
		);
	}, [api, library.id, library.type, q, sortKey, fq]);
	const total = list.total;
	const byTitle = sortKey.startsWith('title:');
	const starts = useAsync(
		// Once the first page is in: the grid's own request goes first.
		() => (byTitle && total > 0 ? loadLetterStarts(api, { library: library.id, type: topTypes(library.type), q, ...filterQuery(filters) }, sortKey.endsWith(':desc')) : Promise.resolve(undefined)),
		[api, library.id, q, sortKey, fq, total > 0],
	);
	return (
		<div class="page browse">
			<div class="toolbar">
				<h1>{library.name}</h1>
				<div class="controls" role="search">
					<label class="field">
						<span>Search</span>
						<input type="search" value={text} placeholder={`Search ${library.name}`} onInput={(e) => setText(e.currentTarget.value)} />
					</label>
					<label class="field">
						<span>Sort by</span>
						<select value={sortKey} onChange={(e) => setSortKey(e.currentTarget.value)}>
							{sorts.map((s) => (
								<option key={s.value} value={s.value}>
									{s.label}
								</option>
							))}
						</select>
					</label>
				</div>
				<FilterBar library={library} filters={filters} onChange={setFilters} />
				<p class="count" aria-live="polite">
					{total < 0 ? (list.hasFailed ? 'Could not load the library.' : 'Loading…') : total === 1 ? '1 item' : `${total.toLocaleString()} items`}
				</p>
			</div>
			<div class="grid-area">
				<VirtualGrid key={`${q}|${sortKey}|${fq}`} list={list} total={total} jump={jump} />
				{byTitle && total > 0 && <LetterBar starts={starts.data} onJump={(index) => setJump({ index, seq: (jump?.seq ?? 0) + 1 })} />}
			</div>
		</div>
	);
}

/** VirtualGrid renders only the rows in view (and two more on each side) of a PagedList. */
export function VirtualGrid({ list, total, jump }: { list: PagedList<Item>; total: number; jump?: { index: number; seq: number } }) {
	const ref = useRef<HTMLDivElement>(null);
	const [size, setSize] = useState({ w: 0, h: 0 });
	// The scroll position is read on each scroll frame, but the grid renders again only when the
	// rows in view change (a few times a second at speed, not on every frame): the rows are
	// positioned absolutely, so the browser scrolls them without us.
	const top = useRef(0);
	const [, setRows] = useState('');
	const frame = useRef(0);
	// During a fling, cards keep their placeholders (see ScrollSpeed); settle ends it when the
	// scroll stops.
	const speed = useRef(new ScrollSpeed());
	const [fling, setFling] = useState(false);
	const settle = useRef<ReturnType<typeof setTimeout>>();

	useLayoutEffect(() => {
		const el = ref.current!;
		const measure = () => {
			const cs = getComputedStyle(el);
			const pad = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
			setSize({ w: el.clientWidth - pad, h: el.clientHeight });
		};
		measure();
		const ro = new ResizeObserver(measure);
		ro.observe(el);
		return () => {
			ro.disconnect();
			cancelAnimationFrame(frame.current);
			clearTimeout(settle.current);
		};
	}, []);

	const l = layout(size.w);
	useEffect(() => {
		// The letter bar asked for an item: put its row at the top.
		if (jump && ref.current && size.w > 0) ref.current.scrollTop = rowTop(jump.index, l.columns, l.rowHeight);
	}, [jump]);
	// Until the first page says how many there are, ask for the first screenful.
	const count = total < 0 ? l.columns * 10 : total;
	const r = visible(top.current, size.h, count, l);
	useEffect(() => {
		void list.ensure(...prefetchRange(r, count, list.pageSize));
	}, [list, r.start, r.end]);

	const onScroll = () => {
		cancelAnimationFrame(frame.current);
		frame.current = requestAnimationFrame(() => {
			top.current = ref.current?.scrollTop ?? 0;
			const v = visible(top.current, size.h, count, l);
			setRows(`${v.firstRow}:${v.endRow}`);
			const fast = speed.current.sample(top.current, performance.now()) > flingSpeed(size.h);
			setFling(fast);
			clearTimeout(settle.current);
			if (fast) {
				settle.current = setTimeout(() => {
					speed.current.reset();
					setFling(false);
				}, 150);
			}
		});
	};

	const rowsOut = [];
	if (total > 0 && size.w > 0) {
		for (let row = r.firstRow; row < r.endRow; row++) {
			const cells = [];
			for (let i = row * l.columns; i < Math.min(total, (row + 1) * l.columns); i++) {
				const it = list.at(i);
				cells.push(it ? <Card key={it.id} item={it} deferPoster={fling} /> : <div key={`p${i}`} class="card placeholder" aria-hidden="true" />);
			}
			rowsOut.push(
				<div
					key={row}
					class="vrow"
					style={{
						transform: `translateY(${row * l.rowHeight}px)`,
						gridTemplateColumns: `repeat(${l.columns}, ${l.cardWidth}px)`,
						columnGap: `${l.gap}px`,
						'--poster-h': `${l.posterHeight}px`,
					}}
				>
					{cells}
				</div>,
			);
		}
	}
	return (
		<div class="vgrid" ref={ref} onScroll={onScroll} data-total={total}>
			<div class="vgrid-inner" style={{ height: `${totalHeight(Math.max(0, total), l)}px` }}>
				{rowsOut}
			</div>
			{total === 0 && <p class="empty">Nothing matches.</p>}
		</div>
	);
}
