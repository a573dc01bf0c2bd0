package core

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even on systems without a zoneinfo database
)

// Statistics: what was played, when, by whom and how, over a time range, bucketed by the days and
// hours of a time zone (decision 0019). The store sums play_history into UTC-hour, day and block
// rollups as it records it; Stats turns its sums into local days, hours and weekdays.

// The limits of a statistics query.
const (
	DefaultStatsDays = 30                           // the range when none is given: today and the 29 days before
	MaxStatsDays     = 732                          // the longest range, in days
	DefaultStatsTop  = 10                           // entries in each top list when none is asked
	MaxStatsTop      = 100                          // the most entries a top list may have
	statsDay         = 24 * time.Hour               // a UTC day, which rollups are keyed by
	maxStatsSpan     = MaxStatsDays * statsDay      // MaxStatsDays as a duration
	dateLayout       = "2006-01-02"                 // dates in queries and answers
	minStatsYear     = 1970                         // rollup keys count from 1970
	maxStatsYear     = 9999                         // times print as four-digit years
	hourMiddle       = 30 * time.Minute             // an hour bucket is placed at its middle
	unknownLocalDay  = math.MinInt64                // no local day yet
	epochWeekday     = (int(time.Thursday) + 6) % 7 // 1970-01-01, Monday being 0
)

// StatsQuery is what statistics cover: plays that stopped in [From, To), counted in the days and
// hours of TimeZone. A date (YYYY-MM-DD in TimeZone) may stand for either end: FromDate from its
// start, ToDate to its end. Zero values mean the defaults: To now, From the start of the day
// DefaultStatsDays-1 days before To's, TimeZone UTC, Top DefaultStatsTop.
type StatsQuery struct {
	From, To         time.Time
	FromDate, ToDate string
	TimeZone         string // an IANA name such as Europe/Paris
	Top              int    // entries in each top list
}

// StatsRange is the range a statistics answer covers, in its time zone.
type StatsRange struct {
	From, To time.Time
	TimeZone string
}

// StatsTotal is the plays of one thing: an item, a user, a library, a play method, a genre, a person.
type StatsTotal struct {
	Key     string    // the item, user or library id, the method, the genre's folded name, the person's id
	Label   string    // its title or name; empty when unknown (deleted since) or hidden from the caller
	Library LibraryID // for an item: the library it is in now; empty when it was deleted
	Plays   int64
	Watched time.Duration
}

// StatsTop is a top list twice: by plays and by time watched.
type StatsTop struct {
	ByPlays, ByTime []StatsTotal
}

// StatsBucket is the plays of a local day, hour of the day or day of the week.
type StatsBucket struct {
	Key     string // "2026-11-01", "00" to "23", "mon" to "sun"
	Plays   int64
	Watched time.Duration
	Users   int // distinct users with a play: server-wide days only
}

// StatsSeries is the plays of a range by local day, hour of the day and day of the week.
type StatsSeries struct {
	Days      []StatsBucket // every day of the range, in order
	HourOfDay []StatsBucket // 24, from 00
	DayOfWeek []StatsBucket // 7, from Monday
}

// ServerStats is the server-wide statistics of a range.
type ServerStats struct {
	Range       StatsRange
	Plays       int64
	Watched     time.Duration
	ActiveUsers int // distinct users with a play in the range
	Items       int // distinct items played
	TopItems    StatsTop
	TopUsers    StatsTop
	Methods     []StatsTotal // direct, remux and transcode, in that order
	Libraries   []StatsTotal // by plays, most first
	StatsSeries
}

// Streak is a run of consecutive local days with a play.
type Streak struct {
	Days     int
	From, To string // its first and last day (YYYY-MM-DD); empty when Days is 0
}

// UserStats is one user's statistics of a range.
type UserStats struct {
	Range      StatsRange
	User       UserID
	Plays      int64
	Watched    time.Duration
	Items      int // distinct items played
	DaysPlayed int // days of the range with a play
	// CurrentStreak ends on the range's last day, or the day before when that day has no play
	// yet; LongestStreak is the longest up to the range's end. Both look before the range's start.
	CurrentStreak, LongestStreak Streak
	TopItems                     StatsTop
	// TopGenres and TopPeople count each play for the genres and the people of its title: the
	// movie, or the series of an episode, or the artist of a track (the top of the item's
	// hierarchy when it was played). Genres are keyed by their folded name, people by their id.
	TopGenres StatsTop
	TopPeople StatsTop
	StatsSeries
}

// StatsSpan is what the store is asked: plays that stopped in [From, To) (UTC), and Top entries
// in each top list.
type StatsSpan struct {
	From, To time.Time
	Top      int
}

// StatsSlot is plays at one time: an exact stop time, or the middle of an hour bucket.
type StatsSlot struct {
	At      time.Time
	Plays   int64
	Watched time.Duration
}

