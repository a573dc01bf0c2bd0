package tvdb

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

const art = "https://artworks.thetvdb.com"

func TestLookupSeriesByID(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "whatever",
		ProviderIDs: map[string]string{"tvdb": "81189"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Score != 1 || m.Ambiguous {
		t.Fatalf("score %v ambiguous %v, want 1 and false", m.Score, m.Ambiguous)
	}
	if got, want := f.paths(), []string{"POST /login", "GET /series/81189/extended?meta=translations&short=false"}; !slices.Equal(got, want) {
		t.Fatalf("requests %q, want %q", got, want)
	}
	if auth := f.requests()[1].Header.Get("Authorization"); auth != "Bearer eyJhbGciOiJSUzI1NiJ9.token-1.c2ln" {
		t.Errorf("Authorization %q", auth)
	}

	md := m.Metadata
	if md.Title != "Breaking Bad" || md.OriginalTitle != "" || !strings.HasPrefix(md.Overview, "Walter White, a struggling") {
		t.Errorf("texts: %q %q %q", md.Title, md.OriginalTitle, md.Overview)
	}
	if md.Year != 2008 || !md.Premiere.Equal(time.Date(2008, 1, 20, 0, 0, 0, 0, time.UTC)) || md.Runtime != 47*time.Minute {
		t.Errorf("year %d premiere %v runtime %v", md.Year, md.Premiere, md.Runtime)
	}
	if md.CommunityScore != 0 || md.OfficialRating != "TV-MA" {
		t.Errorf("score %v (TVDB's is popularity), rating %q", md.CommunityScore, md.OfficialRating)
	}
	if !slices.Equal(md.Genres, []string{"Drama", "Crime", "Thriller"}) || !slices.Equal(md.Studios, []string{"AMC", "Gran Via Productions"}) {
		t.Errorf("genres %v studios %v", md.Genres, md.Studios)
	}
	if fmt.Sprint(md.ProviderIDs) != "map[imdb:tt0903747 tmdb:1396 tvdb:81189]" {
		t.Errorf("ids %v", md.ProviderIDs)
	}
	wantCredits := []string{"Actor:Bryan Cranston/Walter White", "Actor:Aaron Paul/Jesse Pinkman", "Actor:Anna Gunn/Skyler White"}
	if got := creditList(md.Credits); !slices.Equal(got, wantCredits) {
		t.Errorf("credits\n got %q\nwant %q", got, wantCredits)
	}
	if th := md.Credits[0].Thumb; th != art+"/banners/person/bryan.jpg" {
		t.Errorf("a headshot comes before the character's picture: %q", th)
	}
	if th := md.Credits[2].Thumb; th != art+"/banners/character/skyler.jpg" {
		t.Errorf("without a headshot, the character's picture, made absolute: %q", th)
	}
	wantImages := []string{
		"Primary " + art + "/banners/posters/81189-1.jpg", // the record's own poster
		"Primary " + art + "/banners/posters/81189-12.jpg",
		"Primary " + art + "/banners/posters/81189-10.jpg",
		"Primary " + art + "/banners/posters/81189-11.jpg", // French: after the English ones
		"Backdrop " + art + "/banners/fanart/original/81189-2.jpg",
		"Backdrop " + art + "/banners/fanart/original/81189-1.jpg",
		"Banner " + art + "/banners/graphical/81189-g.jpg",
		"Logo " + art + "/banners/v4/series/81189/clearlogo/logo.png",
		"Art " + art + "/banners/v4/series/81189/clearart/art.png",
	}
	if got := imageList(md.Images); !slices.Equal(got, wantImages) {
		t.Errorf("images\n got %q\nwant %q", got, wantImages)
	}
}

func TestLanguages(t *testing.T) {
	for _, tc := range []struct {
		name, opt, query   string
		overview, rating   string
		title, originalTtl string
		id                 string
	}{
		{"default English", "", "", "Walter White, a struggling", "TV-MA", "Breaking Bad", "", "81189"},
		{"query in French", "", "fr-FR", "Walter White, professeur", "-16", "Breaking Bad", "", "81189"},
		{"option in German", "de", "", "Walter White, ein Chemielehrer", "TV-MA", "Breaking Bad", "", "81189"},
		{"query in German, rated there", "eng", "de-DE", "Walter White, ein Chemielehrer", "16", "Breaking Bad", "", "81189"},
		{"3-letter code, no translation: English", "ita", "", "Walter White, a struggling", "TV-MA", "Breaking Bad", "", "81189"},
		{"original Japanese, English wanted", "", "en-US", "Monkey D. Luffy", "", "One Piece", "ワンピース", "81797"},
		{"original Japanese, Japanese wanted", "", "ja-JP", "海賊王", "", "ワンピース", "", "81797"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _, _ := newFake(t, testKey, "", fetch.Options{}, Options{Language: tc.opt})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Language: tc.query,
				ProviderIDs: map[string]string{"tvdb": tc.id}})
			if err != nil {
				t.Fatal(err)
			}
			md := m.Metadata
			if !strings.HasPrefix(md.Overview, tc.overview) || md.OfficialRating != tc.rating || md.Title != tc.title || md.OriginalTitle != tc.originalTtl {
				t.Errorf("overview %q rating %q title %q original %q", md.Overview, md.OfficialRating, md.Title, md.OriginalTitle)
			}
		})
	}
}

