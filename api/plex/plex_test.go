package plex

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	rec := e.want(http.StatusOK, e.get("/identity", ""))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("identity Content-Type %q: XML is the default", ct)
	}
	var id struct {
		MachineIdentifier string `xml:"machineIdentifier,attr"`
		Version           string `xml:"version,attr"`
		Claimed           string `xml:"claimed,attr"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &id); err != nil || id.MachineIdentifier != "0123456789abcdef0123456789abcdef" || id.Claimed != "1" {
		t.Fatalf("identity %+v, %v: %s", id, err, rec.Body)
	}
	// Sonarr and Radarr parse the version with this expression and refuse an empty match.
	if !regexp.MustCompile(`^(\d+[.-]){4}`).MatchString(id.Version) {
		t.Fatalf("version %q does not parse as Sonarr's", id.Version)
	}
	for _, tc := range []struct {
		name, path, token string
	}{
		{"no token", "/", ""},
		{"bad token", "/", "not-a-token"},
		{"bad token in the query", "/library/sections?X-Plex-Token=nope", ""},
	} {
		if rec := e.get(tc.path, tc.token); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", tc.name, rec.Code)
		}
	}
	e.want(http.StatusOK, e.get("/", e.admin))
	e.want(http.StatusOK, e.get("/library/sections?X-Plex-Token="+url.QueryEscape(e.admin), ""))
	_, secret, err := e.auth.CreateAPIKey(e.ctx, e.operator, "sonarr")
	if err != nil {
		t.Fatal(err)
	}
	e.want(http.StatusOK, e.get("/library/sections", secret))
	e.want(http.StatusNotFound, e.get("/no/such/route", e.admin))
	e.want(http.StatusMethodNotAllowed, e.do(http.MethodDelete, "/library/sections", e.admin))
}

func TestRootAttributes(t *testing.T) {
	e := newEnv(t)
	// python-plexapi casts these with bool("1"/"0") and int(): anything else raises.
	body := e.want(http.StatusOK, e.get("/", e.admin)).Body.String()
	for _, a := range []string{`allowSync="0"`, `multiuser="1"`, `transcoderVideo="1"`, `transcoderActiveVideoSessions="0"`,
		`machineIdentifier="0123456789abcdef0123456789abcdef"`, `friendlyName="test"`, `myPlex="0"`} {
		if !strings.Contains(body, a) {
			t.Errorf("root lacks %s: %s", a, body)
		}
	}
	mc := e.getJSON("/", e.admin)
	if mc["allowSync"] != false || mc["multiuser"] != true || mc["transcoderActiveVideoSessions"] != float64(0) {
		t.Errorf("JSON booleans and numbers: %v", mc)
	}
}

func TestSectionsAndPaging(t *testing.T) {
	e := newEnv(t)
	var files []string
	for i := range 25 {
		files = append(files, fmt.Sprintf("Movie %02d (20%02d)/Movie %02d (20%02d).mkv", i, i, i, i))
	}
	movies := e.library("Movies", core.LibraryMovies, files...)
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv", "Dark/Season 1/Dark S01E02.mkv")

	// Sonarr reads Directory[].key (an int), type and Location[].path.
	mc := e.getJSON("/library/sections", e.admin)
	dirs := mc["Directory"].([]any)
	if len(dirs) != 2 {
		t.Fatalf("sections %v", mc)
	}
	byType := map[string]map[string]any{}
	for _, d := range dirs {
		m := d.(map[string]any)
		byType[m["type"].(string)] = m
		if _, err := strconv.Atoi(m["key"].(string)); err != nil {
			t.Errorf("section key %v is not an integer in a string", m["key"])
		}
		loc := m["Location"].([]any)[0].(map[string]any)
		if p := loc["path"].(string); strings.HasSuffix(p, "/") || p == "" {
			t.Errorf("Location.path %q", p)
		}
	}
	if byType["movie"]["key"] != strconv.FormatInt(movies.Key, 10) || byType["show"]["key"] != strconv.FormatInt(shows.Key, 10) {
		t.Fatalf("section types: %v", byType)
	}
	if p := byType["movie"]["Location"].([]any)[0].(map[string]any)["path"]; p != movies.Paths[0] {
		t.Errorf("movie location %v, want %s", p, movies.Paths[0])
	}

	all := "/library/sections/" + strconv.FormatInt(movies.Key, 10) + "/all"
	titles := func(mc map[string]any) []string {
		var out []string
		ms, _ := mc["Metadata"].([]any)
		for _, m := range ms {
			out = append(out, m.(map[string]any)["title"].(string))
		}
		return out
	}
	// Paging by headers (python-plexapi) and by query (its totalViewSize).
	mc = e.getJSON(all+"?type=1&sort=titleSort", e.admin, "X-Plex-Container-Start", "5", "X-Plex-Container-Size", "10")
	if got := titles(mc); len(got) != 10 || got[0] != "Movie 05" || mc["totalSize"] != float64(25) || mc["size"] != float64(10) || mc["offset"] != float64(5) {
		t.Fatalf("page by headers: %v (size %v total %v offset %v)", got, mc["size"], mc["totalSize"], mc["offset"])
	}
	rec := e.want(http.StatusOK, e.get(all+"?X-Plex-Container-Start=20&X-Plex-Container-Size=10", e.admin, "Accept", "application/json"))
	if rec.Header().Get("X-Plex-Container-Total-Size") != "25" || rec.Header().Get("X-Plex-Container-Start") != "20" {
		t.Errorf("paging headers %v", rec.Header())
	}
	mc = e.getJSON(all+"?X-Plex-Container-Start=0&X-Plex-Container-Size=0", e.admin)
	if mc["totalSize"] != float64(25) || mc["Metadata"] != nil {
		t.Errorf("Size=0: %v", mc)
	}
	mc = e.getJSON(all+"?sort=titleSort:desc", e.admin, "X-Plex-Container-Size", "1")
	if got := titles(mc); len(got) != 1 || got[0] != "Movie 24" {
		t.Errorf("desc: %v", got)
	}
	// python-plexapi's sorts carry the type and null placement; the first of a list rules.
	mc = e.getJSON(all+"?sort=movie.titleSort:desc:nullsLast,addedAt", e.admin, "X-Plex-Container-Size", "1")
	if got := titles(mc); len(got) != 1 || got[0] != "Movie 24" {
		t.Errorf("prefixed sort: %v", got)
	}
	if got := titles(e.getJSON(all+"?limit=3", e.admin)); len(got) != 3 {
		t.Errorf("limit=3: %v", got)
	}
	e.want(http.StatusOK, e.get("/:/scrobble?key="+strconv.FormatInt(e.item(core.KindMovie, "Movie 03").Key, 10), e.admin))
	if mc := e.getJSON(all+"?unwatched=1", e.admin, "X-Plex-Container-Size", "0"); mc["totalSize"] != float64(24) {
		t.Errorf("unwatched: %v", mc["totalSize"])
	}
	if mc := e.getJSON("/library/recentlyAdded", e.admin, "X-Plex-Container-Size", "0"); mc["totalSize"] != float64(27) || mc["Metadata"] != nil {
		t.Errorf("recentlyAdded with Size=0: %v", mc)
	}
	mc = e.getJSON(all+"?year=2007", e.admin)
	if got := titles(mc); len(got) != 1 || got[0] != "Movie 07" {
		t.Errorf("year filter: %v", got)
	}
	// A movie in a list carries its Media and Part, with integer ids and a part key.
	m := e.getJSON(all, e.admin, "X-Plex-Container-Size", "1")["Metadata"].([]any)[0].(map[string]any)
	if m["type"] != "movie" || m["librarySectionID"] != float64(movies.Key) || !strings.HasPrefix(m["guid"].(string), "plex://movie/") {
		t.Errorf("movie %v", m)
	}
	part := m["Media"].([]any)[0].(map[string]any)["Part"].([]any)[0].(map[string]any)
	if !regexp.MustCompile(`^/library/parts/\d+/\d+/file\.mkv$`).MatchString(part["key"].(string)) {
		t.Errorf("part key %v", part["key"])
	}

	// Shows list series; type=4 lists the episodes.
	sall := "/library/sections/" + strconv.FormatInt(shows.Key, 10) + "/all"
	if got := titles(e.getJSON(sall, e.admin)); len(got) != 1 || got[0] != "Dark" {
		t.Errorf("shows: %v", got)
	}
	eps := e.getJSON(sall+"?type=4", e.admin)["Metadata"].([]any)
	ep := eps[0].(map[string]any)
	if len(eps) != 2 || ep["type"] != "episode" || ep["grandparentTitle"] != "Dark" || ep["parentIndex"] != float64(1) || ep["index"] != float64(1) {
		t.Errorf("episodes: %v", eps)
	}
	for _, bad := range []string{all + "?type=99", all + "?sort=nope", all + "?year=x"} {
		e.want(http.StatusBadRequest, e.get(bad, e.admin))
	}
	e.want(http.StatusBadRequest, e.get(all, e.admin, "X-Plex-Container-Start", "-1"))
	e.want(http.StatusNotFound, e.get("/library/sections/999/all", e.admin))
}

func TestMetadataChildrenAndParts(t *testing.T) {
	e := newEnv(t)
	e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv", "Dark/Season 2/Dark S02E01.mkv")
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	key := strconv.FormatInt(heat.Key, 10)

	mc := e.getJSON("/library/metadata/"+key, e.admin)
	m := mc["Metadata"].([]any)[0].(map[string]any)
	if m["ratingKey"] != key || m["key"] != "/library/metadata/"+key || m["year"] != float64(1995) || m["duration"] != float64(90*60*1000) ||
		mc["librarySectionID"] != float64(movies.Key) {
		t.Fatalf("movie detail %v", mc)
	}
	media := m["Media"].([]any)[0].(map[string]any)
	part := media["Part"].([]any)[0].(map[string]any)
	streams := part["Stream"].([]any)
	if media["videoResolution"] != "1080" || media["videoCodec"] != "h264" || media["container"] != "mkv" || len(streams) != 3 {
		t.Fatalf("media %v", media)
	}
	audio := streams[1].(map[string]any)
	if audio["streamType"] != float64(2) || audio["selected"] != true || audio["default"] != true || audio["languageCode"] != "eng" {
		t.Errorf("audio stream %v", audio)
	}
	// XML: "1"/"0" booleans, Video element.
	body := e.want(http.StatusOK, e.get("/library/metadata/"+key, e.admin)).Body.String()
	if !strings.Contains(body, "<Video ") || !strings.Contains(body, `selected="1"`) || strings.Contains(body, `="true"`) {
		t.Errorf("XML detail: %s", body)
	}

	// The part's bytes, with a range; the file holds "not really media".
	rec := e.want(http.StatusPartialContent, e.get(part["key"].(string), e.admin, "Range", "bytes=4-9"))
	if rec.Body.String() != "really" {
		t.Errorf("range body %q", rec.Body)
	}
	rec = e.want(http.StatusOK, e.get(part["key"].(string)+"?download=1&X-Plex-Token="+url.QueryEscape(e.admin), ""))
	if !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="Heat (1995).mkv"`) || rec.Body.String() != "not really media" {
		t.Errorf("download %v %q", rec.Header(), rec.Body)
	}
	e.want(http.StatusNotFound, e.get("/library/parts/987654/1/file.mkv", e.admin))

	// A show's children are its seasons; a season's its episodes, with their show as grandparent.
	dark := e.item(core.KindSeries, "Dark")
	mc = e.getJSON("/library/metadata/"+strconv.FormatInt(dark.Key, 10)+"/children", e.admin)
	seasons := mc["Metadata"].([]any)
	if len(seasons) != 2 || mc["viewGroup"] != "season" {
		t.Fatalf("seasons %v", mc)
	}
	s1 := seasons[0].(map[string]any)
	if s1["index"] != float64(1) || s1["leafCount"] != float64(1) || s1["parentTitle"] != "Dark" {
		t.Errorf("season %v", s1)
	}
	eps := e.getJSON(strings.TrimSuffix(s1["key"].(string), "/children")+"/children", e.admin)["Metadata"].([]any)
	if ep := eps[0].(map[string]any); len(eps) != 1 || ep["grandparentTitle"] != "Dark" || ep["parentIndex"] != float64(1) {
		t.Errorf("episodes %v", eps)
	}
	// Several items at once, as python-plexapi's fetchItems(ids) asks.
	if got := e.getJSON("/library/metadata/"+key+","+strconv.FormatInt(dark.Key, 10), e.admin)["Metadata"].([]any); len(got) != 2 {
		t.Errorf("two items: %d", len(got))
	}
	e.want(http.StatusNotFound, e.get("/library/metadata/99999", e.admin))
	e.want(http.StatusNotFound, e.get("/library/metadata/abc", e.admin))
	e.want(http.StatusNotFound, e.get("/library/metadata/"+strings.Repeat(key+",", maxKeys)+key, e.admin)) // too many keys
}

