package jellyfin

import (
	"strings"

	"github.com/walros/walros/core"
)

// baseItemDto is Jellyfin's BaseItemDto: every item, folder and library view on the wire. Optional
// fields are pointers or omitempty so that what Walros does not know is omitted, as Jellyfin omits
// nulls; list endpoints fill only the basic set plus the Fields asked for (see fields.go).
type baseItemDto struct {
	Name                     string
	OriginalTitle            string `json:",omitempty"`
	ServerId                 string
	Id                       string
	Etag                     string            `json:",omitempty"`
	DateCreated              *jfTime           `json:",omitempty"`
	CanDelete                *bool             `json:",omitempty"`
	CanDownload              *bool             `json:",omitempty"`
	HasSubtitles             *bool             `json:",omitempty"`
	Container                string            `json:",omitempty"`
	SortName                 string            `json:",omitempty"`
	PremiereDate             *jfTime           `json:",omitempty"`
	ExternalUrls             []externalURL     `json:",omitempty"`
	MediaSources             []mediaSourceInfo `json:",omitempty"`
	CriticRating             *float64          `json:",omitempty"`
	ProductionLocations      []string          `json:",omitempty"`
	Path                     string            `json:",omitempty"`
	EnableMediaSourceDisplay *bool             `json:",omitempty"`
	OfficialRating           string            `json:",omitempty"`
	ChannelId                *string           `json:",omitempty"`
	Overview                 string            `json:",omitempty"`
	Taglines                 []string          `json:",omitempty"`
	Genres                   []string          `json:",omitempty"`
	CommunityRating          *float64          `json:",omitempty"`
	CumulativeRunTimeTicks   *int64            `json:",omitempty"`
	RunTimeTicks             *int64            `json:",omitempty"`
	PlayAccess               string            `json:",omitempty"`
	ProductionYear           *int              `json:",omitempty"`
	IndexNumber              *int              `json:",omitempty"`
	IndexNumberEnd           *int              `json:",omitempty"`
	ParentIndexNumber        *int              `json:",omitempty"`
	RemoteTrailers           []any             `json:",omitempty"`
	ProviderIds              map[string]string `json:",omitempty"`
	IsHD                     *bool             `json:",omitempty"`
	IsFolder                 bool
	ParentId                 string `json:",omitempty"`
	Type                     string
	People                   []baseItemPerson             `json:",omitempty"`
	Studios                  []nameGuidPair               `json:",omitempty"`
	GenreItems               []nameGuidPair               `json:",omitempty"`
	ParentLogoItemId         string                       `json:",omitempty"`
	ParentBackdropItemId     string                       `json:",omitempty"`
	ParentBackdropImageTags  []string                     `json:",omitempty"`
	LocalTrailerCount        *int                         `json:",omitempty"`
	UserData                 *userItemDataDto             `json:",omitempty"`
	RecursiveItemCount       *int                         `json:",omitempty"`
	ChildCount               *int                         `json:",omitempty"`
	SeriesName               string                       `json:",omitempty"`
	SeriesId                 string                       `json:",omitempty"`
	SeasonId                 string                       `json:",omitempty"`
	SpecialFeatureCount      *int                         `json:",omitempty"`
	DisplayPreferencesId     string                       `json:",omitempty"`
	Status                   string                       `json:",omitempty"`
	AirDays                  []string                     `json:",omitempty"`
	Tags                     []string                     `json:",omitempty"`
	PrimaryImageAspectRatio  *float64                     `json:",omitempty"`
	Artists                  []string                     `json:",omitempty"`
	ArtistItems              []nameGuidPair               `json:",omitempty"`
	Album                    string                       `json:",omitempty"`
	CollectionType           string                       `json:",omitempty"`
	AlbumId                  string                       `json:",omitempty"`
	AlbumPrimaryImageTag     string                       `json:",omitempty"`
	SeriesPrimaryImageTag    string                       `json:",omitempty"`
	AlbumArtist              string                       `json:",omitempty"`
	AlbumArtists             []nameGuidPair               `json:",omitempty"`
	SeasonName               string                       `json:",omitempty"`
	MediaStreams             []mediaStream                `json:",omitempty"`
	VideoType                string                       `json:",omitempty"`
	PartCount                *int                         `json:",omitempty"`
	MediaSourceCount         *int                         `json:",omitempty"`
	ImageTags                map[string]string            `json:",omitempty"`
	BackdropImageTags        []string                     `json:",omitempty"`
	ParentLogoImageTag       string                       `json:",omitempty"`
	ParentArtItemId          string                       `json:",omitempty"`
	ParentArtImageTag        string                       `json:",omitempty"`
	SeriesThumbImageTag      string                       `json:",omitempty"`
	ImageBlurHashes          map[string]map[string]string `json:",omitempty"`
	SeriesStudio             string                       `json:",omitempty"`
	ParentThumbItemId        string                       `json:",omitempty"`
	ParentThumbImageTag      string                       `json:",omitempty"`
	ParentPrimaryImageItemId string                       `json:",omitempty"`
	ParentPrimaryImageTag    string                       `json:",omitempty"`
	Chapters                 []chapterInfo                `json:",omitempty"`
	LocationType             string                       `json:",omitempty"`
	MediaType                string
	EndDate                  *jfTime  `json:",omitempty"`
	LockedFields             []string `json:",omitempty"`
	PlaylistItemId           string   `json:",omitempty"`
	LockData                 *bool    `json:",omitempty"`
	Width                    *int     `json:",omitempty"`
	Height                   *int     `json:",omitempty"`
}

