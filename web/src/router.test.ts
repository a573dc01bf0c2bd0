import { describe, expect, it } from 'vitest';
import { href, parse } from './router';

describe('router', () => {
	it('parses the hash', () => {
		expect(parse('')).toEqual({ name: 'home' });
		expect(parse('#/')).toEqual({ name: 'home' });
		expect(parse('#/library/abc')).toEqual({ name: 'library', id: 'abc' });
		expect(parse('#/item/a%2Fb')).toEqual({ name: 'item', id: 'a/b' });
		expect(parse('#/play/x?t=1')).toEqual({ name: 'play', id: 'x' });
		expect(parse('#/play/x?playlist=p%2F1')).toEqual({ name: 'play', id: 'x', playlist: 'p/1' });
		expect(parse('#/signin')).toEqual({ name: 'signin', add: false });
		expect(parse('#/signin/add')).toEqual({ name: 'signin', add: true });
		expect(parse('#/nope/1/2')).toEqual({ name: 'notfound', path: '/nope/1/2' });
		expect(parse('#/admin')).toEqual({ name: 'admin', section: 'libraries' });
		expect(parse('#/admin/users')).toEqual({ name: 'admin', section: 'users' });
		expect(parse('#/admin/item/i%201')).toEqual({ name: 'admin', section: 'item', id: 'i 1' });
		expect(parse('#/admin/item')).toEqual({ name: 'notfound', path: '/admin/item' });
		expect(parse('#/admin/nope')).toEqual({ name: 'notfound', path: '/admin/nope' });
		expect(parse('#/admin/users/x')).toEqual({ name: 'notfound', path: '/admin/users/x' });
	});

	it('round-trips links', () => {
		for (const r of [{ name: 'home' }, { name: 'item', id: 'a/b c' }, { name: 'library', id: 'L' }, { name: 'play', id: 'P' }, { name: 'play', id: 'P', playlist: 'L 1' }, { name: 'signin', add: true }, { name: 'admin', section: 'keys' }, { name: 'admin', section: 'item', id: 'a/b' }] as const) {
			expect(parse(href(r))).toEqual(r);
		}
	});
});
