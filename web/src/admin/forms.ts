// Checks of the admin forms, run before a request so that people see what to fix at once; the
// server checks everything again. And the words the forms show.
import type { ParentalControls, Rating } from './types';

export const libraryTypes: [string, string][] = [
	['movies', 'Movies'],
	['shows', 'Shows'],
	['music', 'Music'],
	['mixed', 'Mixed'],
];

/** parseList splits text on newlines (or commas, with comma = true), trims, and drops empty and
 * repeated entries. */
export function parseList(text: string, comma = false): string[] {
	const out: string[] = [];
	for (const raw of text.split(comma ? /[\n,]/ : /\n/)) {
		const s = raw.trim();
		if (s && !out.includes(s)) out.push(s);
	}
	return out;
}

export interface LibraryForm {
	name: string;
	type: string;
	paths: string[];
}

/** libraryErrors lists what is wrong with a library form; empty when it may be sent. */
export function libraryErrors(f: LibraryForm): string[] {
	const out: string[] = [];
	if (!f.name.trim()) out.push('A name is required.');
	if (!libraryTypes.some(([t]) => t === f.type)) out.push(`Unknown kind "${f.type}".`);
	if (f.paths.length === 0) out.push('At least one folder is required.');
	for (const p of f.paths) {
		if (!isAbsolute(p)) out.push(`"${p}" is not an absolute path.`);
	}
	return out;
}

function isAbsolute(p: string): boolean {
	return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export interface NewUserForm {
	username: string;
	password: string;
	passwordless: boolean;
}

/** userErrors lists what is wrong with a new user form. */
export function userErrors(f: NewUserForm): string[] {
	const out: string[] = [];
	if (!f.username.trim()) out.push('A username is required.');
	if (/\s/.test(f.username.trim())) out.push('A username has no spaces.');
	if (!f.passwordless && !f.password) out.push('A password is required (or tick "No password").');
	return out;
}

/** parseProviderIds reads "provider=id" pairs, one per line or comma-separated ("tmdb=603,
 * imdb=tt0133093"); it throws on a pair without '=' or with an empty side. */
export function parseProviderIds(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const pair of parseList(text, true)) {
		const eq = pair.indexOf('=');
		const k = eq < 0 ? '' : pair.slice(0, eq).trim().toLowerCase();
		const v = eq < 0 ? '' : pair.slice(eq + 1).trim();
		if (!k || !v) throw new Error(`"${pair}" is not provider=id (like tmdb=603)`);
		out[k] = v;
	}
	return out;
}

/** formatProviderIds writes provider ids as parseProviderIds reads them. */
export function formatProviderIds(ids: Record<string, string> | undefined): string {
	return Object.entries(ids ?? {})
		.map(([k, v]) => `${k}=${v}`)
		.join(', ');
}

/** ratingLevels groups the rating names by level, lowest first ("13: PG-13, FSK 12…" style). */
export function ratingLevels(rs: Rating[]): [number, string][] {
	const by = new Map<number, string[]>();
	for (const r of rs) by.set(r.level, [...(by.get(r.level) ?? []), r.name]);
	return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([l, names]) => [l, `${l}: ${names.slice(0, 4).join(', ')}${names.length > 4 ? '…' : ''}`]);
}

/** parentalSummary says in a few words what a user's parental controls do. */
export function parentalSummary(p: ParentalControls): string {
	const parts: string[] = [];
	if (p.maxRatingLevel !== null) parts.push(`rated up to ${p.maxRatingLevel}`);
	if (p.blockUnrated.length > 0) parts.push(`unrated ${p.blockUnrated.join('/')} blocked`);
	if (p.blockedTags.length > 0) parts.push(`tags blocked: ${p.blockedTags.join(', ')}`);
	if (p.schedule.length > 0) parts.push(`${p.schedule.length} allowed-hours window${p.schedule.length === 1 ? '' : 's'}`);
	return parts.length > 0 ? parts.join(', ') : 'no parental controls';
}
