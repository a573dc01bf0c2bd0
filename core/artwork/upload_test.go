package artwork

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestSave(t *testing.T) {
	uploads := filepath.Join(t.TempDir(), "uploads")
	files := &fakeFiles{}
	s, lib := newTestService(t, Options{UploadDir: uploads, MaxSourceBytes: 64 << 10, Uploads: files})
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
	// Both are in this database's ledger, by name; the refused ones are not.
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if got := files.ledger(); !slices.Equal(got, names) {
		t.Fatalf("ledger: %v, want %v", got, names)
	}

	// Remove deletes uploads only: a picture next to the media stays.
	local := filepath.Join(lib, "poster.jpg")
	writeImage(t, local, 10, 10)
	for _, im := range []core.Image{{Path: local}, {Path: filepath.Join(uploads, "..", "x.jpg")}, {URL: "https://img.test/a.jpg"}} {
		if s.Uploaded(im) {
			t.Errorf("%+v counts as uploaded", im)
		}
		if err := s.Remove(ctx, im); err != nil {
			t.Errorf("Remove(%+v) = %v", im, err)
		}
	}
	if _, err := os.Stat(local); err != nil {
		t.Fatalf("the local poster: %v", err)
	}
	if err := s.Remove(ctx, img); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(img.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the removed upload: %v", err)
	}
	if got := files.ledger(); slices.Contains(got, filepath.Base(img.Path)) || len(got) != 1 {
		t.Fatalf("ledger after Remove: %v, want the other upload only", got)
	}

	// A ledger that cannot record refuses the upload, and keeps no file: unrecorded, no sweep
	// would ever remove it.
	files.err = errors.New("database is locked")
	if _, err := s.Save(ctx, core.ImagePrimary, bytes.NewReader(pngBytes.Bytes())); err == nil {
		t.Fatal("Save with a failing ledger succeeded")
	}
	files.err = nil
	if des, _ := os.ReadDir(uploads); len(des) != 1 {
		t.Fatalf("upload folder holds %d files after a failed record, want 1", len(des))
	}
	if _, err := s.Render(ctx, img, Request{}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("Render of a removed upload: %v", err)
	}

	// Without an upload folder, nothing is saved; an upload folder without a ledger is refused.
	if _, err := New(Options{CacheDir: t.TempDir(), UploadDir: t.TempDir()}); !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("New without a ledger: %v", err)
	}
	off, _ := newTestService(t, Options{})
	if _, err := off.Save(ctx, core.ImagePrimary, strings.NewReader(pngBytes.String())); err == nil {
		t.Fatal("Save without an upload folder succeeded")
	}
}
