package musicbrainz

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// overLimit is what MusicBrainz answers a client over its rate limit.
const overLimit = `{"error":"Your requests are exceeding the allowable rate limit. Please see https://wiki.musicbrainz.org/XMLWebService for more information."}`

// TestProviderFailures checks that MusicBrainz's failures surface as errors the scanner logs and
// moves past: never core.ErrNotFound, which would mark the item as unknown to MusicBrainz.
func TestProviderFailures(t *testing.T) {
	search := core.LookupQuery{Kind: core.KindArtist, Title: "AC/DC"}
	for _, tc := range []struct {
		name   string
		opts   fetch.Options
		before func(w http.ResponseWriter, r *http.Request, n int) bool
		ok     bool
		check  func(t *testing.T, err error, f *fakeMB, sl *sleeps)
	}{
		{
			name: "one request a second",
			ok:   true,
			check: func(t *testing.T, err error, f *fakeMB, sl *sleeps) {
				var total time.Duration
				for _, d := range sl.Waits() {
					total += d
				}
				if len(f.requests()) != 2 || total < time.Second {
					t.Errorf("%d requests, waits %v: a search and a lookup span a second", len(f.requests()), sl.Waits())
				}
			},
		},
		{
			name: "503 over the limit, then success",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(overLimit))
				return true
			},
			ok: true,
			check: func(t *testing.T, err error, f *fakeMB, sl *sleeps) {
				if len(f.requests()) != 3 || len(sl.Waits()) == 0 || sl.Waits()[0] <= 0 {
					t.Errorf("%d requests, waits %v: want a backoff and a retry", len(f.requests()), sl.Waits())
				}
			},
		},
		{
			name: "429 with Retry-After, then success",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Retry-After", "4")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(overLimit))
				return true
			},
			ok: true,
			check: func(t *testing.T, err error, f *fakeMB, sl *sleeps) {
				if got := sl.Waits(); len(got) == 0 || got[0] != 4*time.Second {
					t.Errorf("waits %v, want the 4 s Retry-After first", got)
				}
			},
		},
		{
			name: "5xx until giving up",
			opts: fetch.Options{Retries: 2},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(overLimit))
				return true
			},
			check: func(t *testing.T, err error, f *fakeMB, sl *sleeps) {
				if len(f.requests()) != 3 || !strings.Contains(err.Error(), "rate limit") {
					t.Errorf("%d requests, err = %v", len(f.requests()), err)
				}
			},
		},
		{
			name: "malformed JSON",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Write([]byte(`{"created":"2025-03-01T12:00:00.000Z","count":1,"artists":[{"id":"66c662b6`))
				return true
			},
			check: func(t *testing.T, err error, f *fakeMB, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want fetch.ErrMalformed", err)
				}
			},
		},
		{
			name: "blocked User-Agent",
			opts: fetch.Options{Retries: -1},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusForbidden)
				return true
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, sl := newFake(t, tc.opts)
			f.before = tc.before
			m, err := p.Lookup(context.Background(), search)
			switch {
			case tc.ok && err != nil:
				t.Fatal(err)
			case tc.ok && m.Metadata.ProviderIDs["musicbrainzartist"] != acdc:
				t.Fatalf("match %+v", m)
			case !tc.ok && err == nil:
				t.Fatal("no error")
			case errors.Is(err, core.ErrNotFound):
				t.Fatalf("err = %v: a failure is not core.ErrNotFound", err)
			}
			if tc.check != nil {
				tc.check(t, err, f, sl)
			}
		})
	}
}
