// Package artwork serves item pictures: local files next to the media and providers' images,
// downloaded once, then resized and re-encoded on demand into a disk cache, with blurhash
// placeholders computed once per picture.
package artwork

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/walros/walros/core"
)

// The defaults of Options, and the limits no option lifts.
const (
	defaultTimeout   = 20 * time.Second
	defaultMaxSource = 50 << 20
	defaultMaxPixels = 50_000_000
	defaultMaxCache  = 2 << 30
	defaultQuality   = 90
	maxSide          = 8192 // a side of a rendition, requested or not
	maxRedirects     = 5
	workTimeout      = 2 * time.Minute // a download, decode and encode run detached from the request

	originalsDir  = "originals"
	renditionsDir = "renditions"
	blurhashDir   = "blurhash"
)

// Options configures a Service. Only CacheDir is required.
type Options struct {
	// CacheDir holds the downloaded originals, the renditions and the blurhashes, each in a
	// folder of its own.
	CacheDir string
	// HTTP downloads remote pictures. The default gives up after 20 s and follows redirects to
	// http and https URLs only.
	HTTP *http.Client
	// MaxSourceBytes is the largest picture read, local or remote (default 50 MiB).
	MaxSourceBytes int64
	// MaxPixels is the largest picture decoded, width times height (default 50 megapixels). It is
	// checked on the header, before any pixel is decoded: a decompression bomb costs nothing.
	MaxPixels int
	// MaxCacheBytes caps the renditions on disk (default 2 GiB); the least recently used go first.
	// Originals and blurhashes are not counted.
	MaxCacheBytes int64
	// Log receives what is dropped along the way, such as a failed eviction. Nil discards it.
	Log *slog.Logger
	// AllowedRoots returns the folders local pictures may be read from: the library folders. A
	// path outside them, symlinks resolved, is answered like a missing file. Nil allows none.
	AllowedRoots func() []string
	// UploadDir holds the pictures admins upload (Save); it is also a folder pictures are read
	// from. Empty refuses uploads. It is kept apart from CacheDir: uploads are not a cache.
	UploadDir string
	// Uploads is the database's ledger of the pictures Save stored, and what tells which files
	// items still show (RemoveOrphans); it is required with UploadDir. The folder belongs to the
	// data folder, which other databases may share: only the ledger tells this database's files.
	Uploads core.ImageFileStore
}

// Service renders item pictures into its cache. It is safe for concurrent use.
type Service struct {
	dir       string
	http      *http.Client
	maxSource int64
	maxPixels int
	log       *slog.Logger
	roots     func() []string
	uploads   string // absolute; empty when uploads are off
	files     core.ImageFileStore
	cache     *lru
	flights   group
	sem       chan struct{} // bounds concurrent decodes: each may hold hundreds of MB

	encodes, hashes atomic.Int64 // work done, for tests

	hasher atomic.Pointer[Hasher] // told of downloads and of hashes computed for a request
}

// New returns a Service caching under opts.CacheDir, which it creates if needed. Renditions left
// by an earlier run are reused.
func New(opts Options) (*Service, error) {
	if opts.CacheDir == "" {
		return nil, core.Invalid("cacheDir", "is required")
	}
	s := &Service{dir: opts.CacheDir, http: opts.HTTP, maxSource: opts.MaxSourceBytes,
		maxPixels: opts.MaxPixels, log: opts.Log, roots: opts.AllowedRoots, files: opts.Uploads,
		sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
	if s.http == nil {
		s.http = &http.Client{Timeout: defaultTimeout, CheckRedirect: checkRedirect}
	}
	if s.maxSource <= 0 {
		s.maxSource = defaultMaxSource
	}
	if s.maxPixels <= 0 {
		s.maxPixels = defaultMaxPixels
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.roots == nil {
		s.roots = func() []string { return nil }
	}
	for _, d := range []string{originalsDir, renditionsDir, blurhashDir} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o750); err != nil {
			return nil, fmt.Errorf("create artwork cache: %w", err)
		}
	}
	if opts.UploadDir != "" {
		if opts.Uploads == nil {
			// Without the ledger every upload would stay forever, and no sweep could tell it from
			// another database's: refused at startup, not found out months later.
			return nil, core.Invalid("uploads", "is required with uploadDir")
		}
		var err error
		if s.uploads, err = filepath.Abs(opts.UploadDir); err != nil {
			return nil, fmt.Errorf("upload folder: %w", err)
		}
		if err := os.MkdirAll(s.uploads, 0o750); err != nil {
			return nil, fmt.Errorf("create upload folder: %w", err)
		}
		removeTemps(s.uploads, s.log)
	}
	removeTemps(filepath.Join(s.dir, originalsDir), s.log)
	removeTemps(filepath.Join(s.dir, blurhashDir), s.log)
	maxCache := opts.MaxCacheBytes
	if maxCache <= 0 {
		maxCache = defaultMaxCache
	}
	cache, err := loadLRU(filepath.Join(s.dir, renditionsDir), maxCache, s.log)
	if err != nil {
		return nil, err
	}
	s.cache = cache
	return s, nil
}

