package jellyfin

import (
	"net/http"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

// TestBoxSets runs jellyfin-web's collection editor calls: create with items, add, remove, list
// the members, delete; only admins may.
func TestBoxSets(t *testing.T) {
	e := newEnv(t)
	lib := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv",
		"Alien (1979)/Alien (1979).mkv")
	heat, ronin, alien := jid(e.item(core.KindMovie, "Heat").ID), jid(e.item(core.KindMovie, "Ronin").ID), jid(e.item(core.KindMovie, "Alien").ID)
	bob, _ := e.addUser("bob")

	members := func(id string) []string {
		t.Helper()
		var res queryResult[baseItemDto]
		e.decode(e.want(http.StatusOK, e.do("GET", "/Items?ParentId="+id, e.admin, nil)), &res)
		var out []string
		for _, it := range res.Items {
			out = append(out, it.Name)
		}
		slices.Sort(out)
		return out
	}
	e.want(http.StatusForbidden, e.do("POST", "/Collections?name=Mine&ids="+heat, bob, nil))
	var created struct{ Id string }
	e.decode(e.want(http.StatusOK, e.do("POST", "/Collections?name=Crime&ids="+heat+","+ronin+"&parentId="+jid(lib.ID), e.admin, nil)), &created)
	if got := members(created.Id); !slices.Equal(got, []string{"Heat", "Ronin"}) {
		t.Fatalf("members = %v", got)
	}
	var d baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+created.Id, e.admin, nil)), &d)
	if d.Type != "BoxSet" || d.Name != "Crime" || !d.IsFolder {
		t.Fatalf("box set = %+v", d)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Collections/"+created.Id+"/Items?ids="+alien, e.admin, nil))
	e.want(http.StatusNoContent, e.do("DELETE", "/Collections/"+created.Id+"/Items?ids="+heat, e.admin, nil))
	if got := members(created.Id); !slices.Equal(got, []string{"Alien", "Ronin"}) {
		t.Fatalf("after the changes: %v", got)
	}
	e.want(http.StatusForbidden, e.do("POST", "/Collections/"+created.Id+"/Items?ids="+heat, bob, nil))
	e.want(http.StatusBadRequest, e.do("POST", "/Collections/"+created.Id+"/Items?ids="+created.Id, e.admin, nil))
	e.want(http.StatusBadRequest, e.do("POST", "/Collections?name=&ids="+heat, e.admin, nil))
	e.want(http.StatusNotFound, e.do("POST", "/Collections?name=X&ids=not-an-id", e.admin, nil))
	e.want(http.StatusNotFound, e.do("DELETE", "/Items/"+created.Id, bob, nil))
	e.want(http.StatusNoContent, e.do("DELETE", "/Items/"+created.Id, e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Items/"+created.Id, e.admin, nil))
	e.want(http.StatusOK, e.do("GET", "/Items/"+heat, e.admin, nil))
}
