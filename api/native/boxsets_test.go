package native

import (
	"net/http"
	"slices"
	"testing"

	"github.com/walros/walros/internal/parentaltest"
)

func TestBoxSets(t *testing.T) {
	e := newEnv(t)
	lib := e.scanned("movies", parentaltest.MovieFiles)
	byTitle := map[string]string{}
	var all struct {
		Items []itemDTO `json:"items"`
	}
	e.decode(e.want(http.StatusOK, e.as(e.admin, "GET", "/api/v1/items?type=movie", nil)), &all)
	for _, it := range all.Items {
		byTitle[it.Title] = it.ID
	}
	members := func(id string) []string {
		t.Helper()
		var res struct {
			Items []itemDTO `json:"items"`
		}
		e.decode(e.want(http.StatusOK, e.as(e.admin, "GET", "/api/v1/items?parent="+id, nil)), &res)
		var out []string
		for _, it := range res.Items {
			out = append(out, it.Title)
		}
		slices.Sort(out)
		return out
	}
	var set itemDTO
	e.decode(e.want(http.StatusCreated, e.as(e.admin, "POST", "/api/v1/boxsets", map[string]any{"name": "Picks", "library": lib,
		"items": []string{byTitle["Family Film"], byTitle["Grim Film"]}})), &set)
	if set.Type != "collection" || set.Title != "Picks" || set.LibraryID != lib {
		t.Fatalf("box set = %+v", set)
	}
	e.want(http.StatusNoContent, e.as(e.admin, "POST", "/api/v1/boxsets/"+set.ID+"/items", map[string]any{"items": []string{byTitle["Scary Film"]}}))
	e.want(http.StatusNoContent, e.as(e.admin, "DELETE", "/api/v1/boxsets/"+set.ID+"/items/"+byTitle["Grim Film"], nil))
	if got := members(set.ID); !slices.Equal(got, []string{"Family Film", "Scary Film"}) {
		t.Fatalf("members = %v", got)
	}
	bob, _ := e.addUser("bob")
	e.want(http.StatusNotFound, e.as(bob, "POST", "/api/v1/boxsets", map[string]any{"name": "Mine", "library": lib}))
	e.want(http.StatusNotFound, e.as(bob, "DELETE", "/api/v1/boxsets/"+set.ID, nil))
	e.want(http.StatusBadRequest, e.as(e.admin, "POST", "/api/v1/boxsets", map[string]any{"name": "", "library": lib}))
	e.want(http.StatusBadRequest, e.as(e.admin, "POST", "/api/v1/boxsets", map[string]any{"name": "X", "items": []string{"nope"}}))
	e.want(http.StatusNoContent, e.as(e.admin, "DELETE", "/api/v1/boxsets/"+set.ID, nil))
	e.want(http.StatusNotFound, e.as(e.admin, "GET", "/api/v1/items/"+set.ID, nil))
}
