package tmdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

func ptr(n int) *int { return &n }

// creditList renders credits compactly for comparison.
func creditList(cs []core.Credit) []string {
	var out []string
	for _, c := range cs {
		s := string(c.Kind) + ":" + c.Name
		if c.Role != "" {
			s += "/" + c.Role
		}
		out = append(out, s)
	}
	return out
}

func imageList(is []core.Image) []string {
	var out []string
	for _, i := range is {
		out = append(out, string(i.Kind)+" "+i.URL)
	}
	return out
}

func TestLookupByTMDbID(t *testing.T) {
	p, f, _ := newFake(t, testKey, fetch.Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "whatever",
		ProviderIDs: map[string]string{"tmdb": "438631"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Score != 1 || m.Ambiguous {
		t.Fatalf("score %v ambiguous %v, want 1 and false", m.Score, m.Ambiguous)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].URL.Path != "/3/movie/438631" {
		t.Fatalf("requests %v, want only the details", reqs)
	}
	q := reqs[0].URL.Query()
	if q.Get("append_to_response") != "credits,images,external_ids,release_dates" || q.Get("language") != "en-US" ||
		q.Get("include_image_language") != "en,null" {
		t.Errorf("query %v", q)
	}

	md := m.Metadata
	if md.Title != "Dune" || md.OriginalTitle != "Dune" || md.Tagline != "It begins." || !strings.HasPrefix(md.Overview, "Paul Atreides") {
		t.Errorf("texts: %q %q %q %q", md.Title, md.OriginalTitle, md.Tagline, md.Overview)
	}
	if md.Year != 2021 || !md.Premiere.Equal(time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("year %d premiere %v", md.Year, md.Premiere)
	}
	if md.CommunityScore != 7.8 || md.Runtime != 155*time.Minute || md.OfficialRating != "PG-13" || md.Collection != "Dune Collection" {
		t.Errorf("score %v runtime %v rating %q collection %q", md.CommunityScore, md.Runtime, md.OfficialRating, md.Collection)
	}
	if !slices.Equal(md.Genres, []string{"Science Fiction", "Adventure"}) || !slices.Equal(md.Studios, []string{"Legendary Pictures"}) {
		t.Errorf("genres %v studios %v", md.Genres, md.Studios)
	}
	if fmt.Sprint(md.ProviderIDs) != "map[imdb:tt1160419 tmdb:438631]" {
		t.Errorf("ids %v", md.ProviderIDs)
	}
	wantCredits := []string{
		"Actor:Timothée Chalamet/Paul Atreides", "Actor:Rebecca Ferguson/Lady Jessica Atreides",
		"Actor:Oscar Isaac/Duke Leto Atreides", "Director:Denis Villeneuve", "Writer:Denis Villeneuve",
		"Writer:Jon Spaihts", "Producer:Mary Parent", "Composer:Hans Zimmer",
	}
	if got := creditList(md.Credits); !slices.Equal(got, wantCredits) {
		t.Errorf("credits\n got %q\nwant %q", got, wantCredits)
	}
	if c := md.Credits[0]; c.Order != 0 || c.Thumb != "https://img.test/t/p/original/BE2sdjpgsa2rNTFa66f7upkaOP.jpg" {
		t.Errorf("first actor %+v", c)
	}
	if md.Credits[2].Thumb != "" {
		t.Errorf("an actor without a picture got %q", md.Credits[2].Thumb)
	}
	wantImages := []string{
		"Primary https://img.test/t/p/original/d5NXSklXo0qyIYkgV94XAgMIckC.jpg",
		"Primary https://img.test/t/p/original/8LJJjLjAzAwXS40S5mx79PJ2jSs.jpg",
		"Backdrop https://img.test/t/p/original/jYEW5xZkZk2WTrdbMGAPFuBqbDc.jpg",
		"Backdrop https://img.test/t/p/original/iopYFB1b6Bh7FWZh3onQhph1sih.jpg",
		"Logo https://img.test/t/p/original/hNQ8VNA6XVmfBZbN6V0ldC7AvOA.png",
	}
	if got := imageList(md.Images); !slices.Equal(got, wantImages) {
		t.Errorf("images\n got %q\nwant %q", got, wantImages)
	}
}

func TestLookupByIMDbID(t *testing.T) {
	p, f, _ := newFake(t, testKey, fetch.Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie,
		ProviderIDs: map[string]string{"imdb": "tt1160419"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Score != 1 || m.Metadata.ProviderIDs["tmdb"] != "438631" {
		t.Fatalf("score %v ids %v", m.Score, m.Metadata.ProviderIDs)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].URL.Path != "/3/find/tt1160419" || reqs[0].URL.Query().Get("external_source") != "imdb_id" {
		t.Fatalf("requests %v", reqs)
	}
}

func TestSearchPicksRemakeByYear(t *testing.T) {
	for _, tc := range []struct {
		year   int
		wantID string
		by     string
	}{
		{2021, "438631", "Denis Villeneuve"},
		{1984, "841", "David Lynch"},
		{1985, "841", "David Lynch"}, // a year off still wins over 37 years off
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			p, f, _ := newFake(t, testKey, fetch.Options{})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "Dune", Year: tc.year})
			if err != nil {
				t.Fatal(err)
			}
			if m.Metadata.ProviderIDs["tmdb"] != tc.wantID || m.Ambiguous || m.Score < 0.85 {
				t.Fatalf("got %v score %.2f ambiguous %v", m.Metadata.ProviderIDs, m.Score, m.Ambiguous)
			}
			if !slices.ContainsFunc(m.Metadata.Credits, func(c core.Credit) bool { return c.Name == tc.by && c.Kind == core.PersonDirector }) {
				t.Errorf("credits %q, want %s directing", creditList(m.Metadata.Credits), tc.by)
			}
			if got := f.requests()[0].URL.Query().Get("year"); got != fmt.Sprint(tc.year) {
				t.Errorf("search year = %q", got)
			}
		})
	}
}

