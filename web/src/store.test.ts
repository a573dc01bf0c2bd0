import { describe, expect, it } from 'vitest';
import { MemoryKV, TokenStore, type Account } from './store';

const acct = (id: string, extra: Partial<Account> = {}): Account => ({
	userId: id,
	username: id,
	displayName: id.toUpperCase(),
	admin: false,
	accessToken: `at-${id}`,
	refreshToken: `rt-${id}`,
	expiresAt: 1000,
	...extra,
});

describe('TokenStore', () => {
	it('remembers several users, the last saved first', () => {
		const s = new TokenStore(new MemoryKV());
		s.save(acct('alice'));
		s.save(acct('bob'));
		s.save(acct('alice', { accessToken: 'new' }));
		expect(s.accounts().map((a) => a.userId)).toEqual(['alice', 'bob']);
		expect(s.get('alice')?.accessToken).toBe('new');
	});

	it('keeps the current user across instances (localStorage)', () => {
		const kv = new MemoryKV();
		const s = new TokenStore(kv);
		s.save(acct('alice'));
		s.save(acct('bob'));
		s.setCurrent('bob');
		expect(new TokenStore(kv).current()?.userId).toBe('bob');
	});

	it('signOut forgets the tokens but remembers the name', () => {
		const s = new TokenStore(new MemoryKV());
		s.save(acct('alice'));
		s.setCurrent('alice');
		s.signOut('alice');
		expect(s.current()).toBeUndefined();
		const a = s.get('alice')!;
		expect([a.username, a.accessToken, a.refreshToken]).toEqual(['alice', '', '']);
	});

	it('forget removes the user', () => {
		const s = new TokenStore(new MemoryKV());
		s.save(acct('alice'));
		s.setCurrent('alice');
		s.forget('alice');
		expect(s.accounts()).toEqual([]);
		expect(s.current()).toBeUndefined();
	});

	it('survives corrupt storage', () => {
		const kv = new MemoryKV();
		kv.setItem('walros.accounts', '{not json');
		expect(new TokenStore(kv).accounts()).toEqual([]);
		kv.setItem('walros.accounts', JSON.stringify([{ userId: 1 }, acct('ok')]));
		expect(new TokenStore(kv).accounts().map((a) => a.userId)).toEqual(['ok']);
	});

	it('keeps one device id', () => {
		const s = new TokenStore(new MemoryKV());
		const id = s.deviceId(() => 'dev1');
		expect(id).toBe('dev1');
		expect(s.deviceId(() => 'dev2')).toBe('dev1');
		expect(new TokenStore(new MemoryKV()).deviceId()).toMatch(/^[0-9a-f]{32}$/);
	});
});
