package artwork

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// pngBytes encodes a w×h two-colour PNG.
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, twoColour(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a tiny PNG whose header claims w×h pixels: the IHDR chunk starts at byte 8, its
// width and height at 16 and 20, and its CRC (over type and data) at 29.
func bombPNG(t *testing.T, w, h uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestRemote(t *testing.T) {
	poster := pngBytes(t, 300, 200)
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/poster.png", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/octet-stream") // as some CDNs do
		w.Write(poster)
	})
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/broken.png", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/page.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png") // a lie: the body decides
		w.Write([]byte("<!DOCTYPE html><html><body>rate limited</body></html>"))
	})
	big := append(pngBytes(t, 8, 8), make([]byte, 64<<10)...)
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(big))) // refused before reading
		w.Write(big)
	})
	mux.HandleFunc("/big-chunked.png", func(w http.ResponseWriter, r *http.Request) {
		w.Write(big[:1000])
		w.(http.Flusher).Flush() // no Content-Length: the limit must hold while reading
		w.Write(big[1000:])
	})
	mux.HandleFunc("/bomb.png", func(w http.ResponseWriter, r *http.Request) { w.Write(bombPNG(t, 100000, 100000)) })
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/redirect.png", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	s, _ := newTestService(t, Options{MaxSourceBytes: 32 << 10})
	img := core.Image{URL: srv.URL + "/poster.png"}
	a, err := s.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := decoded(t, a); cfg.Width != 150 || cfg.Height != 100 {
		t.Errorf("size %dx%d, want 150x100", cfg.Width, cfg.Height)
	}
	orig, err := s.Render(t.Context(), img, Request{Format: "png"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(s.dir, originalsDir, hashHex(img.URL)); orig.Path != want {
		t.Errorf("original served from %s, want %s", orig.Path, want)
	}
	if _, err := s.BlurHash(t.Context(), img); err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("downloads = %d, want 1", n)
	}

	slow, _ := newTestService(t, Options{HTTP: &http.Client{Timeout: 100 * time.Millisecond}})
	for _, tc := range []struct {
		name string
		s    *Service
		path string
		want error // nil: a plain error
	}{
		{"404", s, "/missing.png", core.ErrNotFound},
		{"5xx", s, "/broken.png", nil},
		{"not an image", s, "/page.png", core.ErrInvalid},
		{"too large", s, "/big.png", core.ErrInvalid},
		{"too large, chunked", s, "/big-chunked.png", core.ErrInvalid},
		{"decompression bomb", s, "/bomb.png", core.ErrInvalid},
		{"redirect to a file", s, "/redirect.png", nil},
		{"timeout", slow, "/slow.png", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.s.Render(t.Context(), core.Image{URL: srv.URL + tc.path}, Request{Width: 10})
			switch {
			case err == nil:
				t.Fatal("no error")
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("err = %v, want %v", err, tc.want)
			case tc.want == nil && (errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrInvalid)):
				t.Fatalf("err = %v, want a plain error", err)
			}
			if _, err := os.Stat(filepath.Join(tc.s.dir, originalsDir, hashHex(srv.URL+tc.path))); err == nil {
				t.Error("a refused download was kept")
			}
		})
	}
}

func TestDecompressionBomb(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "bomb.png")
	if err := os.WriteFile(path, bombPNG(t, 100000, 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := s.Render(t.Context(), core.Image{Path: path}, Request{Width: 100})
	if !errors.Is(err, core.ErrInvalid) || !strings.Contains(err.Error(), "pixels") {
		t.Fatalf("err = %v, want ErrInvalid about pixels", err)
	}
	_, err = s.BlurHash(t.Context(), core.Image{Path: path})
	if !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("blurhash: err = %v, want ErrInvalid", err)
	}
	runtime.ReadMemStats(&after)
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing took %v", d)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("refusing allocated %d bytes", alloc)
	}
}

func TestLocalConfinement(t *testing.T) {
	base := t.TempDir()
	lib, outside := filepath.Join(base, "lib"), filepath.Join(base, "outside")
	for _, d := range []string{lib, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeImage(t, filepath.Join(lib, "poster.png"), 40, 30)
	writeImage(t, filepath.Join(outside, "secret.png"), 40, 30)
	for link, target := range map[string]string{
		filepath.Join(lib, "escape.png"):   filepath.Join(outside, "secret.png"),
		filepath.Join(lib, "elsewhere"):    outside,
		filepath.Join(lib, "same.png"):     filepath.Join(lib, "poster.png"),
		filepath.Join(base, "lib-mount"):   lib,
		filepath.Join(lib, "passwd.png"):   "/etc/passwd",
		filepath.Join(lib, "relative.png"): "../outside/secret.png",
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Options{CacheDir: t.TempDir(), AllowedRoots: func() []string {
		return []string{filepath.Join(base, "lib-mount")} // a symlinked library root
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		ok         bool
	}{
		{"inside", filepath.Join(lib, "poster.png"), true},
		{"through the symlinked root", filepath.Join(base, "lib-mount", "poster.png"), true},
		{"symlink staying inside", filepath.Join(lib, "same.png"), true},
		{"symlink out", filepath.Join(lib, "escape.png"), false},
		{"relative symlink out", filepath.Join(lib, "relative.png"), false},
		{"symlink to /etc/passwd", filepath.Join(lib, "passwd.png"), false},
		{"symlinked folder out", filepath.Join(lib, "elsewhere", "secret.png"), false},
		{"dot-dot", lib + "/../outside/secret.png", false},
		{"outside", filepath.Join(outside, "secret.png"), false},
		{"system file", "/etc/passwd", false},
		{"missing", filepath.Join(lib, "nope.png"), false},
		{"the root itself", lib, false},
		{"relative path", "poster.png", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Render(t.Context(), core.Image{Path: tc.path}, Request{Width: 20})
			_, hashErr := s.BlurHash(t.Context(), core.Image{Path: tc.path})
			if tc.ok {
				if err != nil || hashErr != nil {
					t.Fatalf("render: %v; blurhash: %v", err, hashErr)
				}
				return
			}
			if !errors.Is(err, core.ErrNotFound) || !errors.Is(hashErr, core.ErrNotFound) {
				t.Fatalf("render: %v; blurhash: %v; want ErrNotFound", err, hashErr)
			}
		})
	}

	none, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := none.Render(t.Context(), core.Image{Path: filepath.Join(lib, "poster.png")}, Request{}); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("no allowed roots: err = %v, want ErrNotFound", err)
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(Options{}); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("no cache dir: err = %v, want ErrInvalid", err)
	}
	s, err := New(Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if s.http.Timeout != defaultTimeout || s.maxSource != defaultMaxSource || s.maxPixels != defaultMaxPixels ||
		s.cache.max != defaultMaxCache {
		t.Errorf("defaults: timeout %v, max source %d, max pixels %d, max cache %d",
			s.http.Timeout, s.maxSource, s.maxPixels, s.cache.max)
	}
}
