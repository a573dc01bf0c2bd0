package jellyfin

import (
	"net/http"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// TestPlaylists follows jellyfin-web's playlist flows: "Add to playlist" (create, then add),
// the playlist's page (its items, move, remove), sharing, and deleting it as an item.
func TestPlaylists(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Alien (1979)/Alien (1979).mkv", "Ronin (1998)/Ronin (1998).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	heat, alien, ronin := e.item(core.KindMovie, "Heat"), e.item(core.KindMovie, "Alien"), e.item(core.KindMovie, "Ronin")
	dark := e.item(core.KindSeries, "Dark")

	var created struct{ Id string }
	e.decode(e.want(http.StatusOK, e.do("POST", "/Playlists?Name=Friday&Ids="+jid(heat.ID)+","+jid(dark.ID)+"&UserId="+e.adminID+"&MediaType=Video",
		e.admin, nil)), &created)
	if len(created.Id) != 32 {
		t.Fatalf("created %+v", created)
	}
	type item struct {
		Name, Id, Type, PlaylistItemId string
		ChildCount                     *int
	}
	var list queryResult[item]
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items?IncludeItemTypes=Playlist&Recursive=true", e.admin, nil)), &list)
	if len(list.Items) != 1 || list.Items[0].Type != "Playlist" || list.Items[0].Name != "Friday" || *list.Items[0].ChildCount != 2 {
		t.Fatalf("listed %+v", list)
	}
	// The Playlists view appears once there is one, and lists them.
	var views queryResult[struct{ Id, Name, CollectionType string }]
	e.decode(e.want(http.StatusOK, e.do("GET", "/UserViews", e.admin, nil)), &views)
	viewID := ""
	for _, v := range views.Items {
		if v.CollectionType == "playlists" {
			viewID = v.Id
		}
	}
	if viewID == "" {
		t.Fatalf("no playlists view in %+v", views)
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items?ParentId="+viewID+"&SortBy=SortName", e.admin, nil)), &list)
	if len(list.Items) != 1 || list.Items[0].Id != created.Id {
		t.Fatalf("the view lists %+v", list)
	}
	var view item
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+viewID, e.admin, nil)), &view)
	if view.Name != "Playlists" {
		t.Errorf("view detail %+v", view)
	}
	var detail item
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+created.Id, e.admin, nil)), &detail)
	if detail.Type != "Playlist" || detail.Id != created.Id {
		t.Fatalf("detail %+v", detail)
	}
	entries := func() (names, ids []string) {
		t.Helper()
		var r queryResult[item]
		e.decode(e.want(http.StatusOK, e.do("GET", "/Playlists/"+created.Id+"/Items?UserId="+e.adminID, e.admin, nil)), &r)
		for _, it := range r.Items {
			names, ids = append(names, it.Name), append(ids, it.PlaylistItemId)
		}
		return names, ids
	}
	if names, _ := entries(); strings.Join(names, "|") != "Heat|Episode 1" {
		t.Fatalf("entries %v", names)
	}
	// jellyfin-web plays a playlist through /Items?ParentId=, and asks whether the user may edit it.
	var asParent queryResult[item]
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items?ParentId="+created.Id+"&Fields=MediaSources", e.admin, nil)), &asParent)
	if len(asParent.Items) != 2 || asParent.Items[0].PlaylistItemId == "" {
		t.Fatalf("as a parent %+v", asParent)
	}
	var perm struct {
		UserId  string
		CanEdit bool
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Playlists/"+created.Id+"/Users/"+e.adminID, e.admin, nil)), &perm)
	if !perm.CanEdit {
		t.Errorf("the owner may not edit: %+v", perm)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Playlists/"+created.Id+"/Items?Ids="+jid(alien.ID)+","+jid(ronin.ID), e.admin, nil))
	_, ids := entries()
	e.want(http.StatusNoContent, e.do("POST", "/Playlists/"+created.Id+"/Items/"+ids[3]+"/Move/0", e.admin, nil))  // Ronin first
	e.want(http.StatusNoContent, e.do("POST", "/Playlists/"+created.Id+"/Items/"+ids[0]+"/Move/3", e.admin, nil))  // Heat last
	e.want(http.StatusNoContent, e.do("DELETE", "/Playlists/"+created.Id+"/Items?EntryIds="+ids[1], e.admin, nil)) // Episode 1 out
	if names, _ := entries(); strings.Join(names, "|") != "Ronin|Alien|Heat" {
		t.Fatalf("after editing %v", names)
	}
	// Renamed and shared: the other user lists it, sees only what they may, and cannot change it.
	bob, bobID := e.addUser("bob", shows.ID)
	e.want(http.StatusNoContent, e.do("POST", "/Playlists/"+created.Id, e.admin, map[string]any{"Name": "Saturday",
		"Users": []map[string]any{{"UserId": bobID, "CanEdit": false}}}))
	var dto struct {
		OpenAccess bool
		Shares     []struct{ UserId string }
		ItemIds    []string
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Playlists/"+created.Id, e.admin, nil)), &dto)
	if len(dto.Shares) != 1 || dto.Shares[0].UserId != bobID || len(dto.ItemIds) != 3 {
		t.Fatalf("PlaylistDto %+v", dto)
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items?IncludeItemTypes=Playlist", bob, nil)), &list)
	if len(list.Items) != 1 || list.Items[0].Name != "Saturday" || *list.Items[0].ChildCount != 0 {
		t.Fatalf("bob lists %+v (the movies are not his)", list)
	}
	// Jellyfin forbids edits by a user it is shared with (PlaylistsController's Forbid).
	e.want(http.StatusForbidden, e.do("POST", "/Playlists/"+created.Id+"/Items?Ids="+jid(dark.ID), bob, nil))
	e.want(http.StatusForbidden, e.do("DELETE", "/Items/"+created.Id, bob, nil))
	e.decode(e.want(http.StatusOK, e.do("GET", "/Playlists/"+created.Id+"/Users/"+bobID, bob, nil)), &perm)
	if perm.CanEdit {
		t.Errorf("bob may edit: %+v", perm)
	}
	e.want(http.StatusNoContent, e.do("DELETE", "/Playlists/"+created.Id+"/Users/"+bobID, e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Playlists/"+created.Id+"/Items", bob, nil))
	// Bad input; deleting it as an item.
	e.want(http.StatusNotFound, e.do("POST", "/Playlists?Name=x&Ids=nope", e.admin, nil))
	e.want(http.StatusBadRequest, e.do("POST", "/Playlists?Name=", e.admin, nil))
	e.want(http.StatusNotFound, e.do("DELETE", "/Items/"+jid(heat.ID), e.admin, nil)) // media is not deleted through the API
	e.want(http.StatusNoContent, e.do("DELETE", "/Items/"+created.Id, e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Items/"+created.Id, e.admin, nil))
}
