package jellyfin

import (
	"net/http"
	"testing"

	"github.com/walros/walros/core"
)

// TestDownloadsPolicy: EnableContentDownloading, set through POST /Users/{id}/Policy as the
// dashboard does, is read back, forbids /Items/{id}/Download (403, as Jellyfin) but not the
// stream, and makes CanDownload false in lists and details, without leaking into another user's
// cached cards.
func TestDownloadsPolicy(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	its, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 10})
	if err != nil || len(its) != 1 {
		t.Fatalf("movies %v, %v", its, err)
	}
	id := jid(its[0].ID)
	_, bobID := e.addUser("bob")
	carol, carolID := e.addUser("carol")
	var policy map[string]any
	e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+bobID, e.admin, nil)), &struct{ Policy *map[string]any }{&policy})
	if policy["EnableContentDownloading"] != true {
		t.Fatalf("a new user's EnableContentDownloading is %v", policy["EnableContentDownloading"])
	}
	policy["EnableContentDownloading"] = false
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, policy))
	e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+bobID, e.admin, nil)), &struct{ Policy *map[string]any }{&policy})
	if policy["EnableContentDownloading"] != false {
		t.Fatalf("EnableContentDownloading is %v after turning it off", policy["EnableContentDownloading"])
	}
	bob, _ := e.login("bob", "bob-password", "bob-device-2") // a fresh credential: media routes trust one for 2 s

	e.want(http.StatusForbidden, e.do("GET", "/Items/"+id+"/Download", bob, nil))
	e.want(http.StatusOK, e.do("GET", "/Items/"+id+"/Download", carol, nil))
	e.want(http.StatusOK, e.do("GET", "/Videos/"+id+"/stream?static=true", bob, nil))

	// CanDownload follows each caller, in list cards (kept across users) and in details.
	canDownload := func(token, uid string) (list, detail bool) {
		t.Helper()
		var page queryResult[baseItemDto]
		e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+uid+"/Items?Recursive=true&IncludeItemTypes=Movie&Fields=CanDownload", token, nil)), &page)
		var d baseItemDto
		e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+uid+"/Items/"+id, token, nil)), &d)
		if len(page.Items) != 1 || page.Items[0].CanDownload == nil || d.CanDownload == nil {
			t.Fatalf("no CanDownload: %+v, %+v", page.Items, d.CanDownload)
		}
		return *page.Items[0].CanDownload, *d.CanDownload
	}
	for range 2 { // the second round reads cached cards
		if l, d := canDownload(carol, carolID); !l || !d {
			t.Errorf("carol: CanDownload %v in the list, %v in the detail", l, d)
		}
		if l, d := canDownload(bob, bobID); l || d {
			t.Errorf("bob: CanDownload %v in the list, %v in the detail", l, d)
		}
	}
}
