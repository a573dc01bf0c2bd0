package spotify

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

const (
	acdc       = "711MCceyCBcFnzjGY4Q7Un"
	backInBlk  = "6mUdeDZCsExyJLMdAfDuwh"
	acdcPhoto  = "https://i.scdn.co/image/ab6761610000e5ebc4e5ae2c4d1e4d7a8f8b0c4a"
	coverLarge = "https://i.scdn.co/image/back-in-black-640"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name          string
		q             core.LookupQuery
		wantID        string
		wantScore     float64 // at least
		wantAmbiguous bool
		wantReqs      []string
		check         func(t *testing.T, m core.Metadata)
	}{
		{
			name:      "artist by id",
			q:         core.LookupQuery{Kind: core.KindArtist, Title: "ACDC", ProviderIDs: map[string]string{"spotify": acdc}},
			wantID:    acdc,
			wantScore: 1,
			wantReqs:  []string{"/v1/artists/" + acdc},
			check: func(t *testing.T, m core.Metadata) {
				if m.Title != "AC/DC" || !slices.Equal(m.Genres, []string{"australian rock", "hard rock", "rock"}) {
					t.Errorf("title %q genres %q", m.Title, m.Genres)
				}
				if len(m.Images) != 1 || m.Images[0] != (core.Image{Kind: core.ImagePrimary, URL: acdcPhoto}) {
					t.Errorf("images %+v, want the 640 px one as primary", m.Images)
				}
			},
		},
		{
			name:      "artist by uri",
			q:         core.LookupQuery{Kind: core.KindArtist, ProviderIDs: map[string]string{"spotify": "spotify:artist:" + acdc}},
			wantID:    acdc,
			wantScore: 1,
		},
		{
			name:      "artist search skips the tribute band",
			q:         core.LookupQuery{Kind: core.KindArtist, Title: "AC/DC"},
			wantID:    acdc,
			wantScore: 0.85,
			wantReqs:  []string{"/v1/search?limit=10&q=AC%2FDC&type=artist"},
		},
		{
			name:          "namesakes are ambiguous",
			q:             core.LookupQuery{Kind: core.KindArtist, Title: "Nirvana"},
			wantID:        "6olE6TJLqED3rqDCT0FyPh", // ties keep Spotify's order: the popular one
			wantScore:     0.85,
			wantAmbiguous: true,
		},
		{
			name:      "album by title, artist and year",
			q:         core.LookupQuery{Kind: core.KindAlbum, Title: "Back in Black", SeriesTitle: "AC/DC", Year: 1980},
			wantID:    backInBlk,
			wantScore: 0.95,
			wantReqs: []string{"/v1/search?limit=10&q=album%3ABack+in+Black+artist%3AAC%2FDC&type=album",
				"/v1/albums/" + backInBlk, "/v1/artists/" + acdc},
			check: func(t *testing.T, m core.Metadata) {
				if m.Year != 1980 || !m.Premiere.Equal(time.Date(1980, 7, 25, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("year %d premiere %v", m.Year, m.Premiere)
				}
				if !slices.Equal(m.Studios, []string{"Columbia"}) || !slices.Contains(m.Genres, "hard rock") {
					t.Errorf("studios %q genres %q: the label, and the artist's genres", m.Studios, m.Genres)
				}
				if len(m.Images) != 1 || m.Images[0].URL != coverLarge {
					t.Errorf("images %+v", m.Images)
				}
			},
		},
		{
			name:      "stale album id falls back to search",
			q:         core.LookupQuery{Kind: core.KindAlbum, Title: "Back in Black", SeriesTitle: "AC/DC", Year: 1980, ProviderIDs: map[string]string{"spotify": "0000000000000000000000"}},
			wantID:    backInBlk,
			wantScore: 0.95,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, _ := newFake(t, testSecret, Options{})
			m, err := p.Lookup(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Metadata.ProviderIDs["spotify"]; got != tc.wantID {
				t.Errorf("spotify id %q, want %q", got, tc.wantID)
			}
			if m.Score < tc.wantScore || m.Ambiguous != tc.wantAmbiguous {
				t.Errorf("score %.2f ambiguous %v, want >= %.2f and %v", m.Score, m.Ambiguous, tc.wantScore, tc.wantAmbiguous)
			}
			if tc.wantReqs != nil && !slices.Equal(f.requests(), tc.wantReqs) {
				t.Errorf("requests %q, want %q", f.requests(), tc.wantReqs)
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
		{Kind: core.KindArtist},
		{Kind: core.KindTrack, Title: "Hells Bells"},
	} {
		p, _, _ := newFake(t, testSecret, Options{})
		if _, err := p.Lookup(context.Background(), q); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("%+v: err = %v, want core.ErrNotFound", q, err)
		}
	}
}

// TestHostileTitle checks that quotes and colons in a title cannot add search filters.
func TestHostileTitle(t *testing.T) {
	p, f, _ := newFake(t, testSecret, Options{})
	_, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindAlbum, Title: `AC/DC: "Back (In) Black"`, SeriesTitle: "AC/DC"})
	if !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	u, _ := url.Parse(f.requests()[0])
	if got, want := u.Query().Get("q"), "album:AC/DC Back (In) Black artist:AC/DC"; got != want {
		t.Errorf("q = %q, want %q", got, want)
	}
	if strings.Count(f.requests()[0], "%3A") != 2 {
		t.Errorf("request %q: only the two filters may have a colon", f.requests()[0])
	}
}

func TestSupports(t *testing.T) {
	p := New("id", "secret", Options{})
	if p.Name() != "spotify" || !p.Supports(core.KindArtist) || !p.Supports(core.KindAlbum) || p.Supports(core.KindMovie) {
		t.Error("spotify supports artists and albums only")
	}
}
