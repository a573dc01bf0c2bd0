package tvdb

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

// TestProviderFailures checks that TVDB's failures surface as errors the scanner logs and moves
// past: never core.ErrNotFound, which would mark the item as unknown to TVDB.
func TestProviderFailures(t *testing.T) {
	byID := core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}
	isGet := func(r *http.Request) bool { return r.Method == http.MethodGet }
	for _, tc := range []struct {
		name    string
		opts    fetch.Options
		key     string
		pin     string
		before  func(w http.ResponseWriter, r *http.Request, n int) bool
		wantErr bool
		check   func(t *testing.T, err error, f *fakeTVDB, sl *sleeps)
	}{
		{
			name: "timeout",
			opts: fetch.Options{HTTP: &http.Client{Timeout: 50 * time.Millisecond}, Retries: -1},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if !isGet(r) {
					return false
				}
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
				if n != 2 {
					return false
				}
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"status":"failure","message":"rate limit exceeded","data":null}`))
				return true
			},
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if got := sl.Waits(); len(got) != 1 || got[0] != 2*time.Second {
					t.Errorf("slept %v, want the 2 s Retry-After", got)
				}
				if len(f.requests()) != 3 { // login, 429, details
					t.Errorf("requests %q", f.paths())
				}
			},
		},
		{
			name: "500s until giving up",
			opts: fetch.Options{Retries: 2},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if !isGet(r) {
					return false
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`<html><body>503 Service Temporarily Unavailable</body></html>`))
				return true
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if len(f.requests()) != 4 || len(sl.Waits()) != 2 { // login and 3 attempts
					t.Errorf("requests %q, %d sleeps, want 4 and 2", f.paths(), len(sl.Waits()))
				}
				if !strings.Contains(err.Error(), "giving up after 3 attempts") {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "malformed body",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if strings.HasPrefix(r.URL.Path, "/v4/series/") {
					w.Write([]byte(`{"status":"success","data":{"id":81189,"name":"Breaking Bad","characters":[`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name: "no record in a 200",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if isGet(r) {
					w.Write([]byte(`{"status":"success","data":null}`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			},
		},
		{
			name: "malformed login answer",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == "/v4/login" {
					w.Write([]byte(`{"status":"success","data":{"token":`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) || strings.Contains(err.Error(), testKey) {
					t.Errorf("err = %v, want ErrMalformed without the key", err)
				}
			},
		},
		{
			name: "login down",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == "/v4/login" {
					w.WriteHeader(http.StatusBadGateway)
					w.Write([]byte(`<html>502 Bad Gateway</html>`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "502") {
					t.Errorf("err = %v, want a 502 that is not a refused key", err)
				}
			},
		},
		{
			name:    "bad key",
			key:     "0badbad0-0000-4000-8000-000000000000",
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				msg := err.Error()
				if strings.Contains(msg, "0badbad0") || !strings.Contains(msg, "401") || !errors.Is(err, ErrUnauthorized) {
					t.Errorf("err = %q, want a 401 without the key", msg)
				}
				if !strings.Contains(msg, "InvalidAPIKey: api key REDACTED is not valid") {
					t.Errorf("err = %q: TVDB's explanation, scrubbed, helps the admin", msg)
				}
			},
		},
		{
			name:    "bad pin",
			pin:     "WRONGPIN",
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				if strings.Contains(err.Error(), "WRONGPIN") || !errors.Is(err, ErrUnauthorized) {
					t.Errorf("err = %q", err)
				}
			},
		},
		{
			name: "token refused even after a new login",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if isGet(r) {
					w.WriteHeader(http.StatusUnauthorized)
					w.Write([]byte(`{"status":"failure","message":"Unauthorized","data":null}`))
					return true
				}
				return false
			},
			wantErr: true,
			check: func(t *testing.T, err error, f *fakeTVDB, sl *sleeps) {
				want := []string{"POST /login", "GET /series/81189/extended?meta=translations&short=false",
					"POST /login", "GET /series/81189/extended?meta=translations&short=false"}
				if got := f.paths(); !slices.Equal(got, want) {
					t.Errorf("requests %q, want one renewal", got)
				}
				if strings.Contains(err.Error(), "token-") {
					t.Errorf("err = %q shows the token", err)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if key == "" {
				key = testKey
			}
			p, f, sl := newFake(t, key, tc.pin, tc.opts, Options{})
			f.before = tc.before
			m, err := p.Lookup(context.Background(), byID)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if errors.Is(err, core.ErrNotFound) {
					t.Fatalf("err = %v: a provider failure must not read as not found", err)
				}
			} else if err != nil || m.Metadata.ProviderIDs["tvdb"] != "81189" {
				t.Fatalf("err %v, ids %v", err, m.Metadata.ProviderIDs)
			}
			if tc.check != nil {
				tc.check(t, err, f, sl)
			}
		})
	}
}
