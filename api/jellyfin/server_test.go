package jellyfin

import (
	"net/http"
	"strings"
	"testing"
)

func TestAuthForms(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name    string
		path    string
		headers []string
	}{
		{"Authorization MediaBrowser", "/System/Info", []string{"Authorization", clientAuth("d", e.admin)}},
		{"token first, Emby scheme", "/System/Info", []string{"Authorization", `Emby Token="` + e.admin + `", Client="Infuse-Direct", Version="7.7"`}},
		{"X-Emby-Authorization", "/System/Info", []string{"X-Emby-Authorization", clientAuth("d", e.admin)}},
		{"X-Emby-Token", "/System/Info", []string{"X-Emby-Token", e.admin}},
		{"X-MediaBrowser-Token", "/System/Info", []string{"X-MediaBrowser-Token", e.admin}},
		{"api_key", "/System/Info?api_key=" + e.admin, nil},
		{"ApiKey, any case", "/system/info?APIKEY=" + e.admin, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.want(http.StatusOK, e.do("GET", tc.path, "", nil, tc.headers...))
		})
	}
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"none", nil},
		{"wrong token", []string{"X-Emby-Token", "0123456789abcdef0123456789abcdef"}},
		{"garbage", []string{"Authorization", `MediaBrowser Token="x,y", Client=`}},
		{"bearer scheme is not Jellyfin's", []string{"Authorization", "Bearer " + e.admin}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			rec := e.do("GET", "/System/Info", "", nil, tc.headers...)
			if rec.Code != http.StatusUnauthorized || rec.Body.String() != errorBody {
				t.Fatalf("status %d, body %q; want 401 %q", rec.Code, rec.Body, errorBody)
			}
		})
	}
}

func TestAuthenticateByName(t *testing.T) {
	e := newEnv(t)
	// Client, Device, DeviceId and Version are required, as in Jellyfin.
	e.want(http.StatusBadRequest, e.do("POST", "/Users/AuthenticateByName", "", map[string]string{"Username": "admin", "Pw": "admin-password"},
		"Authorization", `MediaBrowser Client="x", Token=""`))
	e.want(http.StatusUnauthorized, e.do("POST", "/users/authenticatebyname", "", map[string]string{"Username": "admin", "Pw": "wrong"},
		"Authorization", clientAuth("d1", "")))
	// The obsolete Password field still works.
	rec := e.want(http.StatusOK, e.do("POST", "/users/authenticatebyname", "", map[string]string{"username": "admin", "password": "admin-password"},
		"Authorization", clientAuth("d1", "")))
	var res authenticationResult
	e.decode(rec, &res)
	if len(res.AccessToken) != 32 || res.ServerId != e.h.ServerID || res.User.Id != e.adminID || !res.User.Policy.IsAdministrator ||
		res.SessionInfo.DeviceId != "d1" || res.SessionInfo.Client != "Walros Test" {
		t.Fatalf("result = %+v", res)
	}
	// Logging in again from the device replaces its token; logout ends the new one.
	second, _ := e.login("admin", "admin-password", "d1")
	e.want(http.StatusUnauthorized, e.do("GET", "/Users/Me", res.AccessToken, nil))
	e.want(http.StatusOK, e.do("GET", "/Users/Me", second, nil))
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Logout", second, nil))
	e.want(http.StatusUnauthorized, e.do("GET", "/Users/Me", second, nil))
}

func TestPublicSystemInfo(t *testing.T) {
	e := newEnv(t)
	var info publicSystemInfo
	e.decode(e.want(http.StatusOK, e.do("GET", "/system/info/public", "", nil)), &info)
	if info.ProductName != "Jellyfin Server" || info.Version != Version || info.Id != e.h.ServerID || !info.StartupWizardCompleted {
		t.Fatalf("public info = %+v", info)
	}
	if rec := e.do("GET", "/System/Ping", "", nil); rec.Body.String() != `"Jellyfin Server"` {
		t.Fatalf("ping = %s", rec.Body)
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	if rec := e.do("GET", "/No/Such/Route", e.admin, nil); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Error") {
		t.Fatalf("unknown route: %d %s", rec.Code, rec.Body)
	}
	e.want(http.StatusMethodNotAllowed, e.do("DELETE", "/System/Info/Public", e.admin, nil))
}

