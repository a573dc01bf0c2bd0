package store

import (
	"context"
	"testing"

	"github.com/walros/walros/core"
)

// TestBlurHashes: hashes saved for pictures show on the rows lists read (through the list caches),
// follow the item's first Primary image when its images change, and are not set on an item
// whose primary image is no longer the hashed picture.
func TestBlurHashes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []core.ItemID{"a", "b", "c"} {
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: string(id), LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		posterA := core.Image{Kind: core.ImagePrimary, Path: "/l/a.jpg"}
		posterB := core.Image{Kind: core.ImagePrimary, URL: "http://img/b.jpg"}
		setImages(t, st, "a", core.Image{Kind: core.ImageBackdrop, Path: "/l/fanart.jpg"}, posterA)
		setImages(t, st, "b", posterB)
		setImages(t, st, "c", core.Image{Kind: core.ImageBackdrop, Path: "/l/c.jpg"}) // no primary image

		hashes := func() map[core.ItemID]string { return listed(t, st, func(it core.Item) string { return it.BlurHash }) }
		if h := hashes(); h["a"]+h["b"]+h["c"] != "" { // also fills the caches
			t.Fatalf("hashes before any was saved: %v", h)
		}

		got, err := st.Metadata.PrimaryImages(ctx, "", 1)
		if err != nil || len(got) != 1 || got[0].Item != "a" || got[0].Image != posterA || got[0].Stamp != "" || got[0].Hash != "" {
			t.Fatalf("first page: %+v, %v", got, err)
		}
		if got, err = st.Metadata.PrimaryImages(ctx, got[0].Item, 10); err != nil || len(got) != 1 || got[0].Item != "b" || got[0].Image.URL != posterB.URL {
			t.Fatalf("next page: %+v, %v", got, err)
		}

		const hashA, hashB = "LEHV6nWB2yk8pyo0adR*.7kCMdnj", "L6PZfSi_.AyE_3t7t7R**0o#DgR4"
		if err := st.Metadata.SaveBlurHashes(ctx, []core.ImageHash{
			{Item: "a", Image: posterA, Stamp: "s1", Hash: hashA},
			{Item: "b", Image: posterB, Stamp: "url", Hash: hashB},
			{Item: "c", Image: core.Image{Kind: core.ImagePrimary, Path: "/l/c.jpg"}, Stamp: "s", Hash: hashB}, // not c's primary
		}); err != nil {
			t.Fatal(err)
		}
		if h := hashes(); h["a"] != hashA || h["b"] != hashB || h["c"] != "" {
			t.Fatalf("hashes after saving: %v", h)
		}
		if it, err := st.Items.Item(ctx, "a"); err != nil || it.BlurHash != hashA {
			t.Fatalf("item a: %q, %v", it.BlurHash, err)
		}
		if got, err = st.Metadata.PrimaryImages(ctx, "", 10); err != nil || len(got) != 2 || got[0].Stamp != "s1" || got[0].Hash != hashA || got[0].ItemHash != hashA {
			t.Fatalf("primary images after saving: %+v, %v", got, err)
		}

		// A new poster has no hash until it is hashed; going back to the old one finds its hash.
		posterA2 := core.Image{Kind: core.ImagePrimary, Path: "/l/a-new.jpg"}
		setImages(t, st, "a", posterA2, posterA)
		if h := hashes(); h["a"] != "" || h["b"] != hashB {
			t.Fatalf("hashes after a's poster changed: %v", h)
		}
		setImages(t, st, "a", posterA)
		if h := hashes(); h["a"] != hashA {
			t.Fatalf("hashes after a's poster came back: %v", h)
		}
		// A hash computed for a poster replaced meanwhile is kept for the picture, not set on the item.
		setImages(t, st, "a", posterA2)
		if err := st.Metadata.SaveBlurHashes(ctx, []core.ImageHash{{Item: "a", Image: posterA, Stamp: "s2", Hash: hashB}}); err != nil {
			t.Fatal(err)
		}
		if h := hashes(); h["a"] != "" {
			t.Fatalf("a's row took the hash of its old poster: %v", h)
		}
		// Metadata writes that leave the poster alone keep the hash.
		if _, err := st.Metadata.UpdateMetadata(ctx, "b", func(m *core.Metadata) error { m.Overview = "changed"; return nil }); err != nil {
			t.Fatal(err)
		}
		if h := hashes(); h["b"] != hashB {
			t.Fatalf("b lost its hash to an overview edit: %v", h)
		}
	})
}
