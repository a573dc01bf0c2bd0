package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFacadeMux(t *testing.T) {
	web := t.TempDir()
	for name, body := range map[string]string{"index.html": "<html>jellyfin-web</html>", "main.jellyfin.bundle.js": "js()", "config.json": "{}"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tag := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(name + " " + r.URL.Path)) })
	}
	mux := facadeMux(tag("native"), tag("jellyfin"), web)
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/items", "native /api/v1/items"},
		{"/healthz", "native /healthz"},
		{"/System/Info/Public", "jellyfin /System/Info/Public"},
		{"/system/info/public", "jellyfin /system/info/public"},
		{"/socket", "jellyfin /socket"},
		{"/web/", "<html>jellyfin-web</html>"},
		{"/web/config.json", "{}"},
		{"/web/main.jellyfin.bundle.js", "js()"},
		{"/web/index.html#/home", "<html>jellyfin-web</html>"},
		{"/web/some/client/route", "<html>jellyfin-web</html>"},
		{"/web/../../etc/passwd", "<html>jellyfin-web</html>"},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s = %d %q, want %q", tc.path, rec.Code, rec.Body, tc.want)
		}
	}
	for _, p := range []string{"/", "/web"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/web/" {
			t.Errorf("GET %s = %d to %q, want 302 to /web/", p, rec.Code, rec.Header().Get("Location"))
		}
	}
	// Without a jellyfin-web folder, /web/ is not found (until Walros's own client exists).
	rec := httptest.NewRecorder()
	facadeMux(tag("native"), tag("jellyfin"), "").ServeHTTP(rec, httptest.NewRequest("GET", "/web/", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /web/ without a folder = %d", rec.Code)
	}
}
