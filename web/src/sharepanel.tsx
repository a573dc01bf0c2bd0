// SharePanel: the owner of a playlist picks who else may play it. Admins choose among every user;
// others among the users shown on the sign-in page (hidden ones cannot be found that way).
import { useEffect, useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import { type Person, sharees } from './share';
import { ErrorBox } from './ui';
import type { Playlist, PublicUser } from './wire';

/** usePeople lists the users the current one can name: everyone for an admin, else the public ones. */
export function usePeople(): Person[] {
	const api = useApi();
	const admin = !!api.store.current()?.admin;
	const people = useAsync(async (): Promise<Person[]> => {
		if (admin) return (await api.get<{ items: { id: string; username: string }[] }>('/users')).items.map((u) => ({ id: u.id, name: u.username }));
		return (await api.get<{ items: PublicUser[] }>('/users/public')).items.map((u) => ({ id: u.id, name: u.name }));
	}, [admin]);
	return people.data ?? [];
}

export function SharePanel({ playlist, people, onSaved }: { playlist: Playlist; people: Person[]; onSaved: () => void }) {
	const api = useApi();
	const [chosen, setChosen] = useState(new Set(playlist.sharedWith));
	const [error, setError] = useState('');
	const [saved, setSaved] = useState(false);
	useEffect(() => setChosen(new Set(playlist.sharedWith)), [playlist.sharedWith.join()]);
	const list = sharees(people, playlist.ownerId, playlist.sharedWith);
	async function save(e: Event) {
		e.preventDefault();
		setError('');
		try {
			await api.call('PATCH', `/playlists/${playlist.id}`, { sharedWith: [...chosen] });
			setSaved(true);
			onSaved();
		} catch (err) {
			setError(message(err));
		}
	}
	const toggle = (id: string, on: boolean) => {
		const next = new Set(chosen);
		if (on) next.add(id);
		else next.delete(id);
		setChosen(next);
		setSaved(false);
	};
	return (
		<details class="share">
			<summary>Share{playlist.sharedWith.length > 0 ? ` (with ${playlist.sharedWith.length})` : ''}</summary>
			<form onSubmit={save}>
				<fieldset>
					<legend>Who else may play this playlist</legend>
					{list.length === 0 && <p class="empty">There is nobody to share with.</p>}
					{list.map((s) => (
						<label key={s.id} class="check">
							<input type="checkbox" checked={chosen.has(s.id)} onChange={(e) => toggle(s.id, e.currentTarget.checked)} />
							{s.name}
						</label>
					))}
				</fieldset>
				<button type="submit" class="primary" disabled={list.length === 0}>
					Save sharing
				</button>
				{saved && <span role="status"> Saved.</span>}
			</form>
			{error && <ErrorBox error={error} />}
		</details>
	);
}