func TestPlayState(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv", "Dark/Season 1/Dark S01E02.mkv")
	heat := e.item(core.KindMovie, "Heat")
	key := strconv.FormatInt(heat.Key, 10)
	detail := func(token string) map[string]any {
		return e.getJSON("/library/metadata/"+key, token)["Metadata"].([]any)[0].(map[string]any)
	}
	// python-plexapi's updateTimeline: an unencoded key, state and time in ms.
	rec := e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+key+"&key=/library/metadata/"+key+
		"&identifier=com.plexapp.plugins.library&time=600000&state=playing&duration=5400000", e.admin, "Accept", "application/json"))
	if !strings.Contains(rec.Body.String(), `"MediaContainer"`) {
		t.Errorf("timeline answer %q: plexjs needs a MediaContainer", rec.Body)
	}
	// Read back from another device of the same user.
	tk, err := e.auth.LoginDevice(e.ctx, "admin", "admin-password", core.Device{Client: "Plex Test", DeviceID: "second-device"})
	if err != nil {
		t.Fatal(err)
	}
	other := tk.Device
	if m := detail(other); m["viewOffset"] != float64(600000) {
		t.Fatalf("viewOffset from another device %v", m["viewOffset"])
	}
	// updateProgress, then scrobble and unscrobble (empty bodies without a Content-Type).
	e.want(http.StatusOK, e.get("/:/progress?key="+key+"&identifier=com.plexapp.plugins.library&time=1200000&state=stopped", e.admin))
	if m := detail(e.admin); m["viewOffset"] != float64(1200000) {
		t.Fatalf("progress %v", m["viewOffset"])
	}
	rec = e.want(http.StatusOK, e.do(http.MethodPut, "/:/scrobble?key="+key+"&identifier=com.plexapp.plugins.library", e.admin))
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("scrobble answered %q with %q", rec.Body, rec.Header().Get("Content-Type"))
	}
	if m := detail(e.admin); m["viewCount"] != float64(1) || m["viewOffset"] != nil || m["lastViewedAt"] == nil {
		t.Fatalf("after scrobble %v", m)
	}
	e.want(http.StatusOK, e.get("/:/unscrobble?key="+key+"&identifier=com.plexapp.plugins.library", e.admin))
	if m := detail(e.admin); m["viewCount"] != nil {
		t.Fatalf("after unscrobble %v", m["viewCount"])
	}
	// A show marked played marks its episodes; the season shows them viewed.
	dark := e.item(core.KindSeries, "Dark")
	e.want(http.StatusOK, e.get("/:/scrobble?key="+strconv.FormatInt(dark.Key, 10)+"&identifier=com.plexapp.plugins.library", e.admin))
	season := e.getJSON("/library/metadata/"+strconv.FormatInt(dark.Key, 10)+"/children", e.admin)["Metadata"].([]any)[0].(map[string]any)
	if season["viewedLeafCount"] != float64(2) {
		t.Errorf("season after scrobbling the show: %v", season)
	}
	// onDeck shows what is in progress.
	e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+key+"&time=900000&state=paused", e.admin))
	deck := e.getJSON("/library/onDeck", e.admin)["Metadata"].([]any)
	if len(deck) != 1 || deck[0].(map[string]any)["ratingKey"] != key {
		t.Errorf("onDeck %v", deck)
	}
	for _, bad := range []string{"/:/timeline?ratingKey=" + key, "/:/timeline?ratingKey=x&time=1", "/:/scrobble", "/:/progress?key=" + key + "&time=-5"} {
		e.want(http.StatusBadRequest, e.get(bad, e.admin))
	}
	e.want(http.StatusNotFound, e.get("/:/scrobble?key=99999", e.admin))

	// python-plexapi's rate(): PUT /:/rate, -1 clears.
	e.want(http.StatusOK, e.do(http.MethodPut, "/:/rate?key="+key+"&identifier=com.plexapp.plugins.library&rating=8.0", e.admin))
	if m := detail(e.admin); m["userRating"] != 8.0 {
		t.Errorf("userRating %v", m["userRating"])
	}
	e.want(http.StatusOK, e.do(http.MethodPut, "/:/rate?key="+key+"&rating=-1", e.admin))
	if m := detail(e.admin); m["userRating"] != nil {
		t.Errorf("userRating after clearing %v", m["userRating"])
	}
	for _, bad := range []string{"11", "x", "-0.5"} {
		e.want(http.StatusBadRequest, e.do(http.MethodPut, "/:/rate?key="+key+"&rating="+bad, e.admin))
	}
}

