package tmdb

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

// TestProviderFailures checks that TMDb's failures surface as errors the scanner logs and moves
// past: never core.ErrNotFound, which would mark the item as unknown to TMDb.
func TestProviderFailures(t *testing.T) {
	dune := core.LookupQuery{Kind: core.KindMovie, Title: "Dune", Year: 2021}
	for _, tc := range []struct {
		name    string
		opts    fetch.Options
		key     string
		before  func(w http.ResponseWriter, r *http.Request, n int) bool
		wantErr bool
		check   func(t *testing.T, err error, f *fakeTMDb, sl *sleeps)
	}{
		{
			name: "timeout",
			opts: fetch.Options{HTTP: &http.Client{Timeout: 50 * time.Millisecond}, Retries: -1},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
				return true
			},
			wantErr: true,
		},
		{
			name: "429 then success",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"success":false,"status_code":25,"status_message":"Your request count (#) is over the allowed limit of (40)."}`))
				return true
			},
			check: func(t *testing.T, err error, f *fakeTMDb, sl *sleeps) {
				if got := sl.Waits(); len(got) != 1 || got[0] != 2*time.Second {
					t.Errorf("slept %v, want the 2 s Retry-After", got)
				}
				if len(f.requests()) != 3 { // 429, search, details
					t.Errorf("%d requests", len(f.requests()))
				}
			},
		},
		{
			name: "500s until giving up",
			opts: fetch.Options{Retries: 2},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"success":false,"status_code":11,"status_message":"Internal error: Something went wrong, contact TMDB."}`))
				return true
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTMDb, sl *sleeps) {
				if len(f.requests()) != 3 || len(sl.Waits()) != 2 {
					t.Errorf("%d requests, %d sleeps, want 3 and 2", len(f.requests()), len(sl.Waits()))
				}
			},
		},
		{
			name: "malformed body",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if strings.HasPrefix(r.URL.Path, "/3/movie/") {
					w.Write([]byte(`{"id": 438631, "title": "Dune", "credits": {"cast": [`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTMDb, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name:    "bad key",
			key:     "ffffffffffffffffffffffffffffffff",
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTMDb, sl *sleeps) {
				if strings.Contains(err.Error(), "ffffffff") || !strings.Contains(err.Error(), "401") {
					t.Errorf("err = %q, want a 401 without the key", err)
				}
				if len(f.requests()) != 1 {
					t.Errorf("%d requests: a bad key must not be retried", len(f.requests()))
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if key == "" {
				key = testKey
			}
			p, f, sl := newFake(t, key, tc.opts)
			f.before = tc.before
			m, err := p.Lookup(context.Background(), dune)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if errors.Is(err, core.ErrNotFound) {
					t.Fatalf("err = %v: a provider failure must not read as not found", err)
				}
			} else if err != nil || m.Metadata.ProviderIDs["tmdb"] != "438631" {
				t.Fatalf("err %v, ids %v", err, m.Metadata.ProviderIDs)
			}
			if tc.check != nil {
				tc.check(t, err, f, sl)
			}
		})
	}
}
