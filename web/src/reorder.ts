// Playlist reordering: the API moves an entry after another one (POST .../move {after}), 0 for
// the first place; the page thinks in positions.

/** afterFor is the entry id to move entries[from] after so that it lands at position to. */
export function afterFor(entries: number[], from: number, to: number): number {
	if (from < 0 || from >= entries.length || to < 0 || to >= entries.length) throw new Error(`afterFor: ${from} → ${to} outside 0..${entries.length - 1}`);
	if (to === 0) return 0;
	// Moving up, the entry goes after the one now just above the target; moving down, after the
	// one now at the target (which shifts up once the moved entry leaves).
	return to < from ? entries[to - 1] : entries[to];
}

/** moved is entries with entries[from] moved to position to, as the server will order them. */
export function moved<T>(entries: T[], from: number, to: number): T[] {
	const out = entries.slice();
	const [x] = out.splice(from, 1);
	out.splice(to, 0, x);
	return out;
}
