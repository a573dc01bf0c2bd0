package core_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// forEachDB runs f on a fresh env over SQLite and, when WALROS_TEST_POSTGRES names a server, over a
// fresh schema there. In CI a missing server fails the test, as in the store's tests.
func forEachDB(t *testing.T, f func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, newEnvOn(t, pgSchema(t))) })
}

// pgSchema creates a schema on the test PostgreSQL server, dropped after the test, and returns a
// DSN that uses it.
func pgSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WALROS_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("WALROS_TEST_POSTGRES is not set in CI: the test command must start PostgreSQL")
		}
		t.Skip("WALROS_TEST_POSTGRES not set")
	}
	admin, err := sql.Open("pgx", dsn) // the store registers the driver
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + strings.ReplaceAll(newID(), "-", "")
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return u.String()
}

// add stores an item with a new id and returns it.
func (e *env) add(it core.Item) core.Item {
	e.t.Helper()
	it.ID = core.ItemID(newID())
	it.CreatedAt, it.UpdatedAt = e.clock.Now(), e.clock.Now()
	it, err := e.st.Items.CreateItem(e.ctx, it)
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// series adds a series with counts[n] episodes of 40 minutes in season n (season 0 holds the
// specials); it returns the series, its seasons and their episodes.
func (e *env) series(lib core.LibraryID, title string, counts ...int) (series core.Item, seasons []core.Item, eps [][]core.Item) {
	e.t.Helper()
	series = e.add(core.Item{Kind: core.KindSeries, Title: title, LibraryID: lib})
	for n, count := range counts {
		season := e.add(core.Item{Kind: core.KindSeason, Title: fmt.Sprintf("Season %d", n), SortTitle: fmt.Sprintf("%05d", n),
			LibraryID: lib, ParentID: series.ID, IndexNumber: ptr(n)})
		seasons = append(seasons, season)
		var list []core.Item
		for i := 1; i <= count; i++ {
			list = append(list, e.add(core.Item{Kind: core.KindEpisode, Title: fmt.Sprintf("%s %dx%02d", title, n, i),
				SortTitle: fmt.Sprintf("%05d", i), LibraryID: lib, ParentID: season.ID, ParentIndex: ptr(n), IndexNumber: ptr(i),
				Runtime: 40 * time.Minute}))
		}
		eps = append(eps, list)
	}
	return series, seasons, eps
}

// member creates a user who sees libs (every library when none) and returns them as a caller.
func (e *env) member(name string, libs ...core.LibraryID) core.Caller {
	e.t.Helper()
	u := e.user(name, libs...)
	return core.Caller{UserID: u.ID, SessionID: "s-" + core.SessionID(name), AllLibraries: u.AllLibraries, Libraries: u.LibraryIDs}
}

// watch plays an item to its end and stops.
func (e *env) watch(c core.Caller, it core.Item) {
	e.t.Helper()
	if _, err := e.ud.Progress(e.ctx, c, it.ID, it.Runtime, true); err != nil {
		e.t.Fatalf("watch %s: %v", it.Title, err)
	}
}

func ids(items []core.Item) []core.ItemID {
	out := make([]core.ItemID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestUserDataProgress(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		movies := e.library("Movies")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID, Runtime: 100 * time.Minute})
		alice := e.member("alice")

		// The living room reports progress; the phone reads it back.
		d, err := e.ud.Progress(e.ctx, alice, heat.ID, 30*time.Minute, false)
		if err != nil || d.Position != 30*time.Minute || d.Played || d.LastPlayedAt == nil || !d.LastPlayedAt.Equal(e.clock.Now()) {
			t.Fatalf("Progress = %+v, %v", d, err)
		}
		e.clock.Add(time.Minute)
		if _, err := e.ud.Progress(e.ctx, alice, heat.ID, 31*time.Minute, true); err != nil {
			t.Fatal(err)
		}
		phone := alice
		phone.SessionID = "phone"
		got, err := e.ud.GetOne(e.ctx, phone, heat.ID)
		if err != nil || got.Position != 31*time.Minute || got.Played || got.PlayCount != 0 || got.PlayedPercent != 31 ||
			!got.LastPlayedAt.Equal(e.clock.Now()) || got.UnplayedCount != nil {
			t.Fatalf("GetOne = %+v, %v", got, err)
		}
		if list, n, err := e.ud.Resume(e.ctx, phone, core.ItemQuery{}); err != nil || n != 1 || !slices.Equal(titles(list), []string{"Heat"}) {
			t.Fatalf("Resume = %v (%d), %v", titles(list), n, err)
		}
		// Another user has their own data.
		bob := e.member("bob")
		if got, err := e.ud.GetOne(e.ctx, bob, heat.ID); err != nil || got != (core.UserData{ItemID: heat.ID}) {
			t.Fatalf("bob's data = %+v, %v", got, err)
		}

		_, err = e.ud.Progress(e.ctx, alice, heat.ID, -time.Second, false)
		wantErr(t, "negative position", err, core.ErrInvalid)
		show := e.add(core.Item{Kind: core.KindSeries, Title: "Lost", LibraryID: movies.ID})
		_, err = e.ud.Progress(e.ctx, alice, show.ID, time.Minute, false)
		wantErr(t, "progress on a series", err, core.ErrInvalid)
		_, err = e.ud.Progress(e.ctx, alice, core.ItemID(newID()), time.Minute, false)
		wantErr(t, "unknown item", err, core.ErrNotFound)
	})
}

