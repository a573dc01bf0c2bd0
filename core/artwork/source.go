package artwork

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/walros/walros/core"
)

// source is a picture to read: a checked local file, or a remote one downloaded on first open.
type source struct {
	id     string // what renditions and blurhashes are keyed by
	remote bool   // open returns the original in the cache
	open   func(ctx context.Context) (*os.File, error)
}

// source checks img and returns how to read it. A local path is preferred to a URL.
func (s *Service) source(img core.Image) (source, error) {
	switch {
	case img.Path != "":
		return s.local(img.Path)
	case img.URL != "":
		return s.remote(img.URL)
	}
	return source{}, fmt.Errorf("image without path or url: %w", core.ErrNotFound)
}

// local checks that path is a regular file inside one of the allowed roots once symlinks are
// resolved. Anything else is ErrNotFound, so that a crafted path learns nothing.
func (s *Service) local(path string) (source, error) {
	notFound := fmt.Errorf("image %s: %w", path, core.ErrNotFound)
	if !filepath.IsAbs(path) {
		return source{}, notFound
	}
	real, err := filepath.EvalSymlinks(path) // also settles "..", against the real parent
	if err != nil {
		return source{}, notFound
	}
	roots := s.roots()
	if s.uploads != "" {
		roots = append(slices.Clip(roots), s.uploads)
	}
	for _, root := range roots {
		dir, err := filepath.EvalSymlinks(root) // library roots are often symlinked mounts
		if err != nil || !filepath.IsAbs(dir) {
			continue
		}
		rel, err := filepath.Rel(dir, real)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		// Reading through an os.Root keeps a symlink planted after the check from leading out.
		f, err := openIn(dir, rel)
		if err != nil {
			return source{}, notFound
		}
		fi, err := f.Stat()
		f.Close()
		switch {
		case err != nil || !fi.Mode().IsRegular():
			return source{}, notFound
		case fi.Size() > s.maxSource:
			return source{}, core.Invalid("image", "larger than %d bytes", s.maxSource)
		}
		return source{
			id: fmt.Sprintf("file\x00%s\x00%d\x00%d", real, fi.Size(), fi.ModTime().UnixNano()),
			open: func(context.Context) (*os.File, error) {
				f, err := openIn(dir, rel)
				if err != nil {
					return nil, notFound
				}
				return f, nil
			},
		}, nil
	}
	return source{}, notFound
}

// openIn opens rel inside dir, refusing to leave dir.
func openIn(dir, rel string) (*os.File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close() // files opened through it stay open
	return root.Open(rel)
}

// remote checks raw and returns a source that downloads it into the originals on first open.
func (s *Service) remote(raw string) (source, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return source{}, core.Invalid("image", "unsupported url")
	}
	sum := hashHex(raw)
	path := filepath.Join(s.dir, originalsDir, sum)
	return source{id: "url\x00" + raw, remote: true, open: func(ctx context.Context) (*os.File, error) {
		if f, err := os.Open(path); err == nil {
			return f, nil
		}
		_, err := flight(&s.flights, ctx, "download:"+sum, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.download(ctx, raw, path)
		})
		if err != nil {
			return nil, err
		}
		return os.Open(path)
	}}, nil
}

// errTooLarge stops a download at MaxSourceBytes.
var errTooLarge = errors.New("too large")

// download fetches raw into path, keeping it only if it is a picture within the limits.
func (s *Service) download(ctx context.Context, raw, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil // fetched while this call was queuing
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return core.Invalid("image", "unsupported url")
	}
	req.Header.Set("Accept", "image/*")
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("download image: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fmt.Errorf("download image: status %d: %w", resp.StatusCode, core.ErrNotFound)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("download image: status %d", resp.StatusCode)
	case resp.ContentLength > s.maxSource:
		return core.Invalid("image", "larger than %d bytes", s.maxSource)
	}
	body := bufio.NewReaderSize(io.LimitReader(resp.Body, s.maxSource+1), 4096)
	head, err := body.Peek(512) // what http.DetectContentType looks at
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("download image: %w", err)
	}
	// The body decides, not the Content-Type header: CDNs label pictures octet-stream, and an
	// error page would claim to be anything.
	if !strings.HasPrefix(http.DetectContentType(head), "image/") {
		return core.Invalid("image", "not a picture")
	}
	_, err = writeAtomic(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error {
		n, err := io.Copy(w, body)
		if n > s.maxSource {
			return errTooLarge
		}
		return err
	}, func(f *os.File) error {
		_, _, err := s.config(f)
		return err
	})
	switch {
	case errors.Is(err, errTooLarge):
		return core.Invalid("image", "larger than %d bytes", s.maxSource)
	case errors.Is(err, core.ErrInvalid):
		return err
	case err != nil:
		return fmt.Errorf("download image: %w", err)
	}
	s.log.DebugContext(ctx, "artwork downloaded", "url", raw)
	if h := s.hasher.Load(); h != nil {
		h.fetchedURL(raw)
	}
	return nil
}
