package core_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func entryTitles(t *testing.T, es []core.ListEntry) []string {
	t.Helper()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Item.Title
	}
	return out
}

func TestWatchlistAndLists(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ls := core.NewLists(e.st.Lists, e.items, e.clock.Now, newID)
		movies, kids := e.library("Movies"), e.library("Kids")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID})
		ronin := e.add(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: movies.ID})
		cars := e.add(core.Item{Kind: core.KindMovie, Title: "Cars", LibraryID: kids.ID})
		ann := e.member("ann")
		bob := e.member("bob", kids.ID)

		// The watchlist: the most recently added first, an item once, re-adding keeps its place.
		for _, it := range []core.Item{heat, cars, ronin, heat} {
			if err := ls.AddToWatchlist(e.ctx, ann, it.ID); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(time.Minute)
		}
		got, total, err := ls.Watchlist(e.ctx, ann, core.ListPage{})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Ronin", "Cars", "Heat"}; total != 3 || !slices.Equal(entryTitles(t, got), want) {
			t.Fatalf("watchlist %v (%d), want %v", entryTitles(t, got), total, want)
		}
		got, _, _ = ls.Watchlist(e.ctx, ann, core.ListPage{Asc: true, Limit: 1, Offset: 1})
		if want := []string{"Cars"}; !slices.Equal(entryTitles(t, got), want) {
			t.Fatalf("second oldest %v", entryTitles(t, got))
		}
		if err := ls.RemoveFromWatchlist(e.ctx, ann, ronin.ID); err != nil {
			t.Fatal(err)
		}
		// Bob may not put what he cannot see on his list, and his list is his own.
		wantErr(t, "bob adds heat", ls.AddToWatchlist(e.ctx, bob, heat.ID), core.ErrNotFound)
		if got, total, _ := ls.Watchlist(e.ctx, bob, core.ListPage{}); total != 0 || len(got) != 0 {
			t.Fatalf("bob's watchlist %v", got)
		}
		wantErr(t, "api key", ls.AddToWatchlist(e.ctx, core.Caller{APIKeyID: "k", Admin: true}, heat.ID), core.ErrNotFound)

		// Named lists.
		l, err := ls.Create(e.ctx, ann, " Friday ", []core.ItemID{heat.ID, cars.ID, heat.ID})
		if err != nil {
			t.Fatal(err)
		}
		if l.Name != "Friday" || l.Items != 2 || l.Owner != ann.UserID {
			t.Fatalf("created %+v", l)
		}
		_, err = ls.Create(e.ctx, ann, "Friday", nil)
		wantErr(t, "same name", err, core.ErrConflict)
		_, err = ls.Create(e.ctx, ann, "", nil)
		wantErr(t, "no name", err, core.ErrInvalid)
		other, err := ls.Create(e.ctx, ann, "Another", []core.ItemID{ronin.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ls.Rename(e.ctx, ann, other.ID, "Friday")
		wantErr(t, "rename onto a taken name", err, core.ErrConflict)
		if other, err = ls.Rename(e.ctx, ann, other.ID, "Zed"); err != nil || other.Name != "Zed" {
			t.Fatalf("rename: %+v, %v", other, err)
		}
		e.clock.Add(time.Minute)
		if l, err = ls.Add(e.ctx, ann, l.ID, []core.ItemID{ronin.ID}); err != nil || l.Items != 3 {
			t.Fatalf("add: %+v, %v", l, err)
		}
		es, total, err := ls.Entries(e.ctx, ann, l.ID, core.ListPage{Asc: true})
		if err != nil || total != 3 || !slices.Equal(entryTitles(t, es), []string{"Heat", "Cars", "Ronin"}) {
			t.Fatalf("entries %v (%d), %v", entryTitles(t, es), total, err)
		}
		all, err := ls.Lists(e.ctx, ann)
		if err != nil || len(all) != 2 || all[0].Name != "Friday" || all[1].Name != "Zed" {
			t.Fatalf("lists %+v, %v", all, err)
		}
		on, with, err := ls.Containing(e.ctx, ann, heat.ID)
		if err != nil || !on || len(with) != 1 || with[0].ID != l.ID {
			t.Fatalf("containing heat: %v %+v %v", on, with, err)
		}
		on, with, err = ls.Containing(e.ctx, ann, ronin.ID)
		if err != nil || on || len(with) != 2 {
			t.Fatalf("containing ronin: %v %+v %v", on, with, err)
		}
		// Others see nothing of it.
		_, err = ls.Get(e.ctx, bob, l.ID)
		wantErr(t, "bob reads ann's list", err, core.ErrNotFound)
		_, err = ls.Add(e.ctx, bob, l.ID, []core.ItemID{cars.ID})
		wantErr(t, "bob adds to ann's list", err, core.ErrNotFound)
		_, err = ls.Get(e.ctx, e.admin, l.ID)
		wantErr(t, "the admin reads ann's list", err, core.ErrNotFound)

		// An item ann can no longer see drops out of her lists silently.
		if _, err := e.users.Update(e.ctx, e.admin, ann.UserID, core.UserPatch{AllLibraries: ptr(false), LibraryIDs: &[]core.LibraryID{movies.ID}}); err != nil {
			t.Fatal(err)
		}
		ann = core.Caller{UserID: ann.UserID, Libraries: []core.LibraryID{movies.ID}}
		if l, err = ls.Get(e.ctx, ann, l.ID); err != nil || l.Items != 2 {
			t.Fatalf("after losing kids: %+v, %v", l, err)
		}
		got, total, _ = ls.Watchlist(e.ctx, ann, core.ListPage{})
		if total != 1 || got[0].Item.ID != heat.ID {
			t.Fatalf("watchlist after losing kids %v", entryTitles(t, got))
		}
		// Deleting an item removes it from every list.
		if err := e.libs.Delete(e.ctx, e.admin, movies.ID); err != nil {
			t.Fatal(err)
		}
		full := core.Caller{UserID: ann.UserID, AllLibraries: true}
		if l, err = ls.Get(e.ctx, full, l.ID); err != nil || l.Items != 1 {
			t.Fatalf("after the movies went: %+v, %v", l, err)
		}
		_, total, _ = ls.Watchlist(e.ctx, full, core.ListPage{})
		if total != 1 {
			t.Fatalf("watchlist after the movies went: %d", total)
		}
		if err := ls.Delete(e.ctx, full, l.ID); err != nil {
			t.Fatal(err)
		}
		_, err = ls.Get(e.ctx, full, l.ID)
		wantErr(t, "deleted", err, core.ErrNotFound)
		if _, err := ls.Remove(e.ctx, full, other.ID, ronin.ID); !errors.Is(err, nil) {
			t.Fatal(err)
		}
	})
}

func TestListBounds(t *testing.T) {
	e := newEnv(t)
	ls := core.NewLists(e.st.Lists, e.items, e.clock.Now, newID)
	lib := e.library("Movies")
	ann := e.member("ann")
	ids := make([]core.ItemID, core.MaxListItems+1)
	for i := range ids {
		ids[i] = core.ItemID(newID())
	}
	_, err := ls.Create(e.ctx, ann, "Too long", ids)
	wantErr(t, "too many items", err, core.ErrInvalid)
	a := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: lib.ID})
	b := e.add(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: lib.ID})
	l, err := ls.Create(e.ctx, ann, "Short", []core.ItemID{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.st.Lists.AddToList(e.ctx, l.ID, []core.ListEntry{{Item: b, AddedAt: e.clock.Now()}}, e.clock.Now(), 1)
	wantErr(t, "past the limit", err, core.ErrInvalid)
	// Re-adding what it holds is no addition, even at the limit.
	if n, err := e.st.Lists.AddToList(e.ctx, l.ID, []core.ListEntry{{Item: a, AddedAt: e.clock.Now()}}, e.clock.Now(), 1); n != 0 || err != nil {
		t.Fatalf("re-add at the limit: %d, %v", n, err)
	}
}
