package jellyfin

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// browseFiles are the libraries the browsing tests use, with NFO sidecars for metadata and a
// real poster next to The Matrix.
var (
	browseMovies = map[string]string{
		"The Matrix (1999)/The Matrix (1999).mkv": "",
		"The Matrix (1999)/movie.nfo": `<movie><title>The Matrix</title><plot>A hacker learns the truth.</plot>
<genre>Action</genre><genre>Science Fiction</genre><studio>Warner Bros.</studio><mpaa>R</mpaa>
<premiered>1999-03-31</premiered><uniqueid type="tmdb">603</uniqueid><uniqueid type="imdb">tt0133093</uniqueid>
<actor><name>Keanu Reeves</name><role>Neo</role></actor></movie>`,
		"The Matrix (1999)/poster.jpg":                              "JPEG",
		"The Matrix Reloaded (2003)/The Matrix Reloaded (2003).mkv": "",
		"The Matrix Reloaded (2003)/movie.nfo": `<movie><title>The Matrix Reloaded</title><genre>Action</genre>
<uniqueid type="tmdb">604</uniqueid></movie>`,
		"Heat (1995)/Heat (1995).mkv": "",
	}
	browseShows = map[string]string{
		"Doctor Who (2005)/tvshow.nfo": `<tvshow><title>Doctor Who</title><plot>A time traveller.</plot><genre>Drama</genre>
<uniqueid type="tvdb">78804</uniqueid><uniqueid type="tmdb">57243</uniqueid></tvshow>`,
		"Doctor Who (2005)/Season 01/Doctor Who S01E01.mkv": "",
		"Doctor Who (2005)/Season 01/Doctor Who S01E02.mkv": "",
		"Doctor Who (2005)/Season 02/Doctor Who S02E01.mkv": "",
		"Doctor Who (2005)/Season 00/Doctor Who S00E01.mkv": "",
		"Sherlock (2010)/Season 01/Sherlock S01E01.mkv":     "",
	}
)

// browseLibrary makes a library over a new folder holding files (content "JPEG" writes a real
// picture) and scans it; unlike env.library, the files keep their content, so sidecars count.
func (e *env) browseLibrary(name string, typ core.LibraryType, files map[string]string) core.Library {
	e.t.Helper()
	root := e.t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			e.t.Fatal(err)
		}
		b := []byte(content)
		switch content {
		case "":
			b = []byte("not really media")
		case "JPEG":
			b = testJPEG(e.t, 60, 90)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	lib, err := e.libs.Create(e.ctx, e.operator, core.NewLibrary{Name: name, Type: typ, Paths: []string{root}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.rescan(lib)
	return lib
}

func (e *env) rescan(lib core.Library) {
	e.t.Helper()
	if _, err := e.scanner.Scan(e.ctx, lib, time.Hour, nil); err != nil {
		e.t.Fatal(err)
	}
}

// browseEnv is an environment with a movie and a show library, and an artwork service that may
// read pictures in them.
func browseEnv(t *testing.T) (e *env, movies, shows core.Library) {
	e = newEnv(t)
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), AllowedRoots: func() []string {
		var roots []string
		libs, _ := e.libs.List(e.ctx, e.operator)
		for _, l := range libs {
			roots = append(roots, l.Paths...)
		}
		return roots
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.h.Artwork = art
	movies = e.browseLibrary("Movies", core.LibraryMovies, browseMovies)
	e.clock.Add(time.Minute) // the shows are newer: Latest orders by creation
	shows = e.browseLibrary("Shows", core.LibraryShows, browseShows)
	return e, movies, shows
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			m.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 2), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// items decodes a QueryResult.
func (e *env) browse(path, token string) queryResult[baseItemDto] {
	e.t.Helper()
	var res queryResult[baseItemDto]
	e.decode(e.want(http.StatusOK, e.do("GET", path, token, nil)), &res)
	return res
}

// episode finds an episode of a series by its numbers.
func (e *env) episode(series string, season, number int) core.Item {
	e.t.Helper()
	its, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindEpisode}, Limit: core.MaxPage})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, it := range its {
		if strings.Contains(it.Path, series) && *it.ParentIndex == season && *it.IndexNumber == number {
			return it
		}
	}
	e.t.Fatalf("no episode %d of season %d of %s", number, season, series)
	return core.Item{}
}

func titles(items []baseItemDto) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Name
	}
	return out
}

