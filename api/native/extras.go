package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/audio"
	"github.com/walros/walros/transcoder/thumbs"
)

// audioService is what the audio handler needs from audio.Transcoder.
type audioService interface {
	Stream(ctx context.Context, w io.Writer, src audio.Source, f audio.Format) error
}

// thumbService makes and finds the scrub thumbnails of a file.
type thumbService interface {
	// Thumbs returns the directory holding thumbs.vtt and its sprites, or ErrThumbsPending while
	// they are being made.
	Thumbs(ctx context.Context, f core.MediaFile) (string, error)
}

// ErrThumbsPending says that a file's thumbnails are being made; ask again later.
var ErrThumbsPending = errors.New("thumbnails are being made")

// audioStream serves one audio track transcoded progressively: music for players that cannot
// play the original, or audio-only playback of a video.
func (h *Handler) audioStream(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	format := audio.Format{Codec: audio.Codec(c.DefaultQuery("codec", "mp3")), Container: audio.Container(c.Query("container"))}
	var ok2 bool
	if format.Bitrate, ok2 = h.intQuery(c, "bitrate", 0); !ok2 {
		return
	}
	if format.Channels, ok2 = h.intQuery(c, "channels", 0); !ok2 {
		return
	}
	track, ok2 := h.intQuery(c, "track", audio.DefaultStream)
	if !ok2 {
		return
	}
	ct := audio.ContentType(format)
	if ct == "" {
		h.fail(c, core.Invalid("codec", "must be aac, opus or mp3 with a container that suits it"))
		return
	}
	src := mediaserve.AudioSource(f, track)
	w := &mediaserve.Progressive{C: c, ContentType: ct}
	if err := h.Audio.Stream(c.Request.Context(), w, src, format); err != nil {
		if w.Started {
			// The body has begun: the only honest signal left is to cut the connection.
			h.Log.WarnContext(c.Request.Context(), "audio stream failed mid-way", "item", c.Param("id"), "err", err)
			c.Abort()
			return
		}
		h.fail(c, err)
	}
}

// thumbsFile serves a file's scrub thumbnails: thumbs.vtt (its sprite URLs carrying the query,
// for players that cannot send headers) and the sprite sheets. While they are being made the
// answer is 202 with Retry-After.
func (h *Handler) thumbsFile(c *gin.Context) {
	name := c.Param("name")
	if name != "thumbs.vtt" && !spriteName(name) {
		h.fail(c, fmt.Errorf("thumbnail file %q: %w", name, core.ErrNotFound))
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	dir, err := h.Thumbs.Thumbs(c.Request.Context(), f)
	if errors.Is(err, ErrThumbsPending) {
		c.Header("Retry-After", "5")
		h.problem(c, http.StatusAccepted, "Accepted", "the thumbnails are being made; ask again shortly")
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=86400")
	if name == "thumbs.vtt" {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			h.fail(c, fmt.Errorf("thumbnails of %s: %w", f.ID, core.ErrNotFound))
			return
		}
		c.Data(http.StatusOK, "text/vtt; charset=utf-8", thumbs.RewriteVTT(b, "", strings.TrimPrefix(h.childQuery(c, f), "?")))
		return
	}
	c.File(filepath.Join(dir, name))
}

// spriteName reports whether name is a sprite sheet's: sprite-N.jpg.
func spriteName(name string) bool {
	n, ok := strings.CutPrefix(name, "sprite-")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".jpg")
	if _, err := strconv.Atoi(n); !ok || err != nil || len(n) > 6 {
		return false
	}
	return true
}
