package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestCacheStampsAcrossProcesses opens one database twice, as a server and a scan command beside it
// would, and checks that each handle's caches see the other's writes through the cache stamps, long
// before the caches' own expiry.
func TestCacheStampsAcrossProcesses(t *testing.T) {
	if listTTL < time.Minute {
		t.Fatalf("listTTL = %v: this test tells the stamps from the expiry by waiting far less", listTTL)
	}
	open := func(t *testing.T, dsn, dir string) *DB {
		t.Helper()
		db, err := Open(context.Background(), dsn, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	run := func(t *testing.T, dsn, dir string) {
		ctx := context.Background()
		a, b := open(t, dsn, dir), open(t, dsn, dir)
		sa, sb := a.Stores(), b.Stores()
		if err := sa.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if err := sa.Users.CreateUser(ctx, testUser("u1", "ann")); err != nil {
			t.Fatal(err)
		}
		add := func(s Stores, id string) {
			t.Helper()
			if _, err := s.Items.CreateItem(ctx, core.Item{ID: core.ItemID(id), Kind: core.KindMovie, Title: id, LibraryID: "m",
				CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		add(sa, "one")
		q := core.ItemQuery{Libraries: []core.LibraryID{"m"}, Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortTitle, Limit: 10}
		total := func() int {
			t.Helper()
			_, n, err := sa.Items.Items(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// eventually waits for cond, at most 3 s; the stamps take stampPoll plus stampDelay.
		eventually := func(what string, cond func() bool) {
			t.Helper()
			start := time.Now()
			for !cond() {
				if time.Since(start) > 3*time.Second {
					t.Fatalf("%s: not seen after %v", what, time.Since(start))
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("%s: seen after %v", what, time.Since(start).Round(time.Millisecond))
		}

		// An item list, cached by a, shows an item b adds.
		if n := total(); n != 1 {
			t.Fatalf("total %d", n)
		}
		add(sb, "two")
		eventually("b's new item in a's cached list", func() bool { return total() == 2 })

		// A user cached by a shows b's change of the user at once in b, and soon in a.
		if u, err := sa.Users.User(ctx, "u1"); err != nil || u.Disabled {
			t.Fatalf("user %+v, %v", u, err)
		}
		if _, err := sb.Users.User(ctx, "u1"); err != nil { // b caches it too
			t.Fatal(err)
		}
		if _, err := sb.Users.ModifyUser(ctx, "u1", func(u *core.User) error { u.Disabled = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if u, err := sb.Users.User(ctx, "u1"); err != nil || !u.Disabled {
			t.Fatalf("b's own write not seen at once: %+v, %v", u, err)
		}
		eventually("b's disabling in a's cached user", func() bool {
			u, err := sa.Users.User(ctx, "u1")
			return err == nil && u.Disabled
		})

		// User data cached by a shows b's progress.
		data := func() time.Duration {
			t.Helper()
			m, err := sa.UserData.UserData(ctx, "u1", []core.ItemID{"one"})
			if err != nil {
				t.Fatal(err)
			}
			return m["one"].Position
		}
		if p := data(); p != 0 {
			t.Fatalf("position %v", p)
		}
		if _, err := sb.UserData.UpdateUserData(ctx, "u1", "one", t0, func(d *core.UserData) error { d.Position = time.Minute; return nil }); err != nil {
			t.Fatal(err)
		}
		eventually("b's progress in a's cached user data", func() bool { return data() == time.Minute })

		// A handle that writes and closes at once, like the scan command, still announces its write.
		c := open(t, dsn, dir)
		add(c.Stores(), "three")
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		eventually("a closed handle's write in a's cached list", func() bool { return total() == 3 })
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run(t, "sqlite:"+filepath.Join(dir, SQLiteFile), dir)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, testPostgresDSN(t), "")
	})
}

func TestTableFamily(t *testing.T) {
	for table, want := range map[string]family{"": famAll, "items": famLists, "item_metadata": famLists, "collection_items": famLists,
		"media_files": famContent, "item_images": famContent, "users": famUsers, "user_libraries": famUsers,
		"user_data": famUserData, "user_series": famUserData, "sessions": 0, "cache_stamps": 0, "preferences": 0, "image_uploads": 0} {
		if got := tableFamily(table); got != want {
			t.Errorf("tableFamily(%q) = %b, want %b", table, got, want)
		}
	}
}
