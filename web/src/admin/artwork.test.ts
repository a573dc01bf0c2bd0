import { describe as group, expect, it } from 'vitest';
import { type ArtImage, describe, groupByKind, kindName, maxUpload, uploadProblem } from './artwork';

const im = (kind: string, index: number, extra: Partial<ArtImage> = {}): ArtImage => ({ kind, index, source: 'remote', tag: `${kind}${index}`, url: `/u/${kind}/${index}`, ...extra });

group('groupByKind', () => {
	it('puts posters first, then backdrops and the rest, each by index', () => {
		const g = groupByKind([im('Backdrop', 1), im('Logo', 0), im('Primary', 1), im('Backdrop', 0), im('Primary', 0), im('Weird', 0)]);
		expect(g.map((x) => x.kind)).toEqual(['Primary', 'Backdrop', 'Logo', 'Weird']);
		expect(g[0].images.map((x) => x.index)).toEqual([0, 1]);
		expect(g[1].images.map((x) => x.tag)).toEqual(['Backdrop0', 'Backdrop1']);
	});
	it('gives nothing for no pictures', () => {
		expect(groupByKind([])).toEqual([]);
	});
});

group('names', () => {
	it('names kinds as people do', () => {
		expect(kindName('Primary')).toBe('Poster');
		expect(kindName('Thumb')).toBe('Thumbnail');
		expect(kindName('Other')).toBe('Other');
	});
	it('describes where a picture comes from and its size', () => {
		expect(describe(im('Primary', 0, { source: 'uploaded', width: 600, height: 900 }))).toBe('uploaded · 600×900');
		expect(describe(im('Primary', 0))).toBe('from a provider');
		expect(describe(im('Primary', 0, { source: 'local', width: 10 }))).toBe('file next to the media');
	});
});

group('uploadProblem', () => {
	it('lets JPEG, PNG and WebP through, and files the browser cannot type', () => {
		for (const type of ['image/jpeg', 'image/png', 'image/webp', '']) expect(uploadProblem({ name: 'p', type, size: 10 })).toBe('');
	});
	it('refuses nothing chosen, empty, too large and other types', () => {
		expect(uploadProblem(undefined)).toMatch(/Choose/);
		expect(uploadProblem({ name: 'p.png', type: 'image/png', size: 0 })).toMatch(/empty/);
		expect(uploadProblem({ name: 'p.png', type: 'image/png', size: maxUpload + 1 })).toMatch(/larger than 20 MB/);
		expect(uploadProblem({ name: 'p.svg', type: 'image/svg+xml', size: 10 })).toMatch(/not a JPEG, PNG or WebP/);
		expect(uploadProblem({ name: 'p.gif', type: 'image/gif', size: 10 })).toMatch(/not a JPEG/);
	});
});
