import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { current, cycleRepeat, jump, queueOf, setShuffle } from './queue';
import { forgetQueue, loadQueue, maxSaved, queueKey, saveQueue, stillThere } from './queuestore';
import { MemoryKV } from './store';
import type { Item } from './types';

const track = (n: number): Item => ({ id: `t${n}`, type: 'track', title: `Track ${n}`, year: 2020, libraryId: 'l', parentId: 'al', indexNumber: n, runtimeMs: 3000 });
const tracks = [1, 2, 3, 4].map(track);

describe('the saved music queue', () => {
	it('comes back as it was: tracks, order, current, shuffle, repeat, position', () => {
		const kv = new MemoryKV();
		const q = cycleRepeat(setShuffle(jump(queueOf(tracks), 2), true, () => 0.3));
		saveQueue(kv, 'u1', q, 12.34);
		const r = loadQueue(kv, 'u1')!;
		expect(r.queue.order).toEqual(q.order);
		expect(r.queue.pos).toBe(q.pos);
		expect(current(r.queue).id).toBe('t3');
		expect(r.queue.shuffle).toBe(true);
		expect(r.queue.repeat).toBe('all');
		expect(r.queue.items.map((t) => t.title)).toEqual(['Track 1', 'Track 2', 'Track 3', 'Track 4']);
		expect(r.position).toBe(12.3);
	});
	it('keeps only the fields the bar uses', () => {
		const kv = new MemoryKV();
		saveQueue(kv, 'u1', queueOf([{ ...track(1), overview: 'a long text', userData: { played: true } } as Item]), 0);
		expect(kv.getItem(queueKey('u1'))).not.toContain('long text');
		expect(loadQueue(kv, 'u1')!.queue.items[0]).toMatchObject({ id: 't1', parentId: 'al', runtimeMs: 3000 });
	});
	it('is per user', () => {
		const kv = new MemoryKV();
		saveQueue(kv, 'u1', queueOf(tracks), 1);
		expect(loadQueue(kv, 'u2')).toBeUndefined();
		expect(loadQueue(kv, 'u1')).toBeDefined();
	});
	it('is removed when the bar closes, the queue is too big, or its track is gone', () => {
		const kv = new MemoryKV();
		saveQueue(kv, 'u1', queueOf(tracks), 1);
		saveQueue(kv, 'u1', undefined, 0);
		expect(kv.getItem(queueKey('u1'))).toBeNull();
		saveQueue(kv, 'u1', queueOf(tracks), 1);
		saveQueue(kv, 'u1', queueOf(Array.from({ length: maxSaved + 1 }, (_, i) => track(i))), 0);
		expect(kv.getItem(queueKey('u1'))).toBeNull();
		saveQueue(kv, 'u1', queueOf(tracks), 1);
		forgetQueue(kv, 'u1');
		expect(loadQueue(kv, 'u1')).toBeUndefined();
	});
	it('saves a bad position as the start', () => {
		const kv = new MemoryKV();
		saveQueue(kv, 'u1', queueOf(tracks), NaN);
		expect(loadQueue(kv, 'u1')!.position).toBe(0);
	});

	const good = () => {
		const kv = new MemoryKV();
		saveQueue(kv, 'u1', queueOf(tracks, 1), 5);
		return JSON.parse(kv.getItem(queueKey('u1'))!);
	};
	it.each([
		['not JSON', '{"v":1,"tracks":['],
		['not an object', '42'],
		['another version', { ...good(), v: 2 }],
		['no tracks', { ...good(), tracks: [] }],
		['a track without an id', { ...good(), tracks: [{ title: 'x', type: 'track', parentId: null }, ...good().tracks.slice(1)] }],
		['a movie in the queue', { ...good(), tracks: [{ ...track(1), type: 'movie' }, ...good().tracks.slice(1)] }],
		['an order of another length', { ...good(), order: [0, 1, 2] }],
		['an order with a repeat', { ...good(), order: [0, 1, 1, 3] }],
		['an order out of range', { ...good(), order: [0, 1, 2, 4] }],
		['a position in the order out of range', { ...good(), pos: 4 }],
		['a fractional pos', { ...good(), pos: 1.5 }],
		['an unknown repeat', { ...good(), repeat: 'forever' }],
		['a shuffle that is not a boolean', { ...good(), shuffle: 'yes' }],
		['a negative position', { ...good(), position: -3 }],
		['a position that is not a number', { ...good(), position: '5' }],
	])('drops %s', (_, v) => {
		const kv = new MemoryKV();
		kv.setItem(queueKey('u1'), typeof v === 'string' ? v : JSON.stringify(v));
		expect(loadQueue(kv, 'u1')).toBeUndefined();
		expect(kv.getItem(queueKey('u1'))).toBeNull();
	});
	it('reads back what it saved, untouched by the checks', () => {
		const kv = new MemoryKV();
		kv.setItem(queueKey('u1'), JSON.stringify(good()));
		expect(loadQueue(kv, 'u1')!.queue.pos).toBe(1);
	});
});

describe('a restored track', () => {
	it('is gone only when the server says 404', async () => {
		const asked: string[] = [];
		const answer = (e?: unknown) => async (path: string) => {
			asked.push(path);
			if (e) throw e;
			return {};
		};
		expect(await stillThere(answer(), 't1')).toBe(true);
		expect(asked).toEqual(['/items/t1']);
		expect(await stillThere(answer(new ApiError(404, 'Not Found')), 't1')).toBe(false);
		expect(await stillThere(answer(new ApiError(0, 'offline')), 't1')).toBe(true);
		expect(await stillThere(answer(new ApiError(503, 'Unavailable')), 't1')).toBe(true);
		expect(await stillThere(answer(new TypeError('fetch failed')), 't1')).toBe(true);
	});
});
