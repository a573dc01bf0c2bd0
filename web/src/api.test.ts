import { describe, expect, it } from 'vitest';
import { Api, ApiError, queryString } from './api';
import { MemoryKV, TokenStore } from './store';

interface Call {
	method: string;
	url: string;
	auth?: string;
	body?: unknown;
}

/** fakeServer answers like the native API: login, refresh (rotating tokens), and one protected route. */
function fakeServer() {
	let n = 0;
	const valid = new Set<string>();
	const refreshTokens = new Map<string, string>(); // refresh token → user
	const calls: Call[] = [];
	const users: Record<string, string> = { alice: 'pw-a', bob: 'pw-b' };
	const tokens = (user: string) => {
		n++;
		const at = `at-${user}-${n}`;
		const rt = `rt-${user}-${n}`;
		valid.add(at);
		refreshTokens.set(rt, user);
		// Bob's server gives image tokens, the same string across refreshes as the real one
		// within its window; alice's is older and gives none.
		const imageToken = user === 'bob' ? `it-${user}` : undefined;
		// Bob's downloads are turned off.
		const u = { id: `id-${user}`, username: user, displayName: '', admin: user === 'alice', allowDownloads: user !== 'bob' };
		return { accessToken: at, refreshToken: rt, imageToken, tokenType: 'Bearer', expiresIn: 900, user: u };
	};
	const json = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
	const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		const url = String(input);
		const headers = (init?.headers ?? {}) as Record<string, string>;
		const body = init?.body ? JSON.parse(String(init.body)) : undefined;
		calls.push({ method: init?.method ?? 'GET', url, auth: headers.Authorization, body });
		if (url === '/api/v1/auth/login') {
			return users[body.username] === body.password ? json(200, tokens(body.username)) : json(401, { title: 'Unauthorized', detail: 'wrong username or password' });
		}
		if (url === '/api/v1/auth/refresh') {
			const user = refreshTokens.get(body.refreshToken);
			if (!user) return json(401, { title: 'Unauthorized' });
			refreshTokens.delete(body.refreshToken); // rotation: a refresh token works once
			return json(200, tokens(user));
		}
		if (url === '/api/v1/auth/logout') return new Response(null, { status: 204 });
		const at = headers.Authorization?.replace('Bearer ', '');
		if (!at || !valid.has(at)) return json(401, { title: 'Unauthorized' });
		return json(200, { url, token: at });
	};
	return { fetch, calls, valid, refreshTokens };
}

function setup(now = { t: 1_000_000 }) {
	const srv = fakeServer();
	const store = new TokenStore(new MemoryKV());
	const api = new Api(store, { fetch: srv.fetch, now: () => now.t, lock: (_n, fn) => fn() });
	return { srv, store, api, now };
}

