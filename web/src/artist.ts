// artist.ts lists every track of an artist for Play all: the artist's albums in the order their
// page shows them (by year), each album's tracks by disc and number. The native API lists one
// level at a time (parent=), so that is one request for the albums and one per album, a few at
// a time.

import type { Item, Page } from './types';

export type Get = <T>(path: string, q?: Record<string, string | number>) => Promise<T>;

/** parallel is how many albums are listed at once. */
const parallel = 4;

/** byDiscAndTrack orders an album's tracks by disc, then number; tracks without a number go
 * last in their disc, in the order they came. */
export function byDiscAndTrack(tracks: Item[]): Item[] {
	const key = (t: Item) => [t.parentIndexNumber ?? 1, t.indexNumber ?? Number.MAX_SAFE_INTEGER];
	return tracks
		.map((t, i) => ({ t, i, k: key(t) }))
		.sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
		.map((x) => x.t);
}

/** artistTracks lists the tracks of an artist's albums, album after album. */
export async function artistTracks(get: Get, artist: string): Promise<Item[]> {
	const albums = (await get<Page<Item>>('/items', { parent: artist, type: 'album', sort: 'year', limit: 1000 })).items;
	const lists: Item[][] = new Array(albums.length);
	let next = 0;
	const worker = async () => {
		while (next < albums.length) {
			const i = next++;
			const p = await get<Page<Item>>('/items', { parent: albums[i].id, type: 'track', sort: 'index', limit: 1000 });
			lists[i] = byDiscAndTrack(p.items);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, albums.length) }, worker));
	return lists.flat();
}
