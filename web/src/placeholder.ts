// BlurHash placeholders for the poster grids. A card shows its hash's average colour at once (four
// characters of the hash: nothing to decode), and the blurred picture as soon as the browser is
// idle: decoding a hash and encoding it as a PNG costs a fraction of a millisecond, too much to do
// for each of the dozens of cards a fast scroll mounts in one frame. Decoded pictures are kept per
// hash (a 32 × 48 PNG data URL, about a kilobyte), so a card scrolled back into view, or the same
// poster in another row, costs a map lookup.
import { decode, decode83 } from './blurhash';

/** The size hashes are drawn at; CSS scales the picture up (smoothly: it is a blur anyway). */
export const placeholderWidth = 32;
export const placeholderHeight = 48;

/** averageColor is the colour a hash's DC component encodes, as CSS; '' for a malformed hash. */
export function averageColor(hash: string): string {
	if (hash.length < 6) return '';
	try {
		const dc = decode83(hash.slice(2, 6));
		return `rgb(${dc >> 16}, ${(dc >> 8) & 255}, ${dc & 255})`;
	} catch {
		return '';
	}
}

/** Scheduler runs work when the page is idle; timeRemaining says how long it may keep going. */
export type Scheduler = (work: (timeRemaining: () => number) => void) => void;

interface Job {
	hash: string;
	wanted: () => boolean;
	done: () => void;
}

/** PlaceholderCache decodes hashes off the scroll frames and keeps the results, the most recently
 * used max of them. */
export class PlaceholderCache {
	private readonly urls = new Map<string, string>();
	private queue: Job[] = [];
	private scheduled = false;

	constructor(
		private readonly render: (hash: string) => string,
		private readonly schedule: Scheduler,
		private readonly max = 2000,
	) {}

	/** get returns the decoded picture of hash ('' when it cannot be drawn), or undefined when it
	 * has not been decoded yet. */
	get(hash: string): string | undefined {
		const url = this.urls.get(hash);
		if (url !== undefined) {
			this.urls.delete(hash); // Map keeps insertion order: move it to the recent end
			this.urls.set(hash, url);
		}
		return url;
	}

	/** request decodes hash when the page is idle, then calls done, unless wanted says by then
	 * that nobody is waiting for it (the card left the screen, or its poster arrived first). */
	request(hash: string, wanted: () => boolean, done: () => void): void {
		this.queue.push({ hash, wanted, done });
		if (!this.scheduled) {
			this.scheduled = true;
			this.schedule((left) => this.run(left));
		}
	}

	/** pending is how many requests wait, for tests. */
	get pending(): number {
		return this.queue.length;
	}

	private run(timeRemaining: () => number): void {
		this.scheduled = false;
		let i = 0;
		// Newest first: on a fast scroll the cards asked last are the ones on the screen.
		this.queue.reverse();
		for (; i < this.queue.length; i++) {
			const job = this.queue[i];
			if (!job.wanted()) continue;
			if (!this.urls.has(job.hash)) {
				if (i > 0 && timeRemaining() < 2) break; // at least one per turn, then within the budget
				this.keep(job.hash, this.render(job.hash));
			}
			job.done();
		}
		this.queue = this.queue.slice(i).reverse();
		if (this.queue.length > 0 && !this.scheduled) {
			this.scheduled = true;
			this.schedule((left) => this.run(left));
		}
	}

	private keep(hash: string, url: string): void {
		this.urls.set(hash, url);
		if (this.urls.size > this.max) {
			const oldest = this.urls.keys().next().value;
			if (oldest !== undefined) this.urls.delete(oldest);
		}
	}
}

/** drawHash draws hash as a small PNG data URL; '' when the hash is bad or there is no canvas. */
export function drawHash(hash: string): string {
	try {
		const canvas = document.createElement('canvas');
		canvas.width = placeholderWidth;
		canvas.height = placeholderHeight;
		const ctx = canvas.getContext('2d');
		if (!ctx) return '';
		const img = ctx.createImageData(placeholderWidth, placeholderHeight);
		img.data.set(decode(hash, placeholderWidth, placeholderHeight));
		ctx.putImageData(img, 0, 0);
		return canvas.toDataURL('image/png');
	} catch {
		return ''; // a bad hash draws nothing; the poster still loads
	}
}

/** idle is the browser's Scheduler: requestIdleCallback where there is one (not Safari). */
export const idle: Scheduler = (work) => {
	if (typeof requestIdleCallback === 'function') {
		requestIdleCallback((d) => work(() => d.timeRemaining()), { timeout: 200 });
	} else {
		setTimeout(() => {
			const end = performance.now() + 4;
			work(() => end - performance.now());
		}, 16);
	}
};

/** placeholders is the client's one cache. */
export const placeholders = new PlaceholderCache(drawHash, idle);
