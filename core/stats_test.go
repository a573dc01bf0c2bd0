package core_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// bucket finds a bucket by key.
func bucket(t *testing.T, bs []core.StatsBucket, key string) core.StatsBucket {
	t.Helper()
	for _, b := range bs {
		if b.Key == key {
			return b
		}
	}
	t.Fatalf("no bucket %s in %v", key, bs)
	return core.StatsBucket{}
}

// nonEmpty is the keys and plays of the buckets with a play, as "key=plays/users".
func nonEmpty(bs []core.StatsBucket) string {
	s := ""
	for _, b := range bs {
		if b.Plays > 0 {
			s += fmt.Sprintf("%s=%d/%d ", b.Key, b.Plays, b.Users)
		}
	}
	return s
}

func labels(ts []core.StatsTotal) string {
	s := ""
	for _, t := range ts {
		s += fmt.Sprintf("%s:%d:%s ", t.Label, t.Plays, t.Watched)
	}
	return s
}

func TestStats(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		h := core.NewHistory(e.st.History, e.items, e.clock.Now)
		st := core.NewStats(e.st.Stats, e.st.Users, e.st.Items, e.clock.Now)
		movies, shows := e.library("Movies"), e.library("Shows")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID, Runtime: 170 * time.Minute})
		alien := e.add(core.Item{Kind: core.KindMovie, Title: "Alien", LibraryID: movies.ID, Runtime: 117 * time.Minute})
		dark, _, eps := e.series(shows.ID, "Dark", 0, 3)
		meta := func(id core.ItemID, genres []string, credits ...core.Credit) {
			t.Helper()
			if _, err := e.st.Metadata.UpdateMetadata(e.ctx, id, func(m *core.Metadata) error {
				m.Genres, m.Credits = genres, credits
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		meta(heat.ID, []string{"Crime", "Drama"}, core.Credit{Name: "Al Pacino", Kind: core.PersonActor}, core.Credit{Name: "Michael Mann", Kind: core.PersonDirector})
		meta(dark.ID, []string{"Mystery", "drama"}, core.Credit{Name: "Louis Hofmann", Kind: core.PersonActor})
		meta(eps[1][0].ID, nil, core.Credit{Name: "Louis Hofmann", Kind: core.PersonActor}) // credited twice: counts once
		ann := e.member("ann")
		bob := e.member("bob", movies.ID)

		play := func(c core.Caller, it core.Item, stopped string, watched time.Duration, m core.PlayMethod) {
			t.Helper()
			at, err := time.Parse(time.RFC3339, stopped)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.Record(e.ctx, c, core.HistoryEntry{Item: it.ID, Stopped: at, Watched: watched, Method: m}); err != nil {
				t.Fatal(err)
			}
		}
		for d := 1; d <= 5; d++ { // an older, longer streak
			play(ann, heat, fmt.Sprintf("2026-09-%02dT20:00:00Z", d), time.Hour, core.PlayDirect)
		}
		play(ann, eps[1][0], "2026-10-29T21:00:00Z", 40*time.Minute, core.PlayDirect)
		play(ann, eps[1][1], "2026-10-30T22:30:00Z", 40*time.Minute, core.PlayTranscode)
		play(ann, heat, "2026-10-31T23:30:00Z", 2*time.Hour, core.PlayRemux)
		play(ann, eps[1][2], "2026-11-01T10:00:00Z", 40*time.Minute, core.PlayTranscode)
		play(bob, heat, "2026-10-31T08:00:00Z", time.Hour, core.PlayDirect)
		play(bob, alien, "2026-11-01T11:00:00Z", 30*time.Minute, core.PlayDirect)

		// Server-wide, the last 30 days in UTC (the clock is 2026-11-01 12:00 UTC).
		s, err := st.Server(e.ctx, e.admin, core.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Range.From.Format(time.RFC3339) + " " + s.Range.To.Format(time.RFC3339); got != "2026-10-03T00:00:00Z 2026-11-01T12:00:00Z" {
			t.Errorf("default range %s", got)
		}
		if s.Plays != 6 || s.Watched != 330*time.Minute || s.ActiveUsers != 2 || s.Items != 5 || len(s.Days) != 30 {
			t.Errorf("totals: %d plays, %s, %d users, %d items, %d days", s.Plays, s.Watched, s.ActiveUsers, s.Items, len(s.Days))
		}
		if got := labels(s.Methods); got != "direct:3:2h10m0s remux:1:2h0m0s transcode:2:1h20m0s " {
			t.Errorf("methods %s", got)
		}
		if got := labels(s.Libraries); got != "Movies:3:3h30m0s Shows:3:2h0m0s " {
			t.Errorf("libraries %s", got)
		}
		if got := labels(s.TopItems.ByPlays); len(s.TopItems.ByPlays) != 5 || s.TopItems.ByPlays[0].Key != string(heat.ID) || s.TopItems.ByPlays[0].Plays != 2 {
			t.Errorf("top items by plays %s", got)
		}
		if got := labels(s.TopItems.ByTime); s.TopItems.ByTime[0].Label != "Heat" || s.TopItems.ByTime[4].Label != "Alien" {
			t.Errorf("top items by time %s", got)
		}
		if got := labels(s.TopUsers.ByTime); got != "ann:4:4h0m0s bob:2:1h30m0s " {
			t.Errorf("top users %s", got)
		}
		if got := nonEmpty(s.Days); got != "2026-10-29=1/1 2026-10-30=1/1 2026-10-31=2/2 2026-11-01=2/2 " {
			t.Errorf("days %s", got)
		}
		if got := nonEmpty(s.HourOfDay); got != "08=1/0 10=1/0 11=1/0 21=1/0 22=1/0 23=1/0 " {
			t.Errorf("hours %s", got)
		}
		if got := nonEmpty(s.DayOfWeek); got != "thu=1/0 fri=1/0 sat=2/0 sun=2/0 " {
			t.Errorf("weekdays %s", got)
		}

		// In Berlin (CET since October 25th), Ann's Heat falls on November 1st.
		s, err = st.Server(e.ctx, e.admin, core.StatsQuery{TimeZone: "Europe/Berlin", Top: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Range.From.Format(time.RFC3339); got != "2026-10-03T00:00:00+02:00" {
			t.Errorf("Berlin range from %s", got)
		}
		if got := nonEmpty(s.Days); got != "2026-10-29=1/1 2026-10-30=1/1 2026-10-31=1/1 2026-11-01=3/2 " {
			t.Errorf("Berlin days %s", got)
		}
		if got := nonEmpty(s.HourOfDay); got != "00=1/0 09=1/0 11=1/0 12=1/0 22=1/0 23=1/0 " {
			t.Errorf("Berlin hours %s", got)
		}
		if len(s.TopItems.ByPlays) != 1 || len(s.TopUsers.ByPlays) != 1 {
			t.Errorf("top 1: %d items, %d users", len(s.TopItems.ByPlays), len(s.TopUsers.ByPlays))
		}

		// Kolkata is 5:30 ahead: a UTC hour counts at its middle (decision 0019), so the play that
		// stopped at 10:00 UTC, 15:30 local, counts at 16:00.
		s, err = st.Server(e.ctx, e.admin, core.StatsQuery{TimeZone: "Asia/Kolkata"})
		if err != nil {
			t.Fatal(err)
		}
		if got := nonEmpty(s.HourOfDay); s.Plays != 6 || got != "03=1/0 04=1/0 05=1/0 14=1/0 16=1/0 17=1/0 " {
			t.Errorf("Kolkata: %d plays, hours %s", s.Plays, got)
		}

		// Dates: October 30th and 31st, whole.
		s, err = st.Server(e.ctx, e.admin, core.StatsQuery{FromDate: "2026-10-30", ToDate: "2026-10-31"})
		if err != nil || s.Plays != 3 || len(s.Days) != 2 {
			t.Errorf("two days: %d plays, %d days, %v", s.Plays, len(s.Days), err)
		}
		// Non-admins and API keys without a user get nothing server-wide or of others.
		wantErr(t, "server stats as a member", func() error { _, err := st.Server(e.ctx, ann, core.StatsQuery{}); return err }(), core.ErrForbidden)
		wantErr(t, "bob's stats as ann", func() error { _, err := st.User(e.ctx, ann, bob.UserID, core.StatsQuery{}); return err }(), core.ErrForbidden)
		wantErr(t, "my stats as a key", func() error {
			_, err := st.User(e.ctx, core.Caller{Admin: true, AllLibraries: true}, "", core.StatsQuery{})
			return err
		}(), core.ErrNotFound)
		wantErr(t, "a stranger's stats", func() error { _, err := st.User(e.ctx, e.admin, "nobody", core.StatsQuery{}); return err }(), core.ErrNotFound)

		// Ann's own.
		u, err := st.User(e.ctx, ann, "", core.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if u.User != ann.UserID || u.Plays != 4 || u.Watched != 4*time.Hour || u.Items != 4 || u.DaysPlayed != 4 {
			t.Errorf("ann: %d plays, %s, %d items, %d days", u.Plays, u.Watched, u.Items, u.DaysPlayed)
		}
		if u.CurrentStreak != (core.Streak{Days: 4, From: "2026-10-29", To: "2026-11-01"}) || u.LongestStreak != (core.Streak{Days: 5, From: "2026-09-01", To: "2026-09-05"}) {
			t.Errorf("ann's streaks %+v %+v", u.CurrentStreak, u.LongestStreak)
		}
		if got := labels(u.TopGenres.ByPlays); got != "Drama:4:4h0m0s Mystery:3:2h0m0s Crime:1:2h0m0s " {
			t.Errorf("ann's genres by plays %s", got)
		}
		if got := labels(u.TopGenres.ByTime); got != "Drama:4:4h0m0s Mystery:3:2h0m0s Crime:1:2h0m0s " {
			t.Errorf("ann's genres by time %s", got)
		}
		if got := labels(u.TopPeople.ByPlays); len(u.TopPeople.ByPlays) != 3 || u.TopPeople.ByPlays[0].Label != "Louis Hofmann" || u.TopPeople.ByPlays[0].Plays != 3 {
			t.Errorf("ann's people %s", got)
		}
		if got := nonEmpty(u.Days); got != "2026-10-29=1/0 2026-10-30=1/0 2026-10-31=1/0 2026-11-01=1/0 " {
			t.Errorf("ann's days %s", got)
		}
		// In Berlin, the 31st has no play: the streak is a day.
		u, err = st.User(e.ctx, ann, ann.UserID, core.StatsQuery{TimeZone: "Europe/Berlin"})
		if err != nil {
			t.Fatal(err)
		}
		if u.CurrentStreak.Days != 1 || u.LongestStreak.Days != 5 || u.DaysPlayed != 3 {
			t.Errorf("ann in Berlin: streaks %+v %+v, %d days", u.CurrentStreak, u.LongestStreak, u.DaysPlayed)
		}

		// Bob lost the movies: his stats still count them, without their titles.
		lost := core.Caller{UserID: bob.UserID, Libraries: []core.LibraryID{}}
		u, err = st.User(e.ctx, lost, "", core.StatsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if got := labels(u.TopItems.ByPlays); u.Plays != 2 || got != ":1:1h0m0s :1:30m0s " || u.TopItems.ByPlays[0].Key != string(heat.ID) {
			t.Errorf("bob's hidden items %s", got)
		}
		if u, err := st.User(e.ctx, e.admin, bob.UserID, core.StatsQuery{}); err != nil || labels(u.TopItems.ByTime) != "Heat:1:1h0m0s Alien:1:30m0s " {
			t.Errorf("bob's items for the admin %s, %v", labels(u.TopItems.ByTime), err)
		}

		// Bad queries.
		for _, q := range []core.StatsQuery{
			{TimeZone: "Mars/Olympus_Mons"}, {TimeZone: "Local"}, {Top: -1}, {Top: core.MaxStatsTop + 1},
			{From: e.clock.Now(), To: e.clock.Now()}, {From: e.clock.Now().Add(time.Hour)},
			{From: e.clock.Now().AddDate(-3, 0, 0)}, {FromDate: "2026-13-01"}, {ToDate: "yesterday"},
			{From: e.clock.Now().Add(-time.Hour), FromDate: "2026-10-01"}, {From: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
		} {
			if _, err := st.Server(e.ctx, e.admin, q); !errors.Is(err, core.ErrInvalid) {
				t.Errorf("%+v: %v, want invalid", q, err)
			}
		}

		// Deleting a user takes their plays out of the server's statistics.
		if err := e.users.Delete(e.ctx, e.admin, bob.UserID); err != nil {
			t.Fatal(err)
		}
		s, err = st.Server(e.ctx, e.admin, core.StatsQuery{})
		if err != nil || s.Plays != 4 || s.ActiveUsers != 1 || s.Items != 4 || bucket(t, s.Days, "2026-11-01").Plays != 1 || labels(s.Methods) != "direct:1:40m0s remux:1:2h0m0s transcode:2:1h20m0s " {
			t.Errorf("after bob's deletion: %d plays, %d users, %d items, methods %s, %v", s.Plays, s.ActiveUsers, s.Items, labels(s.Methods), err)
		}
	})
}
