// share.ts works out who a playlist can be shared with, for the share form.

/** Person is someone a playlist can be shared with. */
export interface Person {
	id: string;
	name: string;
}

/** Sharee is one checkbox of the share form. */
export interface Sharee extends Person {
	shared: boolean;
}

/** sharees lists the people the owner can share with (everyone known but the owner), by name,
 * each marked when the playlist is shared with them. Someone it is already shared with who is not
 * among the known people (a hidden user an admin shared with) stays listed, so saving does not
 * silently unshare them. */
export function sharees(people: Person[], ownerId: string, sharedWith: string[]): Sharee[] {
	const shared = new Set(sharedWith);
	const out = new Map<string, Sharee>();
	for (const p of people) {
		if (p.id !== ownerId) out.set(p.id, { ...p, shared: shared.has(p.id) });
	}
	for (const id of sharedWith) {
		if (!out.has(id) && id !== ownerId) out.set(id, { id, name: 'A hidden user', shared: true });
	}
	return [...out.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
