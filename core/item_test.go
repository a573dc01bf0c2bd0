package core_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// fillItems fills two libraries: three movies in Movies, one episode in Shows.
func (e *env) fillItems() (movies, shows core.Library) {
	e.t.Helper()
	movies, shows = e.library("Movies"), e.library("Shows")
	for i, it := range []core.Item{
		{Kind: core.KindMovie, Title: "The Thing", Year: 1982, LibraryID: movies.ID},
		{Kind: core.KindMovie, Title: "Alien", Year: 1979, LibraryID: movies.ID},
		{Kind: core.KindMovie, Title: "Heat", Year: 1995, LibraryID: movies.ID},
		{Kind: core.KindEpisode, Title: "Pilot", Year: 2008, LibraryID: shows.ID},
	} {
		it.ID = core.ItemID(newID())
		it.CreatedAt = e.clock.Now().Add(time.Duration(i) * time.Minute)
		it.UpdatedAt = it.CreatedAt
		if _, err := e.st.Items.CreateItem(e.ctx, it); err != nil {
			e.t.Fatal(err)
		}
	}
	return movies, shows
}

func titles(items []core.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Title
	}
	return out
}

func TestItemsListValidation(t *testing.T) {
	e := newEnv(t)
	e.fillItems()
	for name, q := range map[string]core.ItemQuery{
		"negative limit":  {Limit: -1},
		"limit too large": {Limit: core.MaxPage + 1},
		"negative offset": {Offset: -1},
		"unknown sort":    {Sort: "rating"},
		"sort in caps":    {Sort: "Title"},
		"unknown type":    {Kinds: []core.ItemKind{core.KindMovie, "book"}},
	} {
		_, _, err := e.items.List(e.ctx, e.admin, q)
		wantErr(t, name, err, core.ErrInvalid)
	}
	if got, n, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Limit: core.MaxPage}); err != nil || n != 4 || len(got) != 4 {
		t.Fatalf("MaxPage: %d of %d, %v", len(got), n, err)
	}
}

func TestItemsListPagesAndSorts(t *testing.T) {
	e := newEnv(t)
	movies, _ := e.fillItems()
	for _, tc := range []struct {
		name  string
		q     core.ItemQuery
		want  []string
		total int
	}{
		{"default: by title, articles ignored", core.ItemQuery{}, []string{"Alien", "Heat", "Pilot", "The Thing"}, 4},
		{"by title, descending", core.ItemQuery{Desc: true}, []string{"The Thing", "Pilot", "Heat", "Alien"}, 4},
		{"by year", core.ItemQuery{Sort: core.SortYear}, []string{"Alien", "The Thing", "Heat", "Pilot"}, 4},
		{"by added, newest first", core.ItemQuery{Sort: core.SortAdded, Desc: true}, []string{"Pilot", "Heat", "Alien", "The Thing"}, 4},
		{"page", core.ItemQuery{Limit: 2, Offset: 1}, []string{"Heat", "Pilot"}, 4},
		{"past the end", core.ItemQuery{Offset: 10}, []string{}, 4},
		{"one library", core.ItemQuery{Library: movies.ID, Limit: 1}, []string{"Alien"}, 3},
		{"by kind", core.ItemQuery{Kinds: []core.ItemKind{core.KindEpisode}}, []string{"Pilot"}, 1},
		{"by text", core.ItemQuery{Text: "  THING "}, []string{"The Thing"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := e.items.List(e.ctx, e.admin, tc.q)
			if err != nil || !slices.Equal(titles(got), tc.want) || total != tc.total {
				t.Fatalf("List = %v of %d, %v; want %v of %d", titles(got), total, err, tc.want, tc.total)
			}
		})
	}
}

func TestItemsListVisibility(t *testing.T) {
	e := newEnv(t)
	movies, shows := e.fillItems()
	for _, tc := range []struct {
		name   string
		caller core.Caller
		q      core.ItemQuery
		want   []string
	}{
		{"no grants", core.Caller{UserID: "u"}, core.ItemQuery{}, []string{}},
		{"no grants, asks for a library", core.Caller{UserID: "u"}, core.ItemQuery{Library: movies.ID}, []string{}},
		{"empty grants", core.Caller{UserID: "u", Libraries: []core.LibraryID{}}, core.ItemQuery{}, []string{}},
		{"granted shows", core.Caller{UserID: "u", Libraries: []core.LibraryID{shows.ID}}, core.ItemQuery{}, []string{"Pilot"}},
		{"granted shows, asks for movies", core.Caller{UserID: "u", Libraries: []core.LibraryID{shows.ID}},
			core.ItemQuery{Library: movies.ID}, []string{}},
		{"granted shows, widens Libraries itself", core.Caller{UserID: "u", Libraries: []core.LibraryID{shows.ID}},
			core.ItemQuery{Libraries: []core.LibraryID{movies.ID, shows.ID}}, []string{"Pilot"}},
		{"granted shows, empties Libraries itself", core.Caller{UserID: "u", Libraries: []core.LibraryID{shows.ID}},
			core.ItemQuery{Libraries: nil}, []string{"Pilot"}},
		{"all libraries", core.Caller{UserID: "u", AllLibraries: true}, core.ItemQuery{Library: shows.ID}, []string{"Pilot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := e.items.List(e.ctx, tc.caller, tc.q)
			if err != nil || got == nil || !slices.Equal(titles(got), tc.want) || total != len(tc.want) {
				t.Fatalf("List = %#v of %d, %v; want %v", titles(got), total, err, tc.want)
			}
		})
	}
}

