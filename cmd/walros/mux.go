package main

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// facadeMux shares the main port between the native API (its own paths) and the Jellyfin facade
// (everything else, as Jellyfin serves its API at the root), and serves a jellyfin-web folder at
// /web/ when one is configured.
func facadeMux(native, jellyfin http.Handler, webDir string) http.Handler {
	web := webHandler(webDir)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics":
			native.ServeHTTP(w, r)
		case p == "/" || strings.EqualFold(p, "/web"):
			http.Redirect(w, r, "/web/", http.StatusFound)
		case len(p) >= 5 && strings.EqualFold(p[:5], "/web/"):
			web.ServeHTTP(w, r)
		default:
			jellyfin.ServeHTTP(w, r)
		}
	})
}

// webHandler serves an installed jellyfin-web: its files, and index.html for the client's own
// routes. Without one, /web/ is 404 until Walros's own web client exists.
func webHandler(dir string) http.Handler {
	if dir == "" {
		return http.NotFoundHandler()
	}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel := path.Clean("/" + r.URL.Path[len("/web/"):])
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err == nil && !fi.IsDir() && rel != "/index.html" {
			r2 := r.Clone(r.Context())
			r2.URL.Path = rel
			files.ServeHTTP(w, r2)
			return
		}
		// The client's own routes, the folder and index.html itself: the page, served as it is
		// (http.FileServer would redirect /index.html to ./).
		index, err := os.Open(filepath.Join(dir, "index.html"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer index.Close()
		fi, err := index.Stat()
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "index.html", fi.ModTime(), index)
	})
}
