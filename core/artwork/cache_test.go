package artwork

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/walros/walros/core"
)

func TestRenderCached(t *testing.T) {
	cacheDir := t.TempDir()
	s, lib := newTestService(t, Options{CacheDir: cacheDir})
	path := filepath.Join(lib, "poster.jpg")
	writeImage(t, path, 300, 200)
	img := core.Image{Path: path}
	first, err := s.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.encodes.Load(); n != 1 || second != first {
		t.Errorf("encodes = %d, want 1; renditions %+v and %+v", n, first, second)
	}

	// A new Service on the same folder, as after a restart, reuses the file, and leftovers of a
	// crash are cleared.
	var leftovers []string
	for _, d := range []string{renditionsDir, originalsDir, blurhashDir} {
		leftovers = append(leftovers, filepath.Join(cacheDir, d, tmpPrefix+"123"))
		if err := os.WriteFile(leftovers[len(leftovers)-1], []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := New(Options{CacheDir: cacheDir, AllowedRoots: func() []string { return []string{lib} }})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s2.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	if s2.encodes.Load() != 0 || again.Path != first.Path || again.Width != 150 || again.Height != 100 {
		t.Errorf("after restart: encodes = %d, rendition %+v", s2.encodes.Load(), again)
	}
	for _, f := range leftovers {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("temporary file %s left behind: %v", f, err)
		}
	}
}

func TestRenderOnce(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "backdrop.jpg")
	writeImage(t, path, 1280, 720)
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]Rendition, 20)
	errs := make([]error, 20)
	for i := range results {
		wg.Go(func() {
			<-start
			results[i], errs[i] = s.Render(t.Context(), core.Image{Path: path}, Request{Width: 640, Format: "webp"})
		})
	}
	close(start)
	wg.Wait()
	if n := s.encodes.Load(); n != 1 {
		t.Errorf("encodes = %d, want 1", n)
	}
	for i := range results {
		if errs[i] != nil || results[i] != results[0] {
			t.Fatalf("call %d: %+v, %v; want %+v", i, results[i], errs[i], results[0])
		}
	}
}

// TestRenderDetached checks that a caller leaving does not waste the work it started.
func TestRenderDetached(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "backdrop.jpg")
	writeImage(t, path, 1280, 720)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Render(ctx, core.Image{Path: path}, Request{Width: 1000}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: err = %v, want context.Canceled", err)
	}
	if _, err := s.Render(t.Context(), core.Image{Path: path}, Request{Width: 1000}); err != nil {
		t.Fatal(err)
	}
	if n := s.encodes.Load(); n != 1 {
		t.Errorf("encodes = %d, want 1", n)
	}
}

func TestEviction(t *testing.T) {
	reqs := []Request{{Width: 100}, {Width: 101}, {Width: 102}}
	// Renditions are deterministic: measure them once with room to spare.
	measure, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.png")
	writeImage(t, path, 300, 200)
	var total int64
	for _, req := range reqs {
		r, err := measure.Render(t.Context(), core.Image{Path: path}, req)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(r.Path)
		total += fi.Size()
	}

	s, err := New(Options{CacheDir: t.TempDir(), MaxCacheBytes: total - 1,
		AllowedRoots: func() []string { return []string{lib} }})
	if err != nil {
		t.Fatal(err)
	}
	render := func(req Request) Rendition {
		t.Helper()
		r, err := s.Render(t.Context(), core.Image{Path: path}, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := render(reqs[0]), render(reqs[1])
	render(reqs[0]) // a is now more recently used than b
	c := render(reqs[2])
	for _, tc := range []struct {
		name string
		r    Rendition
		kept bool
	}{{"a", a, true}, {"b", b, false}, {"c", c, true}} {
		if _, err := os.Stat(tc.r.Path); (err == nil) != tc.kept {
			t.Errorf("rendition %s: kept = %v, want %v", tc.name, err == nil, tc.kept)
		}
	}
	before := s.encodes.Load()
	if r := render(reqs[1]); r.Path != b.Path || s.encodes.Load() != before+1 {
		t.Errorf("evicted rendition not made again")
	}
}

// TestRenditionRemovedByHand checks that a rendition deleted behind the cache's back is made again.
func TestRenditionRemovedByHand(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.jpg")
	writeImage(t, path, 300, 200)
	img := core.Image{Path: path}
	first, err := s.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(first.Path); err != nil {
		t.Fatal(err)
	}
	again, err := s.Render(t.Context(), img, Request{Width: 150})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(again.Path); err != nil || s.encodes.Load() != 2 {
		t.Errorf("after removal: encodes = %d, stat: %v", s.encodes.Load(), err)
	}
}
