package mal

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

func TestLookupByMALID(t *testing.T) {
	p, f, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "whatever",
		ProviderIDs: map[string]string{"mal": "21"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Score != 1 || m.Ambiguous {
		t.Fatalf("score %v ambiguous %v, want 1 and false", m.Score, m.Ambiguous)
	}
	if got := f.paths(); !slices.Equal(got, []string{"/anime/21/full"}) {
		t.Fatalf("requests %q, want only the full record", got)
	}
	md := m.Metadata
	if md.Title != "One Piece" || md.OriginalTitle != "ONE PIECE" {
		t.Errorf("titles %q %q", md.Title, md.OriginalTitle)
	}
	if !strings.HasPrefix(md.Overview, "Barely surviving") || !strings.HasSuffix(md.Overview, "fearsome pirates.") {
		t.Errorf("overview %q: MAL's credit line must go", md.Overview)
	}
	if md.Year != 1999 || !md.Premiere.Equal(time.Date(1999, 10, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("year %d premiere %v", md.Year, md.Premiere)
	}
	if md.CommunityScore != 8.72 || md.OfficialRating != "PG-13" || md.Runtime != 24*time.Minute {
		t.Errorf("score %v rating %q runtime %v", md.CommunityScore, md.OfficialRating, md.Runtime)
	}
	if !slices.Equal(md.Genres, []string{"Action", "Adventure", "Fantasy"}) || !slices.Equal(md.Studios, []string{"Toei Animation"}) {
		t.Errorf("genres %v studios %v", md.Genres, md.Studios)
	}
	if fmt.Sprint(md.ProviderIDs) != "map[mal:21]" {
		t.Errorf("ids %v", md.ProviderIDs)
	}
	if len(md.Images) != 1 || md.Images[0] != (core.Image{Kind: core.ImagePrimary, URL: "https://cdn.myanimelist.net/images/anime/6/73245l.jpg"}) {
		t.Errorf("images %+v", md.Images)
	}
}

func TestSearchByEnglishTitle(t *testing.T) {
	p, f, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Attack on Titan", Year: 2013})
	if err != nil {
		t.Fatal(err)
	}
	if m.Metadata.ProviderIDs["mal"] != "16498" || m.Ambiguous || m.Score != 1 {
		t.Fatalf("ids %v score %.2f ambiguous %v", m.Metadata.ProviderIDs, m.Score, m.Ambiguous)
	}
	if q := f.requests()[0].URL.Query(); q.Get("q") != "Attack on Titan" || q.Get("type") != "tv" || q.Get("limit") != "10" {
		t.Errorf("search %v", q)
	}
	md := m.Metadata
	if md.Title != "Attack on Titan" || md.OriginalTitle != "進撃の巨人" || md.OfficialRating != "R" {
		t.Errorf("title %q original %q rating %q", md.Title, md.OriginalTitle, md.OfficialRating)
	}
	// Genres and themes together; demographics ("Shounen") are not genres.
	if want := []string{"Action", "Drama", "Suspense", "Gore", "Military", "Survival"}; !slices.Equal(md.Genres, want) {
		t.Errorf("genres %v, want %v", md.Genres, want)
	}
}

func TestTitleLanguage(t *testing.T) {
	for _, tc := range []struct{ opt, query, want string }{
		{"", "", "Attack on Titan"},
		{"fr-FR", "", "L'Attaque des Titans"},
		{"", "es", "Ataque a los Titanes"},
		{"ja", "", "進撃の巨人"},
		{"it", "", "Shingeki no Kyojin"}, // no Italian title: the default one
	} {
		p, _, _ := newFake(t, fetch.Options{}, Options{Language: tc.opt})
		m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Language: tc.query,
			ProviderIDs: map[string]string{"mal": "16498"}})
		if err != nil {
			t.Fatal(err)
		}
		if m.Metadata.Title != tc.want {
			t.Errorf("language %q/%q: title %q, want %q", tc.opt, tc.query, m.Metadata.Title, tc.want)
		}
		if tc.want == "進撃の巨人" && m.Metadata.OriginalTitle != "" {
			t.Errorf("original title %q repeats the title", m.Metadata.OriginalTitle)
		}
	}
}

