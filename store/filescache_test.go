package store

import (
	"context"
	"testing"

	"github.com/walros/walros/core"
)

// TestFilesOfCache checks the page cache of file rows: a second read is served from it, a
// caller's change to what it got does not reach it, and a write to the files is seen at once.
func TestFilesOfCache(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		apply := func(size int64) {
			t.Helper()
			f := core.MediaFile{ID: "f1", LibraryID: "m", Path: "/m/a.mkv", Size: size, ModTime: t0, CreatedAt: t0, UpdatedAt: t0,
				Info: core.MediaInfo{Streams: []core.Stream{{Index: 0, Kind: core.StreamVideo, Codec: "h264"}}}}
			it := core.Item{ID: "m1", MatchKey: "movie:a", Kind: core.KindMovie, LibraryID: "m", Title: "A", CreatedAt: t0, UpdatedAt: t0}
			if _, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{it}}); err != nil {
				t.Fatal(err)
			}
		}
		apply(100)
		read := func() core.MediaFile {
			t.Helper()
			got, err := st.Media.FilesOf(ctx, []core.ItemID{"m1", "none"})
			if err != nil || len(got) != 1 || len(got["m1"]) != 1 {
				t.Fatalf("FilesOf = %v, %v", got, err)
			}
			return got["m1"][0]
		}
		f := read()
		f.Info.Streams[0].Codec = "changed by a caller"
		if g := read(); g.Size != 100 || g.Info.Streams[0].Codec != "h264" {
			t.Fatalf("cached %+v", g)
		}
		if n := len(db.pages.files.m); n != 2 { // the item's files, and the empty answer for "none"
			t.Errorf("cache holds %d entries", n)
		}
		apply(200)
		if g := read(); g.Size != 200 {
			t.Fatalf("after a write: size %d", g.Size)
		}
	})
}
