package native

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// TestListBlurHash: once the background hasher has hashed an item's poster, list answers carry the
// hash, the same as the item's page; before, they carry none.
func TestListBlurHash(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	it := e.addMovie(lib, "55555555-0000-7000-8000-0000000000b1", "Heat")
	poster := filepath.Join(e.media, "poster.png")
	f, err := os.Create(poster)
	if err != nil {
		t.Fatal(err)
	}
	src := image.NewRGBA(image.Rect(0, 0, 40, 60))
	for y := range 60 {
		for x := range 40 {
			src.Set(x, y, color.RGBA{200, uint8(3 * y), 40, 255})
		}
	}
	if err := png.Encode(f, src); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := e.stores.Metadata.SetMetadata(ctx, it.ID, core.Metadata{Title: "Heat", Images: []core.Image{{Kind: core.ImagePrimary, Path: poster}}}); err != nil {
		t.Fatal(err)
	}
	list := func() itemDTO {
		t.Helper()
		var out struct {
			Items []itemDTO `json:"items"`
		}
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?library="+lib.ID, nil)), &out)
		if len(out.Items) != 1 {
			t.Fatalf("%d items", len(out.Items))
		}
		return out.Items[0]
	}
	if got := list(); got.BlurHash != "" {
		t.Fatalf("a hash before any was computed: %q", got.BlurHash)
	}

	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), AllowedRoots: func() []string { return []string{e.media} }})
	if err != nil {
		t.Fatal(err)
	}
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); art.NewHasher(e.stores.Metadata, artwork.HasherOptions{Duty: 1}).Run(hctx) }()
	var got itemDTO
	for deadline := time.Now().Add(10 * time.Second); got.BlurHash == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = list()
	}
	cancel()
	<-done
	var d itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+string(it.ID), nil)), &d)
	if got.BlurHash == "" || got.BlurHash != d.Images[0].BlurHash {
		t.Fatalf("list hash %q, detail's %q", got.BlurHash, d.Images[0].BlurHash)
	}
}
