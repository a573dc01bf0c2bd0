// Routes live in the URL's hash (#/item/ID), so the same embedded files serve the client at /
// and at /web/ with no server-side knowledge of the client's routes.

export type Route =
	| { name: 'home' }
	| { name: 'library'; id: string }
	| { name: 'item'; id: string }
	| { name: 'play'; id: string; playlist?: string }
	| { name: 'signin'; add: boolean }
	| { name: 'admin'; section: AdminSection; id?: string }
	| { name: 'person' | 'collection' | 'playlist' | 'list'; id: string }
	| { name: 'playlists' | 'things' | 'stats' | 'settings' | 'switch' }
	| { name: 'notfound'; path: string };

/** adminSections are the admin pages; 'item' is an item's metadata editor (#/admin/item/ID). */
export const adminSections = ['libraries', 'users', 'keys', 'sessions', 'server', 'item'] as const;
export type AdminSection = (typeof adminSections)[number];

/** parse reads a route from location.hash. */
export function parse(hash: string): Route {
	const [pathPart, query = ''] = hash.replace(/^#/, '').split('?');
	const path = pathPart || '/';
	const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
	if (parts.length === 0) return { name: 'home' };
	const [head, id] = parts;
	if (parts.length === 2 && head === 'play' && id) {
		// #/play/ID?playlist=PL plays a playlist from ID on.
		const playlist = new URLSearchParams(query).get('playlist');
		return playlist ? { name: 'play', id, playlist } : { name: 'play', id };
	}
	if (parts.length === 2 && (head === 'library' || head === 'item') && id) return { name: head, id };
	if (head === 'signin' && parts.length <= 2) return { name: 'signin', add: parts[1] === 'add' };
	if (head === 'admin') {
		const section = (parts[1] ?? 'libraries') as AdminSection;
		if (section === 'item' && parts.length === 3) return { name: 'admin', section, id: parts[2] };
		if (section !== 'item' && parts.length <= 2 && adminSections.includes(section)) return { name: 'admin', section };
	}
	if (parts.length === 2 && (head === 'person' || head === 'collection' || head === 'playlist' || head === 'list') && id) return { name: head, id };
	if (parts.length === 1 && (head === 'playlists' || head === 'things' || head === 'stats' || head === 'settings' || head === 'switch')) return { name: head };
	return { name: 'notfound', path };
}

/** href is the link to a route. */
export function href(r: Route): string {
	switch (r.name) {
		case 'home':
			return '#/';
		case 'play':
			return `#/play/${encodeURIComponent(r.id)}` + (r.playlist ? `?playlist=${encodeURIComponent(r.playlist)}` : '');
		case 'library':
		case 'item':
		case 'person':
		case 'collection':
		case 'playlist':
		case 'list':
			return `#/${r.name}/${encodeURIComponent(r.id)}`;
		case 'playlists':
		case 'things':
		case 'stats':
		case 'settings':
		case 'switch':
			return `#/${r.name}`;
		case 'signin':
			return r.add ? '#/signin/add' : '#/signin';
		case 'admin':
			return r.id ? `#/admin/${r.section}/${encodeURIComponent(r.id)}` : `#/admin/${r.section}`;
		case 'notfound':
			return `#${r.path}`;
	}
}
