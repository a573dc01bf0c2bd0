package core

import (
	"context"
	"slices"
	"time"
)

// A transfer document carries one user's history, progress and played state, ratings, likes,
// favorites, watchlist, lists and playlists from one server to another (or back to the same one).
// Sections name items by the source server's ids; Items describes each of them well enough to
// find it on a server that gave it another id: its kind, title, year and provider ids, and for an
// episode its series and numbers, for a track its album and numbers.

// TransferFormat and TransferVersion identify the document; an import refuses other versions.
const (
	TransferFormat  = "walros-user-data"
	TransferVersion = 1
)

// Bounds of a transfer document, checked before anything is written.
const (
	MaxTransferItems   = 200_000
	MaxTransferEntries = 500_000 // in all sections together
	maxTransferText    = 1_000
	maxProviderIDs     = 32
	maxUnmatchedShown  = 100
)

// TransferDoc is the export document.
type TransferDoc struct {
	Format     string             `json:"format"`
	Version    int                `json:"version"`
	ExportedAt time.Time          `json:"exportedAt"`
	User       TransferUser       `json:"user"`
	Items      []TransferItem     `json:"items"`
	UserData   []TransferData     `json:"userData"`
	History    []TransferPlay     `json:"history"`
	Watchlist  []TransferEntry    `json:"watchlist"`
	Lists      []TransferList     `json:"lists"`
	Playlists  []TransferPlaylist `json:"playlists"`
}

// TransferUser is whose data a document holds, for people reading it.
type TransferUser struct {
	ID       UserID `json:"id"`
	Username string `json:"username"`
}

// TransferItem describes an item so that another server can find its own copy.
type TransferItem struct {
	ID          ItemID            `json:"id"`
	Kind        ItemKind          `json:"kind"`
	Title       string            `json:"title"`
	Year        int               `json:"year,omitempty"`
	ProviderIDs map[string]string `json:"providerIds,omitempty"`
	// Series, Season and Episode place an episode (Series and Season a season).
	Series  *TransferParent `json:"series,omitempty"`
	Season  *int            `json:"season,omitempty"`
	Episode *int            `json:"episode,omitempty"`
	// Album, Disc and Track place a track.
	Album *TransferParent `json:"album,omitempty"`
	Disc  *int            `json:"disc,omitempty"`
	Track *int            `json:"track,omitempty"`
}

// TransferParent describes the series of an episode or the album of a track.
type TransferParent struct {
	Title       string            `json:"title"`
	Year        int               `json:"year,omitempty"`
	ProviderIDs map[string]string `json:"providerIds,omitempty"`
}

// TransferData is the user's data for one item.
type TransferData struct {
	Item         ItemID     `json:"item"`
	PositionMS   int64      `json:"positionMs"`
	Played       bool       `json:"played"`
	PlayCount    int        `json:"playCount"`
	LastPlayedAt *time.Time `json:"lastPlayedAt,omitempty"`
	Favorite     bool       `json:"favorite"`
	Likes        *bool      `json:"likes,omitempty"`
	Rating       *float64   `json:"rating,omitempty"`
}

// TransferPlay is one play session of the history.
type TransferPlay struct {
	Item       ItemID     `json:"item"`
	DeviceID   string     `json:"deviceId,omitempty"`
	DeviceName string     `json:"deviceName,omitempty"`
	Client     string     `json:"client,omitempty"`
	StartedAt  time.Time  `json:"startedAt"`
	StoppedAt  time.Time  `json:"stoppedAt"`
	WatchedMS  int64      `json:"watchedMs"`
	PositionMS int64      `json:"positionMs"`
	Method     PlayMethod `json:"method,omitempty"`
	Reason     string     `json:"reason,omitempty"`
}

// TransferEntry is an item of the watchlist or of a list.
type TransferEntry struct {
	Item    ItemID    `json:"item"`
	AddedAt time.Time `json:"addedAt"`
}

// TransferList is a named list.
type TransferList struct {
	Name      string          `json:"name"`
	CreatedAt time.Time       `json:"createdAt"`
	Items     []TransferEntry `json:"items"`
}

// TransferPlaylist is a playlist the user owns, its items in order.
type TransferPlaylist struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	Items     []ItemID  `json:"items"`
}

// ImportCount counts one section's entries: written, found already there, and whose item this
// server has no match for (which are skipped).
type ImportCount struct {
	Imported  int `json:"imported"`
	Existing  int `json:"existing"`
	Unmatched int `json:"unmatched"`
}

// ImportReport is what an import did.
type ImportReport struct {
	Items           ImportCount `json:"items"` // Imported: matched
	UserData        ImportCount `json:"userData"`
	History         ImportCount `json:"history"`
	Watchlist       ImportCount `json:"watchlist"`
	Lists           ImportCount `json:"lists"` // Existing: merged into a list of the same name
	ListItems       ImportCount `json:"listItems"`
	Playlists       ImportCount `json:"playlists"` // Existing: merged into a playlist of the same name
	PlaylistEntries ImportCount `json:"playlistEntries"`
	// UnmatchedItems are the first of the items with no match here.
	UnmatchedItems []TransferItem `json:"unmatchedItems"`
}

