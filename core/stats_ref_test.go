package core_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/store/statsref"
)

// TestStatsMatchHistory holds the rollups to the same statistics summed straight from
// play_history, over random plays and many ranges and time zones, before and after a user's
// deletion: the rollups must never drift from the history they sum.
func TestStatsMatchHistory(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		rng := rand.New(rand.NewPCG(7, 11))
		h := core.NewHistory(e.st.History, e.items, e.clock.Now)
		st := core.NewStats(e.st.Stats, e.st.Users, e.st.Items, e.clock.Now)
		genres := []string{"Drama", "Comedy", "Crime", "Horror", "Mystery"}
		people := []string{"Ann Actor", "Bo Director", "Cy Writer", "Di Actor"}
		credit := func(n int) []core.Credit {
			var cs []core.Credit
			for i := range n {
				cs = append(cs, core.Credit{Name: people[(n+i)%len(people)], Kind: core.PersonActor})
			}
			return cs
		}
		setMeta := func(id core.ItemID, g []string, c []core.Credit) {
			t.Helper()
			if _, err := e.st.Metadata.UpdateMetadata(e.ctx, id, func(m *core.Metadata) error { m.Genres, m.Credits = g, c; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		var libs []core.Library
		var playable []core.Item
		for l := range 3 {
			lib := e.library(fmt.Sprintf("Library %d", l))
			libs = append(libs, lib)
			for i := range 6 {
				m := e.add(core.Item{Kind: core.KindMovie, Title: fmt.Sprintf("Movie %d-%d", l, i), LibraryID: lib.ID})
				setMeta(m.ID, genres[i%3:i%3+2], credit(i%3))
				playable = append(playable, m)
			}
			show, _, eps := e.series(lib.ID, fmt.Sprintf("Show %d", l), 2, 3)
			setMeta(show.ID, genres[l:l+2], credit(2))
			for _, season := range eps {
				playable = append(playable, season...)
			}
		}
		users := []core.Caller{e.admin}
		for i := range 3 {
			users = append(users, e.member(fmt.Sprintf("user%d", i)))
		}
		// 300 plays over the 150 days before now (2026-11-01 12:00 UTC), at any second.
		now := e.clock.Now()
		methods := []core.PlayMethod{core.PlayDirect, core.PlayRemux, core.PlayTranscode}
		for range 300 {
			stop := now.Add(-time.Duration(rng.Int64N(int64(150 * 24 * time.Hour))))
			if rng.IntN(5) == 0 { // some right on hour and day boundaries
				stop = stop.Truncate(time.Hour)
			}
			if _, err := h.Record(e.ctx, users[rng.IntN(len(users))], core.HistoryEntry{Item: playable[rng.IntN(len(playable))].ID,
				Stopped: stop, Watched: time.Duration(rng.Int64N(int64(3 * time.Hour))), Method: methods[rng.IntN(3)]}); err != nil {
				t.Fatal(err)
			}
		}

		zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"}
		queries := []core.StatsQuery{{}, {Top: 3}, {FromDate: "2026-06-01", ToDate: "2026-11-01"}, {FromDate: "2026-10-31", ToDate: "2026-10-31", Top: 2}}
		for range 5 {
			a := now.Add(-time.Duration(rng.Int64N(int64(160 * 24 * time.Hour))))
			b := a.Add(time.Duration(rng.Int64N(int64(120*24*time.Hour))) + time.Minute)
			queries = append(queries, core.StatsQuery{From: a, To: b, Top: 1 + rng.IntN(6)})
		}
		// A time exactly on a block's start: 2026-08-15 00:00 UTC is day 20680 = 32 × 646 + 8.
		queries = append(queries, core.StatsQuery{From: time.Date(2026, 7, 8, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)})
		check := func(stage string) {
			t.Helper()
			for i, q := range queries {
				zone := zones[i%len(zones)]
				q.TimeZone = zone
				n := q.Top
				if n == 0 {
					n = core.DefaultStatsTop
				}
				got, err := st.Server(e.ctx, e.admin, q)
				if err != nil {
					t.Fatalf("%s, %+v: %v", stage, q, err)
				}
				want, err := statsref.Server(e.ctx, e.db, got.Range, n)
				if err != nil {
					t.Fatal(err)
				}
				if diff := statsref.DiffServer(got, want, n); len(diff) > 0 {
					t.Fatalf("%s, server-wide, %s %+v:\n%s", stage, zone, q, strings.Join(diff, "\n"))
				}
				for _, c := range users[1:] {
					got, err := st.User(e.ctx, c, "", q)
					if err != nil {
						t.Fatal(err)
					}
					want, err := statsref.User(e.ctx, e.db, c, c.UserID, got.Range, n)
					if err != nil {
						t.Fatal(err)
					}
					if diff := statsref.DiffUser(got, want, n); len(diff) > 0 {
						t.Fatalf("%s, user %s, %s %+v:\n%s", stage, c.UserID, zone, q, strings.Join(diff, "\n"))
					}
				}
			}
		}
		check("recorded")
		if err := e.users.Delete(e.ctx, e.admin, users[2].UserID); err != nil {
			t.Fatal(err)
		}
		users = append(users[:2], users[3:]...)
		check("after a user's deletion")
		// One member loses a library: their items there keep counting, without titles.
		users[1].AllLibraries, users[1].Libraries = false, []core.LibraryID{libs[0].ID}
		check("after a lost library")
		if err := e.st.Stats.Rebuild(e.ctx); err != nil {
			t.Fatal(err)
		}
		check("rebuilt")
	})
}
