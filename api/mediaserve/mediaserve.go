// Package mediaserve sends media over HTTP for every facade: original files with ranges through
// sendfile, cached HLS segments, progressive transcodes and text subtitles as WebVTT. Facades keep
// their own routes, parameters and error formats; what goes on the wire for the bytes is the same.
package mediaserve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/transcoder/audio"
	"github.com/walros/walros/transcoder/hls"
	"github.com/walros/walros/transcoder/subtitle"
)

// mediaTypes are the Content-Types of media files Go's mime table lacks or gets wrong.
var mediaTypes = map[string]string{
	".mkv": "video/x-matroska", ".mk3d": "video/x-matroska", ".mka": "audio/x-matroska", ".webm": "video/webm",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".m4a": "audio/mp4", ".m4b": "audio/mp4", ".mov": "video/quicktime",
	".avi": "video/x-msvideo", ".ts": "video/mp2t", ".m2ts": "video/mp2t", ".mts": "video/mp2t",
	".mpg": "video/mpeg", ".mpeg": "video/mpeg", ".wmv": "video/x-ms-wmv", ".flv": "video/x-flv",
	".mp3": "audio/mpeg", ".flac": "audio/flac", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
	".wav": "audio/wav", ".aac": "audio/aac", ".wma": "audio/x-ms-wma", ".aiff": "audio/aiff", ".aif": "audio/aiff",
}

// ContentType is the Content-Type of a media file by its extension; application/octet-stream
// for the rest, as a user's file is never sniffed.
func ContentType(path string) string {
	if ct, ok := mediaTypes[strings.ToLower(filepath.Ext(path))]; ok {
		return ct
	}
	return "application/octet-stream"
}

// HLSSource is the streaming engine's view of a file.
func HLSSource(f core.MediaFile) hls.Source {
	return hls.Source{ID: string(f.ID), Path: f.Path, Size: f.Size, ModTime: f.ModTime, Info: f.Info}
}

// AudioSource is the audio transcoder's view of one audio stream of a file (audio.DefaultStream
// for the default one).
func AudioSource(f core.MediaFile, stream int) audio.Source {
	return audio.Source{ID: string(f.ID), Path: f.Path, Size: f.Size, ModTime: f.ModTime, StreamIndex: stream, Info: f.Info}
}

// File sends the original file f (direct play) with ranges, HEAD, If-Range, conditional
// requests, ETag and Last-Modified, through the kernel's sendfile. It returns an error wrapping
// core.ErrNotFound, having written nothing, when the file is gone since the last scan. When a
// range cannot be satisfied, rangeError writes the answer in the facade's format instead of
// ServeContent's plain text; nil keeps ServeContent's.
func File(c *gin.Context, f core.MediaFile, rangeError func(code int)) error {
	file, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.Path, core.ErrNotFound)
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("stat %s: %w", f.Path, core.ErrNotFound)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", f.ID, fi.Size(), fi.ModTime().UnixNano()))
	c.Header("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	c.Header("Accept-Ranges", "bytes")
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("Content-Type", ContentType(f.Path))
	var w http.ResponseWriter = SendfileWriter{c.Writer}
	if rangeError != nil {
		w = &rangeErrorWriter{SendfileWriter: SendfileWriter{c.Writer}, onError: rangeError}
	}
	http.ServeContent(w, c.Request, "", fi.ModTime(), file)
	return nil
}

// Segment sends a cached HLS segment or init segment: immutable once made. The caller sets a
// Content-Type other than video/mp4 before.
func Segment(c *gin.Context, f *os.File, fi fs.FileInfo) {
	defer f.Close()
	c.Header("Cache-Control", "private, max-age=86400, immutable")
	if c.Writer.Header().Get("Content-Type") == "" {
		c.Header("Content-Type", "video/mp4")
	}
	http.ServeContent(SendfileWriter{c.Writer}, c.Request, "", fi.ModTime(), f)
}

// rangeErrorWriter hands ServeContent's "416 Range Not Satisfiable" to the facade.
type rangeErrorWriter struct {
	SendfileWriter
	onError func(code int)
	failed  bool
}

func (w *rangeErrorWriter) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable {
		w.SendfileWriter.WriteHeader(code)
		return
	}
	w.failed = true
	w.onError(code)
}

func (w *rangeErrorWriter) Write(p []byte) (int, error) {
	if w.failed {
		return len(p), nil // http.Error's text, replaced by the facade's answer
	}
	return w.SendfileWriter.Write(p)
}

// SendfileWriter lets io.Copy reach the server connection's ReadFrom, which uses sendfile(2) for
// an *os.File: gin's writer does not implement ReadFrom, so copies would go through a buffer.
type SendfileWriter struct{ gin.ResponseWriter }

// ReadFrom writes the status line and headers through gin (so logs and metrics see the status),
// then hands the body to the connection.
func (w SendfileWriter) ReadFrom(r io.Reader) (int64, error) {
	w.WriteHeaderNow()
	if u, ok := w.ResponseWriter.(interface{ Unwrap() http.ResponseWriter }); ok {
		if rf, ok := u.Unwrap().(io.ReaderFrom); ok {
			return rf.ReadFrom(r)
		}
	}
	return io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
}

// Progressive is the writer of a progressive transcode: it writes the status and headers with the
// first byte of the body, so that an error before any byte can still become an error answer.
// After Started, the only honest signal of an error is to cut the connection.
type Progressive struct {
	C           *gin.Context
	ContentType string
	Started     bool
}

func (w *Progressive) Write(p []byte) (int, error) {
	if !w.Started {
		w.Started = true
		w.C.Header("Content-Type", w.ContentType)
		w.C.Header("Cache-Control", "private, max-age=3600")
		w.C.Status(http.StatusOK)
	}
	n, err := w.C.Writer.Write(p)
	if err == nil {
		w.C.Writer.Flush()
	}
	return n, err
}

// WebVTT returns a text subtitle stream of f as WebVTT: a sidecar file converted, or an embedded
// stream through extract. Picture subtitles are core.ErrInvalid: they can only be burnt in.
func WebVTT(ctx context.Context, f core.MediaFile, s core.Stream,
	extract func(ctx context.Context, path string, index int) ([]byte, error)) ([]byte, error) {
	if !subtitle.IsText(s.Codec) {
		return nil, core.Invalid("index", "subtitle %d is pictures (%s): it can only be burnt in", s.Index, s.Codec)
	}
	if s.External == "" {
		return extract(ctx, f.Path, s.Index)
	}
	file, err := os.Open(s.External)
	if err != nil {
		return nil, fmt.Errorf("subtitle %s: %w", filepath.Base(s.External), core.ErrNotFound)
	}
	defer file.Close()
	var out strings.Builder
	if err := subtitle.ToWebVTT(file, s.Codec, &out); err != nil {
		return nil, err
	}
	return []byte(out.String()), nil
}

// Renderer makes a picture's rendition (artwork.Service.Render).
type Renderer func(ctx context.Context, img core.Image, req artwork.Request) (artwork.Rendition, error)

// OpenRendition renders img as req asks and opens the result; a rendition evicted from the cache
// between the two is made again, once. The caller closes the file.
func OpenRendition(ctx context.Context, render Renderer, img core.Image, req artwork.Request) (*os.File, artwork.Rendition, error) {
	r, err := render(ctx, img, req)
	if err != nil {
		return nil, r, err
	}
	f, err := os.Open(r.Path)
	if errors.Is(err, fs.ErrNotExist) {
		if r, err = render(ctx, img, req); err == nil {
			f, err = os.Open(r.Path)
		}
	}
	return f, r, err
}
