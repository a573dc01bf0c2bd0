package native

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/internal/parentaltest"
)

// TestParentalControlsAPI sets a user's controls through the API, reads them back, and rejects
// bad ones without changing anything.
func TestParentalControlsAPI(t *testing.T) {
	e := newEnv(t)
	_, kid := e.addUser("kid")
	var u userDTO
	e.decode(e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": map[string]any{
		"maxRating": "PG-13", "blockUnrated": []string{"movie"}, "blockedTags": []string{" Horror "},
		"schedule": []map[string]any{{"day": "EveryDay", "start": 0, "end": 24}},
	}})), &u)
	p := u.ParentalControls
	if p.MaxRatingLevel == nil || *p.MaxRatingLevel != 13 || !slices.Equal(p.BlockUnrated, []string{"movie"}) ||
		!slices.Equal(p.BlockedTags, []string{"horror"}) || len(p.Schedule) != 1 || p.Schedule[0].Day != "everyday" || p.Schedule[0].End != 24 {
		t.Fatalf("controls = %+v", p)
	}
	for _, bad := range []map[string]any{
		{"maxRating": "XYZ"}, {"maxRatingLevel": 40}, {"blockUnrated": []string{"books"}},
		{"schedule": []map[string]any{{"day": "someday", "start": 1, "end": 2}}},
		{"schedule": []map[string]any{{"day": "monday", "start": 20, "end": 2}}},
	} {
		e.want(http.StatusBadRequest, e.as(e.admin, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": bad}))
	}
	e.decode(e.want(http.StatusOK, e.as(e.admin, "GET", "/api/v1/users/"+kid.ID, nil)), &u)
	if u.ParentalControls.MaxRatingLevel == nil || *u.ParentalControls.MaxRatingLevel != 13 {
		t.Fatalf("a rejected change changed the controls: %+v", u.ParentalControls)
	}
	// Only admins set them; a user cannot lift their own.
	kidToken := e.login("kid", "kid-password")
	e.want(http.StatusNotFound, e.as(kidToken, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": map[string]any{}}))
	var ratings struct {
		Items []struct {
			Name  string `json:"name"`
			Level int    `json:"level"`
		} `json:"items"`
	}
	e.decode(e.want(http.StatusOK, e.as(kidToken, "GET", "/api/v1/ratings", nil)), &ratings)
	if len(ratings.Items) < 10 || !slices.ContainsFunc(ratings.Items, func(r struct {
		Name  string `json:"name"`
		Level int    `json:"level"`
	}) bool {
		return r.Name == "PG-13" && r.Level == 13
	}) {
		t.Fatalf("ratings = %+v", ratings)
	}
}

// TestParentalSchedule checks that outside their hours a user can neither sign in nor use a
// session they opened before.
func TestParentalScheduleAPI(t *testing.T) {
	e := newEnv(t)
	kidToken, kid := e.addUser("kid")
	now := e.clock.Now().Local()
	day := strings.ToLower(now.Weekday().String())
	h := float64(now.Hour())
	// A window that ends before now (or, just after midnight, one on another day).
	window := map[string]any{"day": day, "start": 0, "end": max(h, 0.5)}
	if h < 1 {
		window["day"] = strings.ToLower(now.Add(48 * time.Hour).Weekday().String())
	}
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": map[string]any{
		"schedule": []map[string]any{window}}}))
	e.want(http.StatusUnauthorized, e.as(kidToken, "GET", "/api/v1/items", nil))
	e.want(http.StatusUnauthorized, e.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "kid", "password": "kid-password"}))
	// Inside the hours again.
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": map[string]any{
		"schedule": []map[string]any{{"day": "everyday", "start": 0, "end": 24}}}}))
	e.want(http.StatusOK, e.as(kidToken, "GET", "/api/v1/items", nil))
}