func TestAmbiguous(t *testing.T) {
	p, _, _ := newFake(t, testKey, fetch.Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "Dune"})
	if err != nil {
		t.Fatal(err)
	}
	// Without a year, 1984 and 2021 are equally good: take TMDb's first (most popular), flag it.
	if !m.Ambiguous || m.Metadata.ProviderIDs["tmdb"] != "438631" {
		t.Fatalf("ambiguous %v, id %v", m.Ambiguous, m.Metadata.ProviderIDs)
	}
}

func TestNotFound(t *testing.T) {
	for _, tc := range []struct {
		name     string
		q        core.LookupQuery
		requests int
	}{
		{"no results, retried without the year", core.LookupQuery{Kind: core.KindMovie, Title: "Qwxyzzy", Year: 2003}, 2},
		{"only poor matches", core.LookupQuery{Kind: core.KindMovie, Title: "Zzyzx Road Trip", Year: 2006}, 1},
		{"unknown imdb id and no title", core.LookupQuery{Kind: core.KindMovie, ProviderIDs: map[string]string{"imdb": "tt0000000"}}, 1},
		{"nothing to go on", core.LookupQuery{Kind: core.KindSeries}, 0},
		{"unknown episode", core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"tmdb": "1396"},
			Season: ptr(9), Episode: ptr(1)}, 1},
		{"episode without numbers", core.LookupQuery{Kind: core.KindEpisode, SeriesTitle: "Breaking Bad", Absolute: ptr(12)}, 0},
		{"music", core.LookupQuery{Kind: core.KindAlbum, Title: "Kind of Blue"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, fetch.Options{})
			_, err := p.Lookup(context.Background(), tc.q)
			if !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			if n := len(f.requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

func TestAccents(t *testing.T) {
	for _, tc := range []struct {
		title string
		year  int
		lang  string
		want  string // certification: the language's region decides
	}{
		{"Amelie", 2001, "", "R"},
		{"AMÉLIE", 0, "", "R"},
		{"Le Fabuleux Destin d'Amelie Poulain", 2001, "fr-FR", "U"}, // the original title
	} {
		t.Run(tc.title, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, fetch.Options{})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: tc.title, Year: tc.year, Language: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			if m.Metadata.ProviderIDs["tmdb"] != "194" || m.Ambiguous || m.Score < 0.85 {
				t.Fatalf("ids %v score %.2f ambiguous %v", m.Metadata.ProviderIDs, m.Score, m.Ambiguous)
			}
			if m.Metadata.Title != "Amélie" || m.Metadata.OfficialRating != tc.want {
				t.Errorf("title %q rating %q, want %q", m.Metadata.Title, m.Metadata.OfficialRating, tc.want)
			}
			if tc.lang != "" && f.requests()[0].URL.Query().Get("language") != tc.lang {
				t.Errorf("language not sent: %v", f.requests()[0].URL)
			}
		})
	}
}

