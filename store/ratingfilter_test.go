package store

import (
	"context"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

// TestItemsMaxRating checks ItemQuery.MaxRating on both databases: rated at most a level, with an
// episode counting its series' rating, and unrated items left out.
func TestItemsMaxRating(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		if err := st.Libraries.CreateLibrary(ctx, core.Library{ID: "l", Name: "l", Type: core.LibraryMixed, Paths: []string{"/l"},
			CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, it := range []struct {
			id, parent, title, rating string
			kind                      core.ItemKind
		}{
			{"m1", "", "Paddington", "PG", core.KindMovie},
			{"m2", "", "Heat", "R", core.KindMovie},
			{"m3", "", "Unrated Cut", "", core.KindMovie},
			{"s1", "", "The Wire", "TV-MA", core.KindSeries},
			{"e1", "s1", "The Target", "", core.KindEpisode}, // unrated itself: its series' rating counts
		} {
			item := core.Item{ID: core.ItemID(it.id), Kind: it.kind, Title: it.title, LibraryID: "l", CreatedAt: t0, UpdatedAt: t0}
			if it.parent != "" {
				item.ParentID = core.ItemID(it.parent)
			}
			if _, err := st.Items.CreateItem(ctx, item); err != nil {
				t.Fatal(err)
			}
			if err := st.Metadata.SetMetadata(ctx, item.ID, core.Metadata{Title: it.title, OfficialRating: it.rating}); err != nil {
				t.Fatal(err)
			}
		}
		level := func(r string) *int {
			l, ok := core.RatingLevel(r)
			if !ok {
				t.Fatalf("%s is not a rating", r)
			}
			return &l
		}
		for _, tc := range []struct {
			max  *int
			want []string
		}{
			{nil, []string{"Heat", "Paddington", "The Target", "Unrated Cut", "The Wire"}}, // by sort title: no "The"
			{level("G"), nil},
			{level("PG-13"), []string{"Paddington"}},
			{level("R"), []string{"Heat", "Paddington", "The Target", "The Wire"}},
		} {
			items, total, err := st.Items.Items(ctx, core.ItemQuery{Limit: 100, MaxRating: tc.max, Sort: core.SortTitle})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Title)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("max %v: %v (total %d), want %v", tc.max, got, total, tc.want)
			}
		}
	})
}
