package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestListCache checks that item lists come from the cache until a write that can change them,
// and that pages and totals are those of the database.
func TestListCache(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for i := range 25 {
			f := core.MediaFile{ID: core.FileID(fmt.Sprintf("f%02d", i)), LibraryID: "m", Path: fmt.Sprintf("/m/%02d.mkv", i),
				ModTime: t0, CreatedAt: t0, UpdatedAt: t0}
			it := core.Item{ID: core.ItemID(fmt.Sprintf("m%02d", i)), MatchKey: fmt.Sprintf("movie:%02d", i), Kind: core.KindMovie,
				LibraryID: "m", Title: fmt.Sprintf("Movie %02d", i), CreatedAt: t0, UpdatedAt: t0}
			if _, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{it}}); err != nil {
				t.Fatal(err)
			}
		}
		q := core.ItemQuery{Libraries: []core.LibraryID{"m"}, Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortTitle, Limit: 10}
		titles := func(q core.ItemQuery, wantTotal int) []string {
			t.Helper()
			items, total, err := st.Items.Items(ctx, q)
			if err != nil || total != wantTotal {
				t.Fatalf("items: total %d, %v; want %d", total, err, wantTotal)
			}
			out := make([]string, len(items))
			for i, it := range items {
				out[i] = it.Title
			}
			return out
		}
		gen := func() uint64 { return db.lists.gen.Load() }

		// Pages and totals.
		if got := titles(q, 25); len(got) != 10 || got[0] != "Movie 00" || got[9] != "Movie 09" {
			t.Fatalf("first page = %v", got)
		}
		q.Offset = 20
		if got := titles(q, 25); !slices.Equal(got, []string{"Movie 20", "Movie 21", "Movie 22", "Movie 23", "Movie 24"}) {
			t.Fatalf("last page = %v", got)
		}
		q.Offset = 30
		if got := titles(q, 25); len(got) != 0 {
			t.Fatalf("past the end = %v", got)
		}
		nq := q
		nq.NoCount, nq.Offset = true, 0
		if got := titles(nq, 10); len(got) != 10 { // a first page without a count: read with a LIMIT
			t.Fatalf("first page without a count = %v", got)
		}
		nq.Offset = 20
		if got := titles(nq, 25); len(got) != 5 { // from the list: the total is known
			t.Fatalf("last page without a count = %v", got)
		}
		q.Offset, q.Desc = 0, true
		if got := titles(q, 25); got[0] != "Movie 24" {
			t.Fatalf("descending = %v", got)
		}
		q.Desc = false

		// A hit: nothing written, nothing invalidated; user data writes change no list.
		if err := st.Users.CreateUser(ctx, testUser("u", "u")); err != nil {
			t.Fatal(err)
		}
		key, _ := listKey(q)
		kept := db.lists.entries[key]
		titles(q, 25)
		if db.lists.entries[key] != kept {
			t.Fatal("the list was read again without a write")
		}
		before := gen()
		if _, err := st.UserData.UpdateUserData(ctx, "u", "m00", t0, func(d *core.UserData) error {
			d.Position = time.Minute
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if gen() != before {
			t.Fatalf("generation moved from %d to %d without an item write", before, gen())
		}

		// Each write that changes lists invalidates them, and the next read sees it at once.
		steps := []struct {
			name  string
			write func() error
			check func()
		}{
			{"apply file", func() error {
				f := core.MediaFile{ID: "fnew", LibraryID: "m", Path: "/m/new.mkv", ModTime: t0, CreatedAt: t0, UpdatedAt: t0}
				_, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{{ID: "new", MatchKey: "movie:new",
					Kind: core.KindMovie, LibraryID: "m", Title: "Abyss", CreatedAt: t0, UpdatedAt: t0}}})
				return err
			}, func() {
				if got := titles(q, 26); got[0] != "Abyss" {
					t.Fatalf("after ApplyFile = %v", got)
				}
			}},
			{"set metadata", func() error {
				return st.Metadata.SetMetadata(ctx, "m05", core.Metadata{Title: "Aardvark", Collection: "Box"})
			}, func() {
				if got := titles(q, 26); got[0] != "Aardvark" {
					t.Fatalf("after SetMetadata = %v", got)
				}
			}},
			{"collections", func() error { return st.Metadata.SyncCollections(ctx, "m") }, func() {
				cq := core.ItemQuery{Libraries: []core.LibraryID{"m"}, Kinds: []core.ItemKind{core.KindCollection}, Limit: 10}
				if got := titles(cq, 1); len(got) != 1 {
					t.Fatalf("after SyncCollections = %v", got)
				}
			}},
			{"purge missing", func() error {
				if err := st.Media.MarkMissing(ctx, []core.FileID{"fnew"}, t0); err != nil {
					return err
				}
				_, err := st.Media.PurgeMissing(ctx, "m", t0.Add(time.Hour))
				return err
			}, func() {
				if got := titles(q, 25); got[0] != "Aardvark" {
					t.Fatalf("after PurgeMissing = %v", got)
				}
			}},
		}
		for _, s := range steps {
			if _, _, err := st.Items.Items(ctx, q); err != nil { // cached before the write
				t.Fatal(err)
			}
			before := gen()
			if err := s.write(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if gen() == before {
				t.Fatalf("%s: generation unchanged", s.name)
			}
			s.check()
		}
	})
}

