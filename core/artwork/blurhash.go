package artwork

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/buckket/go-blurhash"
	"golang.org/x/image/draw"

	"github.com/walros/walros/core"
)

// The blurhash shape: 4×3 components, as Jellyfin computes them, from a small thumbnail, since
// the hash only keeps the lowest frequencies.
const (
	hashX, hashY   = 4, 3
	thumbWidth     = 32
	maxThumbHeight = 4 * thumbWidth
)

// BlurHash returns the blurhash placeholder of img, computed on the first call and read from the
// cache after, until the source changes. Errors are those of Render.
func (s *Service) BlurHash(ctx context.Context, img core.Image) (string, error) {
	src, err := s.source(img)
	if err != nil {
		return "", err
	}
	key := hashHex(src.id)
	path := filepath.Join(s.dir, blurhashDir, key+".txt")
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return string(b), nil
	}
	return flight(&s.flights, ctx, "blurhash:"+key, func(ctx context.Context) (string, error) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b), nil
		}
		hash, err := s.blurHash(ctx, src)
		if err != nil {
			return "", err
		}
		if _, err := writeAtomic(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error {
			_, err := io.WriteString(w, hash)
			return err
		}, nil); err != nil {
			return "", fmt.Errorf("write blurhash: %w", err)
		}
		return hash, nil
	})
}

// blurHash computes the blurhash of src.
func (s *Service) blurHash(ctx context.Context, src source) (string, error) {
	f, err := src.open(ctx)
	if err != nil {
		return "", err
	}
	defer f.Close()
	cfg, _, err := s.config(f)
	if err != nil {
		return "", err
	}
	var hash string
	err = s.heavy(ctx, func() error {
		m, err := s.decode(f)
		if err != nil {
			return err
		}
		w := min(thumbWidth, cfg.Width)
		h := min(maxThumbHeight, max(1, cfg.Height*w/cfg.Width))
		thumb := image.NewRGBA(image.Rect(0, 0, w, h))
		// BiLinear, unlike ApproxBiLinear, averages every source pixel: a 32-pixel sample of a
		// noisy poster would give a hash of the noise.
		draw.BiLinear.Scale(thumb, thumb.Bounds(), m, m.Bounds(), draw.Src, nil)
		hash, err = blurhash.Encode(hashX, hashY, thumb)
		return err
	})
	if err != nil {
		return "", err
	}
	s.hashes.Add(1)
	return hash, nil
}