type externalURL struct{ Name, Url string }

type nameGuidPair struct{ Name, Id string }

type baseItemPerson struct {
	Name            string
	Id              string
	Role            string `json:",omitempty"`
	Type            string
	PrimaryImageTag string `json:",omitempty"`
}

type chapterInfo struct {
	StartPositionTicks int64
	Name               string
}

// userItemDataDto is Jellyfin's UserItemDataDto.
type userItemDataDto struct {
	Rating                *float64 `json:",omitempty"`
	PlayedPercentage      *float64 `json:",omitempty"`
	UnplayedItemCount     *int     `json:",omitempty"`
	PlaybackPositionTicks int64
	PlayCount             int
	IsFavorite            bool
	Likes                 *bool   `json:",omitempty"`
	LastPlayedDate        *jfTime `json:",omitempty"`
	Played                bool
	Key                   string
	ItemId                string
}

// itemType is the BaseItemKind of an item kind.
func itemType(k core.ItemKind) string {
	switch k {
	case core.KindMovie:
		return "Movie"
	case core.KindSeries:
		return "Series"
	case core.KindSeason:
		return "Season"
	case core.KindEpisode:
		return "Episode"
	case core.KindArtist:
		return "MusicArtist"
	case core.KindAlbum:
		return "MusicAlbum"
	case core.KindTrack:
		return "Audio"
	case core.KindCollection:
		return "BoxSet"
	}
	return "Video"
}

// itemKinds maps BaseItemKind names (any case) to item kinds; names Walros has no items of map
// to nothing, and ok is false only for names that are not kinds at all.
func itemKinds(name string) (kinds []core.ItemKind, ok bool) {
	switch strings.ToLower(name) {
	case "movie":
		return []core.ItemKind{core.KindMovie}, true
	case "series":
		return []core.ItemKind{core.KindSeries}, true
	case "season":
		return []core.ItemKind{core.KindSeason}, true
	case "episode":
		return []core.ItemKind{core.KindEpisode}, true
	case "musicartist":
		return []core.ItemKind{core.KindArtist}, true
	case "musicalbum":
		return []core.ItemKind{core.KindAlbum}, true
	case "audio":
		return []core.ItemKind{core.KindTrack}, true
	case "video":
		return []core.ItemKind{core.KindVideo}, true
	case "boxset":
		return []core.ItemKind{core.KindCollection}, true
	}
	return nil, false
}

// isFolder reports whether an item of this kind holds others.
func isFolder(k core.ItemKind) bool {
	switch k {
	case core.KindSeries, core.KindSeason, core.KindArtist, core.KindAlbum, core.KindCollection:
		return true
	}
	return false
}

// mediaType is Jellyfin's MediaType of an item kind.
func mediaType(k core.ItemKind) string {
	switch k {
	case core.KindMovie, core.KindEpisode, core.KindVideo:
		return "Video"
	case core.KindTrack:
		return "Audio"
	}
	return "Unknown"
}

// collectionType is the CollectionType of a library view.
func collectionType(t core.LibraryType) string {
	switch t {
	case core.LibraryMovies:
		return "movies"
	case core.LibraryShows:
		return "tvshows"
	case core.LibraryMusic:
		return "music"
	}
	return "" // mixed: Jellyfin's mixed content has no collection type
}

func ptr[T any](v T) *T { return &v }
