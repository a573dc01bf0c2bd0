// Downloads for offline use. The server lists what to save (GET /items/{id}/downloads or
// /playlists/{id}/downloads: each file's name, size and a URL carrying a media token); the
// Downloader fetches the files one at a time, reading each body as a stream to show bytes and
// percent, and saves it through a Blob and an <a download>. Files too large to hold in memory are
// handed to the browser's own downloads instead (the URL needs no header), which show their
// progress and can resume originals with ranges.
import { ApiError } from './api';

/** DownloadEntry is one file of a download manifest. */
export interface DownloadEntry {
	itemId: string;
	title: string;
	fileName: string;
	/** 'original', or the quality a transcode was mapped onto ('720p'). */
	quality: string;
	/** Bytes; an estimate when estimated (a transcode's length is known only at its end). */
	size: number;
	estimated: boolean;
	url: string;
}

export interface DownloadManifest {
	name: string;
	items: DownloadEntry[];
	totalSize: number;
}

/** qualities are what the quality picker offers, original first. */
export const qualities = ['original', '1080p', '720p', '480p', '360p', '240p'] as const;

/** maxBlobBytes is the largest file read into memory; larger ones go to the browser's downloads. */
export const maxBlobBytes = 1 << 30;

export type FileState = 'waiting' | 'downloading' | 'saved' | 'handed-off' | 'failed' | 'cancelled';

export interface FileProgress {
	entry: DownloadEntry;
	state: FileState;
	loaded: number;
	/** The length: Content-Length, else the estimate (server header or manifest); 0 when unknown. */
	total: number;
	estimated: boolean;
	error?: string;
}

export interface DownloaderOptions {
	fetch?: typeof fetch;
	/** save hands a finished file to the person: a Blob URL clicked as <a download> by default. */
	save?: (blob: Blob, name: string) => void;
	/** handOff starts a browser download of url: a navigation by <a download> by default. */
	handOff?: (url: string, name: string) => void;
	maxBlobBytes?: number;
	/** onChange is called after every change of the files' progress. */
	onChange?: (files: FileProgress[]) => void;
}

/** Downloader saves the files of a manifest one at a time; cancel stops it. */
export class Downloader {
	readonly files: FileProgress[];
	private readonly ctl = new AbortController();
	private readonly fetchFn: typeof fetch;
	private readonly save: (blob: Blob, name: string) => void;
	private readonly handOff: (url: string, name: string) => void;
	private readonly maxBlob: number;
	private readonly onChange: (files: FileProgress[]) => void;

	constructor(
		manifest: DownloadManifest,
		opts: DownloaderOptions = {},
	) {
		this.files = manifest.items.map((entry) => ({ entry, state: 'waiting', loaded: 0, total: entry.size, estimated: entry.estimated }));
		this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
		this.save = opts.save ?? saveBlob;
		this.handOff = opts.handOff ?? navigateDownload;
		this.maxBlob = opts.maxBlobBytes ?? maxBlobBytes;
		this.onChange = opts.onChange ?? (() => {});
	}

	/** run downloads every file in turn; a failed file does not stop the others. */
	async run(): Promise<void> {
		for (const f of this.files) {
			if (this.ctl.signal.aborted) {
				f.state = 'cancelled';
				continue;
			}
			await this.one(f);
			this.changed();
		}
	}

	/** cancel aborts the file being fetched and skips the rest. */
	cancel(): void {
		this.ctl.abort();
	}

	get cancelled(): boolean {
		return this.ctl.signal.aborted;
	}

	private changed() {
		this.onChange(this.files.map((f) => ({ ...f })));
	}

	private async one(f: FileProgress): Promise<void> {
		if (f.entry.size > this.maxBlob) {
			this.handOff(f.entry.url, f.entry.fileName);
			f.state = 'handed-off';
			return;
		}
		f.state = 'downloading';
		this.changed();
		try {
			const blob = await fetchWithProgress(this.fetchFn, f.entry.url, this.ctl.signal, (loaded, total, estimated) => {
				f.loaded = loaded;
				if (total > 0) {
					f.total = total;
					f.estimated = estimated;
				}
				this.changed();
			});
			f.loaded = f.total = blob.size;
			f.estimated = false;
			this.save(blob, f.entry.fileName);
			f.state = 'saved';
		} catch (e) {
			if (this.ctl.signal.aborted) {
				f.state = 'cancelled';
				return;
			}
			f.state = 'failed';
			f.error = e instanceof Error ? e.message : String(e);
		}
	}
}