func TestAPIKeysForTools(t *testing.T) {
	e := newEnv(t)
	// Jellyseerr makes a key, reads it back from the list and uses it as X-Emby-Authorization.
	e.want(http.StatusNoContent, e.do("POST", "/Auth/Keys?App=Jellyseerr", e.admin, nil))
	var keys queryResult[authenticationInfo]
	e.decode(e.want(http.StatusOK, e.do("GET", "/Auth/Keys", e.admin, nil)), &keys)
	if keys.TotalRecordCount != 1 || keys.Items[0].AppName != "Jellyseerr" {
		t.Fatalf("keys = %+v", keys)
	}
	key := keys.Items[0].AccessToken
	// Sonarr's connection test: GET /System/Configuration with X-MediaBrowser-Token.
	e.want(http.StatusOK, e.do("GET", "/System/Configuration", "", nil, "X-MediaBrowser-Token", key))
	e.want(http.StatusOK, e.do("GET", "/Users", "", nil, "X-Emby-Authorization", `MediaBrowser Client="Jellyseerr", Device="Jellyseerr", DeviceId="j", Version="2", Token="`+key+`"`))
	// Non-admins cannot manage keys or read the server configuration.
	bob, _ := e.addUser("bob")
	e.want(http.StatusForbidden, e.do("GET", "/Auth/Keys", bob, nil))
	e.want(http.StatusForbidden, e.do("GET", "/System/Configuration", bob, nil))
	e.want(http.StatusNoContent, e.do("DELETE", "/Auth/Keys/"+key, e.admin, nil))
	e.want(http.StatusUnauthorized, e.do("GET", "/System/Configuration", "", nil, "X-MediaBrowser-Token", key))
}

func TestFallbackLists(t *testing.T) {
	e := newEnv(t)
	for path, want := range map[string]string{
		"/LiveTv/Channels?userId=" + e.adminID: `{"Items":[],"TotalRecordCount":0,"StartIndex":0}`,
		"/livetv/programs/recommended":         `{"Items":[],"TotalRecordCount":0,"StartIndex":0}`,
		"/Localization/Cultures":               `[]`,
		"/SyncPlay/List":                       `[]`,
		"/Plugins":                             `[]`,
	} {
		if rec := e.want(http.StatusOK, e.do("GET", path, e.admin, nil)); rec.Body.String() != want {
			t.Errorf("GET %s = %s, want %s", path, rec.Body, want)
		}
		e.want(http.StatusUnauthorized, e.do("GET", path, "", nil))
	}
	// Changes Walros does not make are not pretended: no fallback for other methods.
	e.want(http.StatusMethodNotAllowed, e.do("POST", "/LiveTv/Timers", e.admin, map[string]string{}))
	// Every fallback path is one of Jellyfin's, and routes of our own come first.
	if len(fallbackRoutes) < 80 {
		t.Fatalf("only %d fallback routes", len(fallbackRoutes))
	}
}

func TestRevokeKeyExactly(t *testing.T) {
	e := newEnv(t)
	sonarr := e.apiKey("Sonarr")
	radarr := e.apiKey("Radarr")
	// Neither an empty nor an ellipsis-only key revokes anything (it used to match a key whose
	// secret was no longer remembered), nor does an unknown secret.
	for _, bad := range []string{"%E2%80%A6", "wk_unknown", "x"} {
		e.want(http.StatusNotFound, e.do("DELETE", "/Auth/Keys/"+bad, e.admin, nil))
	}
	e.want(http.StatusNoContent, e.do("DELETE", "/Auth/Keys/"+sonarr, e.admin, nil))
	e.want(http.StatusUnauthorized, e.do("GET", "/System/Configuration", "", nil, "X-MediaBrowser-Token", sonarr))
	e.want(http.StatusOK, e.do("GET", "/System/Configuration", "", nil, "X-MediaBrowser-Token", radarr))
}

func TestRouteParametersDecodedOnce(t *testing.T) {
	var r router
	r.add("GET", "/Genres/{name}", user)
	for escaped, want := range map[string]string{
		"/Genres/Action%2FAdventure": "Action/Adventure",
		"/genres/100%25%20Pure":      "100% Pure",
		"/GENRES/A%2541":             "A%41",
		"/Genres/Sci-Fi":             "Sci-Fi",
	} {
		rt, ps, _ := r.match("GET", escaped)
		if rt == nil || ps.ByName("name") != want {
			t.Errorf("%s: route %v, name %q; want %q", escaped, rt != nil, ps.ByName("name"), want)
		}
	}
	if rt, _, _ := r.match("GET", "/Genres/a/b"); rt != nil {
		t.Error("a two-segment name matched a one-segment route")
	}
}

func TestBadBodies(t *testing.T) {
	e := newEnv(t)
	big := `{"Username":"` + strings.Repeat("a", 1<<17) + `"}`
	if rec := e.do("POST", "/Users/AuthenticateByName", "", big, "Authorization", clientAuth("d", "")); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over the limit: %d, want 413", rec.Code)
	}
	if rec := e.do("POST", "/Users/AuthenticateByName", "", `{"Username":`, "Authorization", clientAuth("d", "")); rec.Code != http.StatusBadRequest {
		t.Errorf("broken JSON: %d, want 400", rec.Code)
	}
	// Ticks past what a duration holds are clamped, not wrapped.
	if d := fromTicks(1 << 62); d <= 0 {
		t.Errorf("fromTicks(2^62) = %v", d)
	}
}
