package tvdb

import (
	"context"
	"encoding/json"
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

	"github.com/walros/walros/core/metadata/fetch"
)

const (
	testKey = "6b2a1a4e-8c5d-4f1e-9a7b-3c2d1e0f9a8b" // a v4 key's shape
	testPIN = "QWERTY12"
)

// fakeTVDB replays testdata/*.json the way api4.thetvdb.com/v4 would answer: POST /login trades
// the key for a token, and every other request needs a token it issued and did not expire.
type fakeTVDB struct {
	t      *testing.T
	mu     sync.Mutex
	reqs   []*http.Request
	logins int
	valid  map[string]bool
	// before, when set, may answer instead of the fixtures (failure injection); it returns
	// whether it did. n counts every request, logins included.
	before func(w http.ResponseWriter, r *http.Request, n int) bool
}

func (f *fakeTVDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	n := len(f.reqs)
	before := f.before
	f.mu.Unlock()
	if before != nil && before(w, r, n) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/v4/login" {
		f.login(w, r)
		return
	}
	f.mu.Lock()
	ok := f.valid[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"status":"failure","message":"Unauthorized","data":null}`))
		return
	}
	body, err := os.ReadFile(filepath.Join("testdata", fixtureFor(r)))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"status":"failure","message":"NotFoundException: record not found","data":null}`))
		return
	}
	w.Write(body)
}

// login checks the key and PIN as TVDB does and issues a new token each time. A refused key
// is echoed back, to check that the provider scrubs it from its errors.
func (f *fakeTVDB) login(w http.ResponseWriter, r *http.Request) {
	var in map[string]string
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"status":"failure","message":"bad request","data":null}`))
		return
	}
	if in["apikey"] != testKey || (in["pin"] != "" && in["pin"] != testPIN) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"status":"failure","message":"InvalidAPIKey: api key %s is not valid","data":null}`, in["apikey"])
		return
	}
	f.mu.Lock()
	f.logins++
	tok := fmt.Sprintf("eyJhbGciOiJSUzI1NiJ9.token-%d.c2ln", f.logins)
	f.valid[tok] = true
	f.mu.Unlock()
	fmt.Fprintf(w, `{"status":"success","data":{"token":%q}}`, tok)
}

// expire revokes every token issued so far, as a month passing would.
func (f *fakeTVDB) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.valid)
}

// fixtureFor maps a request to a testdata file: searches by query, the rest by path
// ("/v4/series/78874/episodes/dvd?page=0" is episodes_78874_dvd_0.json).
func fixtureFor(r *http.Request) string {
	q := r.URL.Query()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v4/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "search":
		if name, ok := searches[strings.ToLower(q.Get("query"))]; ok && q.Get("type") == "series" {
			return name // like TMDb's fake, it ignores the year: the scoring must weigh it
		}
		return "search_empty.json"
	case len(parts) == 3 && parts[0] == "series" && parts[2] == "extended":
		if q.Get("meta") != "translations" || q.Get("short") != "false" {
			return "missing meta"
		}
		return "series_" + parts[1] + ".json"
	case len(parts) == 4 && parts[0] == "series" && parts[2] == "episodes":
		return fmt.Sprintf("episodes_%s_%s_%s.json", parts[1], parts[3], q.Get("page"))
	case len(parts) == 3 && parts[0] == "episodes" && parts[2] == "extended":
		return "episode_" + parts[1] + ".json"
	}
	return "unknown"
}

// searches maps /search queries to their answers.
var searches = map[string]string{
	"breaking bad":    "search_breaking_bad.json",
	"doctor who":      "search_doctor_who.json",
	"zzyzx road trip": "search_road_trip.json",
}

// requests returns the recorded requests.
func (f *fakeTVDB) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

// paths returns the recorded requests as "METHOD path?query" strings.
func (f *fakeTVDB) paths() []string {
	var out []string
	for _, r := range f.requests() {
		s := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/v4")
		if r.URL.RawQuery != "" {
			s += "?" + r.URL.RawQuery
		}
		out = append(out, s)
	}
	return out
}

// sleeps is the fetch client's clock: it records waits instead of waiting.
type sleeps = fetchtest.Clock

// newFake starts a fake TVDB and a Provider talking to it with key and pin.
func newFake(t *testing.T, key, pin string, o fetch.Options, po Options) (*Provider, *fakeTVDB, *sleeps) {
	t.Helper()
	f := &fakeTVDB{t: t, valid: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sl := fetchtest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	if o.Rate == 0 {
		o.Rate = -1
	}
	o.Now, o.Sleep = sl.Now, sl.Sleep
	po.BaseURL = srv.URL + "/v4"
	if po.HTTP == nil {
		po.HTTP = srv.Client()
	}
	return New(key, pin, fetch.New(o), po), f, sl
}
