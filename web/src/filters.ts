// The browse page's filters and letter jump: what the person chose, as the query /items takes,
// and where each letter starts in a grid sorted by title.
import type { Query } from './api';

export type PlayedFilter = 'all' | 'played' | 'unplayed';

/** Filters are the choices above a library's grid; empty strings mean "any". */
export interface Filters {
	genre: string;
	/** The year as typed; see parseYear. */
	year: string;
	played: PlayedFilter;
	favorite: boolean;
	/** The highest rating shown (one of `ratings`), or '' for any. */
	maxRating: string;
}

export const noFilters: Filters = { genre: '', year: '', played: 'all', favorite: false, maxRating: '' };

/** ratings are the rating filter's choices, from the youngest audience up; the server compares
 * them on the age scale of parental controls, so TV and other countries' ratings fall in place. */
export const ratings: { value: string; label: string }[] = [
	{ value: 'G', label: 'G (all ages)' },
	{ value: 'PG', label: 'Up to PG' },
	{ value: 'PG-13', label: 'Up to PG-13' },
	{ value: 'R', label: 'Up to R' },
	{ value: 'NC-17', label: 'Up to NC-17' },
];

/** parseYear reads the year field: undefined when empty, an error message when it is not a year. */
export function parseYear(s: string): { year?: number; error?: string } {
	const t = s.trim();
	if (t === '') return {};
	if (!/^[0-9]{1,4}$/.test(t) || Number(t) < 1) return { error: 'Enter a year such as 1999.' };
	return { year: Number(t) };
}

/** filterQuery maps the filters to /items query parameters; an invalid year is left out (the
 * field shows its error instead). */
export function filterQuery(f: Filters): Query {
	const q: Query = {};
	if (f.genre) q.genre = f.genre;
	const y = parseYear(f.year);
	if (y.year) q.year = y.year;
	if (f.played !== 'all') q.played = f.played === 'played';
	if (f.favorite) q.favorite = true;
	if (ratings.some((r) => r.value === f.maxRating)) q.maxRating = f.maxRating;
	return q;
}

/** activeFilters counts the filters in use, for the toolbar's badge. */
export function activeFilters(f: Filters): number {
	return (f.genre ? 1 : 0) + (parseYear(f.year).year ? 1 : 0) + (f.played !== 'all' ? 1 : 0) + (f.favorite ? 1 : 0) + (filterQuery(f).maxRating ? 1 : 0);
}

/** letters are the letter jump's keys: '#' (digits and anything not A–Z) and A to Z, in the
 * order the server sorts titles. */
export const letters: string[] = ['#', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** letterStarts turns the number of items under each letter (in `letters` order) into the index
 * of each letter's first item, in a list sorted by title ascending, or descending when desc.
 * A letter with no items gets -1. */
export function letterStarts(counts: number[], desc = false): Map<string, number> {
	if (counts.length !== letters.length) throw new Error(`letterStarts: ${counts.length} counts for ${letters.length} letters`);
	const out = new Map<string, number>();
	const order = desc ? [...letters.keys()].reverse() : [...letters.keys()];
	let at = 0;
	for (const i of order) {
		out.set(letters[i], counts[i] > 0 ? at : -1);
		at += Math.max(0, counts[i]);
	}
	return out;
}

/** rowTop is the scroll offset that puts item index at the top of a grid of columns columns. */
export function rowTop(index: number, columns: number, rowHeight: number): number {
	return Math.floor(Math.max(0, index) / Math.max(1, columns)) * rowHeight;
}