// TestVisibility walks every route as a user who sees only the movies: the shows' items answer 404
// and appear in no list.
func TestVisibility(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	user := e.addUser("ann", movies.ID)
	dark, ep := e.item(core.KindSeries, "Dark"), e.item(core.KindEpisode, "Episode 1")
	darkKey, epKey := strconv.FormatInt(dark.Key, 10), strconv.FormatInt(ep.Key, 10)
	files, err := e.items.Files(e.ctx, e.operator, ep.ID)
	if err != nil || len(files) != 1 {
		t.Fatal(files, err)
	}
	hidden := []string{
		"/library/sections/" + strconv.FormatInt(shows.Key, 10) + "/all",
		"/library/sections/" + strconv.FormatInt(shows.Key, 10),
		"/library/sections/" + strconv.FormatInt(shows.Key, 10) + "/refresh",
		"/library/metadata/" + darkKey,
		"/library/metadata/" + darkKey + "/children",
		"/library/metadata/" + epKey,
		partKey(files[0]),
		"/:/scrobble?key=" + epKey,
		"/:/timeline?ratingKey=" + epKey + "&time=1000&state=playing",
	}
	for _, p := range hidden {
		if rec := e.get(p, user); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s as a user without the library: %d, want 404", p, rec.Code)
		}
		e.want(http.StatusOK, e.get(p, e.admin))
	}
	for _, p := range []string{"/library/sections", "/library/recentlyAdded", "/library/onDeck", "/hubs/search?query=dark", "/search?query=dark"} {
		body := e.want(http.StatusOK, e.get(p, user)).Body.String()
		if strings.Contains(body, "Dark") || strings.Contains(body, `title="Shows"`) {
			t.Errorf("%s shows the hidden library: %s", p, body)
		}
	}
	if body := e.want(http.StatusOK, e.get("/hubs/search?query=dark", e.admin)).Body.String(); !strings.Contains(body, `title="Dark"`) {
		t.Errorf("the admin's search lacks Dark: %s", body)
	}
}

