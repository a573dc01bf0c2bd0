// Api is the client of the native API (/api/v1): it signs in, keeps each user's tokens in the
// TokenStore, refreshes the access token before it expires (and once more on a 401), and builds
// media URLs that carry a token, for <img> and <video>.
import type { Account, TokenStore } from './store';
import type { TokenResponse } from './types';

/** ApiError is a non-2xx answer, with the problem document's title and detail (RFC 9457). */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly title: string,
		readonly detail = '',
	) {
		super(detail ? `${title}: ${detail}` : title);
	}
}

/** refreshMargin is how long before expiry the access token is renewed. */
export const refreshMargin = 60_000;

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiOptions {
	fetch?: typeof fetch;
	now?: () => number;
	base?: string;
	/** lock runs fn under a lock shared by the browser's tabs (Web Locks), so that two tabs never
	 * present one refresh token twice: the server ends a session whose old token comes back. */
	lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
	client?: string;
	deviceName?: string;
}

export class Api {
	private readonly fetchFn: typeof fetch;
	private readonly now: () => number;
	readonly base: string;
	private readonly lock: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
	private readonly inflight = new Map<string, Promise<Account>>();
	private readonly client: string;
	private readonly deviceName: string;
	/** onSignedOut is called when a user's session ended (refresh refused). */
	onSignedOut: (userId: string) => void = () => {};

	constructor(
		readonly store: TokenStore,
		opts: ApiOptions = {},
	) {
		this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
		this.now = opts.now ?? Date.now;
		this.base = opts.base ?? '/api/v1';
		this.lock = opts.lock ?? webLock;
		this.client = opts.client ?? 'Walros Web 0.1';
		this.deviceName = opts.deviceName ?? 'Web browser';
	}

	/** login signs a user in, remembers them and makes them the current user. */
	async login(username: string, password: string): Promise<Account> {
		const t = await this.send<TokenResponse>('POST', '/auth/login', {
			username,
			password,
			deviceId: this.store.deviceId(),
			deviceName: this.deviceName,
			client: this.client,
		});
		const a = this.account(t);
		this.store.save(a);
		this.store.setCurrent(a.userId);
		return a;
	}

	/** switchTo makes a remembered user current without a password, refreshing their tokens when
	 * needed; it throws (and forgets the tokens) when their session has ended. */
	async switchTo(userId: string): Promise<Account> {
		const a = this.store.get(userId);
		if (!a || !a.refreshToken) throw new ApiError(401, 'Signed out', 'Sign in again.');
		const fresh = a.expiresAt - this.now() > refreshMargin ? a : await this.refresh(userId);
		this.store.save(fresh);
		this.store.setCurrent(userId);
		return fresh;
	}

	/** switchUser signs another user in on this device (POST /auth/switch), with their PIN or
	 * password when they have one. The server ends the current user's session, so their tokens
	 * are forgotten here too. */
	async switchUser(userId: string, secret: { pin?: string; password?: string } = {}): Promise<Account> {
		const from = this.store.current();
		const t = await this.call<TokenResponse>('POST', '/auth/switch', { userId, ...secret });
		if (from) this.store.signOut(from.userId);
		const a = this.account(t);
		this.store.save(a);
		this.store.setCurrent(a.userId);
		return a;
	}

	/** signOut ends the current user's session on the server and forgets its tokens. */
	async signOut(): Promise<void> {
		const a = this.store.current();
		if (!a) return;
		try {
			await this.call('POST', '/auth/logout');
		} catch {
			// The tokens are forgotten anyway: a session we cannot end expires by itself.
		}
		this.store.signOut(a.userId);
	}

	/** refresh trades the user's refresh token for new tokens; concurrent callers share one call. */
	refresh(userId: string): Promise<Account> {
		let p = this.inflight.get(userId);
		if (!p) {
			p = this.lock(`walros-refresh-${userId}`, () => this.refreshLocked(userId)).finally(() => this.inflight.delete(userId));
			this.inflight.set(userId, p);
		}
		return p;
	}

