package core_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// TestOrphanedUploads: an uploaded picture stays while its item shows it, even through a refresh
// while its images are locked; once an admin unlocks them and a refresh replaces them, or the
// item's file is gone and the scan removes the item, the sweep removes the file (decision 0044).
func TestOrphanedUploads(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), UploadDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		var picture bytes.Buffer
		if err := png.Encode(&picture, image.NewGray(image.Rect(0, 0, 8, 12))); err != nil {
			t.Fatal(err)
		}
		// upload adds a picture to id as the upload route does, made two hours old: past the
		// grace that keeps uploads whose row is not written yet.
		upload := func(id core.ItemID, kind core.ImageKind) core.Image {
			t.Helper()
			img, err := art.Save(e.ctx, kind, bytes.NewReader(picture.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.items.AddImage(e.ctx, e.admin, id, img); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-2 * time.Hour)
			if err := os.Chtimes(img.Path, old, old); err != nil {
				t.Fatal(err)
			}
			return img
		}
		sweep := func(want int, exist map[string]bool) {
			t.Helper()
			got, err := art.RemoveOrphans(e.ctx, e.st.Metadata)
			if err != nil || got.Removed != want || got.Elsewhere != 0 {
				t.Fatalf("sweep = %+v, %v; want %d removed", got, err, want)
			}
			for path, want := range exist {
				if _, err := os.Stat(path); (err == nil) != want {
					t.Fatalf("%s after the sweep: %v, want it there: %v", path, err, want)
				}
			}
		}
		refresh := func(id core.ItemID) { // what a scan's refresh from a provider does
			t.Helper()
			if _, err := e.st.Metadata.UpdateMetadata(e.ctx, id, func(m *core.Metadata) error {
				*m = core.Merge(*m, core.Metadata{Title: m.Title, Images: []core.Image{{Kind: core.ImagePrimary, URL: "https://img.test/p.jpg"}}})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}

		movies := e.library("Movies")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID})
		poster, backdrop := upload(heat.ID, core.ImagePrimary), upload(heat.ID, core.ImageBackdrop)
		sweep(0, map[string]bool{poster.Path: true, backdrop.Path: true})
		refresh(heat.ID) // locked by the uploads: the refresh keeps them
		sweep(0, map[string]bool{poster.Path: true, backdrop.Path: true})
		if _, err := e.items.Edit(e.ctx, e.admin, heat.ID, core.Metadata{}, nil, []string{"images"}); err != nil {
			t.Fatal(err)
		}
		refresh(heat.ID)
		sweep(2, map[string]bool{poster.Path: false, backdrop.Path: false})

		// An item a scan removes, its file gone from disk, takes its images with it.
		f := core.MediaFile{ID: "f1", LibraryID: movies.ID, Path: "/media/Movies/Ronin.mkv", ModTime: e.clock.Now(),
			CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}
		if _, _, err := e.st.Media.ApplyFile(e.ctx, core.FileUpdate{File: f, Items: []core.Item{{ID: "ronin", MatchKey: "movie:ronin",
			Kind: core.KindMovie, LibraryID: movies.ID, Title: "Ronin", CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}}}); err != nil {
			t.Fatal(err)
		}
		ronin := upload("ronin", core.ImagePrimary)
		sweep(0, map[string]bool{ronin.Path: true})
		if err := e.st.Media.MarkMissing(e.ctx, []core.FileID{"f1"}, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Media.PurgeMissing(e.ctx, movies.ID, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Items.Item(e.ctx, "ronin"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("ronin after the purge: %v", err)
		}
		sweep(1, map[string]bool{ronin.Path: false})
	})
}
