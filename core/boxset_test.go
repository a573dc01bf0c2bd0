package core_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

func TestBoxSets(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		sets := core.NewBoxSets(e.st.BoxSets, e.items, e.st.Libraries, e.clock.Now, newID)
		movies, shows := e.library("Movies"), e.library("Shows")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID})
		ronin := e.add(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: movies.ID})
		dark, _, _ := e.series(shows.ID, "Dark", 0, 1, 1)
		admin := core.Caller{Admin: true, AllLibraries: true}
		bob := e.member("bob", movies.ID)

		members := func(c core.Caller, set core.ItemID) []string {
			t.Helper()
			its, _, err := e.items.List(e.ctx, c, core.ItemQuery{Parent: set, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range its {
				out = append(out, it.Title)
			}
			slices.Sort(out)
			return out
		}
		set, err := sets.Create(e.ctx, admin, " Crime ", "", []core.ItemID{heat.ID, dark.ID, heat.ID})
		if err != nil {
			t.Fatal(err)
		}
		if set.Title != "Crime" || set.Kind != core.KindCollection || set.LibraryID != movies.ID || set.Key <= 0 {
			t.Fatalf("created %+v", set)
		}
		if got := members(admin, set.ID); !slices.Equal(got, []string{"Dark", "Heat"}) {
			t.Fatalf("members = %v", got)
		}
		if got := members(bob, set.ID); !slices.Equal(got, []string{"Heat"}) { // bob cannot see the shows
			t.Fatalf("bob sees %v", got)
		}
		if err := sets.Add(e.ctx, admin, set.ID, []core.ItemID{ronin.ID, heat.ID}); err != nil {
			t.Fatal(err)
		}
		if err := sets.Remove(e.ctx, admin, set.ID, []core.ItemID{dark.ID}); err != nil {
			t.Fatal(err)
		}
		if got := members(admin, set.ID); !slices.Equal(got, []string{"Heat", "Ronin"}) {
			t.Fatalf("after the changes: %v", got)
		}
		// Only admins; unknown items, nested box sets and bad names are refused without a change.
		wantErr(t, "bob creates", first(sets.Create(e.ctx, bob, "Mine", movies.ID, nil)), core.ErrForbidden)
		wantErr(t, "bob adds", sets.Add(e.ctx, bob, set.ID, []core.ItemID{ronin.ID}), core.ErrForbidden)
		wantErr(t, "unknown item", sets.Add(e.ctx, admin, set.ID, []core.ItemID{"nope"}), core.ErrInvalid)
		wantErr(t, "nested", sets.Add(e.ctx, admin, set.ID, []core.ItemID{set.ID}), core.ErrInvalid)
		wantErr(t, "no name", first(sets.Create(e.ctx, admin, "  ", movies.ID, nil)), core.ErrInvalid)
		wantErr(t, "no library", first(sets.Create(e.ctx, admin, "Empty", "", nil)), core.ErrInvalid)
		wantErr(t, "unknown library", first(sets.Create(e.ctx, admin, "Empty", "nope", nil)), core.ErrInvalid)
		wantErr(t, "not a box set", sets.Delete(e.ctx, admin, heat.ID), core.ErrNotFound)
		if got := members(admin, set.ID); !slices.Equal(got, []string{"Heat", "Ronin"}) {
			t.Fatalf("after refused changes: %v", got)
		}
		// A box set a scan made follows its movies: admins change those instead.
		if _, err := e.items.Edit(e.ctx, admin, heat.ID, core.Metadata{Title: "Heat", Collection: "Mann"}, []string{"collection"}, nil); err != nil {
			t.Fatal(err)
		}
		auto, _, err := e.items.List(e.ctx, admin, core.ItemQuery{Kinds: []core.ItemKind{core.KindCollection}, Text: "Mann", Limit: 10})
		if err != nil || len(auto) != 1 {
			t.Fatalf("automatic box set: %v, %v", auto, err)
		}
		wantErr(t, "automatic", sets.Add(e.ctx, admin, auto[0].ID, []core.ItemID{ronin.ID}), core.ErrInvalid)
		wantErr(t, "automatic delete", sets.Delete(e.ctx, admin, auto[0].ID), core.ErrInvalid)

		if err := sets.Delete(e.ctx, admin, set.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.items.Get(e.ctx, admin, set.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("deleted box set: %v", err)
		}
		if _, err := e.items.Get(e.ctx, admin, heat.ID); err != nil {
			t.Fatalf("a member went with its box set: %v", err)
		}
	})
}

func first[T any](_ T, err error) error { return err }
