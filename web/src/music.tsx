import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { message, useApi, useAsync } from './context';
import type { Decision, Engine } from './engine';
import { openEngine } from './engines';
import { clock } from './format';
import { Icon } from './icons';
import { ProgressReporter } from './progress';
import { current, cycleRepeat, jump, next, previous, queueOf, setShuffle, type Queue } from './queue';
import { forgetQueue, loadQueue, saveQueue, stillThere } from './queuestore';
import { href } from './router';
import { SeekBar } from './seekbar';
import { MemoryKV, type KV } from './store';
import type { Item, Page } from './types';
import { ErrorBox, Spinner } from './ui';

/** Music is what pages can ask of the music player. */
export interface Music {
	/** play starts a queue of tracks at tracks[start], or shuffled from a random one. */
	play(tracks: Item[], start?: number, opts?: { shuffle?: boolean }): void;
	/** pause pauses the music (a video is about to play). */
	pause(): void;
	/** playing is the current track, if any. */
	playing: Item | undefined;
}

const MusicContext = createContext<Music>({ play: () => {}, pause: () => {}, playing: undefined });

/** useMusic is the app's music player. */
export function useMusic(): Music {
	return useContext(MusicContext);
}

/** albumTracks lists an album's tracks in order. */
export async function albumTracks(get: <T>(path: string, q?: Record<string, string | number>) => Promise<T>, album: string): Promise<Item[]> {
	const p = await get<Page<Item>>('/items', { parent: album, type: 'track', sort: 'index', limit: 1000 });
	return p.items;
}

/** storage is localStorage, or memory where the browser refuses it (the queue then lasts as
 * long as the page). */
function storage(): KV {
	try {
		return typeof localStorage !== 'undefined' ? localStorage : new MemoryKV();
	} catch {
		return new MemoryKV();
	}
}

/** saveEvery is how often (ms) the position in a playing track is saved. */
const saveEvery = 5000;

/** MusicProvider owns the <audio> element and the queue, and shows the mini-player bar on every
 * page while there is a queue: it sits above the routes, so pages come and go under the music. */