// ImportPlan is a validated import with every item resolved to this server's, for the store to
// apply in one transaction.
type ImportPlan struct {
	At       time.Time
	UserData []UserData
	// Merge combines the stored data for an item (zero when none) with the imported.
	Merge     func(cur, in UserData) UserData
	History   []HistoryEntry
	Watchlist []ListEntry
	Lists     []ImportList
	Playlists []ImportPlaylist
	NewID     func() string // ids of the lists and playlists it creates
}

// ImportList is a named list to create, or to merge into the user's list of that name.
type ImportList struct {
	Name      string
	CreatedAt time.Time
	Entries   []ListEntry
}

// ImportPlaylist is a playlist to create, or whose items are appended to the user's playlist of
// that name when it lacks them.
type ImportPlaylist struct {
	Name      string
	CreatedAt time.Time
	Items     []ItemID
}

// ImportResult is what the store wrote and found already there.
type ImportResult struct {
	History, Watchlist, Lists, ListItems, Playlists, PlaylistEntries ImportCount // Imported and Existing
}

// TransferStore is what export and import need from persistence beyond the other stores.
type TransferStore interface {
	// UserDataRows returns every stored row of user's data.
	UserDataRows(ctx context.Context, user UserID) ([]UserData, error)
	// ItemsByID returns the items of ids that exist.
	ItemsByID(ctx context.Context, ids []ItemID) (map[ItemID]Item, error)
	// ItemsByProvider returns the items of a kind whose provider id for provider is among values.
	ItemsByProvider(ctx context.Context, kind ItemKind, provider string, values []string) ([]Item, error)
	// ItemsByTitle returns, for each of titles, the items of a kind with that title as searches
	// compare titles (ignoring case and accents).
	ItemsByTitle(ctx context.Context, kind ItemKind, titles []string) (map[string][]Item, error)
	// Import applies a plan for user in one transaction: all of it, or nothing.
	Import(ctx context.Context, user UserID, p ImportPlan) (ImportResult, error)
}

// TransferDeps are the stores export and import read and write.
type TransferDeps struct {
	Store     TransferStore
	Users     UserStore
	Items     *Items
	History   HistoryStore
	Lists     ListStore
	Playlists PlaylistStore
	Now       Clock
	NewID     func() string
}

// Transfer exports a user's data as a TransferDoc and imports one.
type Transfer struct{ d TransferDeps }

// NewTransfer returns the export and import service.
func NewTransfer(d TransferDeps) *Transfer { return &Transfer{d: d} }

// target returns the caller that acts for user: the caller themselves for their own data ("" or
// their id), or, for an admin, that user with their own library access.
func (s *Transfer) target(ctx context.Context, c Caller, user UserID) (Caller, User, error) {
	if user == "" || user == c.UserID {
		if err := c.requireUser(); err != nil {
			return Caller{}, User{}, err
		}
		u, err := s.d.Users.User(ctx, c.UserID)
		return c, u, err
	}
	if err := c.requireAdmin(); err != nil {
		return Caller{}, User{}, err
	}
	u, err := s.d.Users.User(ctx, user)
	if err != nil {
		return Caller{}, User{}, err
	}
	return CallerOf(u, ""), u, nil
}

