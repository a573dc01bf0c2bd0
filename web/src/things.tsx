// #/things: what the user keeps — favorites, watchlist, custom lists (and a new one), and the
// server's collections (box sets); #/list/ID is one custom list.
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import { href } from './router';
import type { ItemWithData, Page } from './types';
import { Card, ErrorBox, OwnedListHeader, Shelf, Spinner } from './ui';
import type { CustomList, Facet, ListEntry } from './wire';

export function Things() {
	const api = useApi();
	const [reload, setReload] = useState(0);
	const favorites = useAsync(() => api.get<Page<ItemWithData>>('/users/me/favorites', { limit: 50, sort: 'added', order: 'desc' }), []);
	const watchlist = useAsync(() => api.get<Page<ListEntry>>('/users/me/watchlist', { limit: 50 }), []);
	const lists = useAsync(() => api.get<{ items: CustomList[] }>('/lists'), [reload]);
	const collections = useAsync(() => api.get<{ items: Facet[] }>('/collections', { limit: 200 }), []);
	const [name, setName] = useState('');
	const [error, setError] = useState('');
	async function create(e: Event) {
		e.preventDefault();
		setError('');
		if (!name.trim()) return setError('Give the list a name.');
		try {
			await api.call('POST', '/lists', { name: name.trim() });
			setName('');
			setReload((n) => n + 1);
		} catch (err) {
			setError(message(err));
		}
	}
	const shelf = (title: string, p: { data?: Page<ItemWithData>; error?: string }, empty: string) =>
		p.error || (p.data && p.data.items.length === 0) ? (
			// A message, not a card: it goes under the heading rather than in the row of cards.
			<section class="shelf" aria-label={title}>
				<h2>{title}</h2>
				{p.error ? <ErrorBox error={p.error} /> : <p class="empty">{empty}</p>}
			</section>
		) : (
			<Shelf title={title}>
				{(p.data?.items ?? []).map((it) => (
					<Card key={it.id} item={it} userData={it.userData} />
				))}
			</Shelf>
		);
	return (
		<div class="page things">
			<h1>Your things</h1>
			<p>
				<a href={href({ name: 'playlists' })}>Playlists</a> · <a href={href({ name: 'stats' })}>Statistics</a>
			</p>
			{shelf('Favorites', favorites, 'Mark items as favorites on their pages.')}
			{shelf('Watchlist', watchlist, 'Nothing on your watchlist.')}
			<section aria-labelledby="lists-h">
				<h2 id="lists-h">Lists</h2>
				<form class="inline-form" onSubmit={create}>
					<label for="list-name">New list</label>
					<input id="list-name" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
					<button type="submit">Create</button>
				</form>
				{error && <ErrorBox error={error} />}
				{lists.error && <ErrorBox error={lists.error} />}
				<ul class="rows" aria-label="Your lists">
					{(lists.data?.items ?? []).map((l) => (
						<li key={l.id}>
							<a href={href({ name: 'list', id: l.id })}>{l.name}</a>
							<span class="hint">{l.items === 1 ? '1 item' : `${l.items} items`}</span>
						</li>
					))}
				</ul>
			</section>
			<section aria-labelledby="collections-h">
				<h2 id="collections-h">Collections</h2>
				{collections.error && <ErrorBox error={collections.error} />}
				{collections.data && collections.data.items.length === 0 && <p class="empty">No collections.</p>}
				<ul class="rows" aria-label="Collections">
					{(collections.data?.items ?? []).map((c) => (
						<li key={c.name}>
							<a href={href({ name: 'collection', id: c.name })}>{c.name}</a>
							<span class="hint">{c.count === 1 ? '1 movie' : `${c.count} movies`}</span>
						</li>
					))}
				</ul>
			</section>
		</div>
	);
}

export function ListPage({ id }: { id: string }) {
	const api = useApi();
	const [reload, setReload] = useState(0);
	const info = useAsync(() => api.get<CustomList>(`/lists/${id}`), [id, reload]);
	const entries = useAsync(() => api.get<Page<ListEntry>>(`/lists/${id}/items`, { limit: 500 }), [id, reload]);
	const [error, setError] = useState('');
	async function act(fn: () => Promise<unknown>) {
		setError('');
		try {
			await fn();
			setReload((n) => n + 1);
		} catch (e) {
			setError(message(e));
		}
	}
	if (info.error) return <ErrorBox error={info.error} />;
	if (!info.data) return <Spinner />;
	return (
		<section class="page list">
			<OwnedListHeader
				back={href({ name: 'things' })}
				backLabel="Your things"
				name={info.data.name}
				noun="list"
				onDelete={() =>
					act(async () => {
						await api.call('DELETE', `/lists/${id}`);
						location.hash = href({ name: 'things' });
					})
				}
				onRename={async (name) => {
					await api.call('PATCH', `/lists/${id}`, { name });
					setReload((n) => n + 1);
				}}
			/>
			{error && <ErrorBox error={error} />}
			{entries.data && entries.data.items.length === 0 && <p class="empty">This list is empty.</p>}
			<div class="episodes" role="list" aria-label="Items">
				{(entries.data?.items ?? []).map((it) => (
					<div role="listitem" key={it.id} class="list-entry">
						<Card item={it} userData={it.userData} />
						<button type="button" aria-label={`Remove ${it.title}`} onClick={() => act(() => api.call('DELETE', `/lists/${id}/items/${it.id}`))}>
							Remove
						</button>
					</div>
				))}
			</div>
		</section>
	);
}
