package spotify

import (
	"cmp"
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

var byID = core.LookupQuery{Kind: core.KindArtist, ProviderIDs: map[string]string{"spotify": acdc}}

// TestToken checks the client-credentials flow: one token for many requests, and a new one
// after Spotify refuses the cached token.
func TestToken(t *testing.T) {
	p, f, _ := newFake(t, testSecret, Options{})
	ctx := context.Background()
	for range 3 {
		if _, err := p.Lookup(ctx, byID); err != nil {
			t.Fatal(err)
		}
	}
	if f.issued() != 1 {
		t.Fatalf("%d tokens for 3 lookups, want 1", f.issued())
	}
	f.revoke()
	if _, err := p.Lookup(ctx, byID); err != nil {
		t.Fatalf("after a 401: %v", err)
	}
	if f.issued() != 2 {
		t.Errorf("%d tokens, want a second one after the 401", f.issued())
	}
	if n := len(f.requests()); n != 5 { // 3, then the refused one and its retry
		t.Errorf("%d API requests, want 5", n)
	}
}

// TestProviderFailures checks that Spotify's failures surface as errors the scanner logs and
// moves past: never core.ErrNotFound, and never with the client secret in them.
func TestProviderFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret string
		opts   Options
		before func(w http.ResponseWriter, r *http.Request, n int) bool
		ok     bool
		check  func(t *testing.T, err error, f *fakeSpotify, sl *sleeps)
	}{
		{
			name: "429 with Retry-After then success",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Retry-After", "7")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"error":{"status":429,"message":"API rate limit exceeded"}}`))
				return true
			},
			ok: true,
			check: func(t *testing.T, err error, f *fakeSpotify, sl *sleeps) {
				if got := sl.Waits(); !slices.Equal(got, []time.Duration{7 * time.Second}) {
					t.Errorf("waits %v, want the 7 s Retry-After", got)
				}
			},
		},
		{
			name: "huge Retry-After is capped",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n > 1 {
					return false
				}
				w.Header().Set("Retry-After", "86400")
				w.WriteHeader(http.StatusTooManyRequests)
				return true
			},
			ok: true,
			check: func(t *testing.T, err error, f *fakeSpotify, sl *sleeps) {
				if got := sl.Waits(); !slices.Equal(got, []time.Duration{maxWait}) {
					t.Errorf("waits %v, want %v", got, maxWait)
				}
			},
		},
		{
			name: "5xx until giving up",
			opts: Options{Retries: 2},
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.WriteHeader(http.StatusBadGateway)
				w.Write([]byte(`{"error":{"status":502,"message":"Bad gateway."}}`))
				return true
			},
			check: func(t *testing.T, err error, f *fakeSpotify, sl *sleeps) {
				if len(f.requests()) != 3 || len(sl.Waits()) != 2 {
					t.Errorf("requests %q waits %v, want 3 and 2", f.requests(), sl.Waits())
				}
				if !strings.Contains(err.Error(), "Bad gateway") {
					t.Errorf("err = %v: Spotify's explanation helps", err)
				}
			},
		},
		{
			name: "malformed JSON",
			before: func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Write([]byte(`{"id":"711MCceyCBcFnzjGY4Q7Un","name":"AC/DC","genres":[`))
				return true
			},
			check: func(t *testing.T, err error, f *fakeSpotify, sl *sleeps) {
				if !errors.Is(err, fetch.ErrMalformed) {
					t.Errorf("err = %v, want fetch.ErrMalformed", err)
				}
			},
		},
		{
			name:   "wrong secret",
			secret: "wrong-secret-value",
			check: func(t *testing.T, err error, f *fakeSpotify, sl *sleeps) {
				if strings.Contains(err.Error(), "wrong-secret-value") {
					t.Errorf("err = %v: it shows the client secret", err)
				}
				if len(f.requests()) != 0 {
					t.Errorf("requests %q without a token", f.requests())
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, sl := newFake(t, cmp.Or(tc.secret, testSecret), tc.opts)
			f.before = tc.before
			m, err := p.Lookup(context.Background(), byID)
			switch {
			case tc.ok && err != nil:
				t.Fatal(err)
			case tc.ok && m.Metadata.ProviderIDs["spotify"] != acdc:
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

func TestCancelledWhileWaiting(t *testing.T) {
	p, f, _ := newFake(t, testSecret, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
		cancel() // the scan stops while Spotify is down
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	_, err := p.Lookup(ctx, byID)
	if !errors.Is(err, context.Canceled) || errors.Is(err, core.ErrNotFound) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests after cancelling, want 1", n)
	}
}
