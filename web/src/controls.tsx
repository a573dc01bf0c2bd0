import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { streamPrefs, type Decision, type Engine, type StreamPref } from './engine';
import { clock } from './format';
import { Icon } from './icons';
import { ChoiceMenu, type Choice } from './menu';
import { href } from './router';
import { SeekBar } from './seekbar';
import { actionFor, keyName, seekStep, shortcuts, volumeStep, type Action } from './shortcuts';
import type { Thumb } from './thumbs';
import { burnedIn, subtitleMenu, toggleTarget } from './subtitlemenu';
import { labelled } from './tracks';
import type { Item, MediaFile } from './types';

/** heights are the qualities offered for a file played as it is: asking for one makes the server
 * transcode it (the decision's maxHeight). */
const heights = [1080, 720, 480, 360];

/** useMediaState re-renders on the element's time, play, volume and buffer events. */
function useMediaState(ref: RefObject<HTMLMediaElement>) {
	const [, set] = useState(0);
	useEffect(() => {
		const v = ref.current!;
		const evs = ['timeupdate', 'durationchange', 'play', 'pause', 'volumechange', 'progress', 'loadedmetadata', 'seeked'];
		const on = () => set((n) => n + 1);
		for (const e of evs) v.addEventListener(e, on);
		return () => evs.forEach((e) => v.removeEventListener(e, on));
	}, [ref]);
	return ref.current;
}

function bufferedAt(v: HTMLMediaElement): number {
	for (let i = 0; i < v.buffered.length; i++) {
		if (v.buffered.start(i) <= v.currentTime + 0.5 && v.currentTime <= v.buffered.end(i)) return v.buffered.end(i);
	}
	return 0;
}

interface Props {
	video: RefObject<HTMLVideoElement>;
	box: RefObject<HTMLDivElement>;
	file: MediaFile;
	engine?: Engine;
	decision?: Decision;
	load?: { maxHeight?: number; pref: StreamPref; audioTrack?: number };
	thumbs: Thumb[];
	next: Item | null;
	/** playlist is the playlist being played, whose next entry next is. */
	playlist?: string;
	onReload: (change: { audioTrack?: number; maxHeight?: number; pref?: StreamPref }) => void;
	/** onSubtitle shows a subtitle (-1: none), text in place or a picture burnt in. */
	onSubtitle: (stream: number) => void;
	lastSubtitle: () => number;
	onPref: (p: StreamPref) => void;
}

/** Controls is the player's control bar and its keyboard shortcuts (the table in shortcuts.ts,
 * shown by "?"). */
