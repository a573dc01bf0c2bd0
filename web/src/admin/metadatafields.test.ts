import { describe, expect, it } from 'vitest';
import { formOf, metadataPatch } from './metadatafields';
import type { ItemMetadata } from './types';

const item: ItemMetadata = {
	id: 'i',
	type: 'movie',
	title: 'Big Test',
	sortTitle: 'big test',
	year: 2020,
	overview: 'A test.',
	communityScore: 7.5,
	genres: ['Drama', 'Test'],
	studios: [],
	tags: [],
	images: [],
	lockedFields: [],
};

describe('metadataPatch', () => {
	it('sends nothing for an untouched form', () => {
		expect(metadataPatch(item, formOf(item))).toEqual({});
	});

	it('sends only what changed', () => {
		const f = { ...formOf(item), tagline: 'New', genres: 'Drama, Comedy', year: '1999', premiere: '1999-03-31', communityScore: '' };
		expect(metadataPatch(item, f)).toEqual({ tagline: 'New', genres: ['Drama', 'Comedy'], year: 1999, premiere: '1999-03-31', communityScore: 0 });
	});

	it('refuses bad numbers and dates', () => {
		expect(() => metadataPatch(item, { ...formOf(item), year: '1899x' })).toThrow(/year/);
		expect(() => metadataPatch(item, { ...formOf(item), year: '' })).toThrow(/year/);
		expect(() => metadataPatch(item, { ...formOf(item), premiere: '31/03/1999' })).toThrow(/premiere/);
		expect(() => metadataPatch(item, { ...formOf(item), communityScore: '11' })).toThrow(/score/);
	});
});