// Export returns a user's data (the caller's own, or anyone's for an admin), as far as its items
// still exist and the user may see them.
func (s *Transfer) Export(ctx context.Context, c Caller, user UserID) (TransferDoc, error) {
	t, u, err := s.target(ctx, c, user)
	if err != nil {
		return TransferDoc{}, err
	}
	doc := TransferDoc{Format: TransferFormat, Version: TransferVersion, ExportedAt: s.d.Now().UTC(),
		User: TransferUser{ID: u.ID, Username: u.Username}, UserData: []TransferData{}, History: []TransferPlay{},
		Watchlist: []TransferEntry{}, Lists: []TransferList{}, Playlists: []TransferPlaylist{}}
	var refs []ItemID

	rows, err := s.d.Store.UserDataRows(ctx, t.UserID)
	if err != nil {
		return TransferDoc{}, err
	}
	for _, d := range rows {
		doc.UserData = append(doc.UserData, TransferData{Item: d.ItemID, PositionMS: d.Position.Milliseconds(), Played: d.Played,
			PlayCount: d.PlayCount, LastPlayedAt: d.LastPlayedAt, Favorite: d.Favorite, Likes: d.Likes, Rating: d.Rating})
		refs = append(refs, d.ItemID)
	}

	q := HistoryQuery{User: t.UserID, Libraries: t.visibleLibraries(), Parental: t.Parental, Asc: true, Limit: MaxPage}
	for q.Libraries == nil || len(q.Libraries) > 0 {
		page, total, err := s.d.History.History(ctx, q)
		if err != nil {
			return TransferDoc{}, err
		}
		for _, e := range page {
			doc.History = append(doc.History, TransferPlay{Item: e.Item, DeviceID: e.DeviceID, DeviceName: e.DeviceName,
				Client: e.Client, StartedAt: e.Started, StoppedAt: e.Stopped, WatchedMS: e.Watched.Milliseconds(),
				PositionMS: e.Position.Milliseconds(), Method: e.Method, Reason: e.Reason})
			refs = append(refs, e.Item)
		}
		q.Offset += len(page)
		if len(page) == 0 || q.Offset >= total || q.Offset >= MaxTransferEntries {
			break
		}
	}

	lists, err := s.d.Lists.Lists(ctx, t.UserID, "", t.visibleLibraries(), t.Parental)
	if err != nil {
		return TransferDoc{}, err
	}
	for _, l := range lists {
		entries, _, err := s.d.Lists.ListEntries(ctx, l.ID, t.visibleLibraries(), t.Parental, true, MaxListItems, 0)
		if err != nil {
			return TransferDoc{}, err
		}
		out := make([]TransferEntry, len(entries))
		for i, e := range entries {
			out[i] = TransferEntry{Item: e.Item.ID, AddedAt: e.AddedAt}
			refs = append(refs, e.Item.ID)
		}
		if l.Watchlist {
			doc.Watchlist = out
		} else {
			doc.Lists = append(doc.Lists, TransferList{Name: l.Name, CreatedAt: l.CreatedAt, Items: out})
		}
	}

	pls, err := s.d.Playlists.Playlists(ctx, t.UserID)
	if err != nil {
		return TransferDoc{}, err
	}
	for _, p := range pls {
		if p.Owner != t.UserID {
			continue // shared with them: its owner exports it
		}
		entries, err := s.d.Playlists.PlaylistEntries(ctx, p.ID)
		if err != nil {
			return TransferDoc{}, err
		}
		tp := TransferPlaylist{Name: p.Name, CreatedAt: p.CreatedAt, Items: []ItemID{}}
		for _, e := range entries {
			if t.CanSeeItem(e.Item) {
				tp.Items = append(tp.Items, e.Item.ID)
				refs = append(refs, e.Item.ID)
			}
		}
		doc.Playlists = append(doc.Playlists, tp)
	}

	known, err := s.describe(ctx, t, refs)
	if err != nil {
		return TransferDoc{}, err
	}
	doc.Items = known.items
	// User data and history name items that may be gone or hidden by now: leave them out.
	doc.UserData = slices.DeleteFunc(doc.UserData, func(d TransferData) bool { return !known.has[d.Item] })
	doc.History = slices.DeleteFunc(doc.History, func(p TransferPlay) bool { return !known.has[p.Item] })
	return doc, nil
}

type described struct {
	items []TransferItem
	has   map[ItemID]bool
}

// describe makes the Items section for the items of ids that exist and that c may see.
func (s *Transfer) describe(ctx context.Context, c Caller, ids []ItemID) (described, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := described{items: []TransferItem{}, has: map[ItemID]bool{}}
	all := map[ItemID]Item{}
	want := ids
	for range 3 { // the items, their parents (seasons, series, albums), and the series of seasons
		if len(want) == 0 {
			break
		}
		got, err := s.d.Store.ItemsByID(ctx, want)
		if err != nil {
			return described{}, err
		}
		want = nil
		for id, it := range got {
			all[id] = it
			if it.ParentID != "" && (it.Kind == KindEpisode || it.Kind == KindSeason || it.Kind == KindTrack) {
				if _, ok := all[it.ParentID]; !ok {
					want = append(want, it.ParentID)
				}
			}
		}
		want = slices.Compact(slices.Sorted(slices.Values(want)))
	}
	parent := func(it Item, kind ItemKind) *TransferParent {
		for p, ok := all[it.ParentID]; ok; p, ok = all[p.ParentID] {
			if p.Kind == kind {
				return &TransferParent{Title: p.Title, Year: p.Year, ProviderIDs: p.ProviderIDs}
			}
		}
		return nil
	}
	for _, id := range ids {
		it, ok := all[id]
		if !ok || !c.CanSeeItem(it) {
			continue
		}
		ti := TransferItem{ID: it.ID, Kind: it.Kind, Title: it.Title, Year: it.Year, ProviderIDs: it.ProviderIDs}
		switch it.Kind {
		case KindEpisode:
			ti.Series, ti.Season, ti.Episode = parent(it, KindSeries), it.ParentIndex, it.IndexNumber
		case KindSeason:
			ti.Series, ti.Season = parent(it, KindSeries), it.IndexNumber
		case KindTrack:
			ti.Album, ti.Disc, ti.Track = parent(it, KindAlbum), it.ParentIndex, it.IndexNumber
		}
		out.items = append(out.items, ti)
		out.has[id] = true
	}
	return out, nil
}