	private async refreshLocked(userId: string): Promise<Account> {
		// Re-read under the lock: another tab may have refreshed while we waited.
		const a = this.store.get(userId);
		if (!a || !a.refreshToken) throw new ApiError(401, 'Signed out', 'Sign in again.');
		if (a.expiresAt - this.now() > refreshMargin) return a;
		let t: TokenResponse;
		try {
			t = await this.send<TokenResponse>('POST', '/auth/refresh', { refreshToken: a.refreshToken });
		} catch (e) {
			if (e instanceof ApiError && e.status === 401) {
				this.store.signOut(userId);
				this.onSignedOut(userId);
			}
			throw e;
		}
		const fresh = this.account(t);
		this.store.save(fresh);
		return fresh;
	}

	/** token returns a valid access token of the current user, refreshing it when it is about to expire. */
	async token(): Promise<string> {
		const a = this.store.current();
		if (!a) throw new ApiError(401, 'Signed out', 'Sign in first.');
		if (a.expiresAt - this.now() > refreshMargin) return a.accessToken;
		return (await this.refresh(a.userId)).accessToken;
	}

	/** call sends an authenticated request; a 401 refreshes the token and tries once more.
	 * keepalive lets the request outlive the page (a last progress report as the tab closes). */
	async call<T = unknown>(method: string, path: string, body?: unknown, query?: Query, keepalive = false): Promise<T> {
		const a = this.store.current();
		if (!a) throw new ApiError(401, 'Signed out', 'Sign in first.');
		const token = await this.token();
		try {
			return await this.send<T>(method, path, body, query, token, keepalive);
		} catch (e) {
			if (!(e instanceof ApiError) || e.status !== 401) throw e;
		}
		// The token was refused before its time (a restarted server with a new key, a clock
		// skew): expire it and refresh once.
		const cur = this.store.get(a.userId);
		if (cur) this.store.save({ ...cur, expiresAt: 0 });
		const fresh = await this.refresh(a.userId);
		return this.send<T>(method, path, body, query, fresh.accessToken, keepalive);
	}

	get<T = unknown>(path: string, query?: Query): Promise<T> {
		return this.call<T>('GET', path, undefined, query);
	}

	/** url is the absolute path of an API route with a query string. */
	url(path: string, query?: Query): string {
		return this.base + path + queryString(query);
	}

	/** mediaUrl is url() with a token in the query, for <img> tags: the session's image token,
	 * which stays the same for hours so the browser's cache of images holds across access-token
	 * refreshes, else (an account stored before image tokens) the access token. */
	mediaUrl(path: string, query: Query = {}): string {
		const a = this.store.current();
		return this.url(path, { ...query, token: a ? a.imageToken || a.accessToken : undefined });
	}

	private async send<T>(method: string, path: string, body?: unknown, query?: Query, token?: string, keepalive = false): Promise<T> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		// A Blob (an uploaded picture) goes as it is, with its own type; anything else as JSON.
		const raw = typeof Blob !== 'undefined' && body instanceof Blob;
		if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
		if (token) headers.Authorization = `Bearer ${token}`;
		let resp: Response;
		try {
			const payload = body === undefined ? undefined : raw ? body : JSON.stringify(body);
			resp = await this.fetchFn(this.url(path, query), { method, headers, body: payload, keepalive });
		} catch (e) {
			throw new ApiError(0, 'Network error', e instanceof Error ? e.message : String(e));
		}
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
		if (resp.status === 204) return undefined as T;
		const text = await resp.text();
		return (text ? JSON.parse(text) : undefined) as T;
	}

	private account(t: TokenResponse): Account {
		return {
			userId: t.user.id,
			username: t.user.username,
			displayName: t.user.displayName || t.user.username,
			admin: t.user.admin,
			accessToken: t.accessToken,
			refreshToken: t.refreshToken,
			imageToken: t.imageToken,
			noDownloads: t.user.allowDownloads === false,
			expiresAt: this.now() + t.expiresIn * 1000,
		};
	}
}

/** queryString encodes the defined values of q, with a leading '?' when there are any. */
export function queryString(q?: Query): string {
	if (!q) return '';
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(q)) {
		if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
	}
	const s = p.toString();
	return s ? `?${s}` : '';
}

function webLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
	const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
	return locks ? (locks.request(name, fn) as Promise<T>) : fn();
}
