package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// UserData is what one user's playing has left on an item: where to resume, whether it was played
// and how often, and their favorites and likes.
type UserData struct {
	ItemID   ItemID
	Position time.Duration // resume point; 0 when none
	// File is the version (media file) the resume point was reached in, when the player said;
	// empty when unknown or when there is no resume point.
	File         FileID
	Played       bool // for a series, season, album or box set: every playable item under it is
	PlayCount    int
	LastPlayedAt *time.Time
	Favorite     bool
	Likes        *bool    // nil when the user said nothing
	Rating       *float64 // the user's own rating, 0 to 10; nil when none
	// UnplayedCount is, for an item with playable items under it (a series, season, artist, album or
	// box set), how many of them are not played; nil for a playable item.
	UnplayedCount *int
	// PlayedPercent is, for a playable item in progress, how far in it is; for an item with
	// playable items under it, the share of them that are played. 0 to 100.
	PlayedPercent float64
}

// PlayableKinds are the kinds of items that are played, and so carry a resume point and a played
// state of their own; the played state of any other item is that of the playable items under it.
var PlayableKinds = []ItemKind{KindMovie, KindEpisode, KindTrack, KindVideo}

// Playable reports whether items of kind k are played themselves (as opposed to holding items that are).
func (k ItemKind) Playable() bool { return slices.Contains(PlayableKinds, k) }

// NextUpQuery selects and pages the next episodes to watch.
type NextUpQuery struct {
	Series  ItemID    // only this series
	Library LibraryID // only this library
	Limit   int
	Offset  int
	// Since drops series whose last played episode is older; zero means no limit beyond the
	// service's NextUpCutoff.
	Since time.Time
	// User, Libraries and Parental are set by the service from the caller.
	User      UserID
	Libraries []LibraryID // nil means every library
	Parental  *ParentalControls
}

// UserDataStore persists user data.
type UserDataStore interface {
	// UserData returns the user's data for those of ids that exist, in one query. An item with
	// playable items under it gets Played, UnplayedCount and PlayedPercent from them; a playable
	// item in progress gets PlayedPercent from its runtime. Items without a row get zero data.
	// ids may repeat. The map returned is the caller's: the store keeps no reference to it.
	UserData(ctx context.Context, user UserID, ids []ItemID) (map[ItemID]UserData, error)
	// UpdateUserData reads the user's data for an item (zero when there is none), applies fn and
	// writes the result in one transaction that keeps concurrent updates of the row out; at is the
	// time of the change. The derived fields (UnplayedCount, PlayedPercent) are not filled.
	UpdateUserData(ctx context.Context, user UserID, id ItemID, at time.Time, fn func(*UserData) error) (UserData, error)
	// MarkPlayed marks the item, when it is playable, or every playable item under it (the
	// episodes of a series or season, the tracks of an artist or album, the members of a box set)
	// played at at, or unplayed, in one transaction. It returns the playable items it marked.
	MarkPlayed(ctx context.Context, user UserID, id ItemID, played bool, at time.Time) ([]ItemID, error)
	// NextUp returns a page of next episodes, one per series, the most recently played series
	// first, and how many there are in all.
	NextUp(ctx context.Context, q NextUpQuery) ([]Item, int, error)
}

// UserDataConfig holds the rules that turn playback reports into user data (Jellyfin's defaults).
type UserDataConfig struct {
	// PlayedAt is the share of its runtime after which an item counts as played (0.9); 0 means 0.9.
	PlayedAt float64
	// MinResume is the share under which a stop keeps no resume point (0.05).
	MinResume float64
	// MinResumeDuration is the runtime under which a stopped item counts as played (300 s): a
	// song or a short has no resume point.
	MinResumeDuration time.Duration
	// NextUpCutoff drops series whose last play is older from next up; 0 keeps them forever.
	NextUpCutoff time.Duration
}

