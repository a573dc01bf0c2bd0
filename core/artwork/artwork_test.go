package artwork

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// newTestService returns a Service whose only allowed root is a fresh library folder.
func newTestService(t *testing.T, opts Options) (*Service, string) {
	t.Helper()
	lib := t.TempDir()
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	if opts.AllowedRoots == nil {
		opts.AllowedRoots = func() []string { return []string{lib} }
	}
	if opts.UploadDir != "" && opts.Uploads == nil {
		opts.Uploads = &fakeFiles{}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, lib
}

// twoColour is a w×h picture, red on the left half and blue on the right.
func twoColour(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 220, G: 20, B: 20, A: 255}
			if x >= w/2 {
				c = color.RGBA{R: 20, G: 20, B: 220, A: 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// writeImage encodes a w×h picture into path, as PNG or JPEG after its extension.
func writeImage(t *testing.T, path string, w, h int) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(path, ".png") {
		err = png.Encode(&buf, twoColour(w, h))
	} else {
		err = jpeg.Encode(&buf, twoColour(w, h), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// decoded reads the header of a rendition.
func decoded(t *testing.T, r Rendition) (image.Config, string) {
	t.Helper()
	cfg, format, err := configOfFormat(r.Path)
	if err != nil {
		t.Fatalf("decode %s: %v", r.Path, err)
	}
	return cfg, format
}

func configOfFormat(path string) (image.Config, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, "", err
	}
	defer f.Close()
	if _, _, err := image.Decode(f); err != nil { // the whole picture, not just its header
		return image.Config{}, "", err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return image.Config{}, "", err
	}
	return image.DecodeConfig(f)
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    Request
		sw, sh int
		w, h   int
	}{
		{"nothing asked", Request{}, 400, 300, 400, 300},
		{"width keeps aspect", Request{Width: 200}, 400, 300, 200, 150},
		{"height keeps aspect", Request{Height: 150}, 400, 300, 200, 150},
		{"box fits inside", Request{Width: 200, Height: 200}, 400, 300, 200, 150},
		{"box, tall picture", Request{Width: 200, Height: 200}, 300, 400, 150, 200},
		{"exact width enlarges", Request{Width: 800}, 400, 300, 800, 600},
		{"max never enlarges", Request{MaxWidth: 800, MaxHeight: 800}, 400, 300, 400, 300},
		{"max width caps", Request{MaxWidth: 100}, 400, 300, 100, 75},
		{"max height caps", Request{MaxHeight: 30}, 400, 300, 40, 30},
		{"max caps width", Request{Width: 200, MaxWidth: 100}, 400, 300, 100, 75},
		{"width clamped to 8192", Request{Width: 100000}, 400, 100, 8192, 2048},
		{"huge original capped", Request{}, 20000, 1000, 8192, 410},
		{"pixels capped", Request{Width: 8192}, 100, 100, 7071, 7071},
		{"never zero", Request{Width: 10}, 10000, 10, 10, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := tc.req.spec()
			if err != nil {
				t.Fatal(err)
			}
			if w, h := sp.fit(tc.sw, tc.sh, defaultMaxPixels); w != tc.w || h != tc.h {
				t.Errorf("fit(%dx%d) = %dx%d, want %dx%d", tc.sw, tc.sh, w, h, tc.w, tc.h)
			}
		})
	}
}

func TestRenderSizes(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.png")
	writeImage(t, path, 400, 300)
	for _, tc := range []struct {
		name string
		req  Request
		w, h int
	}{
		{"width", Request{Width: 200}, 200, 150},
		{"height", Request{Height: 60}, 80, 60},
		{"max without upscaling", Request{MaxWidth: 1000, MaxHeight: 1000}, 400, 300},
		{"max caps", Request{MaxHeight: 150}, 200, 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Render(t.Context(), core.Image{Path: path}, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _ := decoded(t, r)
			if cfg.Width != tc.w || cfg.Height != tc.h || r.Width != tc.w || r.Height != tc.h {
				t.Errorf("got %dx%d (rendition says %dx%d), want %dx%d", cfg.Width, cfg.Height,
					r.Width, r.Height, tc.w, tc.h)
			}
		})
	}
}

func TestRenderFormats(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "fanart.jpg")
	writeImage(t, path, 320, 240)
	for _, tc := range []struct {
		format, wantFormat, contentType string
	}{
		{"", "jpeg", "image/jpeg"},
		{"jpeg", "jpeg", "image/jpeg"},
		{"JPG", "jpeg", "image/jpeg"},
		{"png", "png", "image/png"},
		{"webp", "webp", "image/webp"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			r, err := s.Render(t.Context(), core.Image{Path: path}, Request{Width: 160, Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			cfg, format := decoded(t, r)
			if format != tc.wantFormat || r.ContentType != tc.contentType {
				t.Errorf("format %s, content type %s; want %s, %s", format, r.ContentType, tc.wantFormat, tc.contentType)
			}
			if cfg.Width != 160 || cfg.Height != 120 {
				t.Errorf("size %dx%d, want 160x120", cfg.Width, cfg.Height)
			}
			if !strings.HasPrefix(r.Path, s.dir) {
				t.Errorf("path %s is outside the cache %s", r.Path, s.dir)
			}
		})
	}
}

func TestRenderOriginal(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "logo.png")
	writeImage(t, path, 64, 32)
	want, _ := os.ReadFile(path)

	r, err := s.Render(t.Context(), core.Image{Path: path}, Request{Format: "png"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(r.Path); !bytes.Equal(got, want) || r.Path == path {
		t.Errorf("same format, no resize: want a copy of the original in the cache, got %s", r.Path)
	}
	if s.encodes.Load() != 0 {
		t.Errorf("encodes = %d, want 0", s.encodes.Load())
	}
	r, err = s.Render(t.Context(), core.Image{Path: path}, Request{Format: "jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, format := decoded(t, r); format != "jpeg" || cfg.Width != 64 || cfg.Height != 32 {
		t.Errorf("re-encoded original: %s %dx%d, want jpeg 64x32", format, cfg.Width, cfg.Height)
	}
}

func TestRenderInvalid(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.png")
	writeImage(t, path, 40, 30)
	text := filepath.Join(lib, "notes.png")
	if err := os.WriteFile(text, []byte("not a picture at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	full, _ := os.ReadFile(path)
	truncated := filepath.Join(lib, "truncated.png")
	if err := os.WriteFile(truncated, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		img  core.Image
		req  Request
		want error
	}{
		{"quality too low", core.Image{Path: path}, Request{Quality: -1}, core.ErrInvalid},
		{"quality too high", core.Image{Path: path}, Request{Quality: 101}, core.ErrInvalid},
		{"unknown format", core.Image{Path: path}, Request{Format: "gif"}, core.ErrInvalid},
		{"negative width", core.Image{Path: path}, Request{Width: -5}, core.ErrInvalid},
		{"not a picture", core.Image{Path: text}, Request{}, core.ErrInvalid},
		{"corrupt", core.Image{Path: truncated}, Request{Width: 20}, core.ErrInvalid},
		{"no source", core.Image{}, Request{}, core.ErrNotFound},
		{"unsupported url", core.Image{URL: "ftp://example.com/a.jpg"}, Request{}, core.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Render(t.Context(), tc.img, tc.req)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestETag(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.jpg")
	writeImage(t, path, 200, 100)
	img := core.Image{Path: path}
	render := func(req Request) Rendition {
		t.Helper()
		r, err := s.Render(t.Context(), img, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := render(Request{Width: 100})
	if len(a.ETag) < 3 || a.ETag[0] != '"' || a.ETag[len(a.ETag)-1] != '"' {
		t.Fatalf("ETag %s is not a quoted strong tag", a.ETag)
	}
	if b := render(Request{Width: 100}); b.ETag != a.ETag {
		t.Errorf("same request: ETag %s then %s", a.ETag, b.ETag)
	}
	for _, req := range []Request{{Width: 101}, {Width: 100, Quality: 80}, {Width: 100, Format: "png"}} {
		if b := render(req); b.ETag == a.ETag {
			t.Errorf("%+v shares the ETag of {Width: 100}", req)
		}
	}
	if a, b := render(Request{Format: "png", Quality: 50}), render(Request{Format: "png", Quality: 90}); a.ETag != b.ETag {
		t.Errorf("lossless PNG: quality changed the ETag")
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if b := render(Request{Width: 100}); b.ETag == a.ETag {
		t.Errorf("source touched: ETag unchanged")
	}
}
