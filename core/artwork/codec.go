package artwork

import (
	"bufio"
	"fmt"
	"image"
	_ "image/gif" // sidecar art may be a GIF
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"github.com/HugoSmits86/nativewebp"
	_ "golang.org/x/image/bmp"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/walros/walros/core"
)

// config reads the header of the picture in f, refuses what would be too large to decode, and
// rewinds f. It returns the format as image.RegisterFormat names it ("jpeg", "png", "webp"...).
func (s *Service) config(f *os.File) (image.Config, string, error) {
	cfg, format, err := image.DecodeConfig(bufio.NewReader(io.LimitReader(f, s.maxSource)))
	if err != nil {
		return image.Config{}, "", core.Invalid("image", "not a picture, or an unsupported or corrupt one")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, "", core.Invalid("image", "empty picture")
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(s.maxPixels) {
		return image.Config{}, "", core.Invalid("image", "%dx%d is more than %d pixels",
			cfg.Width, cfg.Height, s.maxPixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return image.Config{}, "", fmt.Errorf("rewind picture: %w", err)
	}
	return cfg, format, nil
}

// decode decodes the picture in f, which config has checked.
func (s *Service) decode(f *os.File) (image.Image, error) {
	m, _, err := image.Decode(bufio.NewReader(io.LimitReader(f, s.maxSource)))
	if err != nil {
		return nil, core.Invalid("image", "corrupt picture")
	}
	return m, nil
}

// configOf reads the header of a picture in the cache.
func configOf(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	return cfg, err
}

// scale resizes m to w×h with Catmull-Rom, which stays sharp when posters shrink to thumbnails.
func scale(m image.Image, w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Src, nil)
	return dst
}

// encode writes m in the format sp asks for.
func encode(w io.Writer, m image.Image, sp spec) error {
	switch sp.format {
	case "png":
		return png.Encode(w, m)
	case "webp":
		return nativewebp.Encode(w, m, nil)
	default:
		return jpeg.Encode(w, m, &jpeg.Options{Quality: sp.quality})
	}
}
