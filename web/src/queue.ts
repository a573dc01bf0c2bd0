// queue.ts is the music player's play queue, as values: every change returns a new Queue, so
// the mini-player can keep one in state and the rules stay testable without a browser.

/** Repeat is off, the whole queue, or the current track. */
export type Repeat = 'off' | 'all' | 'one';

export interface Queue<T> {
	readonly items: readonly T[];
	/** order is the play order, indices into items: 0..n-1, or a shuffle of them. */
	readonly order: readonly number[];
	/** pos is where in order the current track is. */
	readonly pos: number;
	readonly shuffle: boolean;
	readonly repeat: Repeat;
}

/** restartAfter is how far into a track (seconds) "previous" restarts it rather than going back. */
export const restartAfter = 3;

/** queueOf makes a queue of items, at items[start]. */
export function queueOf<T>(items: readonly T[], start = 0): Queue<T> {
	if (items.length === 0) throw new Error('an empty queue has nothing to play');
	if (start < 0 || start >= items.length) throw new Error(`start ${start} is outside the queue of ${items.length}`);
	return { items, order: items.map((_, i) => i), pos: start, shuffle: false, repeat: 'off' };
}

/** current is the track being played. */
export function current<T>(q: Queue<T>): T {
	return q.items[q.order[q.pos]];
}

/** upcoming are the tracks after the current one, in play order. */
export function upcoming<T>(q: Queue<T>): T[] {
	return q.order.slice(q.pos + 1).map((i) => q.items[i]);
}

/** next is the queue after a track ends (ended) or the Next button; null when playback stops:
 * the end of the queue without repeat. Repeat one replays the track when it ends, but Next still
 * moves on. */
export function next<T>(q: Queue<T>, ended: boolean): Queue<T> | null {
	if (ended && q.repeat === 'one') return q;
	if (q.pos + 1 < q.order.length) return { ...q, pos: q.pos + 1 };
	if (q.repeat === 'off') return null;
	return { ...q, pos: 0 };
}

/** previous is the queue after the Previous button at position seconds into the track: restart
 * (same queue, restart true) after the first seconds, else the track before (the last one with
 * repeat all; the first one restarts). */
export function previous<T>(q: Queue<T>, position: number): { queue: Queue<T>; restart: boolean } {
	if (position > restartAfter) return { queue: q, restart: true };
	if (q.pos > 0) return { queue: { ...q, pos: q.pos - 1 }, restart: false };
	if (q.repeat === 'all') return { queue: { ...q, pos: q.order.length - 1 }, restart: false };
	return { queue: q, restart: true };
}

/** jump plays items[index] next, keeping the order. */
export function jump<T>(q: Queue<T>, index: number): Queue<T> {
	const pos = q.order.indexOf(index);
	if (pos < 0) throw new Error(`no track ${index} in the queue`);
	return { ...q, pos };
}

/** setShuffle turns shuffle on (the current track first, the others in random order) or off (the
 * items' own order, still at the current track). random is Math.random by default. */
export function setShuffle<T>(q: Queue<T>, on: boolean, random: () => number = Math.random): Queue<T> {
	const cur = q.order[q.pos];
	if (!on) return { ...q, shuffle: false, order: q.items.map((_, i) => i), pos: cur };
	const rest = q.items.map((_, i) => i).filter((i) => i !== cur);
	for (let i = rest.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[rest[i], rest[j]] = [rest[j], rest[i]];
	}
	return { ...q, shuffle: true, order: [cur, ...rest], pos: 0 };
}

/** cycleRepeat goes off → all → one → off, as the Repeat button does. */
export function cycleRepeat<T>(q: Queue<T>): Queue<T> {
	const after: Record<Repeat, Repeat> = { off: 'all', all: 'one', one: 'off' };
	return { ...q, repeat: after[q.repeat] };
}
