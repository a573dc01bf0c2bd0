package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
)

// TestWebClient drives Walros's own web client (web/, embedded in the binary and served at /) in
// headless Chromium with webclient.mjs: keyboard sign-in, a library's grid, search, an item's
// page, playback with hls.js (currentTime advances), progress and the stop reported to the
// server, a second user and a switch back without a password. Screenshots of each page are kept
// in the artifacts directory (web-*.png).
func TestWebClient(t *testing.T) {
	_, _, artifacts, work, movies := webSetup(t)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	const bobPassword = "bob-password-1"
	srv.call(t, http.MethodPost, "/api/v1/users", map[string]any{"username": "bob", "password": bobPassword}, http.StatusCreated, nil)

	play(t, srv, artifacts, "webclient", "webclient.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword, "--user2", "bob", "--password2", bobPassword,
		"--library", "Movies", "--search", "big", "--title", bigTest,
		"--shots", artifacts, "--timeout", "30")
}

// requireWebBuild checks that web/dist holds a built client, which the binary embeds. Without
// one the test skips, and fails when CI is set (scripts/test.sh builds it first).
func requireWebBuild(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "web", "dist", "index.html")); err == nil {
		return
	}
	msg := "web/dist/index.html is missing; build the web client with: bash scripts/web.sh"
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set, so the web client test must run: %s", msg)
	}
	t.Skip("skipping: " + msg)
}

// webSetup is the start of every test of the web client: it needs playwright-core, the built
// client, ffmpeg and ffprobe, and the generated movies in a fresh work folder. It returns the
// tools, the artifacts folder, the work folder and the movies folder.
func webSetup(t *testing.T) (ff, ffprobe ffmpeg.Runner, artifacts, work, movies string) {
	t.Helper()
	requireTools(t, true, "playwright-core") // the client brings its own hls.js and dash.js
	requireWebBuild(t)
	ff = ffmpegtest.RequireFFmpeg(t)
	ffprobe = ffmpegtest.RequireFFprobe(t)
	artifacts = artifactsDir(t)
	work = t.TempDir()
	return ff, ffprobe, artifacts, work, writeMovies(t, ff, work)
}
