package plex

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestHubsAndPrefs(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	heat := e.item(core.KindMovie, "Heat")
	e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(heat.Key, 10)+"&state=stopped&time=1800000", e.admin))

	hubs := func(path, token string) map[string][]string {
		t.Helper()
		out := map[string][]string{}
		for _, h := range e.getJSON(path, token)["Hub"].([]any) {
			h := h.(map[string]any)
			var titles []string
			ms, _ := h["Metadata"].([]any)
			for _, m := range ms {
				titles = append(titles, m.(map[string]any)["title"].(string))
			}
			out[h["title"].(string)] = titles
		}
		return out
	}
	home := hubs("/hubs", e.admin)
	if got := home["Continue Watching"]; len(got) != 1 || got[0] != "Heat" {
		t.Errorf("continue watching %v", home)
	}
	if got := home["Recently Added in Movies"]; len(got) != 2 {
		t.Errorf("recent movies %v", home)
	}
	if got := home["Recently Added in Shows"]; len(got) != 1 || got[0] != "Episode 1" {
		t.Errorf("recent episodes %v", home)
	}
	if got := hubs("/hubs/home/continueWatching", e.admin)["Continue Watching"]; len(got) != 1 {
		t.Errorf("continueWatching %v", got)
	}
	sec := hubs("/hubs/sections/"+strconv.FormatInt(movies.Key, 10)+"?count=1", e.admin)
	if len(sec["Continue Watching"]) != 1 || len(sec["Recently Added in Movies"]) != 1 {
		t.Errorf("section hubs %v", sec)
	}
	ann := e.addUser("ann", shows.ID)
	if h := hubs("/hubs", ann); h["Recently Added in Movies"] != nil || len(h["Continue Watching"]) != 0 {
		t.Errorf("ann's home %v", h)
	}
	e.want(http.StatusNotFound, e.get("/hubs/sections/"+strconv.FormatInt(movies.Key, 10), ann))

	body := e.want(http.StatusOK, e.get("/:/prefs", e.admin)).Body.String()
	if !strings.Contains(body, `<Setting id="FriendlyName"`) || !strings.Contains(body, `value="test"`) {
		t.Errorf("prefs %s", body)
	}
}