func TestSearchPicksByYear(t *testing.T) {
	for _, tc := range []struct {
		year   int
		wantID string
	}{
		{2005, "78804"},
		{1963, "76107"},
		{1964, "76107"}, // a year off still wins over 41 years off
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Doctor Who", Year: tc.year})
			if err != nil {
				t.Fatal(err)
			}
			if m.Metadata.ProviderIDs["tvdb"] != tc.wantID || m.Ambiguous || m.Score < 0.85 {
				t.Fatalf("got %v score %.2f ambiguous %v", m.Metadata.ProviderIDs, m.Score, m.Ambiguous)
			}
			q := f.requests()[1].URL.Query()
			if q.Get("query") != "Doctor Who" || q.Get("type") != "series" || q.Get("year") != fmt.Sprint(tc.year) {
				t.Errorf("search %v", q)
			}
		})
	}
}

func TestAmbiguous(t *testing.T) {
	p, _, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Doctor Who"})
	if err != nil {
		t.Fatal(err)
	}
	// Without a year, three series are "Doctor Who": take TVDB's first and flag it.
	if !m.Ambiguous || m.Metadata.ProviderIDs["tvdb"] != "78804" || m.Metadata.Title != "Doctor Who (2005)" {
		t.Fatalf("ambiguous %v, ids %v, title %q", m.Ambiguous, m.Metadata.ProviderIDs, m.Metadata.Title)
	}
}

func TestNotFound(t *testing.T) {
	for _, tc := range []struct {
		name     string
		q        core.LookupQuery
		requests int // logins included
	}{
		{"no results, retried without the year", core.LookupQuery{Kind: core.KindSeries, Title: "Qwxyzzy", Year: 2003}, 3},
		{"only poor matches", core.LookupQuery{Kind: core.KindSeries, Title: "Zzyzx Road Trip", Year: 2006}, 2},
		{"unknown tvdb id and no title", core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "999999"}}, 2},
		{"nothing to go on: no login", core.LookupQuery{Kind: core.KindSeries}, 0},
		{"unknown episode", core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"tvdb": "81189"},
			Season: ptr(9), Episode: ptr(1)}, 2},
		{"unknown absolute number", core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"tvdb": "81797"},
			Absolute: ptr(5000)}, 4}, // login, absolute pages 0 and 1, then the default order: none
		{"episode without numbers", core.LookupQuery{Kind: core.KindEpisode, SeriesTitle: "Breaking Bad", Episode: ptr(3)}, 0},
		{"unknown season", core.LookupQuery{Kind: core.KindSeason, SeriesProviderIDs: map[string]string{"tvdb": "81189"}, Season: ptr(7)}, 2},
		{"movie", core.LookupQuery{Kind: core.KindMovie, Title: "Heat"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
			_, err := p.Lookup(context.Background(), tc.q)
			if !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			if got := f.paths(); len(got) != tc.requests {
				t.Errorf("requests %q, want %d", got, tc.requests)
			}
		})
	}
}

