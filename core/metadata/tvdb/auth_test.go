package tvdb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

func TestTokenRenewal(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	ctx := context.Background()
	if _, err := p.Lookup(ctx, core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}); err != nil {
		t.Fatal(err)
	}
	f.expire() // a month later
	m, err := p.Lookup(ctx, core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "76107"}})
	if err != nil || m.Metadata.Title != "Doctor Who" {
		t.Fatalf("err %v title %q", err, m.Metadata.Title)
	}
	want := []string{"POST /login", "GET /series/81189/extended?meta=translations&short=false",
		"GET /series/76107/extended?meta=translations&short=false", // refused
		"POST /login", "GET /series/76107/extended?meta=translations&short=false"}
	if got := f.paths(); !slices.Equal(got, want) {
		t.Fatalf("requests\n got %q\nwant %q", got, want)
	}
	if auth := f.requests()[4].Header.Get("Authorization"); !strings.Contains(auth, "token-2") {
		t.Errorf("the retry used %q, not the new token", auth)
	}
}

func TestConcurrentLookupsLogInOnce(t *testing.T) {
	p, f, _ := newFake(t, testKey, testPIN, fetch.Options{}, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	logins := slices.DeleteFunc(f.paths(), func(s string) bool { return s != "POST /login" })
	if len(logins) != 1 {
		t.Fatalf("%d logins, want 1", len(logins))
	}
}

func TestLoginBody(t *testing.T) {
	for _, tc := range []struct{ pin, want string }{
		// A project key logs in without a pin: TVDB wants the field absent, not empty.
		{"", `{"apikey":"` + testKey + `"}`},
		{testPIN, `{"apikey":"` + testKey + `","pin":"` + testPIN + `"}`},
	} {
		t.Run("pin "+tc.pin, func(t *testing.T) {
			var (
				mu     sync.Mutex
				bodies []string
			)
			p, f, _ := newFake(t, testKey, tc.pin, fetch.Options{}, Options{})
			f.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == "/v4/login" {
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					bodies = append(bodies, string(b)+" "+r.Header.Get("Content-Type"))
					mu.Unlock()
					r.Body = io.NopCloser(strings.NewReader(string(b)))
				}
				return false
			}
			if _, err := p.Lookup(context.Background(), core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if want := tc.want + " application/json"; len(bodies) != 1 || bodies[0] != want {
				t.Fatalf("login bodies %q, want %q", bodies, want)
			}
		})
	}
}

// TestRefusedKeyIsRemembered checks that a scan does not send TVDB one login per file with a
// key it refused, and that the key is tried again later.
func TestRefusedKeyIsRemembered(t *testing.T) {
	p, f, _ := newFake(t, "0badbad0-0000-4000-8000-000000000000", "", fetch.Options{}, Options{})
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	p.session.now = func() time.Time { return now }
	q := core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}
	for range 3 {
		if _, err := p.Lookup(context.Background(), q); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
	}
	if n := len(f.paths()); n != 1 {
		t.Fatalf("%d logins, want 1", n)
	}
	now = now.Add(rejectedFor)
	if _, err := p.Lookup(context.Background(), q); !errors.Is(err, ErrUnauthorized) || len(f.paths()) != 2 {
		t.Fatalf("err %v, %d logins: the key is tried again after %v", err, len(f.paths()), rejectedFor)
	}
}

// TestLoginDownIsRetried checks that an outage at login is not remembered like a refused key.
func TestLoginDownIsRetried(t *testing.T) {
	p, f, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	f.before = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	}
	q := core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}}
	if _, err := p.Lookup(context.Background(), q); err == nil {
		t.Fatal("no error")
	}
	if _, err := p.Lookup(context.Background(), q); err != nil {
		t.Fatalf("the second lookup logs in again: %v", err)
	}
}

func TestCancelledWhileAnotherLogsIn(t *testing.T) {
	p, _, _ := newFake(t, testKey, "", fetch.Options{}, Options{})
	p.session.sem <- struct{}{} // a login in progress
	defer func() { <-p.session.sem }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Lookup(ctx, core.LookupQuery{Kind: core.KindSeries, ProviderIDs: map[string]string{"tvdb": "81189"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
