package main

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// webClient is Walros's own web client (web.Client): a handler, and whether a path is one of its files.
type webClient interface {
	http.Handler
	Has(path string) bool
}

// facadeMux shares the main port between the native API (its own paths), Walros's own web client
// (the root and its files) and the Jellyfin facade (everything else, as Jellyfin serves its API
// at the root). /web/ is Jellyfin's web path: it serves the jellyfin-web folder when one is
// configured, and otherwise the same client as the root.
func facadeMux(native, jellyfin http.Handler, webDir string, client webClient) http.Handler {
	web := http.Handler(stripWeb(client))
	if webDir != "" {
		web = webHandler(webDir)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics":
			native.ServeHTTP(w, r)
		case strings.EqualFold(p, "/web"):
			http.Redirect(w, r, "/web/", http.StatusFound)
		case len(p) >= 5 && strings.EqualFold(p[:5], "/web/"):
			web.ServeHTTP(w, r)
		case p == "/" || client.Has(p):
			client.ServeHTTP(w, r)
		default:
			jellyfin.ServeHTTP(w, r)
		}
	})
}

// stripWeb serves the client under /web/ (in any case, as Jellyfin clients spell it): its asset
// URLs are relative, and its routes live in the URL's hash.
func stripWeb(client http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = r.URL.Path[len("/web"):]
		r2.URL.RawPath = ""
		client.ServeHTTP(w, r2)
	})
}

// webHandler serves an installed jellyfin-web: its files, and index.html for the client's own
// routes.
func webHandler(dir string) http.Handler {
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