func dashed(id string) string {
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

func TestViewsAndLibraries(t *testing.T) {
	e, movies, shows := browseEnv(t)
	for _, path := range []string{"/UserViews", "/userviews?userId=" + e.adminID, "/Users/" + e.adminID + "/Views",
		"/Users/" + dashed(e.adminID) + "/Views", "/Library/MediaFolders"} {
		res := e.browse(path, e.admin)
		if res.TotalRecordCount != 2 || res.Items[0].Type != "CollectionFolder" || res.Items[0].Id != jid(movies.ID) ||
			res.Items[0].CollectionType != "movies" || res.Items[1].CollectionType != "tvshows" {
			t.Fatalf("%s: %+v", path, res)
		}
	}
	var vf []virtualFolderInfo
	e.decode(e.want(http.StatusOK, e.do("GET", "/Library/VirtualFolders", e.admin, nil)), &vf)
	if len(vf) != 2 || vf[1].Name != "Shows" || vf[1].ItemId != jid(shows.ID) || vf[1].Locations[0] != shows.Paths[0] ||
		vf[1].RefreshStatus != "Idle" {
		t.Fatalf("virtual folders = %+v", vf)
	}
	// A user sees only the libraries granted; admin routes are the admin's.
	bob, bobID := e.addUser("bob", movies.ID)
	if res := e.browse("/UserViews", bob); res.TotalRecordCount != 1 || res.Items[0].Name != "Movies" {
		t.Fatalf("bob's views = %+v", res)
	}
	e.want(http.StatusForbidden, e.do("GET", "/Library/MediaFolders", bob, nil))
	e.want(http.StatusForbidden, e.do("GET", "/Library/VirtualFolders", bob, nil))
	e.want(http.StatusForbidden, e.do("POST", "/Library/Refresh", bob, nil))
	e.want(http.StatusForbidden, e.do("GET", "/Users/"+e.adminID+"/Views", bob, nil))
	// An admin may read a user's views (Jellyseerr does, with an API key).
	if res := e.browse("/Users/"+bobID+"/Views", e.admin); res.TotalRecordCount != 1 {
		t.Fatalf("bob's views, read by the admin = %+v", res)
	}
	e.want(http.StatusUnauthorized, e.do("GET", "/UserViews", "", nil))
	// The library's own id opens its view.
	var view baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+jid(shows.ID), e.admin, nil)), &view)
	if view.Type != "CollectionFolder" || view.Name != "Shows" {
		t.Fatalf("view = %+v", view)
	}
}

