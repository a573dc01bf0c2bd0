package native

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestRefreshRotatesAndDetectsReuse(t *testing.T) {
	e := newEnv(t)
	var first tokenResponse
	e.decode(e.want(200, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "admin-password",
		"deviceId": "tv", "deviceName": "Living room", "client": "test"})), &first)
	if first.TokenType != "Bearer" || first.ExpiresIn != 900 || first.User.Username != "admin" || first.User.LastLoginAt == nil {
		t.Fatalf("login response: %+v", first)
	}
	var second tokenResponse
	e.decode(e.want(200, e.do("POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": first.RefreshToken})), &second)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
		t.Fatal("refresh did not rotate the refresh token")
	}
	e.want(200, e.as(second.AccessToken, "GET", "/api/v1/users/me", nil))
	// Right after a rotation, the old token is refused but the session lives: two tabs refreshing
	// at once must not sign the user out.
	e.want(401, e.do("POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": first.RefreshToken}))
	e.want(200, e.as(second.AccessToken, "GET", "/api/v1/users/me", nil))
	// Later, replaying the old refresh token means it leaked: the whole session ends.
	e.clock.Add(time.Minute)
	e.want(401, e.do("POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": first.RefreshToken}))
	e.want(401, e.as(second.AccessToken, "GET", "/api/v1/users/me", nil))
	e.want(401, e.do("POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": second.RefreshToken}))
	e.want(400, e.do("POST", "/api/v1/auth/refresh", map[string]string{}))
}

func TestLoginReplacesTheDevicesSession(t *testing.T) {
	e := newEnv(t)
	again := e.login("admin", "admin-password") // same deviceId as newEnv's login
	e.want(401, e.as(e.admin, "GET", "/api/v1/users/me", nil))
	e.want(200, e.as(again, "GET", "/api/v1/users/me", nil))
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	e.want(204, e.as(e.admin, "POST", "/api/v1/auth/logout", nil))
	e.want(401, e.as(e.admin, "GET", "/api/v1/libraries", nil))
}

func TestRefreshExpires(t *testing.T) {
	e := newEnv(t)
	var tok tokenResponse
	e.decode(e.want(200, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "admin-password"})), &tok)
	e.clock.Add(31 * 24 * time.Hour)
	e.want(401, e.do("POST", "/api/v1/auth/refresh", map[string]string{"refreshToken": tok.RefreshToken}))
}