// DefaultUserDataConfig is Jellyfin's configuration, without a next up cutoff.
var DefaultUserDataConfig = UserDataConfig{PlayedAt: 0.9, MinResume: 0.05, MinResumeDuration: 300 * time.Second}

// UserDataService records what users play and like, and answers resume and next up lists. Its
// methods need a user caller: an API key has no user data, so it reads zero data and empty
// lists, and its changes are ErrNotFound.
type UserDataService struct {
	store UserDataStore
	items ItemStore
	cfg   UserDataConfig
	now   Clock
	// OnChange, when set, is called after every change with the user data that changed (for a
	// series marked played, the series and each of its episodes). It runs on the caller's
	// goroutine, after the change is stored, with no lock held.
	OnChange func(user UserID, data []UserData)
}

// NewUserData returns the user data service.
func NewUserData(store UserDataStore, items ItemStore, cfg UserDataConfig, now Clock) *UserDataService {
	if cfg.PlayedAt <= 0 || cfg.PlayedAt > 1 {
		cfg.PlayedAt = DefaultUserDataConfig.PlayedAt
	}
	return &UserDataService{store: store, items: items, cfg: cfg, now: now}
}

// Get returns the caller's data for items, zero data for those they never touched. It does not
// check that the caller may see the items: it is meant for lists the caller was already given by
// Items.List or another visibility-checked query, where one query for the whole page matters.
// Use GetOne for an item id that comes from a client.
func (s *UserDataService) Get(ctx context.Context, c Caller, ids ...ItemID) (map[ItemID]UserData, error) {
	var out map[ItemID]UserData
	if c.IsUser() && len(ids) > 0 {
		got, err := s.store.UserData(ctx, c.UserID, ids)
		if err != nil {
			return nil, err
		}
		out = got // the store's answer is the caller's to change
	}
	if out == nil {
		out = make(map[ItemID]UserData, len(ids))
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = UserData{ItemID: id}
		}
	}
	return out, nil
}

// GetOne returns the caller's data for an item they may see.
func (s *UserDataService) GetOne(ctx context.Context, c Caller, id ItemID) (UserData, error) {
	if _, err := s.visible(ctx, c, id); err != nil {
		return UserData{}, err
	}
	got, err := s.Get(ctx, c, id)
	return got[id], err
}

// Progress records a playback report: position is where the player is, and stopped says whether
// playback ended. The rules are Jellyfin's (UserDataManager.UpdatePlayState): a position in the
// first MinResume of the runtime keeps no resume point; one past PlayedAt, or within a second of
// the end, marks the item played, and a stop there counts one more play; a stop anywhere in a
// short item (under MinResumeDuration), or in one whose runtime is unknown, is a complete play.
func (s *UserDataService) Progress(ctx context.Context, c Caller, id ItemID, position time.Duration, stopped bool) (UserData, error) {
	return s.ProgressOn(ctx, c, id, "", position, stopped)
}

// ProgressOn is Progress from a player that says which version of the item it plays: the
// resume point remembers it, so that a device resuming can pick the same version (another
// version's cut or intro may not line up). The caller checks that file is one of the item's.
func (s *UserDataService) ProgressOn(ctx context.Context, c Caller, id ItemID, file FileID, position time.Duration, stopped bool) (UserData, error) {
	if err := c.requireUser(); err != nil {
		return UserData{}, err
	}
	if position < 0 {
		return UserData{}, Invalid("position", "must not be negative")
	}
	it, err := s.visible(ctx, c, id)
	if err != nil {
		return UserData{}, err
	}
	if !it.Kind.Playable() {
		return UserData{}, Invalid("item", "a %s is not played itself", it.Kind)
	}
	now := s.now().UTC()
	d, err := s.store.UpdateUserData(ctx, c.UserID, id, now, func(d *UserData) error {
		before := d.Position
		s.playState(d, it.Runtime, position, stopped, now)
		switch {
		case d.Position == 0:
			d.File = ""
		case d.Position != before || file != "":
			d.File = file // a player that does not say leaves it unknown
		}
		return nil
	})
	if err != nil {
		return UserData{}, err
	}
	d.PlayedPercent = percent(d.Position, it.Runtime)
	s.notify(c.UserID, d)
	return d, nil
}

