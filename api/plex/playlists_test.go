package plex

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// TestPlaylists follows python-plexapi's playlist calls (createPlaylist, items, addItems,
// moveItem, removeItems, editTitle, delete), as JSON as plexjs reads them.
func TestPlaylists(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv", "Alien (1979)/Alien (1979).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv", "Dark/Season 1/Dark S01E02.mkv")
	k := func(kind core.ItemKind, title string) string { return strconv.FormatInt(e.item(kind, title).Key, 10) }
	heat, ronin, alien, dark := k(core.KindMovie, "Heat"), k(core.KindMovie, "Ronin"), k(core.KindMovie, "Alien"), k(core.KindSeries, "Dark")
	uri := func(keys ...string) string {
		return url.QueryEscape("server://0123456789abcdef0123456789abcdef/com.plexapp.plugins.library/library/metadata/" + strings.Join(keys, ","))
	}
	json := func(method, path, token string) map[string]any {
		t.Helper()
		rec := e.want(http.StatusOK, e.do(method, path, token, "Accept", "application/json"))
		return e.decodeContainer(rec.Body.Bytes())
	}
	first := func(mc map[string]any) map[string]any { return mc["Metadata"].([]any)[0].(map[string]any) }

	pl := first(json(http.MethodPost, "/playlists?smart=0&title=Friday%20night&type=video&uri="+uri(heat, dark), e.admin))
	key := pl["ratingKey"].(string)
	if pl["title"] != "Friday night" || pl["leafCount"] != float64(3) || pl["playlistType"] != "video" || pl["key"] != "/playlists/"+key+"/items" ||
		pl["type"] != "playlist" || pl["smart"] != false {
		t.Fatalf("created %v", pl)
	}
	entries := func() (titles []string, ids []string) {
		mc := json(http.MethodGet, "/playlists/"+key+"/items", e.admin)
		for _, m := range mc["Metadata"].([]any) {
			m := m.(map[string]any)
			titles = append(titles, m["title"].(string))
			ids = append(ids, strconv.FormatFloat(m["playlistItemID"].(float64), 'f', 0, 64))
		}
		return titles, ids
	}
	if got, _ := entries(); strings.Join(got, "|") != "Heat|Episode 1|Episode 2" {
		t.Fatalf("entries %v", got)
	}
	// addItems, then moveItem to the top (no after) and after another, removeItems.
	if pl := first(json(http.MethodPut, "/playlists/"+key+"/items?uri="+uri(ronin, alien), e.admin)); pl["leafCount"] != float64(5) {
		t.Fatalf("after adding %v", pl)
	}
	_, ids := entries()
	json(http.MethodPut, "/playlists/"+key+"/items/"+ids[4]+"/move", e.admin)               // Alien first
	json(http.MethodPut, "/playlists/"+key+"/items/"+ids[0]+"/move?after="+ids[3], e.admin) // Heat after Ronin
	json(http.MethodDelete, "/playlists/"+key+"/items/"+ids[1], e.admin)                    // Episode 1 out
	if got, _ := entries(); strings.Join(got, "|") != "Alien|Episode 2|Ronin|Heat" {
		t.Fatalf("after editing %v", got)
	}
	// Paging the items.
	mc := json(http.MethodGet, "/playlists/"+key+"/items?X-Plex-Container-Start=1&X-Plex-Container-Size=2", e.admin)
	if mc["totalSize"] != float64(4) || len(mc["Metadata"].([]any)) != 2 || first(mc)["title"] != "Episode 2" {
		t.Errorf("paged items %v", mc)
	}
	// editTitle; listing, as XML and filtered by type.
	json(http.MethodPut, "/playlists/"+key+"?title=Saturday", e.admin)
	body := e.want(http.StatusOK, e.get("/playlists?playlistType=video", e.admin)).Body.String()
	if !strings.Contains(body, `<Playlist ratingKey="`+key+`"`) || !strings.Contains(body, `title="Saturday"`) || !strings.Contains(body, `smart="0"`) {
		t.Errorf("XML list %s", body)
	}
	if mc := json(http.MethodGet, "/playlists?playlistType=audio", e.admin); mc["size"] != float64(0) {
		t.Errorf("audio playlists %v", mc)
	}
	// Someone else's playlist is not there for another user; one they cannot see the items of neither.
	ann := e.addUser("ann", shows.ID)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/playlists/" + key}, {http.MethodGet, "/playlists/" + key + "/items"},
		{http.MethodPut, "/playlists/" + key + "?title=mine"}, {http.MethodDelete, "/playlists/" + key},
		{http.MethodPut, "/playlists/" + key + "/items?uri=" + uri(dark)},
	} {
		if rec := e.do(tc.method, tc.path, ann); rec.Code != http.StatusNotFound {
			t.Errorf("%s %s as ann: %d", tc.method, tc.path, rec.Code)
		}
	}
	if rec := e.do(http.MethodPost, "/playlists?title=x&type=video&uri="+uri(heat), ann); rec.Code != http.StatusNotFound {
		t.Errorf("ann adds a movie she cannot see: %d", rec.Code)
	}
	// Bad requests.
	for _, p := range []string{"/playlists?title=x&uri=" + url.QueryEscape("server://x/y"), "/playlists?title=x&uri=" + uri("abc"),
		"/playlists?title=x&smart=1", "/playlists?title=&type=video"} {
		if rec := e.do(http.MethodPost, p, e.admin); rec.Code != http.StatusBadRequest {
			t.Errorf("POST %s: %d", p, rec.Code)
		}
	}
	e.want(http.StatusNotFound, e.do(http.MethodDelete, "/playlists/"+key+"/items/999999", e.admin))
	// delete.
	e.want(http.StatusOK, e.do(http.MethodDelete, "/playlists/"+key, e.admin))
	e.want(http.StatusNotFound, e.get("/playlists/"+key, e.admin))
}