func TestStaleIDFallsBackToTitle(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Breaking Bad", Year: 2008,
		ProviderIDs: map[string]string{"tvdb": "999999"}})
	if err != nil || m.Metadata.ProviderIDs["tvdb"] != "81189" || m.Score != 1 {
		t.Fatalf("err %v ids %v score %v", err, m.Metadata.ProviderIDs, m.Score)
	}
	if n := len(f.paths()); n != 4 { // login, stale id, search, details
		t.Errorf("requests %q", f.paths())
	}
}

func TestAbsoluteEpisode(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{ImageBaseURL: "https://img.test"})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindEpisode, Absolute: ptr(1001),
		SeriesTitle: "One Piece", SeriesProviderIDs: map[string]string{"tvdb": "81797"}, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"POST /login", "GET /series/81797/episodes/absolute?page=0", "GET /series/81797/episodes/absolute?page=1",
		"GET /episodes/8391024/extended?meta=translations"}
	if got := f.paths(); !slices.Equal(got, want) {
		t.Fatalf("requests\n got %q\nwant %q", got, want)
	}
	md := m.Metadata
	if md.Title != "The Battle of Onigashima! The Alliance Strikes Back" || md.OriginalTitle != "鬼ヶ島の決戦!同盟軍の逆襲" ||
		md.Overview != "On Onigashima, the alliance strikes back." {
		t.Errorf("texts %q %q %q", md.Title, md.OriginalTitle, md.Overview)
	}
	// The absolute number has no field: the numbers are those of the aired order.
	if md.Season == nil || *md.Season != 21 || md.Episode == nil || *md.Episode != 110 {
		t.Errorf("numbers %v %v, want 21 and 110", md.Season, md.Episode)
	}
	if md.Year != 2021 || md.Runtime != 24*time.Minute || fmt.Sprint(md.ProviderIDs) != "map[tmdb:3312580 tvdb:8391024]" {
		t.Errorf("year %d runtime %v ids %v", md.Year, md.Runtime, md.ProviderIDs)
	}
	if got := creditList(md.Credits); !slices.Equal(got, []string{"Director:Tatsuya Nagamine", "Writer:Hitoshi Tanaka"}) {
		t.Errorf("credits %q: the series' regulars belong to the series", got)
	}
	if got := imageList(md.Images); !slices.Equal(got, []string{"Thumb https://img.test/banners/v4/episode/8391024/screencap.jpg"}) {
		t.Errorf("images %q", got)
	}
}

func TestEpisodeOrders(t *testing.T) {
	for _, tc := range []struct {
		name      string
		order     string
		q         core.LookupQuery
		wantTitle string
		wantNums  string
		wantPaths []string
	}{
		{"aired", "", core.LookupQuery{SeriesProviderIDs: map[string]string{"tvdb": "78874"}, Season: ptr(1), Episode: ptr(1)},
			"The Train Job", "1x1", []string{"POST /login", "GET /series/78874/episodes/default?page=0", "GET /episodes/297989/extended?meta=translations"}},
		{"dvd", OrderDVD, core.LookupQuery{SeriesProviderIDs: map[string]string{"tvdb": "78874"}, Season: ptr(1), Episode: ptr(1)},
			"Serenity", "1x1", []string{"POST /login", "GET /series/78874/episodes/dvd?page=0", "GET /episodes/297999/extended?meta=translations"}},
		{"dvd, series without a DVD order", "DVD", core.LookupQuery{SeriesProviderIDs: map[string]string{"tvdb": "81189"}, Season: ptr(1), Episode: ptr(1)},
			"Pilot", "1x1", []string{"POST /login", "GET /series/81189/episodes/dvd?page=0", "GET /series/81189/episodes/default?page=0",
				"GET /episodes/349232/extended?meta=translations"}},
		{"absolute, series without an absolute order", "", core.LookupQuery{SeriesProviderIDs: map[string]string{"tvdb": "81189"}, Absolute: ptr(1)},
			"Pilot", "1x1", []string{"POST /login", "GET /series/81189/episodes/absolute?page=0",
				"GET /series/81189/episodes/default?page=0", "GET /episodes/349232/extended?meta=translations"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{Order: tc.order})
			q := tc.q
			q.Kind = core.KindEpisode
			m, err := p.Lookup(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			md := m.Metadata
			if md.Title != tc.wantTitle || fmt.Sprintf("%dx%d", *md.Season, *md.Episode) != tc.wantNums {
				t.Errorf("got %q %dx%d", md.Title, *md.Season, *md.Episode)
			}
			if got := f.paths(); !slices.Equal(got, tc.wantPaths) {
				t.Errorf("requests\n got %q\nwant %q", got, tc.wantPaths)
			}
		})
	}
}