// TestNeverChildren checks that no answer holds "_children": Sonarr switches to a legacy parser
// when it sees it, and plex-api's find() prefers it.
func TestNeverChildren(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	heat, dark := e.item(core.KindMovie, "Heat"), e.item(core.KindSeries, "Dark")
	libs, _ := e.libs.List(e.ctx, e.operator)
	paths := []string{"/", "/identity", "/library", "/library/sections", "/library/sections/all", "/library/recentlyAdded",
		"/library/onDeck", "/hubs/search?query=a", "/hubs", "/hubs/continueWatching", "/:/prefs", "/status/sessions", "/playlists", "/library/metadata/" + strconv.FormatInt(heat.Key, 10),
		"/library/metadata/" + strconv.FormatInt(dark.Key, 10) + "/children"}
	for _, l := range libs {
		k := strconv.FormatInt(l.Key, 10)
		paths = append(paths, "/library/sections/"+k, "/library/sections/"+k+"/all", "/library/sections/"+k+"/recentlyAdded")
	}
	for _, p := range paths {
		for _, accept := range []string{"", "application/json"} {
			rec := e.want(http.StatusOK, e.get(p, e.admin, "Accept", accept))
			if strings.Contains(rec.Body.String(), "_children") {
				t.Errorf("%s (%q) holds _children", p, accept)
			}
			if rec.Body.Len() == 0 {
				t.Errorf("%s (%q) is empty", p, accept)
			}
		}
	}
}