func TestSearchPicksByYear(t *testing.T) {
	for _, tc := range []struct {
		year   int
		wantID string
	}{
		{2011, "11061"},
		{1999, "136"},
		{2000, "136"}, // a year off still wins over twelve years off
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			p, _, _ := newFake(t, fetch.Options{}, Options{})
			m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Hunter x Hunter", Year: tc.year})
			if err != nil {
				t.Fatal(err)
			}
			if m.Metadata.ProviderIDs["mal"] != tc.wantID || m.Ambiguous || m.Score < 0.85 {
				t.Fatalf("got %v score %.2f ambiguous %v", m.Metadata.ProviderIDs, m.Score, m.Ambiguous)
			}
		})
	}
}

func TestAmbiguous(t *testing.T) {
	p, _, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, Title: "Hunter x Hunter"})
	if err != nil {
		t.Fatal(err)
	}
	// Without a year, the 1999 and 2011 series are equally good: take Jikan's first, flag it.
	if !m.Ambiguous || m.Metadata.ProviderIDs["mal"] != "11061" {
		t.Fatalf("ambiguous %v, ids %v", m.Ambiguous, m.Metadata.ProviderIDs)
	}
}

func TestMovie(t *testing.T) {
	p, f, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "Akira", Year: 1988})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.paths(); !slices.Equal(got, []string{"/anime?limit=10&q=Akira&type=movie", "/anime/47/full"}) {
		t.Errorf("requests %q", got)
	}
	md := m.Metadata
	if md.Title != "Akira" || md.Runtime != 2*time.Hour+4*time.Minute || md.OfficialRating != "R" || md.Year != 1988 || m.Score != 1 {
		t.Errorf("title %q runtime %v rating %q year %d score %v", md.Title, md.Runtime, md.OfficialRating, md.Year, m.Score)
	}
	if !slices.Equal(md.Genres, []string{"Action", "Horror", "Sci-Fi", "Adult Cast"}) || !slices.Equal(md.Studios, []string{"Tokyo Movie Shinsha"}) {
		t.Errorf("genres %v studios %v", md.Genres, md.Studios)
	}
}

func TestNotFound(t *testing.T) {
	for _, tc := range []struct {
		name     string
		q        core.LookupQuery
		requests int
	}{
		{"no results", core.LookupQuery{Kind: core.KindSeries, Title: "Qwxyzzy", Year: 2003}, 1},
		{"only poor matches", core.LookupQuery{Kind: core.KindSeries, Title: "Zzyzx Road Trip", Year: 2006}, 1},
		{"unknown mal id and no title", core.LookupQuery{Kind: core.KindMovie, ProviderIDs: map[string]string{"mal": "99999999"}}, 1},
		{"nothing to go on", core.LookupQuery{Kind: core.KindSeries}, 0},
		{"episode past the last", core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"mal": "21"},
			Absolute: ptr(1050)}, 2}, // page 11 ends below 1050; page 12 does not exist
		{"episode of season 2", core.LookupQuery{Kind: core.KindEpisode, SeriesTitle: "Hunter x Hunter", Season: ptr(2), Episode: ptr(3)}, 0},
		{"episode 0", core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"mal": "21"}, Episode: ptr(0)}, 0},
		{"season", core.LookupQuery{Kind: core.KindSeason, SeriesTitle: "One Piece", Season: ptr(1)}, 0},
		{"music", core.LookupQuery{Kind: core.KindAlbum, Title: "Kind of Blue"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, fetch.Options{}, Options{})
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
	p, f, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindMovie, Title: "Akira", Year: 1988,
		ProviderIDs: map[string]string{"mal": "99999999"}})
	if err != nil || m.Metadata.ProviderIDs["mal"] != "47" {
		t.Fatalf("err %v ids %v", err, m.Metadata.ProviderIDs)
	}
	if want := []string{"/anime/99999999/full", "/anime?limit=10&q=Akira&type=movie", "/anime/47/full"}; !slices.Equal(f.paths(), want) {
		t.Fatalf("requests %q, want %q", f.paths(), want)
	}
}

