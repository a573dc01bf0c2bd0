package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestMerge(t *testing.T) {
	cur := core.Metadata{Title: "Heat", Year: 1995, Genres: []string{"Crime"}, ProviderIDs: map[string]string{"imdb": "tt0113277"},
		Runtime: 170 * time.Minute}
	next := core.Metadata{Title: "Heat (NFO)", Overview: "A heist.", Genres: []string{"Action", "Crime"},
		ProviderIDs: map[string]string{"tmdb": "949"}}
	got := core.Merge(cur, next)
	if got.Title != "Heat (NFO)" || got.Overview != "A heist." || got.Year != 1995 || got.Runtime != cur.Runtime ||
		!slices.Equal(got.Genres, next.Genres) || got.ProviderIDs["imdb"] != "tt0113277" || got.ProviderIDs["tmdb"] != "949" {
		t.Fatalf("merge: %+v", got)
	}
	if cur.ProviderIDs["tmdb"] != "" {
		t.Fatal("Merge changed its argument's map")
	}
	cur.LockedFields = []string{"title", "genres"}
	if got := core.Merge(cur, next); got.Title != "Heat" || !slices.Equal(got.Genres, []string{"Crime"}) || got.Overview != "A heist." {
		t.Fatalf("locked fields changed: %+v", got)
	}
	cur.Locked = true
	if got := core.Merge(cur, next); got.Overview != "" || got.Title != "Heat" {
		t.Fatalf("a locked item changed: %+v", got)
	}
}

// TestMergeSortTitle: a sort title derived from the old title follows a new one (a fixed match
// must not keep sorting under the file name); one chosen by an NFO or locked by an admin stays.
func TestMergeSortTitle(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cur      core.Metadata
		next     core.Metadata
		wantSort string
	}{
		{"derived follows", core.Metadata{Title: "big test", SortTitle: "big test"}, core.Metadata{Title: "The Real Film"}, "real film"},
		{"chosen stays", core.Metadata{Title: "Matrix", SortTitle: "matrix 1"}, core.Metadata{Title: "The Matrix"}, "matrix 1"},
		{"given wins", core.Metadata{Title: "big test", SortTitle: "big test"}, core.Metadata{Title: "Film", SortTitle: "zz"}, "zz"},
		{"locked stays", core.Metadata{Title: "big test", SortTitle: "big test", LockedFields: []string{"sortTitle"}},
			core.Metadata{Title: "Film"}, "big test"},
		{"title locked", core.Metadata{Title: "big test", SortTitle: "big test", LockedFields: []string{"title"}},
			core.Metadata{Title: "Film"}, "big test"},
	} {
		if got := core.Merge(tc.cur, tc.next).SortTitle; got != tc.wantSort {
			t.Errorf("%s: sort title %q, want %q", tc.name, got, tc.wantSort)
		}
	}
}