// playState applies a playback report at position to d.
func (s *UserDataService) playState(d *UserData, runtime, position time.Duration, stopped bool, now time.Time) {
	d.LastPlayedAt = &now
	played := func() {
		d.Position, d.Played = 0, true
		if stopped {
			d.PlayCount++
		}
	}
	if runtime <= 0 {
		if stopped { // nothing says how far it went: Jellyfin counts the play as complete
			played()
		} else {
			d.Position = position
		}
		return
	}
	switch pct := float64(position) / float64(runtime); {
	case pct < s.cfg.MinResume:
		d.Position = 0 // the first minutes do not make a resume point
	case pct >= s.cfg.PlayedAt || position >= runtime-time.Second:
		played()
	case stopped && runtime < s.cfg.MinResumeDuration:
		played()
	default:
		d.Position = position
	}
}

// SetPlayed marks an item played (at at, or now when at is nil) or unplayed. On an item with
// playable items under it (a series, a season, an album, a box set), it marks every one of them.
// Marking played counts one play for items that were not played and clears resume points;
// marking unplayed also forgets the play count and last play, as Jellyfin does.
func (s *UserDataService) SetPlayed(ctx context.Context, c Caller, id ItemID, played bool, at *time.Time) (UserData, error) {
	if err := c.requireUser(); err != nil {
		return UserData{}, err
	}
	if _, err := s.visible(ctx, c, id); err != nil {
		return UserData{}, err
	}
	when := s.now().UTC()
	if at != nil {
		when = at.UTC()
	}
	changed, err := s.store.MarkPlayed(ctx, c.UserID, id, played, when)
	if err != nil {
		return UserData{}, err
	}
	ids := append([]ItemID{id}, slices.DeleteFunc(changed, func(x ItemID) bool { return x == id })...)
	got, err := s.Get(ctx, c, ids...)
	if err != nil {
		return UserData{}, err
	}
	all := make([]UserData, len(ids))
	for i, x := range ids {
		all[i] = got[x]
	}
	s.notify(c.UserID, all...)
	return got[id], nil
}

// SetFavorite marks or unmarks an item as one of the caller's favorites.
func (s *UserDataService) SetFavorite(ctx context.Context, c Caller, id ItemID, fav bool) (UserData, error) {
	return s.update(ctx, c, id, func(d *UserData) { d.Favorite = fav })
}

// SetLikes records whether the caller likes an item; nil forgets it.
func (s *UserDataService) SetLikes(ctx context.Context, c Caller, id ItemID, likes *bool) (UserData, error) {
	if likes != nil {
		likes = new(*likes)
	}
	return s.update(ctx, c, id, func(d *UserData) { d.Likes = likes })
}

// SetRating sets the caller's rating of an item, 0 to 10 (nil clears it).
func (s *UserDataService) SetRating(ctx context.Context, c Caller, id ItemID, rating *float64) (UserData, error) {
	if rating != nil {
		if r := *rating; r < 0 || r > 10 || math.IsNaN(r) {
			return UserData{}, Invalid("rating", "must be between 0 and 10")
		}
		rating = new(*rating)
	}
	return s.update(ctx, c, id, func(d *UserData) { d.Rating = rating })
}

