// Wire shapes of the native API, as openapi/openapi.yaml describes them (only the fields the
// client reads).

export interface User {
	id: string;
	username: string;
	displayName: string;
	admin: boolean;
	/** allowDownloads is false when an admin turned the user's downloads off. */
	allowDownloads?: boolean;
}

export interface TokenResponse {
	accessToken: string;
	refreshToken: string;
	imageToken?: string;
	tokenType: string;
	expiresIn: number;
	user: User;
}

export type LibraryType = 'movies' | 'shows' | 'music' | 'mixed' | string;

export interface Library {
	id: string;
	name: string;
	type: LibraryType;
}

export type ItemType = 'movie' | 'series' | 'season' | 'episode' | 'artist' | 'album' | 'track' | 'video' | 'collection';

export interface Item {
	id: string;
	type: ItemType;
	title: string;
	year: number | null;
	libraryId: string;
	parentId: string | null;
	overview?: string;
	indexNumber?: number | null;
	parentIndexNumber?: number | null;
	runtimeMs?: number;
	/** The BlurHash of the primary image, once the server has computed it. */
	blurHash?: string;
	/** The tag of the primary image: a poster URL carrying it is cached for good (poster.ts). */
	imageTag?: string;
}

export interface UserData {
	positionMs: number;
	positionFileId: string | null;
	played: boolean;
	playCount: number;
	favorite: boolean;
	playedPercent: number;
	unplayedCount?: number;
}

export interface ItemWithData extends Item {
	userData: UserData;
}

export interface MediaFile {
	id: string;
	durationMs: number;
	version: string;
	streams: { index: number; type: string; codec: string; language?: string; title?: string; height?: number; default?: boolean; external?: string }[];
}

export interface ItemDetail extends Item {
	files: MediaFile[];
	tagline?: string;
	genres: string[];
	studios: string[];
	people: { name: string; kind: string; role?: string }[];
	images: { kind: string; index: number; blurHash?: string; tag?: string }[];
	officialRating?: string;
	communityScore?: number;
	collection?: string;
}

export interface Page<T> {
	items: T[];
	total: number;
}
