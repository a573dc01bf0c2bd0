import { useEffect, useRef, useState } from 'preact/hooks';
import { message, useApi } from './context';
import { Controls, toggle } from './controls';
import type { Decision, Engine, EngineOptions, Level, StreamPref } from './engine';
import { openEngine } from './engines';
import { useMusic } from './music';
import { nextEpisode, nextInPlaylist } from './nextepisode';
import { ProgressReporter, type ProgressBody } from './progress';
import { href } from './router';
import { useThumbs } from './seekbar';
import { burnedIn, chooseSubtitle, isPictureSubtitle, levelNear } from './subtitlemenu';
import { isTextSubtitle } from './tracks';
import type { Item, ItemDetail, MediaFile, UserData } from './types';
import './player.css';

/** autoplayAfter is how long (seconds) the end of an episode waits before the next one plays. */
export const autoplayAfter = 10;

const prefKey = 'walros.player.stream';

/** streamPref is the user's choice of streaming protocol, kept in this browser. */
export function streamPref(): StreamPref {
	const v = localStorage.getItem(prefKey);
	return v === 'hls' || v === 'dash' ? v : 'auto';
}

/** Load is what a (re)load of the stream asks the server for. */
interface Load {
	audioTrack?: number;
	maxHeight?: number;
	/** subtitle is the one asked of the decision (a picture one is burnt in; -1: none);
	 * undefined leaves the choice to the server, as on the first load. */
	subtitle?: number;
	/** level is the quality played before a reload, chosen again when the stream has it. */
	level?: Pick<Level, 'height' | 'original'>;
	pref: StreamPref;
	/** start is where to begin, in seconds. */
	start: number;
}

/** Player plays a video item: the engine the server's playback decision calls for, from the
 * user's resume point, with its own controls (seek previews, audio, subtitle and quality menus,
 * keyboard shortcuts), progress reports, and at the end the next episode, or the next entry of
 * the playlist it plays (playlist). */