// update applies fn to the caller's data for an item they may see, and returns it complete.
func (s *UserDataService) update(ctx context.Context, c Caller, id ItemID, fn func(*UserData)) (UserData, error) {
	if err := c.requireUser(); err != nil {
		return UserData{}, err
	}
	it, err := s.visible(ctx, c, id)
	if err != nil {
		return UserData{}, err
	}
	d, err := s.store.UpdateUserData(ctx, c.UserID, id, s.now().UTC(), func(d *UserData) error {
		fn(d)
		return nil
	})
	if err != nil {
		return UserData{}, err
	}
	if it.Kind.Playable() {
		d.PlayedPercent = percent(d.Position, it.Runtime)
	} else { // the derived fields come from the items under it
		got, err := s.store.UserData(ctx, c.UserID, []ItemID{id})
		if err != nil {
			return UserData{}, err
		}
		d = got[id]
	}
	s.notify(c.UserID, d)
	return d, nil
}

// Resume lists the items the caller started and did not finish, the most recently played first,
// within q's filters (Kinds, Library, Parent) and page.
func (s *UserDataService) Resume(ctx context.Context, c Caller, q ItemQuery) ([]Item, int, error) {
	if err := checkPage(&q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	for _, k := range q.Kinds {
		if !slices.Contains(ItemKinds, k) {
			return nil, 0, Invalid("type", "unknown item type %q", k)
		}
	}
	if !c.IsUser() || (q.Library != "" && !c.CanSee(q.Library)) {
		return []Item{}, 0, nil
	}
	q.Libraries, q.Parental, q.User = c.visibleLibraries(), c.Parental, c.UserID
	q.Resumable, q.Played, q.Sort, q.Desc = true, nil, SortPlayed, true
	return s.items.Items(ctx, q)
}

// NextUp lists, for each series the caller is watching, the first unplayed episode after the one
// they played last, in season and episode order, skipping specials (season 0). Series come most
// recently played first; those last played before q.Since, or longer ago than NextUpCutoff, are
// left out.
func (s *UserDataService) NextUp(ctx context.Context, c Caller, q NextUpQuery) ([]Item, int, error) {
	if err := checkPage(&q.Limit, q.Offset); err != nil {
		return nil, 0, err
	}
	if !c.IsUser() || (q.Library != "" && !c.CanSee(q.Library)) {
		return []Item{}, 0, nil
	}
	if q.Series != "" {
		if _, err := s.visible(ctx, c, q.Series); errors.Is(err, ErrNotFound) {
			return []Item{}, 0, nil // like a library the caller may not see: an empty list
		} else if err != nil {
			return nil, 0, err
		}
	}
	if s.cfg.NextUpCutoff > 0 {
		if cut := s.now().Add(-s.cfg.NextUpCutoff); cut.After(q.Since) {
			q.Since = cut
		}
	}
	if !q.Since.IsZero() {
		q.Since = q.Since.UTC()
	}
	q.User, q.Libraries, q.Parental = c.UserID, c.visibleLibraries(), c.Parental
	return s.store.NextUp(ctx, q)
}

// visible returns an item the caller may see, or ErrNotFound.
func (s *UserDataService) visible(ctx context.Context, c Caller, id ItemID) (Item, error) {
	it, err := s.items.Item(ctx, id)
	if err != nil {
		return Item{}, err
	}
	if !c.CanSeeItem(it) {
		return Item{}, fmt.Errorf("item %s: %w", id, ErrNotFound)
	}
	return it, nil
}

func (s *UserDataService) notify(user UserID, data ...UserData) {
	if s.OnChange != nil && len(data) > 0 {
		s.OnChange(user, data)
	}
}

// checkPage validates a page, defaulting the limit to 100.
func checkPage(limit *int, offset int) error {
	switch {
	case *limit == 0:
		*limit = 100
	case *limit < 0 || *limit > MaxPage:
		return Invalid("limit", "must be between 1 and %d", MaxPage)
	}
	if offset < 0 || offset > MaxOffset {
		return Invalid("offset", "must be between 0 and %d", MaxOffset)
	}
	return nil
}

// percent is how far position is into runtime, from 0 to 100; 0 when either is unknown.
func percent(position, runtime time.Duration) float64 {
	if position <= 0 || runtime <= 0 {
		return 0
	}
	return min(100, float64(position)/float64(runtime)*100)
}
