package mal

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

const rateLimited = `{"status":429,"type":"RateLimitException","message":"You are being rate-limited. Please follow Rate Limiting guidelines: https://docs.api.jikan.moe/#section/Information/Rate-Limiting","error":null}`

// TestProviderFailures checks that Jikan's failures surface as errors the scanner logs and moves
// past: never core.ErrNotFound, which would mark the anime as unknown to MyAnimeList.
func TestProviderFailures(t *testing.T) {
	akira := core.LookupQuery{Kind: core.KindMovie, Title: "Akira", Year: 1988}
	for _, tc := range []struct {
		name    string
		q       core.LookupQuery
		opts    fetch.Options
		before  func(w http.ResponseWriter, r *http.Request, n int) bool
		wantErr bool
		check   func(t *testing.T, err error, f *fakeJikan, sl *sleeps)
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
				w.WriteHeader(http.StatusTooManyRequests) // Jikan sends no Retry-After
				w.Write([]byte(rateLimited))
				return true
			},
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if len(f.requests()) != 3 { // 429, search, details
					t.Errorf("requests %q", f.paths())
				}
				// A backoff after the 429, and never more than a request a second: three
				// requests span at least two seconds (less the clock's rounding: the waits are
				// measured from real time, and once summed to 1999.999999 ms).
				var total time.Duration
				for _, d := range sl.Waits() {
					total += d
				}
				if got := sl.Waits(); len(got) == 0 || got[0] <= 0 || total < 2*time.Second-time.Millisecond {
					t.Errorf("waits %v", got)
				}
			},
		},
		{
			name: "429 with Retry-After",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Retry-After", "5")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(rateLimited))
				return true
			},
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if got := sl.Waits(); len(got) < 1 || got[0] != 5*time.Second {
					t.Errorf("waits %v, want the 5 s Retry-After first", got)
				}
			},
		},
		{
			name: "500s until giving up",
			opts: fetch.Options{Retries: 2},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"status":500,"type":"UpstreamException","message":"MyAnimeList is down or unavailable","error":"","report_url":""}`))
				return true
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if len(f.requests()) != 3 {
					t.Errorf("%d requests, want 3", len(f.requests()))
				}
				if !strings.Contains(err.Error(), "MyAnimeList is down") {
					t.Errorf("err = %v: Jikan's explanation helps", err)
				}
			},
		},
		{
			name: "503 maintenance",
			opts: fetch.Options{Retries: -1},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`<html><body><h1>503 Service Unavailable</h1></body></html>`))
				return true
			},
			wantErr: true,
		},
		{
			name: "malformed search",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Write([]byte(`{"pagination":{"last_visible_page":1},"data":[{"mal_id":47,"title":"Akira"`))
				return true
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name: "wrong shape",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if strings.HasSuffix(r.URL.Path, "/full") {
					w.Write([]byte(`{"data":{"mal_id":"forty-seven","title":"Akira"}}`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name: "no record in a 200",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if strings.HasSuffix(r.URL.Path, "/full") {
					w.Write([]byte(`{"data":null}`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name: "malformed episode page",
			q:    core.LookupQuery{Kind: core.KindEpisode, SeriesProviderIDs: map[string]string{"mal": "21"}, Absolute: ptr(1001)},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Write([]byte(`{"pagination":{"has_next_page":true},"data":[{"mal_id":1001,"title":`))
				return true
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeJikan, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, sl := newFake(t, tc.opts, Options{})
			f.before = tc.before
			q := tc.q
			if q.Kind == "" {
				q = akira
			}
			m, err := p.Lookup(context.Background(), q)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if errors.Is(err, core.ErrNotFound) {
					t.Fatalf("err = %v: a provider failure must not read as not found", err)
				}
			} else if err != nil || m.Metadata.ProviderIDs["mal"] != "47" {
				t.Fatalf("err %v ids %v", err, m.Metadata.ProviderIDs)
			}
			if tc.check != nil {
				tc.check(t, err, f, sl)
			}
		})
	}
}

func TestPacing(t *testing.T) {
	p, f, sl := newFake(t, fetch.Options{}, Options{})
	ctx := context.Background()
	for _, id := range []string{"21", "16498", "47"} {
		if _, err := p.Lookup(ctx, core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"mal": id}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.requests()) != 3 || !slices.Equal(sl.Waits(), []time.Duration{time.Second, time.Second}) {
		t.Fatalf("%d requests, waits %v: want a second between requests", len(f.requests()), sl.Waits())
	}
}
