package native

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/walros/walros/core"
)

// routePath turns a gin route into a request path with a plausible id in place of each parameter.
func routePath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "0190c2a0-7e5a-7b3c-9d1e-2f3a4b5c6d7e"
		}
	}
	return strings.Join(parts, "/")
}

func TestRoutesMatchSpec(t *testing.T) {
	e := newEnv(t)
	var got []string
	for _, r := range e.engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if name, ok := strings.CutPrefix(p, ":"); ok {
				parts[i] = "{" + name + "}"
			}
		}
		got = append(got, r.Method+" "+strings.Join(parts, "/"))
	}
	slices.Sort(got)
	want := e.spec.Operations()
	for _, op := range got {
		if !slices.Contains(want, op) {
			t.Errorf("route %s is not documented in openapi.yaml", op)
		}
	}
	for _, op := range want {
		if !slices.Contains(got, op) {
			t.Errorf("openapi.yaml documents %s, which is not routed", op)
		}
	}
}

// TestEveryRouteNeedsAuth walks every registered route with no credentials and with each kind of bad
// token: only the documented public routes may answer anything but 401.
func TestEveryRouteNeedsAuth(t *testing.T) {
	e := newEnv(t)
	valid := e.admin
	parts := strings.Split(valid, ".")

	// Tokens that must all be refused.
	tampered := parts[0] + "." + parts[1] + "." + flip(parts[2])
	claims := decodeSegment(t, parts[1])
	claims["sub"] = "someone-else"
	forged := parts[0] + "." + encodeSegment(t, claims) + "." + parts[2]
	none := encodeSegment(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."
	hs384, err := jwt.NewWithClaims(jwt.SigningMethodHS384, jwt.MapClaims(decodeSegment(t, parts[1]))).SignedString(e.key)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(decodeSegment(t, parts[1]))).
		SignedString([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	future := decodeSegment(t, parts[1])
	future["nbf"] = time.Now().Add(time.Hour).Unix()
	notYet, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(future)).SignedString(e.key)
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, header, value string }{
		{"no credentials", "", ""},
		{"empty bearer", "Authorization", "Bearer "},
		{"garbage", "Authorization", "Bearer not-a-token"},
		{"tampered signature", "Authorization", "Bearer " + tampered},
		{"forged claims", "Authorization", "Bearer " + forged},
		{"alg none", "Authorization", "Bearer " + none},
		{"HS384", "Authorization", "Bearer " + hs384},
		{"other key", "Authorization", "Bearer " + otherKey},
		{"not yet valid", "Authorization", "Bearer " + notYet},
		{"basic scheme", "Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin-password"))},
		{"unknown api key", "X-Api-Key", "wk_unknownunknownunknownunknownunknown"},
		{"unknown api key as bearer", "Authorization", "Bearer wk_nope"},
	}

	public := map[string]bool{}
	for _, r := range PublicRoutes {
		public[r] = true
	}
	routes := e.engine.Routes()
	for _, pr := range PublicRoutes {
		if !slices.ContainsFunc(routes, func(r gin.RouteInfo) bool { return r.Method+" "+r.Path == pr }) {
			t.Errorf("public route %s is not registered", pr)
		}
	}
	for _, r := range routes {
		if public[r.Method+" "+r.Path] {
			continue
		}
		for _, b := range bad {
			rec := e.do(r.Method, routePath(r.Path), "{}", b.header, b.value)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with %s: status %d, want 401", r.Method, r.Path, b.name, rec.Code)
			} else if rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s: 401 without WWW-Authenticate", r.Method, r.Path)
			}
		}
	}

	// The same valid token stops working once it expires.
	if rec := e.as(valid, http.MethodGet, "/api/v1/users/me", nil); rec.Code != http.StatusOK {
		t.Fatalf("valid token: %d", rec.Code)
	}
	e.clock.Add(16 * time.Minute)
	if rec := e.as(valid, http.MethodGet, "/api/v1/users/me", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("expired token: status %d, want 401", rec.Code)
	}
}