func TestUserDataStopRules(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies")
	alice := e.member("alice")
	type report struct {
		pos     time.Duration
		stopped bool
	}
	for _, tc := range []struct {
		name    string
		runtime time.Duration
		reports []report
		pos     time.Duration
		played  bool
		count   int
	}{
		{"middle keeps the resume point", 100 * time.Minute, []report{{50 * time.Minute, true}}, 50 * time.Minute, false, 0},
		{"under 5% keeps none", 100 * time.Minute, []report{{30 * time.Minute, false}, {4 * time.Minute, true}}, 0, false, 0},
		{"past 90% is played", 100 * time.Minute, []report{{50 * time.Minute, false}, {91 * time.Minute, true}}, 0, true, 1},
		{"within a second of the end", 5 * time.Second, []report{{4100 * time.Millisecond, false}}, 0, true, 0},
		{"playing past 90% is played, the stop counts", 100 * time.Minute, []report{{95 * time.Minute, false}}, 0, true, 0},
		{"and the stop counts once", 100 * time.Minute, []report{{95 * time.Minute, false}, {96 * time.Minute, true}}, 0, true, 1},
		{"watched twice", 100 * time.Minute, []report{{99 * time.Minute, true}, {30 * time.Minute, false}, {100 * time.Minute, true}}, 0, true, 2},
		{"a short item stopped is played", 3 * time.Minute, []report{{time.Minute, true}}, 0, true, 1},
		{"a short item in play keeps its position", 3 * time.Minute, []report{{time.Minute, false}}, time.Minute, false, 0},
		{"a short item barely started is not", 3 * time.Minute, []report{{5 * time.Second, true}}, 0, false, 0},
		{"unknown runtime, stopped", 0, []report{{10 * time.Minute, true}}, 0, true, 1},
		{"unknown runtime, playing", 0, []report{{10 * time.Minute, false}}, 10 * time.Minute, false, 0},
		{"a played item stays played", 100 * time.Minute, []report{{99 * time.Minute, true}, {2 * time.Minute, true}}, 0, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := e.add(core.Item{Kind: core.KindMovie, Title: tc.name, LibraryID: movies.ID, Runtime: tc.runtime})
			var d core.UserData
			for _, r := range tc.reports {
				var err error
				if d, err = e.ud.Progress(e.ctx, alice, it.ID, r.pos, r.stopped); err != nil {
					t.Fatal(err)
				}
			}
			if d.Position != tc.pos || d.Played != tc.played || d.PlayCount != tc.count {
				t.Fatalf("after %v: position %v, played %v, count %d; want %v, %v, %d", tc.reports, d.Position, d.Played, d.PlayCount,
					tc.pos, tc.played, tc.count)
			}
			if got, err := e.ud.GetOne(e.ctx, alice, it.ID); err != nil || got.Position != d.Position || got.Played != d.Played || got.PlayCount != d.PlayCount {
				t.Fatalf("stored %+v, %v; returned %+v", got, err, d)
			}
		})
	}
}