func TestItemsQuery(t *testing.T) {
	e, movies, shows := browseEnv(t)
	lib := jid(movies.ID)
	// Top level of a library without recursive; paging with the total before paging.
	res := e.browse("/Items?parentId="+lib+"&sortBy=SortName&limit=2&startIndex=1", e.admin)
	if res.TotalRecordCount != 3 || res.StartIndex != 1 || !slices.Equal(titles(res.Items), []string{"The Matrix", "The Matrix Reloaded"}) {
		t.Fatalf("page = %+v", res)
	}
	res = e.browse("/Items?parentId="+jid(shows.ID), e.admin)
	if !slices.Equal(titles(res.Items), []string{"Doctor Who", "Sherlock"}) {
		t.Fatalf("top of shows = %v", titles(res.Items))
	}
	// Both families, any case of the keys, descending order.
	for _, path := range []string{"/Items?ParentId=" + lib + "&SortBy=SortName&SortOrder=Descending&Recursive=true",
		"/Users/" + e.adminID + "/Items?PARENTID=" + dashed(lib) + "&sortby=SortName&sortorder=Descending&recursive=true"} {
		if got := titles(e.browse(path, e.admin).Items); !slices.Equal(got, []string{"The Matrix Reloaded", "The Matrix", "Heat"}) {
			t.Fatalf("%s: %v", path, got)
		}
	}
	// Fields gating: Overview only when asked, comma or repeated.
	res = e.browse("/Items?recursive=true&includeItemTypes=Movie&searchTerm=matrix&sortBy=SortName", e.admin)
	if res.Items[0].Overview != "" || res.Items[0].Genres != nil || res.Items[0].ProviderIds != nil || res.Items[0].UserData == nil {
		t.Fatalf("basic list item = %+v", res.Items[0])
	}
	for _, q := range []string{"fields=Overview,Genres", "fields=Overview&fields=Genres", "Fields=overview%2Cgenres"} {
		res = e.browse("/Items?recursive=true&includeItemTypes=Movie&searchTerm=matrix&sortBy=SortName&"+q, e.admin)
		if it := res.Items[0]; it.Overview != "A hacker learns the truth." || !slices.Equal(it.Genres, []string{"Action", "Science Fiction"}) ||
			it.Path != "" {
			t.Fatalf("%s: %+v", q, it)
		}
	}
	// Unknown types are dropped; exclusion filters kinds out; a list of unknown types is empty.
	if got := e.browse("/Items?recursive=true&includeItemTypes=Series,Movie,Others", e.admin).TotalRecordCount; got != 5 {
		t.Fatalf("series and movies = %d", got)
	}
	if got := e.browse("/Items?recursive=true&parentId="+jid(shows.ID)+"&excludeItemTypes=Episode,Season", e.admin).TotalRecordCount; got != 2 {
		t.Fatalf("shows without episodes and seasons = %d", got)
	}
	if got := e.browse("/Items?recursive=true&includeItemTypes=Playlist", e.admin); got.TotalRecordCount != 0 || got.Items == nil {
		t.Fatalf("playlists = %+v", got)
	}
	// Filters that core has: genre, year, letter, provider ids.
	if got := titles(e.browse("/Items?recursive=true&genres=Science%20Fiction|Drama", e.admin).Items); !slices.Equal(got, []string{"The Matrix"}) {
		t.Fatalf("genre = %v", got)
	}
	if got := titles(e.browse("/Items?recursive=true&nameStartsWith=h", e.admin).Items); !slices.Equal(got, []string{"Heat"}) {
		t.Fatalf("letter = %v", got)
	}
	if got := titles(e.browse("/Items?recursive=true&anyProviderIdEquals=Tmdb.604", e.admin).Items); !slices.Equal(got, []string{"The Matrix Reloaded"}) {
		t.Fatalf("provider id = %v", got)
	}
	// Without parent or recursive: the root folder's children, the views.
	if got := e.browse("/Items", e.admin); got.TotalRecordCount != 2 || got.Items[0].Type != "CollectionFolder" {
		t.Fatalf("root = %+v", got)
	}
	// A series' descendants with recursive: its episodes.
	dw := e.item(core.KindSeries, "Doctor Who")
	if got := e.browse("/Items?parentId="+jid(dw.ID)+"&recursive=true&includeItemTypes=Episode", e.admin).TotalRecordCount; got != 4 {
		t.Fatalf("episodes of the series = %d", got)
	}
}

func TestToolQueries(t *testing.T) {
	e, movies, shows := browseEnv(t)
	// Jellyseerr's library scan: no limit, unknown types dropped.
	res := e.browse("/Users/"+e.adminID+"/Items?SortBy=SortName&SortOrder=Ascending&IncludeItemTypes=Series,Movie,Others&Recursive=true&StartIndex=0&ParentId="+jid(movies.ID)+"&collapseBoxSetItems=false", e.admin)
	if res.TotalRecordCount != 3 || len(res.Items) != 3 || res.Items[0].LocationType != "FileSystem" {
		t.Fatalf("jellyseerr scan = %+v", res)
	}
	// Seerr's item details.
	matrix := e.item(core.KindMovie, "The Matrix")
	res = e.browse("/Items?ids="+jid(matrix.ID)+"&fields=ProviderIds,MediaSources,Width,Height,IsHD,DateCreated", e.admin)
	it := res.Items[0]
	if len(res.Items) != 1 || it.ProviderIds["Tmdb"] != "603" || it.ProviderIds["Imdb"] != "tt0133093" || len(it.MediaSources) != 1 ||
		*it.Width != 1920 || !*it.IsHD || it.DateCreated == nil || it.MediaSources[0].MediaStreams[0].Type != "Video" {
		t.Fatalf("seerr details = %+v", it)
	}
	// Sonarr's path lookup.
	res = e.browse("/Items?recursive=true&includeItemTypes=Series&fields=Path,ProviderIds&years=2005", e.admin)
	if res.TotalRecordCount != 1 || res.Items[0].ProviderIds["Tvdb"] != "78804" || res.Items[0].Path != filepath.Join(shows.Paths[0], "Doctor Who (2005)") {
		t.Fatalf("sonarr lookup = %+v", res)
	}
	// Radarr's: a movie's Path is its file's.
	res = e.browse("/Items?recursive=true&includeItemTypes=Movie&fields=Path,ProviderIds&years=1999", e.admin)
	if res.TotalRecordCount != 1 || !strings.HasSuffix(res.Items[0].Path, "The Matrix (1999).mkv") {
		t.Fatalf("radarr lookup = %+v", res)
	}
}

