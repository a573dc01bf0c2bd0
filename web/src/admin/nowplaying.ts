// Formatting of what is playing (GET /system/playing) for the Sessions page: the title line, the
// clock, and the play method in words ("Transcode (resolution, 720p H.264 3 Mb/s)").
import type { NowPlaying, TranscodeInfo } from './types';

/** clock is the client's m:ss / h:mm:ss, here for the page's other formatting. */
export { clock } from '../format';

/** title names what plays: "Dark S1E2 · Secrets" for an episode, "Heat (1995)" for a film. */
export function title(p: NowPlaying): string {
	const it = p.item;
	if (it.type === 'episode') {
		const num = it.seasonNumber !== undefined && it.episodeNumber !== undefined ? `S${it.seasonNumber}E${it.episodeNumber}` : '';
		const head = [it.seriesTitle, num].filter(Boolean).join(' ');
		return head ? `${head} · ${it.title}` : it.title;
	}
	return it.year ? `${it.title} (${it.year})` : it.title;
}

// reasonNames says the server's transcode reasons (core/playback) in a few words.
const reasonNames: Record<string, string> = {
	ContainerNotSupported: 'container',
	VideoCodecNotSupported: 'video codec',
	VideoProfileNotSupported: 'video profile',
	VideoLevelNotSupported: 'video level',
	VideoBitDepthNotSupported: 'bit depth',
	VideoRangeTypeNotSupported: 'HDR',
	VideoResolutionNotSupported: 'resolution',
	InterlacedVideoNotSupported: 'interlaced',
	AudioCodecNotSupported: 'audio codec',
	AudioChannelsNotSupported: 'audio channels',
	AudioSampleRateNotSupported: 'sample rate',
	ContainerBitrateExceedsLimit: 'bitrate limit',
	SubtitleCodecNotSupported: 'subtitle burn-in',
};

/** reason says one transcode reason in words; unknown ones as they come. */
export function reason(r: string): string {
	return reasonNames[r] ?? r;
}

/** bitrate formats bits per second: "3 Mb/s", "2.4 Mb/s", "800 kb/s". */
export function bitrate(bps: number): string {
	if (bps >= 1_000_000) {
		const m = bps / 1_000_000;
		return `${m >= 10 || Number.isInteger(m) ? Math.round(m) : m.toFixed(1)} Mb/s`;
	}
	return `${Math.round(bps / 1000)} kb/s`;
}

const codecNames: Record<string, string> = { h264: 'H.264', hevc: 'HEVC', av1: 'AV1', vp9: 'VP9', aac: 'AAC', mp3: 'MP3', opus: 'Opus', ac3: 'AC-3', eac3: 'E-AC-3', flac: 'FLAC' };

function codec(c: string): string {
	return codecNames[c] ?? c.toUpperCase();
}

/** target says what a transcode sends: "720p H.264 3 Mb/s", "video copied, AAC". */
export function target(t: TranscodeInfo): string {
	const parts: string[] = [];
	if (t.videoCopy) parts.push('video copied');
	else if (t.videoCodec) parts.push([t.height ? `${t.height}p` : '', codec(t.videoCodec), t.bitrate ? bitrate(t.bitrate) : ''].filter(Boolean).join(' '));
	if (t.audioCodec && !t.audioCopy) parts.push(`${codec(t.audioCodec)} audio${t.channels ? ` ${t.channels}ch` : ''}`);
	return parts.join(', ');
}

/** method says how a play reaches its client: "Direct play", "Direct stream (container)",
 * "Transcode (resolution, 720p H.264 3 Mb/s)"; "Unknown" when the client did not say. */
export function method(p: Pick<NowPlaying, 'method' | 'transcode'>): string {
	const t = p.transcode;
	const detail = (name: string) => {
		if (!t) return name;
		const parts = [t.reasons.map(reason).join(', '), target(t)].filter(Boolean);
		return parts.length ? `${name} (${parts.join('; ')})` : name;
	};
	switch (p.method) {
		case 'direct':
			return 'Direct play';
		case 'remux':
			return detail('Direct stream');
		case 'transcode':
			return detail('Transcode');
	}
	return 'Unknown';
}

/** percent is how far the play is, 0 to 100; 0 without a duration. */
export function percent(p: Pick<NowPlaying, 'positionMs' | 'durationMs'>): number {
	if (!p.durationMs || p.durationMs <= 0) return 0;
	return Math.min(100, Math.max(0, (p.positionMs / p.durationMs) * 100));
}
