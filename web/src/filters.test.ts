import { describe, expect, it } from 'vitest';
import { activeFilters, filterQuery, letters, letterStarts, noFilters, parseYear, rowTop } from './filters';

describe('filterQuery', () => {
	it('sends nothing for no filters', () => {
		expect(filterQuery(noFilters)).toEqual({});
		expect(activeFilters(noFilters)).toBe(0);
	});
	it('maps each filter to its /items parameter', () => {
		const f = { genre: 'Drama', year: ' 1999 ', played: 'unplayed' as const, favorite: true, maxRating: 'PG-13' };
		expect(filterQuery(f)).toEqual({ genre: 'Drama', year: 1999, played: false, favorite: true, maxRating: 'PG-13' });
		expect(filterQuery({ ...noFilters, played: 'played' })).toEqual({ played: true });
		expect(activeFilters(f)).toBe(5);
	});
	it('sends only the ratings it offers', () => {
		expect(filterQuery({ ...noFilters, maxRating: 'R' })).toEqual({ maxRating: 'R' });
		expect(filterQuery({ ...noFilters, maxRating: 'XXX' })).toEqual({});
		expect(activeFilters({ ...noFilters, maxRating: 'XXX' })).toBe(0);
	});
	it('leaves out a year that is not one', () => {
		expect(filterQuery({ ...noFilters, year: 'abc' })).toEqual({});
		expect(parseYear('abc').error).toMatch(/year/);
		expect(parseYear('0').error).toBeDefined();
		expect(parseYear('12345').error).toBeDefined();
		expect(parseYear('')).toEqual({});
		expect(parseYear('2001')).toEqual({ year: 2001 });
	});
});

describe('letterStarts', () => {
	const counts = letters.map(() => 0);
	counts[0] = 3; // '#'
	counts[1] = 2; // A
	counts[3] = 5; // C
	it('puts each letter after the ones before it', () => {
		const s = letterStarts(counts);
		expect(s.get('#')).toBe(0);
		expect(s.get('A')).toBe(3);
		expect(s.get('B')).toBe(-1);
		expect(s.get('C')).toBe(5);
		expect(s.get('Z')).toBe(-1);
	});
	it('reverses for a descending sort', () => {
		const s = letterStarts(counts, true);
		expect(s.get('C')).toBe(0);
		expect(s.get('A')).toBe(5);
		expect(s.get('#')).toBe(7);
	});
	it('rejects counts that do not match the letters', () => {
		expect(() => letterStarts([1, 2])).toThrow(/counts/);
	});
});

describe('rowTop', () => {
	it('scrolls to the row holding the item', () => {
		expect(rowTop(0, 5, 300)).toBe(0);
		expect(rowTop(4, 5, 300)).toBe(0);
		expect(rowTop(5, 5, 300)).toBe(300);
		expect(rowTop(12, 5, 300)).toBe(600);
		expect(rowTop(-3, 5, 300)).toBe(0);
	});
});