func TestUserDataSetPlayedSeries(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		shows := e.library("Shows")
		lost, seasons, eps := e.series(shows.ID, "Lost", 1, 3, 2)
		alice := e.member("alice")
		var (
			mu      sync.Mutex
			changes [][]core.UserData
		)
		e.ud.OnChange = func(user core.UserID, data []core.UserData) {
			mu.Lock()
			defer mu.Unlock()
			if user != alice.UserID {
				t.Errorf("OnChange for %s, want %s", user, alice.UserID)
			}
			changes = append(changes, data)
		}

		d, err := e.ud.GetOne(e.ctx, alice, lost.ID)
		if err != nil || d.UnplayedCount == nil || *d.UnplayedCount != 6 || d.Played || d.PlayedPercent != 0 {
			t.Fatalf("before: %+v, %v", d, err)
		}
		e.watch(alice, eps[1][0])
		got, err := e.ud.Get(e.ctx, alice, lost.ID, seasons[1].ID, eps[1][0].ID, eps[1][1].ID)
		if err != nil || *got[lost.ID].UnplayedCount != 5 || *got[seasons[1].ID].UnplayedCount != 2 ||
			!got[eps[1][0].ID].Played || got[eps[1][0].ID].UnplayedCount != nil || got[eps[1][1].ID] != (core.UserData{ItemID: eps[1][1].ID}) {
			t.Fatalf("after one episode: %+v, %v", got, err)
		}
		if _, err := e.ud.Progress(e.ctx, alice, eps[2][0].ID, 10*time.Minute, true); err != nil {
			t.Fatal(err)
		}

		at := time.Date(2026, 10, 1, 20, 0, 0, 0, time.UTC)
		changes = nil
		d, err = e.ud.SetPlayed(e.ctx, alice, lost.ID, true, &at)
		if err != nil || !d.Played || d.UnplayedCount == nil || *d.UnplayedCount != 0 || d.PlayedPercent != 100 {
			t.Fatalf("SetPlayed(series) = %+v, %v", d, err)
		}
		all := slices.Concat(eps...)
		got, err = e.ud.Get(e.ctx, alice, ids(all)...)
		if err != nil {
			t.Fatal(err)
		}
		for _, ep := range all {
			// The episode watched before keeps its count of 1; the one in progress loses its resume point.
			if g := got[ep.ID]; !g.Played || g.PlayCount != 1 || g.Position != 0 || g.LastPlayedAt == nil || !g.LastPlayedAt.Equal(at) {
				t.Errorf("%s after SetPlayed(series): %+v", ep.Title, g)
			}
		}
		if len(changes) != 1 || len(changes[0]) != 1+len(all) || changes[0][0].ItemID != lost.ID {
			t.Fatalf("OnChange got %d calls, first with %d items", len(changes), len(changes[0]))
		}
		// Marking again counts nothing more.
		if _, err := e.ud.SetPlayed(e.ctx, alice, seasons[1].ID, true, nil); err != nil {
			t.Fatal(err)
		}
		if g, _ := e.ud.GetOne(e.ctx, alice, eps[1][2].ID); g.PlayCount != 1 || !g.LastPlayedAt.Equal(e.clock.Now()) {
			t.Fatalf("marked twice: %+v", g)
		}

		d, err = e.ud.SetPlayed(e.ctx, alice, seasons[1].ID, false, nil)
		if err != nil || d.Played || *d.UnplayedCount != 3 {
			t.Fatalf("SetPlayed(season, false) = %+v, %v", d, err)
		}
		if g, _ := e.ud.GetOne(e.ctx, alice, lost.ID); *g.UnplayedCount != 3 || g.Played || g.PlayedPercent != 50 {
			t.Fatalf("series after unplaying a season: %+v", g)
		}
		if g, _ := e.ud.GetOne(e.ctx, alice, eps[1][0].ID); g.Played || g.PlayCount != 0 || g.LastPlayedAt != nil {
			t.Fatalf("episode after unplaying its season: %+v", g)
		}

		// A single item, and an empty season.
		movie := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: shows.ID, Runtime: time.Hour})
		if d, err := e.ud.SetPlayed(e.ctx, alice, movie.ID, true, nil); err != nil || !d.Played || d.PlayCount != 1 || d.UnplayedCount != nil {
			t.Fatalf("SetPlayed(movie) = %+v, %v", d, err)
		}
		empty := e.add(core.Item{Kind: core.KindSeason, Title: "Season 9", LibraryID: shows.ID, ParentID: lost.ID, IndexNumber: ptr(9)})
		if d, err := e.ud.SetPlayed(e.ctx, alice, empty.ID, true, nil); err != nil || d.Played || d.UnplayedCount != nil {
			t.Fatalf("SetPlayed(empty season) = %+v, %v", d, err)
		}
	})
}

