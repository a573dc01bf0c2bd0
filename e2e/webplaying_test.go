package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestWebNowPlaying drives the Sessions admin page's "Now playing" with webplaying.mjs: bob, whose
// bitrate cap is below the movie's, plays it in one browser context (a transcode), and the
// admin's page in another shows him playing it, transcoded, at a position that advances; the
// entry goes once he leaves the player. The page is kept as web-admin-now-playing.png.
func TestWebNowPlaying(t *testing.T) {
	_, _, artifacts, work, movies := webSetup(t)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	const bobPassword = "bob-password-1"
	var bob struct {
		ID string `json:"id"`
	}
	srv.call(t, http.MethodPost, "/api/v1/users", map[string]any{"username": "bob", "password": bobPassword}, http.StatusCreated, &bob)
	// Under the movie's bitrate: the server must transcode for him.
	srv.call(t, http.MethodPatch, "/api/v1/users/"+bob.ID, map[string]any{"maxBitrate": 150_000}, http.StatusOK, nil)

	play(t, srv, artifacts, "webplaying", "webplaying.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword, "--user2", "bob", "--password2", bobPassword,
		"--title", bigTest, "--method", "transcode", "--shots", artifacts, "--timeout", "30")

	// Once bob left the player, the API lists nothing either.
	var playing struct {
		Items []any `json:"items"`
	}
	srv.call(t, http.MethodGet, "/api/v1/system/playing", nil, http.StatusOK, &playing)
	if len(playing.Items) != 0 {
		t.Errorf("still playing: %+v", playing.Items)
	}
	if _, err := os.Stat(filepath.Join(artifacts, "web-admin-now-playing.png")); err != nil {
		t.Errorf("screenshot: %v", err)
	}
}
