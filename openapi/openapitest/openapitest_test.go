package openapitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/walros/walros/openapi"
)

// recorder is a testing.TB that keeps what Check reports instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.TB.Fatalf("unexpected Fatalf: "+format, args...)
}

const (
	userID  = "0190c2a0-7e5a-7b3c-9d1e-2f3a4b5c6d7e"
	otherID = "0190c2a0-7e5a-7b3c-9d1e-2f3a4b5c6d7f"
	when    = "2026-01-02T15:04:05Z"
)

var (
	jsonCT    = http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	problemCT = http.Header{"Content-Type": {"application/problem+json"}}
)

func userJSON(lastLogin string) string {
	return `{"id":"` + userID + `","username":"alice","displayName":"Alice","admin":false,"disabled":false,` +
		`"allLibraries":true,"libraryIds":[],"hidden":true,"hasPassword":true,"hasPin":false,"pinLocked":false,` +
		`"playback":{"audioLanguage":"","subtitleLanguage":"","subtitleMode":"default","playDefaultAudio":true},` +
		`"maxBitrate":0,"allowDownloads":true,"parentalControls":{"maxRatingLevel":null,"blockUnrated":[],"blockedTags":[],"schedule":[]},` +
		`"createdAt":"` + when + `","lastLoginAt":` + lastLogin + `}`
}

// userWith is a valid user with old replaced by new.
func userWith(old, new string) string {
	return strings.Replace(userJSON("null"), old, new, 1)
}

func itemJSON(typ, year, parent string) string {
	return `{"id":"` + userID + `","key":42,"type":"` + typ + `","title":"Heat","sortTitle":"heat","year":` + year +
		`,"libraryId":"` + otherID + `","parentId":` + parent + `,"createdAt":"` + when + `","updatedAt":"` + when + `"}`
}

const apiKeyJSON = `{"id":"` + userID + `","name":"backup","prefix":"wk_3f9a","createdBy":"` + otherID +
	`","createdAt":"` + when + `","lastUsedAt":null`

