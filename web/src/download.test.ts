import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { Downloader, fetchWithProgress, formatBytes, overall, percent, type DownloadManifest, type FileProgress } from './download';

/** body answers chunks as a streamed body with the given headers. */
function body(chunks: Uint8Array[], headers: Record<string, string> = {}): Response {
	const stream = new ReadableStream<Uint8Array>({
		start(c) {
			for (const ch of chunks) c.enqueue(ch);
			c.close();
		},
	});
	return new Response(stream, { status: 200, headers });
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function manifest(...sizes: number[]): DownloadManifest {
	return {
		name: 'Season 1',
		totalSize: sizes.reduce((a, b) => a + b, 0),
		items: sizes.map((size, i) => ({
			itemId: `e${i + 1}`,
			title: `Episode ${i + 1}`,
			fileName: `Show S01E0${i + 1}.mkv`,
			quality: 'original',
			size,
			estimated: false,
			url: `/api/v1/items/e${i + 1}/download?token=t${i + 1}`,
		})),
	};
}

describe('fetchWithProgress', () => {
	it('reports bytes against Content-Length and returns the whole body', async () => {
		const seen: [number, number, boolean][] = [];
		const fetchFn = async () => body([bytes(3, 1), bytes(5, 2)], { 'Content-Length': '8', 'Content-Type': 'video/x-matroska' });
		const b = await fetchWithProgress(fetchFn as typeof fetch, '/x', new AbortController().signal, (l, t, e) => seen.push([l, t, e]));
		expect(seen).toEqual([
			[0, 8, false],
			[3, 8, false],
			[8, 8, false],
		]);
		expect(b.size).toBe(8);
		expect(b.type).toBe('video/x-matroska');
		expect([...new Uint8Array(await b.arrayBuffer())]).toEqual([1, 1, 1, 2, 2, 2, 2, 2]);
	});

	it("uses the server's estimate when the length is unknown", async () => {
		const seen: [number, number, boolean][] = [];
		const fetchFn = async () => body([bytes(4, 0)], { 'Walros-Estimated-Length': '10' });
		await fetchWithProgress(fetchFn as typeof fetch, '/x', new AbortController().signal, (l, t, e) => seen.push([l, t, e]));
		expect(seen.at(-1)).toEqual([4, 10, true]);
	});

	it('throws the problem of an error answer', async () => {
		const fetchFn = async () =>
			new Response(JSON.stringify({ title: 'Too Many Requests', detail: 'busy; retry later', status: 429 }), { status: 429 });
		const err = await fetchWithProgress(fetchFn as typeof fetch, '/x', new AbortController().signal, () => {}).catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err.status).toBe(429);
		expect(err.detail).toBe('busy; retry later');
	});
});

describe('Downloader', () => {
	it('saves each file in turn, with its name, and reports progress', async () => {
		const saved: [string, number][] = [];
		const asked: string[] = [];
		const updates: FileProgress[][] = [];
		const d = new Downloader(manifest(6, 2), {
			fetch: (async (url: string) => {
				asked.push(url);
				return url.includes('e1') ? body([bytes(2, 0), bytes(4, 0)], { 'Content-Length': '6' }) : body([bytes(2, 0)], { 'Content-Length': '2' });
			}) as typeof fetch,
			save: (b, name) => saved.push([name, b.size]),
			onChange: (f) => updates.push(f),
		});
		await d.run();
		expect(asked).toEqual(['/api/v1/items/e1/download?token=t1', '/api/v1/items/e2/download?token=t2']);
		expect(saved).toEqual([
			['Show S01E01.mkv', 6],
			['Show S01E02.mkv', 2],
		]);
		// Mid-way through the first file: 2 of 6 bytes, the second waiting.
		const mid = updates.find((u) => u[0].loaded === 2 && u[0].state === 'downloading');
		expect(mid?.[1].state).toBe('waiting');
		expect(percent(mid![0])).toBe(33);
		expect(overall(mid!).percent).toBe(25);
		const last = updates.at(-1)!;
		expect(last.map((f) => f.state)).toEqual(['saved', 'saved']);
		expect(overall(last)).toEqual({ loaded: 8, total: 8, estimated: false, percent: 100 });
	});

	it('goes on after a failed file', async () => {
		const saved: string[] = [];
		const d = new Downloader(manifest(1, 1), {
			fetch: (async (url: string) =>
				url.includes('e1') ? new Response('', { status: 404, statusText: 'Not Found' }) : body([bytes(1, 0)])) as typeof fetch,
			save: (_, name) => saved.push(name),
		});
		await d.run();
		expect(d.files.map((f) => f.state)).toEqual(['failed', 'saved']);
		expect(d.files[0].error).toBe('Not Found');
		expect(saved).toEqual(['Show S01E02.mkv']);
	});

	it('cancels the file being fetched and skips the rest', async () => {
		const saved: string[] = [];
		let started!: () => void;
		const reading = new Promise<void>((r) => (started = r));
		const d = new Downloader(manifest(10, 10), {
			fetch: (async (_url: string, init?: RequestInit) => {
				const stream = new ReadableStream<Uint8Array>({
					start(c) {
						c.enqueue(bytes(3, 0));
					},
					pull() {
						started();
						return new Promise((_, reject) =>
							init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
						);
					},
				});
				return new Response(stream, { headers: { 'Content-Length': '10' } });
			}) as typeof fetch,
			save: (_, name) => saved.push(name),
		});
		const done = d.run();
		await reading;
		d.cancel();
		await done;
		expect(d.cancelled).toBe(true);
		expect(d.files.map((f) => f.state)).toEqual(['cancelled', 'cancelled']);
		expect(saved).toEqual([]);
	});

	it('hands files too large for memory to the browser', async () => {
		const handed: [string, string][] = [];
		const d = new Downloader(manifest(5000, 10), {
			fetch: (async () => body([bytes(10, 0)])) as typeof fetch,
			save: () => {},
			handOff: (url, name) => handed.push([url, name]),
			maxBlobBytes: 1000,
		});
		await d.run();
		expect(handed).toEqual([['/api/v1/items/e1/download?token=t1', 'Show S01E01.mkv']]);
		expect(d.files.map((f) => f.state)).toEqual(['handed-off', 'saved']);
	});
});

describe('percent and formatBytes', () => {
	it('never shows an estimate as done before the end', () => {
		expect(percent({ loaded: 120, total: 100, estimated: true, state: 'downloading' })).toBe(99);
		expect(percent({ loaded: 120, total: 100, estimated: true, state: 'saved' })).toBe(100);
		expect(percent({ loaded: 50, total: 200, estimated: false, state: 'downloading' })).toBe(25);
		expect(percent({ loaded: 50, total: 0, estimated: true, state: 'downloading' })).toBe(0);
	});

	it('writes sizes for people', () => {
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(1536)).toBe('1.5 KB');
		expect(formatBytes(12.34 * 1024 * 1024)).toBe('12.3 MB');
		expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.20 GB');
		expect(formatBytes(150 * 1024 * 1024)).toBe('150 MB');
	});
});
