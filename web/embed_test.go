package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, p string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, p, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestClient(t *testing.T) {
	c := FromFS(fstest.MapFS{
		"index.html":             {Data: []byte(`<html><script src="./assets/index-abc.js"></script></html>`)},
		"assets/index-abc.js":    {Data: []byte(strings.Repeat("console.log(1);", 100))},
		"favicon.svg":            {Data: []byte("<svg/>")},
		".gitkeep":               {},
		"assets/.hidden/file.js": {Data: []byte("x")},
	})
	if !c.Built() {
		t.Fatal("Built() = false with an index.html")
	}
	for _, tc := range []struct {
		path      string
		has       bool
		body      string
		cache     string
		csp       bool
		wantIndex bool
	}{
		{path: "/", body: "<html>", cache: "no-cache", csp: true},
		{path: "/index.html", has: true, body: "<html>", cache: "no-cache", csp: true},
		{path: "/assets/index-abc.js", has: true, body: "console.log(1);", cache: "public, max-age=31536000, immutable"},
		{path: "/favicon.svg", has: true, body: "<svg/>", cache: "no-cache"},
		{path: "/.gitkeep", body: "<html>", csp: true},
		{path: "/assets/.hidden/file.js", body: "<html>", csp: true},
		{path: "/assets/", body: "<html>", csp: true},
		{path: "/some/route", body: "<html>", csp: true},
		{path: "/../../etc/passwd", body: "<html>", csp: true},
	} {
		if got := c.Has(tc.path); got != tc.has {
			t.Errorf("Has(%q) = %v, want %v", tc.path, got, tc.has)
		}
		rec := get(t, c, tc.path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("GET %s = %d %.60q, want 200 with %q", tc.path, rec.Code, rec.Body, tc.body)
		}
		if tc.cache != "" && rec.Header().Get("Cache-Control") != tc.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", tc.path, rec.Header().Get("Cache-Control"), tc.cache)
		}
		if got := rec.Header().Get("Content-Security-Policy") != ""; got != tc.csp {
			t.Errorf("GET %s: CSP set = %v, want %v", tc.path, got, tc.csp)
		}
	}

	// Text is gzipped for clients that take it, and the ETag differs from the plain one's.
	plain := get(t, c, "/assets/index-abc.js")
	rec := get(t, c, "/assets/index-abc.js", "Accept-Encoding", "br, gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Fatalf("gzip: Content-Encoding %q, ETag %q (plain %q)", rec.Header().Get("Content-Encoding"), rec.Header().Get("ETag"), plain.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Equal(b, plain.Body.Bytes()) {
		t.Error("the gzipped body does not decode to the file")
	}
	if rec := get(t, c, "/assets/index-abc.js", "If-None-Match", plain.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag = %d, want 304", rec.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

// A clone where the client was never built serves a page that says how to build it.
func TestClientNotBuilt(t *testing.T) {
	c := FromFS(fstest.MapFS{".gitkeep": {}})
	if c.Built() {
		t.Fatal("Built() = true without index.html")
	}
	for _, p := range []string{"/", "/some/route"} {
		rec := get(t, c, p)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "npm run build") {
			t.Errorf("GET %s = %d %q, want the build instructions", p, rec.Code, rec.Body)
		}
	}
	if c.Has("/.gitkeep") {
		t.Error("Has(/.gitkeep) = true: dot files are not served")
	}
}

// The embedded client is whatever dist/ held at build time; New must work either way.
func TestNew(t *testing.T) {
	c := New()
	rec := get(t, c, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	t.Logf("embedded client built: %v", c.Built())
}
