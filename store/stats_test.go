package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestPlanStats(t *testing.T) {
	at := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	hour := func(s string) int64 { return at(s).Unix() / hourSecs }
	for _, c := range []struct {
		from, to string
		want     string
	}{
		// Within an hour, or across one: history only.
		{"2026-11-01T10:10:00Z", "2026-11-01T10:50:00Z", "days 0 hours [] edges 1"},
		{"2026-11-01T10:10:00Z", "2026-11-01T11:50:00Z", "days 0 hours [] edges 1"},
		// Whole hours, no whole day.
		{"2026-11-01T10:00:00Z", "2026-11-01T12:00:00Z", fmt.Sprintf("days 0 hours [[%d %d]] edges 0", hour("2026-11-01T10:00:00Z"), hour("2026-11-01T12:00:00Z"))},
		{"2026-10-31T22:30:00Z", "2026-11-01T12:15:00Z", fmt.Sprintf("days 0 hours [[%d %d]] edges 2", hour("2026-10-31T23:00:00Z"), hour("2026-11-01T12:00:00Z"))},
		// Whole days.
		{"2026-10-30T00:00:00Z", "2026-11-01T00:00:00Z", "days 2 hours [] edges 0"},
		// A second after midnight makes the first hour partial, and the day.
		{"2026-10-30T00:00:01Z", "2026-11-01T12:00:00Z", fmt.Sprintf("days 1 hours [[%d %d] [%d %d]] edges 1", hour("2026-10-30T01:00:00Z"), hour("2026-10-31T00:00:00Z"),
			hour("2026-11-01T00:00:00Z"), hour("2026-11-01T12:00:00Z"))},
		{"2025-11-01T12:34:56Z", "2026-11-01T12:34:56Z", fmt.Sprintf("days 364 hours [[%d %d] [%d %d]] edges 2", hour("2025-11-01T13:00:00Z"), hour("2025-11-02T00:00:00Z"),
			hour("2026-11-01T00:00:00Z"), hour("2026-11-01T12:00:00Z"))},
	} {
		p := planStats(at(c.from), at(c.to))
		got := fmt.Sprintf("days %d hours %v edges %d", p.d2-p.d1, p.hours, len(p.edges))
		if got != c.want {
			t.Errorf("%s to %s: %s, want %s", c.from, c.to, got, c.want)
		}
		// The parts cover the range exactly once.
		covered := time.Duration(p.d2-p.d1) * 24 * time.Hour
		for _, h := range p.hours {
			covered += time.Duration(h[1]-h[0]) * time.Hour
		}
		for _, e := range p.edges {
			covered += e[1].Sub(e[0])
		}
		if covered != at(c.to).Sub(at(c.from)) {
			t.Errorf("%s to %s: the parts cover %s", c.from, c.to, covered)
		}
	}
}

// statsSnapshot prints every pack's entries, items and titles by id (their numbers depend on the
// order they came in).
func statsSnapshot(t *testing.T, db *DB) string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	var keys []struct {
		Key int64  `bun:"item_key"`
		ID  string `bun:"item_id"`
	}
	if err := db.R.NewRaw("SELECT item_key, item_id FROM stats_items").Scan(ctx, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		ids[fmt.Sprint(k.Key)] = k.ID
	}
	var packs []struct {
		UserID string `bun:"user_id"`
		Kind   string `bun:"kind"`
		Period int64  `bun:"period"`
		Data   string `bun:"data"`
	}
	if err := db.R.NewRaw("SELECT '' AS user_id, kind, period, data FROM stats_packs UNION ALL SELECT user_id, kind, period, data FROM stats_user_packs").
		Scan(ctx, &packs); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range packs {
		entries, err := parsePack(p.Kind, p.Data)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			t.Errorf("pack %s %s %d is empty", p.UserID, p.Kind, p.Period)
		}
		for k, e := range entries {
			if p.Kind == packItems || p.Kind == packTitles || p.Kind == packItemsHour || p.Kind == packTitlesHour {
				k = ids[k]
			}
			lines = append(lines, fmt.Sprintf("%s %s %d %s: %d %d %d", p.UserID, p.Kind, p.Period, k, e.hours, e.plays, e.ms))
		}
	}
	slices.Sort(lines)
	if len(lines) == 0 {
		t.Fatal("no packs")
	}
	return strings.Join(lines, "\n")
}

