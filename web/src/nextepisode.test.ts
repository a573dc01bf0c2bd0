import { describe, expect, it } from 'vitest';
import { after, nextEpisode, nextInPlaylist, type Get } from './nextepisode';
import type { Item } from './types';

const item = (id: string, type: Item['type'], parentId: string | null, season: number | null, n: number | null): Item => ({
	id,
	type,
	title: id,
	year: null,
	libraryId: 'L',
	parentId,
	indexNumber: n,
	parentIndexNumber: season,
});

// A series with seasons 1 (e1, e2), 2 (none) and 3 (e3); episodes listed out of order.
const all: Item[] = [
	item('show', 'series', null, null, null),
	item('s1', 'season', 'show', null, 1),
	item('s2', 'season', 'show', null, 2),
	item('s3', 'season', 'show', null, 3),
	item('e2', 'episode', 's1', 1, 2),
	item('e1', 'episode', 's1', 1, 1),
	item('e3', 'episode', 's3', 3, 1),
	item('m', 'movie', null, null, null),
];

const get: Get = async <T,>(path: string, query?: Record<string, string | number>) => {
	if (path === '/items') {
		const items = all.filter((x) => x.parentId === query?.parent && x.type === query?.type);
		return { items, total: items.length } as T;
	}
	const it = all.find((x) => `/items/${x.id}` === path);
	if (!it) throw new Error(`404 ${path}`);
	return it as T;
};

const byId = (id: string) => all.find((x) => x.id === id)!;

describe('next episode', () => {
	it('orders by season and number', () => {
		const eps = all.filter((x) => x.type === 'episode');
		expect(after(eps, 'e1')?.id).toBe('e2');
		expect(after(eps, 'e2')?.id).toBe('e3');
		expect(after(eps, 'e3')).toBeUndefined();
		expect(after(eps, 'nope')).toBeUndefined();
	});
	it('finds the next one in the season, then in the next season with episodes', async () => {
		expect((await nextEpisode(get, byId('e1')))?.id).toBe('e2');
		expect((await nextEpisode(get, byId('e2')))?.id).toBe('e3');
	});
	it('ends after the last episode, and for anything but an episode', async () => {
		expect(await nextEpisode(get, byId('e3'))).toBeNull();
		expect(await nextEpisode(get, byId('m'))).toBeNull();
	});
});

describe('nextInPlaylist', () => {
	const entries = { items: ['a', 'b', 'a', 'c'].map((id) => ({ item: { id, type: 'movie', title: id } })) };
	const get = (async (path: string) => {
		if (path !== '/playlists/p%201/entries') throw new Error(`unexpected ${path}`);
		return entries;
	}) as Get;
	it('is the entry after the item, from its first occurrence', async () => {
		expect((await nextInPlaylist(get, 'p 1', 'a'))?.id).toBe('b');
		expect((await nextInPlaylist(get, 'p 1', 'b'))?.id).toBe('a');
	});
	it('is null after the last entry, or for an item not in the playlist', async () => {
		expect(await nextInPlaylist(get, 'p 1', 'c')).toBeNull();
		expect(await nextInPlaylist(get, 'p 1', 'z')).toBeNull();
	});
});
