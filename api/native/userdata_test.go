package native

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/core"
)

// item stores an item made by hand and returns it.
func (e *env) item(it core.Item) core.Item {
	e.t.Helper()
	it.ID = core.ItemID(uuid.Must(uuid.NewV7()).String())
	it.CreatedAt, it.UpdatedAt = e.clock.Now(), e.clock.Now()
	it, err := e.stores.Items.CreateItem(context.Background(), it)
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// show stores a series with count 40-minute episodes in each of seasons 1..len(counts).
func (e *env) show(lib, title string, counts ...int) (core.Item, [][]core.Item) {
	e.t.Helper()
	series := e.item(core.Item{Kind: core.KindSeries, Title: title, LibraryID: core.LibraryID(lib)})
	eps := [][]core.Item{nil}
	for s, count := range counts {
		n := s + 1
		season := e.item(core.Item{Kind: core.KindSeason, Title: fmt.Sprintf("Season %d", n), SortTitle: fmt.Sprintf("%05d", n),
			LibraryID: core.LibraryID(lib), ParentID: series.ID, IndexNumber: &n})
		var list []core.Item
		for i := 1; i <= count; i++ {
			list = append(list, e.item(core.Item{Kind: core.KindEpisode, Title: fmt.Sprintf("%s %dx%02d", title, n, i),
				SortTitle: fmt.Sprintf("%05d", i), LibraryID: core.LibraryID(lib), ParentID: season.ID, ParentIndex: &n, IndexNumber: &i,
				Runtime: 40 * time.Minute}))
		}
		eps = append(eps, list)
	}
	return series, eps
}

type itemPageOut struct {
	Items []struct {
		itemDTO
		UserData userDataDTO `json:"userData"`
		AddedAt  time.Time   `json:"addedAt"`
	} `json:"items"`
	Total int `json:"total"`
}

func (p itemPageOut) ids() []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.ID
	}
	return out
}

func TestUserDataThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	movies, shows := e.addLibrary("movies"), e.addLibrary("shows")
	heat := e.item(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: core.LibraryID(movies.ID), Runtime: 100 * time.Minute})
	ronin := e.item(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: core.LibraryID(movies.ID), Runtime: 100 * time.Minute})
	dark, eps := e.show(shows.ID, "Dark", 2, 2)
	ann, _ := e.addUser("ann")
	var d userDataDTO
	path := func(it core.Item, rest string) string { return "/api/v1/items/" + string(it.ID) + rest }

	// Progress from one device is where every other device resumes.
	e.decode(e.want(200, e.as(ann, "POST", path(heat, "/progress"), map[string]any{"positionMs": 30 * 60_000})), &d)
	if d.PositionMS != 30*60_000 || d.Played || d.PlayedPercent != 30 {
		t.Fatalf("after a report %+v", d)
	}
	tv := loginOn(e, "ann", "tv")
	e.decode(e.want(200, e.as(tv, "GET", path(heat, "/userdata"), nil)), &d)
	if d.PositionMS != 30*60_000 || d.LastPlayedAt == nil {
		t.Fatalf("the tv reads %+v", d)
	}
	// A stop past 90 % is a play; the resume point goes.
	e.decode(e.want(200, e.as(tv, "POST", path(heat, "/progress"), map[string]any{"positionMs": 95 * 60_000, "stopped": true,
		"watchedMs": 65 * 60_000, "method": "transcode"})), &d)
	if !d.Played || d.PlayCount != 1 || d.PositionMS != 0 {
		t.Fatalf("after a stop at 95 %% %+v", d)
	}
	var hist struct {
		Items []historyDTO `json:"items"`
		Total int          `json:"total"`
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/history", nil)), &hist)
	if hist.Total != 1 || hist.Items[0].WatchedMS != 65*60_000 || hist.Items[0].Method != "transcode" || hist.Items[0].DeviceID != "tv" {
		t.Fatalf("history %+v", hist)
	}
	// A report at 0 (a player starting before it seeks) leaves the resume point alone.
	e.want(200, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 50 * 60_000}))
	e.decode(e.want(200, e.as(tv, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 0})), &d)
	if d.PositionMS != 50*60_000 {
		t.Fatalf("a report at 0 moved the resume point to %d", d.PositionMS)
	}
	// Under 5 % keeps no resume point.
	e.decode(e.want(200, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 60_000})), &d)
	if d.PositionMS != 0 {
		t.Fatalf("a report at 1 %% kept %d", d.PositionMS)
	}
	e.want(200, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 20 * 60_000}))
	e.want(400, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": -1}))
	e.want(400, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{}))
	e.want(400, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 1, "method": "teleport"}))
	e.want(400, e.as(ann, "POST", path(dark, "/progress"), map[string]any{"positionMs": 1}))
	e.want(400, e.as(ann, "POST", path(ronin, "/progress"), map[string]any{"positionMs": 1, "fileId": "not-a-file"}))

	// PATCH: favorite, likes, rating, null forgets.
	e.decode(e.want(200, e.as(ann, "PATCH", path(ronin, "/userdata"), map[string]any{"favorite": true, "likes": false, "rating": 7.5})), &d)
	if !d.Favorite || d.Likes == nil || *d.Likes || d.Rating == nil || *d.Rating != 7.5 || d.PositionMS != 20*60_000 {
		t.Fatalf("patched %+v", d)
	}
	e.decode(e.want(200, e.as(ann, "PATCH", path(ronin, "/userdata"), map[string]any{"likes": nil})), &d)
	if d.Likes != nil || d.Rating == nil {
		t.Fatalf("likes forgotten %+v", d)
	}
	e.want(400, e.as(ann, "PATCH", path(ronin, "/userdata"), map[string]any{"rating": 11}))
	e.want(400, e.as(ann, "PATCH", path(ronin, "/userdata"), map[string]any{"rated": 1}))

	// Played with a date, on a season: every episode.
	at := time.Date(2024, 3, 1, 20, 0, 0, 0, time.UTC)
	e.decode(e.want(200, e.as(ann, "POST", "/api/v1/items/"+string(eps[1][0].ParentID)+"/played", map[string]any{"playedAt": at})), &d)
	if !d.Played || d.UnplayedCount == nil || *d.UnplayedCount != 0 {
		t.Fatalf("season played %+v", d)
	}
	e.decode(e.want(200, e.as(ann, "GET", path(eps[1][1], "/userdata"), nil)), &d)
	if !d.Played || d.LastPlayedAt == nil || !d.LastPlayedAt.Equal(at) {
		t.Fatalf("episode of a played season %+v", d)
	}
	e.decode(e.want(200, e.as(ann, "GET", path(dark, "/userdata"), nil)), &d)
	if d.Played || d.UnplayedCount == nil || *d.UnplayedCount != 2 || d.PlayedPercent != 50 {
		t.Fatalf("the series %+v", d)
	}

	// The lists: continue watching, next up, favorites.
	var page itemPageOut
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/resume", nil)), &page)
	if page.Total != 1 || page.Items[0].ID != string(ronin.ID) || page.Items[0].UserData.PositionMS != 20*60_000 {
		t.Fatalf("resume %+v", page)
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/nextup", nil)), &page)
	if page.Total != 1 || page.Items[0].ID != string(eps[2][0].ID) {
		t.Fatalf("next up %v", page.ids())
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/nextup?since="+time.Now().UTC().Add(24*time.Hour).Format(time.RFC3339), nil)), &page)
	if page.Total != 0 {
		t.Fatalf("next up since tomorrow %v", page.ids())
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/favorites?type=movie", nil)), &page)
	if page.Total != 1 || page.Items[0].ID != string(ronin.ID) || !page.Items[0].UserData.Favorite {
		t.Fatalf("favorites %+v", page)
	}
	// Unplayed forgets the plays.
	e.decode(e.want(200, e.as(ann, "DELETE", path(heat, "/played"), nil)), &d)
	if d.Played || d.PlayCount != 0 || d.LastPlayedAt != nil {
		t.Fatalf("unplayed %+v", d)
	}
	e.decode(e.want(200, e.as(ann, "POST", path(heat, "/played"), nil)), &d)
	if !d.Played || d.PlayCount != 1 {
		t.Fatalf("played without a body %+v", d)
	}

	// Another user sees none of it, and nothing of a library they may not see.
	bob, _ := e.addUser("bob", movies.ID)
	e.decode(e.want(200, e.as(bob, "GET", path(ronin, "/userdata"), nil)), &d)
	if d.Favorite || d.PositionMS != 0 {
		t.Fatalf("bob sees ann's data %+v", d)
	}
	e.want(404, e.as(bob, "GET", path(dark, "/userdata"), nil))
	e.want(404, e.as(bob, "POST", path(eps[1][0], "/progress"), map[string]any{"positionMs": 1}))
	e.want(404, e.as(bob, "POST", path(dark, "/played"), nil))
	// An API key has no user data: empty lists, changes are 404.
	var key struct {
		Key string `json:"key"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/apikeys", map[string]any{"name": "tool"})), &key)
	e.decode(e.want(200, e.do("GET", "/api/v1/users/me/resume", nil, "X-Api-Key", key.Key)), &page)
	if page.Total != 0 {
		t.Fatalf("an API key's resume %+v", page)
	}
	e.want(404, e.do("POST", path(heat, "/progress"), map[string]any{"positionMs": 1}, "X-Api-Key", key.Key))
}

// loginOn signs a user in from another device and returns its access token.
func loginOn(e *env, name, device string) string {
	e.t.Helper()
	var tok tokenResponse
	e.decode(e.want(http.StatusOK, e.do(http.MethodPost, "/api/v1/auth/login",
		map[string]string{"username": name, "password": name + "-password", "deviceId": device})), &tok)
	return tok.AccessToken
}

func TestListsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	movies, kids := e.addLibrary("movies"), e.addLibrary("kids")
	heat := e.item(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: core.LibraryID(movies.ID)})
	ronin := e.item(core.Item{Kind: core.KindMovie, Title: "Ronin", LibraryID: core.LibraryID(movies.ID)})
	cars := e.item(core.Item{Kind: core.KindMovie, Title: "Cars", LibraryID: core.LibraryID(kids.ID)})
	ann, annUser := e.addUser("ann")
	bob, _ := e.addUser("bob", kids.ID)
	var page itemPageOut

	for _, it := range []core.Item{heat, cars, ronin} {
		e.want(204, e.as(ann, "PUT", "/api/v1/users/me/watchlist/"+string(it.ID), nil))
		e.clock.Add(time.Minute)
	}
	e.want(204, e.as(ann, "PUT", "/api/v1/users/me/watchlist/"+string(heat.ID), nil)) // keeps its place
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/watchlist", nil)), &page)
	if got := strings.Join(page.ids(), ","); page.Total != 3 || got != strings.Join([]string{string(ronin.ID), string(cars.ID), string(heat.ID)}, ",") {
		t.Fatalf("watchlist %v", page.ids())
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/watchlist?order=asc&limit=1", nil)), &page)
	if page.Total != 3 || len(page.Items) != 1 || page.Items[0].ID != string(heat.ID) || page.Items[0].AddedAt.IsZero() {
		t.Fatalf("oldest first %+v", page)
	}
	e.want(400, e.as(ann, "GET", "/api/v1/users/me/watchlist?order=sideways", nil))
	e.want(204, e.as(ann, "DELETE", "/api/v1/users/me/watchlist/"+string(ronin.ID), nil))
	e.want(404, e.as(bob, "PUT", "/api/v1/users/me/watchlist/"+string(heat.ID), nil))

	var l, other userListDTO
	e.decode(e.want(201, e.as(ann, "POST", "/api/v1/lists", map[string]any{"name": "Friday", "items": []string{string(heat.ID), string(cars.ID)}})), &l)
	if l.Name != "Friday" || l.Items != 2 {
		t.Fatalf("created %+v", l)
	}
	e.want(409, e.as(ann, "POST", "/api/v1/lists", map[string]any{"name": "Friday"}))
	e.want(400, e.as(ann, "POST", "/api/v1/lists", map[string]any{"name": ""}))
	e.decode(e.want(201, e.as(ann, "POST", "/api/v1/lists", map[string]any{"name": "Later"})), &other)
	e.want(409, e.as(ann, "PATCH", "/api/v1/lists/"+other.ID, map[string]any{"name": "Friday"}))
	e.decode(e.want(200, e.as(ann, "PATCH", "/api/v1/lists/"+other.ID, map[string]any{"name": "Sunday"})), &other)
	e.decode(e.want(200, e.as(ann, "POST", "/api/v1/lists/"+l.ID+"/items", map[string]any{"items": []string{string(ronin.ID)}})), &l)
	if l.Items != 3 {
		t.Fatalf("after adding %+v", l)
	}
	var lists listDTO[userListDTO]
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/lists", nil)), &lists)
	if len(lists.Items) != 2 || lists.Items[0].Name != "Friday" || lists.Items[1].Name != "Sunday" {
		t.Fatalf("lists %+v", lists)
	}
	var holding struct {
		Watchlist bool          `json:"watchlist"`
		Lists     []userListDTO `json:"lists"`
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/items/"+string(heat.ID)+"/lists", nil)), &holding)
	if !holding.Watchlist || len(holding.Lists) != 1 || holding.Lists[0].ID != l.ID {
		t.Fatalf("lists holding heat %+v", holding)
	}
	e.want(204, e.as(ann, "DELETE", "/api/v1/lists/"+l.ID+"/items/"+string(ronin.ID), nil))
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/lists/"+l.ID+"/items?order=asc", nil)), &page)
	if page.Total != 2 || page.Items[0].ID != string(heat.ID) || page.Items[1].ID != string(cars.ID) {
		t.Fatalf("entries %v", page.ids())
	}
	// Private: another user, even an admin, gets 404.
	for _, tok := range []string{bob, e.admin} {
		e.want(404, e.as(tok, "GET", "/api/v1/lists/"+l.ID, nil))
		e.want(404, e.as(tok, "GET", "/api/v1/lists/"+l.ID+"/items", nil))
		e.want(404, e.as(tok, "POST", "/api/v1/lists/"+l.ID+"/items", map[string]any{"items": []string{string(cars.ID)}}))
		e.want(404, e.as(tok, "DELETE", "/api/v1/lists/"+l.ID, nil))
	}
	// Items ann can no longer see drop out silently.
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+annUser.ID, map[string]any{"allLibraries": false, "libraryIds": []string{movies.ID}}))
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/lists/"+l.ID+"/items", nil)), &page)
	if page.Total != 1 || page.Items[0].ID != string(heat.ID) {
		t.Fatalf("entries ann still sees %v", page.ids())
	}
	e.decode(e.want(200, e.as(ann, "GET", "/api/v1/users/me/watchlist", nil)), &page)
	if page.Total != 1 {
		t.Fatalf("watchlist ann still sees %v", page.ids())
	}
	e.want(404, e.as(ann, "GET", "/api/v1/items/"+string(cars.ID)+"/lists", nil))
	e.want(204, e.as(ann, "DELETE", "/api/v1/lists/"+l.ID, nil))
	e.want(404, e.as(ann, "GET", "/api/v1/lists/"+l.ID, nil))
}

// TestResumeRemembersTheVersion plays one version of a movie that has two: the resume point says
// which, for the device that resumes.
func TestResumeRemembersTheVersion(t *testing.T) {
	e := newEnv(t)
	root := t.TempDir()
	for _, name := range []string{"Heat (1995) - 1080p.mkv", "Heat (1995) - 2160p.mkv"} {
		path := filepath.Join(root, "Heat (1995)", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("movie"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var lib libraryDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "Movies", "type": "movies", "paths": []string{root}})), &lib)
	var st scanStatusDTO
	e.decode(e.want(202, e.as(e.admin, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	for deadline := time.Now().Add(10 * time.Second); st.Running; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("scan still running: %+v", st)
		}
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	}
	var page struct {
		Items []itemDTO `json:"items"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?type=movie", nil)), &page)
	if len(page.Items) != 1 {
		t.Fatalf("movies %+v", page.Items)
	}
	var movie itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+page.Items[0].ID, nil)), &movie)
	if len(movie.Files) != 2 {
		t.Fatalf("files %+v", movie.Files)
	}
	uhd := movie.Files[1].ID
	progress := "/api/v1/items/" + movie.ID + "/progress"
	var d userDataDTO
	e.decode(e.want(200, e.as(e.admin, "POST", progress, map[string]any{"positionMs": 30 * 60_000, "fileId": uhd})), &d)
	if d.PositionFileID == nil || *d.PositionFileID != uhd {
		t.Fatalf("after a report on the 2160p version %+v", d)
	}
	tv := loginOn(e, "admin", "tv")
	e.decode(e.want(200, e.as(tv, "GET", "/api/v1/items/"+movie.ID+"/userdata", nil)), &d)
	if d.PositionFileID == nil || *d.PositionFileID != uhd || d.PositionMS != 30*60_000 {
		t.Fatalf("the tv reads %+v", d)
	}
	// A report that does not name the version keeps it while the position holds...
	e.decode(e.want(200, e.as(tv, "POST", progress, map[string]any{"positionMs": 0})), &d)
	if d.PositionFileID == nil {
		t.Fatalf("a start at 0 forgot the version %+v", d)
	}
	// ...and a stop on the other version moves it there; played forgets it.
	e.decode(e.want(200, e.as(tv, "POST", progress, map[string]any{"positionMs": 40 * 60_000, "stopped": true, "fileId": movie.Files[0].ID})), &d)
	if d.PositionFileID == nil || *d.PositionFileID != movie.Files[0].ID {
		t.Fatalf("after a stop on the 1080p version %+v", d)
	}
	var hist struct {
		Items []historyDTO `json:"items"`
	}
	e.decode(e.want(200, e.as(tv, "GET", "/api/v1/history", nil)), &hist)
	if len(hist.Items) != 1 || hist.Items[0].FileID != movie.Files[0].ID {
		t.Fatalf("history %+v", hist.Items)
	}
	e.decode(e.want(200, e.as(tv, "POST", "/api/v1/items/"+movie.ID+"/played", nil)), &d)
	if d.PositionFileID != nil || d.PositionMS != 0 {
		t.Fatalf("played %+v", d)
	}
}
