// #/playlists (the user's playlists, and a new one) and #/playlist/ID (its entries: play, remove,
// move up or down).
import { useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import { clock, subtitle } from './format';
import { afterFor } from './reorder';
import { href } from './router';
import { DownloadButton } from './downloadbutton';
import { useMusic } from './music';
import { SharePanel, usePeople } from './sharepanel';
import { ErrorBox, OwnedListHeader, Poster, Spinner } from './ui';
import type { Playlist, PlaylistEntry } from './wire';

export function Playlists() {
	const api = useApi();
	const [reload, setReload] = useState(0);
	const lists = useAsync(() => api.get<{ items: Playlist[] }>('/playlists'), [reload]);
	const me = api.store.current()?.userId;
	const [name, setName] = useState('');
	const [error, setError] = useState('');
	async function create(e: Event) {
		e.preventDefault();
		setError('');
		if (!name.trim()) return setError('Give the playlist a name.');
		try {
			await api.call('POST', '/playlists', { name: name.trim() });
			setName('');
			setReload((n) => n + 1);
		} catch (err) {
			setError(message(err));
		}
	}
	return (
		<section class="page playlists">
			<h1>Playlists</h1>
			<form class="inline-form" onSubmit={create}>
				<label for="playlist-name">New playlist</label>
				<input id="playlist-name" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
				<button type="submit" class="primary">
					Create
				</button>
			</form>
			{error && <ErrorBox error={error} />}
			{lists.error && <ErrorBox error={lists.error} />}
			{!lists.data && !lists.error && <Spinner />}
			{lists.data && lists.data.items.length === 0 && <p class="empty">No playlists yet.</p>}
			<ul class="rows" aria-label="Your playlists">
				{(lists.data?.items ?? []).map((p) => (
					<li key={p.id}>
						<a href={href({ name: 'playlist', id: p.id })}>{p.name}</a>
						<span class="hint">
							{p.entries === 1 ? '1 item' : `${p.entries} items`}
							{p.durationMs ? ` · ${clock(p.durationMs)}` : ''}
							{p.ownerId !== me ? ` · shared by ${p.ownerName || 'another user'}` : p.sharedWith.length > 0 ? ` · shared with ${p.sharedWith.length}` : ''}
						</span>
					</li>
				))}
			</ul>
		</section>
	);
}

export function PlaylistPage({ id }: { id: string }) {
	const api = useApi();
	const [reload, setReload] = useState(0);
	const info = useAsync(() => api.get<Playlist>(`/playlists/${id}`), [id, reload]);
	const entries = useAsync(() => api.get<{ items: PlaylistEntry[] }>(`/playlists/${id}/entries`), [id, reload]);
	const [error, setError] = useState('');
	const list = entries.data?.items ?? [];
	const people = usePeople();
	const music = useMusic();
	// A playlist of tracks plays in the music bar; one with videos in the player, entry after entry.
	const playAll = () => {
		if (list.length === 0) return;
		const items = list.map((e) => e.item);
		if (items.every((it) => it.type === 'track')) music.play(items, 0);
		else location.hash = href({ name: 'play', id: items[0].id, playlist: id });
	};
	// A playlist shared with the user by someone else is theirs to play, not to change.
	const owned = !info.data || info.data.ownerId === api.store.current()?.userId || !!api.store.current()?.admin;

	async function act(fn: () => Promise<unknown>) {
		setError('');
		try {
			await fn();
			setReload((n) => n + 1);
		} catch (e) {
			setError(message(e));
		}
	}
	// move puts entry i at position to.
	const move = (i: number, to: number) => {
		const after = afterFor(list.map((e) => e.entryId), i, to);
		return act(() => api.call('POST', `/playlists/${id}/entries/${list[i].entryId}/move`, { after }));
	};

	if (info.error) return <ErrorBox error={info.error} />;
	if (!info.data) return <Spinner />;
	return (
		<section class="page playlist">
			<OwnedListHeader
				back={href({ name: 'playlists' })}
				backLabel="All playlists"
				name={info.data.name}
				noun="playlist"
				onDelete={() =>
					act(async () => {
						await api.call('DELETE', `/playlists/${id}`);
						location.hash = href({ name: 'playlists' });
					})
				}
				onRename={async (name) => {
					await api.call('PATCH', `/playlists/${id}`, { name });
					setReload((n) => n + 1);
				}}
				readOnly={owned ? undefined : `Shared with you by ${info.data.ownerName || 'another user'}.`}
			/>
			{owned && <SharePanel playlist={info.data} people={people} onSaved={() => setReload((n) => n + 1)} />}
			{error && <ErrorBox error={error} />}
			{entries.error && <ErrorBox error={entries.error} />}
			{entries.data && list.length === 0 && <p class="empty">This playlist is empty. Add items from their pages.</p>}
			{list.length > 0 && (
				<div class="actions">
					<button type="button" class="primary" onClick={playAll}>
						▶ Play all
					</button>
				</div>
			)}
			{list.length > 0 && <DownloadButton source={{ kind: 'playlist', id }} all />}
			<ol class="rows entries" aria-label="Entries">
				{list.map((e, i) => (
					<li key={e.entryId} data-entry={e.entryId}>
						<span class="thumb">
							<Poster item={e.item} width={80} />
						</span>
						<a href={href({ name: 'item', id: e.item.id })}>{e.item.title}</a>
						<span class="hint">{subtitle(e.item)}</span>
						{owned && (
							<span class="row-actions">
								<button type="button" aria-label={`Move ${e.item.title} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
									↑
								</button>
								<button type="button" aria-label={`Move ${e.item.title} down`} disabled={i === list.length - 1} onClick={() => move(i, i + 1)}>
									↓
								</button>
								<button type="button" aria-label={`Remove ${e.item.title}`} onClick={() => act(() => api.call('DELETE', `/playlists/${id}/entries/${e.entryId}`))}>
									Remove
								</button>
							</span>
						)}
					</li>
				))}
			</ol>
		</section>
	);
}
