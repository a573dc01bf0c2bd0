package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestWebBrowse drives the browsing, profile and "your things" pages of Walros's own web client
// with webbrowse.mjs: the public user tiles, a genre, a played and a rating filter and the letter
// jump on the grid, a movie's details (two versions, audio and subtitle tracks, its collection,
// the BlurHash behind its poster), a grid card's BlurHash placeholder while its poster is held back,
// a person page, a new playlist with the movie in it, the
// settings page, the statistics page's charts, a switch to a user with a PIN (a wrong PIN
// first), and that user changing and then removing their PIN on the settings page.
// Screenshots go to the artifacts directory (web-browse-*.png).
func TestWebBrowse(t *testing.T) {
	ff, _, artifacts, work, movies := webSetup(t)
	bigDir := filepath.Join(movies, "Big Test (2020)")
	// A second version of Big Test, an NFO with a genre, a rating, a cast, a director and a collection, and
	// a real poster, whose BlurHash the details page draws.
	copyFile(t, filepath.Join(bigDir, "Big Test (2020).mkv"), filepath.Join(bigDir, "Big Test (2020) - 720p.mkv"))
	writeFile(t, filepath.Join(bigDir, "Big Test (2020).nfo"), `<?xml version="1.0" encoding="UTF-8"?>
<movie>
  <title>Big Test</title>
  <plot>A test pattern that plays for forty seconds.</plot>
  <genre>Drama</genre>
  <mpaa>PG-13</mpaa>
  <set><name>Test Collection</name></set>
  <actor><name>Ada Tester</name><role>The Pattern</role><order>0</order></actor>
  <director>Grace Director</director>
</movie>`)
	writeFile(t, filepath.Join(movies, "Long Subs (2021)", "Long Subs (2021).nfo"), `<movie><title>Long Subs</title><genre>Comedy</genre></movie>`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run(ctx, t, ff, "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=200x300", "-frames:v", "1",
		filepath.Join(bigDir, "poster.jpg"))
	// A flat poster for Long Subs: its grid card's BlurHash placeholder must be of its colour.
	run(ctx, t, ff, "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0xC83228:size=200x300", "-frames:v", "1",
		filepath.Join(movies, "Long Subs (2021)", "poster.jpg"))

	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	const carolPassword, carolPIN = "carol-password-1", "4321"
	srv.call(t, http.MethodPost, "/api/v1/users", map[string]any{"username": "carol", "password": carolPassword,
		"pin": carolPIN, "hidden": false}, http.StatusCreated, nil)
	// The admin has played Long Subs (for the played filter), and a play of Big Test is in their
	// history (for the statistics).
	long, big := srv.movie(t, longSubs), srv.movie(t, bigTest)
	srv.call(t, http.MethodPost, "/api/v1/items/"+long.ID+"/played", nil, http.StatusOK, nil)
	srv.call(t, http.MethodPost, "/api/v1/items/"+big.ID+"/progress", map[string]any{"positionMs": 5000}, http.StatusOK, nil)
	srv.call(t, http.MethodPost, "/api/v1/items/"+big.ID+"/progress", map[string]any{"positionMs": 39000, "stopped": true,
		"watchedMs": 39000, "method": "direct"}, http.StatusOK, nil)
	// That play marked Big Test played; unmark it (the history keeps the play), so that only Long
	// Subs is played.
	srv.call(t, http.MethodDelete, "/api/v1/items/"+big.ID+"/played", nil, http.StatusOK, nil)
	if len(big.Files) != 2 {
		t.Fatalf("Big Test has %d files, want its two versions", len(big.Files))
	}

	play(t, srv, artifacts, "webbrowse", "webbrowse.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword, "--pin-user", "carol", "--pin", carolPIN, "--pin-password", carolPassword,
		"--library", "Movies", "--title", bigTest, "--played", longSubs, "--genre", "Drama",
		"--person", "Ada Tester", "--collection", "Test Collection", "--poster-color", "200,50,40", "--shots", artifacts, "--timeout", "30")
}