// TestMetaBlock checks what python-plexapi's _loadFilters reads before a sorted search:
// /all?includeMeta=1 with Size=0 lists each type's sorts (addedAt, for recentlyAdded()).
func TestMetaBlock(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	path := "/library/sections/" + strconv.FormatInt(movies.Key, 10) + "/all?includeMeta=1&includeAdvanced=1&X-Plex-Container-Start=0&X-Plex-Container-Size=0"
	var x struct {
		TotalSize int `xml:"totalSize,attr"`
		Meta      struct {
			Types []struct {
				Type  string `xml:"type,attr"`
				Key   string `xml:"key,attr"`
				Sorts []struct {
					Key     string `xml:"key,attr"`
					DescKey string `xml:"descKey,attr"`
				} `xml:"Sort"`
				Filters []struct {
					Filter string `xml:"filter,attr"`
				} `xml:"Filter"`
			} `xml:"Type"`
			FieldTypes []struct {
				Type string `xml:"type,attr"`
			} `xml:"FieldType"`
		} `xml:"Meta"`
	}
	if err := xml.Unmarshal(e.want(http.StatusOK, e.get(path, e.admin)).Body.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if x.TotalSize != 1 || len(x.Meta.Types) != 2 || x.Meta.Types[0].Type != "movie" || len(x.Meta.FieldTypes) == 0 {
		t.Fatalf("meta %+v", x)
	}
	sorts := map[string]bool{}
	for _, s := range x.Meta.Types[0].Sorts {
		sorts[s.Key] = s.DescKey == s.Key+":desc"
	}
	for _, k := range []string{"titleSort", "addedAt", "year", "originallyAvailableAt"} {
		if !sorts[k] {
			t.Errorf("no sort %s in %v", k, sorts)
		}
		// Every listed sort is one the section answers.
		e.want(http.StatusOK, e.get("/library/sections/"+strconv.FormatInt(movies.Key, 10)+"/all?sort="+k+":desc", e.admin))
	}
	// In JSON, Meta is one object, Type and FieldType its lists.
	mc := e.getJSON(path, e.admin)
	meta, ok := mc["Meta"].(map[string]any)
	if !ok || len(meta["Type"].([]any)) != 2 {
		t.Errorf("JSON meta %v", mc["Meta"])
	}
}
