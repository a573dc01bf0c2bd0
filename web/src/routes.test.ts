import { describe, expect, it } from 'vitest';
import { href, parse, type Route } from './router';

describe('the routes of browsing and your things', () => {
	it('round-trips through href and parse', () => {
		const routes: Route[] = [
			{ name: 'person', id: 'Ana de Armas' },
			{ name: 'collection', id: 'Alien Collection' },
			{ name: 'playlist', id: 'p1' },
			{ name: 'list', id: 'l1' },
			{ name: 'playlists' },
			{ name: 'things' },
			{ name: 'stats' },
			{ name: 'settings' },
			{ name: 'switch' },
		];
		for (const r of routes) expect(parse(href(r))).toEqual(r);
	});
	it('encodes names with slashes and spaces', () => {
		expect(href({ name: 'person', id: 'AC/DC' })).toBe('#/person/AC%2FDC');
		expect(parse('#/person/AC%2FDC')).toEqual({ name: 'person', id: 'AC/DC' });
	});
	it('does not take extra parts', () => {
		expect(parse('#/stats/x').name).toBe('notfound');
		expect(parse('#/person').name).toBe('notfound');
	});
});