func TestStaleTMDbIDFallsBackToTitle(t *testing.T) {
	p, f, _ := newFake(t, testKey, fetch.Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "Amelie", Year: 2001,
		ProviderIDs: map[string]string{"tmdb": "999999"}})
	if err != nil || m.Metadata.ProviderIDs["tmdb"] != "194" {
		t.Fatalf("err %v ids %v", err, m.Metadata.ProviderIDs)
	}
	var paths []string
	for _, r := range f.requests() {
		paths = append(paths, r.URL.Path)
	}
	if want := []string{"/3/movie/999999", "/3/search/movie", "/3/movie/194"}; !slices.Equal(paths, want) {
		t.Fatalf("requests %v, want %v", paths, want)
	}
}

func TestSeries(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    core.LookupQuery
	}{
		{"by title", core.LookupQuery{Kind: core.KindSeries, Title: "Breaking Bad", Year: 2008}},
		{"by tvdb id", core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, fetch.Options{})
			m, err := p.Lookup(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			md := m.Metadata
			if md.Title != "Breaking Bad" || md.Year != 2008 || md.OfficialRating != "TV-MA" || md.Runtime != 45*time.Minute {
				t.Errorf("title %q year %d rating %q runtime %v", md.Title, md.Year, md.OfficialRating, md.Runtime)
			}
			if !slices.Equal(md.Studios, []string{"AMC"}) || !slices.Equal(md.Genres, []string{"Drama", "Crime"}) {
				t.Errorf("studios %v genres %v", md.Studios, md.Genres)
			}
			if fmt.Sprint(md.ProviderIDs) != "map[imdb:tt0903747 tmdb:1396 tvdb:81189]" {
				t.Errorf("ids %v", md.ProviderIDs)
			}
			if got := creditList(md.Credits); !slices.Equal(got, []string{"Actor:Bryan Cranston/Walter White", "Actor:Aaron Paul/Jesse Pinkman"}) {
				t.Errorf("credits %q", got)
			}
			last := f.requests()[len(f.requests())-1]
			if last.URL.Path != "/3/tv/1396" || last.URL.Query().Get("append_to_response") != "credits,external_ids,content_ratings,images" {
				t.Errorf("details request %v", last.URL)
			}
			if tc.q.Title != "" && f.requests()[0].URL.Query().Get("first_air_date_year") != "2008" {
				t.Errorf("search request %v", f.requests()[0].URL)
			}
		})
	}
}

