package musicbrainz

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

const (
	acdc        = "66c662b6-6e2f-4930-8610-912e24c63ed1"
	backInBlack = "9f55ab29-2b74-3a5c-b9bc-eda2e31b0d4d"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name          string
		q             core.LookupQuery
		wantIDs       map[string]string // at least these
		wantScore     float64           // at least
		wantAmbiguous bool
		wantPaths     []string
		check         func(t *testing.T, m core.Metadata)
	}{
		{
			name:      "artist by id",
			q:         core.LookupQuery{Kind: core.KindArtist, ProviderIDs: map[string]string{"musicbrainzartist": strings.ToUpper(acdc)}},
			wantIDs:   map[string]string{"musicbrainzartist": acdc, "spotify": "711MCceyCBcFnzjGY4Q7Un", "discogs": "84752", "wikidata": "Q1829"},
			wantScore: 1,
			wantPaths: []string{"/artist/" + acdc + "?fmt=json&inc=url-rels+genres"},
			check: func(t *testing.T, m core.Metadata) {
				if m.Title != "AC/DC" || m.Year != 1973 || m.SortTitle != "" || m.Overview != "" {
					t.Errorf("title %q year %d sort %q overview %q", m.Title, m.Year, m.SortTitle, m.Overview)
				}
				want := []string{"hard rock", "rock", "heavy metal", "blues rock", "boogie rock"}
				if !slices.Equal(m.Genres, want) {
					t.Errorf("genres %q, want the top 5 by votes %q", m.Genres, want)
				}
			},
		},
		{
			name:      "artist search",
			q:         core.LookupQuery{Kind: core.KindArtist, Title: "AC/DC"},
			wantIDs:   map[string]string{"musicbrainzartist": acdc},
			wantScore: 0.85,
			wantPaths: []string{`/artist?fmt=json&limit=10&query=artist:(ac\/dc)`, "/artist/" + acdc + "?fmt=json&inc=url-rels+genres"},
		},
		{
			name:      "namesake with the lower MusicBrainz score loses",
			q:         core.LookupQuery{Kind: core.KindArtist, Title: "Queen"},
			wantIDs:   map[string]string{"musicbrainzartist": "0383dadf-2a4e-4d10-a46a-e9e041da8eb3"},
			wantScore: 0.85,
		},
		{
			name:          "equal namesakes are ambiguous",
			q:             core.LookupQuery{Kind: core.KindArtist, Title: "Nirvana"},
			wantIDs:       map[string]string{"musicbrainzartist": "5b11f4ce-a62d-471e-81fc-a69a8278c7da"},
			wantScore:     0.85,
			wantAmbiguous: true,
		},
		{
			name:      "album by title, artist and year",
			q:         core.LookupQuery{Kind: core.KindAlbum, Title: "Back in Black", SeriesTitle: "AC/DC", Year: 1980},
			wantIDs:   map[string]string{"musicbrainzreleasegroup": backInBlack, "musicbrainzalbumartist": acdc, "spotify": "6mUdeDZCsExyJLMdAfDuwh", "discogs": "8883", "wikidata": "Q152270"},
			wantScore: 0.95,
			wantPaths: []string{`/release-group?fmt=json&limit=10&query=releasegroup:(back+in+black)+AND+artist:(ac\/dc)`,
				"/release-group/" + backInBlack + "?fmt=json&inc=genres+artist-credits+url-rels"},
			check: func(t *testing.T, m core.Metadata) {
				if m.Year != 1980 || !m.Premiere.Equal(time.Date(1980, 7, 25, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("year %d premiere %v", m.Year, m.Premiere)
				}
				if !slices.Equal(m.Genres, []string{"hard rock", "heavy metal"}) {
					t.Errorf("genres %q", m.Genres)
				}
			},
		},
		{
			name:      "album by release id",
			q:         core.LookupQuery{Kind: core.KindAlbum, ProviderIDs: map[string]string{"musicbrainzalbum": "b9dfa2a2-8d1b-4d0a-9d5f-3e7c8a4b2f10"}},
			wantIDs:   map[string]string{"musicbrainzreleasegroup": backInBlack},
			wantScore: 1,
			wantPaths: []string{"/release/b9dfa2a2-8d1b-4d0a-9d5f-3e7c8a4b2f10?fmt=json&inc=release-groups",
				"/release-group/" + backInBlack + "?fmt=json&inc=genres+artist-credits+url-rels"},
		},
		{
			name:      "stale release group id falls back to search",
			q:         core.LookupQuery{Kind: core.KindAlbum, Title: "Back in Black", SeriesTitle: "AC/DC", Year: 1980, ProviderIDs: map[string]string{"musicbrainzreleasegroup": "00000000-0000-0000-0000-000000000000"}},
			wantIDs:   map[string]string{"musicbrainzreleasegroup": backInBlack},
			wantScore: 0.95,
		},
		{
			name:      "track by recording id",
			q:         core.LookupQuery{Kind: core.KindTrack, Title: "Hells Bells", ProviderIDs: map[string]string{"musicbrainztrack": "3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f"}},
			wantIDs:   map[string]string{"musicbrainztrack": "3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f"},
			wantScore: 1,
			check: func(t *testing.T, m core.Metadata) {
				if m.Title != "Hells Bells" || m.Runtime != 312*time.Second || m.Year != 1980 {
					t.Errorf("%+v", m)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, fetchDefaults)
			m, err := p.Lookup(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.wantIDs {
				if m.Metadata.ProviderIDs[k] != v {
					t.Errorf("ProviderIDs %v, want %s=%s", m.Metadata.ProviderIDs, k, v)
				}
			}
			if m.Score < tc.wantScore || m.Ambiguous != tc.wantAmbiguous {
				t.Errorf("score %.3f ambiguous %v, want >= %.2f and %v", m.Score, m.Ambiguous, tc.wantScore, tc.wantAmbiguous)
			}
			if tc.wantPaths != nil && !slices.Equal(f.paths(), tc.wantPaths) {
				t.Errorf("requests\n%q, want\n%q", f.paths(), tc.wantPaths)
			}
			if tc.check != nil {
				tc.check(t, m.Metadata)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	for _, q := range []core.LookupQuery{
		{Kind: core.KindArtist, Title: "Zzyzx Road Trip"},
		{Kind: core.KindAlbum, Title: "Back in Black", SeriesTitle: "Zzyzx Road Trip"},
		{Kind: core.KindArtist, ProviderIDs: map[string]string{"musicbrainzartist": "not-a-uuid"}},
		{Kind: core.KindTrack, Title: "Hells Bells"},
		{Kind: core.KindMovie, Title: "Heat"},
	} {
		p, _, _ := newFake(t, fetchDefaults)
		if _, err := p.Lookup(context.Background(), q); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%+v: err = %v, want core.ErrNotFound", q, err)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		`AC/DC: "Back (In) Black"`:     `ac\/dc\: \"back \(in\) black\"`,
		`Love AND Theft`:               `love and theft`,
		`a+b-c&&d||e!f{g}h[i]j^k~l*m?`: `a\+b\-c\&\&d\|\|e\!f\{g\}h\[i\]j\^k\~l\*m\?`,
		`back\slash  spaced`:           `back\\slash spaced`,
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHostileTitle checks that a title full of Lucene syntax stays inside its clause.
func TestHostileTitle(t *testing.T) {
	p, f, _ := newFake(t, fetchDefaults)
	_, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindAlbum, Title: `AC/DC: "Back (In) Black"`, SeriesTitle: "AC/DC"})
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	want := `/release-group?fmt=json&limit=10&query=releasegroup:(ac\/dc\:+\"back+\(in\)+black\")+AND+artist:(ac\/dc)`
	if got := f.paths(); len(got) != 1 || got[0] != want {
		t.Errorf("requests %q, want %q", got, want)
	}
}

func TestClientOptions(t *testing.T) {
	o := ClientOptions("admin@example.org")
	if o.Rate != 1 || o.Burst != 1 {
		t.Errorf("rate %v burst %d: MusicBrainz allows one request a second", o.Rate, o.Burst)
	}
	if !strings.HasPrefix(o.UserAgent, "Walros/") || !strings.HasSuffix(o.UserAgent, " ( admin@example.org )") {
		t.Errorf("User-Agent %q", o.UserAgent)
	}
	if ua := ClientOptions("").UserAgent; !strings.Contains(ua, "( https://github.com/walros/walros )") {
		t.Errorf("User-Agent %q without a contact", ua)
	}
	p := New(nil, Options{})
	if p.Name() != "musicbrainz" || !p.Supports(core.KindTrack) || p.Supports(core.KindMovie) || p.base != DefaultBaseURL {
		t.Error("New(nil) or Supports")
	}
}
