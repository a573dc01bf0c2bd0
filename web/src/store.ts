// TokenStore keeps the signed-in users of this browser in localStorage: for each server user, the
// tokens of their session, so that a remembered user is switched to without a password for as
// long as their refresh token is valid. Signing out forgets the tokens but keeps the name, which
// the sign-in page offers again.

// Account is one remembered user and their session's tokens (empty once signed out).
export interface Account {
	userId: string;
	username: string;
	displayName: string;
	admin: boolean;
	accessToken: string;
	refreshToken: string;
	/** noDownloads: an admin turned the user's downloads off (as of the last sign-in or refresh). */
	noDownloads?: boolean;
	/** imageToken opens images only and changes twice a day (absent from older servers). */
	imageToken?: string;
	/** When the access token expires, in ms since the epoch. */
	expiresAt: number;
}

/** KV is the part of the Storage interface the store uses; tests pass a Map-backed one. */
export interface KV {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

const accountsKey = 'walros.accounts';
const currentKey = 'walros.current';
const deviceKey = 'walros.device';

export class TokenStore {
	constructor(private readonly kv: KV) {}

	/** accounts lists the remembered users, the most recently used first. */
	accounts(): Account[] {
		const raw = this.kv.getItem(accountsKey);
		if (!raw) return [];
		try {
			const list = JSON.parse(raw);
			return Array.isArray(list) ? list.filter(isAccount) : [];
		} catch {
			return []; // a corrupt entry must not lock the user out: start again
		}
	}

	get(userId: string): Account | undefined {
		return this.accounts().find((a) => a.userId === userId);
	}

	/** save adds or replaces the account, and puts it first. */
	save(a: Account): void {
		const rest = this.accounts().filter((x) => x.userId !== a.userId);
		this.kv.setItem(accountsKey, JSON.stringify([a, ...rest]));
	}

	/** signOut forgets the user's tokens but remembers their name. */
	signOut(userId: string): void {
		const a = this.get(userId);
		if (!a) return;
		const list = this.accounts().map((x) => (x.userId === userId ? { ...x, accessToken: '', refreshToken: '', imageToken: undefined, expiresAt: 0 } : x));
		this.kv.setItem(accountsKey, JSON.stringify(list));
		if (this.kv.getItem(currentKey) === userId) this.kv.removeItem(currentKey);
	}

	/** forget removes the user from this browser altogether. */
	forget(userId: string): void {
		this.kv.setItem(accountsKey, JSON.stringify(this.accounts().filter((x) => x.userId !== userId)));
		if (this.kv.getItem(currentKey) === userId) this.kv.removeItem(currentKey);
	}

	/** current is the user this browser acts as, when they are signed in. */
	current(): Account | undefined {
		const id = this.kv.getItem(currentKey);
		const a = id ? this.get(id) : undefined;
		return a && a.refreshToken ? a : undefined;
	}

	setCurrent(userId: string | null): void {
		if (userId) this.kv.setItem(currentKey, userId);
		else this.kv.removeItem(currentKey);
	}

	/** deviceId is a random id of this browser, sent at login so the server recognises the device. */
	deviceId(random: () => string = randomId): string {
		let id = this.kv.getItem(deviceKey);
		if (!id) {
			id = random();
			this.kv.setItem(deviceKey, id);
		}
		return id;
	}
}

/** signedIn tells whether the account still holds a session. */
export function signedIn(a: Account | undefined): a is Account {
	return !!a && a.refreshToken !== '';
}

function isAccount(x: unknown): x is Account {
	const a = x as Account;
	return !!a && typeof a.userId === 'string' && typeof a.username === 'string' && typeof a.accessToken === 'string' &&
		typeof a.refreshToken === 'string' && typeof a.expiresAt === 'number' && (a.imageToken === undefined || typeof a.imageToken === 'string');
}

function randomId(): string {
	const b = new Uint8Array(16);
	crypto.getRandomValues(b);
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** MemoryKV is a KV in memory, for tests and for browsers that refuse localStorage. */
export class MemoryKV implements KV {
	private m = new Map<string, string>();
	getItem(k: string) {
		return this.m.has(k) ? this.m.get(k)! : null;
	}
	setItem(k: string, v: string) {
		this.m.set(k, v);
	}
	removeItem(k: string) {
		this.m.delete(k);
	}
}
