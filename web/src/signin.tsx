import { useEffect, useRef, useState } from 'preact/hooks';
import { message, useApi } from './context';
import type { Account } from './store';
import { PublicUserTiles } from './profiles';

/** SignIn is the sign-in form, with the users this browser remembers above it: a signed-in one
 * is switched to at once, a signed-out one fills in the username. */
export function SignIn({ onSignedIn, adding }: { onSignedIn: (a: Account) => void; adding: boolean }) {
	const api = useApi();
	const [username, setUsername] = useState('');
	const [password, setPassword] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const userRef = useRef<HTMLInputElement>(null);
	const passRef = useRef<HTMLInputElement>(null);
	const remembered = api.store.accounts();

	useEffect(() => userRef.current?.focus(), []);

	async function submit(e: Event) {
		e.preventDefault();
		setBusy(true);
		setError('');
		try {
			onSignedIn(await api.login(username.trim(), password));
		} catch (err) {
			setError(message(err));
			setBusy(false);
		}
	}

	async function pick(a: Account) {
		setError('');
		if (a.refreshToken) {
			try {
				onSignedIn(await api.switchTo(a.userId));
				return;
			} catch {
				setError(`${a.displayName} was signed out; enter the password again.`);
			}
		}
		setUsername(a.username);
		setPassword('');
		passRef.current?.focus();
	}

	return (
		<main class="signin">
			<div class="signin-box">
				<h1 class="brand">Walros</h1>
				<h2>{adding ? 'Add a user' : 'Sign in'}</h2>
				{remembered.length > 0 && (
					<ul class="remembered" aria-label="Remembered users">
						{remembered.map((a) => (
							<li key={a.userId}>
								<button type="button" class="user-chip" onClick={() => pick(a)}>
									<span class="avatar" aria-hidden="true">
										{a.displayName.slice(0, 1).toUpperCase()}
									</span>
									{a.refreshToken ? `Continue as ${a.displayName}` : `Sign in as ${a.displayName}`}
								</button>
							</li>
						))}
					</ul>
				)}
				<PublicUserTiles
					onPick={(u) => {
						setError(u.hasPassword ? '' : `${u.name} has no password: switch to them from a signed-in device.`);
						setUsername(u.name);
						setPassword('');
						passRef.current?.focus();
					}}
				/>
				<form onSubmit={submit} class="form">
					<label for="username">Username</label>
					<input
						id="username"
						ref={userRef}
						name="username"
						autocomplete="username"
						autocapitalize="none"
						spellcheck={false}
						required
						value={username}
						onInput={(e) => setUsername(e.currentTarget.value)}
					/>
					<label for="password">Password</label>
					<input
						id="password"
						ref={passRef}
						name="password"
						type="password"
						autocomplete="current-password"
						value={password}
						onInput={(e) => setPassword(e.currentTarget.value)}
					/>
					{error && (
						<p class="error" role="alert">
							{error}
						</p>
					)}
					<button type="submit" class="primary" disabled={busy}>
						{busy ? 'Signing in…' : 'Sign in'}
					</button>
					{adding && (
						<a class="button" href="#/">
							Cancel
						</a>
					)}
				</form>
			</div>
		</main>
	);
}
