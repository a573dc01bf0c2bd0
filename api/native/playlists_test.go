package native

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestPlaylistsAndHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kids, adults := e.addLibrary("kids"), e.addLibrary("adults")
	movie := func(n int, lib string) string {
		t.Helper()
		id := fmt.Sprintf("66666666-0000-7000-8000-%012d", n)
		if _, err := e.stores.Items.CreateItem(ctx, core.Item{ID: core.ItemID(id), Kind: core.KindMovie, Title: fmt.Sprintf("Movie %d", n),
			LibraryID: core.LibraryID(lib), Runtime: time.Hour, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b, c := movie(1, kids.ID), movie(2, kids.ID), movie(3, adults.ID)
	bob, bobUser := e.addUser("bob", kids.ID)

	var pl playlistDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/playlists", map[string]any{"name": "Night", "items": []string{a, c}})), &pl)
	if pl.Name != "Night" || pl.Entries != 2 || pl.DurationMS != 2*3600_000 {
		t.Fatalf("created %+v", pl)
	}
	e.decode(e.want(200, e.as(e.admin, "POST", "/api/v1/playlists/"+pl.ID+"/entries", map[string]any{"items": []string{b}})), &pl)
	var entries listDTO[entryDTO]
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/playlists/"+pl.ID+"/entries", nil)), &entries)
	if len(entries.Items) != 3 || entries.Items[2].Item.ID != b {
		t.Fatalf("entries %+v", entries.Items)
	}
	e.want(200, e.as(e.admin, "POST", fmt.Sprintf("/api/v1/playlists/%s/entries/%d/move", pl.ID, entries.Items[2].ID), map[string]any{"after": 0}))
	e.want(204, e.as(e.admin, "DELETE", fmt.Sprintf("/api/v1/playlists/%s/entries/%d", pl.ID, entries.Items[0].ID), nil)) // a
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/playlists/"+pl.ID+"/entries", nil)), &entries)
	if len(entries.Items) != 2 || entries.Items[0].Item.ID != b || entries.Items[1].Item.ID != c {
		t.Fatalf("after move and remove %+v", entries.Items)
	}
	// Bob sees nothing until it is shared, then only what his grants allow.
	e.want(404, e.as(bob, "GET", "/api/v1/playlists/"+pl.ID, nil))
	e.decode(e.want(200, e.as(e.admin, "PATCH", "/api/v1/playlists/"+pl.ID, map[string]any{"name": "Late", "sharedWith": []string{bobUser.ID}})), &pl)
	if pl.Name != "Late" || len(pl.SharedWith) != 1 {
		t.Fatalf("patched %+v", pl)
	}
	var seen playlistDTO
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/playlists/"+pl.ID, nil)), &seen)
	if seen.Entries != 1 || seen.DurationMS != 3600_000 {
		t.Errorf("bob sees %+v: the adults' movie counts", seen)
	}
	var bobs listDTO[playlistDTO]
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/playlists", nil)), &bobs)
	if seen.OwnerName != "admin" || len(bobs.Items) != 1 || bobs.Items[0].OwnerName != "admin" {
		t.Errorf("bob is told the owner is %q, in the list %+v", seen.OwnerName, bobs.Items)
	}
	e.want(404, e.as(bob, "PATCH", "/api/v1/playlists/"+pl.ID, map[string]any{"name": "mine"}))
	e.want(400, e.as(e.admin, "POST", "/api/v1/playlists", map[string]any{"name": " "}))
	e.want(404, e.as(e.admin, "DELETE", "/api/v1/playlists/"+pl.ID+"/entries/abc", nil))
	e.want(204, e.as(e.admin, "DELETE", "/api/v1/playlists/"+pl.ID, nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/playlists/"+pl.ID, nil))

	// History: bob's own; the admin anyone's.
	h := core.NewHistory(e.stores.History, core.NewItems(e.stores.Items, e.stores.Media, e.stores.Metadata), time.Now)
	bobCaller := core.Caller{UserID: core.UserID(bobUser.ID), Libraries: []core.LibraryID{core.LibraryID(kids.ID)}}
	if _, err := h.Record(ctx, bobCaller, core.HistoryEntry{Item: core.ItemID(a), DeviceID: "tv", Watched: time.Minute, Method: core.PlayTranscode}); err != nil {
		t.Fatal(err)
	}
	var hist struct {
		Items []historyDTO `json:"items"`
		Total int          `json:"total"`
	}
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/history", nil)), &hist)
	if hist.Total != 1 || hist.Items[0].ItemID != a || hist.Items[0].Method != "transcode" || hist.Items[0].WatchedMS != 60_000 {
		t.Fatalf("bob's history %+v", hist)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/history?user="+bobUser.ID+"&since="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), nil)), &hist)
	if hist.Total != 1 {
		t.Errorf("the admin's view %+v", hist)
	}
	e.want(400, e.as(e.admin, "GET", "/api/v1/history?since=yesterday", nil))
	e.want(http.StatusBadRequest, e.as(e.admin, "GET", "/api/v1/history?limit=0", nil))
}