// StatsPresence says a user played on a UTC day: in the hours whose bits Hours sets (bit 0 is
// 00:00-01:00 UTC), or, when Hours is 0, at the time At.
type StatsPresence struct {
	User  UserID
	Day   int64 // days since 1970-01-01 UTC
	Hours uint32
	At    time.Time
}

// ServerStatsData is the store's server-wide answer, before time zones.
type ServerStatsData struct {
	Slots     []StatsSlot
	Presence  []StatsPresence
	Users     []StatsTotal // every user with a play, labelled with their username
	Methods   []StatsTotal // every method with a play
	Libraries []StatsTotal // every library with a play, labelled with its name
	Items     int
	TopItems  StatsTop // labelled with titles
}

// UserStatsData is the store's answer for one user, before time zones.
type UserStatsData struct {
	Slots []StatsSlot
	// Days are the user's play days up to the span's end, from their first play on.
	Days      []StatsPresence
	Items     int
	TopItems  StatsTop // labelled with titles
	TopGenres StatsTop
	TopPeople StatsTop
}

// StatsStore reads the statistics rollups.
type StatsStore interface {
	ServerStats(ctx context.Context, span StatsSpan) (ServerStatsData, error)
	UserStats(ctx context.Context, user UserID, span StatsSpan) (UserStatsData, error)
}

// Stats answers statistics: server-wide for admins, a user's own for them.
type Stats struct {
	store StatsStore
	users UserStore
	now   Clock
	items itemsByID // so that personal statistics leave out what parental controls block
}

// itemsByID finds items by id.
type itemsByID interface {
	ItemsByID(ctx context.Context, ids []ItemID) (map[ItemID]Item, error)
}

// NewStats returns the statistics service.
func NewStats(store StatsStore, users UserStore, items itemsByID, now Clock) *Stats {
	return &Stats{store: store, users: users, items: items, now: now}
}

// Server returns the server-wide statistics of q's range; admins only.
func (s *Stats) Server(ctx context.Context, c Caller, q StatsQuery) (ServerStats, error) {
	if err := c.requireAdmin(); err != nil {
		return ServerStats{}, err
	}
	r, loc, top, err := s.resolve(q)
	if err != nil {
		return ServerStats{}, err
	}
	d, err := s.store.ServerStats(ctx, StatsSpan{From: r.From.UTC(), To: r.To.UTC(), Top: top})
	if err != nil {
		return ServerStats{}, err
	}
	out := ServerStats{Range: r, Items: d.Items, TopItems: d.TopItems}
	z := newZoneMap(loc)
	b := newBuckets(z, r)
	for _, sl := range d.Slots {
		b.add(sl.At, sl.Plays, sl.Watched)
		out.Plays += sl.Plays
		out.Watched += sl.Watched
	}
	// Distinct users per local day and in the range.
	type userDay struct {
		user UserID
		day  int
	}
	active := map[userDay]bool{}
	users := map[UserID]bool{}
	for _, p := range d.Presence {
		users[p.User] = true
		p.localDays(z, func(day int64) {
			if i := int(day - b.first); i >= 0 && i < len(b.days) {
				active[userDay{p.User, i}] = true
			}
		})
	}
	for ud := range active {
		b.days[ud.day].Users++
	}
	out.ActiveUsers = len(users)
	out.StatsSeries = b.series()
	out.TopUsers = topOf(d.Users, top)
	out.Methods = make([]StatsTotal, 0, 3)
	for _, m := range []PlayMethod{PlayDirect, PlayRemux, PlayTranscode} {
		t := StatsTotal{Key: string(m), Label: string(m)}
		for _, got := range d.Methods {
			if got.Key == string(m) {
				t.Plays, t.Watched = t.Plays+got.Plays, t.Watched+got.Watched
			}
		}
		out.Methods = append(out.Methods, t)
	}
	out.Libraries = slices.Clone(d.Libraries)
	slices.SortFunc(out.Libraries, byPlays)
	return out, nil
}

