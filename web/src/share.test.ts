import { describe, expect, it } from 'vitest';
import { sharees } from './share';

const people = [
	{ id: 'u3', name: 'carol' },
	{ id: 'u1', name: 'alice' },
	{ id: 'u2', name: 'bob' },
];

describe('sharees', () => {
	it('lists everyone but the owner by name, marking who it is shared with', () => {
		expect(sharees(people, 'u1', ['u3'])).toEqual([
			{ id: 'u2', name: 'bob', shared: false },
			{ id: 'u3', name: 'carol', shared: true },
		]);
	});

	it('keeps a share with someone not listed, so saving keeps it', () => {
		expect(sharees(people, 'u1', ['u9', 'u2'])).toEqual([
			{ id: 'u9', name: 'A hidden user', shared: true },
			{ id: 'u2', name: 'bob', shared: true },
			{ id: 'u3', name: 'carol', shared: false },
		]);
	});

	it('never lists the owner, even when shared with', () => {
		expect(sharees(people, 'u2', ['u2']).map((s) => s.id)).toEqual(['u1', 'u3']);
	});
});
