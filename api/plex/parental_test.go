package plex

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/internal/parentaltest"
)

// TestParentalWalk walks every GET route of the Plex facade, in XML and JSON, as a user whose
// parental controls block some items, with every blocked item's key in every key parameter and
// the usual list and search queries, and finds none of them in any answer; the admin's walk
// meets them all.
func TestParentalWalk(t *testing.T) {
	e := newEnv(t)
	var sections []string
	for _, lib := range []struct {
		typ   core.LibraryType
		files map[string]string
	}{{core.LibraryMovies, parentaltest.MovieFiles}, {core.LibraryShows, parentaltest.ShowFiles}} {
		root := filepath.Join(t.TempDir(), string(lib.typ))
		parentaltest.Write(t, root, lib.files)
		l, err := e.libs.Create(e.ctx, e.operator, core.NewLibrary{Name: string(lib.typ), Type: lib.typ, Paths: []string{root}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.scanner.Scan(e.ctx, l, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		if l, err = e.libs.Get(e.ctx, e.operator, l.ID); err != nil {
			t.Fatal(err)
		}
		sections = append(sections, strconv.FormatInt(l.Key, 10))
	}
	all, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	blocked, allowed := parentaltest.Split(t, all)
	parts := map[core.ItemID][]int64{}
	for _, it := range all {
		files, err := e.items.Files(e.ctx, e.operator, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			parts[it.ID] = append(parts[it.ID], f.Key)
		}
	}
	markers := parentaltest.Markers(blocked, func(it core.Item) []string {
		k := strconv.FormatInt(it.Key, 10)
		// Keys of other spaces (playlists, parts) may share the number: only metadata paths name an item.
		out := []string{"/library/metadata/" + k + `"`, "/library/metadata/" + k + "/"}
		for _, p := range parts[it.ID] {
			out = append(out, fmt.Sprintf("/library/parts/%d/", p))
		}
		return out
	})

	kid := e.addUser("kid")
	kidUser, err := e.users.List(e.ctx, e.operator)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(kidUser, func(u core.User) bool { return u.Username == "kid" })
	// Before the controls: the kid watches a blocked movie and lists it in a playlist.
	grim, family := e.item(core.KindMovie, "Grim Film"), e.item(core.KindMovie, "Family Film")
	e.want(http.StatusOK, e.get("/:/scrobble?key="+strconv.FormatInt(grim.Key, 10)+"&identifier=com.plexapp.plugins.library", kid))
	e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(grim.Key, 10)+"&key=/library/metadata/"+
		strconv.FormatInt(grim.Key, 10)+"&state=stopped&time=60000&duration=5400000", kid))
	pl, err := e.h.Playlists.Create(e.ctx, core.CallerOf(kidUser[i], ""), "Mine", []core.ItemID{grim.ID, family.ID})
	if err != nil {
		t.Fatal(err)
	}
	controls := parentaltest.Controls()
	if _, err := e.users.Update(e.ctx, e.operator, kidUser[i].ID, core.UserPatch{Parental: &controls}); err != nil {
		t.Fatal(err)
	}

	var keys, partKeys, streams []string
	for _, it := range append(slices.Clone(blocked), allowed[:2]...) {
		keys = append(keys, strconv.FormatInt(it.Key, 10))
		for _, p := range parts[it.ID] {
			partKeys = append(partKeys, strconv.FormatInt(p, 10))
			streams = append(streams, strconv.FormatInt(p*1000, 10), strconv.FormatInt(p*1000+2, 10))
		}
	}
	playlists, err := e.h.Playlists.List(e.ctx, core.CallerOf(kidUser[i], ""))
	if err != nil || len(playlists) != 1 || playlists[0].ID != pl.ID {
		t.Fatalf("playlists %+v, %v", playlists, err)
	}
	subst := map[string][]string{"section": sections, "id": append(slices.Clone(keys), streams...), "ids": append(slices.Clone(keys), strings.Join(keys, ",")),
		"part": partKeys, "stamp": {"1"}, "file": {"file.mkv"}, "key": {strconv.FormatInt(playlists[0].Key, 10)}}
	lists := []string{"", "type=1", "type=2", "type=4", "query=grim", "query=film", "query=show", "includeGuids=1&includeMeta=1",
		"sort=addedAt:desc", "genre=Grimgenre", "X-Plex-Container-Size=50", "accountID=" + "1", "metadataItemID=" + keys[0]}
	for _, it := range parentaltest.Parents(blocked) {
		k := strconv.FormatInt(it.Key, 10)
		lists = append(lists, "path=%2Flibrary%2Fmetadata%2F"+k, "key=%2Flibrary%2Fmetadata%2F"+k, "url=%2Flibrary%2Fmetadata%2F"+k+"%2Fthumb%2F1")
	}
	var reqs []string
	for _, rt := range e.h.routes.routes {
		if rt.method != http.MethodGet || strings.Contains(rt.pattern, "websocket") || strings.Contains(rt.pattern, "{") && strings.Contains(rt.pattern, "/session/") {
			continue
		}
		for _, path := range parentaltest.Expand(rt.pattern, subst) {
			if strings.Contains(rt.pattern, "{") && !strings.Contains(rt.pattern, "{section}") {
				reqs = append(reqs, path, path+"?X-Plex-Container-Size=50")
				continue
			}
			for _, q := range lists {
				reqs = append(reqs, path+"?"+q)
			}
		}
	}
	do := func(token string, restricted bool) func(string) parentaltest.Response {
		return func(r string) parentaltest.Response {
			if strings.HasPrefix(r, "/video/") && (!restricted || parentaltest.Leak([]byte(r), markers) == "") {
				return parentaltest.Response{} // this test has no transcoder: only a blocked item may come here, and must stop before it
			}
			var out parentaltest.Response
			for _, accept := range []string{"application/xml", "application/json"} {
				rec := e.get(r, token, "Accept", accept)
				out = parentaltest.Response{Code: rec.Code, ContentType: rec.Header().Get("Content-Type"), Body: append(out.Body, rec.Body.Bytes()...)}
			}
			return out
		}
	}
	parentaltest.Walk(t, reqs, markers, do(kid, true), do(e.admin, false), plexCategory,
		[]string{"list", "search", "detail", "image", "media", "history", "playlist", "hub"})
}

func plexCategory(req string) string {
	switch {
	case strings.Contains(req, "/thumb/"), strings.Contains(req, "/art/"), strings.HasPrefix(req, "/photo/"):
		return "image"
	case strings.Contains(req, "search"), strings.Contains(req, "query="):
		return "search"
	case strings.HasPrefix(req, "/library/parts/"), strings.HasPrefix(req, "/library/streams/"), strings.HasPrefix(req, "/video/"):
		return "media"
	case strings.Contains(req, "history"):
		return "history"
	case strings.HasPrefix(req, "/playlists"):
		return "playlist"
	case strings.HasPrefix(req, "/hubs"), strings.Contains(req, "onDeck"), strings.Contains(req, "recentlyAdded"):
		return "hub"
	case strings.HasPrefix(req, "/library/metadata/"), strings.HasPrefix(req, "/library/collections/"):
		return "detail"
	}
	return "list"
}
