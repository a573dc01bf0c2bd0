import { describe, expect, it } from 'vitest';
import { encode83 } from './blurhash';
import { averageColor, PlaceholderCache, type Scheduler } from './placeholder';

// A 4×3 hash's shape, with the DC colour rgb and flat AC components.
const hashOf = (rgb: number) => encode83(3 + 2 * 9, 1) + encode83(0, 1) + encode83(rgb, 4) + encode83(9 * 19 * 19 + 9 * 19 + 9, 2).repeat(11);

// manual is a Scheduler the test runs by hand, with a budget of budget ms that each render uses up.
function manual() {
	const waiting: ((left: () => number) => void)[] = [];
	let budget = 0;
	const schedule: Scheduler = (work) => waiting.push(work);
	return {
		schedule,
		turns: () => waiting.length,
		spend: (ms: number) => (budget -= ms),
		run(ms: number) {
			budget = ms;
			const work = waiting.shift();
			work?.(() => budget);
		},
	};
}

describe('averageColor', () => {
	it('reads the DC colour without decoding', () => {
		expect(averageColor(hashOf(0xc81e28))).toBe('rgb(200, 30, 40)');
		expect(averageColor('LEHV6nWB2yk8pyo0adR*.7kCMdnj')).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
	});
	it('is empty for a malformed hash', () => {
		expect(averageColor('abc')).toBe('');
		expect(averageColor('00!!!!' + '0'.repeat(22))).toBe('');
	});
});

describe('PlaceholderCache', () => {
	it('decodes when idle, once per hash, and answers from the cache after', () => {
		const s = manual();
		const rendered: string[] = [];
		const c = new PlaceholderCache((h) => (rendered.push(h), `url:${h}`), s.schedule);
		const h = hashOf(0x102030);
		expect(c.get(h)).toBeUndefined();
		let done = 0;
		c.request(h, () => true, () => done++);
		c.request(h, () => true, () => done++); // a second card with the same poster
		expect(rendered).toEqual([]); // nothing on the frame that asked
		expect(s.turns()).toBe(1);
		s.run(50);
		expect(rendered).toEqual([h]);
		expect(done).toBe(2);
		expect(c.get(h)).toBe(`url:${h}`);
		expect(s.turns()).toBe(0);
	});

	it('skips what nobody waits for any more', () => {
		const s = manual();
		const rendered: string[] = [];
		const c = new PlaceholderCache((h) => (rendered.push(h), 'u'), s.schedule);
		let onScreen = true;
		c.request(hashOf(1), () => onScreen, () => {});
		onScreen = false; // scrolled away, or the poster loaded first
		s.run(50);
		expect(rendered).toEqual([]);
		expect(c.pending).toBe(0);
	});

	it('keeps within the idle budget, newest first, and goes on in the next idle period', () => {
		const s = manual();
		const rendered: number[] = [];
		const c = new PlaceholderCache(
			(h) => {
				rendered.push(Number(h.slice(-1)));
				s.spend(1.5);
				return 'u';
			},
			s.schedule,
		);
		for (let i = 0; i < 6; i++) c.request(`h${i}`, () => true, () => {});
		s.run(4); // room for two and a bit: stops once under 2 ms are left
		expect(rendered).toEqual([5, 4]);
		expect(c.pending).toBe(4);
		expect(s.turns()).toBe(1);
		s.run(0); // no time at all: still one per turn, so a busy page makes progress
		expect(rendered).toEqual([5, 4, 3]);
		s.run(100);
		expect(rendered).toEqual([5, 4, 3, 2, 1, 0]);
		expect(c.pending).toBe(0);
	});

	it('forgets the least recently used beyond its bound', () => {
		const s = manual();
		const c = new PlaceholderCache((h) => `u${h}`, s.schedule, 2);
		for (const h of ['a', 'b']) c.request(h, () => true, () => {});
		s.run(100);
		expect(c.get('a')).toBe('ua'); // a is now the most recent
		c.request('c', () => true, () => {});
		s.run(100);
		expect(c.get('b')).toBeUndefined();
		expect(c.get('a')).toBe('ua');
		expect(c.get('c')).toBe('uc');
	});
});