// TestParentalWalk walks every GET route of the native API as a user whose parental controls
// block some items, with every blocked item in every item parameter and the list and search
// queries, and finds none of them in any answer; the admin's walk meets them all.
func TestParentalWalk(t *testing.T) {
	e := newEnv(t)
	libIDs := []string{e.scanned("movies", parentaltest.MovieFiles), e.scanned("shows", parentaltest.ShowFiles)}
	all, _, err := e.stores.Items.Items(context.Background(), core.ItemQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	blocked, allowed := parentaltest.Split(t, all)
	markers := parentaltest.Markers(blocked, nil)
	var grim, family string
	for _, it := range all {
		switch it.Title {
		case "Grim Film":
			grim = string(it.ID)
		case "Family Film":
			family = string(it.ID)
		}
	}

	kidToken, kid := e.addUser("kid")
	var pl playlistDTO
	e.decode(e.want(http.StatusCreated, e.as(kidToken, "POST", "/api/v1/playlists", map[string]any{"name": "Mine", "items": []string{grim, family}})), &pl)
	// Before the controls the kid also lists, watches and likes the blocked movie.
	var list struct {
		ID string `json:"id"`
	}
	e.decode(e.want(http.StatusCreated, e.as(kidToken, "POST", "/api/v1/lists", map[string]any{"name": "Later", "items": []string{grim, family}})), &list)
	e.want(http.StatusNoContent, e.as(kidToken, "PUT", "/api/v1/users/me/watchlist/"+grim, nil))
	e.want(http.StatusOK, e.as(kidToken, "PATCH", "/api/v1/items/"+grim+"/userdata", map[string]any{"favorite": true, "rating": 9}))
	e.want(http.StatusOK, e.as(kidToken, "POST", "/api/v1/items/"+grim+"/progress", map[string]any{"positionMs": 600_000, "stopped": true, "watchedMs": 600_000}))
	e.clock.Add(time.Minute) // statistics count plays stopped before now
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+kid.ID, map[string]any{"parentalControls": map[string]any{
		"maxRatingLevel": *parentaltest.Controls().MaxLevel, "blockUnrated": []string{"movie"}, "blockedTags": []string{"horror"}}}))

	var itemParams []string
	for _, it := range blocked {
		itemParams = append(itemParams, string(it.ID))
	}
	for _, it := range allowed[:2] {
		itemParams = append(itemParams, string(it.ID))
	}
	lists := []string{"", "q=film", "q=show", "q=grim", "type=movie,series,season,episode", "genre=Grimgenre", "tag=Horror",
		"person=" + url.QueryEscape("Grim Actor"), "sort=added&order=desc", "sort=year"}
	for _, id := range libIDs {
		lists = append(lists, "library="+id, "parent="+id)
	}
	for _, it := range parentaltest.Parents(blocked) {
		lists = append(lists, "parent="+string(it.ID), "item="+string(it.ID))
	}
	var paths []string
	for _, r := range e.engine.Routes() {
		if r.Method != "GET" || !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasSuffix(r.Path, "/events") {
			continue
		}
		segs := strings.Split(r.Path, "/")
		var expand func(i int, prefix string)
		expand = func(i int, prefix string) {
			if i == len(segs) {
				paths = append(paths, prefix)
				return
			}
			s := segs[i]
			var values []string
			switch {
			case !strings.HasPrefix(s, ":"):
				values = []string{s}
			case s == ":id" && segs[i-1] == "items":
				values = itemParams
			case s == ":id" && segs[i-1] == "users":
				values = []string{kid.ID}
			case s == ":id" && segs[i-1] == "libraries":
				values = libIDs
			case s == ":id" && segs[i-1] == "playlists":
				values = []string{pl.ID}
			case s == ":id" && segs[i-1] == "lists":
				values = []string{list.ID}
			case s == ":name" && segs[i-1] == "people":
				values = append(slices.Clone(parentaltest.BlockedNames), "Kind Actor")
			case s == ":kind":
				values = []string{"primary"}
			case s == ":index":
				values = []string{"0"}
			case s == ":name", s == ":file":
				values = []string{"x.vtt"}
			case s == ":rendition":
				values = []string{"720p"}
			default:
				return // a parameter the walk has no value for
			}
			for _, v := range values {
				expand(i+1, strings.TrimPrefix(prefix+"/"+url.PathEscape(v), "/"))
			}
		}
		expand(1, "")
	}
	slices.Sort(paths)
	var reqs []string
	for _, p := range slices.Compact(paths) {
		p = "/" + p
		if strings.Contains(p, "/items/") || strings.Contains(p, "/people/") {
			reqs = append(reqs, p)
			continue
		}
		for _, q := range lists {
			reqs = append(reqs, p+"?"+q)
		}
	}

	do := func(token string, restricted bool) func(string) parentaltest.Response {
		return func(r string) parentaltest.Response {
			path, _, _ := strings.Cut(r, "?")
			engine := strings.Contains(path, "/hls/") || strings.Contains(path, "/dash/") || strings.HasSuffix(path, "/audio") ||
				strings.Contains(path, "/thumbs/") || strings.Contains(path, "/subtitles/")
			if engine && (!restricted || parentaltest.Leak([]byte(path), markers) == "") {
				return parentaltest.Response{} // this test has no stream engine: only a blocked item may come here, and must stop before it
			}
			// Straight to the engine: checking 1,800 answers against the API document costs more
			// under the race detector than the walk itself, and other tests check the shapes.
			req := httptest.NewRequest("GET", r, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			e.engine.ServeHTTP(rec, req)
			return parentaltest.Response{Code: rec.Code, ContentType: rec.Header().Get("Content-Type"), Body: rec.Body.Bytes()}
		}
	}
	parentaltest.Walk(t, reqs, markers, do(kidToken, true), do(e.admin, false), nativeCategory,
		[]string{"list", "search", "detail", "image", "media", "people", "playlist", "mine"})
}

// scanned makes a library of typ over files written under the artwork folder, scans it, and
// returns its id.
func (e *env) scanned(typ string, files map[string]string) string {
	e.t.Helper()
	root := filepath.Join(e.media, typ)
	parentaltest.Write(e.t, root, files)
	var l libraryDTO
	e.decode(e.want(http.StatusCreated, e.as(e.admin, "POST", "/api/v1/libraries",
		map[string]any{"name": typ, "type": typ, "paths": []string{root}})), &l)
	e.want(http.StatusAccepted, e.as(e.admin, "POST", "/api/v1/libraries/"+l.ID+"/scan", nil))
	for deadline := time.Now().Add(10 * time.Second); ; {
		var st scanStatusDTO
		e.decode(e.want(http.StatusOK, e.as(e.admin, "GET", "/api/v1/libraries/"+l.ID+"/scan", nil)), &st)
		if !st.Running {
			return l.ID
		}
		if time.Now().After(deadline) {
			e.t.Fatal("scan still running")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func nativeCategory(path string) string {
	switch {
	case strings.Contains(path, "/images/"):
		return "image"
	case strings.Contains(path, "q="):
		return "search"
	case strings.Contains(path, "/people"), strings.Contains(path, "/genres"):
		return "people"
	case strings.Contains(path, "/playlists"):
		return "playlist"
	case strings.Contains(path, "/users/me/"), strings.Contains(path, "/lists"), strings.Contains(path, "/history"):
		return "mine"
	case strings.Contains(path, "/stream"), strings.Contains(path, "/hls/"), strings.Contains(path, "/dash/"), strings.Contains(path, "/audio"):
		return "media"
	case strings.HasPrefix(path, "/api/v1/items/"):
		return "detail"
	}
	return "list"
}