func TestUserDataFavoritesAndLikes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		shows := e.library("Shows")
		lost, _, eps := e.series(shows.ID, "Lost", 0, 2)
		alice := e.member("alice")
		d, err := e.ud.SetFavorite(e.ctx, alice, lost.ID, true)
		if err != nil || !d.Favorite || d.UnplayedCount == nil || *d.UnplayedCount != 2 {
			t.Fatalf("SetFavorite(series) = %+v, %v", d, err)
		}
		if d, err = e.ud.SetLikes(e.ctx, alice, eps[1][0].ID, ptr(false)); err != nil || d.Likes == nil || *d.Likes {
			t.Fatalf("SetLikes(false) = %+v, %v", d, err)
		}
		if _, err := e.ud.Progress(e.ctx, alice, eps[1][0].ID, 20*time.Minute, true); err != nil {
			t.Fatal(err)
		}
		got, err := e.ud.Get(e.ctx, alice, lost.ID, eps[1][0].ID)
		if g := got[eps[1][0].ID]; err != nil || g.Likes == nil || *g.Likes || g.Position != 20*time.Minute || g.PlayedPercent != 50 {
			t.Fatalf("episode = %+v, %v", g, err)
		}
		if !got[lost.ID].Favorite {
			t.Fatalf("series = %+v", got[lost.ID])
		}
		if d, err = e.ud.SetLikes(e.ctx, alice, eps[1][0].ID, nil); err != nil || d.Likes != nil || d.Position != 20*time.Minute {
			t.Fatalf("SetLikes(nil) = %+v, %v", d, err)
		}
		if d, err = e.ud.SetFavorite(e.ctx, alice, lost.ID, false); err != nil || d.Favorite {
			t.Fatalf("SetFavorite(false) = %+v, %v", d, err)
		}
	})
}

func TestUserDataVisibility(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		movies, kids := e.library("Movies"), e.library("Kids")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID, Runtime: 100 * time.Minute})
		cars := e.add(core.Item{Kind: core.KindMovie, Title: "Cars", LibraryID: kids.ID, Runtime: 100 * time.Minute})
		alice := e.member("alice")
		for _, it := range []core.Item{heat, cars} {
			if _, err := e.ud.Progress(e.ctx, alice, it.ID, 50*time.Minute, true); err != nil {
				t.Fatal(err)
			}
		}
		// Alice loses the Movies library: what she did there is hidden, not gone.
		alice.AllLibraries, alice.Libraries = false, []core.LibraryID{kids.ID}
		_, err := e.ud.GetOne(e.ctx, alice, heat.ID)
		wantErr(t, "GetOne", err, core.ErrNotFound)
		_, err = e.ud.Progress(e.ctx, alice, heat.ID, time.Minute, false)
		wantErr(t, "Progress", err, core.ErrNotFound)
		_, err = e.ud.SetPlayed(e.ctx, alice, heat.ID, true, nil)
		wantErr(t, "SetPlayed", err, core.ErrNotFound)
		_, err = e.ud.SetFavorite(e.ctx, alice, heat.ID, true)
		wantErr(t, "SetFavorite", err, core.ErrNotFound)
		_, err = e.ud.SetLikes(e.ctx, alice, heat.ID, ptr(true))
		wantErr(t, "SetLikes", err, core.ErrNotFound)
		if list, n, err := e.ud.Resume(e.ctx, alice, core.ItemQuery{}); err != nil || n != 1 || !slices.Equal(titles(list), []string{"Cars"}) {
			t.Fatalf("Resume = %v (%d), %v", titles(list), n, err)
		}
		if list, n, err := e.ud.Resume(e.ctx, alice, core.ItemQuery{Library: movies.ID}); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("Resume(hidden library) = %v (%d), %v", titles(list), n, err)
		}
		if list, n, err := e.items.List(e.ctx, alice, core.ItemQuery{Resumable: true}); err != nil || n != 1 || list[0].ID != cars.ID {
			t.Fatalf("List(Resumable) = %v (%d), %v", titles(list), n, err)
		}

		// An API key has no user data.
		key := core.Caller{APIKeyID: "k1", AllLibraries: true}
		_, err = e.ud.Progress(e.ctx, key, heat.ID, time.Minute, false)
		wantErr(t, "API key Progress", err, core.ErrNotFound)
		_, err = e.ud.SetPlayed(e.ctx, key, heat.ID, true, nil)
		wantErr(t, "API key SetPlayed", err, core.ErrNotFound)
		if got, err := e.ud.Get(e.ctx, key, heat.ID); err != nil || got[heat.ID] != (core.UserData{ItemID: heat.ID}) {
			t.Fatalf("API key Get = %+v, %v", got, err)
		}
		if list, n, err := e.ud.Resume(e.ctx, key, core.ItemQuery{}); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("API key Resume = %v (%d), %v", titles(list), n, err)
		}
		if list, n, err := e.ud.NextUp(e.ctx, key, core.NextUpQuery{}); err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("API key NextUp = %v (%d), %v", titles(list), n, err)
		}
		if _, n, err := e.items.List(e.ctx, key, core.ItemQuery{Played: ptr(true)}); err != nil || n != 0 {
			t.Fatalf("API key List(Played) = %d, %v", n, err)
		}
	})
}

