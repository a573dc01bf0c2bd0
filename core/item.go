package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// ItemID identifies an item: a UUID, which facades also use as Jellyfin's item id.
type ItemID string

// ItemKind is what an item is.
type ItemKind string

// The item kinds.
const (
	KindMovie   ItemKind = "movie"
	KindSeries  ItemKind = "series"
	KindSeason  ItemKind = "season"
	KindEpisode ItemKind = "episode"
	KindArtist  ItemKind = "artist"
	KindAlbum   ItemKind = "album"
	KindTrack   ItemKind = "track"
	KindVideo   ItemKind = "video"
	// KindCollection is a box set: movies of one collection ("The Matrix Collection"). Its
	// members are listed as its children.
	KindCollection ItemKind = "collection"
)

// ItemKinds lists every valid ItemKind.
var ItemKinds = []ItemKind{KindMovie, KindSeries, KindSeason, KindEpisode, KindArtist, KindAlbum, KindTrack, KindVideo, KindCollection}

// Item is anything in a library: a movie, a series and its seasons and episodes, an artist, album or track.
type Item struct {
	ID        ItemID
	Key       int64 // stable small integer, assigned by the store: Plex's ratingKey
	Kind      ItemKind
	Title     string
	SortTitle string
	Year      int // 0 when unknown
	LibraryID LibraryID
	ParentID  ItemID // empty at the top of a library
	// RatingLevel is the item's parental rating level (RatingLevel), or its nearest ancestor's
	// when it has none; nil when unrated. ParentalTags holds the folded tags and genres of the
	// item and its ancestors as "|horror|gore|". Both are kept by the store.
	RatingLevel  *int
	ParentalTags string
	Path         string // the file or folder it comes from
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// MatchKey identifies the item among its library's for the scanner ("series:doctor who (2005)"),
	// so a rescan updates it instead of adding another; empty for items made by hand.
	MatchKey      string
	OriginalTitle string
	Overview      string
	// IndexNumber is the episode number of an episode, the season number of a season (0 for
	// specials), the track number of a track; IndexEnd the last episode of a multi-episode file;
	// ParentIndex the season of an episode or the disc of a track. nil when unknown.
	IndexNumber *int
	IndexEnd    *int
	ParentIndex *int
	Absolute    *int   // anime absolute episode number
	AirDate     string // YYYY-MM-DD, for daily shows and premieres
	Runtime     time.Duration
	ExtraType   string // trailer, featurette...: the item is an extra of its parent
	// ProviderIDs are the item's ids at metadata providers: "tmdb": "603", "imdb": "tt0133093"...
	// Items from the store share this map with its caches: replace it, never change it in place.
	ProviderIDs map[string]string
	Review      string // why an admin should check the item (an ambiguous match); empty when fine
	// BlurHash is the blurhash of the item's first Primary image, when the store knows it (see
	// BlurHashStore); read with the row, so lists carry it for nothing.
	BlurHash string
	// ImageTag is the tag (ImageTag) of the item's first Primary image, "" when it has none; read
	// with the row like BlurHash, so lists can give poster URLs that browsers keep for good.
	ImageTag string
}

// ItemSort is an order for item lists.
type ItemSort string

// The item orders.
const (
	SortTitle ItemSort = "title"
	SortYear  ItemSort = "year"
	SortAdded ItemSort = "added"
	SortIndex ItemSort = "index" // season, then episode or disc, then track number
	// SortPlayed orders by when the query's user last played the item; items never played come
	// first in ascending order, last in descending order.
	SortPlayed ItemSort = "played"
)

