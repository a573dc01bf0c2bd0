package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func testUser(id, name string) core.User {
	return core.User{ID: core.UserID(id), Username: name, DisplayName: name, PasswordHash: "h", AllLibraries: true,
		CreatedAt: t0, UpdatedAt: t0}
}

func TestUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		lib := core.Library{ID: "lib1", Name: "Movies", Type: core.LibraryMovies, Paths: []string{"/m"}, CreatedAt: t0, UpdatedAt: t0}
		if err := st.Libraries.CreateLibrary(ctx, lib); err != nil {
			t.Fatal(err)
		}
		alice := testUser("u1", "Alice")
		alice.Admin = true
		if err := st.Users.CreateUser(ctx, alice); err != nil {
			t.Fatal(err)
		}
		if err := st.Users.CreateUser(ctx, testUser("u2", "ALICE ")); !errors.Is(err, core.ErrConflict) {
			t.Fatalf("duplicate name regardless of case: err = %v, want ErrConflict", err)
		}
		bob := testUser("u2", "bob")
		bob.AllLibraries, bob.LibraryIDs = false, []core.LibraryID{"lib1"}
		if err := st.Users.CreateUser(ctx, bob); err != nil {
			t.Fatal(err)
		}
		got, err := st.Users.UserByName(ctx, "BOB")
		if err != nil || got.ID != "u2" || !slices.Equal(got.LibraryIDs, []core.LibraryID{"lib1"}) || got.AllLibraries {
			t.Fatalf("UserByName = %+v, %v", got, err)
		}
		if !got.CreatedAt.Equal(t0) || got.LastLoginAt != nil {
			t.Fatalf("times: created %v, last login %v", got.CreatedAt, got.LastLoginAt)
		}
		login := t0.Add(time.Hour)
		got.LastLoginAt, got.LibraryIDs, got.DisplayName = &login, nil, "Bobby"
		if err := st.Users.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Users.User(ctx, "u2")
		if got.DisplayName != "Bobby" || len(got.LibraryIDs) != 0 || got.LastLoginAt == nil || !got.LastLoginAt.Equal(login) {
			t.Fatalf("after update: %+v", got)
		}
		all, err := st.Users.Users(ctx)
		if err != nil || len(all) != 2 || all[0].Username != "Alice" || !all[0].Admin {
			t.Fatalf("Users = %+v, %v", all, err)
		}
		if n, _ := st.Users.CountUsers(ctx); n != 2 {
			t.Fatalf("CountUsers = %d", n)
		}
		if err := st.Users.UpdateUser(ctx, testUser("nope", "x")); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
		if err := st.Sessions.CreateSession(ctx, testSession("s1", "u2", "r1")); err != nil {
			t.Fatal(err)
		}
		if err := st.Users.DeleteUser(ctx, "u2"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Sessions.Session(ctx, "s1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("session outlived its user: %v", err)
		}
		if err := st.Users.DeleteUser(ctx, "u2"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestLibraries(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		l := core.Library{ID: "l1", Name: "Shows", Type: core.LibraryShows, Paths: []string{"/b", "/a"}, CreatedAt: t0, UpdatedAt: t0}
		if err := st.Libraries.CreateLibrary(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l2", Name: "shows", Type: core.LibraryMusic,
			Paths: []string{"/x"}, CreatedAt: t0, UpdatedAt: t0}); !errors.Is(err, core.ErrConflict) {
			t.Fatalf("duplicate name: %v", err)
		}
		got, err := st.Libraries.Library(ctx, "l1")
		if err != nil || !slices.Equal(got.Paths, []string{"/b", "/a"}) || got.Type != core.LibraryShows {
			t.Fatalf("Library = %+v, %v", got, err)
		}
		got.Name, got.Paths = "TV", []string{"/c"}
		if err := st.Libraries.UpdateLibrary(ctx, got); err != nil {
			t.Fatal(err)
		}
		all, err := st.Libraries.Libraries(ctx)
		if err != nil || len(all) != 1 || all[0].Name != "TV" || !slices.Equal(all[0].Paths, []string{"/c"}) {
			t.Fatalf("Libraries = %+v, %v", all, err)
		}
		if _, err := st.Items.CreateItem(ctx, core.Item{ID: "i1", Kind: core.KindSeries, Title: "X", LibraryID: "l1",
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if err := st.Libraries.DeleteLibrary(ctx, "l1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Items.Item(ctx, "i1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("item outlived its library: %v", err)
		}
		if _, err := st.Libraries.Library(ctx, "l1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("deleted library: %v", err)
		}
	})
}

func testSession(id, user, refresh string) core.Session {
	return core.Session{ID: core.SessionID(id), UserID: core.UserID(user), Client: "test", DeviceID: "dev-" + id,
		DeviceName: "box", Address: "127.0.0.1", RefreshHash: refresh, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}
}

func TestSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		for _, u := range []core.User{testUser("u1", "a"), testUser("u2", "b")} {
			if err := st.Users.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []core.Session{testSession("s1", "u1", "r1"), testSession("s2", "u1", "r2"), testSession("s3", "u2", "r3")} {
			if err := st.Sessions.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		later := t0.Add(time.Minute)
		if err := st.Sessions.RotateRefresh(ctx, "s1", "r1", "r1b", later, t0.Add(2*time.Hour), "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Sessions.RotateRefresh(ctx, "s1", "r1", "r1c", later, t0, ""); !errors.Is(err, core.ErrConflict) {
			t.Fatalf("second rotation from the same token: %v, want ErrConflict", err)
		}
		for _, h := range []string{"r1", "r1b"} {
			s, err := st.Sessions.SessionByRefresh(ctx, h)
			if err != nil || s.ID != "s1" || s.RefreshHash != "r1b" || s.PrevRefreshHash != "r1" || s.Address != "10.0.0.1" {
				t.Fatalf("SessionByRefresh(%s) = %+v, %v", h, s, err)
			}
		}
		if _, err := st.Sessions.SessionByRefresh(ctx, "nope"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("unknown refresh: %v", err)
		}
		if err := st.Sessions.TouchSession(ctx, "s2", t0.Add(time.Hour), "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		list, err := st.Sessions.Sessions(ctx, "u1")
		if err != nil || len(list) != 2 || list[0].ID != "s2" {
			t.Fatalf("Sessions(u1) = %+v, %v", list, err)
		}
		if all, _ := st.Sessions.Sessions(ctx, ""); len(all) != 3 {
			t.Fatalf("all sessions: %d", len(all))
		}
		if err := st.Sessions.DeleteDeviceSessions(ctx, "u1", "dev-s2"); err != nil {
			t.Fatal(err)
		}
		if err := st.Sessions.DeleteUserSessionsExcept(ctx, "u1", "s1"); err != nil {
			t.Fatal(err)
		}
		if list, _ := st.Sessions.Sessions(ctx, "u1"); len(list) != 1 || list[0].ID != "s1" {
			t.Fatalf("after deletes: %+v", list)
		}
		n, err := st.Sessions.DeleteExpiredSessions(ctx, t0.Add(90*time.Minute)) // s3 expired, s1 was extended
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
		}
		if err := st.Sessions.DeleteUserSessions(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Sessions.DeleteSession(ctx, "s1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("delete gone session: %v", err)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		k := core.APIKey{ID: "k1", Name: "Sonarr", Prefix: "wk_abc", Hash: "hash1", CreatedBy: "u1", CreatedAt: t0}
		if err := st.APIKeys.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := st.APIKeys.TouchAPIKey(ctx, "k1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := st.APIKeys.APIKeyByHash(ctx, "hash1")
		if err != nil || got.Name != "Sonarr" || got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("APIKeyByHash = %+v, %v", got, err)
		}
		if list, _ := st.APIKeys.APIKeys(ctx); len(list) != 1 {
			t.Fatalf("APIKeys = %+v", list)
		}
		if err := st.APIKeys.DeleteAPIKey(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.APIKeys.APIKeyByHash(ctx, "hash1"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("deleted key: %v", err)
		}
	})
}

func TestItems(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		for _, id := range []core.LibraryID{"m", "s"} {
			if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: id, Name: string(id), Type: core.LibraryMixed,
				Paths: []string{"/" + string(id)}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		add := func(it core.Item) core.Item {
			t.Helper()
			it.CreatedAt, it.UpdatedAt = t0.Add(time.Duration(len(it.ID))*time.Minute), t0
			got, err := st.Items.CreateItem(ctx, it)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		heat := add(core.Item{ID: "a", Kind: core.KindMovie, Title: "Heat", Year: 1995, LibraryID: "m"})
		alien := add(core.Item{ID: "bb", Kind: core.KindMovie, Title: "The Alien 100%", Year: 1979, LibraryID: "m"})
		show := add(core.Item{ID: "ccc", Kind: core.KindSeries, Title: "Dark", LibraryID: "s"})
		ep := add(core.Item{ID: "dddd", Kind: core.KindEpisode, Title: "Secrets", LibraryID: "s", ParentID: show.ID})
		if heat.Key <= 0 || alien.Key <= heat.Key || ep.Key <= show.Key {
			t.Fatalf("keys not increasing: %d %d %d %d", heat.Key, alien.Key, show.Key, ep.Key)
		}
		if got, err := st.Items.Item(ctx, "bb"); err != nil || got.SortTitle != "alien 100%" || got.Year != 1979 || got.Key != alien.Key {
			t.Fatalf("Item = %+v, %v", got, err)
		}
		ids := func(q core.ItemQuery) ([]core.ItemID, int) {
			t.Helper()
			if q.Limit == 0 {
				q.Limit = 100
			}
			items, total, err := st.Items.Items(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			out := []core.ItemID{}
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out, total
		}
		for _, tc := range []struct {
			name  string
			q     core.ItemQuery
			want  []core.ItemID
			total int
		}{
			{"all by title", core.ItemQuery{}, []core.ItemID{"bb", "ccc", "a", "dddd"}, 4},
			{"kind", core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie, core.KindSeries}}, []core.ItemID{"bb", "ccc", "a"}, 3},
			{"library", core.ItemQuery{Library: "s"}, []core.ItemID{"ccc", "dddd"}, 2},
			{"visible libraries", core.ItemQuery{Libraries: []core.LibraryID{"m"}}, []core.ItemID{"bb", "a"}, 2},
			{"no visible library", core.ItemQuery{Libraries: []core.LibraryID{}}, []core.ItemID{}, 0},
			{"parent", core.ItemQuery{Parent: "ccc"}, []core.ItemID{"dddd"}, 1},
			{"text ignores case", core.ItemQuery{Text: "HEA"}, []core.ItemID{"a"}, 1},
			{"percent is literal", core.ItemQuery{Text: "100%"}, []core.ItemID{"bb"}, 1},
			{"underscore is literal", core.ItemQuery{Text: "_"}, []core.ItemID{}, 0},
			{"year desc", core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortYear, Desc: true}, []core.ItemID{"a", "bb"}, 2},
			{"added", core.ItemQuery{Sort: core.SortAdded}, []core.ItemID{"a", "bb", "ccc", "dddd"}, 4},
			{"page", core.ItemQuery{Limit: 2, Offset: 1}, []core.ItemID{"ccc", "a"}, 4},
			{"past the end", core.ItemQuery{Limit: 2, Offset: 10}, []core.ItemID{}, 4},
		} {
			got, total := ids(tc.q)
			if !slices.Equal(got, tc.want) || total != tc.total {
				t.Errorf("%s: got %v (total %d), want %v (total %d)", tc.name, got, total, tc.want, tc.total)
			}
		}
	})
}

// TestSQLiteConcurrentWrites is why writes go through one connection: many writers at once must
// queue, never fail with "database is locked".
func TestSQLiteConcurrentWrites(t *testing.T) {
	db := openTestSQLite(t)
	st := db.Stores()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			u := testUser(fmt.Sprintf("u%d", i), fmt.Sprintf("user%d", i))
			if err := st.Users.CreateUser(ctx, u); err != nil {
				errs <- err
				return
			}
			if _, err := st.Users.Users(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, _ := st.Users.CountUsers(ctx); n != 64 {
		t.Fatalf("%d users, want 64", n)
	}
}

func TestItemFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for i, m := range []core.Metadata{
			{Title: "Amélie", Year: 2001, Genres: []string{"Comedy", "Romance"}, Credits: []core.Credit{{Name: "Audrey Tautou", Kind: core.PersonActor}}},
			{Title: "Heat", Year: 1995, Genres: []string{"Crime"}, Credits: []core.Credit{{Name: "Al Pacino", Kind: core.PersonActor}}},
			{Title: "2001: A Space Odyssey", Year: 1968, Genres: []string{"Science Fiction"}},
			{Title: "The Aviator", Year: 2004, Genres: []string{"Drama"}, Credits: []core.Credit{{Name: "Al Pacino", Kind: core.PersonProducer}}},
		} {
			id := core.ItemID(fmt.Sprintf("i%d", i))
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: "x", LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			if err := st.Metadata.SetMetadata(ctx, id, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name string
			q    core.ItemQuery
			want []string
		}{
			{"accents ignored", core.ItemQuery{Text: "AMELIE"}, []string{"Amélie"}},
			{"accents in the query", core.ItemQuery{Text: "amél"}, []string{"Amélie"}},
			{"genre", core.ItemQuery{Genre: "crime"}, []string{"Heat"}},
			{"person", core.ItemQuery{Person: "al pacino"}, []string{"The Aviator", "Heat"}},
			{"year", core.ItemQuery{Year: 2001}, []string{"Amélie"}},
			{"letter skips the article", core.ItemQuery{Letter: "A"}, []string{"Amélie", "The Aviator"}},
			{"letter #", core.ItemQuery{Letter: "#"}, []string{"2001: A Space Odyssey"}},
		} {
			items, _, err := st.Items.Items(ctx, core.ItemQuery{Limit: 100, Text: tc.q.Text, Genre: tc.q.Genre, Person: tc.q.Person,
				Year: tc.q.Year, Letter: tc.q.Letter, Sort: core.SortTitle})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Title)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

func TestFacets(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		for _, l := range []core.LibraryID{"l1", "l2"} {
			if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: l, Name: string(l), Type: core.LibraryMovies,
				Paths: []string{"/" + string(l)}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		for i, m := range []struct {
			lib core.LibraryID
			md  core.Metadata
		}{
			{"l1", core.Metadata{Title: "A", Genres: []string{"Crime", "Drama"}, Collection: "Heists", Credits: []core.Credit{{Name: "Al Pacino", Kind: core.PersonActor}}}},
			{"l1", core.Metadata{Title: "B", Genres: []string{"Crime"}, Collection: "Heists", Credits: []core.Credit{{Name: "Al Pacino", Kind: core.PersonActor}, {Name: "Al Pacino", Kind: core.PersonProducer}}}},
			{"l2", core.Metadata{Title: "C", Genres: []string{"Comedy"}, Studios: []string{"Pixar"}}},
		} {
			id := core.ItemID(fmt.Sprintf("f%d", i))
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: "x", LibraryID: m.lib, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			if err := st.Metadata.SetMetadata(ctx, id, m.md); err != nil {
				t.Fatal(err)
			}
		}
		facets := func(q core.FacetQuery) string {
			t.Helper()
			q.Limit = 100
			list, total, err := st.Items.Facets(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, f := range list {
				parts = append(parts, fmt.Sprintf("%s=%d", f.Name, f.Count))
			}
			return fmt.Sprintf("%v total %d", parts, total)
		}
		for _, tc := range []struct {
			q    core.FacetQuery
			want string
		}{
			{core.FacetQuery{Kind: core.FacetGenre}, "[Comedy=1 Crime=2 Drama=1] total 3"},
			{core.FacetQuery{Kind: core.FacetGenre, Libraries: []core.LibraryID{"l1"}}, "[Crime=2 Drama=1] total 2"},
			{core.FacetQuery{Kind: core.FacetGenre, Library: "l2"}, "[Comedy=1] total 1"},
			{core.FacetQuery{Kind: core.FacetGenre, Text: "DR"}, "[Drama=1] total 1"},
			{core.FacetQuery{Kind: core.FacetPerson}, "[Al Pacino=2] total 1"},
			{core.FacetQuery{Kind: core.FacetCollection}, "[Heists=2] total 1"},
			{core.FacetQuery{Kind: core.FacetStudio, Libraries: []core.LibraryID{}}, "[] total 0"},
		} {
			if got := facets(tc.q); got != tc.want {
				t.Errorf("%+v: %s, want %s", tc.q, got, tc.want)
			}
		}
		items, _, err := st.Items.Items(ctx, core.ItemQuery{Limit: 10, Collection: "heists", Sort: core.SortTitle})
		if err != nil || len(items) != 2 {
			t.Fatalf("collection filter: %d, %v", len(items), err)
		}
		if items, _, _ := st.Items.Items(ctx, core.ItemQuery{Limit: 10, Studio: "pixar", Sort: core.SortTitle}); len(items) != 1 {
			t.Fatalf("studio filter: %d", len(items))
		}
	})
}

// TestUserProfiles checks that a user's profile fields (migration 0019) round-trip, and that a
// row written before them reads with Jellyfin's defaults.
func TestUserProfiles(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		kid := testUser("u1", "kid")
		kid.PasswordHash, kid.Hidden, kid.PINHash, kid.PINFailures, kid.MaxBitrate = "", false, "$argon2id$pin", 3, 4_000_000
		kid.Playback = core.PlaybackPrefs{AudioLanguage: "fre", SubtitleLanguage: "pt-BR", SubtitleMode: core.SubtitlesSmart}
		if err := st.Users.CreateUser(ctx, kid); err != nil {
			t.Fatal(err)
		}
		got, err := st.Users.User(ctx, "u1")
		if err != nil || got.HasPassword() || got.Hidden || got.PINHash != kid.PINHash || got.PINFailures != 3 ||
			got.MaxBitrate != 4_000_000 || got.Playback != kid.Playback {
			t.Fatalf("User = %+v, %v", got, err)
		}
		got, err = st.Users.ModifyUser(ctx, "u1", func(u *core.User) error {
			u.PINFailures++
			u.Playback.PlayDefaultAudio = true
			return nil
		})
		if err != nil || got.PINFailures != 4 || !got.Playback.PlayDefaultAudio {
			t.Fatalf("ModifyUser = %+v, %v", got, err)
		}
		// A user made before the migration, with only the old columns: the defaults.
		if _, err := db.W.ExecContext(ctx, `INSERT INTO users (id, username, username_key, display_name, password_hash,
			created_at, updated_at) VALUES ('u2', 'old', 'old', 'old', 'h', ?, ?)`, t0, t0); err != nil {
			t.Fatal(err)
		}
		old, err := st.Users.User(ctx, "u2")
		if err != nil || !old.Hidden || old.HasPIN() || old.MaxBitrate != 0 || old.Playback != core.DefaultPlaybackPrefs {
			t.Fatalf("a user from before profiles = %+v, %v", old, err)
		}
	})
}
