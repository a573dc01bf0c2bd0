import { describe, expect, it } from 'vitest';
import { afterFor, moved } from './reorder';

// apply plays the server's rule: take the entry out, then put it after `after` (0: first).
function apply(entries: number[], id: number, after: number): number[] {
	const rest = entries.filter((e) => e !== id);
	const at = after === 0 ? 0 : rest.indexOf(after) + 1;
	rest.splice(at, 0, id);
	return rest;
}

describe('afterFor', () => {
	const ids = [11, 22, 33, 44];
	it('lands every move where the page wants it', () => {
		for (let from = 0; from < ids.length; from++) {
			for (let to = 0; to < ids.length; to++) {
				if (from === to) continue;
				expect(apply(ids, ids[from], afterFor(ids, from, to))).toEqual(moved(ids, from, to));
			}
		}
	});
	it('moves to the top with 0', () => {
		expect(afterFor(ids, 2, 0)).toBe(0);
	});
	it('rejects positions outside the list', () => {
		expect(() => afterFor(ids, 0, 4)).toThrow(/outside/);
		expect(() => afterFor(ids, -1, 0)).toThrow(/outside/);
	});
});
