package core

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PlaylistID identifies a playlist.
type PlaylistID string

// Playlist is a user's ordered list of playable items, video and audio mixed; its owner may share
// it with chosen users, who can play it but not change it.
type Playlist struct {
	ID         PlaylistID
	Key        int64 // stable small integer, assigned by the store: Plex's ratingKey of the playlist
	Owner      UserID
	Name       string
	SharedWith []UserID
	Entries    int           // how many entries it has (the caller may see fewer)
	Duration   time.Duration // of those entries' items, as far as runtimes are known
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PlaylistEntry is one place in a playlist: the same item may appear twice, as two entries.
type PlaylistEntry struct {
	ID   int64 // stable while the entry stays: Plex's playlistItemID, Jellyfin's PlaylistItemId
	Item Item
}

// Bounds of playlists, which users fill freely: listing a user's playlists reads their entries,
// so the entries of all of a user's playlists are bounded too.
const (
	MaxPlaylistEntries     = 10_000
	MaxPlaylistsPerUser    = 1_000
	MaxPlaylistEntriesUser = 50_000
	maxPlaylistName        = 200
)

// PlaylistStore persists playlists.
type PlaylistStore interface {
	// CreatePlaylist stores a playlist (its Entries and Duration ignored) with items as its entries,
	// in order; ErrInvalid when the owner would have more than limit playlists.
	CreatePlaylist(ctx context.Context, p Playlist, items []ItemID, limit int) (Playlist, error)
	// Playlist returns a playlist by id; PlaylistByKey by key.
	Playlist(ctx context.Context, id PlaylistID) (Playlist, error)
	PlaylistByKey(ctx context.Context, key int64) (Playlist, error)
	// Playlists returns the playlists user owns or that are shared with them, by name.
	Playlists(ctx context.Context, user UserID) ([]Playlist, error)
	// PlaylistEntries returns every entry, in order.
	PlaylistEntries(ctx context.Context, id PlaylistID) ([]PlaylistEntry, error)
	// OwnedEntries counts the entries of all the playlists user owns.
	OwnedEntries(ctx context.Context, user UserID) (int, error)
	// UpdatePlaylist applies fn to the playlist and its entries' item ids in order (fn may change
	// the name, the shares and the order, remove ids and append new items, as entries with ID 0),
	// in one transaction; entries keep their ids.
	UpdatePlaylist(ctx context.Context, id PlaylistID, at time.Time, fn func(p *Playlist, entries *[]PlaylistEntry) error) (Playlist, error)
	DeletePlaylist(ctx context.Context, id PlaylistID) error
}

// Playlists is the playlist service.
type Playlists struct {
	store PlaylistStore
	items *Items
	now   Clock
	newID func() string
}

// NewPlaylists returns the playlist service.
func NewPlaylists(store PlaylistStore, items *Items, now Clock, newID func() string) *Playlists {
	return &Playlists{store: store, items: items, now: now, newID: newID}
}

// playable returns the playable items of ids the caller may see, in order; a folder (a season,
// an album, a box set) stands for its playable items. ErrNotFound for an id the caller may not see.
func (s *Playlists) playable(ctx context.Context, c Caller, ids []ItemID) ([]ItemID, error) {
	var out []ItemID
	for _, id := range ids {
		it, err := s.items.Get(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if it.Kind.Playable() {
			out = append(out, it.ID)
			continue
		}
		kids, err := s.items.leaves(ctx, c, it, MaxPlaylistEntries-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
		if len(out) > MaxPlaylistEntries {
			break
		}
	}
	if len(out) > MaxPlaylistEntries {
		return nil, Invalid("items", "a playlist holds at most %d entries", MaxPlaylistEntries)
	}
	return out, nil
}

func checkPlaylistName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxPlaylistName || !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return "", Invalid("name", "must be 1 to %d bytes of text", maxPlaylistName)
	}
	return name, nil
}

// Create makes a playlist of the caller's with items (folders stand for what they hold).
func (s *Playlists) Create(ctx context.Context, c Caller, name string, items []ItemID) (Playlist, error) {
	if err := c.requireUser(); err != nil {
		return Playlist{}, err
	}
	name, err := checkPlaylistName(name)
	if err != nil {
		return Playlist{}, err
	}
	ids, err := s.playable(ctx, c, items)
	if err != nil {
		return Playlist{}, err
	}
	if err := s.checkOwned(ctx, c.UserID, len(ids)); err != nil {
		return Playlist{}, err
	}
	now := s.now().UTC()
	return s.store.CreatePlaylist(ctx, Playlist{ID: PlaylistID(s.newID()), Owner: c.UserID, Name: name, CreatedAt: now, UpdatedAt: now},
		ids, MaxPlaylistsPerUser)
}

// canRead reports whether c may play p; canWrite whether c may change it.
func canRead(c Caller, p Playlist) bool {
	return c.Admin || c.UserID != "" && (p.Owner == c.UserID || slices.Contains(p.SharedWith, c.UserID))
}

func canWrite(c Caller, p Playlist) bool { return c.Admin || c.UserID != "" && p.Owner == c.UserID }

// Get returns a playlist the caller may play, or ErrNotFound.
func (s *Playlists) Get(ctx context.Context, c Caller, id PlaylistID) (Playlist, error) {
	p, err := s.store.Playlist(ctx, id)
	if err != nil {
		return Playlist{}, err
	}
	if !canRead(c, p) {
		return Playlist{}, ErrNotFound
	}
	return p, nil
}

// GetByKey is Get by the playlist's key.
func (s *Playlists) GetByKey(ctx context.Context, c Caller, key int64) (Playlist, error) {
	p, err := s.store.PlaylistByKey(ctx, key)
	if err != nil {
		return Playlist{}, err
	}
	if !canRead(c, p) {
		return Playlist{}, ErrNotFound
	}
	return p, nil
}

// List returns the caller's playlists and those shared with them.
func (s *Playlists) List(ctx context.Context, c Caller) ([]Playlist, error) {
	if c.UserID == "" {
		return []Playlist{}, nil
	}
	return s.store.Playlists(ctx, c.UserID)
}

// Entries returns the entries of a playlist whose items the caller may see, in order: a user
// shared a playlist sees only what their own grants allow.
func (s *Playlists) Entries(ctx context.Context, c Caller, id PlaylistID) ([]PlaylistEntry, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	all, err := s.store.PlaylistEntries(ctx, id)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if c.CanSeeItem(e.Item) {
			out = append(out, e)
		}
	}
	return out, nil
}

