import { describe, expect, it } from 'vitest';
import { Api } from '../api';
import { MemoryKV, TokenStore } from '../store';
import { SSEParser, describeScan, scanPercent, watchScan, type ScanStatus } from './scanevents';

const base: ScanStatus = {
	libraryId: 'L',
	running: true,
	walking: false,
	startedAt: '2026-01-01T00:00:00Z',
	finishedAt: null,
	found: 10,
	unchanged: 2,
	toProbe: 8,
	probed: 3,
	failed: 1,
	moved: 0,
	missing: 0,
	removed: 0,
	offline: [],
	error: null,
	filesPerSecond: 2,
	etaSeconds: 2,
};

describe('SSEParser', () => {
	it('dispatches events split across chunks', () => {
		const p = new SSEParser();
		expect(p.push('event: progress\nda')).toEqual([]);
		expect(p.push('ta: {"a":1}\n')).toEqual([]);
		expect(p.push('\nevent: done\r\ndata: x\r\n')).toEqual([{ event: 'progress', data: '{"a":1}' }]);
		expect(p.push('\r')).toEqual([]); // maybe half of \r\n
		expect(p.push('\n')).toEqual([{ event: 'done', data: 'x' }]);
	});

	it('joins data lines, skips comments and defaults the event name', () => {
		const p = new SSEParser();
		expect(p.push(': keepalive\n\ndata:one\ndata: two\n\nevent: x\n\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
		// An event without data is not dispatched, and its name does not leak into the next one.
		expect(p.push('data: z\n\n')).toEqual([{ event: 'message', data: 'z' }]);
	});
});

describe('scan progress', () => {
	it('computes a percentage once the walk is over', () => {
		expect(scanPercent({ ...base, walking: true })).toBeNull();
		expect(scanPercent(base)).toBe(50);
		expect(scanPercent({ ...base, toProbe: 0 })).toBe(100);
		expect(scanPercent({ ...base, running: false })).toBe(100);
	});

	it('describes a scan', () => {
		expect(describeScan(base)).toBe('Scanning: found 10 files, probed 3 of 8, 1 failed, about 2 s left');
		expect(describeScan({ ...base, walking: true, found: 1, toProbe: 0, probed: 0, failed: 0, etaSeconds: 0 })).toBe('Looking for files: found 1 file');
		expect(describeScan({ ...base, running: false, failed: 0, offline: ['/m'] })).toBe('Scan finished: found 10 files, probed 3 of 8, offline: /m');
		expect(describeScan({ ...base, error: 'disk gone' })).toBe('Scan failed: disk gone');
	});
});

describe('watchScan', () => {
	function api(): Api {
		const store = new TokenStore(new MemoryKV());
		store.save({ userId: 'u', username: 'admin', displayName: 'admin', admin: true, accessToken: 'tok', refreshToken: 'r', expiresAt: Date.now() + 3_600_000 });
		store.setCurrent('u');
		return new Api(store);
	}

	it('reads the stream with the bearer token until done', async () => {
		const enc = new TextEncoder();
		const chunks = [
			`event: progress\ndata: ${JSON.stringify({ ...base, probed: 1 })}\n\n`,
			`event: progress\ndata: ${JSON.stringify({ ...base, probed: 5 }).slice(0, 20)}`,
			`${JSON.stringify({ ...base, probed: 5 }).slice(20)}\n\nevent: done\ndata: ${JSON.stringify({ ...base, running: false, probed: 8 })}\n\n`,
		];
		let seen: RequestInit | undefined;
		let url = '';
		const fake: typeof fetch = async (input, init) => {
			url = String(input);
			seen = init;
			return new Response(new ReadableStream({ start: (c) => { chunks.forEach((s) => c.enqueue(enc.encode(s))); c.close(); } }), { status: 200 });
		};
		const got: [string, number][] = [];
		const last = await watchScan(api(), 'L 1', (s, ev) => got.push([ev, s.probed]), { fetch: fake });
		expect(url).toBe('/api/v1/libraries/L%201/scan/events');
		expect((seen?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
		expect(got).toEqual([['progress', 1], ['progress', 5], ['done', 8]]);
		expect(last?.running).toBe(false);
	});

	it('fails with the status of a refused stream', async () => {
		const fake: typeof fetch = async () => new Response('', { status: 404, statusText: 'Not Found' });
		await expect(watchScan(api(), 'L', () => {}, { fetch: fake })).rejects.toMatchObject({ status: 404 });
	});
});
