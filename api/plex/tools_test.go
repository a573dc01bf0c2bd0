package plex

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// sonarrQuery is what Sonarr (and Radarr, with its own name) adds to every request of its "Plex
// Media Server" connection: identity in the query string, the token last (PlexServerProxy.cs).
func sonarrQuery(app, token string) string {
	v := url.Values{}
	v.Set("X-Plex-Client-Identifier", "0d6b5e9f-2c2b-4d2f-9b59-4d3c9b0e9a11")
	v.Set("X-Plex-Product", app)
	v.Set("X-Plex-Platform", "Windows")
	v.Set("X-Plex-Platform-Version", "7")
	v.Set("X-Plex-Device-Name", app)
	v.Set("X-Plex-Version", "4.0.15.2941")
	v.Set("X-Plex-Token", token)
	return v.Encode()
}

// plexSection is Sonarr's PlexSection as Newtonsoft reads it: key into an int (from the string).
type plexSection struct {
	Key       json.Number `json:"key"`
	Type      string      `json:"type"`
	Language  string      `json:"language"`
	Locations []struct {
		ID   int    `json:"id"`
		Path string `json:"path"`
	} `json:"Location"`
}

// TestSonarrRadarrReplay replays the requests of Sonarr's and Radarr's Plex connection, with an
// API key in the query as they send it: the Test button's sections, the version check, and the
// refresh of the folder they just imported into, which must make the new file appear.
func TestSonarrRadarrReplay(t *testing.T) {
	e := newEnv(t)
	shows := e.library("TV", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	movies := e.library("Films", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	_, key, err := e.auth.CreateAPIKey(e.ctx, e.operator, "sonarr")
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []struct {
		app, typ string
		lib      core.Library
		newFile  string // relative to the library
		kind     int    // the type= that lists it
		title    string
	}{
		{"Sonarr", "show", shows, "Dark/Season 1/Dark S01E02.mkv", 4, "Episode 2"},
		{"Radarr", "movie", movies, "Ronin (1998)/Ronin (1998).mkv", 1, "Ronin"},
	} {
		t.Run(tool.app, func(t *testing.T) {
			q := sonarrQuery(tool.app, key)
			get := func(path string) *http.Response {
				t.Helper()
				rec := e.get(path, "", "Accept", "application/json")
				return rec.Result()
			}
			// Test: GET /library/sections, read as PlexResponse<PlexSectionsContainer>.
			res := get("/library/sections?" + q)
			var body bytes.Buffer
			if _, err := body.ReadFrom(res.Body); err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("sections: %d %v", res.StatusCode, err)
			}
			if strings.Contains(body.String(), "_children") {
				t.Fatal("sections hold _children: Sonarr would use its legacy parser")
			}
			var sections struct {
				MediaContainer struct {
					Directory []plexSection
				}
			}
			if err := json.Unmarshal(body.Bytes(), &sections); err != nil {
				t.Fatalf("sections do not deserialize: %v: %s", err, body.String())
			}
			var mine *plexSection
			for i, s := range sections.MediaContainer.Directory {
				if _, err := s.Key.Int64(); err != nil {
					t.Fatalf("section key %q is not an int", s.Key)
				}
				if s.Type == tool.typ {
					mine = &sections.MediaContainer.Directory[i]
				}
			}
			if mine == nil || len(mine.Locations) != 1 || mine.Locations[0].Path != tool.lib.Paths[0] {
				t.Fatalf("no %s section with the library's folder: %+v", tool.typ, sections)
			}
			// UpdateLibrary: the version, parsed as Sonarr does.
			var ident struct {
				MediaContainer struct{ MachineIdentifier, Version string }
			}
			res = get("/identity?" + q)
			if err := json.NewDecoder(res.Body).Decode(&ident); err != nil || ident.MediaContainer.MachineIdentifier == "" {
				t.Fatalf("identity: %v %+v", err, ident)
			}
			m := regexp.MustCompile(`^(\d+[.-]){4}`).FindString(ident.MediaContainer.Version)
			parts := strings.Split(strings.Trim(m, ".-"), ".")
			if len(parts) < 3 || parts[0] == "1" && parts[1] == "3" && parts[2] == "0" {
				t.Fatalf("version %q: Sonarr parses %q", ident.MediaContainer.Version, m)
			}
			// An import lands, then the refresh of its folder: the location plus the relative path.
			p := filepath.Join(tool.lib.Paths[0], filepath.FromSlash(tool.newFile))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("new media"), 0o644); err != nil {
				t.Fatal(err)
			}
			folder := mine.Locations[0].Path + "/" + strings.SplitN(tool.newFile, "/", 2)[0]
			res = get("/library/sections/" + mine.Key.String() + "/refresh?" + q + "&path=" + url.QueryEscape(folder))
			body.Reset()
			body.ReadFrom(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("refresh: %d %s", res.StatusCode, body.String())
			}
			// CheckForError: whitespace, or JSON whose MediaContainer has no error.
			if b := strings.TrimSpace(body.String()); b != "" {
				var v struct{ MediaContainer struct{ Error string } }
				if err := json.Unmarshal([]byte(b), &v); err != nil || v.MediaContainer.Error != "" {
					t.Fatalf("refresh answer %q fails Sonarr's CheckForError", b)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				mc := e.getJSON("/library/sections/"+mine.Key.String()+"/all?type="+strconv.Itoa(tool.kind), e.admin)
				ms, _ := mc["Metadata"].([]any)
				found := false
				for _, m := range ms {
					found = found || m.(map[string]any)["title"] == tool.title
				}
				if found {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s not listed after the refresh: %v", tool.title, mc)
				}
				time.Sleep(50 * time.Millisecond)
			}
			// A wrong token is Sonarr's "Unauthorized - AuthToken is invalid".
			if res := get("/library/sections?" + sonarrQuery(tool.app, "wrong")); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong token: %d", res.StatusCode)
			}
		})
	}
}

// TestLinkedPlexToken is Overseerr in Plex mode: it signs its users in at plex.tv and calls the
// server with each one's plex.tv token, which an admin linked to a Walros user.
func TestLinkedPlexToken(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	e.addUser("ann", shows.ID)
	ann, err := e.stores.Users.UserByName(e.ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	const plexTV = "zYx8WvU7tSr6QpO5nMl4"
	e.want(http.StatusUnauthorized, e.get("/library/sections", plexTV))
	if _, err := e.auth.LinkToken(e.ctx, e.operator, ann.ID, "plex.tv", plexTV); err != nil {
		t.Fatal(err)
	}
	var v struct {
		MediaContainer struct{ Directory []struct{ Title string } }
	}
	rec := e.want(http.StatusOK, e.get("/library/sections?X-Plex-Token="+plexTV, "", "Accept", "application/json"))
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || len(v.MediaContainer.Directory) != 1 || v.MediaContainer.Directory[0].Title != "Shows" {
		t.Fatalf("ann's sections through her plex.tv token: %s", rec.Body)
	}
}