func TestEpisode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		q     core.LookupQuery
		score float64
	}{
		{"series id known", core.LookupQuery{SeriesProviderIDs: map[string]string{"tmdb": "1396"}}, 1},
		{"series by tvdb id", core.LookupQuery{SeriesProviderIDs: map[string]string{"tvdb": "81189"}}, 1},
		// The episode's own title and year must not steer the series search.
		{"series by title", core.LookupQuery{SeriesTitle: "Breaking Bad", Title: "Pilot", Year: 2008}, 0.85},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, fetch.Options{})
			q := tc.q
			q.Kind, q.Season, q.Episode = core.KindEpisode, ptr(1), ptr(1)
			m, err := p.Lookup(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if m.Score != tc.score {
				t.Errorf("score %v, want %v", m.Score, tc.score)
			}
			md := m.Metadata
			if md.Title != "Pilot" || md.Year != 2008 || md.CommunityScore != 8.1 || md.Runtime != 58*time.Minute ||
				!strings.HasPrefix(md.Overview, "Walter White") {
				t.Errorf("%q %d %v %v %q", md.Title, md.Year, md.CommunityScore, md.Runtime, md.Overview)
			}
			if md.Season == nil || *md.Season != 1 || md.Episode == nil || *md.Episode != 1 {
				t.Errorf("numbers %v %v", md.Season, md.Episode)
			}
			if fmt.Sprint(md.ProviderIDs) != "map[imdb:tt0959621 tmdb:62085 tvdb:349232]" {
				t.Errorf("ids %v", md.ProviderIDs)
			}
			want := []string{"GuestStar:John Koyama/Hugo Archuleta", "GuestStar:Marius Stan/Bogdan Wolynetz",
				"Director:Vince Gilligan", "Writer:Vince Gilligan"}
			if got := creditList(md.Credits); !slices.Equal(got, want) {
				t.Errorf("credits %q, want %q", got, want)
			}
			if got := imageList(md.Images); !slices.Equal(got, []string{"Thumb https://img.test/t/p/original/ydlY3iPfeOAvu8gVqrxPoMvzNCn.jpg"}) {
				t.Errorf("images %q", got)
			}
			reqs := f.requests()
			if reqs[len(reqs)-1].URL.Path != "/3/tv/1396/season/1/episode/1" {
				t.Errorf("last request %v", reqs[len(reqs)-1].URL)
			}
			if tc.q.SeriesTitle != "" && reqs[0].URL.Query().Has("first_air_date_year") {
				t.Errorf("series search used the episode's year: %v", reqs[0].URL)
			}
		})
	}
}

func TestSeason(t *testing.T) {
	p, _, _ := newFake(t, testKey, fetch.Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeason, Season: ptr(1),
		SeriesProviderIDs: map[string]string{"tmdb": "1396"}})
	if err != nil {
		t.Fatal(err)
	}
	md := m.Metadata
	if md.Title != "Season 1" || md.Year != 2008 || md.Season == nil || *md.Season != 1 ||
		fmt.Sprint(md.ProviderIDs) != "map[tmdb:3572 tvdb:30272]" || len(md.Images) != 1 || md.Images[0].Kind != core.ImagePrimary {
		t.Fatalf("%+v", md)
	}
}

func TestAuth(t *testing.T) {
	const v4 = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJhYmMiLCJzdWIiOiJkZWYiLCJzY29wZXMiOlsiYXBpX3JlYWQiXX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	p, f, _ := newFake(t, v4, fetch.Options{})
	if _, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, ProviderIDs: map[string]string{"tmdb": "841"}}); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Header.Get("Authorization") != "Bearer "+v4 || r.URL.Query().Has("api_key") {
		t.Fatalf("a v4 token must go in the header: %v %v", r.Header, r.URL)
	}

	p, f, _ = newFake(t, testKey, fetch.Options{})
	if _, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, ProviderIDs: map[string]string{"tmdb": "841"}}); err != nil {
		t.Fatal(err)
	}
	if r := f.requests()[0]; r.Header.Get("Authorization") != "" || r.URL.Query().Get("api_key") != testKey {
		t.Fatalf("a v3 key must go in the query: %v %v", r.Header, r.URL)
	}
}

func TestSupports(t *testing.T) {
	p := New(testKey, nil, Options{})
	for _, k := range core.ItemKinds {
		want := k == core.KindMovie || k == core.KindSeries || k == core.KindSeason || k == core.KindEpisode
		if p.Supports(k) != want {
			t.Errorf("Supports(%s) = %v", k, !want)
		}
	}
	if p.Name() != "tmdb" {
		t.Errorf("Name() = %q", p.Name())
	}
}