export function MusicProvider({ children }: { children: ComponentChildren }) {
	const api = useApi();
	const audioRef = useRef<HTMLAudioElement>(null);
	// The queue survives a reload: it is saved per user and comes back paused where it was.
	const kv = useMemo(storage, []);
	const userId = api.store.current()?.userId ?? '';
	const [restored] = useState(() => (userId ? loadQueue(kv, userId) : undefined));
	// restoreAt is where the restored track starts, paused: the first load's only. savePos is the
	// position to save until the track loaded plays (until then the element's currentTime is 0 or
	// the last track's).
	const restoreAt = useRef(restored?.position);
	const savePos = useRef(restored?.position);
	const [queue, setQueue] = useState<Queue<Item> | undefined>(restored?.queue);
	const [error, setError] = useState('');
	const track = queue ? current(queue) : undefined;
	// A new queue object with the same track (repeat one, shuffle) must restart or keep it:
	// the engine reloads on a new play number, not on every queue change.
	const [play, setPlay] = useState(0);

	useEffect(() => {
		const a = audioRef.current!;
		if (!track) return;
		let live = true;
		let eng: Engine | undefined;
		let reporter: ProgressReporter | undefined;
		let played = false;
		// A restored queue loads its track paused, where it was; any other track plays at once.
		const start = restoreAt.current;
		restoreAt.current = undefined;
		if (start === undefined) savePos.current = 0;
		setError('');
		(async () => {
			const mt = await api.call<{ token: string }>('POST', `/items/${track.id}/media-token`);
			const d = await api.call<Decision>('POST', `/items/${track.id}/playback`, {});
			if (!live) return;
			const method = d.method === 'directplay' ? 'direct' : d.method === 'unplayable' ? undefined : d.method;
			reporter = new ProgressReporter((body) => api.call('POST', `/items/${track.id}/progress`, body, undefined, !!body.stopped), () => a.currentTime, { fileId: d.fileId, method });
			const r = reporter;
			a.onplaying = () => {
				played = true;
				savePos.current = undefined;
				r.playing();
			};
			a.onpause = () => !a.ended && r.paused();
			eng = await openEngine(a, d, 'auto', mt.token, true, { start: start ?? 0, subtitles: [], audioStreams: [], onChange: () => {}, onError: (m) => live && setError(m) });
			if (!live) return eng.destroy();
			if (start === undefined) a.play().catch(() => {});
		})().catch((e) => live && setError(message(e)));
		return () => {
			live = false;
			if (played) reporter?.stopped(); // a restored track never played is no play
			a.onplaying = a.onpause = null;
			eng?.destroy();
		};
	}, [api, track?.id, play]);

	// A restored queue whose current track is gone from the server (deleted, or out of reach) is
	// dropped rather than left to fail.
	useEffect(() => {
		const id = restored ? current(restored.queue).id : '';
		if (!id) return;
		stillThere((path) => api.get(path), id).then((ok) => {
			if (ok) return;
			forgetQueue(kv, userId);
			setQueue((q) => (q === restored?.queue ? undefined : q));
		});
	}, []);

	// Save the queue when it changes, and the position while it plays, on pause and on leaving.
	const latest = useRef(queue);
	latest.current = queue;
	const save = () => {
		const a = audioRef.current;
		if (userId) saveQueue(kv, userId, latest.current, savePos.current ?? a?.currentTime ?? 0);
	};
	useEffect(save, [queue]);
	useEffect(() => {
		const a = audioRef.current!;
		let last = 0;
		const onTime = () => {
			if (Date.now() - last < saveEvery) return;
			last = Date.now();
			save();
		};
		// A seek (the restored start applied, or the user's) makes the element's time the one.
		const onSeeked = () => {
			savePos.current = undefined;
			save();
		};
		a.addEventListener('timeupdate', onTime);
		a.addEventListener('seeked', onSeeked);
		a.addEventListener('pause', save);
		addEventListener('pagehide', save);
		return () => {
			a.removeEventListener('timeupdate', onTime);
			a.removeEventListener('seeked', onSeeked);
			a.removeEventListener('pause', save);
			removeEventListener('pagehide', save);
		};
	}, []);

	const advance = (ended: boolean) => {
		if (!queue) return;
		const n = next(queue, ended);
		if (!n) {
			audioRef.current!.pause();
			return;
		}
		setQueue(n);
		if (current(n).id === current(queue).id) setPlay((x) => x + 1);
	};

	const back = () => {
		if (!queue) return;
		const p = previous(queue, audioRef.current!.currentTime);
		if (p.restart) audioRef.current!.currentTime = 0;
		else setQueue(p.queue);
	};

	// The system's media controls (media keys, headset buttons, the lock screen) act on the queue.
	const keys = useRef({ next: () => advance(false), back });
	keys.current = { next: () => advance(false), back };
	useEffect(() => {
		const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
		if (!ms || !track) return;
		const art = track.parentId ? [{ src: api.mediaUrl(`/items/${track.parentId}/images/Primary/0`, { maxWidth: 256 }) }] : [];
		ms.metadata = new MediaMetadata({ title: track.title, artwork: art });
		ms.setActionHandler('nexttrack', () => keys.current.next());
		ms.setActionHandler('previoustrack', () => keys.current.back());
		return () => {
			ms.setActionHandler('nexttrack', null);
			ms.setActionHandler('previoustrack', null);
		};
	}, [api, track?.id]);

	const music = useMemo<Music>(
		() => ({
			play: (tracks, start = 0, opts = {}) => {
				if (tracks.length === 0) return;
				const q = opts.shuffle ? setShuffle(queueOf(tracks, Math.floor(Math.random() * tracks.length)), true) : queueOf(tracks, start);
				setQueue(q);
				setPlay((x) => x + 1);
			},
			pause: () => audioRef.current?.pause(),
			playing: track,
		}),
		[track],
	);

	return (
		<MusicContext.Provider value={music}>
			{children}
			<audio ref={audioRef} onEnded={() => advance(true)} />
			{queue && track && (
				<MiniPlayer
					audio={audioRef}
					queue={queue}
					error={error}
					onNext={() => advance(false)}
					onPrevious={back}
					onQueue={setQueue}
					onClose={() => {
						audioRef.current!.pause();
						setQueue(undefined);
					}}
				/>
			)}
		</MusicContext.Provider>
	);
}