describe('Api', () => {
	it('logs in, stores the tokens and sends them', async () => {
		const { api, store, srv } = setup();
		const a = await api.login('alice', 'pw-a');
		expect(a.userId).toBe('id-alice');
		expect(a.displayName).toBe('alice'); // no display name: the username
		expect(store.current()?.userId).toBe('id-alice');
		expect(srv.calls[0].body).toMatchObject({ username: 'alice', password: 'pw-a', deviceId: expect.any(String) });
		const r = await api.get<{ url: string; token: string }>('/items', { library: 'L', q: 'big test', limit: 10, offset: undefined });
		expect(r.url).toBe('/api/v1/items?library=L&q=big+test&limit=10');
		expect(r.token).toBe(a.accessToken);
	});

	it('reports a wrong password as a 401 ApiError with the detail', async () => {
		const { api, store } = setup();
		const err = await api.login('alice', 'nope').catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err.status).toBe(401);
		expect(err.detail).toBe('wrong username or password');
		expect(store.current()).toBeUndefined();
	});

	it('refreshes an access token about to expire, once for concurrent calls', async () => {
		const { api, srv, now } = setup();
		await api.login('alice', 'pw-a');
		now.t += 890_000; // 10 s before expiry: inside the margin
		await Promise.all([api.get('/a'), api.get('/b'), api.get('/c')]);
		expect(srv.calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
	});

	it('refreshes and retries once on a 401', async () => {
		const { api, srv, store } = setup();
		const a = await api.login('alice', 'pw-a');
		srv.valid.delete(a.accessToken); // the server forgot it (a restart with a new key)
		await api.get('/x');
		expect(store.current()?.accessToken).not.toBe(a.accessToken);
		expect(srv.calls.map((c) => c.url)).toEqual(['/api/v1/auth/login', '/api/v1/x', '/api/v1/auth/refresh', '/api/v1/x']);
	});

	it('signs the user out when the refresh token is refused', async () => {
		const { api, srv, store } = setup();
		const a = await api.login('alice', 'pw-a');
		srv.valid.delete(a.accessToken);
		srv.refreshTokens.clear();
		let signedOut = '';
		api.onSignedOut = (id) => (signedOut = id);
		const err = await api.get('/x').catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(signedOut).toBe('id-alice');
		expect(store.current()).toBeUndefined();
		expect(store.get('id-alice')?.username).toBe('alice'); // still offered on the sign-in page
	});

	it('switches between remembered users without a password', async () => {
		const { api, store, srv, now } = setup();
		await api.login('alice', 'pw-a');
		await api.login('bob', 'pw-b');
		expect(store.current()?.username).toBe('bob');
		now.t += 3_600_000; // alice's access token expired meanwhile
		const a = await api.switchTo('id-alice');
		expect(store.current()?.userId).toBe('id-alice');
		expect(srv.valid.has(a.accessToken)).toBe(true);
		expect(srv.calls.filter((c) => c.url.endsWith('/auth/login'))).toHaveLength(2);
	});

	it('refuses to switch to a signed-out user', async () => {
		const { api, store } = setup();
		await api.login('alice', 'pw-a');
		await api.signOut();
		expect(store.current()).toBeUndefined();
		await expect(api.switchTo('id-alice')).rejects.toMatchObject({ status: 401 });
	});

	it('uses the tokens another tab refreshed instead of presenting the old refresh token', async () => {
		const { api, store, srv, now } = setup();
		await api.login('alice', 'pw-a');
		now.t += 890_000;
		// Another tab refreshed: the store holds a fresh pair.
		const other = new Api(store, { fetch: srv.fetch, now: () => now.t, lock: (_n, fn) => fn() });
		await other.refresh('id-alice');
		const before = srv.calls.length;
		await api.get('/x');
		expect(srv.calls.slice(before).map((c) => c.url)).toEqual(['/api/v1/x']);
	});

	it('builds media URLs with the access token when the server gives no image token', async () => {
		const { api } = setup();
		const a = await api.login('alice', 'pw-a');
		expect(api.mediaUrl('/items/1/images/Primary/0', { maxWidth: 300 })).toBe(`/api/v1/items/1/images/Primary/0?maxWidth=300&token=${a.accessToken}`);
	});

	it('builds media URLs with the image token, which outlives a refresh', async () => {
		const now = { t: 1_000_000 };
		const { api, store } = setup(now);
		await api.login('bob', 'pw-b');
		const before = api.mediaUrl('/items/1/images/Primary/0');
		expect(before).toBe('/api/v1/items/1/images/Primary/0?token=it-bob');
		now.t += 899_000; // the access token is about to expire: the next call refreshes it
		await api.get('/x');
		expect(store.current()!.accessToken).not.toBe('at-bob-1');
		expect(api.mediaUrl('/items/1/images/Primary/0')).toBe(before);
	});

	it('remembers whose downloads are turned off', async () => {
		const { api, store } = setup();
		await api.login('alice', 'pw-a');
		expect(store.current()!.noDownloads).toBe(false);
		await api.login('bob', 'pw-b');
		expect(store.current()!.noDownloads).toBe(true);
	});

	it('sends a Blob as it is, with its own type', async () => {
		const { api } = setup();
		await api.login('alice', 'pw-a');
		const seen: { type?: string; body?: unknown }[] = [];
		const upload = new Api(api.store, {
			fetch: async (_u, init) => {
				seen.push({ type: (init?.headers as Record<string, string>)['Content-Type'], body: init?.body });
				return new Response('{"items":[]}', { status: 201 });
			},
			now: () => 1_000_000,
		});
		const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
		await upload.call('POST', '/items/1/images/Primary', png);
		await upload.call('POST', '/items/1/images/Primary', new Blob(['x']));
		await upload.call('PATCH', '/items/1', { title: 'T' });
		expect(seen[0]).toEqual({ type: 'image/png', body: png });
		expect(seen[1].type).toBe('application/octet-stream');
		expect(seen[2]).toEqual({ type: 'application/json', body: '{"title":"T"}' });
	});

	it('maps a network failure to status 0', async () => {
		const api = new Api(new TokenStore(new MemoryKV()), { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
		await expect(api.login('a', 'b')).rejects.toMatchObject({ status: 0, title: 'Network error' });
	});
});

describe('queryString', () => {
	it('skips empty values', () => {
		expect(queryString({ a: 1, b: '', c: undefined, d: null, e: false })).toBe('?a=1&e=false');
		expect(queryString({})).toBe('');
		expect(queryString()).toBe('');
	});
});
