package artwork

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestSave(t *testing.T) {
	uploads := filepath.Join(t.TempDir(), "uploads")
	s, lib := newTestService(t, Options{UploadDir: uploads, MaxSourceBytes: 64 << 10})
	ctx := context.Background()
	var pngBytes, jpegBytes bytes.Buffer
	if err := png.Encode(&pngBytes, twoColour(40, 60)); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpegBytes, twoColour(40, 60), nil); err != nil {
		t.Fatal(err)
	}

	img, err := s.Save(ctx, core.ImagePrimary, bytes.NewReader(pngBytes.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if img.Kind != core.ImagePrimary || filepath.Dir(img.Path) != uploads || filepath.Ext(img.Path) != ".png" || !s.Uploaded(img) {
		t.Fatalf("saved %+v", img)
	}
	// An upload is served like any picture, and its size is known.
	r, err := s.Render(ctx, img, Request{Format: "png"})
	if err != nil || r.Width != 40 || r.Height != 60 {
		t.Fatalf("Render = %+v, %v", r, err)
	}
	if w, h, ok := s.Size(ctx, img); !ok || w != 40 || h != 60 {
		t.Fatalf("Size = %d, %d, %v", w, h, ok)
	}
	if _, _, ok := s.Size(ctx, core.Image{URL: "https://img.test/never-downloaded.jpg"}); ok {
		t.Fatal("Size knows a remote picture never downloaded")
	}

	// The content decides: a JPEG named nothing is a JPEG; text, a truncated picture, an SVG and
	// an oversized body are refused, and nothing is left behind.
	if j, err := s.Save(ctx, core.ImageBackdrop, bytes.NewReader(jpegBytes.Bytes())); err != nil || filepath.Ext(j.Path) != ".jpg" {
		t.Fatalf("jpeg: %+v, %v", j, err)
	}
	for name, body := range map[string][]byte{
		"text":      []byte("hello, this is not a picture"),
		"truncated": pngBytes.Bytes()[:pngBytes.Len()/2],
		"svg":       []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"html":      []byte("<html><body><img src=x></body></html>"),
		"too large": append(pngBytes.Bytes(), make([]byte, 64<<10)...),
		"empty":     nil,
	} {
		if _, err := s.Save(ctx, core.ImagePrimary, bytes.NewReader(body)); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	des, _ := os.ReadDir(uploads)
	if len(des) != 2 {
		t.Fatalf("upload folder holds %d files, want the 2 accepted", len(des))
	}

	// Remove deletes uploads only: a picture next to the media stays.
	local := filepath.Join(lib, "poster.jpg")
	writeImage(t, local, 10, 10)
	for _, im := range []core.Image{{Path: local}, {Path: filepath.Join(uploads, "..", "x.jpg")}, {URL: "https://img.test/a.jpg"}} {
		if s.Uploaded(im) {
			t.Errorf("%+v counts as uploaded", im)
		}
		if err := s.Remove(im); err != nil {
			t.Errorf("Remove(%+v) = %v", im, err)
		}
	}
	if _, err := os.Stat(local); err != nil {
		t.Fatalf("the local poster: %v", err)
	}
	if err := s.Remove(img); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(img.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the removed upload: %v", err)
	}
	if _, err := s.Render(ctx, img, Request{}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Render of a removed upload: %v", err)
	}

	// Without an upload folder, nothing is saved.
	off, _ := newTestService(t, Options{})
	if _, err := off.Save(ctx, core.ImagePrimary, strings.NewReader(pngBytes.String())); err == nil {
		t.Fatal("Save without an upload folder succeeded")
	}
}
