import { describe, expect, it } from 'vitest';
import { posterUrl } from './poster';

// api builds URLs like Api.mediaUrl, with a fixed image token.
const api = {
	mediaUrl: (path: string, query: Record<string, string | number | undefined> = {}) => {
		const p = new URLSearchParams();
		for (const [k, v] of Object.entries({ ...query, token: 'it-bob' })) if (v !== undefined && v !== '') p.set(k, String(v));
		return `/api/v1${path}?${p}`;
	},
};

describe('posterUrl', () => {
	it('names the picture when the list gave its tag', () => {
		expect(posterUrl(api, { id: 'i1', imageTag: 'd881a1f236cd0ae9' }, 300)).toBe(
			'/api/v1/items/i1/images/Primary/0?maxWidth=300&format=webp&quality=80&tag=d881a1f236cd0ae9&token=it-bob',
		);
	});
	it('falls back to the index alone without one', () => {
		expect(posterUrl(api, { id: 'i1' }, 120)).toBe('/api/v1/items/i1/images/Primary/0?maxWidth=120&format=webp&quality=80&token=it-bob');
		expect(posterUrl(api, { id: 'i1', imageTag: '' }, 120)).not.toContain('tag=');
	});
	it("prefers the tag it is given (an item's page) to the list's", () => {
		expect(posterUrl(api, { id: 'i1', imageTag: 'old' }, 400, 'new')).toContain('&tag=new&');
	});
	it('changes when the poster does, so the browser cannot reuse the old picture', () => {
		expect(posterUrl(api, { id: 'i1', imageTag: 'a' }, 300)).not.toBe(posterUrl(api, { id: 'i1', imageTag: 'b' }, 300));
	});
});