// checkRedirect keeps the default client on the web: a provider's redirect to file: or gopher:
// is refused, and so is a long chain.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to %s: refused", req.URL.Scheme)
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	return nil
}

// Request says which rendition of a picture to make. Its zero value asks for the picture as it is,
// in JPEG.
type Request struct {
	// Width and Height are the size wanted, up to 8192. When both are given the picture fits in
	// that box: the aspect ratio is always kept, and nothing is cropped.
	Width, Height int
	// MaxWidth and MaxHeight cap the size without ever enlarging the picture.
	MaxWidth, MaxHeight int
	// Quality is the JPEG quality, 1-100 (default 90). The WebP encoder is lossless, like PNG,
	// and both ignore it.
	Quality int
	// Format is "jpeg" (the default), "webp" or "png".
	Format string
}

// Rendition is a picture ready to serve with http.ServeContent: a file in the cache. Open it
// promptly, since the cache evicts the least recently used renditions.
type Rendition struct {
	Path          string
	ContentType   string
	ETag          string    // strong and quoted; it changes with the source and with the request
	ModTime       time.Time // when the rendition was made (or downloaded, for an original)
	Width, Height int
}

// formats are the encodings a Request may ask for.
var formats = map[string]struct{ ext, contentType string }{
	"jpeg": {"jpg", "image/jpeg"},
	"png":  {"png", "image/png"},
	"webp": {"webp", "image/webp"},
}

// spec is a validated Request.
type spec struct {
	width, height, maxWidth, maxHeight int
	quality                            int // 0 for the lossless formats
	format                             string
}

func (r Request) spec() (spec, error) {
	sp := spec{quality: r.Quality, format: strings.ToLower(r.Format)}
	for _, d := range []struct {
		name string
		in   int
		out  *int
	}{{"width", r.Width, &sp.width}, {"height", r.Height, &sp.height},
		{"maxWidth", r.MaxWidth, &sp.maxWidth}, {"maxHeight", r.MaxHeight, &sp.maxHeight}} {
		if d.in < 0 {
			return spec{}, core.Invalid(d.name, "must not be negative")
		}
		*d.out = min(d.in, maxSide) // 0 stays "not given"
	}
	switch sp.format {
	case "", "jpg":
		sp.format = "jpeg"
	case "jpeg", "png", "webp":
	default:
		return spec{}, core.Invalid("format", "must be jpeg, webp or png")
	}
	switch {
	case sp.quality == 0:
		sp.quality = defaultQuality
	case sp.quality < 0 || sp.quality > 100:
		return spec{}, core.Invalid("quality", "must be between 1 and 100")
	}
	if sp.format != "jpeg" {
		sp.quality = 0 // so that quality=80 and quality=90 share one lossless file
	}
	return sp, nil
}

// key names the rendition of the source identified by id.
func (sp spec) key(id string) string {
	return hashHex(fmt.Sprintf("%s\x00%d %d %d %d %d %s", id, sp.width, sp.height, sp.maxWidth,
		sp.maxHeight, sp.quality, sp.format))
}

// fit returns the size of the rendition of a sw×sh picture: the aspect ratio kept, at most
// maxSide a side and maxPixels in all.
func (sp spec) fit(sw, sh, maxPixels int) (int, int) {
	w, h := float64(sw), float64(sh)
	ratio := w / h
	switch {
	case sp.width > 0 && sp.height > 0:
		scale := min(float64(sp.width)/w, float64(sp.height)/h)
		w, h = w*scale, h*scale
	case sp.width > 0:
		w, h = float64(sp.width), float64(sp.width)/ratio
	case sp.height > 0:
		w, h = float64(sp.height)*ratio, float64(sp.height)
	}
	capAt := func(mw, mh int) {
		if mw > 0 && w > float64(mw) {
			w, h = float64(mw), float64(mw)/ratio
		}
		if mh > 0 && h > float64(mh) {
			w, h = float64(mh)*ratio, float64(mh)
		}
	}
	capAt(sp.maxWidth, sp.maxHeight)
	capAt(maxSide, maxSide)
	if px := w * h; px > float64(maxPixels) {
		f := math.Sqrt(float64(maxPixels) / px)
		w, h = w*f, h*f
	}
	return max(1, int(math.Round(w))), max(1, int(math.Round(h)))
}

