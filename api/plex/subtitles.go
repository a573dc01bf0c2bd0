package plex

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
)

// /library/streams/{id}: a text subtitle of a part, as the Stream elements' key names it (the
// part's key × 1000 + the stream's position). A SubRip sidecar goes as it is; any other text
// subtitle, sidecar or embedded, as WebVTT. Picture subtitles can only be burnt in.

// maxSubtitle is the largest sidecar sent as it is (the WebVTT conversion has its own bound).
const maxSubtitle = 16 << 20

func (h *Handler) streamRoutes(r *router) {
	r.add(http.MethodGet, "/library/streams/{id}", false, h.subtitleStream)
}

func (h *Handler) subtitleStream(c *gin.Context) {
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSuffix(c.Param("id"), ".srt"), ".vtt"), 10, 64)
	if err != nil || id < 1000 {
		fail(c, http.StatusNotFound)
		return
	}
	f, err := h.Items.FileByKey(c.Request.Context(), callerOf(c), id/1000)
	if err != nil {
		h.fail(c, err)
		return
	}
	pos := int(id % 1000)
	if pos >= len(f.Info.Streams) || f.Info.Streams[pos].Kind != core.StreamSubtitle {
		fail(c, http.StatusNotFound)
		return
	}
	s := f.Info.Streams[pos]
	c.Header("Cache-Control", "private, max-age=3600")
	if s.External != "" && strings.EqualFold(s.Codec, "subrip") && c.Query("format") != "vtt" {
		if fi, err := os.Stat(s.External); err == nil && fi.Size() > maxSubtitle {
			fail(c, http.StatusNotFound) // not a subtitle a player could use
			return
		}
		if b, err := os.ReadFile(s.External); err == nil {
			c.Data(http.StatusOK, "application/x-subrip; charset=utf-8", b)
			return
		}
	}
	vtt, err := mediaserve.WebVTT(c.Request.Context(), f, s, func(ctx context.Context, path string, index int) ([]byte, error) {
		if h.Subtitles == nil {
			return nil, fmt.Errorf("no subtitle extractor: %w", core.ErrNotFound)
		}
		return h.Subtitles(ctx, path, index)
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/vtt; charset=utf-8", vtt)
}
