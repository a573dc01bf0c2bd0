import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi, useAsync } from './context';
import { Home } from './home';
import { Browse } from './browse';
import { Details } from './details';
import { MusicProvider } from './music';
import { Player } from './player';
import { SignIn } from './signin';
import { AdminLoader } from './admin/lazy';
import { CollectionPage, PersonPage } from './person';
import { PlaylistPage, Playlists } from './playlists';
import { SwitchUser } from './profiles';
import { Settings } from './settings';
import { Stats } from './stats';
import { ListPage, Things } from './things';
import { href, parse, type Route } from './router';
import type { Account } from './store';
import type { Library } from './types';

function useRoute(): Route {
	const [route, setRoute] = useState(() => parse(location.hash));
	useEffect(() => {
		const on = () => setRoute(parse(location.hash));
		addEventListener('hashchange', on);
		return () => removeEventListener('hashchange', on);
	}, []);
	return route;
}

export function App() {
	const api = useApi();
	const route = useRoute();
	const [account, setAccount] = useState<Account | undefined>(() => api.store.current());

	useEffect(() => {
		api.onSignedOut = (id) => {
			if (api.store.current()?.userId !== id) setAccount(api.store.current());
		};
	}, [api]);

	const signedIn = (a: Account) => {
		setAccount(a);
		if (route.name === 'signin') location.hash = '#/';
	};

	if (!account || (route.name === 'signin' && route.add)) {
		return <SignIn onSignedIn={signedIn} adding={!!account} />;
	}
	// Keyed by user: a switch starts every page afresh with the new user's data. The music
	// player sits above the pages, so that the music goes on from page to page.
	return (
		<MusicProvider key={account.userId}>
			<Shell account={account} route={route} onAccount={setAccount} />
		</MusicProvider>
	);
}

function Shell({ account, route, onAccount }: { account: Account; route: Route; onAccount: (a: Account | undefined) => void }) {
	const api = useApi();
	const [libsVersion, setLibsVersion] = useState(0);
	useEffect(() => {
		// The admin pages add, rename and delete libraries: the navigation follows.
		const on = () => setLibsVersion((v) => v + 1);
		addEventListener('walros-libraries-changed', on);
		return () => removeEventListener('walros-libraries-changed', on);
	}, []);
	const libs = useAsync(() => api.get<{ items: Library[] }>('/libraries'), [libsVersion]);
	const libraries = libs.data?.items ?? [];
	if (route.name === 'play') return <Player key={route.id} id={route.id} playlist={route.playlist} />;
	let page;
	switch (route.name) {
		case 'home':
		case 'signin':
			page = <Home libraries={libraries} loading={libs.loading} error={libs.error} />;
			break;
		case 'library': {
			const lib = libraries.find((l) => l.id === route.id);
			page = lib ? <Browse key={lib.id} library={lib} /> : libs.loading ? null : <NotFound />;
			break;
		}
		case 'item':
			page = <Details key={route.id} id={route.id} />;
			break;
		case 'admin':
			page = <AdminLoader account={account} route={route} />;
			break;
		case 'person':
			page = <PersonPage key={route.id} name={route.id} />;
			break;
		case 'collection':
			page = <CollectionPage key={route.id} name={route.id} />;
			break;
		case 'playlists':
			page = <Playlists />;
			break;
		case 'playlist':
			page = <PlaylistPage key={route.id} id={route.id} />;
			break;
		case 'things':
			page = <Things />;
			break;
		case 'list':
			page = <ListPage key={route.id} id={route.id} />;
			break;
		case 'stats':
			page = <Stats />;
			break;
		case 'settings':
			page = <Settings />;
			break;
		case 'switch':
			page = <SwitchUser account={account} onAccount={onAccount} />;
			break;
		default:
			page = <NotFound />;
	}
	return (
		<div class="shell">
			<a class="skip" href="#main">
				Skip to content
			</a>
			<header class="top">
				<a class="brand" href="#/">
					Walros
				</a>
				<nav aria-label="Libraries" class="libs">
					<a href="#/" aria-current={route.name === 'home' ? 'page' : undefined}>
						Home
					</a>
					{libraries.map((l) => (
						<a key={l.id} href={href({ name: 'library', id: l.id })} aria-current={route.name === 'library' && route.id === l.id ? 'page' : undefined}>
							{l.name}
						</a>
					))}
					<a href={href({ name: 'things' })} aria-current={route.name === 'things' ? 'page' : undefined}>
						Your things
					</a>
				</nav>
				{account.admin && (
					<a class="admin-link" href="#/admin" aria-current={route.name === 'admin' ? 'page' : undefined}>
						Admin
					</a>
				)}
				<UserMenu account={account} onAccount={onAccount} />
			</header>
			<main id="main" tabIndex={-1}>
				{page}
			</main>
		</div>
	);
}

/** UserMenu switches between the remembered users, adds one, or signs out. */
function UserMenu({ account, onAccount }: { account: Account; onAccount: (a: Account | undefined) => void }) {
	const api = useApi();
	const [open, setOpen] = useState(false);
	const [error, setError] = useState('');
	const ref = useRef<HTMLDivElement>(null);
	const button = useRef<HTMLButtonElement>(null);
	const others = open ? api.store.accounts().filter((a) => a.userId !== account.userId) : [];

	useEffect(() => {
		if (!open) return;
		const close = (e: Event) => {
			if (e instanceof KeyboardEvent) {
				if (e.key !== 'Escape') return;
				button.current?.focus(); // back where the keyboard user was
			} else if (ref.current?.contains(e.target as Node)) {
				return;
			}
			setOpen(false);
		};
		addEventListener('keydown', close);
		addEventListener('pointerdown', close);
		ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
		return () => {
			removeEventListener('keydown', close);
			removeEventListener('pointerdown', close);
		};
	}, [open]);

	async function switchTo(a: Account) {
		setError('');
		if (!a.refreshToken) {
			location.hash = '#/signin/add';
			setOpen(false);
			return;
		}
		try {
			onAccount(await api.switchTo(a.userId));
			location.hash = '#/';
		} catch {
			setError(`${a.displayName} must sign in again.`);
			location.hash = '#/signin/add';
		}
		setOpen(false);
	}

	return (
		<div class="usermenu" ref={ref}>
			<button ref={button} type="button" class="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
				<span class="avatar" aria-hidden="true">
					{account.displayName.slice(0, 1).toUpperCase()}
				</span>
				<span class="user-name">{account.displayName}</span>
			</button>
			{open && (
				<div class="menu" role="menu" aria-label="Users">
					{others.map((a) => (
						<button key={a.userId} type="button" role="menuitem" onClick={() => switchTo(a)}>
							Switch to {a.displayName}
						</button>
					))}
					<a role="menuitem" href="#/signin/add" onClick={() => setOpen(false)}>
						Add user
					</a>
					<a role="menuitem" href="#/switch" onClick={() => setOpen(false)}>
						Switch user…
					</a>
					<a role="menuitem" href="#/settings" onClick={() => setOpen(false)}>
						Settings
					</a>
					<button
						type="button"
						role="menuitem"
						onClick={async () => {
							await api.signOut();
							setOpen(false);
							onAccount(undefined);
						}}
					>
						Sign out
					</button>
				</div>
			)}
			{error && (
				<p class="error" role="alert">
					{error}
				</p>
			)}
		</div>
	);
}

function NotFound() {
	return (
		<section class="page">
			<h1>Not found</h1>
			<p>
				<a href="#/">Back home</a>
			</p>
		</section>
	);
}