// User returns a user's statistics of q's range: the caller's own (user empty or theirs), or
// anyone's for an admin. Items of libraries the caller may no longer see keep their place in the
// lists but lose their titles.
func (s *Stats) User(ctx context.Context, c Caller, user UserID, q StatsQuery) (UserStats, error) {
	if user == "" || user == c.UserID {
		if err := c.requireUser(); err != nil {
			return UserStats{}, err
		}
		user = c.UserID
	} else {
		if err := c.requireAdmin(); err != nil {
			return UserStats{}, err
		}
		if _, err := s.users.User(ctx, user); err != nil {
			return UserStats{}, err
		}
	}
	r, loc, top, err := s.resolve(q)
	if err != nil {
		return UserStats{}, err
	}
	d, err := s.store.UserStats(ctx, user, StatsSpan{From: r.From.UTC(), To: r.To.UTC(), Top: top})
	if err != nil {
		return UserStats{}, err
	}
	out := UserStats{Range: r, User: user, Items: d.Items, TopItems: d.TopItems, TopGenres: d.TopGenres, TopPeople: d.TopPeople}
	if c.Parental != nil {
		if out.TopItems, err = s.allowedTop(ctx, c, out.TopItems); err != nil {
			return UserStats{}, err
		}
		// Genres and people are counted per title, blocked or not: a restricted caller could
		// learn from them what the controls hide, so they get none.
		out.TopGenres, out.TopPeople = StatsTop{ByPlays: []StatsTotal{}, ByTime: []StatsTotal{}}, StatsTop{ByPlays: []StatsTotal{}, ByTime: []StatsTotal{}}
	}
	for _, list := range [][]StatsTotal{out.TopItems.ByPlays, out.TopItems.ByTime} {
		for i := range list {
			if !c.CanSee(list[i].Library) {
				list[i].Label = ""
			}
		}
	}
	z := newZoneMap(loc)
	b := newBuckets(z, r)
	for _, sl := range d.Slots {
		b.add(sl.At, sl.Plays, sl.Watched)
		out.Plays += sl.Plays
		out.Watched += sl.Watched
	}
	out.StatsSeries = b.series()
	for _, day := range out.StatsSeries.Days {
		if day.Plays > 0 {
			out.DaysPlayed++
		}
	}
	var days []int64
	for _, p := range d.Days {
		p.localDays(z, func(day int64) { days = append(days, day) })
	}
	out.CurrentStreak, out.LongestStreak = streaks(days, z.localDay(r.To.Add(-time.Nanosecond)))
	return out, nil
}

// allowedTop drops from top the items c's parental controls block.
func (s *Stats) allowedTop(ctx context.Context, c Caller, top StatsTop) (StatsTop, error) {
	out := StatsTop{ByPlays: []StatsTotal{}, ByTime: []StatsTotal{}}
	var ids []ItemID
	for _, list := range [][]StatsTotal{top.ByPlays, top.ByTime} {
		for _, t := range list {
			ids = append(ids, ItemID(t.Key))
		}
	}
	found, err := s.items.ItemsByID(ctx, ids)
	if err != nil {
		return out, err
	}
	keep := func(list []StatsTotal) []StatsTotal {
		kept := []StatsTotal{}
		for _, t := range list {
			if it, ok := found[ItemID(t.Key)]; ok && c.Parental.Allows(it) {
				kept = append(kept, t)
			}
		}
		return kept
	}
	return StatsTop{ByPlays: keep(top.ByPlays), ByTime: keep(top.ByTime)}, nil
}

// resolve checks q and fills in its defaults.
func (s *Stats) resolve(q StatsQuery) (StatsRange, *time.Location, int, error) {
	top := q.Top
	switch {
	case top == 0:
		top = DefaultStatsTop
	case top < 0 || top > MaxStatsTop:
		return StatsRange{}, nil, 0, Invalid("top", "must be between 1 and %d", MaxStatsTop)
	}
	name := strings.TrimSpace(q.TimeZone)
	if name == "" {
		name = "UTC"
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" || strings.ContainsAny(name, `\`) {
		return StatsRange{}, nil, 0, Invalid("timeZone", "must be an IANA time zone name such as Europe/Paris")
	}
	from, to := q.From, q.To
	for _, d := range []struct {
		field, date string
		into        *time.Time
		end         bool
	}{{"from", q.FromDate, &from, false}, {"to", q.ToDate, &to, true}} {
		if d.date == "" {
			continue
		}
		if !d.into.IsZero() {
			return StatsRange{}, nil, 0, Invalid(d.field, "give a time or a date, not both")
		}
		day, err := time.ParseInLocation(dateLayout, d.date, loc)
		if err != nil {
			return StatsRange{}, nil, 0, Invalid(d.field, "must be an RFC 3339 time or a YYYY-MM-DD date")
		}
		if d.end {
			day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
		}
		*d.into = day
	}
	if to.IsZero() {
		to = s.now()
	}
	if from.IsZero() {
		last := to.Add(-time.Nanosecond).In(loc)
		from = time.Date(last.Year(), last.Month(), last.Day()-(DefaultStatsDays-1), 0, 0, 0, 0, loc)
	}
	for _, t := range []struct {
		field string
		at    time.Time
	}{{"from", from}, {"to", to}} {
		if y := t.at.UTC().Year(); y < minStatsYear || y > maxStatsYear {
			return StatsRange{}, nil, 0, Invalid(t.field, "must be between %d and %d", minStatsYear, maxStatsYear)
		}
	}
	if !from.Before(to) {
		return StatsRange{}, nil, 0, Invalid("to", "must be after from")
	}
	if to.Sub(from) > maxStatsSpan {
		return StatsRange{}, nil, 0, Invalid("from", "the range may cover at most %d days", MaxStatsDays)
	}
	return StatsRange{From: from.In(loc), To: to.In(loc), TimeZone: name}, loc, top, nil
}
