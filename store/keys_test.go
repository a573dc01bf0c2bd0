package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/walros/walros/core"
)

// TestKeys checks the small integers Plex clients address items and parts by: assigned on insert,
// distinct, kept by updates, and found again.
func TestKeys(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		apply := func(i int) core.MediaFile {
			t.Helper()
			f := core.MediaFile{ID: core.FileID(fmt.Sprintf("f%d", i)), LibraryID: "m", Path: fmt.Sprintf("/m/%d.mkv", i), ModTime: t0,
				CreatedAt: t0, UpdatedAt: t0}
			it := core.Item{ID: core.ItemID(fmt.Sprintf("m%d", i)), MatchKey: fmt.Sprintf("movie:%d", i), Kind: core.KindMovie,
				LibraryID: "m", Title: "Movie", CreatedAt: t0, UpdatedAt: t0}
			got, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{it}})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		a, b := apply(1), apply(2)
		files := map[core.FileID]int64{}
		for _, id := range []core.ItemID{"m1", "m2"} {
			fs, err := st.Media.ItemFiles(ctx, id)
			if err != nil || len(fs) != 1 {
				t.Fatalf("files of %s: %v, %v", id, fs, err)
			}
			files[fs[0].ID] = fs[0].Key
		}
		if files[a.ID] <= 0 || files[b.ID] <= 0 || files[a.ID] == files[b.ID] {
			t.Fatalf("file keys %v", files)
		}
		apply(1) // a rescan updates the file: its key stays
		// A deleted key is never handed out again, even the newest.
		if err := st.Media.MarkMissing(ctx, []core.FileID{b.ID}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Media.PurgeMissing(ctx, "m", t0); err != nil {
			t.Fatal(err)
		}
		apply(3)
		if fs, err := st.Media.ItemFiles(ctx, "m3"); err != nil || len(fs) != 1 || fs[0].Key <= files[b.ID] {
			t.Fatalf("after deleting the newest file, a new one got key %v (%v), the deleted had %d", fs, err, files[b.ID])
		}
		if f, err := st.Media.FileByKey(ctx, files[a.ID]); err != nil || f.ID != a.ID || f.Key != files[a.ID] {
			t.Fatalf("FileByKey = %+v, %v", f, err)
		}
		if _, err := st.Media.FileByKey(ctx, 999999); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("FileByKey(unknown) = %v", err)
		}
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "s", Name: "s", Type: core.LibraryShows, Paths: []string{"/s"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		libs, err := st.Libraries.Libraries(ctx)
		if err != nil || len(libs) != 2 || libs[0].Key <= 0 || libs[1].Key <= 0 || libs[0].Key == libs[1].Key {
			t.Fatalf("library keys: %+v, %v", libs, err)
		}
		if l, err := st.Libraries.Library(ctx, "m"); err != nil || l.Key != libs[0].Key {
			t.Fatalf("Library = %+v, %v", l, err)
		}
		it, err := st.Items.Item(ctx, "m1")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.Items.ItemByKey(ctx, it.Key); err != nil || got.ID != "m1" {
			t.Fatalf("ItemByKey = %+v, %v", got, err)
		}
		if _, err := st.Items.ItemByKey(ctx, 999999); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("ItemByKey(unknown) = %v", err)
		}
	})
}
