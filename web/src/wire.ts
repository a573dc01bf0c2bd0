// Wire shapes of the native API for profiles, browsing details and "your things", as
// openapi/openapi.yaml describes them (only the fields the client reads). The first pages' shapes
// are in types.ts.
import type { Item, ItemWithData, User } from './types';

export interface PublicUser {
	id: string;
	name: string;
	hasPassword: boolean;
	hasPin: boolean;
}

export type SubtitleMode = 'default' | 'always' | 'onlyForced' | 'none' | 'smart';

export interface PlaybackPrefs {
	audioLanguage: string;
	subtitleLanguage: string;
	subtitleMode: SubtitleMode;
	playDefaultAudio: boolean;
}

/** Me is GET /users/me. */
export interface Me extends User {
	hasPassword: boolean;
	hasPin: boolean;
	pinLocked: boolean;
	playback: PlaybackPrefs;
}

export interface Stream {
	index: number;
	type: 'video' | 'audio' | 'subtitle' | 'attachment' | 'data';
	codec: string;
	language?: string;
	title?: string;
	default?: boolean;
	forced?: boolean;
	hearingImpaired?: boolean;
	width?: number;
	height?: number;
	hdr?: string;
	channels?: number;
	channelLayout?: string;
	external?: string;
}

export interface FileDetail {
	id: string;
	part: number;
	version: string;
	container: string;
	durationMs: number;
	bitrate: number;
	size: number;
	streams: Stream[];
}

export interface Person {
	name: string;
	itemCount: number;
	kinds: string[];
	hasImage: boolean;
}

export interface Facet {
	name: string;
	count: number;
}

export interface Playlist {
	id: string;
	name: string;
	ownerId: string;
	ownerName: string;
	sharedWith: string[];
	entries: number;
	durationMs: number;
}

export interface PlaylistEntry {
	entryId: number;
	item: Item;
}

export interface CustomList {
	id: string;
	name: string;
	items: number;
}

export interface ListEntry extends ItemWithData {
	addedAt: string;
}

export interface StatsPoint {
	key: string;
	label: string;
	value: number;
}

export interface StatsMeasures {
	plays: StatsPoint[];
	hours: StatsPoint[];
}

export interface Streak {
	days: number;
	from?: string;
	to?: string;
}

export interface UserStats {
	from: string;
	to: string;
	timeZone: string;
	totals: { plays: number; hours: number; items: number; days: number };
	streaks: { current: Streak; longest: Streak };
	topItems: StatsMeasures;
	topGenres: StatsMeasures;
	topPeople: StatsMeasures;
	hourOfDay: StatsMeasures;
	dayOfWeek: StatsMeasures;
	days: StatsMeasures;
}