/** fetchWithProgress fetches url and reads its body chunk by chunk, calling onProgress with the
 * bytes read and the length (Content-Length, else the server's Walros-Estimated-Length, 0 when
 * neither), and returns the body as a Blob. A non-2xx answer throws an ApiError. */
export async function fetchWithProgress(
	fetchFn: typeof fetch,
	url: string,
	signal: AbortSignal,
	onProgress: (loaded: number, total: number, estimated: boolean) => void,
): Promise<Blob> {
	const resp = await fetchFn(url, { signal });
	if (!resp.ok) {
		let title = resp.statusText || `HTTP ${resp.status}`;
		let detail = '';
		try {
			const p = await resp.json();
			if (p && typeof p.title === 'string') title = p.title;
			if (p && typeof p.detail === 'string') detail = p.detail;
		} catch {
			// Not a problem document.
		}
		throw new ApiError(resp.status, title, detail);
	}
	const exact = Number(resp.headers.get('Content-Length') || 0);
	const guess = Number(resp.headers.get('Walros-Estimated-Length') || 0);
	const total = exact > 0 ? exact : guess > 0 ? guess : 0;
	const estimated = !(exact > 0);
	const type = resp.headers.get('Content-Type') || 'application/octet-stream';
	if (!resp.body) {
		const b = await resp.blob();
		onProgress(b.size, b.size, false);
		return b;
	}
	const reader = resp.body.getReader();
	const chunks: Uint8Array[] = [];
	let loaded = 0;
	onProgress(0, total, estimated);
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		loaded += value.byteLength;
		onProgress(loaded, total, estimated);
	}
	return new Blob(chunks as BlobPart[], { type });
}

/** percent is how much of a file has come, 0 to 100; an estimate never shows 100 before the end. */
export function percent(f: Pick<FileProgress, 'loaded' | 'total' | 'estimated' | 'state'>): number {
	if (f.state === 'saved') return 100;
	if (f.total <= 0) return 0;
	const p = Math.floor((f.loaded / f.total) * 100);
	return Math.min(f.estimated ? 99 : 100, p);
}

/** overall sums the progress of a batch: bytes, the total (estimated when any part is), percent. */
export function overall(files: FileProgress[]): { loaded: number; total: number; estimated: boolean; percent: number } {
	let loaded = 0;
	let total = 0;
	let estimated = false;
	for (const f of files) {
		if (f.state === 'handed-off' || f.state === 'failed') continue;
		loaded += f.state === 'saved' ? f.total : f.loaded;
		total += f.total;
		estimated ||= f.estimated && f.state !== 'saved';
	}
	const done = files.length > 0 && files.every((f) => f.state === 'saved' || f.state === 'handed-off' || f.state === 'failed');
	const pct = done ? 100 : total > 0 ? Math.min(99, Math.floor((loaded / total) * 100)) : 0;
	return { loaded, total, estimated, percent: pct };
}

/** formatBytes writes a size for people: 512 B, 1.5 KB, 12.3 MB, 1.20 GB (powers of 1024). */
export function formatBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let v = n / 1024;
	let i = 0;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	const digits = v >= 100 ? 0 : v >= 10 || i < 2 ? 1 : 2;
	return `${v.toFixed(digits)} ${units[i]}`;
}

/** saveBlob saves blob as a file named name through an <a download> on a Blob URL. */
export function saveBlob(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	navigateDownload(url, name);
	// The click has started the download; the URL may go once the browser has read it.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** navigateDownload starts a browser download of url by clicking an <a download>. */
export function navigateDownload(url: string, name: string): void {
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	a.style.display = 'none';
	document.body.appendChild(a);
	a.click();
	a.remove();
}
