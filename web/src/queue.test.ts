import { describe, expect, it } from 'vitest';
import { current, cycleRepeat, jump, next, previous, queueOf, setShuffle, upcoming } from './queue';

const abc = ['a', 'b', 'c'];

describe('queue', () => {
	it('plays in order and stops at the end', () => {
		let q = queueOf(abc);
		expect(current(q)).toBe('a');
		q = next(q, true)!;
		expect(current(q)).toBe('b');
		expect(upcoming(q)).toEqual(['c']);
		q = next(q, true)!;
		expect(next(q, true)).toBeNull();
		expect(next(q, false)).toBeNull();
	});
	it('starts where asked, and refuses nonsense', () => {
		expect(current(queueOf(abc, 2))).toBe('c');
		expect(() => queueOf([])).toThrow(/empty/);
		expect(() => queueOf(abc, 3)).toThrow(/outside/);
		expect(() => jump(queueOf(abc), 7)).toThrow(/no track/);
	});
	it('repeats all and one', () => {
		let q = cycleRepeat(queueOf(abc, 2));
		expect(q.repeat).toBe('all');
		expect(current(next(q, true)!)).toBe('a');
		q = cycleRepeat(q);
		expect(q.repeat).toBe('one');
		expect(current(next(q, true)!)).toBe('c'); // the track ended: play it again
		expect(current(next(q, false)!)).toBe('a'); // Next still moves on
		expect(cycleRepeat(q).repeat).toBe('off');
	});
	it('goes back, or restarts a track past its first seconds', () => {
		const q = queueOf(abc, 1);
		expect(previous(q, 10)).toEqual({ queue: q, restart: true });
		expect(current(previous(q, 1).queue)).toBe('a');
		const first = queueOf(abc);
		expect(previous(first, 1)).toEqual({ queue: first, restart: true });
		expect(current(previous(cycleRepeat(first), 1).queue)).toBe('c');
	});
	it('shuffles with the current track first and unshuffles in place', () => {
		const items = ['a', 'b', 'c', 'd', 'e'];
		let q = jump(queueOf(items), 2);
		let seed = 0.1;
		q = setShuffle(q, true, () => (seed = (seed * 7.3) % 1));
		expect(q.shuffle).toBe(true);
		expect(current(q)).toBe('c');
		expect([...q.order].sort()).toEqual([0, 1, 2, 3, 4]);
		expect(q.order).not.toEqual([2, 0, 1, 3, 4]);
		q = next(q, true)!;
		const now = current(q);
		q = setShuffle(q, false);
		expect(current(q)).toBe(now);
		expect(q.order).toEqual([0, 1, 2, 3, 4]);
	});
	it('jumps to a track', () => {
		expect(current(jump(queueOf(abc), 2))).toBe('c');
	});
});
