import { useState } from 'preact/hooks';
import { artistTracks } from './artist';
import { message, useApi } from './context';
import { useMusic } from './music';
import type { Item } from './types';
import { ErrorBox } from './ui';

/** ArtistPlay is an artist's Play all and Shuffle: every track of their albums, album after
 * album, queued in the music bar (shuffled from a random track for Shuffle). */
export function ArtistPlay({ artist }: { artist: Item }) {
	const api = useApi();
	const music = useMusic();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const start = async (shuffle: boolean) => {
		setBusy(true);
		setError('');
		try {
			const tracks = await artistTracks((path, q) => api.get(path, q), artist.id);
			if (tracks.length === 0) setError(`${artist.title} has no tracks to play.`);
			else music.play(tracks, 0, { shuffle });
		} catch (e) {
			setError(message(e));
		} finally {
			setBusy(false);
		}
	};
	return (
		<div class="actions artist-play">
			<button type="button" class="primary" disabled={busy} onClick={() => start(false)}>
				Play all
			</button>
			<button type="button" disabled={busy} onClick={() => start(true)}>
				Shuffle
			</button>
			{error && <ErrorBox error={error} />}
		</div>
	);
}
