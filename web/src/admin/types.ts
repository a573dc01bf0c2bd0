// Wire shapes of the admin routes of the native API, as openapi/openapi.yaml describes them
// (only the fields the admin pages read or send).
import type { AccessWindow } from './schedule';

export interface LibraryInfo {
	id: string;
	name: string;
	type: string;
	paths: string[];
	offlineSince: string | null;
}

export interface ParentalControls {
	maxRatingLevel: number | null;
	blockUnrated: string[];
	blockedTags: string[];
	schedule: AccessWindow[];
}

export interface AdminUser {
	id: string;
	username: string;
	displayName: string;
	admin: boolean;
	disabled: boolean;
	allLibraries: boolean;
	libraryIds: string[];
	hasPassword: boolean;
	allowDownloads: boolean;
	lastLoginAt: string | null;
	parentalControls: ParentalControls;
}

export interface Rating {
	name: string;
	level: number;
}

export interface ApiKey {
	id: string;
	name: string;
	prefix: string;
	createdAt: string;
	lastUsedAt: string | null;
}

export interface Session {
	id: string;
	userId: string;
	client: string;
	deviceName: string;
	address: string;
	createdAt: string;
	lastSeenAt: string;
	current: boolean;
}

/** Transcodes is GET /system/transcodes: the stream manager's encoder runs now. */
export interface Transcodes {
	renditions: number;
	encoders: number;
	transcodes: number;
	started: number;
	items: Rendition[];
}

/** Rendition is one stream of a file at one quality the stream manager holds. */
export interface Rendition {
	fileId: string;
	rendition: string;
	kind: 'video' | 'audio';
	work: 'encode' | 'copy' | 'idle';
	encoders: number;
	users: string[];
	lastUsed: string;
	itemId: string | null;
	itemTitle: string | null;
}

/** TranscodeInfo is what a remux or transcode sends, as the server decided it. */
export interface TranscodeInfo {
	reasons: string[];
	protocol?: string;
	container?: string;
	videoCodec?: string;
	videoCopy: boolean;
	width?: number;
	height?: number;
	bitrate?: number;
	audioCodec?: string;
	audioCopy: boolean;
	channels?: number;
}

/** NowPlaying is one client's current play (GET /system/playing). */
export interface NowPlaying {
	id: string;
	sessionId: string | null;
	userId: string;
	userName: string;
	api: 'native' | 'jellyfin' | 'plex';
	deviceId: string;
	deviceName: string;
	client: string;
	item: {
		id: string;
		type: string;
		title: string;
		year?: number;
		parentId?: string;
		seriesId?: string;
		seriesTitle?: string;
		seasonNumber?: number;
		episodeNumber?: number;
	};
	fileId: string | null;
	positionMs: number;
	durationMs: number | null;
	paused: boolean;
	method: 'direct' | 'remux' | 'transcode' | null;
	transcode: TranscodeInfo | null;
	audioStream: number | null;
	subtitleStream: number | null;
	startedAt: string;
	lastCheckIn: string;
}

export interface LogEntry {
	time: string;
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	attrs: Record<string, string>;
}

export interface List<T> {
	items: T[];
}

/** ItemMetadata is what the metadata editor reads of GET /items/{id}. */
export interface ItemMetadata {
	id: string;
	type: string;
	title: string;
	originalTitle?: string;
	sortTitle: string;
	year: number | null;
	premiere?: string;
	overview?: string;
	tagline?: string;
	officialRating?: string;
	communityScore?: number;
	genres: string[];
	studios: string[];
	tags: string[];
	providerIds?: Record<string, string>;
	images: { kind: string; index: number; source: string }[];
	lockedFields: string[];
}
