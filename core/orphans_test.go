package core_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// uploader saves pictures as the upload routes do, through an artwork service whose ledger is
// e's database, into the upload folder dir.
type uploader struct {
	t   *testing.T
	e   *env
	art *artwork.Service
}

func newUploader(t *testing.T, e *env, dir string) *uploader {
	t.Helper()
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), UploadDir: dir, Uploads: e.st.Metadata})
	if err != nil {
		t.Fatal(err)
	}
	return &uploader{t: t, e: e, art: art}
}

// save stores a picture, made two hours old: past the grace that keeps uploads whose row is not
// written yet.
func (u *uploader) save(kind core.ImageKind) core.Image {
	u.t.Helper()
	var picture bytes.Buffer
	if err := png.Encode(&picture, image.NewGray(image.Rect(0, 0, 8, 12))); err != nil {
		u.t.Fatal(err)
	}
	img, err := u.art.Save(u.e.ctx, kind, &picture)
	if err != nil {
		u.t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(img.Path, old, old); err != nil {
		u.t.Fatal(err)
	}
	return img
}

// upload adds a picture to id as the upload routes do.
func (u *uploader) upload(id core.ItemID, kind core.ImageKind) core.Image {
	u.t.Helper()
	img := u.save(kind)
	if _, err := u.e.items.AddImage(u.e.ctx, u.e.admin, id, img); err != nil {
		u.t.Fatal(err)
	}
	return img
}

// sweep removes the orphaned uploads and checks how many went and which files are there.
func (u *uploader) sweep(want int, exist map[string]bool) {
	u.t.Helper()
	got, err := u.art.RemoveOrphans(u.e.ctx)
	if err != nil || got.Removed != want || got.Elsewhere != 0 {
		u.t.Fatalf("sweep = %+v, %v; want %d removed", got, err, want)
	}
	for path, want := range exist {
		if _, err := os.Stat(path); (err == nil) != want {
			u.t.Fatalf("%s after the sweep: %v, want it there: %v", path, err, want)
		}
	}
}

// refresh does what a scan's refresh from a provider does to id's images.
func (u *uploader) refresh(id core.ItemID) {
	u.t.Helper()
	if _, err := u.e.st.Metadata.UpdateMetadata(u.e.ctx, id, func(m *core.Metadata) error {
		*m = core.Merge(*m, core.Metadata{Title: m.Title, Images: []core.Image{{Kind: core.ImagePrimary, URL: "https://img.test/p.jpg"}}})
		return nil
	}); err != nil {
		u.t.Fatal(err)
	}
}

// orphan uploads a picture to a new item of lib, then unlocks the item's images and refreshes
// them: the upload is an orphan of e's database.
func (u *uploader) orphan(lib core.LibraryID) core.Image {
	u.t.Helper()
	it := u.e.add(core.Item{Kind: core.KindMovie, Title: "Orphan", LibraryID: lib})
	img := u.upload(it.ID, core.ImagePrimary)
	if _, err := u.e.items.Edit(u.e.ctx, u.e.admin, it.ID, core.Metadata{}, nil, []string{"images"}); err != nil {
		u.t.Fatal(err)
	}
	u.refresh(it.ID)
	return img
}

// TestOrphanedUploads: an uploaded picture stays while its item shows it, even through a refresh
// while its images are locked; once an admin unlocks them and a refresh replaces them, or the
// item's file is gone and the scan removes the item, the sweep removes the file (decision 0044).
func TestOrphanedUploads(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		u := newUploader(t, e, t.TempDir())
		upload, sweep, refresh := u.upload, u.sweep, u.refresh

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

// TestUploadsOfAnotherDatabase: two databases that share one data folder (an admin trying
// PostgreSQL after SQLite, or a second server) each sweep their own orphans only: the uploads of
// the other one, shown or not, stay, and so does a file neither ledger names (decision 0044). An
// upload recorded whose AddImage never happened (a crash, a failure) is its database's orphan.
func TestUploadsOfAnotherDatabase(t *testing.T) {
	run := func(t *testing.T, ea, eb *env) {
		dir := t.TempDir()
		a, b := newUploader(t, ea, dir), newUploader(t, eb, dir)
		libA, libB := ea.library("Movies"), eb.library("Movies")
		shownA := a.upload(ea.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: libA.ID}).ID, core.ImagePrimary)
		shownB := b.upload(eb.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: libB.ID}).ID, core.ImagePrimary)
		orphanA, orphanB := a.orphan(libA.ID), b.orphan(libB.ID)
		failedA := a.save(core.ImageBackdrop) // recorded; the item it was for is not there
		if _, err := ea.items.AddImage(ea.ctx, ea.admin, core.ItemID(newID()), failedA); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("AddImage to no item: %v", err)
		}
		unknown := filepath.Join(dir, strings.Repeat("ab", 16)+".jpg") // in no ledger: older than it, or a third database's
		if err := os.WriteFile(unknown, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(unknown, old, old); err != nil {
			t.Fatal(err)
		}

		b.sweep(1, map[string]bool{orphanB.Path: false, shownB.Path: true, shownA.Path: true, orphanA.Path: true,
			failedA.Path: true, unknown: true})
		a.sweep(2, map[string]bool{orphanA.Path: false, failedA.Path: false, shownA.Path: true, shownB.Path: true, unknown: true})
		b.sweep(0, map[string]bool{shownA.Path: true, shownB.Path: true, unknown: true})
		a.sweep(0, map[string]bool{shownA.Path: true, shownB.Path: true, unknown: true})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, newEnv(t), newEnvOn(second{t}, "")) })
	t.Run("postgres", func(t *testing.T) { run(t, newEnvOn(t, pgSchema(t)), newEnvOn(second{t}, pgSchema(t))) })
	t.Run("sqlite and postgres", func(t *testing.T) { run(t, newEnv(t), newEnvOn(second{t}, pgSchema(t))) })
}

// second is a test's second env: the first one has made the test parallel already.
type second struct{ *testing.T }
