// subtitlemenu.ts is the player's Subtitles menu. Text subtitles are tracks the engine shows in
// place. Picture subtitles (PGS, VobSub) cannot be tracks: the server draws them into the video
// (the decision's burn mode), so choosing one, or leaving one for a text track or Off, reloads
// the stream through the playback decision.

import type { Decision, Level, Tracks } from './engine';
import type { Choice } from './menu';
import { isTextSubtitle, labelled, type Stream } from './tracks';

/** isPictureSubtitle tells an embedded picture subtitle, which the server can burn in; one in a
 * sidecar file cannot be shown at all (the server refuses it). */
export function isPictureSubtitle(s: Stream): boolean {
	return s.type === 'subtitle' && !isTextSubtitle(s) && !s.external;
}

/** burnedIn is the subtitle a decision draws into the video, or -1. */
export function burnedIn(d: Decision | undefined): number {
	return d?.subtitle?.mode === 'burn' ? d.subtitle.stream : -1;
}

/** SubtitleMenu is what the menu offers and which choice is checked. */
export interface SubtitleMenu {
	choices: Choice<number>[];
	value: number;
	/** text and pictures are the stream indices offered of each kind. */
	text: number[];
	pictures: number[];
}

/** subtitleMenu lists Off, the text tracks the engine has, then the file's picture subtitles
 * ("English (burned in)"). The checked one is the burnt-in subtitle, else the text track shown. */
export function subtitleMenu(streams: Stream[], text: Tracks, burned: number): SubtitleMenu {
	const labels = new Map(labelled(streams, 'subtitle').map((s) => [s.stream.index, s.label]));
	const pictures = streams.filter(isPictureSubtitle).map((s) => s.index);
	const choices: Choice<number>[] = [
		{ value: -1, label: 'Off' },
		...text.streams.map((s) => ({ value: s, label: labels.get(s) ?? `Subtitle ${s}` })),
		...pictures.map((s) => ({ value: s, label: `${labels.get(s) ?? `Subtitle ${s}`} (burned in)` })),
	];
	return { choices, value: burned >= 0 ? burned : (text.current ?? -1), text: text.streams, pictures };
}

/** SubtitleAction is what choosing a subtitle does: show a text track (or none) in place, or
 * reload the stream asking the decision for `subtitle` (a picture to burn in; a text track or -1
 * to stop burning one) and then show the text track `show` (-1: none). */
export type SubtitleAction = { kind: 'show'; stream: number } | { kind: 'reload'; subtitle: number; show: number };

/** chooseSubtitle is what picking stream (-1: Off) does while `burned` is drawn in (-1: none);
 * null when it changes nothing. */
export function chooseSubtitle(stream: number, pictures: number[], burned: number): SubtitleAction | null {
	if (burned >= 0 && stream === burned) return null;
	if (pictures.includes(stream)) return { kind: 'reload', subtitle: stream, show: -1 };
	if (burned >= 0) return { kind: 'reload', subtitle: stream, show: stream };
	return { kind: 'show', stream };
}

/** toggleTarget is the subtitle the on/off shortcut (c) chooses: Off when one is shown or burnt
 * in; else the last one turned on, if offered; else the first text track, else the first picture
 * one (-1 when the file has none). */
export function toggleTarget(m: SubtitleMenu, last: number): number {
	if (m.value >= 0) return -1;
	if (last >= 0 && (m.text.includes(last) || m.pictures.includes(last))) return last;
	return m.text[0] ?? m.pictures[0] ?? -1;
}

/** levelNear is the level to choose after a reload for the one played before (undefined:
 * automatic): the same level (height, and whether it copies the original), else one of the same
 * height, else the tallest below it, else the smallest; -1 (automatic) when there is none. */
export function levelNear(levels: Level[], was: Pick<Level, 'height' | 'original'> | undefined): number {
	if (!was || levels.length === 0) return -1;
	const score = (l: Level) => (l.height === was.height ? (l.original === was.original ? 3 : 2) : l.height < was.height ? 1 : 0);
	let best = 0;
	for (const [i, l] of levels.entries()) {
		const b = levels[best];
		const d = score(l) - score(b);
		// Among levels below, the tallest; among levels above, the smallest.
		if (d > 0 || (d === 0 && score(l) === 1 && l.height > b.height) || (d === 0 && score(l) === 0 && l.height < b.height)) best = i;
	}
	return best;
}
