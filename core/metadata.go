package core

import (
	"context"
	"maps"
	"slices"
	"time"
)

// PersonKind is a person's part in an item.
type PersonKind string

// The person kinds, as Jellyfin names them.
const (
	PersonActor     PersonKind = "Actor"
	PersonDirector  PersonKind = "Director"
	PersonWriter    PersonKind = "Writer"
	PersonProducer  PersonKind = "Producer"
	PersonGuestStar PersonKind = "GuestStar"
	PersonComposer  PersonKind = "Composer"
)

// Credit is a person in an item: an actor with their role, a director...
type Credit struct {
	Name  string
	Kind  PersonKind
	Role  string // the character an actor plays
	Order int    // billing order
	Thumb string // a URL or local path of their picture, when known
}

// ImageKind is what an image shows, as Jellyfin and Kodi name them.
type ImageKind string

// The image kinds.
const (
	ImagePrimary  ImageKind = "Primary" // poster, cover, folder
	ImageBackdrop ImageKind = "Backdrop"
	ImageLogo     ImageKind = "Logo"
	ImageBanner   ImageKind = "Banner"
	ImageThumb    ImageKind = "Thumb" // landscape, episode still
	ImageArt      ImageKind = "Art"   // clearart
	ImageDisc     ImageKind = "Disc"
)

// Image is one picture of an item: a local file next to the media, or a provider's URL.
type Image struct {
	Kind ImageKind
	Path string // local file
	URL  string // remote image, fetched and cached by the artwork service
}

// Metadata is what sidecars (NFO files) and metadata providers tell about an item. Empty fields
// mean unknown: merging keeps what is already known.
type Metadata struct {
	Title          string
	OriginalTitle  string
	SortTitle      string
	Overview       string
	Tagline        string
	Year           int
	Premiere       time.Time // first release or air date
	CommunityScore float64   // 0-10
	CriticScore    float64   // 0-100
	OfficialRating string    // "PG-13", "TV-MA", "FSK 12"...
	Runtime        time.Duration
	Genres         []string
	Studios        []string
	Tags           []string
	Collection     string // the set a movie belongs to ("The Matrix Collection")
	Credits        []Credit
	ProviderIDs    map[string]string // lower-case provider names: tmdb, imdb, tvdb, mal, musicbrainz...
	Images         []Image
	// Episode numbering, from an episodedetails NFO or a provider.
	Season  *int
	Episode *int
	// Locked (<lockdata>true</lockdata> in an NFO) asks that providers never change this item.
	Locked bool
	// LockedFields are the fields an admin edited by hand (see MetadataFields): refreshes keep them.
	LockedFields []string
}

// MetadataFields names the fields of Metadata that can be locked, as the API spells them.
var MetadataFields = []string{"title", "originalTitle", "sortTitle", "overview", "tagline", "year", "premiere",
	"communityScore", "criticScore", "officialRating", "runtime", "genres", "studios", "tags", "collection",
	"credits", "providerIds", "images"}

// MetadataStore persists what is known about items beyond their files.
type MetadataStore interface {
	ItemMetadata(ctx context.Context, id ItemID) (Metadata, error)
	// SetMetadata stores m as the item's whole metadata: title and the other descriptive fields,
	// genres, studios, tags, credits and images.
	SetMetadata(ctx context.Context, id ItemID, m Metadata) error
	// UpdateMetadata applies fn to the stored metadata and saves the result in one transaction, so
	// concurrent changes (a scan's merge, an admin's edit) never lose each other's fields. An error
	// from fn aborts with nothing written.
	UpdateMetadata(ctx context.Context, id ItemID, fn func(*Metadata) error) (Metadata, error)
	// SyncCollections makes a library's box sets (KindCollection items) match the collections its
	// movies' metadata names: one per name, holding its movies; empty ones go.
	SyncCollections(ctx context.Context, lib LibraryID) error
	// SetReview records why an item needs an admin's look (an ambiguous match); "" clears it.
	SetReview(ctx context.Context, id ItemID, reason string) error
}