// TestStatsRollups checks that the rollups kept as history is recorded equal those the
// migration's backfill makes from the same history, and that a user's deletion leaves what a
// backfill without them would.
func TestStatsRollups(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		for _, u := range []string{"u1", "u2", "u3"} {
			if err := st.Users.CreateUser(ctx, testUser(u, u)); err != nil {
				t.Fatal(err)
			}
		}
		// Some plays are of episodes, whose title is their series; the others of items unknown to
		// the library, their own titles.
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "lib-0", Name: "Shows", Type: core.LibraryShows, Paths: []string{"/s"}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, it := range []core.Item{{ID: "show", Kind: core.KindSeries}, {ID: "season", Kind: core.KindSeason, ParentID: "show"},
			{ID: "item-0", Kind: core.KindEpisode, ParentID: "season"}, {ID: "item-1", Kind: core.KindEpisode, ParentID: "season"}} {
			it.Title, it.LibraryID, it.CreatedAt, it.UpdatedAt = string(it.ID), "lib-0", t0, t0
			if _, err := st.Items.CreateItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		rng := rand.New(rand.NewPCG(3, 5))
		base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		methods := []core.PlayMethod{core.PlayDirect, core.PlayRemux, core.PlayTranscode}
		for range 400 {
			stop := base.Add(-time.Duration(rng.Int64N(int64(100 * 24 * time.Hour))))
			if _, err := st.History.AddHistory(ctx, core.HistoryEntry{User: core.UserID(fmt.Sprintf("u%d", 1+rng.IntN(3))),
				Item: core.ItemID(fmt.Sprintf("item-%d", rng.IntN(40))), Library: core.LibraryID(fmt.Sprintf("lib-%d", rng.IntN(3))),
				Started: stop.Add(-time.Hour), Stopped: stop, Watched: time.Duration(rng.Int64N(int64(time.Hour))), Method: methods[rng.IntN(3)]}); err != nil {
				t.Fatal(err)
			}
		}
		kept := statsSnapshot(t, db)
		if !strings.Contains(kept, "titles") || !strings.Contains(kept, " show: ") {
			t.Fatalf("no play counts for the show:\n%s", kept)
		}
		if err := st.Stats.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if got := statsSnapshot(t, db); got != kept {
			t.Fatalf("rebuilt rollups differ from those kept:\n%s\nwant\n%s", got, kept)
		}
		// The migration itself, run again on this history.
		for _, table := range []string{"stats_packs", "stats_user_packs", "stats_items"} {
			if _, err := db.W.ExecContext(ctx, "DROP TABLE "+table); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.W.ExecContext(ctx, "DROP INDEX item_people_item_person"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.ExecContext(ctx, "ALTER TABLE play_history DROP COLUMN title_id"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = 18"); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		if got := statsSnapshot(t, db); got != kept {
			t.Fatalf("the migration's rollups differ from those kept:\n%s\nwant\n%s", got, kept)
		}
		// Deleting a user.
		if err := st.Users.DeleteUser(ctx, "u2"); err != nil {
			t.Fatal(err)
		}
		left := statsSnapshot(t, db)
		if strings.Contains(left, "u2") {
			t.Fatal("u2's rollups outlive them")
		}
		if err := st.Stats.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if got := statsSnapshot(t, db); got != left {
			t.Fatalf("rollups after a deletion:\n%s\nwant, from the history left:\n%s", left, got)
		}
	})
}
