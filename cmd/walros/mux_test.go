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
	client := fakeClient{"/assets/index-1.js": true, "/favicon.svg": true}
	mux := facadeMux(tag("native"), tag("jellyfin"), web, client)
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
		{"/", "client /"},
		{"/assets/index-1.js", "client /assets/index-1.js"},
		{"/favicon.svg", "client /favicon.svg"},
		{"/assets/other.js", "jellyfin /assets/other.js"},
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s = %d %q, want %q", tc.path, rec.Code, rec.Body, tc.want)
		}
	}
	for _, p := range []string{"/web", "/WEB"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/web/" {
			t.Errorf("GET %s = %d to %q, want 302 to /web/", p, rec.Code, rec.Header().Get("Location"))
		}
	}
	// Without a jellyfin-web folder, /web/ is Walros's own client, as at the root.
	own := facadeMux(tag("native"), tag("jellyfin"), "", client)
	for _, tc := range []struct{ path, want string }{
		{"/web/", "client /"},
		{"/Web/assets/index-1.js", "client /assets/index-1.js"},
		{"/web/some/route", "client /some/route"},
		{"/", "client /"},
		{"/Items", "jellyfin /Items"},
	} {
		rec := httptest.NewRecorder()
		own.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != tc.want {
			t.Errorf("GET %s without jellyfin-web = %d %q, want %q", tc.path, rec.Code, rec.Body, tc.want)
		}
	}
}

// fakeClient stands for web.Client: it answers "client PATH", and holds the paths set to true.
type fakeClient map[string]bool

func (f fakeClient) Has(p string) bool { return f[p] }

func (f fakeClient) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("client " + r.URL.Path))
}
