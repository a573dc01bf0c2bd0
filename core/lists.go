package core

import (
	"context"
	"slices"
	"time"
)

// ListID identifies a user's list.
type ListID string

// List is a user's own named list of items ("To show the kids", "Christmas"), or their watchlist.
// A list holds each item once, in the order they were added; it is private to its owner.
type List struct {
	ID        ListID
	Owner     UserID
	Name      string // empty for the watchlist
	Watchlist bool
	Items     int // how many of its items the caller may see
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListEntry is an item in a list and when it was added.
type ListEntry struct {
	Item    Item
	AddedAt time.Time
}

// Bounds of lists, which users fill freely.
const (
	MaxListsPerUser = 1_000
	MaxListItems    = 10_000 // per list, the watchlist included
)

// ListStore persists lists.
type ListStore interface {
	// Watchlist returns user's watchlist, made at at when they have none yet.
	Watchlist(ctx context.Context, user UserID, at time.Time) (List, error)
	// CreateList stores a list; ErrConflict when the owner has a list of that name, ErrInvalid when
	// they would have more than limit lists.
	CreateList(ctx context.Context, l List, limit int) (List, error)
	// List returns a list with the number of its items in libs (nil: every library).
	List(ctx context.Context, id ListID, libs []LibraryID, parental *ParentalControls) (List, error)
	// Lists returns user's lists, the watchlist first and then by name, or only those holding
	// item when it is set.
	Lists(ctx context.Context, user UserID, item ItemID, libs []LibraryID, parental *ParentalControls) ([]List, error)
	// RenameList renames a list; ErrConflict when its owner has another list of that name.
	RenameList(ctx context.Context, id ListID, name string, at time.Time) error
	DeleteList(ctx context.Context, id ListID) error
	// AddToList adds the entries' items that the list lacks, with their AddedAt, in one
	// transaction, and returns how many it added; ErrInvalid when the list would hold more than
	// limit items.
	AddToList(ctx context.Context, id ListID, entries []ListEntry, at time.Time, limit int) (int, error)
	// RemoveFromList removes an item; removing one the list lacks is no error.
	RemoveFromList(ctx context.Context, id ListID, item ItemID, at time.Time) error
	// ListEntries returns a page of a list's entries whose items are in libs (nil: every
	// library), the most recently added first unless asc, and how many there are.
	ListEntries(ctx context.Context, id ListID, libs []LibraryID, parental *ParentalControls, asc bool, limit, offset int) ([]ListEntry, int, error)
}

// Lists is the service of users' watchlists and named lists. Only a list's owner sees or changes
// it; an API key has none. Items the caller can no longer see are left out of every answer.
type Lists struct {
	store ListStore
	items *Items
	now   Clock
	newID func() string
}

// NewLists returns the list service.
func NewLists(store ListStore, items *Items, now Clock, newID func() string) *Lists {
	return &Lists{store: store, items: items, now: now, newID: newID}
}

// ListPage selects a page of list entries.
type ListPage struct {
	Asc    bool // the oldest first; the most recently added first by default
	Limit  int
	Offset int
}

// Watchlist returns a page of the caller's watchlist and how many entries they may see.
func (s *Lists) Watchlist(ctx context.Context, c Caller, p ListPage) ([]ListEntry, int, error) {
	if err := checkPage(&p.Limit, p.Offset); err != nil {
		return nil, 0, err
	}
	if !c.IsUser() {
		return []ListEntry{}, 0, nil
	}
	w, err := s.store.Watchlist(ctx, c.UserID, s.now().UTC())
	if err != nil {
		return nil, 0, err
	}
	return s.store.ListEntries(ctx, w.ID, c.visibleLibraries(), c.Parental, p.Asc, p.Limit, p.Offset)
}

// AddToWatchlist puts an item the caller may see on their watchlist; one already there keeps its
// place.
func (s *Lists) AddToWatchlist(ctx context.Context, c Caller, id ItemID) error {
	if err := c.requireUser(); err != nil {
		return err
	}
	if _, err := s.items.Get(ctx, c, id); err != nil {
		return err
	}
	now := s.now().UTC()
	w, err := s.store.Watchlist(ctx, c.UserID, now)
	if err != nil {
		return err
	}
	_, err = s.store.AddToList(ctx, w.ID, []ListEntry{{Item: Item{ID: id}, AddedAt: now}}, now, MaxListItems)
	return err
}

// RemoveFromWatchlist takes an item off the caller's watchlist.
func (s *Lists) RemoveFromWatchlist(ctx context.Context, c Caller, id ItemID) error {
	if err := c.requireUser(); err != nil {
		return err
	}
	if _, err := s.items.Get(ctx, c, id); err != nil {
		return err
	}
	now := s.now().UTC()
	w, err := s.store.Watchlist(ctx, c.UserID, now)
	if err != nil {
		return err
	}
	return s.store.RemoveFromList(ctx, w.ID, id, now)
}

// Lists returns the caller's named lists, by name.
func (s *Lists) Lists(ctx context.Context, c Caller) ([]List, error) {
	if !c.IsUser() {
		return []List{}, nil
	}
	all, err := s.store.Lists(ctx, c.UserID, "", c.visibleLibraries(), c.Parental)
	return named(all), err
}

// Containing tells whether an item the caller may see is on their watchlist, and which of their
// named lists hold it.
func (s *Lists) Containing(ctx context.Context, c Caller, id ItemID) (bool, []List, error) {
	if _, err := s.items.Get(ctx, c, id); err != nil {
		return false, nil, err
	}
	if !c.IsUser() {
		return false, []List{}, nil
	}
	all, err := s.store.Lists(ctx, c.UserID, id, c.visibleLibraries(), c.Parental)
	if err != nil {
		return false, nil, err
	}
	watched := slices.ContainsFunc(all, func(l List) bool { return l.Watchlist })
	return watched, named(all), nil
}

// named drops the watchlist from lists.
func named(lists []List) []List {
	return slices.DeleteFunc(lists, func(l List) bool { return l.Watchlist })
}

// checkListName validates a list's name: the rules of playlist names.
func checkListName(name string) (string, error) { return checkPlaylistName(name) }

// Create makes a named list of the caller's, with items (in that order of addition).
func (s *Lists) Create(ctx context.Context, c Caller, name string, items []ItemID) (List, error) {
	if err := c.requireUser(); err != nil {
		return List{}, err
	}
	name, err := checkListName(name)
	if err != nil {
		return List{}, err
	}
	entries, err := s.entries(ctx, c, items)
	if err != nil {
		return List{}, err
	}
	now := s.now().UTC()
	l, err := s.store.CreateList(ctx, List{ID: ListID(s.newID()), Owner: c.UserID, Name: name, CreatedAt: now, UpdatedAt: now}, MaxListsPerUser)
	if err != nil {
		return List{}, err
	}
	if len(entries) > 0 {
		if _, err := s.store.AddToList(ctx, l.ID, entries, now, MaxListItems); err != nil {
			_ = s.store.DeleteList(ctx, l.ID) // a list made half is worse than none
			return List{}, err
		}
	}
	return s.store.List(ctx, l.ID, c.visibleLibraries(), c.Parental)
}

// entries checks that the caller may see items and makes them entries added now, a millisecond
// apart so that their order holds.
func (s *Lists) entries(ctx context.Context, c Caller, items []ItemID) ([]ListEntry, error) {
	if len(items) > MaxListItems {
		return nil, Invalid("items", "a list holds at most %d items", MaxListItems)
	}
	now := s.now().UTC()
	out := make([]ListEntry, 0, len(items))
	seen := map[ItemID]bool{}
	for _, id := range items {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := s.items.Get(ctx, c, id); err != nil {
			return nil, err
		}
		out = append(out, ListEntry{Item: Item{ID: id}})
	}
	for i := range out {
		out[i].AddedAt = now.Add(time.Duration(i-len(out)+1) * time.Millisecond)
	}
	return out, nil
}

// Get returns a named list of the caller's, or ErrNotFound.
func (s *Lists) Get(ctx context.Context, c Caller, id ListID) (List, error) {
	if err := c.requireUser(); err != nil {
		return List{}, err
	}
	l, err := s.store.List(ctx, id, c.visibleLibraries(), c.Parental)
	if err != nil {
		return List{}, err
	}
	if l.Owner != c.UserID || l.Watchlist {
		return List{}, ErrNotFound
	}
	return l, nil
}

// Rename renames a list of the caller's; ErrConflict when they have another of that name.
func (s *Lists) Rename(ctx context.Context, c Caller, id ListID, name string) (List, error) {
	name, err := checkListName(name)
	if err != nil {
		return List{}, err
	}
	if _, err := s.Get(ctx, c, id); err != nil {
		return List{}, err
	}
	if err := s.store.RenameList(ctx, id, name, s.now().UTC()); err != nil {
		return List{}, err
	}
	return s.Get(ctx, c, id)
}

// Delete deletes a list of the caller's.
func (s *Lists) Delete(ctx context.Context, c Caller, id ListID) error {
	if _, err := s.Get(ctx, c, id); err != nil {
		return err
	}
	return s.store.DeleteList(ctx, id)
}

// Entries returns a page of a list's entries that the caller may see, and how many there are.
func (s *Lists) Entries(ctx context.Context, c Caller, id ListID, p ListPage) ([]ListEntry, int, error) {
	if err := checkPage(&p.Limit, p.Offset); err != nil {
		return nil, 0, err
	}
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, 0, err
	}
	return s.store.ListEntries(ctx, id, c.visibleLibraries(), c.Parental, p.Asc, p.Limit, p.Offset)
}

// Add adds items the caller may see to a list of theirs; items already in it keep their place.
func (s *Lists) Add(ctx context.Context, c Caller, id ListID, items []ItemID) (List, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return List{}, err
	}
	entries, err := s.entries(ctx, c, items)
	if err != nil {
		return List{}, err
	}
	if _, err := s.store.AddToList(ctx, id, entries, s.now().UTC(), MaxListItems); err != nil {
		return List{}, err
	}
	return s.Get(ctx, c, id)
}

// Remove takes an item out of a list of the caller's.
func (s *Lists) Remove(ctx context.Context, c Caller, id ListID, item ItemID) (List, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return List{}, err
	}
	if err := s.store.RemoveFromList(ctx, id, item, s.now().UTC()); err != nil {
		return List{}, err
	}
	return s.Get(ctx, c, id)
}
