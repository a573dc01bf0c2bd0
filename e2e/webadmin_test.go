package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestWebAdmin drives the admin pages of Walros's own web client with webadmin.mjs: the admin
// adds a library through the form and watches its scan's live progress until the items appear,
// edits an item's metadata, creates a user with parental controls, creates and revokes an API
// key, revokes another device's session, reads the server's health and logs; a non-admin is refused. Each
// admin page is kept as a screenshot (web-admin-*.png) in the artifacts directory.
func TestWebAdmin(t *testing.T) {
	_, _, artifacts, work, movies := webSetup(t)
	// Copies give the scan more files to probe: long enough for progress events before the end.
	src := filepath.Join(movies, "Big Test (2020)", "Big Test (2020).mkv")
	for i := 1; i <= 12; i++ {
		dir := filepath.Join(movies, fmt.Sprintf("Copy %02d (%d)", i, 2000+i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, src, filepath.Join(dir, filepath.Base(dir)+".mkv"))
	}
	srv := startServer(t, buildWalros(t, work), artifacts)
	const bobPassword = "bob-password-1"
	srv.call(t, http.MethodPost, "/api/v1/users", map[string]any{"username": "bob", "password": bobPassword}, http.StatusCreated, nil)
	// A session of bob's on another device, for the sessions page to revoke.
	var tv struct {
		RefreshToken string `json:"refreshToken"`
	}
	srv.call(t, http.MethodPost, "/api/v1/auth/login", map[string]any{"username": "bob", "password": bobPassword,
		"deviceId": "e2e-tv", "deviceName": "Living room TV", "client": "e2e"}, http.StatusOK, &tv)

	play(t, srv, artifacts, "webadmin", "webadmin.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword, "--folder", movies, "--title", bigTest,
		"--user2", "bob", "--password2", bobPassword, "--revoke-device", "Living room TV", "--shots", artifacts, "--timeout", "30")

	// What the pages did is on the server, seen through the API rather than the script.
	var libs struct {
		Items []struct {
			ID    string   `json:"id"`
			Name  string   `json:"name"`
			Paths []string `json:"paths"`
		} `json:"items"`
	}
	srv.call(t, http.MethodGet, "/api/v1/libraries", nil, http.StatusOK, &libs)
	if len(libs.Items) != 1 || libs.Items[0].Name != "Films" || len(libs.Items[0].Paths) != 1 || libs.Items[0].Paths[0] != movies {
		t.Fatalf("libraries = %+v, want Films over %s", libs.Items, movies)
	}
	var page struct {
		Total int `json:"total"`
	}
	srv.call(t, http.MethodGet, "/api/v1/items?limit=1&library="+libs.Items[0].ID, nil, http.StatusOK, &page)
	if page.Total != 14 {
		t.Errorf("Films holds %d items, want 14 (2 movies and 12 copies)", page.Total)
	}
	var keys struct {
		Items []struct{ Name string } `json:"items"`
	}
	srv.call(t, http.MethodGet, "/api/v1/apikeys", nil, http.StatusOK, &keys)
	if len(keys.Items) != 0 {
		t.Errorf("API keys left: %+v, want none (revoked)", keys.Items)
	}
	// The revoked session cannot refresh any more.
	srv.call(t, http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refreshToken": tv.RefreshToken}, http.StatusUnauthorized, nil)
	for _, name := range []string{"libraries-empty", "scan-running", "libraries", "metadata", "users", "keys", "sessions", "server",
		"mobile-libraries", "mobile-users", "mobile-sessions", "mobile-server", "refused"} {
		if _, err := os.Stat(filepath.Join(artifacts, "web-admin-"+name+".png")); err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}
