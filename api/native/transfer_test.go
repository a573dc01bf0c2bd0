package native

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// library fills a server with the same movies and show; ids differ from server to server.
func (e *env) sameLibrary() (heat, ronin core.Item, eps [][]core.Item) {
	e.t.Helper()
	movies, shows := e.addLibrary("movies"), e.addLibrary("shows")
	heat = e.item(core.Item{Kind: core.KindMovie, Title: "Heat", Year: 1995, LibraryID: core.LibraryID(movies.ID), Runtime: 100 * time.Minute,
		ProviderIDs: map[string]string{"imdb": "tt0113277"}})
	ronin = e.item(core.Item{Kind: core.KindMovie, Title: "Ronin", Year: 1998, LibraryID: core.LibraryID(movies.ID), Runtime: 100 * time.Minute})
	_, eps = e.show(shows.ID, "Dark", 3)
	return heat, ronin, eps
}

func TestExportImportThroughTheAPI(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	heat, ronin, eps := a.sameLibrary()
	heatB, roninB, epsB := b.sameLibrary()
	ann, annUser := a.addUser("ann")

	a.want(200, a.as(ann, "POST", "/api/v1/items/"+string(ronin.ID)+"/progress", map[string]any{"positionMs": 40 * 60_000}))
	a.want(200, a.as(ann, "POST", "/api/v1/items/"+string(eps[1][0].ID)+"/progress", map[string]any{"stopped": true, "watchedMs": 60_000}))
	a.want(200, a.as(ann, "PATCH", "/api/v1/items/"+string(heat.ID)+"/userdata", map[string]any{"favorite": true, "rating": 9}))
	a.want(204, a.as(ann, "PUT", "/api/v1/users/me/watchlist/"+string(ronin.ID), nil))
	a.want(201, a.as(ann, "POST", "/api/v1/lists", map[string]any{"name": "Best", "items": []string{string(heat.ID)}}))
	a.want(201, a.as(ann, "POST", "/api/v1/playlists", map[string]any{"name": "Night", "items": []string{string(heat.ID), string(eps[1][1].ID)}}))

	rec := a.want(200, a.as(ann, "GET", "/api/v1/users/me/export", nil))
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="walros-ann-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	raw := rec.Body.String()
	var doc core.TransferDoc
	a.decode(rec, &doc)
	if doc.Version != 1 || doc.Format != "walros-user-data" || len(doc.History) != 1 || len(doc.Items) < 4 {
		t.Fatalf("export %s", raw)
	}
	// Every item says what it is: an episode its series and numbers.
	for _, it := range doc.Items {
		if it.ID == eps[1][0].ID && (it.Series == nil || it.Series.Title != "Dark" || *it.Season != 1 || *it.Episode != 1) {
			t.Errorf("the episode is described as %+v", it)
		}
		if it.ID == heat.ID && it.ProviderIDs["imdb"] != "tt0113277" {
			t.Errorf("heat is described as %+v", it)
		}
	}
	// An admin may export ann's; ann may not export the admin's.
	a.want(200, a.as(a.admin, "GET", "/api/v1/users/"+annUser.ID+"/export", nil))
	a.want(404, a.as(ann, "GET", "/api/v1/users/"+annUser.ID+"x/export", nil))

	// On the other server: zoe imports her own, twice.
	zoe, zoeUser := b.addUser("zoe")
	var rep core.ImportReport
	b.decode(b.want(200, b.as(zoe, "POST", "/api/v1/users/me/import", raw)), &rep)
	if rep.Items.Unmatched != 0 || rep.History.Imported != 1 || rep.Watchlist.Imported != 1 || rep.Lists.Imported != 1 ||
		rep.Playlists.Imported != 1 || rep.PlaylistEntries.Imported != 2 {
		t.Fatalf("report %+v", rep)
	}
	var d userDataDTO
	b.decode(b.want(200, b.as(zoe, "GET", "/api/v1/items/"+string(roninB.ID)+"/userdata", nil)), &d)
	if d.PositionMS != 40*60_000 {
		t.Fatalf("ronin on b %+v", d)
	}
	b.decode(b.want(200, b.as(zoe, "GET", "/api/v1/items/"+string(heatB.ID)+"/userdata", nil)), &d)
	if !d.Favorite || d.Rating == nil || *d.Rating != 9 {
		t.Fatalf("heat on b %+v", d)
	}
	var page itemPageOut
	b.decode(b.want(200, b.as(zoe, "GET", "/api/v1/users/me/nextup", nil)), &page)
	if page.Total != 1 || page.Items[0].ID != string(epsB[1][1].ID) {
		t.Fatalf("next up on b %v", page.ids())
	}
	b.decode(b.want(200, b.as(zoe, "POST", "/api/v1/users/me/import", raw)), &rep)
	if rep.History.Imported != 0 || rep.History.Existing != 1 || rep.Watchlist.Existing != 1 || rep.ListItems.Existing != 1 ||
		rep.PlaylistEntries.Existing != 2 || rep.PlaylistEntries.Imported != 0 {
		t.Fatalf("second report %+v", rep)
	}
	var hist struct {
		Total int `json:"total"`
	}
	b.decode(b.want(200, b.as(zoe, "GET", "/api/v1/history", nil)), &hist)
	if hist.Total != 1 {
		t.Fatalf("history after two imports: %d", hist.Total)
	}

	// The admin imports into another user; a member may not.
	yan, yanUser := b.addUser("yan")
	b.want(404, b.as(yan, "POST", "/api/v1/users/"+zoeUser.ID+"/import", raw))
	b.decode(b.want(200, b.as(b.admin, "POST", "/api/v1/users/"+yanUser.ID+"/import", raw)), &rep)
	if rep.History.Imported != 1 {
		t.Fatalf("admin's import for yan %+v", rep)
	}

	// Refused documents change nothing.
	before := b.want(200, b.as(yan, "GET", "/api/v1/users/me/export", nil)).Body.String()
	var bad map[string]any
	if err := json.Unmarshal([]byte(raw), &bad); err != nil {
		t.Fatal(err)
	}
	bad["version"] = 2
	for name, body := range map[string]any{
		"malformed":   `{"format": "walros-user-data", "version": 1, "items": [`,
		"not json":    "hello",
		"version 2":   bad,
		"dangling":    `{"format": "walros-user-data", "version": 1, "watchlist": [{"item": "nope"}]}`,
		"too large":   `{"format": "walros-user-data", "version": 1, "items": [], "pad": "` + strings.Repeat("x", maxImport) + `"}`,
		"two of them": `{"format": "walros-user-data", "version": 1} {}`,
	} {
		rec := b.as(yan, "POST", "/api/v1/users/me/import", body)
		if rec.Code != 400 {
			t.Errorf("%s: status %d, want 400", name, rec.Code)
		}
	}
	after := b.want(200, b.as(yan, "GET", "/api/v1/users/me/export", nil)).Body.String()
	if strip(before) != strip(after) {
		t.Errorf("a refused import changed yan's data:\n%s\n%s", before, after)
	}
}

// strip drops the export time from a document.
func strip(doc string) string {
	var m map[string]any
	_ = json.Unmarshal([]byte(doc), &m)
	delete(m, "exportedAt")
	b, _ := json.Marshal(m)
	return string(b)
}