// ItemQuery selects and pages items.
type ItemQuery struct {
	Libraries []LibraryID // restrict to these; nil means every library (set by Items from the caller)
	// Parental hides what its rules block; nil hides nothing (set by Items from the caller).
	Parental *ParentalControls
	Library  LibraryID
	Kinds    []ItemKind
	Parent   ItemID // its children; for a box set, its members
	// TopLevel keeps only the items at the top of their library (no parent): movies, series and
	// artists, without seasons, episodes, albums, tracks or extras.
	TopLevel bool
	// InCollection lists a box set's members; Items.List sets it from Parent.
	InCollection ItemID
	Text         string // matched against titles, ignoring case and accents
	Genre        string // only items with this genre (case-insensitive)
	Studio       string // only items from this studio or network
	Tag          string // only items with this tag
	Collection   string // only movies of this collection (box set)
	Person       string // only items crediting this person (by name, case-insensitive)
	Year         int    // only items of this year
	// MaxRating keeps only items rated at most this level (see RatingLevel), counting a rating
	// inherited from a series; unrated items are left out. nil: any.
	MaxRating *int
	Letter    string // only items whose sort title starts with this letter; "#" for anything else
	Sort      ItemSort
	Desc      bool
	Limit     int
	Offset    int
	// NoCount says the total is not needed (enableTotalRecordCount=false): the store may then
	// return Offset plus the page's length as the total, which is exact only when the page is
	// not full, instead of counting the matches.
	NoCount bool

	// User is whose user data Played, Favorite, Resumable and SortPlayed read; Items.List sets it
	// from the caller.
	User UserID
	// Played keeps only items the user played (true) or did not (false, which includes items they
	// never touched). A series, season, album or box set is played when every playable item under it is.
	Played    *bool
	Favorite  *bool // only the user's favorites (true), or only the others (false)
	Resumable bool  // only items with a resume point that are not played
}

// ReadsUserData reports whether q's matches depend on its user's data (played, favorite,
// resumable, or the order of plays): such lists change with every play, so they are not kept.
func (q ItemQuery) ReadsUserData() bool {
	return q.Played != nil || q.Favorite != nil || q.Resumable || q.Sort == SortPlayed
}

// ItemStore persists items.
type ItemStore interface {
	// CreateItem stores an item and returns it with its Key.
	CreateItem(ctx context.Context, it Item) (Item, error)
	Item(ctx context.Context, id ItemID) (Item, error)
	// ItemByKey returns the item whose Key is key.
	ItemByKey(ctx context.Context, key int64) (Item, error)
	// Items returns one page and the total number of matches.
	Items(ctx context.Context, q ItemQuery) ([]Item, int, error)
	// Facets counts the items per genre, studio, tag, collection or person, within q's libraries.
	Facets(ctx context.Context, q FacetQuery) ([]Facet, int, error)
	// Person returns a person by name (ignoring case) with what the items of libs (nil: every
	// library) that parental allows credit them for; Items is 0 when none does.
	Person(ctx context.Context, name string, libs []LibraryID, parental *ParentalControls) (Person, error)
}

// FacetKind is what items are grouped by in a facet list.
type FacetKind string

// The facet kinds.
const (
	FacetGenre      FacetKind = "genre"
	FacetStudio     FacetKind = "studio"
	FacetTag        FacetKind = "tag"
	FacetCollection FacetKind = "collection"
	FacetPerson     FacetKind = "person"
)

// FacetQuery selects and pages a facet list.
type FacetQuery struct {
	Kind      FacetKind
	Libraries []LibraryID // set by Items from the caller; nil means every library
	Parental  *ParentalControls
	Library   LibraryID
	Text      string // names containing this, ignoring case
	Limit     int
	Offset    int
}

// Facet is one genre, studio, tag, collection or person, and how many visible items have it.
type Facet struct {
	Name  string
	Count int
}

// Facets lists genres, studios, tags, collections or people with their item counts, counting only
// items the caller may see.
func (s *Items) Facets(ctx context.Context, c Caller, q FacetQuery) ([]Facet, int, error) {
	if !slices.Contains([]FacetKind{FacetGenre, FacetStudio, FacetTag, FacetCollection, FacetPerson}, q.Kind) {
		return nil, 0, Invalid("kind", "unknown facet %q", q.Kind)
	}
	if err := checkPage(&q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	q.Text = strings.TrimSpace(q.Text)
	q.Libraries, q.Parental = c.visibleLibraries(), c.Parental
	if q.Library != "" && !c.CanSee(q.Library) {
		return []Facet{}, 0, nil
	}
	return s.store.Facets(ctx, q)
}

// Person is someone items credit: an actor, a director...
type Person struct {
	Name  string
	Thumb string       // their picture: a URL or a local path; empty when unknown
	Items int          // how many items the caller may see credit them
	Kinds []PersonKind // their parts, the most frequent first
}

// Person returns a person credited in items the caller may see; anyone else is ErrNotFound, so
// that names in hidden libraries stay hidden.
func (s *Items) Person(ctx context.Context, c Caller, name string) (Person, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Person{}, fmt.Errorf("person %q: %w", name, ErrNotFound)
	}
	p, err := s.store.Person(ctx, name, c.visibleLibraries(), c.Parental)
	if err != nil {
		return Person{}, err
	}
	if p.Items == 0 {
		return Person{}, fmt.Errorf("person %q: %w", name, ErrNotFound)
	}
	return p, nil
}