// Render returns img as req asks, making the rendition on the first request and reusing it after.
// Errors wrap core.ErrNotFound for a missing picture (or one outside the library folders),
// core.ErrInvalid for a bad request or a picture that is not one, too large or corrupt; a
// failed download is a plain error.
func (s *Service) Render(ctx context.Context, img core.Image, req Request) (Rendition, error) {
	sp, err := req.spec()
	if err != nil {
		return Rendition{}, err
	}
	src, err := s.source(img)
	if err != nil {
		return Rendition{}, err
	}
	key := sp.key(src.id)
	if r, ok := s.cached(key, sp); ok {
		return r, nil
	}
	return flight(&s.flights, ctx, "render:"+key, func(ctx context.Context) (Rendition, error) {
		if r, ok := s.cached(key, sp); ok { // made while this call was queuing
			return r, nil
		}
		return s.render(ctx, src, sp, key)
	})
}

// cached returns the rendition named by key if the cache holds it.
func (s *Service) cached(key string, sp spec) (Rendition, bool) {
	name := key + "." + formats[sp.format].ext
	e, ok := s.cache.get(name)
	if !ok {
		return Rendition{}, false
	}
	path := filepath.Join(s.dir, renditionsDir, name)
	if e.width == 0 { // indexed at startup: read the size from the header, once
		cfg, err := configOf(path)
		if err != nil {
			s.cache.drop(name)
			return Rendition{}, false
		}
		e.width, e.height = cfg.Width, cfg.Height
		s.cache.setSize(name, e.width, e.height)
	} else if _, err := os.Stat(path); err != nil { // removed by hand since
		s.cache.drop(name)
		return Rendition{}, false
	}
	return Rendition{Path: path, ContentType: formats[sp.format].contentType, ETag: etag(key),
		ModTime: e.modTime, Width: e.width, Height: e.height}, true
}

// render makes the rendition named by key.
func (s *Service) render(ctx context.Context, src source, sp spec, key string) (Rendition, error) {
	f, err := src.open(ctx)
	if err != nil {
		return Rendition{}, err
	}
	defer f.Close()
	cfg, format, err := s.config(f)
	if err != nil {
		return Rendition{}, err
	}
	w, h := sp.fit(cfg.Width, cfg.Height, s.maxPixels)
	if w == cfg.Width && h == cfg.Height && format == sp.format {
		if src.remote { // the original already sits in the cache
			fi, err := f.Stat()
			if err != nil {
				return Rendition{}, fmt.Errorf("stat original: %w", err)
			}
			return Rendition{Path: f.Name(), ContentType: formats[format].contentType, ETag: etag(key),
				ModTime: fi.ModTime(), Width: w, Height: h}, nil
		}
		// A local file is copied rather than served in place: its path could be swapped for a
		// symlink between this check and the caller opening it.
		return s.store(key, sp, w, h, func(out io.Writer) error {
			_, err := io.Copy(out, io.LimitReader(f, s.maxSource))
			return err
		})
	}
	var m image.Image
	err = s.heavy(ctx, func() error {
		m, err = s.decode(f)
		if err != nil {
			return err
		}
		if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
			m = scale(m, w, h)
		}
		return nil
	})
	if err != nil {
		return Rendition{}, err
	}
	s.encodes.Add(1)
	return s.store(key, sp, w, h, func(out io.Writer) error { return encode(out, m, sp) })
}

// store writes a rendition into the cache and indexes it.
func (s *Service) store(key string, sp spec, w, h int, write func(io.Writer) error) (Rendition, error) {
	name := key + "." + formats[sp.format].ext
	fi, err := writeAtomic(filepath.Join(s.dir, renditionsDir), name, write, nil)
	if err != nil {
		return Rendition{}, fmt.Errorf("write rendition: %w", err)
	}
	s.cache.add(entry{name: name, size: fi.Size(), modTime: fi.ModTime(), width: w, height: h})
	return Rendition{Path: filepath.Join(s.dir, renditionsDir, name),
		ContentType: formats[sp.format].contentType, ETag: etag(key), ModTime: fi.ModTime(),
		Width: w, Height: h}, nil
}

// heavy runs fn once a decoding slot is free.
func (s *Service) heavy(ctx context.Context, fn func() error) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	defer func() { <-s.sem }()
	return fn()
}

func etag(key string) string { return `"` + key[:32] + `"` }

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