// TestOtherUsersCannotSee checks that a non-admin gets 404, never 403 or data, on admin routes and
// on what belongs to others.
func TestOtherUsersCannotSee(t *testing.T) {
	e := newEnv(t)
	granted := e.addLibrary("granted")
	hidden := e.addLibrary("hidden")
	bob, bobUser := e.addUser("bob", granted.ID)
	_, carolUser := e.addUser("carol")

	rename := map[string]any{"name": "renamed"}
	adminOnly := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/users", nil},
		{"POST", "/api/v1/users", map[string]any{"username": "mallory", "password": "xxxxxxxx", "admin": true}},
		{"GET", "/api/v1/users/" + carolUser.ID, nil},
		{"PATCH", "/api/v1/users/" + carolUser.ID, map[string]any{"admin": true}},
		{"DELETE", "/api/v1/users/" + carolUser.ID, nil},
		{"POST", "/api/v1/libraries", map[string]any{"name": "x", "type": "movies", "paths": []string{"/x"}}},
		{"PATCH", "/api/v1/libraries/" + granted.ID, rename},
		{"DELETE", "/api/v1/libraries/" + granted.ID, nil},
		{"GET", "/api/v1/libraries/" + hidden.ID, nil},
		{"PATCH", "/api/v1/libraries/" + hidden.ID, rename},
		{"GET", "/api/v1/apikeys", nil},
		{"POST", "/api/v1/apikeys", map[string]any{"name": "stolen"}},
		{"DELETE", "/api/v1/apikeys/" + hidden.ID, nil},
	}
	for _, r := range adminOnly {
		if rec := e.as(bob, r.method, r.path, r.body); rec.Code != http.StatusNotFound {
			t.Errorf("bob %s %s: status %d, want 404", r.method, r.path, rec.Code)
		}
	}
	// Nothing changed behind the 404s.
	if rec := e.as(e.admin, "GET", "/api/v1/users/"+carolUser.ID, nil); rec.Code != http.StatusOK {
		t.Fatalf("carol after bob's attempts: %d", rec.Code)
	}

	var libs listDTO[libraryDTO]
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/libraries", nil)), &libs)
	if len(libs.Items) != 1 || libs.Items[0].ID != granted.ID {
		t.Fatalf("bob sees libraries %+v, want only %s", libs.Items, granted.ID)
	}

	// Bob cannot see or revoke the admin's sessions, and all=true is admin-only.
	var sessions listDTO[sessionDTO]
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/sessions", nil)), &sessions)
	if len(sessions.Items) != 1 || !sessions.Items[0].Current {
		t.Fatalf("admin sessions: %+v", sessions.Items)
	}
	if rec := e.as(bob, "DELETE", "/api/v1/sessions/"+sessions.Items[0].ID, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("bob revoking the admin's session: %d, want 404", rec.Code)
	}
	if rec := e.as(bob, "GET", "/api/v1/sessions?all=true", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("bob listing all sessions: %d, want 404", rec.Code)
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/sessions", nil)), &sessions)
	if len(sessions.Items) != 1 || sessions.Items[0].UserID != bobUser.ID {
		t.Fatalf("bob's sessions: %+v", sessions.Items)
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	var codes []int
	for range 10 {
		rec := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "wrong-password"})
		codes = append(codes, rec.Code)
		if rec.Code == http.StatusTooManyRequests {
			if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s <= 0 {
				t.Fatalf("429 with Retry-After %q", rec.Header().Get("Retry-After"))
			}
		}
	}
	if codes[0] != http.StatusUnauthorized || codes[9] != http.StatusTooManyRequests {
		t.Fatalf("statuses of ten wrong passwords: %v; want 401 first and 429 at the end", codes)
	}
	// While locked, even the right password is refused, so the lock cannot be used as an oracle.
	rec := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "admin-password"})
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d, want 429", rec.Code)
	}
	e.clock.Add(16 * time.Minute)
	e.login("admin", "admin-password")
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func encodeSegment(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestThrottleCannotBeDodged covers the ways around a per-user lock: spelling the name differently
// (case, spaces, a NUL byte the database would drop) and sending the guesses all at once.
func TestThrottleCannotBeDodged(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	codes := make(chan int, 30)
	for range 30 {
		wg.Go(func() {
			codes <- e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "wrong-password"}).Code
		})
	}
	wg.Wait()
	close(codes)
	tries := 0
	for c := range codes {
		switch c {
		case http.StatusUnauthorized:
			tries++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("status %d in a burst of wrong passwords", c)
		}
	}
	if tries > core.DefaultThrottle.MaxFailures {
		t.Fatalf("%d passwords were checked in a burst, want at most %d", tries, core.DefaultThrottle.MaxFailures)
	}
	for _, name := range []string{"ADMIN", " admin ", "ad\x00min", "\x00admin", strings.Repeat("a", 5000)} {
		rec := e.do("POST", "/api/v1/auth/login", map[string]string{"username": name, "password": "admin-password"})
		if rec.Code == http.StatusOK {
			t.Errorf("login as %q succeeded while admin is locked", name)
		}
	}
}