// PersonImage returns the picture of a person the caller may see.
func (s *Items) PersonImage(ctx context.Context, c Caller, name string) (Image, error) {
	p, err := s.Person(ctx, c, name)
	if err != nil {
		return Image{}, err
	}
	lower := strings.ToLower(p.Thumb)
	switch {
	case p.Thumb == "":
		return Image{}, fmt.Errorf("person %q has no picture: %w", name, ErrNotFound)
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return Image{Kind: ImagePrimary, URL: p.Thumb}, nil
	}
	return Image{Kind: ImagePrimary, Path: p.Thumb}, nil // the artwork service checks where it is
}

// MaxPage is the largest page of items a query may ask for.
const MaxPage = 1000

// MaxOffset is the largest offset a list takes: far past any library, and small enough that
// offset plus a page never overflows.
const MaxOffset = 1 << 30

// Items answers item queries within what the caller may see.
type Items struct {
	store ItemStore
	media MediaStore
	meta  MetadataStore
	files struct {
		mu      sync.Mutex
		entries map[string]cachedFile
	}
}

// NewItems returns the item service; media and meta may be nil where files or metadata are not needed.
func NewItems(store ItemStore, media MediaStore, meta MetadataStore) *Items {
	return &Items{store: store, media: media, meta: meta}
}

// Metadata returns the metadata of an item the caller may see.
func (s *Items) Metadata(ctx context.Context, c Caller, id ItemID) (Metadata, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return Metadata{}, err
	}
	return s.meta.ItemMetadata(ctx, id)
}

// Image returns the index-th image of a kind of an item the caller may see. A box set without its
// own pictures shows its first member's.
func (s *Items) Image(ctx context.Context, c Caller, id ItemID, kind ImageKind, index int) (Image, error) {
	it, err := s.Get(ctx, c, id)
	if err != nil {
		return Image{}, err
	}
	m, err := s.meta.ItemMetadata(ctx, id)
	if err != nil {
		return Image{}, err
	}
	if it.Kind == KindCollection && !slices.ContainsFunc(m.Images, func(im Image) bool { return strings.EqualFold(string(im.Kind), string(kind)) }) {
		first, _, err := s.store.Items(ctx, ItemQuery{InCollection: id, Sort: SortYear, Limit: 1, Libraries: c.visibleLibraries(), Parental: c.Parental})
		if err != nil {
			return Image{}, err
		}
		if len(first) == 1 {
			return s.Image(ctx, c, first[0].ID, kind, index)
		}
	}
	n := 0
	for _, im := range m.Images {
		if strings.EqualFold(string(im.Kind), string(kind)) {
			if n == index {
				return im, nil
			}
			n++
		}
	}
	return Image{}, fmt.Errorf("item %s has no %s image %d: %w", id, kind, index, ErrNotFound)
}

// Files returns the media files of an item the caller may see: its versions and parts.
func (s *Items) Files(ctx context.Context, c Caller, id ItemID) ([]MediaFile, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	return s.media.ItemFiles(ctx, id)
}

// PlayableFile returns the file a media request plays: the item's first probed file, or the one
// with id file; ErrNotFound when the caller may not see the item or it has no such file. Answers
// are kept for two seconds: a player asks for a segment or a range several times a second, and
// the query costs more than sending a megabyte.
func (s *Items) PlayableFile(ctx context.Context, c Caller, id ItemID, file FileID) (MediaFile, error) {
	key := string(id) + "\x00" + string(file)
	now := time.Now()
	s.files.mu.Lock()
	e, ok := s.files.entries[key]
	s.files.mu.Unlock()
	if ok && now.Before(e.until) && c.CanSee(e.file.LibraryID) && c.Parental == nil {
		return e.file, nil
	}
	f, err := s.media.PlayableFile(ctx, id, file, c.visibleLibraries())
	if err != nil {
		return MediaFile{}, err
	}
	if err := s.checkParental(ctx, c, id); err != nil {
		return MediaFile{}, err
	}
	s.files.mu.Lock()
	if s.files.entries == nil || len(s.files.entries) >= 4096 {
		s.files.entries = map[string]cachedFile{}
	}
	s.files.entries[key] = cachedFile{file: f, until: now.Add(2 * time.Second)}
	s.files.mu.Unlock()
	return f, nil
}

