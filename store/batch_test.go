package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/walros/walros/core"
)

// TestBatchReads checks that the batch reads give what the one-item reads give.
func TestBatchReads(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryShows, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, it := range []core.Item{{ID: "s", Kind: core.KindSeries}, {ID: "se", Kind: core.KindSeason, ParentID: "s"},
			{ID: "e1", Kind: core.KindEpisode, ParentID: "se"}, {ID: "e2", Kind: core.KindEpisode, ParentID: "se"},
			{ID: "x", Kind: core.KindVideo, ParentID: "se", ExtraType: "featurette"}} {
			it.Title, it.MatchKey, it.LibraryID, it.CreatedAt, it.UpdatedAt = string(it.ID), string(it.ID), "l", t0, t0
			if _, err := st.Items.CreateItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Metadata.SetMetadata(ctx, "s", core.Metadata{Title: "s", Overview: "o", Genres: []string{"Drama"},
			Credits: []core.Credit{{Name: "A", Kind: core.PersonActor, Role: "r"}}, ProviderIDs: map[string]string{"tvdb": "1"},
			Images: []core.Image{{Kind: core.ImagePrimary, URL: "http://i/p.jpg"}, {Kind: core.ImageBackdrop, URL: "http://i/b.jpg"}}}); err != nil {
			t.Fatal(err)
		}
		f := core.MediaFile{ID: "f1", LibraryID: "l", Path: "/l/e1.mkv", ModTime: t0, CreatedAt: t0, UpdatedAt: t0,
			Info: core.MediaInfo{Container: "mkv", Streams: []core.Stream{{Index: 0, Kind: core.StreamVideo, Codec: "h264"}}}}
		if _, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{
			{ID: "s", MatchKey: "s", Kind: core.KindSeries, LibraryID: "l", Title: "s", CreatedAt: t0, UpdatedAt: t0},
			{ID: "se", MatchKey: "se", Kind: core.KindSeason, LibraryID: "l", Title: "se", CreatedAt: t0, UpdatedAt: t0},
			{ID: "e1", MatchKey: "e1", Kind: core.KindEpisode, LibraryID: "l", Title: "e1", CreatedAt: t0, UpdatedAt: t0}}}); err != nil {
			t.Fatal(err)
		}
		ids := []core.ItemID{"s", "se", "e1", "missing"}
		metas, err := st.Metadata.ItemsMetadata(ctx, ids)
		if err != nil || len(metas) != 3 {
			t.Fatalf("metadata = %v, %v", metas, err)
		}
		for _, id := range ids[:3] {
			one, err := st.Metadata.ItemMetadata(ctx, id)
			if err != nil || !reflect.DeepEqual(one, metas[id]) {
				t.Fatalf("%s: batch %+v, one %+v (%v)", id, metas[id], one, err)
			}
		}
		files, err := st.Media.FilesOf(ctx, ids)
		if err != nil || len(files) != 1 || len(files["e1"]) != 1 || files["e1"][0].Info.Streams[0].Codec != "h264" {
			t.Fatalf("files = %+v, %v", files, err)
		}
		items, err := st.Items.ItemsByID(ctx, ids)
		if err != nil || len(items) != 3 || items["se"].ParentID != "s" {
			t.Fatalf("items = %+v, %v", items, err)
		}
		counts, err := st.Items.ChildCounts(ctx, ids)
		if err != nil || !reflect.DeepEqual(counts, map[core.ItemID]int{"s": 1, "se": 2}) {
			t.Fatalf("child counts = %v, %v (the extra does not count)", counts, err)
		}
		// TopLevel keeps the items without a parent.
		top, n, err := st.Items.Items(ctx, core.ItemQuery{Library: "l", TopLevel: true, Limit: 10})
		if err != nil || n != 1 || top[0].ID != "s" {
			t.Fatalf("top level = %+v %d, %v", top, n, err)
		}
	})
}
