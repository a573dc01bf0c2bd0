package core_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestPlaylists(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		pl := core.NewPlaylists(e.st.Playlists, e.items, e.clock.Now, newID)
		movies, shows := e.library("Movies"), e.library("Shows")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID, Runtime: 170 * time.Minute})
		ronin := e.add(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: movies.ID, Runtime: 122 * time.Minute})
		dark, _, eps := e.series(shows.ID, "Dark", 0, 2, 1)
		ann := e.member("ann")
		bob := e.member("bob", movies.ID) // sees the movies only

		// A series stands for its episodes, season by season; the same movie may come twice.
		p, err := pl.Create(e.ctx, ann, "  Friday  ", []core.ItemID{heat.ID, dark.ID, heat.ID})
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "Friday" || p.Owner != ann.UserID || p.Key <= 0 || p.Entries != 5 || p.Duration != 2*170*time.Minute+3*40*time.Minute {
			t.Fatalf("created %+v", p)
		}
		titles := func(c core.Caller) ([]string, []int64) {
			t.Helper()
			es, err := pl.Entries(e.ctx, c, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			var ids []int64
			for _, x := range es {
				out = append(out, x.Item.Title)
				ids = append(ids, x.ID)
			}
			return out, ids
		}
		got, entryIDs := titles(ann)
		if want := []string{"Heat", eps[1][0].Title, eps[1][1].Title, eps[2][0].Title, "Heat"}; !slices.Equal(got, want) {
			t.Fatalf("entries %v, want %v", got, want)
		}
		// Move the last Heat first, remove an episode, add Ronin: entry ids stay.
		if _, err := pl.Move(e.ctx, ann, p.ID, entryIDs[4], 0); err != nil {
			t.Fatal(err)
		}
		if _, err := pl.Remove(e.ctx, ann, p.ID, entryIDs[2]); err != nil {
			t.Fatal(err)
		}
		if _, err := pl.Add(e.ctx, ann, p.ID, []core.ItemID{ronin.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := pl.Move(e.ctx, ann, p.ID, entryIDs[0], entryIDs[3]); err != nil { // the first Heat after the S2 episode
			t.Fatal(err)
		}
		got, after := titles(ann)
		if want := []string{"Heat", eps[1][0].Title, eps[2][0].Title, "Heat", "Ronin"}; !slices.Equal(got, want) {
			t.Fatalf("after edits %v, want %v", got, want)
		}
		if after[0] != entryIDs[4] || after[3] != entryIDs[0] {
			t.Errorf("entry ids changed: %v then %v", entryIDs, after)
		}
		// Others: not listed, not found, until shared; a shared user sees only what they may.
		if l, _ := pl.List(e.ctx, bob); len(l) != 0 {
			t.Errorf("bob lists %v", l)
		}
		if _, err := pl.Get(e.ctx, bob, p.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("bob gets: %v", err)
		}
		if _, err := pl.Share(e.ctx, ann, p.ID, []core.UserID{bob.UserID, ann.UserID, bob.UserID}); err != nil {
			t.Fatal(err)
		}
		if l, _ := pl.List(e.ctx, bob); len(l) != 1 || !slices.Equal(l[0].SharedWith, []core.UserID{bob.UserID}) {
			t.Fatalf("bob lists %+v", l)
		}
		if got, _ := titles(bob); !slices.Equal(got, []string{"Heat", "Heat", "Ronin"}) {
			t.Errorf("bob sees %v: not the episodes of a library he may not see", got)
		}
		if _, err := pl.Rename(e.ctx, bob, p.ID, "mine"); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("bob renames: %v", err)
		}
		if _, err := pl.Add(e.ctx, bob, p.ID, []core.ItemID{heat.ID}); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("bob adds to a playlist shared with him: %v", err)
		}
		if n, err := e.st.Playlists.OwnedEntries(e.ctx, ann.UserID); err != nil || n != 5 {
			t.Errorf("ann's entries in all: %d, %v", n, err)
		}
		// Bad input.
		for _, name := range []string{"", "   ", string(make([]byte, 300))} {
			if _, err := pl.Create(e.ctx, ann, name, nil); !errors.Is(err, core.ErrInvalid) {
				t.Errorf("name %q: %v", name, err)
			}
		}
		if _, err := pl.Remove(e.ctx, ann, p.ID, 999999); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("remove unknown entry: %v", err)
		}
		if _, err := pl.Create(e.ctx, core.Caller{Admin: true, AllLibraries: true}, "key", nil); err == nil {
			t.Error("an API key made a playlist")
		}
		// Renamed, found by key, deleted; a deleted item leaves the playlist.
		if r, err := pl.Rename(e.ctx, ann, p.ID, "Saturday"); err != nil || r.Name != "Saturday" {
			t.Fatalf("rename %+v %v", r, err)
		}
		if k, err := pl.GetByKey(e.ctx, ann, p.Key); err != nil || k.ID != p.ID {
			t.Fatalf("by key %+v %v", k, err)
		}
		if err := pl.Delete(e.ctx, bob, p.ID); !errors.Is(err, core.ErrForbidden) {
			t.Errorf("bob deletes: %v", err)
		}
		if err := pl.Delete(e.ctx, ann, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := pl.Get(e.ctx, ann, p.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
	})
}
