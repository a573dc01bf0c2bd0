package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ParentalControls are what an admin restricts a user to. They are enforced here, in core: every
// list, search, detail, image and stream answer of every facade comes through Items, UserData,
// Playlists or History, which check them.
type ParentalControls struct {
	// MaxLevel is the highest rating level (see RatingLevel) the user may see; nil: any.
	MaxLevel *int
	// BlockUnrated lists the groups of items hidden when they carry no known rating.
	BlockUnrated []UnratedKind
	// BlockedTags hides items that have one of these tags or genres, and everything under them
	// (a series' episodes), ignoring case.
	BlockedTags []string
	// Schedule is when the user may use the server, in the server's time zone; empty: any time.
	Schedule []AccessWindow
}

// UnratedKind is a group of items that BlockUnrated names (Jellyfin's UnratedItem).
type UnratedKind string

// The unrated kinds.
const (
	UnratedMovie  UnratedKind = "movie"
	UnratedSeries UnratedKind = "series" // series, their seasons and episodes
	UnratedMusic  UnratedKind = "music"  // artists, albums and tracks
	UnratedVideo  UnratedKind = "video"  // home videos and other videos
	UnratedOther  UnratedKind = "other"  // box sets
)

// UnratedKinds lists every UnratedKind.
var UnratedKinds = []UnratedKind{UnratedMovie, UnratedSeries, UnratedMusic, UnratedVideo, UnratedOther}

// UnratedKindOf returns the group an item kind belongs to.
func UnratedKindOf(k ItemKind) UnratedKind {
	switch k {
	case KindMovie:
		return UnratedMovie
	case KindSeries, KindSeason, KindEpisode:
		return UnratedSeries
	case KindArtist, KindAlbum, KindTrack:
		return UnratedMusic
	case KindVideo:
		return UnratedVideo
	}
	return UnratedOther
}

// KindsOfUnrated returns the item kinds of the groups.
func KindsOfUnrated(groups []UnratedKind) []ItemKind {
	var out []ItemKind
	for _, k := range ItemKinds {
		if slices.Contains(groups, UnratedKindOf(k)) {
			out = append(out, k)
		}
	}
	return out
}

// Day names an AccessWindow's days (Jellyfin's DynamicDayOfWeek).
type Day string

// The days.
const (
	Everyday Day = "everyday"
	Weekday  Day = "weekday" // Monday to Friday
	Weekend  Day = "weekend"
)

// AccessWindow is a span of hours of some days: Start and End are hours from midnight (0 to 24,
// End after Start; 19.5 is 19:30).
type AccessWindow struct {
	Day   Day // everyday, weekday, weekend, or a day's English name in lower case
	Start float64
	End   float64
}

func (w AccessWindow) covers(t time.Time) bool {
	wd := t.Weekday()
	switch w.Day {
	case Everyday:
	case Weekday:
		if wd == time.Saturday || wd == time.Sunday {
			return false
		}
	case Weekend:
		if wd != time.Saturday && wd != time.Sunday {
			return false
		}
	default:
		if string(w.Day) != strings.ToLower(wd.String()) {
			return false
		}
	}
	h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
	return h >= w.Start && h < w.End
}

// AllowedAt reports whether the schedule lets the user in at t (in the server's time zone).
func (p ParentalControls) AllowedAt(t time.Time) bool {
	if len(p.Schedule) == 0 {
		return true
	}
	for _, w := range p.Schedule {
		if w.covers(t) {
			return true
		}
	}
	return false
}

// Limits of parental controls, which come from admins but are stored with every user.
const (
	maxBlockedTags  = 100
	maxTagLength    = 200
	maxAccessWindow = 50
)

// normalize checks p and returns it in canonical form: tags trimmed and folded, without
// duplicates, groups sorted.
func (p ParentalControls) normalize() (ParentalControls, error) {
	if p.MaxLevel != nil && (*p.MaxLevel < 0 || *p.MaxLevel > MaxRatingLevel) {
		return p, Invalid("max_rating_level", "must be between 0 and %d", MaxRatingLevel)
	}
	var out ParentalControls
	if p.MaxLevel != nil {
		v := *p.MaxLevel
		out.MaxLevel = &v
	}
	for _, k := range p.BlockUnrated {
		if !slices.Contains(UnratedKinds, k) {
			return p, Invalid("block_unrated", "unknown group %q (movie, series, music, video or other)", k)
		}
		if !slices.Contains(out.BlockUnrated, k) {
			out.BlockUnrated = append(out.BlockUnrated, k)
		}
	}
	slices.Sort(out.BlockUnrated)
	if len(p.BlockedTags) > maxBlockedTags {
		return p, Invalid("blocked_tags", "at most %d tags", maxBlockedTags)
	}
	for _, t := range p.BlockedTags {
		t = FoldTag(t)
		if t == "" {
			continue
		}
		if len(t) > maxTagLength || !utf8.ValidString(t) || strings.Contains(t, "|") {
			return p, Invalid("blocked_tags", "a tag is at most %d bytes of text without '|'", maxTagLength)
		}
		if !slices.Contains(out.BlockedTags, t) {
			out.BlockedTags = append(out.BlockedTags, t)
		}
	}
	if len(p.Schedule) > maxAccessWindow {
		return p, Invalid("schedule", "at most %d windows", maxAccessWindow)
	}
	for _, w := range p.Schedule {
		w.Day = Day(strings.ToLower(strings.TrimSpace(string(w.Day))))
		if !validDay(w.Day) {
			return p, Invalid("schedule", "unknown day %q (everyday, weekday, weekend, monday...)", w.Day)
		}
		if !(w.Start >= 0 && w.End <= 24 && w.Start < w.End) {
			return p, Invalid("schedule", "hours must satisfy 0 <= start < end <= 24")
		}
		out.Schedule = append(out.Schedule, w)
	}
	return out, nil
}

func validDay(d Day) bool {
	if d == Everyday || d == Weekday || d == Weekend {
		return true
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if string(d) == strings.ToLower(wd.String()) {
			return true
		}
	}
	return false
}

// FoldTag is the form tags and genres are compared in.
func FoldTag(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Restricts reports whether p hides any content (a schedule alone does not).
func (p ParentalControls) Restricts() bool {
	return p.MaxLevel != nil || len(p.BlockUnrated) > 0 || len(p.BlockedTags) > 0
}

// Allows reports whether an item passes p. Items carry their effective rating level and tags,
// inherited from their ancestors (see Item.RatingLevel).
func (p *ParentalControls) Allows(it Item) bool {
	if p == nil {
		return true
	}
	if it.RatingLevel == nil {
		if slices.Contains(p.BlockUnrated, UnratedKindOf(it.Kind)) {
			return false
		}
	} else if p.MaxLevel != nil && *it.RatingLevel > *p.MaxLevel {
		return false
	}
	for _, t := range p.BlockedTags {
		if strings.Contains(it.ParentalTags, "|"+t+"|") {
			return false
		}
	}
	return true
}

// ErrOutsideHours is returned when a user signs in or calls outside their allowed hours.
var ErrOutsideHours = fmt.Errorf("outside the allowed hours: %w", ErrUnauthenticated)
