package native

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
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

// mediaFile returns the file of an item a media request asks for: ?file= picks a version or part,
// else the first (the store orders parts, then versions).
func (h *Handler) mediaFile(c *gin.Context) (core.MediaFile, bool) {
	want := c.Query("file")
	if p := c.Param("fileId"); p != "" {
		want = p
	}
	f, err := h.Items.PlayableFile(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), core.FileID(want))
	if err != nil {
		h.fail(c, err)
		return core.MediaFile{}, false
	}
	return f, true
}

// streamFile serves an item's original file (direct play) with ranges, HEAD, If-Range,
// conditional requests, ETag and Last-Modified, through the kernel's sendfile.
func (h *Handler) streamFile(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	file, err := os.Open(f.Path)
	if err != nil {
		h.fail(c, fmt.Errorf("open %s: %w", f.Path, core.ErrNotFound)) // gone since the last scan
		return
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		h.fail(c, fmt.Errorf("stat %s: %w", f.Path, core.ErrNotFound))
		return
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", f.ID, fi.Size(), fi.ModTime().UnixNano()))
	c.Header("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	c.Header("Accept-Ranges", "bytes")
	c.Header("Cache-Control", "private, max-age=3600")
	if ct, ok := mediaTypes[strings.ToLower(filepath.Ext(f.Path))]; ok {
		c.Header("Content-Type", ct)
	} else {
		c.Header("Content-Type", "application/octet-stream") // never sniffed from a user's file
	}
	http.ServeContent(&rangeErrorWriter{sendfileWriter: sendfileWriter{c.Writer}, h: h, c: c}, c.Request, "", fi.ModTime(), file)
}

// rangeErrorWriter answers ServeContent's "416 Range Not Satisfiable" as problem+json, like every
// other error, instead of its plain text.
type rangeErrorWriter struct {
	sendfileWriter
	h      *Handler
	c      *gin.Context
	failed bool
}

func (w *rangeErrorWriter) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable {
		w.sendfileWriter.WriteHeader(code)
		return
	}
	w.failed = true
	w.h.problem(w.c, code, "Range Not Satisfiable", "the range is outside the file")
}

func (w *rangeErrorWriter) Write(p []byte) (int, error) {
	if w.failed {
		return len(p), nil // http.Error's text, replaced by the problem
	}
	return w.sendfileWriter.Write(p)
}

// sendfileWriter lets io.Copy reach the server connection's ReadFrom, which uses sendfile(2) for
// an *os.File: gin's writer does not implement ReadFrom, so copies would go through a buffer.
type sendfileWriter struct{ gin.ResponseWriter }

// ReadFrom writes the status line and headers through gin (so logs and metrics see the status),
// then hands the body to the connection.
func (w sendfileWriter) ReadFrom(r io.Reader) (int64, error) {
	w.WriteHeaderNow()
	if u, ok := w.ResponseWriter.(interface{ Unwrap() http.ResponseWriter }); ok {
		if rf, ok := u.Unwrap().(io.ReaderFrom); ok {
			return rf.ReadFrom(r)
		}
	}
	return io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
}

// mediaToken gives a token for the media routes of one item, valid for a day: what a client puts
// in URLs it hands to a player that cannot send headers (direct play in <video>, VLC...).
func (h *Handler) mediaToken(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	if _, err := h.Items.Get(ctx, caller, id); err != nil {
		h.fail(c, err)
		return
	}
	tok, err := h.Auth.MediaToken(caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if tok == "" { // an API key does not expire: use it
		h.fail(c, core.Invalid("", "API keys do not need media tokens: put the key in the URL"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"token": tok, "expiresIn": int(core.MediaTokenTTL.Seconds())})
}
