package store

import (
	"context"
	"testing"

	"github.com/walros/walros/core"
)

// TestImageTags: the tag of an item's first Primary image shows on the rows lists read (through the
// list caches), follows the picture when the images change, survives a rescan of the item, and is
// filled by migration 0023 on rows written before it.
func TestImageTags(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		scanned := func(id core.ItemID) core.FileUpdate {
			return core.FileUpdate{File: core.MediaFile{ID: core.FileID("f" + id), LibraryID: "l", Path: "/l/" + string(id) + ".mkv",
				ModTime: t0, CreatedAt: t0, UpdatedAt: t0}, Items: []core.Item{{ID: id, MatchKey: "movie:" + string(id),
				Kind: core.KindMovie, LibraryID: "l", Title: string(id), CreatedAt: t0, UpdatedAt: t0}}}
		}
		for _, id := range []core.ItemID{"a", "b", "c"} {
			if _, _, err := st.Media.ApplyFile(ctx, scanned(id)); err != nil {
				t.Fatal(err)
			}
		}
		posterA := core.Image{Kind: core.ImagePrimary, Path: "/l/a.jpg"}
		posterA2 := core.Image{Kind: core.ImagePrimary, Path: "/l/a-2.jpg"}
		posterB := core.Image{Kind: core.ImagePrimary, URL: "http://img/b.jpg"}
		tags := func() map[core.ItemID]string { return listed(t, st, func(it core.Item) string { return it.ImageTag }) }
		if got := tags(); got["a"]+got["b"]+got["c"] != "" { // also fills the caches
			t.Fatalf("tags before any image: %v", got)
		}
		setImages(t, st, "a", core.Image{Kind: core.ImageBackdrop, Path: "/l/fanart.jpg"}, posterA, posterA2)
		setImages(t, st, "b", posterB)
		setImages(t, st, "c", core.Image{Kind: core.ImageBackdrop, Path: "/l/c.jpg"}) // no primary image
		want := map[core.ItemID]string{"a": core.ImageTag(posterA), "b": core.ImageTag(posterB), "c": ""}
		if got := tags(); got["a"] != want["a"] || got["b"] != want["b"] || got["c"] != "" || want["a"] == want["b"] {
			t.Fatalf("tags = %v, want %v", got, want)
		}

		// Another poster first (an admin's pick) changes the tag; an overview edit and a rescan do not.
		setImages(t, st, "a", posterA2, posterA)
		if got := tags(); got["a"] != core.ImageTag(posterA2) {
			t.Fatalf("a's tag after the pick: %q, want %q", got["a"], core.ImageTag(posterA2))
		}
		if _, err := st.Metadata.UpdateMetadata(ctx, "b", func(m *core.Metadata) error { m.Overview = "changed"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Media.ApplyFile(ctx, scanned("a")); err != nil {
			t.Fatal(err)
		}
		if got := tags(); got["a"] != core.ImageTag(posterA2) || got["b"] != want["b"] {
			t.Fatalf("tags after an edit and a rescan: %v", got)
		}
		// Removing the last poster clears it.
		setImages(t, st, "b")
		if it, err := st.Items.Item(ctx, "b"); err != nil || it.ImageTag != "" {
			t.Fatalf("b without a poster: %q, %v", it.ImageTag, err)
		}

		// A database from before migration 0023 gets the tags of the images it has.
		for _, q := range []string{"ALTER TABLE items DROP COLUMN image_tag", "DELETE FROM schema_migrations WHERE version = 23"} {
			if _, err := db.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		for id, tag := range map[core.ItemID]string{"a": core.ImageTag(posterA2), "b": "", "c": ""} {
			if it, err := st.Items.Item(ctx, id); err != nil || it.ImageTag != tag {
				t.Fatalf("item %s after the migration: %q, %v; want %q", id, it.ImageTag, err, tag)
			}
		}
	})
}