func TestAPIKeys(t *testing.T) {
	e := newEnv(t)
	var created struct {
		apiKeyDTO
		Key string `json:"key"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/apikeys", map[string]string{"name": "Sonarr"})), &created)
	if !strings.HasPrefix(created.Key, created.Prefix) || created.Name != "Sonarr" {
		t.Fatalf("created key: %+v", created)
	}
	e.want(200, e.do("GET", "/api/v1/libraries", nil, "X-Api-Key", created.Key))
	e.want(201, e.do("POST", "/api/v1/users", map[string]string{"username": "dave", "password": "dave-password"},
		"Authorization", "Bearer "+created.Key)) // a key acts as an admin, as in Jellyfin
	e.want(404, e.do("GET", "/api/v1/users/me", nil, "X-Api-Key", created.Key)) // ... with no user
	e.want(400, e.do("POST", "/api/v1/auth/logout", nil, "X-Api-Key", created.Key))
	var keys listDTO[apiKeyDTO]
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/apikeys", nil)), &keys)
	if len(keys.Items) != 1 || keys.Items[0].LastUsedAt == nil || strings.Contains(e.as(e.admin, "GET", "/api/v1/apikeys", nil).Body.String(), created.Key) {
		t.Fatalf("keys: %+v", keys.Items)
	}
	e.want(204, e.as(e.admin, "DELETE", "/api/v1/apikeys/"+created.ID, nil))
	e.want(401, e.do("GET", "/api/v1/libraries", nil, "X-Api-Key", created.Key))
	e.want(400, e.as(e.admin, "POST", "/api/v1/apikeys", map[string]string{"name": " "}))
}

// TestLinkedTokens links another service's token to a user, as an admin sets up Overseerr's Plex
// mode: the token then acts as that user, until it is unlinked.
func TestLinkedTokens(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("kids")
	bob, u := e.addUser("bob", lib.ID)
	var link linkedTokenDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/users/"+u.ID+"/linked-tokens",
		map[string]string{"label": "plex.tv", "token": "PlexToken-abc123"})), &link)
	if link.UserID != u.ID || link.Label != "plex.tv" || link.Prefix != "Plex" {
		t.Fatalf("link %+v", link)
	}
	var me userDTO
	e.decode(e.want(200, e.do("GET", "/api/v1/users/me", nil, "Authorization", "Bearer PlexToken-abc123")), &me)
	if me.ID != u.ID {
		t.Fatalf("the linked token acts as %+v", me)
	}
	var list listDTO[linkedTokenDTO]
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/users/"+u.ID+"/linked-tokens", nil)), &list)
	if len(list.Items) != 1 || list.Items[0].LastUsedAt == nil || strings.Contains(e.as(e.admin, "GET", "/api/v1/users/"+u.ID+"/linked-tokens", nil).Body.String(), "abc123") {
		t.Fatalf("list %+v", list.Items)
	}
	e.want(404, e.as(bob, "GET", "/api/v1/users/"+u.ID+"/linked-tokens", nil)) // admins only
	e.want(404, e.as(bob, "POST", "/api/v1/users/"+u.ID+"/linked-tokens", map[string]string{"label": "x", "token": "abcdefghij"}))
	e.want(400, e.as(e.admin, "POST", "/api/v1/users/"+u.ID+"/linked-tokens", map[string]string{"label": "x", "token": "a.b.c.d.e.f"}))
	e.want(409, e.as(e.admin, "POST", "/api/v1/users/"+u.ID+"/linked-tokens", map[string]string{"label": "x", "token": "PlexToken-abc123"}))
	e.want(404, e.as(e.admin, "POST", "/api/v1/users/nobody/linked-tokens", map[string]string{"label": "x", "token": "abcdefghij"}))
	e.want(204, e.as(e.admin, "DELETE", "/api/v1/linked-tokens/"+link.ID, nil))
	e.want(401, e.do("GET", "/api/v1/users/me", nil, "Authorization", "Bearer PlexToken-abc123"))
	e.want(404, e.as(e.admin, "DELETE", "/api/v1/linked-tokens/"+link.ID, nil))
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("kids")
	bob, u := e.addUser("bob", lib.ID)
	if u.AllLibraries || len(u.LibraryIDs) != 1 || u.Admin {
		t.Fatalf("created user: %+v", u)
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		detail string
	}{
		{"taken regardless of case", map[string]any{"username": "BOB", "password": "12345678"}, 409, ""},
		{"short password", map[string]any{"username": "eve", "password": "short"}, 400, "password"},
		{"no username", map[string]any{"password": "12345678"}, 400, "username"},
		{"unknown library", map[string]any{"username": "eve", "password": "12345678", "allLibraries": false, "libraryIds": []string{"nope"}}, 400, "libraryIds"},
		{"unknown field", `{"username":"eve","password":"12345678","isAdmin":true}`, 400, "isAdmin"},
		{"wrong type", `{"username":"eve","password":12345678}`, 400, "password"},
		{"malformed", `{"username":`, 400, "malformed"},
		{"trailing data", `{"username":"eve","password":"12345678"} {}`, 400, "after"},
		{"empty", ``, 400, "JSON"},
		{"too large", `{"username":"` + strings.Repeat("a", 5000) + `","password":"12345678"}`, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.as(e.admin, "POST", "/api/v1/users", tc.body)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if p := problemOf(t, rec); !strings.Contains(p.Detail, tc.detail) || p.Status != tc.status {
				t.Fatalf("problem %+v, want detail mentioning %q", p, tc.detail)
			}
		})
	}

	// Self service: display name, and a password change that needs the current one.
	e.want(200, e.as(bob, "PATCH", "/api/v1/users/me", map[string]any{"displayName": "Bobby"}))
	e.want(400, e.as(bob, "PATCH", "/api/v1/users/me", map[string]any{"newPassword": "new-password", "currentPassword": "wrong"}))
	e.want(200, e.as(bob, "PATCH", "/api/v1/users/me", map[string]any{"newPassword": "new-password", "currentPassword": "bob-password"}))
	e.want(401, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "bob", "password": "bob-password"}))
	e.login("bob", "new-password")

	// Admin changes: disabling signs the user out at once.
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+u.ID, map[string]any{"allLibraries": true}))
	bob = e.login("bob", "new-password")
	var changed userDTO
	e.decode(e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+u.ID, map[string]any{"disabled": true})), &changed)
	if !changed.Disabled || !changed.AllLibraries || changed.DisplayName != "Bobby" {
		t.Fatalf("after patch: %+v", changed)
	}
	e.want(401, e.as(bob, "GET", "/api/v1/users/me", nil))
	e.want(401, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "bob", "password": "new-password"}))

	// Admins cannot lock themselves out.
	var me userDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/users/me", nil)), &me)
	e.want(400, e.as(e.admin, "PATCH", "/api/v1/users/"+me.ID, map[string]any{"admin": false}))
	e.want(400, e.as(e.admin, "DELETE", "/api/v1/users/"+me.ID, nil))

	var list listDTO[userDTO]
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/users", nil)), &list)
	if len(list.Items) != 2 {
		t.Fatalf("users: %+v", list.Items)
	}
	e.want(204, e.as(e.admin, "DELETE", "/api/v1/users/"+u.ID, nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/users/"+u.ID, nil))
	e.want(404, e.as(e.admin, "DELETE", "/api/v1/users/"+u.ID, nil))
}

func TestLibraries(t *testing.T) {
	e := newEnv(t)
	l := e.addLibrary("films")
	e.want(409, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "FILMS", "type": "movies", "paths": []string{"/x"}}))
	for _, body := range []map[string]any{
		{"name": "x", "type": "podcasts", "paths": []string{"/x"}},
		{"name": "x", "type": "movies", "paths": []string{"relative/path"}},
		{"name": "x", "type": "movies", "paths": []string{}},
		{"name": "", "type": "movies", "paths": []string{"/x"}},
	} {
		if rec := e.as(e.admin, "POST", "/api/v1/libraries", body); rec.Code != 400 {
			t.Errorf("%v: status %d, want 400", body, rec.Code)
		}
	}
	var got libraryDTO
	e.decode(e.want(200, e.as(e.admin, "PATCH", "/api/v1/libraries/"+l.ID,
		map[string]any{"name": "Films", "paths": []string{"/b/../a", "/a"}})), &got)
	if got.Name != "Films" || len(got.Paths) != 1 || got.Paths[0] != "/a" || got.Type != "movies" {
		t.Fatalf("after patch: %+v", got)
	}
	e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+l.ID, nil))
	e.want(204, e.as(e.admin, "DELETE", "/api/v1/libraries/"+l.ID, nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/libraries/"+l.ID, nil))
}

func TestItems(t *testing.T) {
	e := newEnv(t)
	open, closed := e.addLibrary("open"), e.addLibrary("closed")
	bob, _ := e.addUser("bob", open.ID)
	ctx := context.Background()
	now := time.Now()
	var secret core.Item
	for i, it := range []core.Item{
		{ID: "11111111-0000-7000-8000-000000000001", Kind: core.KindMovie, Title: "Heat", Year: 1995, LibraryID: core.LibraryID(open.ID)},
		{ID: "11111111-0000-7000-8000-000000000002", Kind: core.KindMovie, Title: "Alien", Year: 1979, LibraryID: core.LibraryID(open.ID)},
		{ID: "11111111-0000-7000-8000-000000000003", Kind: core.KindMovie, Title: "Secret", LibraryID: core.LibraryID(closed.ID)},
	} {
		it.CreatedAt, it.UpdatedAt = now.Add(time.Duration(i)*time.Second), now
		got, err := e.stores.Items.CreateItem(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		secret = got
	}
	var page struct {
		Items []itemDTO `json:"items"`
		Total int       `json:"total"`
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/items?type=movie,series&sort=year&order=desc&limit=1", nil)), &page)
	if page.Total != 2 || len(page.Items) != 1 || page.Items[0].Title != "Heat" || *page.Items[0].Year != 1995 || page.Items[0].Key <= 0 {
		t.Fatalf("bob's page: %+v", page)
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/items?library="+closed.ID, nil)), &page)
	if page.Total != 0 {
		t.Fatalf("bob sees a hidden library's items: %+v", page)
	}
	e.want(404, e.as(bob, "GET", "/api/v1/items/"+string(secret.ID), nil))
	var one itemDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+string(secret.ID), nil)), &one)
	if one.Key != secret.Key || one.LibraryID != closed.ID {
		t.Fatalf("item: %+v", one)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?q=SEC", nil)), &page)
	if page.Total != 1 || page.Items[0].Year != nil || page.Items[0].ParentID != nil {
		t.Fatalf("search: %+v", page)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "offset=-1", "sort=rating", "order=up", "type=podcast"} {
		if rec := e.as(bob, "GET", "/api/v1/items?"+q, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, rec.Code)
		}
	}
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	e.want(200, e.do("GET", "/healthz", nil))
	e.want(200, e.do("GET", "/readyz", nil))
	e.as(e.admin, "GET", "/api/v1/libraries", nil)
	if m := e.want(200, e.do("GET", "/metrics", nil)).Body.String(); !strings.Contains(m,
		`walros_http_request_duration_seconds_count{facade="native",method="GET",route="/api/v1/libraries",status="200"} 1`) {
		t.Fatalf("metrics lack the libraries request:\n%s", m)
	}
	docs := e.want(200, e.do("GET", "/api/docs", nil))
	if !strings.Contains(docs.Body.String(), "/auth/login") {
		t.Fatal("docs page does not list /auth/login")
	}
	spec := e.want(200, e.do("GET", "/api/v1/openapi.yaml", nil))
	if !strings.HasPrefix(spec.Body.String(), "openapi: 3.1") {
		t.Fatalf("spec starts with %q", spec.Body.String()[:20])
	}
	if p := problemOf(t, e.want(404, e.do("GET", "/api/v2/nope", nil))); p.RequestID == "" {
		t.Fatal("problem without request id")
	}
	e.want(405, e.do("PUT", "/healthz", nil))
}

func TestEditItem(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	it, err := e.stores.Items.CreateItem(ctx, core.Item{ID: "22222222-0000-7000-8000-000000000001", Kind: core.KindMovie,
		Title: "Heet", LibraryID: core.LibraryID(lib.ID), CreatedAt: time.Now(), UpdatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/items/" + string(it.ID)
	var d itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "PATCH", path, map[string]any{"title": "Heat", "year": 1995, "genres": []string{"Crime", "Thriller"},
		"premiere": "1995-12-15", "overview": "A heist."})), &d)
	if d.Title != "Heat" || *d.Year != 1995 || len(d.Genres) != 2 || *d.Premiere != "1995-12-15" || d.Overview != "A heist." ||
		!slices.Equal(d.LockedFields, []string{"title", "overview", "year", "genres", "premiere"}) {
		t.Fatalf("after edit: %+v", d)
	}
	// What refreshes bring later does not change locked fields.
	if err := e.stores.Metadata.SetMetadata(ctx, it.ID, core.Merge(mustMeta(t, e, it.ID), core.Metadata{Title: "Wrong", Tagline: "New"})); err != nil {
		t.Fatal(err)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", path, nil)), &d)
	if d.Title != "Heat" || d.Tagline != "New" {
		t.Fatalf("after a refresh: title %q, tagline %q", d.Title, d.Tagline)
	}
	var page struct {
		Total int `json:"total"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?genre=crime&year=1995&letter=h", nil)), &page)
	if page.Total != 1 {
		t.Fatalf("filtered: %d", page.Total)
	}
	e.want(400, e.as(e.admin, "PATCH", path, map[string]any{"unlock": []string{"nonsense"}}))
	e.want(400, e.as(e.admin, "PATCH", path, map[string]any{"title": " "}))
	e.want(400, e.as(e.admin, "PATCH", path, map[string]any{"premiere": "15/12/1995"}))
	e.want(400, e.as(e.admin, "GET", "/api/v1/items?letter=ab", nil))
	e.decode(e.want(200, e.as(e.admin, "PATCH", path, map[string]any{"unlock": []string{"title"}})), &d)
	if slices.Contains(d.LockedFields, "title") {
		t.Fatalf("title still locked: %v", d.LockedFields)
	}
	bob, _ := e.addUser("bob")
	e.want(404, e.as(bob, "PATCH", path, map[string]any{"title": "Mine"}))
}

func mustMeta(t *testing.T, e *env, id core.ItemID) core.Metadata {
	t.Helper()
	m, err := e.stores.Metadata.ItemMetadata(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFacetsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	open, closed := e.addLibrary("open"), e.addLibrary("closed")
	bob, _ := e.addUser("bob", open.ID)
	ctx := context.Background()
	for i, x := range []struct {
		lib   string
		genre string
	}{{open.ID, "Crime"}, {open.ID, "Crime"}, {closed.ID, "Horror"}} {
		id := core.ItemID(fmt.Sprintf("33333333-0000-7000-8000-00000000000%d", i))
		if _, err := e.stores.Items.CreateItem(ctx, core.Item{ID: id, Kind: core.KindMovie, Title: "x", LibraryID: core.LibraryID(x.lib),
			CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := e.stores.Metadata.SetMetadata(ctx, id, core.Metadata{Title: "x", Genres: []string{x.genre}, Collection: "Set"}); err != nil {
			t.Fatal(err)
		}
	}
	var page struct {
		Items []struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		} `json:"items"`
		Total int `json:"total"`
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/genres", nil)), &page)
	if page.Total != 1 || page.Items[0].Name != "Crime" || page.Items[0].Count != 2 {
		t.Fatalf("bob's genres: %+v (a hidden library's genre must not show)", page)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/collections", nil)), &page)
	if page.Total != 1 || page.Items[0].Count != 3 {
		t.Fatalf("collections: %+v", page)
	}
	e.want(400, e.as(bob, "GET", "/api/v1/people?limit=0", nil))
	var items struct {
		Total int `json:"total"`
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/items?collection=set", nil)), &items)
	if items.Total != 2 {
		t.Fatalf("bob's items in the collection: %d", items.Total)
	}
}

func TestIdentifyItem(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	it, err := e.stores.Items.CreateItem(ctx, core.Item{ID: "44444444-0000-7000-8000-000000000001", Kind: core.KindMovie,
		Title: "Dune", LibraryID: core.LibraryID(lib.ID), CreatedAt: time.Now(), UpdatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.stores.Metadata.SetReview(ctx, it.ID, "ambiguous match at tmdb: Dune"); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/items/" + string(it.ID) + "/identify"
	bob, _ := e.addUser("bob")
	e.want(404, e.as(bob, "POST", path, map[string]any{"providerIds": map[string]string{"tmdb": "438631"}}))
	e.want(400, e.as(e.admin, "POST", path, map[string]any{"providerIds": map[string]string{}}))
	var d itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "POST", path, map[string]any{"providerIds": map[string]string{"tmdb": "438631"}})), &d)
	if d.Review != "" || d.ProviderIDs["tmdb"] != "438631" {
		t.Fatalf("after identify: review %q, ids %v", d.Review, d.ProviderIDs)
	}
}