func TestItemDetail(t *testing.T) {
	e, movies, _ := browseEnv(t)
	matrix := e.item(core.KindMovie, "The Matrix")
	for _, path := range []string{"/Items/" + jid(matrix.ID), "/items/" + strings.ToUpper(string(matrix.ID)) + "?userId=" + e.adminID,
		"/Users/" + e.adminID + "/Items/" + jid(matrix.ID)} {
		var d baseItemDto
		e.decode(e.want(http.StatusOK, e.do("GET", path, e.admin, nil)), &d)
		if d.Overview == "" || d.ProviderIds["Tmdb"] != "603" || len(d.People) != 1 || d.People[0].Name != "Keanu Reeves" ||
			len(d.MediaSources) != 1 || len(d.MediaStreams) != 3 || d.ImageTags["Primary"] == "" || d.ParentId != jid(movies.ID) ||
			d.PlayAccess != "Full" || len(d.Chapters) != 1 || len(d.ExternalUrls) != 2 || d.OfficialRating != "R" ||
			d.PremiereDate == nil || d.UserData == nil || len(d.ImageBlurHashes["Primary"]) != 1 {
			t.Fatalf("%s: %+v", path, d)
		}
	}
	e.want(http.StatusNotFound, e.do("GET", "/Items/00000000000000000000000000000000", e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Items/not-an-id", e.admin, nil))
	// The cast member's id opens them, and their name too.
	var d baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Persons/keanu%20reeves", e.admin, nil)), &d)
	if d.Type != "Person" || d.Id != nameID(namePerson, "Keanu Reeves") {
		t.Fatalf("person = %+v", d)
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+d.Id, e.admin, nil)), &d)
	if d.Name != "Keanu Reeves" {
		t.Fatalf("person by id = %+v", d)
	}
	// Similar: the same genre, the item itself aside. Ancestors: up to the view.
	if got := titles(e.browse("/Items/"+jid(matrix.ID)+"/Similar", e.admin).Items); !slices.Equal(got, []string{"The Matrix Reloaded"}) {
		t.Fatalf("similar = %v", got)
	}
	ep := e.episode("Doctor Who", 1, 2)
	var anc []baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+jid(ep.ID)+"/Ancestors", e.admin, nil)), &anc)
	if got := titles(anc); !slices.Equal(got, []string{"Season 1", "Doctor Who", "Shows"}) {
		t.Fatalf("ancestors = %v", got)
	}
	for _, p := range []string{"SpecialFeatures", "LocalTrailers"} {
		if rec := e.want(http.StatusOK, e.do("GET", "/Items/"+jid(matrix.ID)+"/"+p, e.admin, nil)); rec.Body.String() != "[]" {
			t.Fatalf("%s = %s", p, rec.Body)
		}
	}
	if rec := e.want(http.StatusOK, e.do("GET", "/Items/"+jid(matrix.ID)+"/ThemeMedia", e.admin, nil)); !strings.Contains(rec.Body.String(), `"OwnerId":"`+jid(matrix.ID)) {
		t.Fatalf("theme media = %s", rec.Body)
	}
	var counts itemCounts
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/Counts", e.admin, nil)), &counts)
	if counts.MovieCount != 3 || counts.SeriesCount != 2 || counts.EpisodeCount != 5 {
		t.Fatalf("counts = %+v", counts)
	}
}

func TestLatest(t *testing.T) {
	e, movies, shows := browseEnv(t)
	var latest []baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/Latest?parentId="+jid(shows.ID), e.admin, nil)), &latest)
	// Four new Doctor Who episodes fold into the series; Sherlock's one stays an episode.
	if len(latest) != 2 {
		t.Fatalf("latest = %v", titles(latest))
	}
	for _, d := range latest {
		switch d.Type {
		case "Series":
			if d.Name != "Doctor Who" || d.ChildCount == nil || *d.ChildCount != 4 {
				t.Fatalf("grouped = %+v", d)
			}
		case "Episode":
			if d.SeriesName != "Sherlock" {
				t.Fatalf("single = %+v", d)
			}
		default:
			t.Fatalf("latest item %+v", d)
		}
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+e.adminID+"/Items/Latest?parentId="+jid(shows.ID)+"&groupItems=false&limit=3", e.admin, nil)), &latest)
	if len(latest) != 3 || latest[0].Type != "Episode" {
		t.Fatalf("ungrouped = %v", titles(latest))
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/Latest?limit=20", e.admin, nil)), &latest)
	if len(latest) != 5 || latest[len(latest)-1].Type != "Movie" { // newest first: the shows were added later
		t.Fatalf("all latest = %v", titles(latest))
	}
	bob, _ := e.addUser("bob", movies.ID)
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/Latest?parentId="+jid(shows.ID), bob, nil)), &latest)
	if len(latest) != 0 {
		t.Fatalf("bob's latest shows = %v", titles(latest))
	}
}

