// tracks.ts names a file's audio and subtitle streams for the player's menus.

import type { MediaFile } from './types';

export type Stream = MediaFile['streams'][number];

/** textCodecs are the subtitle codecs the server converts to WebVTT; the others (PGS, VobSub)
 * are pictures, which can only be burnt into the video. */
const textCodecs = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'vtt', 'mov_text', 'text']);

export function isTextSubtitle(s: Stream): boolean {
	return s.type === 'subtitle' && textCodecs.has(s.codec.toLowerCase());
}

const languages: Record<string, string> = {
	eng: 'English', en: 'English', fre: 'French', fra: 'French', fr: 'French', ger: 'German', deu: 'German', de: 'German',
	spa: 'Spanish', es: 'Spanish', ita: 'Italian', it: 'Italian', jpn: 'Japanese', ja: 'Japanese', por: 'Portuguese', pt: 'Portuguese',
	dut: 'Dutch', nld: 'Dutch', nl: 'Dutch', rus: 'Russian', ru: 'Russian', chi: 'Chinese', zho: 'Chinese', zh: 'Chinese', kor: 'Korean', ko: 'Korean',
};

/** trackLabel names a stream: its title, else its language, else its number among its kind
 * (n, from 1); a second stream of the same name gets its number too. */
export function trackLabel(s: Stream, n: number): string {
	const lang = s.language ? (languages[s.language.toLowerCase()] ?? s.language) : '';
	const name = s.title || lang || `Track ${n}`;
	return s.title && lang && !s.title.includes(lang) ? `${name} (${lang})` : name;
}

/** labelled lists the streams of a type with their labels; duplicates are numbered. */
export function labelled(streams: Stream[], type: 'audio' | 'subtitle'): { stream: Stream; label: string }[] {
	const of = streams.filter((s) => s.type === type);
	const out = of.map((s, i) => ({ stream: s, label: trackLabel(s, i + 1) }));
	const seen = new Map<string, number>();
	for (const o of out) seen.set(o.label, (seen.get(o.label) ?? 0) + 1);
	return out.map((o, i) => (seen.get(o.label)! > 1 ? { ...o, label: `${o.label} ${i + 1}` } : o));
}
