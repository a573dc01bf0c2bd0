package jellyfin

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/internal/parentaltest"
)

// TestParentalWalk walks every GET route of the facade (and PlaybackInfo) as a user whose parental
// controls block some items, with every blocked item in every item parameter and the usual list,
// search and filter queries, and finds none of them in any answer: not in lists, search, detail,
// images or streams. The same walk as the admin must meet every blocked item, so that the walk
// cannot pass by reaching nothing.
func TestParentalWalk(t *testing.T) {
	e := newEnv(t)
	var roots []string
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), AllowedRoots: func() []string { return roots }})
	if err != nil {
		t.Fatal(err)
	}
	e.h.Artwork = art
	libs := map[core.LibraryType]map[string]string{core.LibraryMovies: parentaltest.MovieFiles, core.LibraryShows: parentaltest.ShowFiles}
	var libIDs []string
	for _, typ := range []core.LibraryType{core.LibraryMovies, core.LibraryShows} {
		root := filepath.Join(t.TempDir(), string(typ))
		parentaltest.Write(t, root, libs[typ])
		roots = append(roots, root)
		lib, err := e.libs.Create(e.ctx, e.operator, core.NewLibrary{Name: string(typ), Type: typ, Paths: []string{root}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.scanner.Scan(e.ctx, lib, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		libIDs = append(libIDs, jid(lib.ID))
	}
	all, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	blocked, allowed := parentaltest.Split(t, all)
	markers := parentaltest.Markers(blocked, nil)

	kid, kidID := e.addUser("kid")
	// Before the controls: the kid plays a blocked movie, lists it in a playlist and marks it a
	// favorite; none of it may show afterwards.
	grim, family := e.item(core.KindMovie, "Grim Film"), e.item(core.KindMovie, "Family Film")
	var pl struct{ Id string }
	e.decode(e.want(http.StatusOK, e.do("POST", "/Playlists", kid, map[string]any{"Name": "Mine", "Ids": []string{jid(grim.ID), jid(family.ID)}})), &pl)
	e.want(http.StatusOK, e.do("POST", "/UserFavoriteItems/"+jid(grim.ID), kid, nil))
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Progress", kid, map[string]any{"ItemId": jid(grim.ID), "PositionTicks": int64(30 * time.Minute / 100)}))
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Stopped", kid, map[string]any{"ItemId": jid(grim.ID), "PositionTicks": int64(30 * time.Minute / 100)}))
	controls := parentaltest.Controls()
	if _, err := e.users.Update(e.ctx, e.operator, core.UserID(uuidOf(t, kidID)), core.UserPatch{Parental: &controls}); err != nil {
		t.Fatal(err)
	}

	var itemParams []string
	for _, it := range blocked {
		itemParams = append(itemParams, jid(it.ID))
	}
	for _, it := range allowed[:2] {
		itemParams = append(itemParams, jid(it.ID))
	}
	subst := map[string][]string{
		"userId": {kidID}, "itemId": itemParams, "seriesId": itemParams, "playlistId": {pl.Id},
		"name": append(slices.Clone(parentaltest.BlockedNames), "Kind Actor"), "imageType": {"Primary"}, "imageIndex": {"0"},
		"container": {"mkv"}, "mediaSourceId": {"x"}, "index": {"0"}, "format": {"vtt"}, "startPositionTicks": {"0"},
		"segment": {"0.ts"}, "displayPreferencesId": {"usersettings"},
	}
	lists := []string{"", "Recursive=true&Fields=Overview,Genres,People,Tags,Studios,ParentId,MediaSources&EnableUserData=true",
		"Recursive=true&SearchTerm=film", "searchTerm=show", "SearchTerm=grim", "Recursive=true&IncludeItemTypes=Movie,Series,Season,Episode",
		"Recursive=true&Genres=Grimgenre", "Recursive=true&Tags=Horror", "Recursive=true&Filters=IsFavorite",
		"Recursive=true&SortBy=DatePlayed&SortOrder=Descending&Filters=IsPlayed", "Recursive=true&PersonIds=" + url.QueryEscape("Grim Actor"),
		"Recursive=true&Person=" + url.QueryEscape("Grim Actor")}
	for _, id := range libIDs {
		lists = append(lists, "ParentId="+id, "ParentId="+id+"&Recursive=true")
	}
	for _, it := range parentaltest.Parents(blocked) {
		lists = append(lists, "ParentId="+jid(it.ID)+"&Recursive=true", "SeriesId="+jid(it.ID))
	}

	var reqs []string
	var patterns []string
	for _, rs := range e.h.routes.bySegments {
		for _, rt := range rs {
			if rt.method == "GET" && !strings.EqualFold(rt.pattern, "/socket") || strings.HasSuffix(rt.pattern, "/PlaybackInfo") {
				patterns = append(patterns, rt.method+" "+rt.pattern)
			}
		}
	}
	slices.Sort(patterns)
	for _, p := range patterns {
		method, pattern, _ := strings.Cut(p, " ")
		paths := parentaltest.Expand(pattern, subst)
		for _, path := range paths {
			if strings.Contains(pattern, "{itemId}") || strings.Contains(pattern, "{seriesId}") {
				reqs = append(reqs, method+" "+path, method+" "+path+"?UserId="+kidID+"&static=true")
				continue
			}
			for _, q := range lists {
				reqs = append(reqs, method+" "+path+"?"+q)
			}
		}
	}

	do := func(token string) func(string) parentaltest.Response {
		return func(r string) parentaltest.Response {
			method, path, _ := strings.Cut(r, " ")
			rec := e.do(method, path, token, nil)
			return parentaltest.Response{Code: rec.Code, ContentType: rec.Header().Get("Content-Type"), Body: rec.Body.Bytes()}
		}
	}
	parentaltest.Walk(t, reqs, markers, do(kid), do(e.admin), category, []string{"list", "search", "detail", "image", "media", "people"})
}

// category names the kind of route a path is, for the walk's report.
func category(req string) string {
	_, path, _ := strings.Cut(req, " ")
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "/images"):
		return "image"
	case strings.Contains(p, "search"):
		return "search"
	case strings.Contains(p, "/persons") || strings.Contains(p, "/genres"):
		return "people"
	case strings.Contains(p, "/stream") || strings.Contains(p, "/download") || strings.Contains(p, "/file") || strings.Contains(p, "playbackinfo"):
		return "media"
	case strings.HasPrefix(p, "/items/") && !strings.Contains(strings.TrimPrefix(p, "/items/"), "/") ||
		strings.HasPrefix(p, "/users/") && strings.Contains(p, "/items/") && !strings.Contains(p, "resume"):
		return "detail"
	}
	return "list"
}

// uuidOf turns a Jellyfin N-format id into a UUID.
func uuidOf(t *testing.T, id string) string {
	t.Helper()
	u, ok := parseID(id)
	if !ok {
		t.Fatalf("id %q", id)
	}
	return fmt.Sprint(u)
}
