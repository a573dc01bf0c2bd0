package jellyfin

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// The tests below replay, in order and with the headers each tool sends, what Sonarr and Radarr
// ("Emby / Jellyfin" connection, MediaBrowserProxy.cs) and Jellyseerr/Seerr (server/api/jellyfin.ts)
// call; see shared/research/jellyfin.md §2d and §2e.

// apiKey makes an API key the way Jellyseerr does and returns it.
func (e *env) apiKey(app string) string {
	e.t.Helper()
	e.want(http.StatusNoContent, e.do("POST", "/Auth/Keys?App="+app, e.admin, nil))
	var keys queryResult[authenticationInfo]
	e.decode(e.want(http.StatusOK, e.do("GET", "/Auth/Keys", e.admin, nil)), &keys)
	for _, k := range keys.Items {
		if k.AppName == app {
			return k.AccessToken
		}
	}
	e.t.Fatalf("no key for %s in %+v", app, keys)
	return ""
}

func TestSonarrRadarrReplay(t *testing.T) {
	e, movies, shows := browseEnv(t)
	key := e.apiKey("Sonarr")
	arr := func(method, path string, body any) *http.Response {
		t.Helper()
		rec := e.do(method, path, "", body, "X-MediaBrowser-Token", key, "Content-Type", "application/json")
		return rec.Result()
	}
	// Test button.
	if r := arr("GET", "/System/Configuration", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("GET /System/Configuration: %d", r.StatusCode)
	}
	// "Send notifications" is 404 on Jellyfin too; Sonarr tells the user to turn it off.
	if r := arr("POST", "/Notifications/Admin", map[string]string{"Name": "Sonarr - Test Notification", "Description": "Success!", "ImageUrl": "https://raw.githubusercontent.com/Sonarr/Sonarr/develop/Logo/64.png"}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("POST /Notifications/Admin: %d, want 404 as Jellyfin", r.StatusCode)
	}
	// Path lookup, then a library update for the series' folder.
	var series queryResult[baseItemDto]
	if err := json.NewDecoder(arr("GET", "/Items?recursive=true&includeItemTypes=Series&fields=Path,ProviderIds&years=2005", nil).Body).Decode(&series); err != nil {
		t.Fatal(err)
	}
	show := filepath.Join(shows.Paths[0], "Doctor Who (2005)")
	if len(series.Items) != 1 || series.Items[0].Name != "Doctor Who" || series.Items[0].ProviderIds["Tvdb"] != "78804" || series.Items[0].Path != show {
		t.Fatalf("Sonarr's lookup = %+v", series)
	}
	episode := filepath.Join(show, "Season 02", "Doctor Who S02E02.mkv")
	if err := os.WriteFile(episode, []byte("not really media"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := arr("POST", "/Library/Media/Updated", map[string]any{"Updates": []map[string]string{{"Path": show, "UpdateType": "Modified"}}}); r.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /Library/Media/Updated: %d", r.StatusCode)
	}
	waitFor(t, func() bool {
		var eps queryResult[baseItemDto]
		json.NewDecoder(arr("GET", "/Items?recursive=true&includeItemTypes=Episode&parentId="+series.Items[0].Id, nil).Body).Decode(&eps)
		for _, it := range eps.Items {
			if it.ParentIndexNumber != nil && *it.ParentIndexNumber == 2 && it.IndexNumber != nil && *it.IndexNumber == 2 {
				return true
			}
		}
		return false
	}, "the episode Sonarr reported")

	// Radarr: the same with movies.
	var films queryResult[baseItemDto]
	if err := json.NewDecoder(arr("GET", "/Items?recursive=true&includeItemTypes=Movie&fields=Path,ProviderIds&years=1999", nil).Body).Decode(&films); err != nil {
		t.Fatal(err)
	}
	if len(films.Items) != 1 || films.Items[0].ProviderIds["Tmdb"] != "603" || films.Items[0].ProviderIds["Imdb"] != "tt0133093" ||
		filepath.Dir(films.Items[0].Path) != filepath.Join(movies.Paths[0], "The Matrix (1999)") {
		t.Fatalf("Radarr's lookup = %+v", films)
	}
	if r := arr("POST", "/Library/Media/Updated", map[string]any{"Updates": []map[string]string{{"Path": filepath.Dir(films.Items[0].Path), "UpdateType": "Created"}}}); r.StatusCode != http.StatusNoContent {
		t.Fatalf("Radarr's update: %d", r.StatusCode)
	}
	// A wrong key is what Sonarr reports as "invalid API key".
	if rec := e.do("GET", "/System/Configuration", "", nil, "X-MediaBrowser-Token", "wk_not-a-key"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d", rec.Code)
	}
	waitScans(t, e)
}

func TestJellyseerrReplay(t *testing.T) {
	e, movies, shows := browseEnv(t)
	e.addUser("alice")
	// Jellyseerr signs in with X-Emby-Authorization (Seerr sends the same in Authorization).
	header := func(token string) string {
		return `MediaBrowser Client="Jellyseerr", Device="Jellyseerr", DeviceId="jellyseerr-1", Version="2.7.3", Token="` + token + `"`
	}
	seerr := func(token, path string, out any) {
		t.Helper()
		rec := e.want(http.StatusOK, e.do("GET", path, "", nil, "X-Emby-Authorization", header(token)))
		e.decode(rec, out)
	}
	var login authenticationResult
	e.decode(e.want(http.StatusOK, e.do("POST", "/Users/AuthenticateByName", "", map[string]string{"Username": "admin", "Pw": "admin-password"},
		"X-Emby-Authorization", header(""), "X-Forwarded-For", "198.51.100.7")), &login)
	token, uid := login.AccessToken, login.User.Id
	if !login.User.Policy.IsAdministrator || login.User.Configuration.GroupedFolders == nil {
		t.Fatalf("login user = %+v", login.User)
	}
	var info systemInfo
	seerr(token, "/System/Info", &info)
	var public publicSystemInfo
	seerr("", "/System/Info/Public", &public)
	if public.ServerName != "test" || info.Id != public.Id {
		t.Fatalf("system info %+v / %+v", info, public)
	}
	// Jellyseerr makes its own API key and uses it from then on.
	key := e.apiKey("Jellyseerr")
	var users []userDto
	seerr(key, "/Users", &users)
	var me userDto
	seerr(token, "/Users/Me", &me)
	var byID userDto
	seerr(key, "/Users/"+uid, &byID)
	if len(users) != 2 || me.Id != uid || byID.Name != "admin" {
		t.Fatalf("users %+v, me %+v, by id %+v", users, me, byID)
	}
	// Libraries: MediaFolders, falling back to the user's views; only CollectionFolders count.
	var folders queryResult[baseItemDto]
	seerr(key, "/Library/MediaFolders", &folders)
	var views queryResult[baseItemDto]
	seerr(key, "/Users/"+uid+"/Views", &views)
	for _, list := range []queryResult[baseItemDto]{folders, views} {
		kinds := map[string]string{}
		for _, f := range list.Items {
			if f.Type == "CollectionFolder" {
				kinds[f.Id] = f.CollectionType
			}
		}
		if kinds[jid(movies.ID)] != "movies" || kinds[jid(shows.ID)] != "tvshows" {
			t.Fatalf("libraries = %+v", list.Items)
		}
	}
	// The library scan, recently added, item details and a show's seasons and episodes.
	var scanned queryResult[baseItemDto]
	seerr(key, "/Users/"+uid+"/Items?SortBy=SortName&SortOrder=Ascending&IncludeItemTypes=Series,Movie,Others&Recursive=true&StartIndex=0&ParentId="+jid(shows.ID)+"&collapseBoxSetItems=false", &scanned)
	if len(scanned.Items) != 2 || scanned.Items[0].Type != "Series" || scanned.Items[0].LocationType == "Virtual" {
		t.Fatalf("show library scan = %+v", scanned.Items)
	}
	var latest []baseItemDto
	seerr(key, "/Users/"+uid+"/Items/Latest?Limit=12&ParentId="+jid(movies.ID), &latest)
	var latestSeerr []baseItemDto
	seerr(key, "/Items/Latest?Limit=12&ParentId="+jid(movies.ID)+"&userId="+uid, &latestSeerr)
	if len(latest) != 3 || len(latestSeerr) != 3 {
		t.Fatalf("latest = %d, %d items; want the 3 movies", len(latest), len(latestSeerr))
	}
	matrix := e.item(core.KindMovie, "The Matrix")
	var detail baseItemDto
	seerr(key, "/Users/"+uid+"/Items/"+jid(matrix.ID), &detail)
	if detail.ProviderIds["Tmdb"] != "603" || len(detail.MediaSources) == 0 || *detail.MediaSources[0].MediaStreams[0].Width != 1920 {
		t.Fatalf("detail = %+v", detail)
	}
	var byIDs queryResult[baseItemDto]
	seerr(key, "/Items?ids="+jid(matrix.ID)+"&fields=ProviderIds,MediaSources,Width,Height,IsHD,DateCreated", &byIDs)
	if len(byIDs.Items) != 1 || byIDs.Items[0].Id != jid(matrix.ID) {
		t.Fatalf("Seerr's detail = %+v", byIDs)
	}
	var seasons queryResult[baseItemDto]
	seerr(key, "/Shows/"+scanned.Items[0].Id+"/Seasons", &seasons)
	if len(seasons.Items) != 3 {
		t.Fatalf("seasons of %s = %+v", scanned.Items[0].Name, seasons.Items)
	}
	var episodes queryResult[baseItemDto]
	seerr(key, "/Shows/"+scanned.Items[0].Id+"/Episodes?seasonId="+seasons.Items[1].Id, &episodes)
	if len(episodes.Items) != 2 || *episodes.Items[0].IndexNumber != 1 || *episodes.Items[0].ParentIndexNumber != 1 || episodes.Items[0].SeriesId != scanned.Items[0].Id {
		t.Fatalf("episodes of season 1 = %+v", episodes.Items)
	}
}

func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", what)
		}
	}
}
