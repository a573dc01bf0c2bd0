import type { Engine, EngineKind, EngineOptions, SubtitleSource, Tracks } from './engine';

/** TextTracks are the subtitles of a media element as <track> children, one shown at a time. */
export class TextTracks {
	private readonly els: { stream: number; el: HTMLTrackElement }[] = [];
	private shown = -1;

	constructor(media: HTMLMediaElement, subs: SubtitleSource[]) {
		for (const s of subs) {
			const el = document.createElement('track');
			el.kind = 'subtitles';
			el.src = s.src;
			el.label = s.label;
			if (s.lang) el.srclang = s.lang;
			media.appendChild(el);
			el.track.mode = 'disabled';
			this.els.push({ stream: s.stream, el });
		}
	}

	tracks(): Tracks {
		return { streams: this.els.map((t) => t.stream), current: this.shown };
	}

	show(stream: number): void {
		this.shown = this.els.some((t) => t.stream === stream) ? stream : -1;
		for (const t of this.els) t.el.track.mode = t.stream === this.shown ? 'showing' : 'disabled';
	}

	remove(): void {
		for (const t of this.els) t.el.remove();
	}
}

/** nativeEngine plays a URL in the element itself: the file (direct play), or an HLS playlist
 * on a browser that plays HLS (Safari). Subtitles are <track>s; the audio track and quality of
 * a file cannot change in place. */
export function nativeEngine(kind: EngineKind, media: HTMLMediaElement, url: string, o: EngineOptions): Engine {
	const text = new TextTracks(media, o.subtitles);
	const onMeta = () => {
		if (o.start > 0) media.currentTime = o.start;
		o.onChange();
	};
	media.addEventListener('loadedmetadata', onMeta, { once: true });
	media.src = url;
	return {
		kind,
		audio: () => ({ streams: [], current: undefined }),
		setAudio: () => {},
		subtitles: () => text.tracks(),
		setSubtitle: (s) => {
			text.show(s);
			o.onChange();
		},
		levels: () => [],
		level: () => -1,
		setLevel: () => {},
		destroy: () => {
			media.removeEventListener('loadedmetadata', onMeta);
			text.remove();
			media.removeAttribute('src');
			media.load();
		},
	};
}
