package core

import (
	"context"
	"slices"
	"time"
)

// PlayMethod is how a play session reached the player.
type PlayMethod string

// The play methods.
const (
	PlayDirect    PlayMethod = "direct"    // the original file
	PlayRemux     PlayMethod = "remux"     // the streams copied into another container
	PlayTranscode PlayMethod = "transcode" // encoded
)

// HistoryEntry is one play session: who played what, where, for how long and how.
type HistoryEntry struct {
	ID         int64 // assigned by the store
	User       UserID
	Item       ItemID
	Library    LibraryID // the item's, when it was played
	File       FileID    // the version played, when known
	DeviceID   string
	DeviceName string
	Client     string
	Started    time.Time
	Stopped    time.Time
	Watched    time.Duration // time spent playing, pauses aside
	Position   time.Duration // where it stopped
	Method     PlayMethod
	Reason     string // why not direct play, when it was not
}

// HistoryQuery selects history entries, newest first unless Asc.
type HistoryQuery struct {
	User      UserID // only this user's; set from the caller unless they are an admin
	Libraries []LibraryID
	// Parental keeps only entries of existing items its rules allow; set from the caller.
	Parental *ParentalControls
	Item     ItemID
	Since    time.Time // stopped at or after
	Until    time.Time // stopped before
	Asc      bool
	Limit    int
	Offset   int
}

// HistoryStore persists play history.
type HistoryStore interface {
	AddHistory(ctx context.Context, e HistoryEntry) (HistoryEntry, error)
	// History returns a page of matching entries and how many match in all.
	History(ctx context.Context, q HistoryQuery) ([]HistoryEntry, int, error)
}

// History records every play session and lists them.
type History struct {
	store HistoryStore
	items *Items
	now   Clock
}

// NewHistory returns the history service.
func NewHistory(store HistoryStore, items *Items, now Clock) *History {
	return &History{store: store, items: items, now: now}
}

// maxHistoryText bounds the free-text fields clients send.
const maxHistoryText = 200

// Record stores a play session of the caller's: e's item must be one they may see. Empty times
// mean now; text fields are cut to a sane length.
func (h *History) Record(ctx context.Context, c Caller, e HistoryEntry) (HistoryEntry, error) {
	if err := c.requireUser(); err != nil {
		return HistoryEntry{}, err
	}
	it, err := h.items.Get(ctx, c, e.Item)
	if err != nil {
		return HistoryEntry{}, err
	}
	now := h.now().UTC()
	e.User, e.Library = c.UserID, it.LibraryID
	if e.Stopped.IsZero() {
		e.Stopped = now
	}
	if e.Started.IsZero() || e.Started.After(e.Stopped) {
		e.Started = e.Stopped.Add(-e.Watched)
	}
	e.Watched = min(max(e.Watched, 0), e.Stopped.Sub(e.Started))
	e.Position = max(e.Position, 0)
	switch e.Method {
	case PlayDirect, PlayRemux, PlayTranscode:
	default:
		e.Method = PlayDirect
	}
	for _, s := range []*string{&e.DeviceID, &e.DeviceName, &e.Client, &e.Reason} {
		*s = cut(*s, maxHistoryText)
	}
	return h.store.AddHistory(ctx, e)
}

// List returns the caller's history, or anyone's (q.User, or all) for an admin, limited to the
// libraries the caller may see.
func (h *History) List(ctx context.Context, c Caller, q HistoryQuery) ([]HistoryEntry, int, error) {
	if err := checkPage(&q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	if !c.Admin {
		if err := c.requireUser(); err != nil {
			return nil, 0, err
		}
		q.User = c.UserID
	}
	if vis := c.visibleLibraries(); vis != nil {
		if q.Libraries == nil {
			q.Libraries = vis
		} else {
			q.Libraries = slices.DeleteFunc(slices.Clone(q.Libraries), func(l LibraryID) bool { return !slices.Contains(vis, l) })
		}
	}
	if q.Libraries != nil && len(q.Libraries) == 0 {
		return []HistoryEntry{}, 0, nil
	}
	q.Parental = c.Parental
	return h.store.History(ctx, q)
}

// cut shortens s to at most n bytes, at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