func TestEpisodeBySeriesTitle(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	// The episode's own title and year must not steer the series search.
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindEpisode, SeriesTitle: "Breaking Bad",
		Title: "Pilot", Year: 2008, Season: ptr(1), Episode: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Score != 0.85 || m.Ambiguous {
		t.Errorf("score %v ambiguous %v: an exact title without a year", m.Score, m.Ambiguous)
	}
	if q := f.requests()[1].URL.Query(); q.Get("query") != "Breaking Bad" || q.Has("year") {
		t.Errorf("series search %v", q)
	}
	md := m.Metadata
	if md.Title != "Pilot" || md.Year != 2008 || md.Runtime != 58*time.Minute || md.OfficialRating != "TV-14" ||
		!strings.HasPrefix(md.Overview, "Walter White, a chemistry teacher") {
		t.Errorf("%q %d %v %q %q", md.Title, md.Year, md.Runtime, md.OfficialRating, md.Overview)
	}
	if fmt.Sprint(md.ProviderIDs) != "map[imdb:tt0959621 tmdb:62085 tvdb:349232]" {
		t.Errorf("ids %v", md.ProviderIDs)
	}
	want := []string{"Director:Vince Gilligan", "Writer:Vince Gilligan", "GuestStar:John Koyama/Hugo Archuleta"}
	if got := creditList(md.Credits); !slices.Equal(got, want) {
		t.Errorf("credits %q, want %q", got, want)
	}
}

func TestSeason(t *testing.T) {
	for _, tc := range []struct {
		order, title, id string
		season           int
		images           int
	}{
		{"", "Season 1", "30272", 1, 1},
		{"", "Specials", "30271", 0, 0},
		{OrderDVD, "Season 1 (DVD)", "630272", 1, 0},
	} {
		t.Run(tc.title, func(t *testing.T) {
			p, _, _ := newFake(t, testKey, "", fetch.Options{}, Options{Order: tc.order})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeason, Season: ptr(tc.season),
				SeriesProviderIDs: map[string]string{"tvdb": "81189"}})
			if err != nil {
				t.Fatal(err)
			}
			md := m.Metadata
			if md.Title != tc.title || md.ProviderIDs["tvdb"] != tc.id || *md.Season != tc.season || len(md.Images) != tc.images {
				t.Fatalf("%+v", md)
			}
		})
	}
}

func TestSupports(t *testing.T) {
	p := New(testKey, "", nil, Options{})
	for _, k := range core.ItemKinds {
		want := k == core.KindSeries || k == core.KindSeason || k == core.KindEpisode
		if p.Supports(k) != want {
			t.Errorf("Supports(%s) = %v", k, !want)
		}
	}
	if p.Name() != "tvdb" || p.base != DefaultBaseURL || p.lang != "eng" || p.order != "default" {
		t.Errorf("name %q base %q lang %q order %q", p.Name(), p.base, p.lang, p.order)
	}
}