func TestUserDataResume(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		movies, shows := e.library("Movies"), e.library("Shows")
		_, seasons, eps := e.series(shows.ID, "Lost", 0, 3)
		alice := e.member("alice")
		var films []core.Item
		for _, title := range []string{"Alien", "Heat", "Ran", "Up"} {
			films = append(films, e.add(core.Item{Kind: core.KindMovie, Title: title, LibraryID: movies.ID, Runtime: 100 * time.Minute}))
		}
		play := func(it core.Item, pos time.Duration) {
			t.Helper()
			e.clock.Add(time.Minute)
			if _, err := e.ud.Progress(e.ctx, alice, it.ID, pos, true); err != nil {
				t.Fatal(err)
			}
		}
		play(films[1], 20*time.Minute) // Heat
		play(eps[1][1], 10*time.Minute)
		play(films[0], 60*time.Minute) // Alien
		play(films[2], 99*time.Minute) // Ran: played
		play(films[3], 2*time.Minute)  // Up: barely started
		play(films[1], 30*time.Minute) // Heat again, now the newest
		for _, tc := range []struct {
			name  string
			q     core.ItemQuery
			want  []string
			total int
		}{
			{"newest first", core.ItemQuery{}, []string{"Heat", "Alien", "Lost 1x02"}, 3},
			{"page", core.ItemQuery{Limit: 1, Offset: 1}, []string{"Alien"}, 3},
			{"movies", core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}}, []string{"Heat", "Alien"}, 2},
			{"one library", core.ItemQuery{Library: shows.ID}, []string{"Lost 1x02"}, 1},
			{"a season", core.ItemQuery{Parent: seasons[1].ID}, []string{"Lost 1x02"}, 1},
		} {
			list, n, err := e.ud.Resume(e.ctx, alice, tc.q)
			if err != nil || n != tc.total || !slices.Equal(titles(list), tc.want) {
				t.Errorf("%s: Resume = %v (%d), %v; want %v (%d)", tc.name, titles(list), n, err, tc.want, tc.total)
			}
		}
		_, _, err := e.ud.Resume(e.ctx, alice, core.ItemQuery{Limit: core.MaxPage + 1})
		wantErr(t, "limit", err, core.ErrInvalid)
	})
}

