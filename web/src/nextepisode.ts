// nextepisode.ts finds the episode after another one, for autoplay at the end of an episode:
// the next one of its season, else the first one of the next season of its series.

import type { Item, Page } from './types';

/** Get is the part of Api this needs (api.get). */
export type Get = <T>(path: string, query?: Record<string, string | number>) => Promise<T>;

/** byIndex orders episodes or seasons by season number, then number; unnumbered ones last. */
export function byIndex(a: Item, b: Item): number {
	const n = (x: number | null | undefined) => (x == null ? Number.MAX_SAFE_INTEGER : x);
	return n(a.parentIndexNumber) - n(b.parentIndexNumber) || n(a.indexNumber) - n(b.indexNumber);
}

/** after is the item that follows id in list (sorted byIndex), or undefined when id is last or
 * not in the list. */
export function after(list: Item[], id: string): Item | undefined {
	const sorted = [...list].sort(byIndex);
	const i = sorted.findIndex((x) => x.id === id);
	return i >= 0 ? sorted[i + 1] : undefined;
}

function children(get: Get, parent: string, type: string): Promise<Item[]> {
	return get<Page<Item>>('/items', { parent, type, sort: 'index', limit: 1000 }).then((p) => p.items);
}

/** nextEpisode is the episode to play after ep, or null when it is the last of its series (or is
 * not an episode). */
export async function nextEpisode(get: Get, ep: Item): Promise<Item | null> {
	if (ep.type !== 'episode' || !ep.parentId) return null;
	const inSeason = after(await children(get, ep.parentId, 'episode'), ep.id);
	if (inSeason) return inSeason;
	const season = await get<Item>(`/items/${ep.parentId}`);
	if (season.type !== 'season' || !season.parentId) return null;
	let s = after(await children(get, season.parentId, 'season'), season.id);
	// A season with no episode (say, announced) is skipped.
	while (s) {
		const eps = (await children(get, s.id, 'episode')).sort(byIndex);
		if (eps.length > 0) return eps[0];
		s = after(await children(get, season.parentId, 'season'), s.id);
	}
	return null;
}

/** nextInPlaylist is the entry after item in a playlist (its first occurrence), or null when it is
 * the last one or not in it. */
export async function nextInPlaylist(get: Get, playlist: string, item: string): Promise<Item | null> {
	const entries = (await get<{ items: { item: Item }[] }>(`/playlists/${encodeURIComponent(playlist)}/entries`)).items;
	const i = entries.findIndex((e) => e.item.id === item);
	return i >= 0 && i + 1 < entries.length ? entries[i + 1].item : null;
}
