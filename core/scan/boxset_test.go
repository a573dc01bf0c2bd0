package scan_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestBoxSets checks that movies naming a collection in their NFO are gathered into one box set
// item per collection, listed as its children, that it shows its first member's poster, and that
// it goes when no movie names it any more.
func TestBoxSets(t *testing.T) {
	root := library(t)
	movies := filepath.Join(root, "movies")
	write(t, filepath.Join(movies, "Blade Runner (1982)", "movie.nfo"),
		[]byte(`<movie><title>Blade Runner</title><set><name>Replicants</name></set></movie>`))
	write(t, filepath.Join(movies, "Heat (1995)", "Heat (1995).nfo"),
		[]byte(`<movie><title>Heat</title><set>REPLICANTS</set></movie>`)) // the same set, spelt otherwise
	write(t, filepath.Join(movies, "Heat (1995)", "poster.jpg"), []byte("jpeg"))

	e := newEnv(t, root, 0)
	e.scan("movies")
	sets := func() []core.Item {
		t.Helper()
		items, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs["movies"].ID, Kinds: []core.ItemKind{core.KindCollection}})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	got := sets()
	if len(got) != 1 || got[0].Title != "Replicants" {
		t.Fatalf("box sets: %+v; want one, Replicants", got)
	}
	members, total, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Parent: got[0].ID, Sort: core.SortYear})
	if err != nil || total != 2 || members[0].Title != "Blade Runner" || members[1].Title != "Heat" {
		t.Fatalf("members: %+v (%d), %v; want Blade Runner and Heat", members, total, err)
	}
	// The box set shows its first member's picture: Blade Runner (1982) has none yet, so neither has it.
	if _, err := e.items.Image(e.ctx, e.admin, got[0].ID, core.ImagePrimary, 0); err == nil {
		t.Fatal("the box set has a poster though its first member has none")
	}
	write(t, filepath.Join(movies, "Blade Runner (1982)", "poster.jpg"), []byte("jpeg"))
	time.Sleep(10 * time.Millisecond)
	e.scan("movies")
	im, err := e.items.Image(e.ctx, e.admin, got[0].ID, core.ImagePrimary, 0)
	if err != nil || filepath.Base(filepath.Dir(im.Path)) != "Blade Runner (1982)" {
		t.Fatalf("box set poster: %+v, %v; want Blade Runner's", im, err)
	}

	// A rescan keeps the box set's id; dropping the collection from both NFOs removes it.
	e.scan("movies")
	if again := sets(); len(again) != 1 || again[0].ID != got[0].ID {
		t.Fatalf("box sets after a rescan: %+v", again)
	}
	// An admin's edit of a movie's collection moves it at once.
	heat := members[1]
	if _, err := e.items.Edit(e.ctx, e.admin, heat.ID, core.Metadata{Collection: "Heists"}, []string{"collection"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := sets(); len(got) != 2 {
		t.Fatalf("box sets after moving Heat to Heists: %+v", got)
	}
	if _, err := e.items.Edit(e.ctx, e.admin, heat.ID, core.Metadata{}, []string{"collection"}, nil); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(movies, "Blade Runner (1982)", "movie.nfo"), []byte(`<movie><title>Blade Runner</title></movie>`))
	time.Sleep(10 * time.Millisecond)
	e.scan("movies")
	if got := sets(); len(got) != 1 || got[0].Title != "Replicants" {
		// The NFO no longer names a set, but merging keeps known fields: the collection stays
		// until an admin clears it, as with every other field an NFO stops mentioning.
		t.Fatalf("box sets after the NFO dropped the set: %+v", got)
	}
	br := members[0]
	if _, err := e.items.Edit(e.ctx, e.admin, br.ID, core.Metadata{}, []string{"collection"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := sets(); len(got) != 0 {
		t.Fatalf("box sets once no movie names one: %+v", got)
	}
}
