package openapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func mustLoad(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestLoad(t *testing.T) {
	doc := mustLoad(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if got := basePath(doc); got != "/api/v1" {
		t.Errorf("base path = %q, want /api/v1", got)
	}
	schemes := doc.Components.SecuritySchemes
	if s := schemes["bearer"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" || s.Value.BearerFormat != "JWT" {
		t.Errorf("securitySchemes.bearer = %+v, want http bearer JWT", s)
	}
	if s := schemes["apiKey"]; s == nil || s.Value.Type != "apiKey" || s.Value.In != "header" || s.Value.Name != "X-Api-Key" {
		t.Errorf("securitySchemes.apiKey = %+v, want apiKey in header X-Api-Key", s)
	}
	// Either scheme alone is enough: two requirements, one scheme each.
	if len(doc.Security) != 2 || len(doc.Security[0]) != 1 || len(doc.Security[1]) != 1 {
		t.Errorf("global security = %v, want bearer or apiKey", doc.Security)
	}
}

func TestLoadReturnsFreshDocuments(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	a.Info.Title = "changed"
	if b.Info.Title == "changed" {
		t.Fatal("Load returned a shared document")
	}
}

func TestOperations(t *testing.T) {
	want := []string{
		"DELETE /api/v1/apikeys/{id}",
		"DELETE /api/v1/boxsets/{id}",
		"DELETE /api/v1/boxsets/{id}/items/{item}",
		"DELETE /api/v1/items/{id}/images/{kind}/{index}",
		"DELETE /api/v1/items/{id}/played",
		"DELETE /api/v1/libraries/{id}",
		"DELETE /api/v1/linked-tokens/{id}",
		"DELETE /api/v1/lists/{id}",
		"DELETE /api/v1/lists/{id}/items/{item}",
		"DELETE /api/v1/playlists/{id}",
		"DELETE /api/v1/playlists/{id}/entries/{entry}",
		"DELETE /api/v1/sessions/{id}",
		"DELETE /api/v1/users/me/watchlist/{item}",
		"DELETE /api/v1/users/{id}",
		"GET /api/v1/apikeys",
		"GET /api/v1/collections",
		"GET /api/v1/genres",
		"GET /api/v1/history",
		"GET /api/v1/items",
		"GET /api/v1/items/{id}",
		"GET /api/v1/items/{id}/audio",
		"GET /api/v1/items/{id}/dash/manifest.mpd",
		"GET /api/v1/items/{id}/download",
		"GET /api/v1/items/{id}/downloads",
		"GET /api/v1/items/{id}/files/{fileId}/subtitles/{name}",
		"GET /api/v1/items/{id}/hls/master.m3u8",
		"GET /api/v1/items/{id}/hls/{rendition}/{file}",
		"GET /api/v1/items/{id}/images",
		"GET /api/v1/items/{id}/images/{kind}/{index}",
		"GET /api/v1/items/{id}/lists",
		"GET /api/v1/items/{id}/stream",
		"GET /api/v1/items/{id}/subtitles/{name}",
		"GET /api/v1/items/{id}/thumbs/{name}",
		"GET /api/v1/items/{id}/userdata",
		"GET /api/v1/libraries",
		"GET /api/v1/libraries/{id}",
		"GET /api/v1/libraries/{id}/scan",
		"GET /api/v1/libraries/{id}/scan/events",
		"GET /api/v1/lists",
		"GET /api/v1/lists/{id}",
		"GET /api/v1/lists/{id}/items",
		"GET /api/v1/openapi.yaml",
		"GET /api/v1/people",
		"GET /api/v1/people/{name}",
		"GET /api/v1/people/{name}/image",
		"GET /api/v1/playlists",
		"GET /api/v1/playlists/{id}",
		"GET /api/v1/playlists/{id}/downloads",
		"GET /api/v1/playlists/{id}/entries",
		"GET /api/v1/ratings",
		"GET /api/v1/sessions",
		"GET /api/v1/stats",
		"GET /api/v1/studios",
		"GET /api/v1/system/logs",
		"GET /api/v1/system/playing",
		"GET /api/v1/system/transcodes",
		"GET /api/v1/tags",
		"GET /api/v1/users",
		"GET /api/v1/users/me",
		"GET /api/v1/users/me/export",
		"GET /api/v1/users/me/favorites",
		"GET /api/v1/users/me/nextup",
		"GET /api/v1/users/me/resume",
		"GET /api/v1/users/me/stats",
		"GET /api/v1/users/me/watchlist",
		"GET /api/v1/users/public",
		"GET /api/v1/users/{id}",
		"GET /api/v1/users/{id}/export",
		"GET /api/v1/users/{id}/linked-tokens",
		"GET /api/v1/users/{id}/stats",
		"HEAD /api/v1/items/{id}/download",
		"HEAD /api/v1/items/{id}/stream",
		"PATCH /api/v1/items/{id}",
		"PATCH /api/v1/items/{id}/userdata",
		"PATCH /api/v1/libraries/{id}",
		"PATCH /api/v1/lists/{id}",
		"PATCH /api/v1/playlists/{id}",
		"PATCH /api/v1/users/me",
		"PATCH /api/v1/users/{id}",
		"POST /api/v1/apikeys",
		"POST /api/v1/auth/login",
		"POST /api/v1/auth/logout",
		"POST /api/v1/auth/refresh",
		"POST /api/v1/auth/switch",
		"POST /api/v1/boxsets",
		"POST /api/v1/boxsets/{id}/items",
		"POST /api/v1/items/{id}/identify",
		"POST /api/v1/items/{id}/images/{kind}",
		"POST /api/v1/items/{id}/images/{kind}/{index}/select",
		"POST /api/v1/items/{id}/media-token",
		"POST /api/v1/items/{id}/playback",
		"POST /api/v1/items/{id}/played",
		"POST /api/v1/items/{id}/progress",
		"POST /api/v1/libraries",
		"POST /api/v1/libraries/{id}/scan",
		"POST /api/v1/lists",
		"POST /api/v1/lists/{id}/items",
		"POST /api/v1/playlists",
		"POST /api/v1/playlists/{id}/entries",
		"POST /api/v1/playlists/{id}/entries/{entry}/move",
		"POST /api/v1/users",
		"POST /api/v1/users/me/import",
		"POST /api/v1/users/{id}/import",
		"POST /api/v1/users/{id}/linked-tokens",
		"PUT /api/v1/users/me/watchlist/{item}",
	}
	if got := Operations(mustLoad(t)); !slices.Equal(got, want) {
		t.Errorf("Operations() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStatuses pins the statuses of each operation; 500 is on all but the
// static document.
func TestStatuses(t *testing.T) {
	want := map[string]string{
		"POST /auth/login":                                "200 400 401 413 429",
		"POST /auth/refresh":                              "200 400 401 413 429",
		"POST /auth/logout":                               "204 400 401",
		"POST /auth/switch":                               "200 400 401 404 413 429",
		"GET /users/public":                               "200",
		"GET /users/me":                                   "200 401 404",
		"PATCH /users/me":                                 "200 400 401 404 413",
		"GET /users":                                      "200 401 404",
		"POST /users":                                     "201 400 401 404 409 413",
		"GET /users/{id}":                                 "200 401 404",
		"PATCH /users/{id}":                               "200 400 401 404 409 413",
		"DELETE /users/{id}":                              "204 400 401 404",
		"GET /libraries":                                  "200 401",
		"POST /libraries":                                 "201 400 401 404 409 413",
		"GET /libraries/{id}":                             "200 401 404",
		"PATCH /libraries/{id}":                           "200 400 401 404 409 413",
		"DELETE /libraries/{id}":                          "204 401 404",
		"POST /libraries/{id}/scan":                       "202 401 404",
		"GET /libraries/{id}/scan":                        "200 401 404",
		"GET /items":                                      "200 400 401",
		"GET /items/{id}":                                 "200 401 404",
		"PATCH /items/{id}":                               "200 400 401 404 413",
		"POST /items/{id}/identify":                       "200 400 401 404 413",
		"GET /items/{id}/images/{kind}/{index}":           "200 304 400 401 404",
		"DELETE /items/{id}/images/{kind}/{index}":        "200 400 401 404",
		"GET /items/{id}/images":                          "200 401 404",
		"POST /items/{id}/images/{kind}":                  "201 400 401 404 413",
		"POST /items/{id}/images/{kind}/{index}/select":   "200 400 401 404",
		"GET /libraries/{id}/scan/events":                 "200 401 404",
		"GET /genres":                                     "200 400 401",
		"GET /studios":                                    "200 400 401",
		"GET /tags":                                       "200 400 401",
		"GET /collections":                                "200 400 401",
		"GET /people":                                     "200 400 401",
		"GET /people/{name}":                              "200 401 404",
		"GET /items/{id}/stream":                          "200 206 304 401 404 416",
		"GET /items/{id}/hls/master.m3u8":                 "200 400 401 404 429",
		"GET /items/{id}/hls/{rendition}/{file}":          "200 400 401 404 429 503",
		"GET /items/{id}/dash/manifest.mpd":               "200 400 401 404 429",
		"GET /items/{id}/files/{fileId}/subtitles/{name}": "200 400 401 404",
		"GET /items/{id}/subtitles/{name}":                "200 400 401 404",
		"GET /items/{id}/audio":                           "200 400 401 404",
		"GET /items/{id}/download":                        "200 206 304 400 401 403 404 416 429",
		"HEAD /items/{id}/download":                       "200 400 401 403 404",
		"GET /items/{id}/downloads":                       "200 400 401 403 404",
		"GET /playlists/{id}/downloads":                   "200 400 401 403 404",
		"GET /items/{id}/thumbs/{name}":                   "200 202 401 404",
		"POST /items/{id}/playback":                       "200 400 401 404 413",
		"POST /items/{id}/media-token":                    "201 400 401 404",
		"HEAD /items/{id}/stream":                         "200 401 404",
		"GET /people/{name}/image":                        "200 304 400 401 404",
		"GET /sessions":                                   "200 400 401 404",
		"DELETE /sessions/{id}":                           "204 401 404",
		"GET /apikeys":                                    "200 401 404",
		"POST /apikeys":                                   "201 400 401 404 413",
		"DELETE /apikeys/{id}":                            "204 401 404",
		"GET /users/{id}/linked-tokens":                   "200 401 404",
		"GET /playlists":                                  "200 401",
		"POST /playlists":                                 "201 400 401 404 413",
		"GET /playlists/{id}":                             "200 401 404",
		"PATCH /playlists/{id}":                           "200 400 401 404 413",
		"DELETE /playlists/{id}":                          "204 401 404",
		"GET /playlists/{id}/entries":                     "200 401 404",
		"POST /playlists/{id}/entries":                    "200 400 401 404 413",
		"DELETE /playlists/{id}/entries/{entry}":          "204 401 404",
		"POST /playlists/{id}/entries/{entry}/move":       "200 400 401 404 413",
		"GET /history":                                    "200 400 401 404",
		"POST /users/{id}/linked-tokens":                  "201 400 401 404 409 413",
		"DELETE /linked-tokens/{id}":                      "204 401 404",
		"GET /ratings":                                    "200 401",
		"GET /system/logs":                                "200 400 401 404",
		"GET /system/transcodes":                          "200 401 404",
		"GET /system/playing":                             "200 401",
		"GET /stats":                                      "200 400 401 404",
		"GET /users/me/stats":                             "200 400 401 404",
		"GET /users/{id}/stats":                           "200 400 401 404",
		"POST /boxsets":                                   "201 400 401 404 413",
		"DELETE /boxsets/{id}":                            "204 400 401 404",
		"POST /boxsets/{id}/items":                        "204 400 401 404 413",
		"DELETE /boxsets/{id}/items/{item}":               "204 400 401 404",
		"GET /items/{id}/userdata":                        "200 401 404",
		"PATCH /items/{id}/userdata":                      "200 400 401 404 413",
		"GET /users/me/export":                            "200 401 404",
		"POST /users/{id}/import":                         "200 400 401 404",
		"POST /items/{id}/progress":                       "200 400 401 404 413",
		"DELETE /users/me/watchlist/{item}":               "204 401 404",
		"PUT /users/me/watchlist/{item}":                  "204 400 401 404",
		"GET /users/me/resume":                            "200 400 401",
		"GET /lists/{id}/items":                           "200 400 401 404",
		"POST /lists/{id}/items":                          "200 400 401 404 413",
		"GET /users/me/favorites":                         "200 400 401",
		"POST /users/me/import":                           "200 400 401 404",
		"DELETE /lists/{id}":                              "204 401 404",
		"PATCH /lists/{id}":                               "200 400 401 404 409 413",
		"GET /lists/{id}":                                 "200 401 404",
		"GET /users/me/nextup":                            "200 400 401",
		"DELETE /lists/{id}/items/{item}":                 "204 401 404",
		"GET /items/{id}/lists":                           "200 401 404",
		"GET /lists":                                      "200 401",
		"POST /lists":                                     "201 400 401 404 409 413",
		"DELETE /items/{id}/played":                       "200 401 404",
		"POST /items/{id}/played":                         "200 400 401 404 413",
		"GET /users/me/watchlist":                         "200 400 401",
		"GET /users/{id}/export":                          "200 401 404",
	}
	doc := mustLoad(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			statuses := sortedKeys(op.Responses.Map())
			w, ok := want[name]
			switch {
			case name == "GET /openapi.yaml":
				w, ok = "200", true
			case ok:
				all := strings.Fields(w + " 500")
				slices.Sort(all)
				w = strings.Join(all, " ")
			}
			if got := strings.Join(statuses, " "); !ok || got != w {
				t.Errorf("%s: statuses %q, want %q", name, got, w)
			}
		}
	}
}

// TestOperationConventions checks what every operation must document, so that a
// new operation cannot forget it.
func TestOperationConventions(t *testing.T) {
	doc := mustLoad(t)
	public := []string{"POST /auth/login", "POST /auth/refresh", "GET /openapi.yaml", "GET /users/public"}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			isPublic := op.Security != nil && len(*op.Security) == 0
			if want := slices.Contains(public, name); isPublic != want {
				t.Errorf("%s: public = %v, want %v", name, isPublic, want)
			}
			if op.Summary == "" || op.OperationID == "" || len(op.Tags) != 1 {
				t.Errorf("%s: want a summary, an operationId and one tag", name)
			}
			if !isPublic && op.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("%s: an authenticated operation must document 401", name)
			}
			// 403 would tell that an id exists: only the downloads answer it, for a user whose
			// downloads are off, before anything is looked up.
			if op.Responses.Status(http.StatusForbidden) != nil && !strings.HasSuffix(path, "/download") && !strings.HasSuffix(path, "/downloads") {
				t.Errorf("%s: the API never answers 403", name)
			}
			for status, r := range op.Responses.Map() {
				checkResponse(t, name+" "+status, status, r)
			}
		}
	}
}

func checkResponse(t *testing.T, name, status string, r *openapi3.ResponseRef) {
	t.Helper()
	if r.Value == nil || r.Value.Description == nil || *r.Value.Description == "" {
		t.Errorf("%s: no description", name)
		return
	}
	if r.Description != nil {
		// kin-openapi v0.152 copies a $ref's sibling description into the shared
		// component, so it would show on every other use: say it in the operation.
		t.Errorf("%s: no description beside $ref; explain the status in the operation's description", name)
	}
	if status < "400" {
		return
	}
	mt := r.Value.Content.Get("application/problem+json")
	if len(r.Value.Content) != 1 || mt == nil || mt.Schema.Ref != "#/components/schemas/Problem" {
		t.Errorf("%s: an error must be application/problem+json with the Problem schema", name)
	}
	if r.Ref == "" {
		t.Errorf("%s: use one of #/components/responses", name)
	}
}

func TestSpecHandler(t *testing.T) {
	rec := httptest.NewRecorder()
	SpecHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/anywhere/at/all", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q, want application/yaml", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), YAML) {
		t.Error("body is not the embedded document")
	}

	// A client that has the document already gets a 304.
	req := httptest.NewRequest(http.MethodGet, "/api/v1/openapi.yaml", nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	SpecHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET: status = %d, want 304", rec.Code)
	}
}

