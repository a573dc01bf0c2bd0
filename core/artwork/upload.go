package artwork

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// uploadTypes are the pictures an admin may upload, by their sniffed content type.
var uploadTypes = map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

// Save stores an uploaded picture of kind in the upload folder and returns it as an image to add
// to an item. The content decides, not its name or declared type: it must be a JPEG, PNG or WebP
// within MaxSourceBytes and MaxPixels that decodes whole. Anything else is core.ErrInvalid, and
// nothing is kept.
func (s *Service) Save(ctx context.Context, kind core.ImageKind, r io.Reader) (core.Image, error) {
	if s.uploads == "" {
		return core.Image{}, errors.New("save image: no upload folder")
	}
	body := bufio.NewReaderSize(io.LimitReader(r, s.maxSource+1), 4096)
	head, err := body.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) {
		return core.Image{}, fmt.Errorf("read image: %w", err)
	}
	ext, ok := uploadTypes[http.DetectContentType(head)]
	if !ok {
		return core.Image{}, core.Invalid("image", "must be a JPEG, PNG or WebP picture")
	}
	var name [16]byte
	rand.Read(name[:])
	file := hex.EncodeToString(name[:]) + "." + ext
	_, err = writeAtomic(s.uploads, file, func(w io.Writer) error {
		n, err := io.Copy(w, body)
		if n > s.maxSource {
			return errTooLarge
		}
		return err
	}, func(f *os.File) error {
		if _, _, err := s.config(f); err != nil {
			return err
		}
		// The whole picture is decoded once: a valid header over truncated data is refused here,
		// not on every later rendition.
		return s.heavy(ctx, func() error {
			_, err := s.decode(f)
			return err
		})
	})
	switch {
	case errors.Is(err, errTooLarge):
		return core.Image{}, core.Invalid("image", "larger than %d bytes", s.maxSource)
	case errors.Is(err, core.ErrInvalid):
		return core.Image{}, err
	case err != nil:
		return core.Image{}, fmt.Errorf("save image: %w", err)
	}
	// Into the ledger before the caller adds the picture to an item (decision 0044): a crash
	// after this leaves a recorded file no item shows, which the sweep removes; a crash before it,
	// an unrecorded file no sweep ever removes, a small leak and never a loss. Recorded only once
	// the file has passed its checks: a refused picture costs no write to the database.
	if err := s.files.RecordUpload(ctx, file, time.Now()); err != nil {
		if rerr := os.Remove(filepath.Join(s.uploads, file)); rerr != nil {
			s.log.WarnContext(ctx, "uploaded image left behind", "file", file, "err", rerr)
		}
		return core.Image{}, fmt.Errorf("save image: %w", err)
	}
	return core.Image{Kind: kind, Path: filepath.Join(s.uploads, file)}, nil
}

// Uploaded reports whether img is a picture Save stored.
func (s *Service) Uploaded(img core.Image) bool {
	if s.uploads == "" || img.Path == "" {
		return false
	}
	rel, err := filepath.Rel(s.uploads, filepath.Clean(img.Path))
	return err == nil && rel != "." && !strings.Contains(rel, string(filepath.Separator)) && rel != ".."
}

// Remove deletes a picture Save stored, once no item shows it, and then its row of the ledger.
// Other images are left alone: a file next to the media is never deleted. The file goes first: a
// failure leaves it in the ledger, and the sweep removes it later; the other order would leave an
// unrecorded file no sweep removes.
func (s *Service) Remove(ctx context.Context, img core.Image) error {
	if !s.Uploaded(img) {
		return nil
	}
	if err := os.Remove(img.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove uploaded image: %w", err)
	}
	if err := s.files.ForgetUploads(ctx, []string{filepath.Base(img.Path)}); err != nil {
		return fmt.Errorf("remove uploaded image: %w", err) // a row with no file: harmless
	}
	return nil
}

// Size returns the width and height of img when they are known without downloading anything: a
// local or uploaded file, or a remote picture already in the cache. ok is false otherwise.
func (s *Service) Size(ctx context.Context, img core.Image) (width, height int, ok bool) {
	src, err := s.source(img)
	if err != nil {
		return 0, 0, false
	}
	if src.remote {
		if _, err := os.Stat(filepath.Join(s.dir, originalsDir, hashHex(img.URL))); err != nil {
			return 0, 0, false
		}
	}
	f, err := src.open(ctx)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	cfg, _, err := s.config(f)
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}
