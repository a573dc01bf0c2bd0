import { describe, expect, it } from 'vitest';
import { artistTracks, byDiscAndTrack, type Get } from './artist';
import type { Item, Page } from './types';

const item = (id: string, type: Item['type'], disc?: number, n?: number): Item => ({
	id, type, title: id, year: null, libraryId: 'l', parentId: null, parentIndexNumber: disc, indexNumber: n,
});

describe('artist play-all', () => {
	it('orders tracks by disc, then number, unnumbered last', () => {
		const got = byDiscAndTrack([item('d2t1', 'track', 2, 1), item('x', 'track'), item('d1t2', 'track', 1, 2), item('t1', 'track', undefined, 1), item('y', 'track')]);
		expect(got.map((t) => t.id)).toEqual(['t1', 'd1t2', 'x', 'y', 'd2t1']);
	});
	it('lists every album, in order, a few at a time', async () => {
		const albums = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => item(id, 'album'));
		let inFlight = 0;
		let most = 0;
		const asked: Record<string, string | number>[] = [];
		const get: Get = async <T,>(path: string, q: Record<string, string | number> = {}) => {
			expect(path).toBe('/items');
			asked.push(q);
			if (q.type === 'album') return { items: albums, total: albums.length } as Page<Item> as T;
			inFlight++;
			most = Math.max(most, inFlight);
			// Later albums answer first: the order must still be the albums'.
			await new Promise((r) => setTimeout(r, 60 - 10 * albums.findIndex((a) => a.id === q.parent)));
			inFlight--;
			const p = String(q.parent);
			return { items: [item(`${p}2`, 'track', 1, 2), item(`${p}1`, 'track', 1, 1)], total: 2 } as Page<Item> as T;
		};
		const got = await artistTracks(get, 'artist');
		expect(got.map((t) => t.id)).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'd1', 'd2', 'e1', 'e2', 'f1', 'f2']);
		expect(most).toBe(4);
		expect(asked[0]).toMatchObject({ parent: 'artist', type: 'album', sort: 'year' });
		expect(asked.slice(1).every((q) => q.type === 'track' && q.sort === 'index')).toBe(true);
	});
	it('has nothing for an artist without albums', async () => {
		const get: Get = async <T,>() => ({ items: [], total: 0 }) as Page<Item> as T;
		expect(await artistTracks(get, 'artist')).toEqual([]);
	});
});
