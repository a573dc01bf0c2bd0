package tmdb

import (
	"context"
	"github.com/walros/walros/core/metadata/fetch/fetchtest"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core/metadata/fetch"
)

const testKey = "0123456789abcdef0123456789abcdef" // a v3 key's shape

// fakeTMDb replays testdata/*.json the way api.themoviedb.org/3 would answer, and records what
// it was asked.
type fakeTMDb struct {
	t    *testing.T
	mu   sync.Mutex
	reqs []*http.Request
	// before, when set, may answer instead of the fixtures (failure injection); it returns
	// whether it did.
	before func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (f *fakeTMDb) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	n := len(f.reqs)
	before := f.before
	f.mu.Unlock()
	if before != nil && before(w, r, n) {
		return
	}
	q := r.URL.Query()
	if q.Get("api_key") != testKey && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"status_code":7,"status_message":"Invalid API key: You must be granted a valid key.","success":false}`))
		return
	}
	name := fixtureFor(r)
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}`))
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Write(body)
}

// fixtureFor maps a request to a testdata file: searches by query, /find by id, and details by
// path ("/3/tv/1396/season/1" is tv_1396_season_1.json).
func fixtureFor(r *http.Request) string {
	q := r.URL.Query()
	path := strings.TrimPrefix(r.URL.Path, "/3/")
	switch {
	case path == "search/movie":
		if name, ok := movieSearches[strings.ToLower(q.Get("query"))]; ok {
			return name
		}
		return "search_empty.json"
	case path == "search/tv":
		if strings.EqualFold(q.Get("query"), "breaking bad") {
			return "search_tv_breaking_bad.json"
		}
		return "search_empty.json"
	case strings.HasPrefix(path, "find/"):
		id := strings.TrimPrefix(path, "find/")
		switch {
		case q.Get("external_source") == "imdb_id" && id == "tt1160419":
			return "find_tt1160419.json"
		case q.Get("external_source") == "tvdb_id" && id == "81189":
			return "find_tvdb_81189.json"
		}
		return "find_empty.json" // TMDb answers 200 with empty lists for unknown ids
	}
	return strings.ReplaceAll(path, "/", "_") + ".json"
}

// movieSearches maps /search/movie queries to their answers.
var movieSearches = map[string]string{
	"dune":                                "search_movie_dune.json",
	"amelie":                              "search_movie_amelie.json",
	"amélie":                              "search_movie_amelie.json",
	"le fabuleux destin d'amelie poulain": "search_movie_amelie.json",
	"zzyzx road trip":                     "search_movie_road.json",
}

// requests returns the recorded requests.
func (f *fakeTMDb) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

// sleeps is the fetch client's clock: it records waits instead of waiting.
type sleeps = fetchtest.Clock

// newFake starts a fake TMDb and a Provider talking to it with key.
func newFake(t *testing.T, key string, o fetch.Options) (*Provider, *fakeTMDb, *sleeps) {
	t.Helper()
	f := &fakeTMDb{t: t}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sl := fetchtest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	if o.Rate == 0 {
		o.Rate = -1
	}
	o.Now, o.Sleep = sl.Now, sl.Sleep
	p := New(key, fetch.New(o), Options{BaseURL: srv.URL + "/3", ImageBaseURL: "https://img.test/t/p/original"})
	return p, f, sl
}
