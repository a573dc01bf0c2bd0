// The metadata editor's fields, and the PATCH /items/{id} body a filled-in form makes.
import { parseList } from './forms';
import type { ItemMetadata } from './types';

type Text = 'title' | 'originalTitle' | 'sortTitle' | 'tagline' | 'officialRating' | 'overview';
type Lists = 'genres' | 'studios' | 'tags';

export const textFields: [Text, string][] = [
	['title', 'Title'],
	['originalTitle', 'Original title'],
	['sortTitle', 'Sort title'],
	['tagline', 'Tagline'],
	['officialRating', 'Rating (PG-13, FSK 12…)'],
];
export const listFields: [Lists, string][] = [
	['genres', 'Genres'],
	['studios', 'Studios'],
	['tags', 'Tags'],
];

/** metadataPatch is the PATCH body for what the form changed from the item; only changed fields
 * are sent, since the server locks each field it is sent. */
export function metadataPatch(it: ItemMetadata, f: Record<string, string>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k] of [...textFields, ['overview'] as const]) {
		if ((f[k] ?? '') !== (it[k] ?? '')) out[k] = f[k];
	}
	for (const [k] of listFields) {
		const next = parseList(f[k] ?? '', true);
		if (next.join('\n') !== it[k].join('\n')) out[k] = next;
	}
	const year = f.year.trim() === '' ? null : Number(f.year);
	if (year !== it.year) {
		if (year === null || !Number.isInteger(year) || year < 1800 || year > 2200) throw new Error('The year must be a number like 1999.');
		out.year = year;
	}
	if ((f.premiere ?? '') !== (it.premiere ?? '')) {
		if (f.premiere && !/^\d{4}-\d{2}-\d{2}$/.test(f.premiere)) throw new Error('The premiere must be a date like 2024-03-14.');
		out.premiere = f.premiere;
	}
	const score = f.communityScore.trim() === '' ? 0 : Number(f.communityScore);
	if (score !== (it.communityScore ?? 0)) {
		if (!(score >= 0 && score <= 10)) throw new Error('The score must be between 0 and 10.');
		out.communityScore = score;
	}
	return out;
}

export function formOf(it: ItemMetadata): Record<string, string> {
	const f: Record<string, string> = {};
	for (const [k] of textFields) f[k] = it[k] ?? '';
	f.overview = it.overview ?? '';
	for (const [k] of listFields) f[k] = it[k].join(', ');
	f.year = it.year === null ? '' : String(it.year);
	f.premiere = it.premiere ?? '';
	f.communityScore = it.communityScore ? String(it.communityScore) : '';
	return f;
}
