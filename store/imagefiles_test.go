package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestImageFilesInUse: the paths items' images point to are found in batches of any length, and
// stop being found once a write of the item's images drops them or the item goes with its file;
// names are found under any folder, and only as whole names.
func TestImageFilesInUse(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "m", Name: "m", Type: core.LibraryMovies, Paths: []string{"/m"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for i := range 2 { // items with a file, which a scan removes with it
			f := core.MediaFile{ID: core.FileID(fmt.Sprintf("f%d", i)), LibraryID: "m", Path: fmt.Sprintf("/m/%d.mkv", i), ModTime: t0,
				CreatedAt: t0, UpdatedAt: t0}
			it := core.Item{ID: core.ItemID(fmt.Sprintf("i%d", i)), MatchKey: fmt.Sprintf("movie:%d", i), Kind: core.KindMovie,
				LibraryID: "m", Title: "Movie", CreatedAt: t0, UpdatedAt: t0}
			if _, _, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{it}}); err != nil {
				t.Fatal(err)
			}
		}
		up := func(n int) string { return "/data/images/" + uploadName(n) }
		remote := core.Image{Kind: core.ImagePrimary, URL: "https://img.test/p.jpg"} // its path is ''
		setImages(t, st, "i0", core.Image{Kind: core.ImagePrimary, Path: up(1)}, remote, core.Image{Kind: core.ImageBackdrop, Path: "/m/fanart.jpg"})
		setImages(t, st, "i1", core.Image{Kind: core.ImagePrimary, Path: up(2)}, core.Image{Kind: core.ImageLogo, Path: "/old/images/" + uploadName(3)})

		inUse := func(paths ...string) []string {
			t.Helper()
			got, err := st.Metadata.ImagePathsInUse(ctx, paths)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			return got
		}
		if got, want := inUse(up(1), up(2), up(3), "", "/m/fanart.jpg", "/m/other.jpg"), []string{"/data/images/" + uploadName(1), "/data/images/" + uploadName(2), "/m/fanart.jpg"}; !slices.Equal(got, want) {
			t.Fatalf("in use: %v, want %v", got, want)
		}
		many := make([]string, 0, 1201)
		for i := range 1200 {
			many = append(many, up(1000+i))
		}
		if got := inUse(append(many, up(2))...); !slices.Equal(got, []string{up(2)}) { // past one batch
			t.Fatalf("in use among 1201 paths: %v", got)
		}
		if got := inUse(); len(got) != 0 {
			t.Fatalf("in use among none: %v", got)
		}

		names, err := st.Metadata.ImageNamesInUse(ctx, []string{uploadName(3), uploadName(1), uploadName(9), "%.jpg", "_" + uploadName(2)[1:], uploadName(2)[1:]})
		slices.Sort(names)
		if want := []string{uploadName(1), uploadName(3)}; err != nil || !slices.Equal(names, want) {
			t.Fatalf("names in use: %v, %v; want %v (no wildcard, no shorter name)", names, err, want)
		}

		// A refresh that replaces the images drops the upload; the scan that finds i1's file gone
		// deletes the item with its images.
		setImages(t, st, "i0", remote)
		if err := st.Media.MarkMissing(ctx, []core.FileID{"f1"}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Media.PurgeMissing(ctx, "m", t0); err != nil {
			t.Fatal(err)
		}
		if got := inUse(up(1), up(2), "/m/fanart.jpg"); len(got) != 0 {
			t.Fatalf("in use after the images were replaced and the item removed: %v", got)
		}
		if names, err := st.Metadata.ImageNamesInUse(ctx, []string{uploadName(1), uploadName(3)}); err != nil || len(names) != 0 {
			t.Fatalf("names in use after: %v, %v", names, err)
		}

		if db.Dialect == SQLite { // a batch of paths is answered from the index, not by reading every row
			var plan []struct {
				ID      int    `bun:"id"`
				Parent  int    `bun:"parent"`
				NotUsed int    `bun:"notused"`
				Detail  string `bun:"detail"`
			}
			if err := db.R.NewRaw("EXPLAIN QUERY PLAN SELECT DISTINCT path FROM item_images WHERE (path <> '') AND (path IN (?, ?))",
				up(1), up(2)).Scan(ctx, &plan); err != nil {
				t.Fatal(err)
			}
			var details []string
			for _, p := range plan {
				details = append(details, p.Detail)
			}
			if !strings.Contains(strings.Join(details, "; "), "item_images_path") {
				t.Fatalf("query plan does not use the path index: %v", details)
			}
		}
	})
}

// uploadName is the n-th test upload's file name, in the pattern uploads have.
func uploadName(n int) string { return fmt.Sprintf("%032x.jpg", n) }

// TestUploadLedger: the ledger answers which names it holds, in batches of any length, takes a
// name twice, and forgets names; another database's ledger is its own.
func TestUploadLedger(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		recorded := func(names ...string) []string {
			t.Helper()
			got, err := st.Metadata.RecordedUploads(ctx, names)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			return got
		}
		for _, n := range []int{1, 2, 3, 2} { // twice: not an error
			if err := st.Metadata.RecordUpload(ctx, uploadName(n), t0); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := recorded(uploadName(3), uploadName(1), uploadName(9), ""), []string{uploadName(1), uploadName(3)}; !slices.Equal(got, want) {
			t.Fatalf("recorded: %v, want %v", got, want)
		}
		many := make([]string, 0, 1201)
		for i := range 1200 {
			many = append(many, uploadName(1000+i))
		}
		if got := recorded(append(many, uploadName(2))...); !slices.Equal(got, []string{uploadName(2)}) { // past one batch
			t.Fatalf("recorded among 1201 names: %v", got)
		}
		if got := recorded(); len(got) != 0 {
			t.Fatalf("recorded among none: %v", got)
		}
		if err := st.Metadata.ForgetUploads(ctx, []string{uploadName(1), uploadName(9)}); err != nil {
			t.Fatal(err)
		}
		if err := st.Metadata.ForgetUploads(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got, want := recorded(uploadName(1), uploadName(2), uploadName(3)), []string{uploadName(2), uploadName(3)}; !slices.Equal(got, want) {
			t.Fatalf("recorded after forgetting: %v, want %v", got, want)
		}
		var at time.Time
		if err := db.R.NewSelect().Table("image_uploads").Column("created_at").Where("name = ?", uploadName(2)).Scan(ctx, &at); err != nil || !at.Equal(t0) {
			t.Fatalf("created_at = %v, %v; want %v", at, err, t0)
		}
	})
}