// update changes a playlist the caller owns.
func (s *Playlists) update(ctx context.Context, c Caller, id PlaylistID, fn func(p *Playlist, entries *[]PlaylistEntry) error) (Playlist, error) {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return Playlist{}, err
	}
	if !canWrite(c, p) {
		return Playlist{}, ErrForbidden
	}
	return s.store.UpdatePlaylist(ctx, id, s.now().UTC(), fn)
}

// checkOwned refuses adding n entries past MaxPlaylistEntriesUser for user.
func (s *Playlists) checkOwned(ctx context.Context, user UserID, n int) error {
	if n == 0 {
		return nil
	}
	have, err := s.store.OwnedEntries(ctx, user)
	if err != nil {
		return err
	}
	if have+n > MaxPlaylistEntriesUser {
		return Invalid("items", "a user's playlists hold at most %d entries in all", MaxPlaylistEntriesUser)
	}
	return nil
}

// Add appends items (folders stand for what they hold) to a playlist the caller owns.
func (s *Playlists) Add(ctx context.Context, c Caller, id PlaylistID, items []ItemID) (Playlist, error) {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return Playlist{}, err
	}
	if !canWrite(c, p) { // before expanding folders: a reader learns nothing from an edit
		return Playlist{}, ErrForbidden
	}
	ids, err := s.playable(ctx, c, items)
	if err != nil {
		return Playlist{}, err
	}
	if err := s.checkOwned(ctx, p.Owner, len(ids)); err != nil {
		return Playlist{}, err
	}
	return s.update(ctx, c, id, func(_ *Playlist, entries *[]PlaylistEntry) error {
		if len(*entries)+len(ids) > MaxPlaylistEntries {
			return Invalid("items", "a playlist holds at most %d entries", MaxPlaylistEntries)
		}
		for _, it := range ids {
			*entries = append(*entries, PlaylistEntry{Item: Item{ID: it}})
		}
		return nil
	})
}

