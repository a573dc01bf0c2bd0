package plex

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// TestDownloadName checks that a part fetched with ?download=1 names the saved file safely:
// quotes and backslashes replaced, the UTF-8 name in filename* (RFC 6266).
func TestDownloadName(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, `Amélie "Le" (2001)/Amélie "Le" \ (2001).mkv`)
	its, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 10})
	if err != nil || len(its) != 1 {
		t.Fatalf("movies %v, %v", its, err)
	}
	mc := e.getJSON("/library/metadata/"+strconv.FormatInt(its[0].Key, 10), e.admin)
	part := mc["Metadata"].([]any)[0].(map[string]any)["Media"].([]any)[0].(map[string]any)["Part"].([]any)[0].(map[string]any)
	rec := e.want(http.StatusOK, e.get(part["key"].(string)+"?download=1&X-Plex-Token="+url.QueryEscape(e.admin), ""))
	cd := rec.Header().Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="Am_lie _Le_ _ (2001).mkv"`) || !strings.Contains(cd, `filename*=UTF-8''Am%C3%A9lie%20_Le_%20_%20%282001%29.mkv`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
}

// TestDownloadsTurnedOff: a user whose downloads are off streams a part but cannot save it.
func TestDownloadsTurnedOff(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	if _, err := e.users.Create(e.ctx, e.operator, core.NewUser{Username: "dora", Password: "dora-password", AllLibraries: true,
		NoDownloads: true}); err != nil {
		t.Fatal(err)
	}
	dora := e.login("dora", "dora-password")
	its, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 10})
	if err != nil || len(its) != 1 {
		t.Fatalf("movies %v, %v", its, err)
	}
	mc := e.getJSON("/library/metadata/"+strconv.FormatInt(its[0].Key, 10), dora)
	part := mc["Metadata"].([]any)[0].(map[string]any)["Media"].([]any)[0].(map[string]any)["Part"].([]any)[0].(map[string]any)
	e.want(http.StatusForbidden, e.get(part["key"].(string)+"?download=1", dora))
	e.want(http.StatusOK, e.get(part["key"].(string), dora))
	e.want(http.StatusOK, e.get(part["key"].(string)+"?download=1", e.admin))
}
