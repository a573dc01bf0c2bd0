package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

// TestParentalValues checks that items carry the highest rating level and the tags of themselves
// and their ancestors, whatever order their metadata is written in, and that lists, person pages,
// facets and next up filter on them.
func TestParentalValues(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryShows, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		add := func(id, parent core.ItemID, kind core.ItemKind) {
			t.Helper()
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, ParentID: parent, Kind: kind, Title: string(id), LibraryID: "l",
				CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		meta := func(id core.ItemID, rating string, tags ...string) {
			t.Helper()
			if err := st.Metadata.SetMetadata(ctx, id, core.Metadata{Title: string(id), OfficialRating: rating, Tags: tags}); err != nil {
				t.Fatal(err)
			}
		}
		add("show", "", core.KindSeries)
		add("s1", "show", core.KindSeason)
		add("e1", "s1", core.KindEpisode)
		meta("e1", "TV-PG", "Funny")      // before its series: the series' values must still reach it
		meta("show", "TV-MA", "Gore")     // the series' rating is higher than the episode's own
		add("e2", "s1", core.KindEpisode) // after: inherits at insert
		add("kids", "", core.KindSeries)
		meta("kids", "TV-PG") // exactly at the limit below
		add("k1", "kids", core.KindEpisode)
		add("nr", "", core.KindSeries)

		check := func(id core.ItemID, level int, rated bool, tags string) {
			t.Helper()
			it, err := st.Items.Item(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if rated != (it.RatingLevel != nil) || rated && *it.RatingLevel != level || it.ParentalTags != tags {
				got := "nil"
				if it.RatingLevel != nil {
					got = fmt.Sprint(*it.RatingLevel)
				}
				t.Errorf("%s: level %s tags %q; want %d (rated %t) %q", id, got, it.ParentalTags, level, rated, tags)
			}
		}
		check("show", 17, true, "|gore|")
		check("s1", 17, true, "|gore|")
		check("e1", 17, true, "|funny|gore|")
		check("e2", 17, true, "|gore|")
		check("k1", 10, true, "")
		check("nr", 0, false, "")

		// Lowering the series' rating reaches every episode; an episode's own higher one stays.
		meta("show", "TV-Y7")
		check("e1", 10, true, "|funny|")
		check("e2", 7, true, "")
		meta("show", "TV-MA", "Gore")

		ten := 10
		for _, tc := range []struct {
			name string
			p    core.ParentalControls
			want []core.ItemID
		}{
			{"none", core.ParentalControls{}, []core.ItemID{"e1", "e2", "k1", "kids", "nr", "s1", "show"}},
			{"max 10", core.ParentalControls{MaxLevel: &ten}, []core.ItemID{"k1", "kids", "nr"}},
			{"unrated series", core.ParentalControls{BlockUnrated: []core.UnratedKind{core.UnratedSeries}},
				[]core.ItemID{"e1", "e2", "k1", "kids", "s1", "show"}},
			{"tag", core.ParentalControls{BlockedTags: []string{"funny"}}, []core.ItemID{"e2", "k1", "kids", "nr", "s1", "show"}},
		} {
			p := &tc.p
			if !p.Restricts() {
				p = nil
			}
			for range 2 { // the second read comes from the list cache, keyed by the controls too
				items, n, err := st.Items.Items(ctx, core.ItemQuery{Parental: p, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var got []core.ItemID
				for _, it := range items {
					got = append(got, it.ID)
				}
				slices.Sort(got)
				if !slices.Equal(got, tc.want) || n != len(tc.want) {
					t.Errorf("%s: list %v (%d), want %v", tc.name, got, n, tc.want)
				}
			}
			facets, _, err := st.Items.Facets(ctx, core.FacetQuery{Kind: core.FacetTag, Parental: p, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if hasFunny := slices.ContainsFunc(facets, func(f core.Facet) bool { return f.Name == "Funny" }); hasFunny != slices.Contains(tc.want, "e1") {
				t.Errorf("%s: tag facets %v", tc.name, facets)
			}
		}
	})
}

// TestParentalHistory checks that history lists only entries of items the controls allow.
func TestParentalHistory(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Users.CreateUser(ctx, testUser("u", "u")); err != nil {
			t.Fatal(err)
		}
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMovies, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for id, rating := range map[core.ItemID]string{"pg": "PG", "r": "R"} {
			if _, err := st.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: string(id), LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			if err := st.Metadata.SetMetadata(ctx, id, core.Metadata{Title: string(id), OfficialRating: rating}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.History.AddHistory(ctx, core.HistoryEntry{User: "u", Item: id, Library: "l", Started: t0, Stopped: t0,
				Method: core.PlayDirect}); err != nil {
				t.Fatal(err)
			}
		}
		ten := 10
		got, n, err := st.History.History(ctx, core.HistoryQuery{User: "u", Parental: &core.ParentalControls{MaxLevel: &ten}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || len(got) != 1 || got[0].Item != "pg" {
			t.Errorf("history = %+v (%d), want the PG movie's alone", got, n)
		}
	})
}

// TestParentalBackfill checks that items stored before parental values existed get them at start.
func TestParentalBackfill(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	st := db.Stores()
	if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryShows, Paths: []string{"/l"},
		CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	for _, it := range []core.Item{{ID: "show", Kind: core.KindSeries}, {ID: "e", ParentID: "show", Kind: core.KindEpisode}} {
		it.Title, it.LibraryID, it.CreatedAt, it.UpdatedAt = string(it.ID), "l", t0, t0
		if _, err := st.Items.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Metadata.SetMetadata(ctx, "show", core.Metadata{Title: "show", OfficialRating: "R", Genres: []string{"Horror"}}); err != nil {
		t.Fatal(err)
	}
	// As a database migrated from before: nothing computed.
	if _, err := db.W.NewUpdate().Table("items").Set("parental_level = NULL").Set("parental_tags = NULL").Where("1 = 1").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, "", dir); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	it, err := db.Stores().Items.Item(ctx, "e")
	if err != nil {
		t.Fatal(err)
	}
	if it.RatingLevel == nil || *it.RatingLevel != 17 || it.ParentalTags != "|horror|" {
		t.Errorf("after the backfill the episode has %v %q, want 17 |horror|", it.RatingLevel, it.ParentalTags)
	}
}