export function Controls(p: Props) {
	const v = useMediaState(p.video);
	const [help, setHelp] = useState(false);
	const [idle, setIdle] = useState(false);
	const e = p.engine;

	// The controls fade out after 3 s without the pointer or keyboard while playing.
	useEffect(() => {
		const box = p.box.current!;
		let t: ReturnType<typeof setTimeout>;
		const wake = () => {
			setIdle(false);
			clearTimeout(t);
			t = setTimeout(() => setIdle(true), 3000);
		};
		box.addEventListener('pointermove', wake);
		box.addEventListener('keydown', wake);
		wake();
		return () => {
			clearTimeout(t);
			box.removeEventListener('pointermove', wake);
			box.removeEventListener('keydown', wake);
		};
	}, [p.box]);

	const audio = labelled(p.file.streams, 'audio');
	const inPlace = e?.audio().streams ?? [];
	const audioNow = e?.audio().current ?? p.load?.audioTrack ?? p.decision?.audio?.stream;
	const subs = e?.subtitles() ?? { streams: [], current: -1 };
	const subMenu = subtitleMenu(p.file.streams, subs, burnedIn(p.decision));
	const levels = e?.levels() ?? [];
	const srcHeight = p.file.streams.find((s) => s.type === 'video')?.height ?? 0;
	let quality: { choices: Choice<number>[]; value: number; pick: (n: number) => void };
	if (levels.length > 0) {
		quality = {
			choices: [{ value: -1, label: 'Auto' }, ...levels.map((l, i) => ({ value: i, label: `${l.height}p${l.original ? ' (original)' : ''}, ${(l.bitrate / 1e6).toFixed(1)} Mb/s` }))],
			value: e!.level(),
			pick: (i) => e!.setLevel(i),
		};
	} else {
		quality = {
			choices: [{ value: 0, label: 'Original' }, ...heights.filter((h) => !srcHeight || h < srcHeight).map((h) => ({ value: h, label: `${h}p` }))],
			value: p.load?.maxHeight ?? 0,
			pick: (h) => p.onReload({ maxHeight: h }),
		};
	}
	const subtitleOnOff = () => {
		if (!e) return;
		const now = subtitleMenu(p.file.streams, e.subtitles(), burnedIn(p.decision)); // the engine's state now, not the last render's
		const s = toggleTarget(now, p.lastSubtitle());
		if (s !== now.value) p.onSubtitle(s);
	};
	const chooseAudio = (s: number) => {
		if (inPlace.includes(s)) e!.setAudio(s);
		// A file played as it is cannot change track in place (Chromium has no audioTracks): stream it.
		else p.onReload({ audioTrack: s, pref: p.load?.pref === 'dash' ? 'dash' : 'hls' });
	};
	const fullscreen = () => {
		if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
		else p.box.current?.requestFullscreen().catch(() => {});
	};
	const seek = (t: number) => {
		if (!v) return;
		v.currentTime = Math.max(0, Math.min(t, v.duration || t));
	};
	const act = (a: Action) => {
		if (!v) return;
		switch (a) {
			case 'toggle':
				return toggle(v);
			case 'back':
				return seek(v.currentTime - seekStep);
			case 'forward':
				return seek(v.currentTime + seekStep);
			case 'volumeUp':
				v.muted = false;
				v.volume = Math.min(1, v.volume + volumeStep);
				return;
			case 'volumeDown':
				v.volume = Math.max(0, v.volume - volumeStep);
				return;
			case 'mute':
				v.muted = !v.muted;
				return;
			case 'fullscreen':
				return fullscreen();
			case 'subtitles':
				return subtitleOnOff();
			case 'next':
				if (p.next) location.hash = href({ name: 'play', id: p.next.id, playlist: p.playlist });
				return;
			case 'help':
				return setHelp(!help);
		}
	};

	// One listener for the player's life, calling this render's act: a key pressed right after
	// another must see what the first one did.
	const latest = useRef({ act, help });
	latest.current = { act, help };
	useEffect(() => {
		const onKey = (ev: KeyboardEvent) => {
			const { act, help } = latest.current;
			if (ev.key === 'Escape' && help) {
				setHelp(false);
				return;
			}
			const t = ev.target as HTMLElement;
			if (t.closest('input:not([type=range]), select, textarea, [role=menu], [role=alertdialog]')) return;
			const a = actionFor(ev);
			if (!a) return;
			// Space and Enter on a button press the button; the shortcut must not act as well.
			if (a === 'toggle' && ev.key === ' ' && t.closest('button, a')) return;
			ev.preventDefault();
			act(a);
		};
		addEventListener('keydown', onKey);
		return () => removeEventListener('keydown', onKey);
	}, []);

	if (!v) return null;
	const paused = v.paused;
	const d = Number.isFinite(v.duration) ? v.duration : 0;
	return (
		<div class={`player-controls${idle && !paused && !help ? ' idle' : ''}`}>
			<SeekBar current={v.currentTime} duration={d} buffered={bufferedAt(v)} thumbs={p.thumbs} onSeek={seek} />
			<div class="controls-row">
				<button type="button" class="play-button" aria-label={paused ? 'Play' : 'Pause'} onClick={() => toggle(v)}>
					<Icon name={paused ? 'play' : 'pause'} />
				</button>
				<button type="button" aria-label="Back 10 seconds" onClick={() => act('back')}>
					−10
				</button>
				<button type="button" aria-label="Forward 10 seconds" onClick={() => act('forward')}>
					+10
				</button>
				<span class="time" aria-live="off">
					{clock(v.currentTime * 1000)} / {clock(d * 1000)}
				</span>
				<button type="button" aria-label={v.muted ? 'Unmute' : 'Mute'} aria-pressed={v.muted} onClick={() => act('mute')}>
					<Icon name={v.muted || v.volume === 0 ? 'muted' : 'volume'} />
				</button>
				<input
					type="range"
					class="volume"
					aria-label="Volume"
					min={0}
					max={1}
					step={0.05}
					value={v.muted ? 0 : v.volume}
					onInput={(ev) => {
						v.volume = Number((ev.target as HTMLInputElement).value);
						v.muted = v.volume === 0;
					}}
				/>
				<span class="spacer" />
				{audio.length > 1 && (
					<ChoiceMenu label="Audio" choices={audio.map((a) => ({ value: a.stream.index, label: a.label }))} value={audioNow ?? -1} onChoose={chooseAudio} disabled={!e} />
				)}
				<ChoiceMenu label="Subtitles" choices={subMenu.choices} value={subMenu.value} onChoose={p.onSubtitle} disabled={!e || subMenu.choices.length === 1} />
				<ChoiceMenu label="Quality" choices={quality.choices} value={quality.value} onChoose={quality.pick} disabled={!e} />
				<ChoiceMenu
					label="Streaming"
					choices={streamPrefs.map((s) => ({ value: s, label: s === 'auto' ? 'Automatic' : s.toUpperCase() }))}
					value={p.load?.pref ?? 'auto'}
					onChoose={p.onPref}
					disabled={!e}
				/>
				{p.next && (
					<a class="button" href={href({ name: 'play', id: p.next.id, playlist: p.playlist })} title={p.next.title}>
						{p.playlist ? 'Next' : 'Next episode'}
					</a>
				)}
				<button type="button" aria-label="Keyboard shortcuts" aria-expanded={help} onClick={() => setHelp(!help)}>
					?
				</button>
				<button type="button" aria-label="Full screen" onClick={fullscreen}>
					<Icon name="fullscreen" />
				</button>
			</div>
			{help && <Help onClose={() => setHelp(false)} />}
		</div>
	);
}

function Help({ onClose }: { onClose: () => void }) {
	const close = useRef<HTMLButtonElement>(null);
	useEffect(() => close.current?.focus(), []);
	return (
		<div class="shortcut-help" role="dialog" aria-label="Keyboard shortcuts">
			<h2>Keyboard shortcuts</h2>
			<table>
				<tbody>
					{shortcuts.map((s) => (
						<tr key={s.action}>
							<td>
								{s.keys.map((k) => (
									<kbd key={k}>{keyName(k)}</kbd>
								))}
							</td>
							<td>{s.label}</td>
						</tr>
					))}
				</tbody>
			</table>
			<button type="button" ref={close} onClick={onClose}>
				Close
			</button>
		</div>
	);
}

/** toggle plays a paused element and pauses a playing one. */
export function toggle(v: HTMLMediaElement): void {
	if (v.paused) {
		v.play().catch(() => {});
	} else {
		v.pause();
	}
}