// Remove takes entries out of a playlist the caller owns; ErrNotFound for an entry it lacks.
func (s *Playlists) Remove(ctx context.Context, c Caller, id PlaylistID, entries ...int64) (Playlist, error) {
	return s.update(ctx, c, id, func(_ *Playlist, es *[]PlaylistEntry) error {
		for _, e := range entries {
			i := slices.IndexFunc(*es, func(x PlaylistEntry) bool { return x.ID == e })
			if i < 0 {
				return ErrNotFound
			}
			*es = slices.Delete(*es, i, i+1)
		}
		return nil
	})
}

// Move puts an entry right after another (after = 0: first).
func (s *Playlists) Move(ctx context.Context, c Caller, id PlaylistID, entry, after int64) (Playlist, error) {
	return s.update(ctx, c, id, func(_ *Playlist, es *[]PlaylistEntry) error {
		i := slices.IndexFunc(*es, func(x PlaylistEntry) bool { return x.ID == entry })
		if i < 0 {
			return ErrNotFound
		}
		e := (*es)[i]
		*es = slices.Delete(*es, i, i+1)
		at := 0
		if after != 0 {
			j := slices.IndexFunc(*es, func(x PlaylistEntry) bool { return x.ID == after })
			if j < 0 {
				return ErrNotFound
			}
			at = j + 1
		}
		*es = slices.Insert(*es, at, e)
		return nil
	})
}

// Rename renames a playlist the caller owns.
func (s *Playlists) Rename(ctx context.Context, c Caller, id PlaylistID, name string) (Playlist, error) {
	name, err := checkPlaylistName(name)
	if err != nil {
		return Playlist{}, err
	}
	return s.update(ctx, c, id, func(p *Playlist, _ *[]PlaylistEntry) error { p.Name = name; return nil })
}

// Share sets who besides its owner may play a playlist.
func (s *Playlists) Share(ctx context.Context, c Caller, id PlaylistID, users []UserID) (Playlist, error) {
	return s.update(ctx, c, id, func(p *Playlist, _ *[]PlaylistEntry) error {
		p.SharedWith = slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(users), func(u UserID) bool { return u == p.Owner }))))
		return nil
	})
}

// Delete deletes a playlist the caller owns.
func (s *Playlists) Delete(ctx context.Context, c Caller, id PlaylistID) error {
	p, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if !canWrite(c, p) {
		return ErrForbidden
	}
	return s.store.DeletePlaylist(ctx, id)
}

// leaves returns the playable items under a folder, in order (a series' episodes season by
// season, an album's tracks, a box set's members), at most max+1 of them.
func (s *Items) leaves(ctx context.Context, c Caller, folder Item, max int) ([]ItemID, error) {
	var out []ItemID
	var walk func(id ItemID) error
	walk = func(id ItemID) error {
		for off := 0; ; off += MaxPage {
			kids, total, err := s.List(ctx, c, ItemQuery{Parent: id, Sort: SortIndex, Limit: MaxPage, Offset: off})
			if err != nil {
				return err
			}
			for _, k := range kids {
				switch {
				case len(out) > max:
					return nil
				case k.ExtraType != "":
				case k.Kind.Playable():
					out = append(out, k.ID)
				default:
					if err := walk(k.ID); err != nil {
						return err
					}
				}
			}
			if off+len(kids) >= total || len(kids) == 0 {
				return nil
			}
		}
	}
	return out, walk(folder.ID)
}
