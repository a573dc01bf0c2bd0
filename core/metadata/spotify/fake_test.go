package spotify

import (
	"fmt"
	"github.com/walros/walros/core/metadata/fetch/fetchtest"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testID     = "walros-test-app"
	testSecret = "s3cr3t-client-secret-value"
)

// fakeSpotify plays accounts.spotify.com/api/token and api.spotify.com/v1, answering from
// testdata/*.json, and records what it was asked.
type fakeSpotify struct {
	mu     sync.Mutex
	reqs   []string // "path?query" of API requests
	tokens int      // tokens issued
	valid  string   // the access token the API accepts
	// before, when set, may answer an API request instead of the fixtures (failure injection);
	// n counts API requests from 1. It returns whether it did.
	before func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (f *fakeSpotify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/token" {
		f.token(w, r)
		return
	}
	f.mu.Lock()
	s := r.URL.Path
	if r.URL.RawQuery != "" {
		s += "?" + r.URL.RawQuery
	}
	f.reqs = append(f.reqs, s)
	n, valid, before := len(f.reqs), f.valid, f.before
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if valid == "" || r.Header.Get("Authorization") != "Bearer "+valid {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"status":401,"message":"The access token expired"}}`))
		return
	}
	if before != nil && before(w, r, n) {
		return
	}
	body, err := os.ReadFile(filepath.Join("testdata", fixtureFor(r)))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"status":404,"message":"Resource not found"}}`))
		return
	}
	w.Write(body)
}

// token answers the client-credentials grant, as the Web API's authorization guide shows it.
func (f *fakeSpotify) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.FormValue("grant_type") != "client_credentials" {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"unsupported_grant_type","error_description":"grant_type parameter is missing"}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok || id != testID || secret != testSecret {
		w.WriteHeader(http.StatusBadRequest)
		// A broken endpoint echoing the credentials: the provider must not repeat them.
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"Invalid client secret %s"}`, secret)
		return
	}
	f.mu.Lock()
	f.tokens++
	f.valid = fmt.Sprintf("BQDtoken-%d", f.tokens)
	tok := f.valid
	f.mu.Unlock()
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
}

// revoke makes the API refuse the current token, as when Spotify expires it early.
func (f *fakeSpotify) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = "revoked"
}

func (f *fakeSpotify) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

func (f *fakeSpotify) issued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens
}

// fixtureFor maps a request to a testdata file: "/v1/artists/{id}" is artist_{id}.json,
// "/v1/albums/{id}" album_{id}.json, and a search search_{type}_{words}.json, its words being
// q without field names, lower-cased, runs of other characters turned into "_".
func fixtureFor(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/v1/")
	switch {
	case strings.HasPrefix(p, "artists/"):
		return "artist_" + strings.TrimPrefix(p, "artists/") + ".json"
	case strings.HasPrefix(p, "albums/"):
		return "album_" + strings.TrimPrefix(p, "albums/") + ".json"
	case p == "search":
		q := strings.NewReplacer("album:", " ", "artist:", " ").Replace(r.URL.Query().Get("q"))
		name := "search_" + r.URL.Query().Get("type") + "_" + slug(q) + ".json"
		if _, err := os.Stat(filepath.Join("testdata", name)); err != nil {
			return "search_empty.json"
		}
		return name
	}
	return "unknown"
}

func slug(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), "_")
}

// sleeps is the fetch client's clock: it records waits instead of waiting.
type sleeps = fetchtest.Clock

// newFake starts a fake Spotify and a Provider signed in to it as testID with secret.
func newFake(t *testing.T, secret string, o Options) (*Provider, *fakeSpotify, *sleeps) {
	t.Helper()
	f := &fakeSpotify{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sl := fetchtest.NewClock(time.Time{})
	o.APIBaseURL, o.TokenURL, o.Sleep = srv.URL+"/v1", srv.URL+"/api/token", sl.Sleep
	return New(testID, secret, o), f, sl
}