// TestListCacheConcurrent reads pages while items are written; run with -race.
func TestListCacheConcurrent(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	st := db.Stores()
	if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
		CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	add := func(i int) error {
		f := core.MediaFile{ID: core.FileID(fmt.Sprintf("f%03d", i)), LibraryID: "m", Path: fmt.Sprintf("/m/%03d.mkv", i),
			ModTime: t0, CreatedAt: t0, UpdatedAt: t0}
		_, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{{ID: core.ItemID(fmt.Sprintf("m%03d", i)),
			MatchKey: fmt.Sprintf("movie:%03d", i), Kind: core.KindMovie, LibraryID: "m", Title: fmt.Sprintf("Movie %03d", i),
			CreatedAt: t0, UpdatedAt: t0}}})
		return err
	}
	for i := range 50 {
		if err := add(i); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 9)
	wg.Go(func() {
		for i := 50; i < 80; i++ {
			if err := add(i); err != nil {
				errs <- err
				return
			}
		}
	})
	for range 8 {
		wg.Go(func() {
			for j := range 50 {
				items, total, err := st.Items.Items(ctx, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 20, Offset: j % 40})
				if err != nil {
					errs <- err
					return
				}
				if total < 50 || total > 80 || len(items) != min(20, total-j%40) { // the page is short while total < 60
					errs <- fmt.Errorf("page at %d: %d items of %d", j%40, len(items), total)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Every write is seen once the writer is done.
	if _, total, err := st.Items.Items(ctx, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 1}); err != nil || total != 80 {
		t.Fatalf("total = %d, %v; want 80", total, err)
	}
}

// TestListCacheBounds checks the expiry, the eviction and the statements that invalidate.
func TestListCacheBounds(t *testing.T) {
	c := newListCache()
	now := t0
	c.now = func() time.Time { return now }
	reads := 0
	read := func(context.Context, int) ([]int64, error) { reads++; return []int64{1, 2, 3}, nil }
	ctx := context.Background()
	for range 2 {
		if seqs, ok, err := c.get(ctx, "a", read); err != nil || !ok || len(seqs) != 3 {
			t.Fatalf("get = %v %t %v", seqs, ok, err)
		}
	}
	if reads != 1 {
		t.Fatalf("%d reads, want 1", reads)
	}
	now = now.Add(listTTL)
	c.get(ctx, "a", read)
	if reads != 2 {
		t.Fatalf("an expired list was not read again")
	}
	for i := range listEntries + 10 {
		c.get(ctx, fmt.Sprint(i), read)
	}
	if len(c.entries) != listEntries || c.total != 3*listEntries {
		t.Fatalf("%d entries of %d keys, want %d", len(c.entries), c.total, listEntries)
	}
	long := func(_ context.Context, max int) ([]int64, error) { return make([]int64, max+1), nil }
	if _, ok, err := c.get(ctx, "long", long); ok || err != nil {
		t.Fatalf("a list over listMaxLen is kept (%t, %v)", ok, err)
	}

	for _, tc := range []struct {
		query string
		want  bool
	}{
		{`SELECT * FROM items`, false},
		{`INSERT INTO "items" ("id") VALUES ('x')`, true},
		{`INSERT INTO user_data (user_id) VALUES ('u') ON CONFLICT (user_id, item_id) DO UPDATE SET played = TRUE`, false},
		{`UPDATE "media_files" AS "media_file_row" SET missing_since = '2026-01-01'`, false},
		{`UPDATE "items" AS "item" SET title = 'x'`, true},
		{`DELETE FROM "item_tags" WHERE item_id = 'x'`, true},
		{`DELETE FROM user_series WHERE user_id = 'u'`, false},
		{`WITH last AS MATERIALIZED (SELECT 1) SELECT * FROM last`, false},
		{`WITH x AS (SELECT 1) DELETE FROM items WHERE id IN (SELECT * FROM x)`, true},
		{`INSERT OR REPLACE INTO people(id) VALUES ('p')`, true},
		{`CREATE INDEX x ON items (title)`, true},
	} {
		if got := changesLists(tc.query); got != tc.want {
			t.Errorf("changesLists(%q) = %t, want %t", tc.query, got, tc.want)
		}
	}
}

// TestListCacheRefresh checks that a list used shortly before it expires is read again in the
// background, served meanwhile, and then served from the new read, with a new lifetime; a write
// during that read leaves it unused.
func TestListCacheRefresh(t *testing.T) {
	c := newListCache()
	now := t0
	c.now = func() time.Time { return now }
	var reads atomic.Int64
	read := func(context.Context, int) ([]int64, error) { reads.Add(1); return []int64{1, 2, 3}, nil }
	ctx := context.Background()
	c.get(ctx, "a", read)
	now = now.Add(listRefresh)
	if seqs, ok, err := c.get(ctx, "a", read); err != nil || !ok || len(seqs) != 3 {
		t.Fatalf("get = %v %t %v", seqs, ok, err)
	}
	c.refreshWG.Wait()
	if reads.Load() != 2 {
		t.Fatalf("%d reads, want 2 (one in the background)", reads.Load())
	}
	now = now.Add(listTTL - time.Millisecond) // the first read has expired, not the refresh
	c.get(ctx, "a", read)
	c.refreshWG.Wait()
	if reads.Load() != 3 { // served, and refreshed again in the background
		t.Fatalf("%d reads, want 3", reads.Load())
	}
	// A write while the refresh reads: what it read is never served.
	now = now.Add(listRefresh)
	slow := func(context.Context, int) ([]int64, error) { c.invalidate(); return []int64{9}, nil }
	c.get(ctx, "a", slow)
	c.refreshWG.Wait()
	if seqs, _, _ := c.get(ctx, "a", read); len(seqs) != 3 {
		t.Fatalf("served %v, read before a write", seqs)
	}
}
