// The browse page's filter bar (genre, year, played, favorites) and its letter jump (#, A–Z).
import { useState } from 'preact/hooks';
import type { Api, Query } from './api';
import { useApi, useAsync } from './context';
import { activeFilters, type Filters, letters, letterStarts, noFilters, parseYear, type PlayedFilter, ratings } from './filters';
import type { Library, Page } from './types';
import type { Facet } from './wire';

/** FilterBar edits the filters of a library's grid (genre, year, watched, rating, favorites). */
export function FilterBar({ library, filters, onChange }: { library: Library; filters: Filters; onChange: (f: Filters) => void }) {
	const api = useApi();
	const genres = useAsync(() => api.get<{ items: Facet[] }>('/genres', { library: library.id, limit: 1000 }), [library.id]);
	const [year, setYear] = useState(filters.year);
	// On a phone the filters would push the grid below the fold: they start folded there.
	const [shown, setShown] = useState(() => typeof matchMedia === 'undefined' || matchMedia('(min-width: 700px)').matches);
	const yearError = parseYear(year).error;
	const n = activeFilters(filters);
	if (!shown) {
		return (
			<div class="filters">
				<button type="button" aria-expanded="false" onClick={() => setShown(true)}>
					Filters{n > 0 ? ` (${n})` : ''}
				</button>
			</div>
		);
	}
	return (
		<div class="filters" role="group" aria-label="Filters">
			<label class="field">
				<span>Genre</span>
				<select value={filters.genre} onChange={(e) => onChange({ ...filters, genre: e.currentTarget.value })}>
					<option value="">Any genre</option>
					{(genres.data?.items ?? []).map((g) => (
						<option key={g.name} value={g.name}>
							{g.name} ({g.count})
						</option>
					))}
				</select>
			</label>
			<label class="field year">
				<span>Year</span>
				<input
					inputMode="numeric"
					placeholder="Any"
					value={year}
					aria-invalid={!!yearError}
					aria-describedby={yearError ? 'year-error' : undefined}
					onInput={(e) => setYear(e.currentTarget.value)}
					onChange={(e) => onChange({ ...filters, year: e.currentTarget.value })}
				/>
			</label>
			<label class="field">
				<span>Watched</span>
				<select value={filters.played} onChange={(e) => onChange({ ...filters, played: e.currentTarget.value as PlayedFilter })}>
					<option value="all">All</option>
					<option value="unplayed">Unplayed</option>
					<option value="played">Played</option>
				</select>
			</label>
			<label class="field">
				<span>Rating</span>
				<select value={filters.maxRating} onChange={(e) => onChange({ ...filters, maxRating: e.currentTarget.value })}>
					<option value="">Any rating</option>
					{ratings.map((r) => (
						<option key={r.value} value={r.value}>
							{r.label}
						</option>
					))}
				</select>
			</label>
			<label class="check">
				<input type="checkbox" checked={filters.favorite} onChange={(e) => onChange({ ...filters, favorite: e.currentTarget.checked })} />
				Favorites
			</label>
			{n > 0 && (
				<button type="button" onClick={() => (setYear(''), onChange(noFilters))}>
					Clear {n === 1 ? 'filter' : `${n} filters`}
				</button>
			)}
			{yearError && (
				<p id="year-error" class="error" role="alert">
					{yearError}
				</p>
			)}
		</div>
	);
}

/** loadLetterStarts asks how many items start with each letter (a page of one item each, for its
 * total) and turns the counts into the index where each letter starts. */
export async function loadLetterStarts(api: Api, query: Query, desc: boolean): Promise<Map<string, number>> {
	const counts = await Promise.all(letters.map((letter) => api.get<Page<unknown>>('/items', { ...query, letter, limit: 1 }).then((p) => p.total)));
	return letterStarts(counts, desc);
}

/** LetterBar jumps the grid to the first item of a letter; letters without items are disabled. */
export function LetterBar({ starts, onJump }: { starts?: Map<string, number>; onJump: (index: number) => void }) {
	return (
		<nav class="letters" aria-label="Jump to letter">
			{letters.map((l) => {
				const at = starts?.get(l) ?? -1;
				return (
					<button key={l} type="button" disabled={at < 0} onClick={() => onJump(at)} aria-label={l === '#' ? 'Other characters' : l}>
						{l}
					</button>
				);
			})}
		</nav>
	);
}
