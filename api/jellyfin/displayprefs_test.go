package jellyfin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestDisplayPreferences(t *testing.T) {
	e := newEnv(t)
	e.h.Preferences = core.NewPreferences(e.stores.Preferences, e.clock.Now)
	bob, bobID := e.addUser("bob")
	carol, _ := e.addUser("carol")
	path := "/DisplayPreferences/usersettings?userId=" + bobID + "&client=emby"

	// Never saved: Jellyfin's defaults, with CustomPrefs present for jellyfin-web.
	var p displayPreferencesDto
	e.decode(e.want(http.StatusOK, e.do("GET", path, bob, nil)), &p)
	if p.Id != "usersettings" || p.Client != "emby" || p.SortBy != "SortName" || p.CustomPrefs == nil || p.PrimaryImageHeight != 250 ||
		p.ScrollDirection != "Horizontal" || !p.ShowBackdrop || p.SortOrder != "Ascending" {
		t.Fatalf("defaults = %+v", p)
	}
	if rec := e.do("GET", path, bob, nil); !strings.Contains(rec.Body.String(), `"CustomPrefs":{}`) {
		t.Fatalf("defaults on the wire: %s", rec.Body)
	}

	e.want(http.StatusNoContent, e.do("POST", path, bob, map[string]any{"Id": "other", "SortBy": "DateCreated",
		"CustomPrefs": map[string]string{"homesection0": "resume", "chromecastVersion": "stable"}, "ShowSidebar": true}))
	p = displayPreferencesDto{}
	e.decode(e.want(http.StatusOK, e.do("GET", "/displaypreferences/usersettings?client=emby", bob, nil)), &p)
	if p.Id != "usersettings" || p.SortBy != "DateCreated" || !p.ShowSidebar || p.CustomPrefs["homesection0"] != "resume" ||
		p.PrimaryImageWidth != 250 || p.SortOrder != "Ascending" {
		t.Fatalf("stored = %+v", p)
	}
	// Per client and per user.
	p = displayPreferencesDto{}
	e.decode(e.want(http.StatusOK, e.do("GET", "/DisplayPreferences/usersettings?client=other", bob, nil)), &p)
	if p.SortBy != "SortName" {
		t.Fatalf("another client's = %+v", p)
	}
	p = displayPreferencesDto{}
	e.decode(e.want(http.StatusOK, e.do("GET", "/DisplayPreferences/usersettings?client=emby", carol, nil)), &p)
	if p.SortBy != "SortName" {
		t.Fatalf("carol's = %+v", p)
	}
	e.want(http.StatusForbidden, e.do("GET", path, carol, nil))
	e.want(http.StatusForbidden, e.do("POST", path, carol, map[string]any{}))

	// Too large, or not JSON.
	big := `{"CustomPrefs":{"x":"` + strings.Repeat("a", core.MaxPreferencesSize) + `"}}`
	e.want(http.StatusRequestEntityTooLarge, e.do("POST", path, bob, big))
	e.want(http.StatusBadRequest, e.do("POST", path, bob, "{"))
}
