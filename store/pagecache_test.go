package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// selects counts the SELECT statements a pool runs.
type selects struct{ n atomic.Int64 }

func (c *selects) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (c *selects) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(e.Query)), "SELECT") {
		c.n.Add(1)
	}
}

// pageFixture is a show library (series s, season se, episodes e1 with a file and e2 without)
// and two users, u1 and u2.
func pageFixture(t *testing.T, db *DB) Stores {
	t.Helper()
	ctx := context.Background()
	st := db.Stores()
	if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryShows, Paths: []string{"/l"},
		CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []core.User{testUser("u1", "one"), testUser("u2", "two")} {
		if err := st.Users.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, it := range []core.Item{{ID: "s", Kind: core.KindSeries}, {ID: "se", Kind: core.KindSeason, ParentID: "s"},
		{ID: "e1", Kind: core.KindEpisode, ParentID: "se"}, {ID: "e2", Kind: core.KindEpisode, ParentID: "se"}} {
		it.Title, it.MatchKey, it.LibraryID, it.CreatedAt, it.UpdatedAt = string(it.ID), string(it.ID), "l", t0, t0
		if _, err := st.Items.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Metadata.SetMetadata(ctx, "s", core.Metadata{Title: "s", Overview: "o1", ProviderIDs: map[string]string{"tvdb": "1"},
		Images: []core.Image{{Kind: core.ImagePrimary, URL: "http://i/p.jpg"}}}); err != nil {
		t.Fatal(err)
	}
	addFile(t, st, "f1", "e1")
	return st
}

// addFile adds file id to episode item.
func addFile(t *testing.T, st Stores, id core.FileID, item core.ItemID) {
	t.Helper()
	f := core.MediaFile{ID: id, LibraryID: "l", Path: "/l/" + string(id) + ".mkv", ModTime: t0, CreatedAt: t0, UpdatedAt: t0}
	if _, _, err := st.Media.ApplyFile(context.Background(), core.FileUpdate{File: f, Items: []core.Item{
		{ID: "s", MatchKey: "s", Kind: core.KindSeries, LibraryID: "l", Title: "s", CreatedAt: t0, UpdatedAt: t0},
		{ID: "se", MatchKey: "se", Kind: core.KindSeason, LibraryID: "l", Title: "se", CreatedAt: t0, UpdatedAt: t0},
		{ID: item, MatchKey: string(item), Kind: core.KindEpisode, LibraryID: "l", Title: string(item), CreatedAt: t0, UpdatedAt: t0}}}); err != nil {
		t.Fatal(err)
	}
}

// TestPageCaches checks that each page cache answers without a query when warm, and misses after
// every write that can change what it holds, and only then.
func TestPageCaches(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := pageFixture(t, db)
		var sel selects
		// The stamps loop queries the pools, and bun's hooks may not be added while queries run;
		// this test does not need other processes' writes.
		if err := db.lists.stamps.Load().close(); err != nil {
			t.Fatal(err)
		}
		db.R.AddQueryHook(&sel)
		ids := []core.ItemID{"s", "se", "e1", "e2", "missing"}
		const parts = core.MetaColumns | core.MetaImages
		type page struct {
			items  map[core.ItemID]core.Item
			meta   map[core.ItemID]core.Metadata
			files  map[core.ItemID]core.FileCount
			kids   map[core.ItemID]int
			u1, u2 map[core.ItemID]core.UserData
			list   []core.Item
			total  int
		}
		read := func() (p page) {
			t.Helper()
			var err error
			check := func(e error) {
				t.Helper()
				if e != nil {
					t.Fatal(e)
				}
			}
			p.items, err = st.Items.ItemsByID(ctx, ids)
			check(err)
			p.meta, err = st.Metadata.ItemsMetadataParts(ctx, ids, parts)
			check(err)
			p.files, err = st.Media.FileCounts(ctx, ids)
			check(err)
			p.kids, err = st.Items.ChildCounts(ctx, ids)
			check(err)
			p.u1, err = st.UserData.UserData(ctx, "u1", ids)
			check(err)
			p.u2, err = st.UserData.UserData(ctx, "u2", ids)
			check(err)
			p.list, p.total, err = st.Items.Items(ctx, core.ItemQuery{Library: "l", Kinds: []core.ItemKind{core.KindEpisode}, Limit: 10})
			check(err)
			return p
		}
		// fresh reads the same from the database, past every cache.
		fresh := func() (p page) {
			t.Helper()
			var err error
			p.items, _ = st.Items.readByID(ctx, ids)
			p.meta, _ = st.Metadata.readMetadataParts(ctx, ids, parts)
			p.files, _ = st.Media.readFileCounts(ctx, ids)
			p.kids, _ = st.Items.readChildCounts(ctx, ids)
			p.u1, _ = st.UserData.readUserData(ctx, "u1", ids)
			p.u2, err = st.UserData.readUserData(ctx, "u2", ids)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		// queries returns how many SELECTs f runs, reads ahead included.
		queries := func(f func() error) int64 {
			t.Helper()
			db.pages.aheadWG.Wait()
			before := sel.n.Load()
			if err := f(); err != nil {
				t.Fatal(err)
			}
			db.pages.aheadWG.Wait() // reads ahead count as the miss's
			return sel.n.Load() - before
		}
		same := func(p page) {
			t.Helper()
			f := fresh()
			for name, pair := range map[string][2]any{"items": {p.items, f.items}, "metadata": {p.meta, f.meta},
				"file counts": {p.files, f.files}, "child counts": {p.kids, f.kids}, "u1": {p.u1, f.u1}, "u2": {p.u2, f.u2}} {
				if !reflect.DeepEqual(pair[0], pair[1]) {
					t.Fatalf("%s: cached %+v, database %+v", name, pair[0], pair[1])
				}
			}
		}
		warm := func() {
			t.Helper()
			read()
			if n := queries(func() error { read(); return nil }); n != 0 {
				t.Fatalf("a warm page ran %d queries, want 0", n)
			}
		}
		byID := func() error { _, err := st.Items.ItemsByID(ctx, ids); return err }
		meta := func() error { _, err := st.Metadata.ItemsMetadataParts(ctx, ids, parts); return err }
		files := func() error { _, err := st.Media.FileCounts(ctx, ids); return err }
		kids := func() error { _, err := st.Items.ChildCounts(ctx, ids); return err }
		u1 := func() error { _, err := st.UserData.UserData(ctx, "u1", ids); return err }
		u2 := func() error { _, err := st.UserData.UserData(ctx, "u2", ids); return err }
		misses := func(what string, want map[string]bool, reads map[string]func() error) {
			t.Helper()
			for name, f := range reads {
				if n := queries(f); (n > 0) != want[name] {
					t.Errorf("after %s: %s ran %d queries, want a miss: %t", what, name, n, want[name])
				}
			}
		}
		all := map[string]func() error{"items": byID, "metadata": meta, "files": files, "children": kids, "u1": u1, "u2": u2}

		warm()
		p := read()
		same(p)
		if p.total != 2 || len(p.list) != 2 || p.files["e1"].Versions != 1 || len(p.files) != 1 || p.kids["se"] != 2 ||
			p.u1["se"].UnplayedCount == nil || *p.u1["se"].UnplayedCount != 2 || p.meta["s"].Images[0].URL != "http://i/p.jpg" {
			t.Fatalf("page = %+v", p)
		}
		if _, ok := p.meta["missing"]; ok {
			t.Fatal("metadata of a missing item")
		}
		// A caller changing the metadata it got does not change the cache (items' ProviderIDs
		// are shared, read-only: see core.Item).
		p.meta["s"].ProviderIDs["tvdb"] = "changed"
		p.meta["s"].Images[0].URL = "changed"
		same(read())

		// An item write makes every cache out of date, user data too: it counts what is under an item.
		if _, err := st.Items.CreateItem(ctx, core.Item{ID: "e3", Kind: core.KindEpisode, ParentID: "se", Title: "e3", MatchKey: "e3",
			LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		misses("an item write", map[string]bool{"items": true, "metadata": true, "files": true, "children": true, "u1": true, "u2": true}, all)
		p = read()
		same(p)
		if p.kids["se"] != 3 || *p.u1["se"].UnplayedCount != 3 || p.total != 3 {
			t.Fatalf("after adding e3: %+v", p)
		}

		// A metadata edit.
		warm()
		if err := st.Metadata.SetMetadata(ctx, "s", core.Metadata{Title: "s", Overview: "o2"}); err != nil {
			t.Fatal(err)
		}
		misses("a metadata edit", map[string]bool{"items": true, "metadata": true, "files": true, "children": true, "u1": true, "u2": true}, all)
		if p = read(); p.meta["s"].Overview != "o2" || len(p.meta["s"].Images) != 0 {
			t.Fatalf("after the edit: %+v", p.meta["s"])
		}
		same(p)

		// An image change alone leaves the item rows and lists.
		warm()
		if _, err := db.W.NewRaw("INSERT INTO item_images (item_id, kind, position, url) VALUES ('s', 'Primary', 0, 'http://i/new.jpg')").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		misses("an image change", map[string]bool{"metadata": true, "files": true, "u1": true, "u2": true}, all)
		if p = read(); len(p.meta["s"].Images) != 1 || p.meta["s"].Images[0].URL != "http://i/new.jpg" {
			t.Fatalf("after the image change: %+v", p.meta["s"])
		}
		same(p)

		// A file added, then removed.
		warm()
		addFile(t, st, "f2", "e2")
		if p = read(); p.files["e2"].Versions != 1 {
			t.Fatalf("after adding f2: %+v", p.files)
		}
		same(p)
		warm()
		if _, err := db.W.NewRaw("DELETE FROM media_files WHERE id = 'f2'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		misses("a file removed", map[string]bool{"metadata": true, "files": true, "u1": true, "u2": true}, all)
		if p = read(); p.files["e2"].Versions != 0 {
			t.Fatalf("after removing f2: %+v", p.files)
		}
		same(p)

		// A user's writes make their data out of date, not the other user's.
		warm()
		if _, err := st.UserData.MarkPlayed(ctx, "u1", "e1", true, t0); err != nil {
			t.Fatal(err)
		}
		misses("u1 marking e1 played", map[string]bool{"u1": true}, all)
		if p = read(); !p.u1["e1"].Played || *p.u1["se"].UnplayedCount != 2 || p.u2["e1"].Played {
			t.Fatalf("after u1 played e1: %+v / %+v", p.u1, p.u2)
		}
		same(p)
		warm()
		if _, err := st.UserData.UpdateUserData(ctx, "u2", "e2", t0, func(d *core.UserData) error {
			d.Favorite = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		misses("u2 liking e2", map[string]bool{"u2": true}, all)
		if p = read(); !p.u2["e2"].Favorite || p.u1["e2"].Favorite {
			t.Fatalf("after u2 liked e2: %+v / %+v", p.u1, p.u2)
		}
		same(p)

		// A miss reads around: the items read with the page's rows come with the first batch miss.
		if _, err := st.Items.CreateItem(ctx, core.Item{ID: "e4", Kind: core.KindEpisode, ParentID: "se", Title: "e4", MatchKey: "e4",
			LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Items.Items(ctx, core.ItemQuery{Library: "l", Kinds: []core.ItemKind{core.KindEpisode}, Limit: 1}); err != nil {
			t.Fatal(err)
		}
		for _, one := range []func(id core.ItemID) error{
			func(id core.ItemID) error {
				_, err := st.Metadata.ItemsMetadataParts(ctx, []core.ItemID{id}, parts)
				return err
			},
			func(id core.ItemID) error { _, err := st.Media.FileCounts(ctx, []core.ItemID{id}); return err },
			func(id core.ItemID) error { _, err := st.UserData.UserData(ctx, "u1", []core.ItemID{id}); return err },
			func(id core.ItemID) error { _, err := st.Items.ItemsByID(ctx, []core.ItemID{id}); return err },
		} {
			queries(func() error { return one("e1") })
			if n := queries(func() error { return one("e4") }); n != 0 {
				t.Errorf("e4 after e1: %d queries, want 0 (read around)", n)
			}
		}
		same(read())

		// Entries expire: another process may have written.
		warm()
		now := time.Now().Add(listTTL)
		db.pages.now = func() time.Time { return now }
		misses("the entries' lifetime", map[string]bool{"items": true, "metadata": true, "files": true, "children": true, "u1": true, "u2": true}, all)
	})
}

// TestPageCachesConcurrent reads pages while items, metadata, files and user data are written;
// run with -race. A writer sees its own write at once, and the caches end equal to the database.
func TestPageCachesConcurrent(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	st := pageFixture(t, db)
	ids := []core.ItemID{"s", "se", "e1", "e2"}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	wg.Go(func() {
		for i := range 20 {
			overview := fmt.Sprintf("o%d", i)
			if err := st.Metadata.SetMetadata(ctx, "s", core.Metadata{Title: "s", Overview: overview}); err != nil {
				errs <- err
				return
			}
			m, err := st.Metadata.ItemsMetadataParts(ctx, ids, core.MetaColumns|core.MetaImages)
			if err != nil || m["s"].Overview != overview {
				errs <- fmt.Errorf("after writing %s: read %q, %v", overview, m["s"].Overview, err)
				return
			}
			played := i%2 == 0
			if _, err := st.UserData.MarkPlayed(ctx, "u1", "e1", played, t0); err != nil {
				errs <- err
				return
			}
			d, err := st.UserData.UserData(ctx, "u1", ids)
			if err != nil || d["e1"].Played != played {
				errs <- fmt.Errorf("after marking e1 played %t: read %t, %v", played, d["e1"].Played, err)
				return
			}
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: core.ItemID(fmt.Sprintf("x%d", i)), Kind: core.KindEpisode, ParentID: "se",
				Title: "x", MatchKey: fmt.Sprintf("x%d", i), LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				errs <- err
				return
			}
			n, err := st.Items.ChildCounts(ctx, ids)
			if err != nil || n["se"] != 3+i {
				errs <- fmt.Errorf("after adding x%d: %d children, %v", i, n["se"], err)
				return
			}
		}
	})
	for range 6 {
		wg.Go(func() {
			for range 100 {
				var err error
				_, err1 := st.Items.ItemsByID(ctx, ids)
				_, err2 := st.Metadata.ItemsMetadataParts(ctx, ids, core.MetaColumns|core.MetaImages)
				_, err3 := st.Media.FileCounts(ctx, ids)
				_, err4 := st.Items.ChildCounts(ctx, ids)
				_, err5 := st.UserData.UserData(ctx, "u1", ids)
				_, _, err = st.Items.Items(ctx, core.ItemQuery{Library: "l", Kinds: []core.ItemKind{core.KindEpisode}, Limit: 5, Offset: 1})
				for _, e := range []error{err, err1, err2, err3, err4, err5} {
					if e != nil {
						errs <- e
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := st.UserData.UserData(ctx, "u1", ids)
	want, _ := st.UserData.readUserData(ctx, "u1", ids)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("user data: cached %+v, database %+v (%v)", got, want, err)
	}
	gotMeta, err := st.Metadata.ItemsMetadataParts(ctx, ids, core.MetaColumns|core.MetaImages)
	wantMeta, _ := st.Metadata.readMetadataParts(ctx, ids, core.MetaColumns|core.MetaImages)
	if err != nil || !reflect.DeepEqual(gotMeta, wantMeta) {
		t.Fatalf("metadata: cached %+v, database %+v (%v)", gotMeta, wantMeta, err)
	}
}
