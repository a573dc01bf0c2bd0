import type { Item, LibraryType } from './types';

/** clock formats milliseconds as h:mm:ss or m:ss. */
export function clock(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** topTypes are the item types a library's grid shows: its top-level items. */
export function topTypes(t: LibraryType): string {
	switch (t) {
		case 'movies':
			return 'movie';
		case 'shows':
			return 'series';
		case 'music':
			return 'album';
		default:
			return 'movie,series,video';
	}
}

/** playable tells whether an item has media of its own. */
export function playable(it: Pick<Item, 'type'>): boolean {
	return it.type === 'movie' || it.type === 'episode' || it.type === 'video';
}

/** subtitle is the line under a card's title: the year, or S1 · E2 for an episode. */
export function subtitle(it: Item): string {
	if (it.type === 'episode' && it.indexNumber != null) {
		return `S${it.parentIndexNumber ?? '?'} · E${it.indexNumber}`;
	}
	if (it.type === 'season') return it.indexNumber === 0 ? 'Specials' : '';
	return it.year ? String(it.year) : '';
}
