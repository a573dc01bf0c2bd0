// Package web embeds Walros's own web client, which Vite builds into dist/ (see README.md), and
// serves it. A clone where the client was never built holds only the committed dist/.gitkeep: the
// binary still builds, and its client page says how to build the client.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// csp allows the client its own origin only: it makes no request elsewhere (fonts and icons are
// bundled). hls.js feeds MediaSource from blob: URLs and may run its demuxer in a blob: worker.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

// Client serves the files of the web client: index.html for the root and for any path that names
// no file, and the hashed assets with a year of caching. It gzips text files once, on first use.
type Client struct {
	files fs.FS
	built bool

	mu   sync.Mutex
	gzip map[string][]byte // path → gzipped body, for text files
}

// New returns the client embedded in this binary.
func New() *Client {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path: this cannot happen
	}
	return FromFS(sub)
}

// FromFS returns a client serving files, a built dist folder (tests pass an fstest.MapFS).
func FromFS(files fs.FS) *Client {
	_, err := fs.Stat(files, "index.html")
	return &Client{files: files, built: err == nil, gzip: map[string][]byte{}}
}

// Built reports whether the client was built before the binary was.
func (c *Client) Built() bool { return c.built }

// Has reports whether the URL path p names a file of the client (such as /assets/index-1a2b.js),
// so that a mux sharing the root with other handlers can send it here.
func (c *Client) Has(p string) bool {
	name, ok := fileName(p)
	if !ok || name == "." {
		return false
	}
	fi, err := fs.Stat(c.files, name)
	return err == nil && !fi.IsDir()
}

// fileName turns a URL path into a name in the files; dot files (dist/.gitkeep) are not served.
func fileName(p string) (string, bool) {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" {
		return ".", true
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return "", false
		}
	}
	return name, true
}

// ServeHTTP serves the file r.URL.Path names, or the client's page.
func (c *Client) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if !c.built {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		w.Write(notBuilt)
		return
	}
	name, ok := fileName(r.URL.Path)
	if ok && name != "." && c.Has(name) && name != "index.html" {
		if strings.HasPrefix(name, "assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable") // Vite puts a content hash in these names
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		c.serveFile(w, r, name)
		return
	}
	// The root, index.html and any other path: the page; its routes live in the URL's hash.
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", csp)
	h.Set("Referrer-Policy", "same-origin")
	c.serveFile(w, r, "index.html")
}

// serveFile sends a file, gzipped when it is text and the client accepts gzip, with an ETag
// (embedded files have no modification time).
func (c *Client) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	body, err := fs.ReadFile(c.files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12])
	if compressible(name) {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body = c.gzipped(name, body)
			h.Set("Content-Encoding", "gzip")
			etag += "-gz"
		}
	}
	h.Set("ETag", etag+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

func (c *Client) gzipped(name string, body []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gz, ok := c.gzip[name]; ok {
		return gz
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
	zw.Write(body)
	zw.Close()
	c.gzip[name] = b.Bytes()
	return c.gzip[name]
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".css", ".html", ".svg", ".json", ".map", ".txt":
		return true
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// notBuilt is the page of a binary built without the client.
var notBuilt = []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Walros</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#8882;padding:0 .2em}</style>
</head><body>
<h1>Walros is running, but its web client was not built</h1>
<p>This binary was built without the web client. Build the client, then the binary again:</p>
<pre><code>make run</code></pre>
<p>or by hand (Node.js 20.19 or newer):</p>
<pre><code>cd web &amp;&amp; npm ci &amp;&amp; npm run build &amp;&amp; cd .. &amp;&amp; go build ./cmd/walros</code></pre>
<p>The server works without it: the API is described at <a href="/api/docs">/api/docs</a>, and Jellyfin and Plex apps can connect.</p>
</body></html>
`)
