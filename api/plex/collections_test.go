package plex

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/walros/walros/core"
)

// TestCollections follows python-plexapi's createCollection, addItems, removeItems and delete.
func TestCollections(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv", "Alien (1979)/Alien (1979).mkv")
	section := strconv.FormatInt(movies.Key, 10)
	k := func(title string) string { return strconv.FormatInt(e.item(core.KindMovie, title).Key, 10) }
	uri := func(keys string) string {
		return url.QueryEscape("server://0123456789abcdef0123456789abcdef/com.plexapp.plugins.library/library/metadata/" + keys)
	}
	call := func(method, path, token string) map[string]any {
		t.Helper()
		return e.decodeContainer(e.want(http.StatusOK, e.do(method, path, token, "Accept", "application/json")).Body.Bytes())
	}
	titles := func(mc map[string]any) []string {
		var out []string
		ms, _ := mc["Metadata"].([]any)
		for _, m := range ms {
			out = append(out, m.(map[string]any)["title"].(string))
		}
		return out
	}
	col := call(http.MethodPost, "/library/collections?type=1&title=Heists&smart=0&sectionId="+section+"&uri="+uri(k("Heat")+","+k("Ronin")), e.admin)["Metadata"].([]any)[0].(map[string]any)
	key := col["ratingKey"].(string)
	if col["type"] != "collection" || col["title"] != "Heists" || col["childCount"] != float64(2) {
		t.Fatalf("created %v", col)
	}
	if got := titles(call(http.MethodGet, "/library/sections/"+section+"/collections", e.admin)); len(got) != 1 || got[0] != "Heists" {
		t.Errorf("section collections %v", got)
	}
	members := func() []string { return titles(call(http.MethodGet, "/library/collections/"+key+"/children", e.admin)) }
	if got := members(); len(got) != 2 {
		t.Errorf("members %v", got)
	}
	call(http.MethodPut, "/library/collections/"+key+"/items?uri="+uri(k("Alien")), e.admin)
	if got := members(); len(got) != 3 {
		t.Errorf("after adding %v", got)
	}
	call(http.MethodDelete, "/library/collections/"+key+"/items/"+k("Ronin"), e.admin)
	if got := members(); len(got) != 2 || got[0] == "Ronin" || got[1] == "Ronin" {
		t.Errorf("after removing %v", got)
	}
	// Only admins edit; users read.
	ann := e.addUser("ann", movies.ID)
	if got := titles(call(http.MethodGet, "/library/collections/"+key+"/children", ann)); len(got) != 2 {
		t.Errorf("ann reads %v", got)
	}
	if rec := e.do(http.MethodPost, "/library/collections?type=1&title=Mine&sectionId="+section+"&uri="+uri(k("Heat")), ann); rec.Code != http.StatusNotFound { // never 403
		t.Errorf("ann creates: %d", rec.Code)
	}
	for _, bad := range []string{"/library/collections?type=1&title=&sectionId=" + section + "&uri=" + uri(k("Heat")),
		"/library/collections?type=1&title=X&smart=1&sectionId=" + section} {
		if rec := e.do(http.MethodPost, bad, e.admin); rec.Code != http.StatusBadRequest {
			t.Errorf("POST %s: %d", bad, rec.Code)
		}
	}
	e.want(http.StatusNotFound, e.get("/library/collections/"+k("Heat"), e.admin)) // a movie is not a collection
	// delete empties it, and the box set goes.
	e.want(http.StatusOK, e.do(http.MethodDelete, "/library/collections/"+key, e.admin))
	if got := titles(call(http.MethodGet, "/library/sections/"+section+"/collections", e.admin)); len(got) != 0 {
		t.Errorf("after delete %v", got)
	}
}
