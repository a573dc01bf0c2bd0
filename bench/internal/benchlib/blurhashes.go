package benchlib

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"

	"github.com/buckket/go-blurhash"
	"github.com/walros/walros/core"
)

// distinctHashes is how many different placeholders the library's posters get: enough that the
// web client's cache of decoded placeholders (2,000) turns over while a grid scrolls.
const distinctHashes = 4096

// blurHashes gives every item with a primary image a placeholder, as the server's hasher does
// for real posters (decision 0036): the generated pictures do not exist, so it would hash none,
// and lists would carry none. Each hash is that of a random smooth picture of the same 4x3 shape
// the artwork service computes; they go through the store's own SaveBlurHashes.
func (g *generator) blurHashes(ctx context.Context) (int, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	hashes := make([]string, distinctHashes)
	for i := range hashes {
		m := image.NewRGBA(image.Rect(0, 0, 16, 24))
		c0 := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		c1 := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		for y := range 24 {
			for x := range 16 {
				t := float64(x+y) / 38
				mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
				m.Set(x, y, color.RGBA{mix(c0.R, c1.R), mix(c0.G, c1.G), mix(c0.B, c1.B), 255})
			}
		}
		h, err := blurhash.Encode(4, 3, m)
		if err != nil {
			return 0, fmt.Errorf("blurhash: %w", err)
		}
		hashes[i] = h
	}
	n := 0
	var after core.ItemID
	for {
		page, err := g.st.Metadata.PrimaryImages(ctx, after, 1000)
		if err != nil {
			return n, err
		}
		batch := make([]core.ImageHash, len(page))
		for i, p := range page {
			batch[i] = core.ImageHash{Item: p.Item, Image: p.Image, Stamp: "bench", Hash: hashes[rng.IntN(len(hashes))]}
		}
		if err := g.st.Metadata.SaveBlurHashes(ctx, batch); err != nil {
			return n, err
		}
		n += len(page)
		if len(page) < 1000 {
			return n, nil
		}
		after = page[len(page)-1].Item
	}
}
