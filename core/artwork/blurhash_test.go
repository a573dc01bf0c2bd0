package artwork

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/buckket/go-blurhash"

	"github.com/walros/walros/core"
)

func TestBlurHash(t *testing.T) {
	s, lib := newTestService(t, Options{})
	path := filepath.Join(lib, "poster.png")
	writeImage(t, path, 300, 200)
	img := core.Image{Kind: core.ImagePrimary, Path: path}

	hash, err := s.BlurHash(t.Context(), img)
	if err != nil {
		t.Fatal(err)
	}
	if len(hash) != 28 { // 1 size + 1 maximum + 4 DC + 2 per each of the 11 AC components
		t.Fatalf("hash %q: length %d, want 28", hash, len(hash))
	}
	if x, y, err := blurhash.Components(hash); err != nil || x != 4 || y != 3 {
		t.Fatalf("components of %q: %dx%d, %v; want 4x3", hash, x, y, err)
	}
	m, err := blurhash.Decode(hash, 8, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	lr, _, lb, _ := m.At(0, 0).RGBA()
	rr, _, rb, _ := m.At(7, 0).RGBA()
	if lr <= lb || rb <= rr {
		t.Errorf("hash %q does not show red on the left and blue on the right", hash)
	}

	again, err := s.BlurHash(t.Context(), img)
	if err != nil || again != hash {
		t.Fatalf("second call: %q, %v; want %q", again, err, hash)
	}
	if n := s.hashes.Load(); n != 1 {
		t.Errorf("hashes computed = %d, want 1", n)
	}
	stored, err := os.ReadFile(filepath.Join(s.dir, blurhashDir, hashHex(mustSource(t, s, img).id)+".txt"))
	if err != nil || string(stored) != hash {
		t.Errorf("cached file: %q, %v", stored, err)
	}
}

func mustSource(t *testing.T, s *Service, img core.Image) source {
	t.Helper()
	src, err := s.source(img)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
