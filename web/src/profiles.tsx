// The public user list as tiles: on the sign-in page a tile fills in the username; on a
// signed-in device (#/switch) it switches to that user through POST /auth/switch, asking for
// their PIN (or password) when they have one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi, useAsync } from './context';
import { pinError, switchMessage } from './pin';
import type { Account } from './store';
import { ErrorBox, Spinner } from './ui';
import type { PublicUser } from './wire';

/** usePublicUsers loads GET /users/public, which needs no credentials. */
function usePublicUsers() {
	const api = useApi();
	return useAsync(async () => {
		const r = await fetch(api.url('/users/public'), { headers: { Accept: 'application/json' } });
		if (!r.ok) throw new Error(`The user list did not load (HTTP ${r.status}).`);
		return ((await r.json()) as { items: PublicUser[] }).items;
	}, []);
}

/** UserTiles are buttons, one per user, with their initial and name. */
function UserTiles({ users, onPick, label }: { users: PublicUser[]; onPick: (u: PublicUser) => void; label: string }) {
	return (
		<ul class="user-tiles" aria-label={label}>
			{users.map((u) => (
				<li key={u.id}>
					<button type="button" class="user-tile" onClick={() => onPick(u)} data-user={u.name}>
						<span class="avatar big" aria-hidden="true">
							{u.name.slice(0, 1).toUpperCase()}
						</span>
						<span class="user-tile-name">{u.name}</span>
						{u.hasPin && <span class="user-tile-note">PIN</span>}
					</button>
				</li>
			))}
		</ul>
	);
}

/** PublicUserTiles is the sign-in page's user list: a tile fills in the username. */
export function PublicUserTiles({ onPick }: { onPick: (u: PublicUser) => void }) {
	const users = usePublicUsers();
	const list = users.data ?? [];
	if (list.length === 0) return null;
	return <UserTiles users={list} onPick={onPick} label="Users" />;
}

/** SwitchUser is #/switch: pick a user and, when they have one, give their PIN or password. */
export function SwitchUser({ account, onAccount }: { account: Account; onAccount: (a: Account) => void }) {
	const api = useApi();
	const users = usePublicUsers();
	const [target, setTarget] = useState<PublicUser | null>(null);
	const [usePassword, setUsePassword] = useState(false);
	const [secret, setSecret] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const input = useRef<HTMLInputElement>(null);
	const others = (users.data ?? []).filter((u) => u.id !== account.userId);

	useEffect(() => input.current?.focus(), [target, usePassword]);

	async function go(u: PublicUser, pin?: string, password?: string) {
		setBusy(true);
		setError('');
		try {
			const a = await api.switchUser(u.id, pin ? { pin } : password ? { password } : {});
			onAccount(a);
			location.hash = '#/';
		} catch (e) {
			setError(switchMessage(e, !!pin));
			setBusy(false);
		}
	}

	function pick(u: PublicUser) {
		setError('');
		setSecret('');
		setUsePassword(!u.hasPin);
		if (!u.hasPin && !u.hasPassword) {
			void go(u);
			return;
		}
		setTarget(u);
	}

	function submit(e: Event) {
		e.preventDefault();
		if (!target) return;
		if (!usePassword) {
			const bad = pinError(secret);
			if (bad) {
				setError(bad);
				return;
			}
			void go(target, secret);
		} else {
			void go(target, undefined, secret);
		}
	}

	return (
		<section class="page switch">
			<h1>Switch user</h1>
			<p class="hint">Switching signs {account.displayName} out of this device.</p>
			{users.error && <ErrorBox error={users.error} />}
			{users.loading && !users.data && <Spinner />}
			{users.data && others.length === 0 && <p class="empty">No other users are listed on this server.</p>}
			<UserTiles users={others} onPick={pick} label="Users to switch to" />
			{target && (
				<form class="form pin-form" onSubmit={submit} aria-label={`Switch to ${target.name}`}>
					<label for="switch-secret">{usePassword ? `${target.name}'s password` : `${target.name}'s PIN`}</label>
					<input
						id="switch-secret"
						ref={input}
						type="password"
						inputMode={usePassword ? undefined : 'numeric'}
						autocomplete={usePassword ? 'current-password' : 'off'}
						maxLength={usePassword ? undefined : 8}
						value={secret}
						onInput={(e) => setSecret(e.currentTarget.value)}
					/>
					{error && (
						<p class="error" role="alert">
							{error}
						</p>
					)}
					<div class="actions">
						<button type="submit" class="primary" disabled={busy}>
							{busy ? 'Switching…' : `Switch to ${target.name}`}
						</button>
						{target.hasPin && target.hasPassword && (
							<button type="button" onClick={() => (setUsePassword(!usePassword), setSecret(''), setError(''))}>
								{usePassword ? 'Use the PIN' : 'Use the password instead'}
							</button>
						)}
						<button type="button" onClick={() => setTarget(null)}>
							Cancel
						</button>
					</div>
				</form>
			)}
			{!target && error && <ErrorBox error={error} />}
		</section>
	);
}