func TestAbsoluteEpisode(t *testing.T) {
	p, f, _ := newFake(t, fetch.Options{}, Options{})
	m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindEpisode, Absolute: ptr(1001),
		SeriesTitle: "One Piece", SeriesProviderIDs: map[string]string{"mal": "21"}})
	if err != nil {
		t.Fatal(err)
	}
	// Episode 1001 is on page 11: one request, not eleven.
	if got := f.paths(); !slices.Equal(got, []string{"/anime/21/episodes?page=11"}) {
		t.Fatalf("requests %q", got)
	}
	md := m.Metadata
	if md.Title != "The Strongest Generation Strikes! The Alliance Stands Firm" || md.OriginalTitle != "最悪の世代躍動!同盟軍の反撃" {
		t.Errorf("titles %q %q", md.Title, md.OriginalTitle)
	}
	if md.Episode == nil || *md.Episode != 1001 || md.Season != nil {
		t.Errorf("numbers %v %v", md.Season, md.Episode)
	}
	if md.Year != 2021 || !md.Premiere.Equal(time.Date(2021, 12, 12, 0, 0, 0, 0, time.UTC)) || m.Score != 1 {
		t.Errorf("year %d premiere %v score %v", md.Year, md.Premiere, m.Score)
	}
}

func TestEpisodeOfSeasonOne(t *testing.T) {
	for _, season := range []*int{nil, ptr(1)} {
		p, f, sl := newFake(t, fetch.Options{}, Options{})
		m, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindEpisode, SeriesTitle: "Hunter x Hunter",
			Season: season, Episode: ptr(3), Title: "Rivals", Year: 2011})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"/anime?limit=10&q=Hunter+x+Hunter&type=tv", "/anime/11061/episodes?page=1"}
		if got := f.paths(); !slices.Equal(got, want) {
			t.Fatalf("requests %q, want %q", got, want)
		}
		md := m.Metadata
		// The series search used neither the episode's title nor its year: it is ambiguous.
		if md.Title != "Rivals × For × Survival" || *md.Episode != 3 || md.Year != 0 || !md.Premiere.IsZero() || !m.Ambiguous {
			t.Errorf("%q episode %d year %d premiere %v ambiguous %v", md.Title, *md.Episode, md.Year, md.Premiere, m.Ambiguous)
		}
		if (season == nil) != (md.Season == nil) {
			t.Errorf("season %v for a query of season %v", md.Season, season)
		}
		// Jikan allows a request a second on average: the client paces them.
		if got := sl.Waits(); !slices.Equal(got, []time.Duration{time.Second}) {
			t.Errorf("waits %v, want one second between the two requests", got)
		}
	}
}

func TestSupports(t *testing.T) {
	p := New(nil, Options{})
	for _, k := range core.ItemKinds {
		want := k == core.KindSeries || k == core.KindMovie || k == core.KindEpisode
		if p.Supports(k) != want {
			t.Errorf("Supports(%s) = %v", k, !want)
		}
	}
	if p.Name() != "mal" || p.base != DefaultBaseURL || p.lang != "en" {
		t.Errorf("name %q base %q lang %q", p.Name(), p.base, p.lang)
	}
	if o := ClientOptions(); o.Rate <= 0 || o.Rate > 1 || o.Burst != 1 {
		t.Errorf("ClientOptions %+v: Jikan allows 60 requests a minute", o)
	}
}