func TestCheck(t *testing.T) {
	v := New(t)
	for _, tc := range []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 string
		want                 string // a part of the error; "" when the response is valid
	}{
		{"user", "GET", "/api/v1/users/me", 200, jsonCT, userJSON(`"` + when + `"`), ""},
		{"absolute URL", "GET", "http://127.0.0.1:8096/api/v1/users/me", 200, jsonCT, userJSON(`null`), ""},
		{"other host", "GET", "https://walros.example/api/v1/users/me", 200, jsonCT, userJSON(`null`), ""},
		{"path param", "GET", "/api/v1/users/" + userID, 200, jsonCT, userJSON(`null`), ""},
		{"query", "GET", "/api/v1/items?type=movie,episode&limit=10", 200, jsonCT,
			`{"items":[` + itemJSON("movie", "1995", "null") + `,` + itemJSON("episode", "null", `"`+otherID+`"`) + `],"total":2}`, ""},
		{"tokens", "POST", "/api/v1/auth/login", 200, jsonCT,
			`{"accessToken":"a.b.c","refreshToken":"r","tokenType":"Bearer","expiresIn":900,"user":` + userJSON("null") + `}`, ""},
		{"api key created", "POST", "/api/v1/apikeys", 201, jsonCT, apiKeyJSON + `,"key":"wk_3f9a0000"}`, ""},
		{"no content", "DELETE", "/api/v1/users/" + userID, 204, nil, "", ""},
		{"problem", "GET", "/api/v1/users/me", 401,
			http.Header{"Content-Type": {"application/problem+json"}, "Www-Authenticate": {"Bearer"}},
			`{"title":"Unauthorized","status":401,"requestId":"r1"}`, ""},
		{"retry after", "POST", "/api/v1/auth/login", 429,
			http.Header{"Content-Type": {"application/problem+json"}, "Retry-After": {"30"}},
			`{"title":"Too Many Requests","status":429}`, ""},
		{"spec", "GET", "/api/v1/openapi.yaml", 200, http.Header{"Content-Type": {"application/yaml"}},
			string(openapi.YAML), ""},

		{"undocumented status", "GET", "/api/v1/users/me", 403, problemCT,
			`{"title":"Forbidden","status":403}`, "status is not supported"},
		{"status of another operation", "GET", "/api/v1/libraries", 404, problemCT,
			`{"title":"Not Found","status":404}`, "status is not supported"},
		{"missing property", "GET", "/api/v1/users/me", 200, jsonCT, userWith(`"username":"alice",`, ""), `"username" is missing`},
		{"absent nullable property", "GET", "/api/v1/users/me", 200, jsonCT, userWith(`,"lastLoginAt":null`, ""), `"lastLoginAt" is missing`},
		{"wrong type", "GET", "/api/v1/users/me", 200, jsonCT, userWith(`"admin":false`, `"admin":"no"`), "admin"},
		{"null array", "GET", "/api/v1/users/me", 200, jsonCT, userWith(`"libraryIds":[]`, `"libraryIds":null`), "libraryIds"},
		{"bad date-time", "GET", "/api/v1/users/me", 200, jsonCT, userJSON(`"yesterday"`), "lastLoginAt"},
		{"bad enum", "GET", "/api/v1/items/" + userID, 200, jsonCT, itemJSON("film", "1995", "null"), "type"},
		{"bad const", "POST", "/api/v1/auth/refresh", 200, jsonCT,
			`{"accessToken":"a","refreshToken":"r","tokenType":"bearer","expiresIn":900,"user":` + userJSON("null") + `}`, "tokenType"},
		{"missing allOf property", "POST", "/api/v1/apikeys", 201, jsonCT, apiKeyJSON + `}`, `"/key"`},
		{"missing nested property", "GET", "/api/v1/items", 200, jsonCT,
			`{"items":[` + strings.Replace(itemJSON("movie", "1995", "null"), `"key":42,`, "", 1) + `],"total":1}`, `"/items/0/key"`},
		{"error without problem", "GET", "/api/v1/users/me", 401, jsonCT, `{"error":"unauthorized"}`, "Content-Type"},
		{"problem without title", "GET", "/api/v1/users/me", 404, problemCT, `{"status":404}`, "'title'"},
		{"empty body", "GET", "/api/v1/users/me", 200, jsonCT, "", "failed to decode"},
		{"bad retry after", "POST", "/api/v1/auth/login", 429,
			http.Header{"Content-Type": {"application/problem+json"}, "Retry-After": {"soon"}},
			`{"title":"Too Many Requests","status":429}`, "Retry-After"},
		{"body on 204", "DELETE", "/api/v1/sessions/" + userID, 204, jsonCT, `{}`, "declares none"},
		{"unknown path", "GET", "/api/v1/nope", 200, jsonCT, `{}`, "not in the document"},
		{"unknown method", "PUT", "/api/v1/users/me", 200, jsonCT, userJSON("null"), "not in the document"},
		{"outside /api/v1", "GET", "/users/me", 200, jsonCT, userJSON("null"), "not in the document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			rec := &recorder{TB: t}
			v.Check(rec, req, tc.status, tc.header, []byte(tc.body))
			switch {
			case tc.want == "" && len(rec.errs) > 0:
				t.Errorf("Check reported a valid response:\n%s", strings.Join(rec.errs, "\n"))
			case tc.want != "" && len(rec.errs) == 0:
				t.Errorf("Check passed an invalid response; want an error about %s", tc.want)
			case tc.want != "" && !strings.Contains(rec.errs[0], tc.want):
				t.Errorf("Check reported %q; want it to mention %s", rec.errs[0], tc.want)
			case tc.want != "":
				// The message names the request and the status.
				if name := tc.method + " " + req.URL.RequestURI(); !strings.Contains(rec.errs[0], name) {
					t.Errorf("Check reported %q; want it to name %q", rec.errs[0], name)
				}
			}
		})
	}
}

// TestCheckUsesOnlyMethodAndURL checks a request whose body was read by the handler.
func TestCheckUsesOnlyMethodAndURL(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/refresh", strings.NewReader(`{"refreshToken":"r"}`))
	req.Body = nil
	rec := &recorder{TB: t}
	New(t).Check(rec, req, http.StatusBadRequest, problemCT, []byte(`{"title":"Bad Request","status":400}`))
	if len(rec.errs) > 0 {
		t.Error(rec.errs)
	}
}

func TestCheckParallel(t *testing.T) {
	v := New(t)
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			v.Check(t, httptest.NewRequest(http.MethodGet, "/api/v1/users/me", nil), http.StatusOK, jsonCT, []byte(userJSON("null")))
		})
	}
}

func TestOperations(t *testing.T) {
	ops := New(t).Operations()
	if len(ops) == 0 || !slices.IsSorted(ops) {
		t.Fatalf("Operations() = %v, want a sorted list", ops)
	}
	for _, want := range []string{"GET /api/v1/users/me", "DELETE /api/v1/users/{id}", "POST /api/v1/auth/login"} {
		if !slices.Contains(ops, want) {
			t.Errorf("Operations() lacks %q", want)
		}
	}
}