// checkParental returns ErrNotFound when the caller's parental controls block the item.
func (s *Items) checkParental(ctx context.Context, c Caller, id ItemID) error {
	if c.Parental == nil {
		return nil
	}
	it, err := s.store.Item(ctx, id)
	if err != nil {
		return err
	}
	if !c.Parental.Allows(it) {
		return fmt.Errorf("item %s: %w", id, ErrNotFound)
	}
	return nil
}

// cachedFile is a recent answer of PlayableFile.
type cachedFile struct {
	file  MediaFile
	until time.Time
}

// Get returns an item the caller may see, or ErrNotFound.
func (s *Items) Get(ctx context.Context, c Caller, id ItemID) (Item, error) {
	it, err := s.store.Item(ctx, id)
	if err != nil {
		return Item{}, err
	}
	if !c.CanSeeItem(it) {
		return Item{}, ErrNotFound
	}
	return it, nil
}

// GetByKey returns the item with Key key if the caller may see it, or ErrNotFound.
func (s *Items) GetByKey(ctx context.Context, c Caller, key int64) (Item, error) {
	it, err := s.store.ItemByKey(ctx, key)
	if err != nil {
		return Item{}, err
	}
	if !c.CanSeeItem(it) {
		return Item{}, ErrNotFound
	}
	return it, nil
}

// FileByKey returns the probed file whose Key is key, if the caller may see its item, or
// ErrNotFound.
func (s *Items) FileByKey(ctx context.Context, c Caller, key int64) (MediaFile, error) {
	f, err := s.media.FileByKey(ctx, key)
	if err != nil {
		return MediaFile{}, err
	}
	if !c.CanSee(f.LibraryID) || f.ItemID == "" || f.ProbeError != "" {
		return MediaFile{}, ErrNotFound
	}
	if err := s.checkParental(ctx, c, f.ItemID); err != nil {
		return MediaFile{}, err
	}
	return f, nil
}

// List returns a page of items the caller may see, and how many match in all.
func (s *Items) List(ctx context.Context, c Caller, q ItemQuery) ([]Item, int, error) {
	if err := checkPage(&q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	if q.Sort == "" {
		q.Sort = SortTitle
	}
	if !slices.Contains([]ItemSort{SortTitle, SortYear, SortAdded, SortIndex, SortPlayed}, q.Sort) {
		return nil, 0, Invalid("sort", "must be title, year, added, index or played")
	}
	for _, k := range q.Kinds {
		if !slices.Contains(ItemKinds, k) {
			return nil, 0, Invalid("type", "unknown item type %q", k)
		}
	}
	q.Text = strings.TrimSpace(q.Text)
	if q.Letter != "" && q.Letter != "#" && (len([]rune(q.Letter)) != 1 || !unicode.IsLetter([]rune(q.Letter)[0])) {
		return nil, 0, Invalid("letter", "must be one letter, or # for titles that start with anything else")
	}
	q.Libraries, q.Parental = c.visibleLibraries(), c.Parental
	q.User = c.UserID // an API key has no user data: nothing is played or a favorite
	if q.Library != "" && !c.CanSee(q.Library) {
		return []Item{}, 0, nil // a library the caller may not see looks empty, not forbidden
	}
	if q.Parent != "" {
		// A box set's children are its members, which are not its children in the tree.
		if parent, err := s.store.Item(ctx, q.Parent); err == nil && parent.Kind == KindCollection {
			q.Parent, q.InCollection = "", parent.ID
		}
	}
	return s.store.Items(ctx, q)
}

// SortKey returns the title used for sorting: lower case, without a leading article.
func SortKey(title string) string {
	t := strings.Join(strings.Fields(strings.ToLower(title)), " ")
	for _, article := range []string{"the ", "a ", "an "} {
		if rest, ok := strings.CutPrefix(t, article); ok && rest != "" {
			return rest
		}
	}
	return t
}