func getDocs(t *testing.T) (string, http.Header) {
	t.Helper()
	h, err := DocsHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/api/docs")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	return string(body), res.Header
}

func TestDocsHandler(t *testing.T) {
	page, header := getDocs(t)
	if ct := header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", ct)
	}
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Error("not a whole HTML page")
	}
	doc := mustLoad(t)
	var want []string
	for _, op := range Operations(doc) {
		method, path, _ := strings.Cut(op, " ")
		want = append(want, `<span class="method `+method+`">`+method+`</span> `+path)
	}
	for name := range doc.Components.Schemas {
		want = append(want, `id="schema-`+name+`"`)
	}
	want = append(want,
		`href="/api/v1/openapi.yaml"`,
		`<span class="badge">public</span>`,
		`<code>limit</code>`,                               // a query parameter
		`array of <a href="#schema-ItemType">ItemType</a>`, // the type filter
		`<a href="#schema-User">User</a>`,
		`string (date-time) or null`, // lastLoginAt
		`Answers 409 when the username is taken.`,
		`<code>expiresIn</code> <span class="req">required</span>`,
		`<code>key</code> <span class="req">required</span>`, // from allOf, in APIKeyCreated
		`1–64 chars`,
		`Header <code>Retry-After</code>: integer`,
		`<code>X-Api-Key: &lt;key&gt;</code>`, // inline markdown, escaped
	)
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestDocsKeepsPropertyOrder(t *testing.T) {
	page, _ := getDocs(t)
	for schema, props := range map[string][]string{
		"User":          {"id", "username", "createdAt", "lastLoginAt"},
		"APIKeyCreated": {"id", "name", "lastUsedAt", "key"}, // allOf members in turn
	} {
		_, section, _ := strings.Cut(page, `id="schema-`+schema+`"`)
		section, _, _ = strings.Cut(section, "</article>")
		last := -1
		for _, p := range props {
			i := strings.Index(section, "<code>"+p+"</code>")
			if i <= last {
				t.Errorf("%s: property %s is missing or out of order", schema, p)
			}
			last = i
		}
	}
}

func TestDocsHandlerIsSelfContained(t *testing.T) {
	page, header := getDocs(t)
	// No external host, and nothing the browser would fetch: the page works offline.
	for _, bad := range []string{"http://", "https://", `="//`, "<script", "<link", "<img", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}