export function Player({ id, playlist }: { id: string; playlist?: string }) {
	const api = useApi();
	const music = useMusic();
	const videoRef = useRef<HTMLVideoElement>(null);
	const boxRef = useRef<HTMLDivElement>(null);
	const [item, setItem] = useState<ItemDetail>();
	const [file, setFile] = useState<MediaFile>();
	const [token, setToken] = useState('');
	const [decision, setDecision] = useState<Decision>();
	const [engine, setEngine] = useState<Engine>();
	const [load, setLoad] = useState<Load>();
	const [error, setError] = useState('');
	const [next, setNext] = useState<Item | null>(null);
	const [countdown, setCountdown] = useState<number | null>(null);
	const [, setTick] = useState(0);
	const reporter = useRef<ProgressReporter>();
	// The reporter's options: the method is known once a decision is, and is the last one's.
	const reportOpts = useRef<{ fileId?: string; method?: ProgressBody['method'] }>({});
	// shownSub is the subtitle shown (-1: none) when the stream is reloaded, to show it again;
	// undefined until the user chose, when the server's choice stands. lastOn is the last one
	// turned on, which c turns on again.
	const shownSub = useRef<number>();
	const lastOn = useRef(-1);
	// switching is true from a reload until its engine is attached: the old engine's teardown
	// empties the element, whose pause or end then says nothing about the play.
	const switching = useRef(false);
	// startAt is where a load starts, until the element plays: before that its currentTime is 0
	// (hls.js seeks to the start once it has a fragment), and a report must not say 0.
	const startAt = useRef<number | null>(null);

	// The item, the resume point and a media token; then the first load. (The app keys the
	// player by item: another item is another Player.)
	useEffect(() => {
		let live = true;
		music.pause(); // one thing plays at a time
		(async () => {
			const [it, ud, mt] = await Promise.all([
				api.get<ItemDetail>(`/items/${id}`),
				api.get<UserData>(`/items/${id}/userdata`),
				// A media token lasts a day: the stream outlives the minutes an access token does.
				api.call<{ token: string }>('POST', `/items/${id}/media-token`),
			]);
			if (!live) return;
			// Resume in the version the resume point was reached in: another cut may not line up.
			const f = it.files.find((x) => x.id === ud.positionFileId) ?? it.files[0];
			if (!f) throw new Error('This item has no media file.');
			setItem(it);
			setFile(f);
			setToken(mt.token);
			setLoad({ pref: streamPref(), start: ud.played ? 0 : ud.positionMs / 1000 });
			const get = <T,>(path: string, q?: Record<string, string | number>) => api.get<T>(path, q);
			(playlist ? nextInPlaylist(get, playlist, id) : nextEpisode(get, it)).then((n) => live && setNext(n), () => {});
		})().catch((e) => live && setError(message(e)));
		return () => {
			live = false;
		};
	}, [api, id, playlist]);

	// Progress reports, one reporter for the item's whole play.
	useEffect(() => {
		const v = videoRef.current!;
		if (!file) return;
		reportOpts.current.fileId = file.id;
		const r = new ProgressReporter((body) => api.call('POST', `/items/${id}/progress`, body, undefined, !!body.stopped), () => startAt.current ?? v.currentTime, reportOpts.current);
		reporter.current = r;
		const onPlaying = () => {
			startAt.current = null;
			r.playing();
		};
		const onPause = () => !v.ended && !switching.current && r.paused();
		const onSeeked = () => v.paused && r.paused();
		const onHide = () => r.stopped(); // closing the tab ends playback too (keepalive)
		v.addEventListener('playing', onPlaying);
		v.addEventListener('pause', onPause);
		v.addEventListener('seeked', onSeeked);
		addEventListener('pagehide', onHide);
		return () => {
			v.removeEventListener('playing', onPlaying);
			v.removeEventListener('pause', onPause);
			v.removeEventListener('seeked', onSeeked);
			removeEventListener('pagehide', onHide);
			r.stopped();
		};
	}, [api, id, file]);

	// Each load: a decision, then its engine.
	useEffect(() => {
		const v = videoRef.current!;
		if (!item || !file || !load) return;
		let live = true;
		let eng: Engine | undefined;
		startAt.current = load.start;
		(async () => {
			const d = await api.call<Decision>('POST', `/items/${id}/playback`, {
				file: file.id,
				audioTrack: load.audioTrack,
				maxHeight: load.maxHeight || undefined,
				subtitle: load.subtitle,
			});
			if (!live) return;
			setDecision(d);
			reportOpts.current.method = d.method === 'directplay' ? 'direct' : d.method === 'unplayable' ? undefined : d.method;
			const subs = file.streams.filter(isTextSubtitle).map((s) => ({
				stream: s.index,
				src: api.url(`/items/${id}/subtitles/${s.index}.vtt`, { file: file.id, token }),
				lang: s.language ?? '',
				label: s.title || s.language || `Subtitle ${s.index}`,
			}));
			// The subtitle to show: the one shown before a reload, else the server's choice.
			let pending = shownSub.current ?? (d.subtitle && d.subtitle.mode !== 'burn' ? d.subtitle.stream : -1);
			if (burnedIn(d) >= 0) {
				pending = -1; // one subtitle at a time: the picture drawn in
				lastOn.current = burnedIn(d);
			}
			let level = load.level;
			const o: EngineOptions = {
				start: load.start,
				subtitles: subs,
				audioStreams: file.streams.filter((s) => s.type === 'audio').map((s) => s.index),
				onChange: () => {
					if (pending >= 0 && eng && eng.subtitles().streams.includes(pending)) {
						const s = pending;
						pending = -1;
						lastOn.current = s;
						eng.setSubtitle(s);
					}
					if (level && eng && eng.levels().length > 0) {
						const want = levelNear(eng.levels(), level);
						level = undefined;
						eng.setLevel(want);
					}
					setTick((n) => n + 1);
				},
				onError: (m) => live && setError(m),
			};
			eng = await openEngine(v, d, load.pref, token, false, o, load.audioTrack);
			if (!live) {
				eng.destroy();
				return;
			}
			switching.current = false;
			setEngine(eng);
			o.onChange();
			v.play().catch(() => {
				// Autoplay refused: the play button is there.
			});
		})().catch((e) => live && setError(message(e)));
		return () => {
			live = false;
			eng?.destroy();
		};
	}, [api, id, item, file, load, token]);

	// The end of an episode: count down to the next one.
	useEffect(() => {
		const v = videoRef.current!;
		const onEnded = () => {
			if (switching.current) return;
			reporter.current?.stopped();
			if (next) setCountdown((c) => c ?? autoplayAfter); // a running countdown goes on
		};
		// A stream whose tracks end a little apart can leave MSE waiting for data a few frames
		// from the end, where no 'ended' ever comes: waiting within a second of the end is the end.
		const onWaiting = () => {
			if (v.duration - v.currentTime < 1 && !switching.current) onEnded();
		};
		v.addEventListener('ended', onEnded);
		v.addEventListener('waiting', onWaiting);
		return () => {
			v.removeEventListener('ended', onEnded);
			v.removeEventListener('waiting', onWaiting);
		};
	}, [next]);
	useEffect(() => {
		if (countdown === null || !next) return;
		if (countdown <= 0) {
			location.hash = href({ name: 'play', id: next.id, playlist });
			return;
		}
		const t = setTimeout(() => setCountdown(countdown - 1), 1000);
		return () => clearTimeout(t);
	}, [countdown, next]);

	// The countdown takes the focus, so that Enter (or Escape) cancels it from the keyboard.
	const cancelRef = useRef<HTMLButtonElement>(null);
	const counting = countdown !== null;
	useEffect(() => {
		if (counting) cancelRef.current?.focus();
	}, [counting]);

	// reload streams again from where the video is, with what is shown kept unless change says
	// otherwise: the subtitle (burnt in, or a text track, then shown as `show`), the audio track
	// and the quality.
	const reload = (change: Partial<Load>, show?: number) => {
		switching.current = true;
		const v = videoRef.current!;
		let level = load!.level;
		if (engine) {
			level = undefined;
			shownSub.current = show ?? engine.subtitles().current ?? -1;
			const l = engine.levels()[engine.level()];
			if (l && change.maxHeight === undefined) level = { height: l.height, original: l.original };
		}
		const burned = burnedIn(decision);
		const subtitle = burned >= 0 ? burned : (shownSub.current ?? load!.subtitle);
		setEngine(undefined);
		setLoad({ ...load!, subtitle, level, ...change, start: v.currentTime });
	};
	const chooseSub = (s: number) => {
		const pictures = file?.streams.filter(isPictureSubtitle).map((x) => x.index) ?? [];
		const a = chooseSubtitle(s, pictures, burnedIn(decision));
		if (!a) return;
		if (s >= 0) lastOn.current = s;
		if (a.kind === 'reload') {
			reload({ subtitle: a.subtitle }, a.show);
			return;
		}
		shownSub.current = s;
		engine?.setSubtitle(s);
	};
	const back = item?.parentId && item.type === 'episode' ? href({ name: 'item', id: item.parentId }) : href({ name: 'item', id });
	const thumbs = useThumbs(file && token ? api.url(`/items/${id}/thumbs/thumbs.vtt`, { file: file.id, token }) : undefined);

	return (
		<div class="player" ref={boxRef} data-engine={engine?.kind ?? ''}>
			<div class="player-bar">
				<a class="button" href={back}>
					Back
				</a>
				<h1>{item?.title ?? ''}</h1>
			</div>
			<div class="player-stage">
				<video ref={videoRef} playsInline aria-label={item?.title || 'Video'} onClick={(e) => toggle(e.currentTarget)} />
				{item && file && (
					<Controls
						video={videoRef}
						box={boxRef}
						file={file}
						engine={engine}
						decision={decision}
						load={load}
						thumbs={thumbs}
						next={next}
						playlist={playlist}
						onReload={reload}
						onSubtitle={chooseSub}
						lastSubtitle={() => lastOn.current}
						onPref={(p) => {
							localStorage.setItem(prefKey, p);
							reload({ pref: p });
						}}
					/>
				)}
				{countdown !== null && next && (
					<div class="next-up" role="alertdialog" aria-label={playlist ? 'Next in the playlist' : 'Next episode'} aria-live="polite" onKeyDown={(e) => e.key === 'Escape' && setCountdown(null)}>
						<p>
							{playlist ? 'Next in the playlist' : 'Next episode'} in {countdown} s: <strong>{next.title}</strong>
						</p>
						<div class="actions">
							<a class="button primary" href={href({ name: 'play', id: next.id, playlist })}>
								Play now
							</a>
							<button type="button" ref={cancelRef} onClick={() => setCountdown(null)}>
								Cancel
							</button>
						</div>
					</div>
				)}
			</div>
			{error && (
				<p class="error player-error" role="alert">
					{error}
				</p>
			)}
		</div>
	);
}
