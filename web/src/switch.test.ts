import { describe, expect, it } from 'vitest';
import { Api, ApiError } from './api';
import { MemoryKV, TokenStore } from './store';

// A server that knows alice (signed in) and bob, whose PIN is 1234.
function setup() {
	const bodies: unknown[] = [];
	const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
	const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		const body = init?.body ? JSON.parse(String(init.body)) : undefined;
		bodies.push(body);
		if (String(input) !== '/api/v1/auth/switch') return json(404, { title: 'Not Found' });
		if ((init?.headers as Record<string, string>).Authorization !== 'Bearer at-alice') return json(401, { title: 'Unauthorized' });
		if (body.pin !== '1234') return json(400, { title: 'Bad Request', detail: 'pin does not match' });
		return json(200, { accessToken: 'at-bob', refreshToken: 'rt-bob', tokenType: 'Bearer', expiresIn: 900, user: { id: 'id-bob', username: 'bob', displayName: 'Bob', admin: false } });
	};
	const store = new TokenStore(new MemoryKV());
	store.save({ userId: 'id-alice', username: 'alice', displayName: 'Alice', admin: true, accessToken: 'at-alice', refreshToken: 'rt-alice', expiresAt: 10_000_000 });
	store.setCurrent('id-alice');
	const api = new Api(store, { fetch, now: () => 1_000, lock: (_n, fn) => fn() });
	return { api, store, bodies };
}

describe('Api.switchUser', () => {
	it('switches with the PIN and forgets the session the server ended', async () => {
		const { api, store, bodies } = setup();
		const a = await api.switchUser('id-bob', { pin: '1234' });
		expect(a.username).toBe('bob');
		expect(bodies[0]).toEqual({ userId: 'id-bob', pin: '1234' });
		expect(store.current()?.userId).toBe('id-bob');
		expect(store.get('id-alice')?.refreshToken).toBe('');
	});

	it('keeps the current user when the PIN is wrong', async () => {
		const { api, store } = setup();
		await expect(api.switchUser('id-bob', { pin: '9999' })).rejects.toBeInstanceOf(ApiError);
		expect(store.current()?.userId).toBe('id-alice');
	});
});
