// queuestore.ts keeps the music queue of each user of this browser in localStorage, so that a
// reload (or a new tab) finds the bar as it was: the tracks, the play order, the current one and
// the position in it, shuffle and repeat. The tracks are saved with the few fields the bar shows,
// so restoring asks the server nothing but whether the current track still exists.

import { ApiError } from './api';
import type { Queue, Repeat } from './queue';
import type { KV } from './store';
import type { Item } from './types';

/** maxSaved is the most tracks saved: a bigger queue is not kept (localStorage holds ~5 MB). */
export const maxSaved = 5000;

/** Saved is the stored shape; v changes when it does, and an older one is dropped. */
interface Saved {
	v: 1;
	tracks: Item[];
	order: number[];
	pos: number;
	shuffle: boolean;
	repeat: Repeat;
	/** position is where in the current track, in seconds. */
	position: number;
}

/** Restored is a saved queue and where in its current track to start. */
export interface Restored {
	queue: Queue<Item>;
	position: number;
}

const repeats: Repeat[] = ['off', 'all', 'one'];

/** queueKey is the localStorage key of a user's queue. */
export function queueKey(userId: string): string {
	return `walros.queue.${userId}`;
}

/** slim keeps the fields of a track that the bar and the queue use. */
function slim(t: Item): Item {
	return {
		id: t.id,
		type: t.type,
		title: t.title,
		year: t.year ?? null,
		libraryId: t.libraryId,
		parentId: t.parentId ?? null,
		indexNumber: t.indexNumber ?? null,
		parentIndexNumber: t.parentIndexNumber ?? null,
		runtimeMs: t.runtimeMs,
	};
}

/** saveQueue stores the user's queue at position seconds into its current track; no queue (the
 * bar closed) or one too big to keep removes what was stored. */
export function saveQueue(kv: KV, userId: string, q: Queue<Item> | undefined, position: number): void {
	const key = queueKey(userId);
	if (!q || q.items.length > maxSaved) {
		kv.removeItem(key);
		return;
	}
	const s: Saved = {
		v: 1,
		tracks: q.items.map(slim),
		order: [...q.order],
		pos: q.pos,
		shuffle: q.shuffle,
		repeat: q.repeat,
		position: Number.isFinite(position) && position > 0 ? Math.round(position * 10) / 10 : 0,
	};
	try {
		kv.setItem(key, JSON.stringify(s));
	} catch {
		kv.removeItem(key); // over the quota: better no queue than a stale one
	}
}

/** loadQueue reads the user's queue back. Anything that is not a queue this version saved (hand
 * edits, an older shape, a truncated write) is removed and reads as none. */
export function loadQueue(kv: KV, userId: string): Restored | undefined {
	const key = queueKey(userId);
	const raw = kv.getItem(key);
	if (!raw) return undefined;
	let s: unknown;
	try {
		s = JSON.parse(raw);
	} catch {
		s = undefined;
	}
	if (!isSaved(s)) {
		kv.removeItem(key);
		return undefined;
	}
	return { queue: { items: s.tracks, order: s.order, pos: s.pos, shuffle: s.shuffle, repeat: s.repeat }, position: s.position };
}

/** forgetQueue removes the user's queue (its current track is gone from the server). */
export function forgetQueue(kv: KV, userId: string): void {
	kv.removeItem(queueKey(userId));
}

/** stillThere tells whether a restored track is still the user's to play: false when the server
 * answers 404 (deleted, or out of their reach now); true on any other error (offline, a server
 * restarting), where dropping the queue would lose it for nothing. */
export async function stillThere(get: (path: string) => Promise<unknown>, id: string): Promise<boolean> {
	try {
		await get(`/items/${encodeURIComponent(id)}`);
		return true;
	} catch (e) {
		return !(e instanceof ApiError && e.status === 404);
	}
}

function isTrack(x: unknown): x is Item {
	const t = x as Item;
	return !!t && typeof t === 'object' && typeof t.id === 'string' && t.id !== '' && typeof t.title === 'string' &&
		t.type === 'track' && (t.parentId === null || typeof t.parentId === 'string');
}

function isSaved(x: unknown): x is Saved {
	const s = x as Saved;
	if (!s || typeof s !== 'object' || s.v !== 1) return false;
	if (!Array.isArray(s.tracks) || s.tracks.length === 0 || s.tracks.length > maxSaved || !s.tracks.every(isTrack)) return false;
	const n = s.tracks.length;
	// order must be a permutation of the tracks' indices.
	if (!Array.isArray(s.order) || s.order.length !== n) return false;
	const seen = new Set<number>();
	for (const i of s.order) {
		if (!Number.isInteger(i) || i < 0 || i >= n || seen.has(i)) return false;
		seen.add(i);
	}
	return Number.isInteger(s.pos) && s.pos >= 0 && s.pos < n && typeof s.shuffle === 'boolean' && repeats.includes(s.repeat) &&
		typeof s.position === 'number' && Number.isFinite(s.position) && s.position >= 0;
}