// Merge returns cur updated with what next knows: each field next has replaces cur's, unless cur
// is locked as a whole or the field is in cur.LockedFields. Provider ids are merged key by key.
func Merge(cur, next Metadata) Metadata {
	if cur.Locked {
		return cur
	}
	locked := func(f string) bool { return slices.Contains(cur.LockedFields, f) }
	str := func(f string, dst *string, v string) {
		if v != "" && !locked(f) {
			*dst = v
		}
	}
	// A sort title derived from the title (no NFO or admin chose it) follows a new title: a
	// match fixed from a file name's title must not keep sorting under the file name.
	derived := cur.SortTitle == SortKey(cur.Title)
	str("title", &cur.Title, next.Title)
	str("originalTitle", &cur.OriginalTitle, next.OriginalTitle)
	str("sortTitle", &cur.SortTitle, next.SortTitle)
	if derived && next.SortTitle == "" && !locked("sortTitle") {
		cur.SortTitle = SortKey(cur.Title)
	}
	str("overview", &cur.Overview, next.Overview)
	str("tagline", &cur.Tagline, next.Tagline)
	str("officialRating", &cur.OfficialRating, next.OfficialRating)
	str("collection", &cur.Collection, next.Collection)
	if next.Year > 0 && !locked("year") {
		cur.Year = next.Year
	}
	if !next.Premiere.IsZero() && !locked("premiere") {
		cur.Premiere = next.Premiere
	}
	if next.CommunityScore > 0 && !locked("communityScore") {
		cur.CommunityScore = next.CommunityScore
	}
	if next.CriticScore > 0 && !locked("criticScore") {
		cur.CriticScore = next.CriticScore
	}
	if next.Runtime > 0 && !locked("runtime") {
		cur.Runtime = next.Runtime
	}
	list := func(f string, dst *[]string, v []string) {
		if len(v) > 0 && !locked(f) {
			*dst = slices.Clone(v)
		}
	}
	list("genres", &cur.Genres, next.Genres)
	list("studios", &cur.Studios, next.Studios)
	list("tags", &cur.Tags, next.Tags)
	if len(next.Credits) > 0 && !locked("credits") {
		cur.Credits = slices.Clone(next.Credits)
	}
	if len(next.Images) > 0 && !locked("images") {
		cur.Images = slices.Clone(next.Images)
	}
	if len(next.ProviderIDs) > 0 && !locked("providerIds") {
		ids := maps.Clone(cur.ProviderIDs)
		if ids == nil {
			ids = map[string]string{}
		}
		maps.Copy(ids, next.ProviderIDs)
		cur.ProviderIDs = ids
	}
	cur.Locked = next.Locked
	return cur
}

// LookupQuery is what a metadata provider is asked: the item as the scan identified it.
type LookupQuery struct {
	Kind        ItemKind
	Title       string
	Year        int
	ProviderIDs map[string]string // ids already known (from an NFO or a previous match)
	// For an episode or season: the series' ids and title, and the numbers.
	SeriesTitle       string
	SeriesProviderIDs map[string]string
	Season, Episode   *int
	Absolute          *int
	Language          string // BCP 47, such as "en-US"; the provider's default when empty
}

// Match is a provider's answer: its metadata and how sure it is.
type Match struct {
	Metadata Metadata
	Score    float64 // 0 to 1: title similarity and year agreement, 1 for a lookup by id
	// Ambiguous means another candidate scored almost as well: an admin should confirm it.
	Ambiguous bool
}

// Provider fetches metadata from one online source (TMDb, TVDB, MyAnimeList, MusicBrainz...). It
// returns ErrNotFound when nothing matches; any other error is the provider's failure (timeout,
// rate limit, outage, malformed answer), which never fails a scan.
type Provider interface {
	Name() string
	Supports(kind ItemKind) bool
	Lookup(ctx context.Context, q LookupQuery) (Match, error)
}