func TestSeasonsAndEpisodes(t *testing.T) {
	e, _, _ := browseEnv(t)
	dw := jid(e.item(core.KindSeries, "Doctor Who").ID)
	seasons := e.browse("/Shows/"+dw+"/Seasons?userId="+e.adminID, e.admin)
	if got := titles(seasons.Items); !slices.Equal(got, []string{"Specials", "Season 1", "Season 2"}) || seasons.Items[1].SeriesId != dw ||
		*seasons.Items[1].IndexNumber != 1 {
		t.Fatalf("seasons = %v %+v", got, seasons.Items)
	}
	eps := e.browse("/Shows/"+dw+"/Episodes", e.admin)
	order := func(items []baseItemDto) (out []string) {
		for _, d := range items {
			out = append(out, d.SeasonName+"/"+d.Name)
		}
		return out
	}
	want := []string{"Specials/Episode 1", "Season 1/Episode 1", "Season 1/Episode 2", "Season 2/Episode 1"}
	if got := order(eps.Items); !slices.Equal(got, want) {
		t.Fatalf("episodes = %v", got)
	}
	if eps.Items[1].SeriesName != "Doctor Who" || eps.Items[1].SeriesId != dw || eps.Items[1].SeasonId != seasons.Items[1].Id {
		t.Fatalf("episode = %+v", eps.Items[1])
	}
	if got := order(e.browse("/Shows/"+dw+"/Episodes?seasonId="+dashed(seasons.Items[1].Id), e.admin).Items); !slices.Equal(got, want[1:3]) {
		t.Fatalf("season 1 = %v", got)
	}
	if got := order(e.browse("/Shows/"+dw+"/Episodes?season=2", e.admin).Items); !slices.Equal(got, want[3:]) {
		t.Fatalf("season 2 = %v", got)
	}
	if got := e.browse("/Shows/"+dw+"/Episodes?startItemId="+eps.Items[2].Id+"&limit=1", e.admin); got.TotalRecordCount != 2 || order(got.Items)[0] != want[2] {
		t.Fatalf("from an episode = %+v", got)
	}
	e.want(http.StatusNotFound, e.do("GET", "/Shows/"+eps.Items[0].Id+"/Seasons", e.admin, nil)) // not a series
}