func TestItemsGet(t *testing.T) {
	e := newEnv(t)
	_, shows := e.fillItems()
	all, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{})
	if err != nil {
		t.Fatal(err)
	}
	viewer := core.Caller{UserID: "u", Libraries: []core.LibraryID{shows.ID}}
	for _, it := range all {
		got, err := e.items.Get(e.ctx, viewer, it.ID)
		if it.LibraryID == shows.ID {
			if err != nil || got.ID != it.ID {
				t.Fatalf("Get %s = %+v, %v", it.Title, got, err)
			}
			continue
		}
		wantErr(t, "Get hidden "+it.Title, err, core.ErrNotFound)
		if got.ID != "" {
			t.Fatalf("hidden item leaked: %+v", got)
		}
	}
	_, err = e.items.Get(e.ctx, e.admin, "00000000-0000-0000-0000-000000000000")
	wantErr(t, "missing item", err, core.ErrNotFound)
}

func TestSortKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Heat", "heat"},
		{"  The Thing ", "thing"},
		{"THE THING", "thing"},
		{"A Beautiful Mind", "beautiful mind"},
		{"An Education", "education"},
		{"The", "the"},
		{"A", "a"},
		{"The ", "the"},
		{"Theater", "theater"},
		{"Anaconda", "anaconda"},
		{"Amélie", "amélie"},
		{"The The", "the"},
		{"", ""},
	} {
		if got := core.SortKey(tc.in); got != tc.want {
			t.Errorf("SortKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSortKeyFoldsSpaceAfterArticle: "The  Matrix" (two spaces, common in titles made from file
// names) must sort as "matrix", not as " matrix" before every title that starts with a letter.
func TestSortKeyFoldsSpaceAfterArticle(t *testing.T) {
	for in, want := range map[string]string{"The  Matrix": "matrix", "A   Quiet Place": "quiet place"} {
		if got := core.SortKey(in); got != want {
			t.Errorf("SortKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// queryLog is an ItemStore that records queries and ignores ItemQuery.Libraries, to show what core
// enforces itself and what it hands to the store.
type queryLog struct {
	items  []core.Item
	seen   []core.ItemQuery
	facets []core.FacetQuery
}

func (s *queryLog) CreateItem(context.Context, core.Item) (core.Item, error) { return core.Item{}, nil }

func (s *queryLog) Item(context.Context, core.ItemID) (core.Item, error) {
	return core.Item{}, core.ErrNotFound
}

func (s *queryLog) ItemByKey(context.Context, int64) (core.Item, error) {
	return core.Item{}, core.ErrNotFound
}

func (s *queryLog) Items(_ context.Context, q core.ItemQuery) ([]core.Item, int, error) {
	s.seen = append(s.seen, q)
	out := []core.Item{}
	for _, it := range s.items {
		if q.Library == "" || it.LibraryID == q.Library {
			out = append(out, it)
		}
	}
	return out, len(out), nil
}

func (s *queryLog) Person(context.Context, string, []core.LibraryID, *core.ParentalControls) (core.Person, error) {
	return core.Person{}, core.ErrNotFound
}

func TestItemsListRestrictsTheQuery(t *testing.T) {
	log := &queryLog{items: []core.Item{{Title: "Hidden", LibraryID: "b"}, {Title: "Mine", LibraryID: "a"}}}
	items := core.NewItems(log, nil, nil)
	viewer := core.Caller{UserID: "u", Libraries: []core.LibraryID{"a"}}
	got, n, err := items.List(context.Background(), viewer, core.ItemQuery{Library: "b"})
	if err != nil || got == nil || len(got) != 0 || n != 0 {
		t.Fatalf("hidden library: %v of %d, %v; want empty", titles(got), n, err)
	}
	if _, _, err := items.List(context.Background(), viewer, core.ItemQuery{Libraries: []core.LibraryID{"a", "b"}, Text: " x "}); err != nil {
		t.Fatal(err)
	}
	if q := log.seen[len(log.seen)-1]; !slices.Equal(q.Libraries, []core.LibraryID{"a"}) || q.Limit != 100 ||
		q.Sort != core.SortTitle || q.Text != "x" {
		t.Fatalf("query handed to the store: %+v", q)
	}
	if _, _, err := items.List(context.Background(), core.Caller{UserID: "u", AllLibraries: true}, core.ItemQuery{}); err != nil {
		t.Fatal(err)
	}
	if q := log.seen[len(log.seen)-1]; q.Libraries != nil {
		t.Fatalf("all-libraries caller restricted to %v", q.Libraries)
	}
}

func (s *queryLog) Facets(_ context.Context, q core.FacetQuery) ([]core.Facet, int, error) {
	s.facets = append(s.facets, q)
	return []core.Facet{}, 0, nil
}

func TestFacetsRestrictTheQuery(t *testing.T) {
	log := &queryLog{}
	items := core.NewItems(log, nil, nil)
	viewer := core.Caller{UserID: "u", Libraries: []core.LibraryID{"a"}}
	if _, _, err := items.Facets(context.Background(), viewer, core.FacetQuery{Kind: core.FacetGenre}); err != nil {
		t.Fatal(err)
	}
	if q := log.facets[0]; !slices.Equal(q.Libraries, []core.LibraryID{"a"}) || q.Limit != 100 {
		t.Fatalf("facet query handed to the store: %+v", q)
	}
	if got, _, err := items.Facets(context.Background(), viewer, core.FacetQuery{Kind: core.FacetGenre, Library: "b"}); err != nil || len(got) != 0 || len(log.facets) != 1 {
		t.Fatalf("a hidden library's facets were asked for: %v, %v", got, err)
	}
	for _, q := range []core.FacetQuery{{Kind: "mood"}, {Kind: core.FacetTag, Limit: 5000}, {Kind: core.FacetTag, Offset: -1}} {
		if _, _, err := items.Facets(context.Background(), viewer, q); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", q, err)
		}
	}
}