func TestUserDataNextUp(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		shows, anime := e.library("Shows"), e.library("Anime")
		lost, _, lostEps := e.series(shows.ID, "Lost", 2, 3, 2)
		_, _, fringe := e.series(shows.ID, "Fringe", 0, 4)
		_, _, done := e.series(shows.ID, "Done", 0, 2)
		_, _, old := e.series(shows.ID, "Old", 0, 3)
		_, _, bebop := e.series(anime.ID, "Bebop", 0, 3)
		e.series(shows.ID, "Unseen", 0, 3)
		alice := e.member("alice")
		step := func() { e.clock.Add(time.Hour) }

		e.watch(alice, old[1][0])
		e.clock.Add(40 * 24 * time.Hour)
		step()
		e.watch(alice, lostEps[1][2]) // the end of season 1
		step()
		e.watch(alice, lostEps[0][0]) // a special, watched later: ignored
		step()
		e.watch(alice, done[1][0])
		e.watch(alice, done[1][1])
		step()
		e.watch(alice, fringe[1][0])
		if _, err := e.ud.Progress(e.ctx, alice, fringe[1][1].ID, 10*time.Minute, true); err != nil { // in progress: still next
			t.Fatal(err)
		}
		step()
		e.watch(alice, bebop[1][1]) // the second episode: next is the third, not the skipped first

		check := func(name string, c core.Caller, svc *core.UserDataService, q core.NextUpQuery, want []string, total int) {
			t.Helper()
			list, n, err := svc.NextUp(e.ctx, c, q)
			if err != nil || n != total || !slices.Equal(titles(list), want) {
				t.Errorf("%s: NextUp = %v (%d), %v; want %v (%d)", name, titles(list), n, err, want, total)
			}
		}
		check("all", alice, e.ud, core.NextUpQuery{}, []string{"Bebop 1x03", "Fringe 1x02", "Lost 2x01", "Old 1x02"}, 4)
		check("page", alice, e.ud, core.NextUpQuery{Limit: 2, Offset: 1}, []string{"Fringe 1x02", "Lost 2x01"}, 4)
		check("one series", alice, e.ud, core.NextUpQuery{Series: lost.ID}, []string{"Lost 2x01"}, 1)
		check("one library", alice, e.ud, core.NextUpQuery{Library: anime.ID}, []string{"Bebop 1x03"}, 1)
		check("since", alice, e.ud, core.NextUpQuery{Since: e.clock.Now().Add(-150 * time.Minute)}, []string{"Bebop 1x03", "Fringe 1x02"}, 2)

		cut := core.DefaultUserDataConfig
		cut.NextUpCutoff = 30 * 24 * time.Hour
		withCutoff := core.NewUserData(e.st.UserData, e.st.Items, cut, e.clock.Now)
		check("cutoff drops old series", alice, withCutoff, core.NextUpQuery{}, []string{"Bebop 1x03", "Fringe 1x02", "Lost 2x01"}, 3)

		// Watching on moves next up along.
		step()
		e.watch(alice, lostEps[2][0])
		check("after watching", alice, e.ud, core.NextUpQuery{Limit: 1}, []string{"Lost 2x02"}, 4)
		e.watch(alice, lostEps[2][1])
		check("season over", alice, e.ud, core.NextUpQuery{Series: lost.ID}, []string{}, 0)

		hidden := alice
		hidden.AllLibraries, hidden.Libraries = false, []core.LibraryID{anime.ID}
		check("hidden library", hidden, e.ud, core.NextUpQuery{}, []string{"Bebop 1x03"}, 1)
		check("hidden series", hidden, e.ud, core.NextUpQuery{Series: lost.ID}, []string{}, 0)
		check("hidden library asked for", hidden, e.ud, core.NextUpQuery{Library: shows.ID}, []string{}, 0)
		check("another user", e.member("bob"), e.ud, core.NextUpQuery{}, []string{}, 0)
	})
}

func TestUserDataItemFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		lib := e.library("Mixed")
		lost, _, _ := e.series(lib.ID, "Lost", 0, 2)
		fringe, _, _ := e.series(lib.ID, "Fringe", 0, 2)
		var films []core.Item
		for _, title := range []string{"Alien", "Heat", "Ran"} {
			films = append(films, e.add(core.Item{Kind: core.KindMovie, Title: title, LibraryID: lib.ID, Runtime: 100 * time.Minute}))
		}
		alice, bob := e.member("alice"), e.member("bob")
		if _, err := e.ud.SetPlayed(e.ctx, alice, lost.ID, true, nil); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		e.watch(alice, films[2]) // Ran
		e.clock.Add(time.Minute)
		if _, err := e.ud.Progress(e.ctx, alice, films[1].ID, time.Hour, true); err != nil { // Heat, in progress
			t.Fatal(err)
		}
		if _, err := e.ud.SetFavorite(e.ctx, alice, films[0].ID, true); err != nil { // Alien
			t.Fatal(err)
		}
		if _, err := e.ud.SetFavorite(e.ctx, alice, fringe.ID, true); err != nil {
			t.Fatal(err)
		}
		top := []core.ItemKind{core.KindMovie, core.KindSeries}
		for _, tc := range []struct {
			name string
			c    core.Caller
			q    core.ItemQuery
			want []string
		}{
			{"played", alice, core.ItemQuery{Kinds: top, Played: ptr(true)}, []string{"Lost", "Ran"}},
			{"unplayed", alice, core.ItemQuery{Kinds: top, Played: ptr(false)}, []string{"Alien", "Fringe", "Heat"}},
			{"played episodes", alice, core.ItemQuery{Kinds: []core.ItemKind{core.KindEpisode}, Played: ptr(true)}, []string{"Lost 1x01", "Lost 1x02"}},
			{"favorites", alice, core.ItemQuery{Favorite: ptr(true)}, []string{"Alien", "Fringe"}},
			{"not favorites", alice, core.ItemQuery{Kinds: top, Favorite: ptr(false)}, []string{"Heat", "Lost", "Ran"}},
			{"resumable", alice, core.ItemQuery{Resumable: true}, []string{"Heat"}},
			{"last played first", alice, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortPlayed, Desc: true}, []string{"Heat", "Ran", "Alien"}},
			{"last played last", alice, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortPlayed}, []string{"Alien", "Ran", "Heat"}},
			{"bob played nothing", bob, core.ItemQuery{Kinds: top, Played: ptr(true)}, []string{}},
			{"everything is unplayed for bob", bob, core.ItemQuery{Kinds: top, Played: ptr(false)}, []string{"Alien", "Fringe", "Heat", "Lost", "Ran"}},
		} {
			list, n, err := e.items.List(e.ctx, tc.c, tc.q)
			if err != nil || n != len(tc.want) || !slices.Equal(titles(list), tc.want) {
				t.Errorf("%s: List = %v (%d), %v; want %v", tc.name, titles(list), n, err, tc.want)
			}
		}
	})
}

// BenchmarkNextUp measures next up on SQLite for a user who started 1,500 of the 2,000 series of
// a library, each of 25 episodes in two seasons, 58,000 items in all.
func BenchmarkNextUp(b *testing.B) {
	ctx := context.Background()
	e := newEnvOn(b, "")
	lib := e.library("Shows")
	alice := e.member("alice")
	var watched []core.ItemID
	for s := range 2000 {
		_, seasons, eps := e.series(lib.ID, fmt.Sprintf("Show %04d", s), 0, 12, 13)
		switch s % 4 {
		case 0: // watched season 1
			watched = append(watched, seasons[1].ID)
		case 1: // watched a few episodes of season 2 as well
			watched = append(watched, seasons[1].ID, eps[2][0].ID, eps[2][1].ID)
		case 2: // the first three episodes
			watched = append(watched, eps[1][0].ID, eps[1][1].ID, eps[1][2].ID)
		}
	}
	for _, id := range watched {
		e.clock.Add(time.Minute)
		if _, err := e.ud.SetPlayed(ctx, alice, id, true, nil); err != nil {
			b.Fatal(err)
		}
	}
	_, n, err := e.ud.NextUp(ctx, alice, core.NextUpQuery{Limit: 20})
	if err != nil || n != 1500 {
		b.Fatalf("NextUp: %d, %v", n, err)
	}
	for b.Loop() {
		if _, _, err := e.ud.NextUp(ctx, alice, core.NextUpQuery{Limit: 20}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestUserRating(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		lib := e.library("Movies")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: lib.ID, Runtime: time.Hour})
		ann := e.member("ann")
		eight := 8.5
		if d, err := e.ud.SetRating(e.ctx, ann, heat.ID, &eight); err != nil || d.Rating == nil || *d.Rating != 8.5 {
			t.Fatalf("set: %+v, %v", d, err)
		}
		if d, err := e.ud.GetOne(e.ctx, ann, heat.ID); err != nil || d.Rating == nil || *d.Rating != 8.5 {
			t.Fatalf("read back: %+v, %v", d, err)
		}
		for _, bad := range []float64{-1, 10.5} {
			if _, err := e.ud.SetRating(e.ctx, ann, heat.ID, &bad); !errors.Is(err, core.ErrInvalid) {
				t.Errorf("rating %v: %v", bad, err)
			}
		}
		if d, err := e.ud.SetRating(e.ctx, ann, heat.ID, nil); err != nil || d.Rating != nil {
			t.Fatalf("clear: %+v, %v", d, err)
		}
		bob := e.member("bob", e.library("Other").ID)
		if _, err := e.ud.SetRating(e.ctx, bob, heat.ID, &eight); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("bob rates a hidden item: %v", err)
		}
	})
}