function MiniPlayer({ audio, queue, error, onNext, onPrevious, onQueue, onClose }: {
	audio: { current: HTMLAudioElement | null };
	queue: Queue<Item>;
	error: string;
	onNext: () => void;
	onPrevious: () => void;
	onQueue: (q: Queue<Item>) => void;
	onClose: () => void;
}) {
	const [, set] = useState(0);
	const [showQueue, setShowQueue] = useState(false);
	useEffect(() => {
		const a = audio.current!;
		const evs = ['timeupdate', 'play', 'pause', 'durationchange'];
		const on = () => set((n) => n + 1);
		for (const e of evs) a.addEventListener(e, on);
		return () => evs.forEach((e) => a.removeEventListener(e, on));
	}, [audio]);
	const a = audio.current;
	const t = current(queue);
	if (!a) return null;
	const d = Number.isFinite(a.duration) ? a.duration : 0;
	const repeatLabel = { off: 'Repeat: off', all: 'Repeat: all', one: 'Repeat: one' }[queue.repeat];
	return (
		<section class="mini-player" aria-label="Music player">
			<div class="mini-now">
				<a href={href({ name: 'item', id: t.parentId ?? t.id })} class="mini-title">
					{t.title}
				</a>
				<span class="time">
					{clock(a.currentTime * 1000)} / {clock(d * 1000)}
				</span>
			</div>
			<SeekBar current={a.currentTime} duration={d} buffered={0} thumbs={[]} onSeek={(s) => (a.currentTime = s)} />
			<div class="mini-buttons">
				<button type="button" aria-label="Previous track" onClick={onPrevious}>
					<Icon name="previous" />
				</button>
				<button type="button" aria-label={a.paused ? 'Play' : 'Pause'} onClick={() => (a.paused ? a.play().catch(() => {}) : a.pause())}>
					<Icon name={a.paused ? 'play' : 'pause'} />
				</button>
				<button type="button" aria-label="Next track" onClick={onNext}>
					<Icon name="next" />
				</button>
				<button type="button" aria-label="Shuffle" aria-pressed={queue.shuffle} onClick={() => onQueue(setShuffle(queue, !queue.shuffle))}>
					<Icon name="shuffle" />
				</button>
				<button type="button" aria-label={repeatLabel} title={repeatLabel} aria-pressed={queue.repeat !== 'off'} data-repeat={queue.repeat} onClick={() => onQueue(cycleRepeat(queue))}>
					<Icon name="repeat" badge={queue.repeat === 'one' ? '1' : undefined} />
				</button>
				<button type="button" aria-label="Queue" aria-expanded={showQueue} onClick={() => setShowQueue(!showQueue)}>
					<Icon name="queue" />
				</button>
				<button type="button" aria-label="Close the music player" onClick={onClose}>
					<Icon name="close" />
				</button>
			</div>
			{error && <ErrorBox error={error} />}
			{showQueue && (
				<ol class="mini-queue" aria-label="Queue">
					{queue.order.map((i, pos) => (
						<li key={queue.items[i].id} aria-current={pos === queue.pos ? 'true' : undefined}>
							<button type="button" onClick={() => onQueue(jump(queue, i))}>
								{queue.items[i].title}
							</button>
						</li>
					))}
				</ol>
			)}
		</section>
	);
}

/** AlbumTracks is an album's track list on its page: Play (the album as a queue) and each track,
 * which plays the album from it. */
export function AlbumTracks({ album }: { album: Item }) {
	const api = useApi();
	const music = useMusic();
	const tracks = useAsync(() => albumTracks((path, q) => api.get(path, q), album.id), [album.id]);
	if (tracks.error) return <ErrorBox error={tracks.error} />;
	if (!tracks.data) return <Spinner />;
	const list = tracks.data;
	if (list.length === 0) return null;
	return (
		<section aria-labelledby="tracks-h">
			<h2 id="tracks-h">Tracks</h2>
			<div class="actions">
				<button type="button" class="primary" onClick={() => music.play(list)}>
					Play album
				</button>
			</div>
			<ol class="tracks">
				{list.map((t, i) => (
					<li key={t.id}>
						<button type="button" aria-current={music.playing?.id === t.id ? 'true' : undefined} onClick={() => music.play(list, i)}>
							<span class="track-no">{t.indexNumber ?? i + 1}</span>
							<span class="track-title">{t.title}</span>
							{t.runtimeMs ? <span class="track-time">{clock(t.runtimeMs)}</span> : null}
						</button>
					</li>
				))}
			</ol>
		</section>
	);
}