func TestNextUpAndResume(t *testing.T) {
	e, _, _ := browseEnv(t)
	admin, err := e.auth.Authenticate(e.ctx, e.admin, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	first := e.episode("Doctor Who", 1, 1)
	if _, err := e.userData.SetPlayed(e.ctx, admin, first.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	next := e.browse("/Shows/NextUp?userId="+e.adminID+"&nextUpDateCutoff=2000-01-01&enableTotalRecordCount=false", e.admin)
	if len(next.Items) != 1 || next.Items[0].Name != "Episode 2" || *next.Items[0].ParentIndexNumber != 1 || next.Items[0].SeriesName != "Doctor Who" {
		t.Fatalf("next up = %+v", next)
	}
	matrix := e.item(core.KindMovie, "The Matrix")
	if _, err := e.userData.Progress(e.ctx, admin, matrix.ID, 30*time.Minute, true); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/UserItems/Resume?mediaTypes=Video&limit=12", "/Users/" + e.adminID + "/Items/Resume"} {
		res := e.browse(path, e.admin)
		if len(res.Items) != 1 || res.Items[0].Name != "The Matrix" || res.Items[0].UserData.PlaybackPositionTicks != 30*60*ticksPerSecond {
			t.Fatalf("%s: %+v", path, res)
		}
	}
	if res := e.browse("/UserItems/Resume?mediaTypes=Audio", e.admin); len(res.Items) != 0 {
		t.Fatalf("audio resume = %+v", res)
	}
	// Played and favorite filters read the same data.
	if got := titles(e.browse("/Items?recursive=true&includeItemTypes=Episode&filters=IsPlayed", e.admin).Items); !slices.Equal(got, []string{"Episode 1"}) {
		t.Fatalf("played = %v", got)
	}
	if got := titles(e.browse("/Items?recursive=true&filters=IsResumable", e.admin).Items); !slices.Equal(got, []string{"The Matrix"}) {
		t.Fatalf("resumable = %v", got)
	}
}

func TestSearchAndNames(t *testing.T) {
	e, movies, _ := browseEnv(t)
	var hints struct {
		SearchHints      []searchHint
		TotalRecordCount int
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Search/Hints?searchTerm=matrix&limit=10", e.admin, nil)), &hints)
	if hints.TotalRecordCount != 2 || hints.SearchHints[0].Name != "The Matrix" || hints.SearchHints[0].Type != "Movie" ||
		hints.SearchHints[0].PrimaryImageTag == "" {
		t.Fatalf("hints = %+v", hints)
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Search/Hints?searchTerm=keanu", e.admin, nil)), &hints)
	if len(hints.SearchHints) != 1 || hints.SearchHints[0].Type != "Person" {
		t.Fatalf("people hints = %+v", hints)
	}
	genres := e.browse("/Genres?parentId="+jid(movies.ID), e.admin)
	if got := titles(genres.Items); !slices.Equal(got, []string{"Action", "Science Fiction"}) || genres.Items[0].Type != "Genre" ||
		genres.Items[0].Id != nameID(nameGenre, "action") {
		t.Fatalf("genres = %+v", genres)
	}
	if got := titles(e.browse("/Items?recursive=true&genreIds="+genres.Items[1].Id, e.admin).Items); !slices.Equal(got, []string{"The Matrix"}) {
		t.Fatalf("by genre id = %v", got)
	}
	if got := titles(e.browse("/Studios", e.admin).Items); !slices.Equal(got, []string{"Warner Bros."}) {
		t.Fatalf("studios = %v", got)
	}
	if got := titles(e.browse("/Persons?searchTerm=keanu", e.admin).Items); !slices.Equal(got, []string{"Keanu Reeves"}) {
		t.Fatalf("persons = %v", got)
	}
	e.want(http.StatusOK, e.do("GET", "/Genres/action", e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Genres/Western", e.admin, nil))
	var filters struct {
		Genres          []string
		Years           []int
		OfficialRatings []string
	}
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/Filters?parentId="+jid(movies.ID)+"&includeItemTypes=Movie", e.admin, nil)), &filters)
	if !slices.Equal(filters.Years, []int{1995, 1999, 2003}) || !slices.Equal(filters.OfficialRatings, []string{"R"}) || len(filters.Genres) != 2 {
		t.Fatalf("filters = %+v", filters)
	}
	rec := e.want(http.StatusOK, e.do("GET", "/Items/Filters2?parentId="+jid(movies.ID), e.admin, nil))
	if !strings.Contains(rec.Body.String(), `{"Name":"Action","Id":"`+nameID(nameGenre, "Action")+`"}`) {
		t.Fatalf("filters2 = %s", rec.Body)
	}
}

func TestMediaUpdated(t *testing.T) {
	e, movies, _ := browseEnv(t)
	dir := filepath.Join(movies.Paths[0], "Alien (1979)")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Alien (1979).mkv"), []byte("not really media"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Radarr reports the movie's folder; a path outside every library is ignored.
	body := map[string]any{"Updates": []map[string]string{{"Path": dir, "UpdateType": "Created"}, {"Path": "/elsewhere/x", "UpdateType": "Modified"}}}
	e.want(http.StatusNoContent, e.do("POST", "/Library/Media/Updated", "", body, "X-MediaBrowser-Token", e.admin))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := e.browse("/Items?recursive=true&searchTerm=alien", e.admin); got.TotalRecordCount == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new movie never appeared")
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Library/Refresh", e.admin, nil))
	e.want(http.StatusNoContent, e.do("POST", "/Items/"+jid(e.item(core.KindMovie, "Heat").ID)+"/Refresh", e.admin, nil))
	waitScans(t, e)
}

// waitScans waits for the scans the test started, so that they end before the database closes.
func waitScans(t *testing.T, e *env) {
	t.Helper()
	libs, _ := e.libs.List(e.ctx, e.operator)
	for _, l := range libs {
		if _, err := e.scanner.Scan(e.ctx, l, time.Hour, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestImages(t *testing.T) {
	e, _, _ := browseEnv(t)
	matrix := jid(e.item(core.KindMovie, "The Matrix").ID)
	heat := jid(e.item(core.KindMovie, "Heat").ID)
	e.want(http.StatusNotFound, e.do("GET", "/Items/"+heat+"/Images/Primary", "", nil))
	e.want(http.StatusNotFound, e.do("GET", "/Items/"+matrix+"/Images/Backdrop/0", "", nil))
	e.want(http.StatusNotFound, e.do("GET", "/Items/"+matrix+"/Images/Nonsense", "", nil))
	e.want(http.StatusNotFound, e.do("GET", "/Users/"+e.adminID+"/Images/Primary", "", nil))
	var d baseItemDto
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+matrix, e.admin, nil)), &d)
	tag := d.ImageTags["Primary"]
	// Resized, JPEG by default, cacheable for long with a tag.
	rec := e.want(http.StatusOK, e.do("GET", "/items/"+matrix+"/images/primary?fillHeight=45&fillWidth=30&quality=90&tag="+tag, e.admin, nil))
	if rec.Header().Get("Content-Type") != "image/jpeg" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age=31536000") ||
		rec.Header().Get("ETag") == "" {
		t.Fatalf("headers = %v", rec.Header())
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(rec.Body.Bytes()))
	if err != nil || cfg.Width != 30 || cfg.Height != 45 {
		t.Fatalf("picture %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	rec = e.want(http.StatusOK, e.do("GET", "/Items/"+dashed(matrix)+"/Images/Primary/0?maxWidth=20", e.admin, nil, "Accept", "image/avif,image/webp,*/*"))
	if rec.Header().Get("Content-Type") != "image/webp" {
		t.Fatalf("content type = %q", rec.Header().Get("Content-Type"))
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(rec.Body.Bytes())); err != nil || cfg.Width != 20 {
		t.Fatalf("webp %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	etag := rec.Header().Get("ETag")
	e.want(http.StatusNotModified, e.do("GET", "/Items/"+matrix+"/Images/Primary?maxWidth=20", e.admin, nil, "Accept", "image/webp", "If-None-Match", etag))
	// Without a token (as in <img> URLs) it is served too, with sizes rounded up to a few buckets:
	// a stranger cannot make the server render thousands of sizes.
	a := e.want(http.StatusOK, e.do("GET", "/Items/"+matrix+"/Images/Primary?maxWidth=20&quality=93", "", nil))
	b := e.want(http.StatusOK, e.do("GET", "/Items/"+matrix+"/Images/Primary?maxWidth=110&quality=96", "", nil))
	if a.Header().Get("ETag") != b.Header().Get("ETag") || a.Header().Get("ETag") == etag {
		t.Fatalf("anonymous renditions: ETags %q and %q (credentialed %q)", a.Header().Get("ETag"), b.Header().Get("ETag"), etag)
	}
	if rec := e.want(http.StatusOK, e.do("HEAD", "/Items/"+matrix+"/Images/Primary?format=Png", "", nil)); rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("head = %v", rec.Header())
	}
	var infos []imageInfo
	e.decode(e.want(http.StatusOK, e.do("GET", "/Items/"+matrix+"/Images", e.admin, nil)), &infos)
	if len(infos) != 1 || infos[0].ImageTag != tag {
		t.Fatalf("image infos = %+v", infos)
	}
}

func TestBrowseVisibility(t *testing.T) {
	e, movies, shows := browseEnv(t)
	bob, bobID := e.addUser("bob", movies.ID)
	dw := e.item(core.KindSeries, "Doctor Who")
	ep := e.episode("Doctor Who", 1, 1)
	matrix := e.item(core.KindMovie, "The Matrix")
	hidden := []string{"/Items/" + jid(ep.ID), "/Users/" + bobID + "/Items/" + jid(dw.ID), "/Items/" + jid(dw.ID) + "/Similar",
		"/Items/" + jid(ep.ID) + "/Ancestors", "/Shows/" + jid(dw.ID) + "/Seasons", "/Shows/" + jid(dw.ID) + "/Episodes",
		"/Items/" + jid(dw.ID) + "/SpecialFeatures", "/Items/" + jid(dw.ID) + "/ThemeMedia", "/Items/" + jid(dw.ID) + "/Images",
		"/Items/" + jid(dw.ID) + "/Images/Primary?api_key=" + bob, "/Items/" + jid(shows.ID)}
	for _, p := range hidden {
		if rec := e.do("GET", p, bob, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
	// Lists just leave the hidden library out.
	for _, p := range []string{"/Items?recursive=true", "/Items?recursive=true&parentId=" + jid(shows.ID), "/Items?ids=" + jid(ep.ID) + "," + jid(matrix.ID),
		"/Items?recursive=true&searchTerm=doctor", "/Shows/NextUp", "/UserItems/Resume", "/Genres", "/Items/Latest"} {
		rec := e.want(http.StatusOK, e.do("GET", p, bob, nil))
		if strings.Contains(rec.Body.String(), "Doctor Who") || strings.Contains(rec.Body.String(), "Drama") {
			t.Errorf("%s shows the hidden library: %s", p, rec.Body)
		}
	}
	var hints struct{ SearchHints []searchHint }
	e.decode(e.want(http.StatusOK, e.do("GET", "/Search/Hints?searchTerm=doctor", bob, nil)), &hints)
	if len(hints.SearchHints) != 0 {
		t.Fatalf("bob's hints = %+v", hints)
	}
	if res := e.browse("/Items?ids="+jid(ep.ID)+","+dashed(jid(matrix.ID)), bob); !slices.Equal(titles(res.Items), []string{"The Matrix"}) {
		t.Fatalf("ids = %v", titles(res.Items))
	}
	// Another user's view is an admin's privilege; the admin sees bob's.
	e.want(http.StatusForbidden, e.do("GET", "/Items?userId="+e.adminID, bob, nil))
	e.want(http.StatusForbidden, e.do("GET", "/Users/"+e.adminID+"/Items/"+jid(matrix.ID), bob, nil))
	if res := e.browse("/Users/"+bobID+"/Items?recursive=true&includeItemTypes=Series,Movie", e.admin); res.TotalRecordCount != 3 {
		t.Fatalf("bob's items read by the admin = %v", titles(res.Items))
	}
	// Images: with bob's credential the show's poster is hidden; without any, the operator's view.
	e.want(http.StatusOK, e.do("GET", "/Items/"+jid(matrix.ID)+"/Images/Primary", bob, nil))
	e.want(http.StatusOK, e.do("GET", "/Items/"+jid(matrix.ID)+"/Images/Primary", "", nil))
	e.want(http.StatusUnauthorized, e.do("GET", "/Items/"+jid(matrix.ID), "", nil))
}

// TestListShaping checks that a list carries only what it asked for: image tags unless
// enableImages=false, a file count without reading the files, the total unless told not to count.
func TestListShaping(t *testing.T) {
	e, _, _ := browseEnv(t)
	base := "/Items?recursive=true&includeItemTypes=Movie&sortBy=SortName"
	res := e.browse(base+"&fields=MediaSourceCount,Genres", e.admin)
	var matrix *baseItemDto
	for i := range res.Items {
		if res.Items[i].Name == "The Matrix" {
			matrix = &res.Items[i]
		}
	}
	if matrix == nil || matrix.ImageTags["Primary"] == "" || matrix.MediaSourceCount == nil || *matrix.MediaSourceCount != 1 ||
		matrix.Container != "" || len(matrix.Genres) == 0 || matrix.People != nil {
		t.Fatalf("with fields: %+v", matrix)
	}
	res = e.browse(base+"&enableImages=false", e.admin)
	for _, d := range res.Items {
		if d.ImageTags != nil || d.BackdropImageTags != nil || d.PrimaryImageAspectRatio != nil || d.MediaSourceCount != nil {
			t.Fatalf("without images: %+v", d)
		}
	}
	all := e.browse(base, e.admin).TotalRecordCount
	if all < 2 {
		t.Fatalf("total = %d", all)
	}
	if got := e.browse(base+"&limit=1&enableTotalRecordCount=false", e.admin); len(got.Items) != 1 || got.TotalRecordCount != 1 {
		t.Fatalf("without a count: %d items, total %d", len(got.Items), got.TotalRecordCount)
	}
	if got := e.browse(base+"&limit=1&startIndex=1", e.admin); len(got.Items) != 1 || got.TotalRecordCount != all {
		t.Fatalf("second page: %d items, total %d, want %d", len(got.Items), got.TotalRecordCount, all)
	}
}
