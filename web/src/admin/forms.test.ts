import { describe, expect, it } from 'vitest';
import { formatProviderIds, libraryErrors, parentalSummary, parseList, parseProviderIds, ratingLevels, userErrors } from './forms';

describe('admin forms', () => {
	it('splits lists', () => {
		expect(parseList(' /a \n\n/b\n/a\n')).toEqual(['/a', '/b']);
		expect(parseList('kids, Horror ,\nkids', true)).toEqual(['kids', 'Horror']);
		expect(parseList('a,b')).toEqual(['a,b']);
	});

	it('checks a library', () => {
		expect(libraryErrors({ name: 'Movies', type: 'movies', paths: ['/media/movies', 'D:\\Films'] })).toEqual([]);
		expect(libraryErrors({ name: ' ', type: 'books', paths: [] })).toEqual(['A name is required.', 'Unknown kind "books".', 'At least one folder is required.']);
		expect(libraryErrors({ name: 'M', type: 'movies', paths: ['media/movies'] })).toEqual(['"media/movies" is not an absolute path.']);
	});

	it('checks a new user', () => {
		expect(userErrors({ username: 'kid', password: 'pw', passwordless: false })).toEqual([]);
		expect(userErrors({ username: 'kid', password: '', passwordless: true })).toEqual([]);
		expect(userErrors({ username: 'a b', password: '', passwordless: false })).toEqual(['A username has no spaces.', 'A password is required (or tick "No password").']);
	});

	it('reads provider ids', () => {
		expect(parseProviderIds('tmdb=603, IMDB = tt0133093\n')).toEqual({ tmdb: '603', imdb: 'tt0133093' });
		expect(parseProviderIds('')).toEqual({});
		expect(() => parseProviderIds('tmdb')).toThrow(/provider=id/);
		expect(() => parseProviderIds('=5')).toThrow(/provider=id/);
		expect(parseProviderIds(formatProviderIds({ tmdb: '1', tvdb: '2' }))).toEqual({ tmdb: '1', tvdb: '2' });
	});
});

describe('parental words', () => {
	it('groups ratings by level', () => {
		expect(ratingLevels([{ name: 'PG-13', level: 13 }, { name: 'G', level: 0 }, { name: 'FSK 12', level: 12 }, { name: '12', level: 12 }])).toEqual([
			[0, '0: G'],
			[12, '12: FSK 12, 12'],
			[13, '13: PG-13'],
		]);
	});

	it('summarizes parental controls', () => {
		expect(parentalSummary({ maxRatingLevel: null, blockUnrated: [], blockedTags: [], schedule: [] })).toBe('no parental controls');
		expect(parentalSummary({ maxRatingLevel: 13, blockUnrated: ['movie', 'series'], blockedTags: ['horror'], schedule: [{ day: 'weekend', start: 7, end: 20 }] })).toBe(
			'rated up to 13, unrated movie/series blocked, tags blocked: horror, 1 allowed-hours window',
		);
	});
});
