package jellyfin

// The HLS routes themselves: master.m3u8, main.m3u8 and the segments (hls.go reads their query
// and plans the streams).

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/hls"
)

// childQuery is the query of the URIs inside a playlist: the request's own, without Rendition,
// with the item's media token as ApiKey whatever credential the request came with (an API-key
// caller, which has no session to bind a media token to, keeps its key).
func (h *Handler) childQuery(c *gin.Context) (url.Values, error) {
	q := url.Values{}
	for k, vs := range c.Request.URL.Query() {
		// The credential is replaced below: a device token that came as ?api_key= must not be
		// copied into every segment URI (decision 0011).
		if !strings.EqualFold(k, "Rendition") && !strings.EqualFold(k, "ApiKey") && !strings.EqualFold(k, "api_key") {
			q[k] = vs
		}
	}
	tok, err := h.urlToken(c, pathItem(c))
	if err != nil {
		return nil, err
	}
	q.Set("ApiKey", tok)
	return q, nil
}

// hlsMaster serves /Videos/{itemId}/master.m3u8 (and /Audio/...).
func (h *Handler) hlsMaster(c *gin.Context) {
	if str(c, "mediaSourceId") == "" {
		h.fail(c, core.Invalid("MediaSourceId", "is required"))
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	q, err := h.childQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writeMaster(c, f, q, audioRoute(c))
}

// writeMaster answers with the master playlist of f for the request's query; q is the query its
// URIs carry.
func (h *Handler) writeMaster(c *gin.Context, f core.MediaFile, q url.Values, audioOnly bool) {
	if audioOnly {
		// /Audio/{id}/universal reads its own parameters; the playlist reads q.
		c.Set(queryKey, lowerKeys(q))
	}
	p, ok := h.plan(c, f, audioOnly)
	if !ok {
		return
	}
	enc := q.Encode()
	var videos []hls.Spec
	if p.video != nil {
		videos = append(videos, *p.video)
	}
	var audios []hls.AudioTrack
	if p.audio != nil {
		audios = append(audios, *p.audio)
	}
	subs := p.subs
	for i := range subs {
		subs[i].URI += "?" + enc
	}
	body, err := h.Streams.Master(c.Request.Context(), mediaserve.HLSSource(f), videos, audios, subs, func(s hls.Spec) string {
		if s.Kind == hls.Audio {
			return "main.m3u8?" + enc + "&Rendition=" + s.ID()
		}
		return "main.m3u8?" + enc
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
}

func lowerKeys(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[strings.ToLower(k)] = append(out[strings.ToLower(k)], vs...)
	}
	return out
}

// spec returns the rendition a media playlist or segment request names: a rendition id (from
// Rendition= or the hls1 path), or "main" or nothing for the video variant the query plans (the
// audio one for audio-only streams).
func (h *Handler) spec(c *gin.Context, f core.MediaFile, id string) (hls.Spec, bool) {
	if id != "" && !strings.EqualFold(id, "main") {
		s, err := hls.ParseID(id)
		if err != nil {
			h.fail(c, err)
			return hls.Spec{}, false
		}
		return s, true
	}
	p, ok := h.plan(c, f, audioRoute(c))
	if !ok {
		return hls.Spec{}, false
	}
	switch {
	case p.video != nil:
		return *p.video, true
	case p.audio != nil:
		return p.audio.Spec, true
	}
	h.fail(c, fmt.Errorf("nothing to stream: %w", core.ErrNotFound))
	return hls.Spec{}, false
}

// hlsMain serves /Videos/{itemId}/main.m3u8: the media playlist of a rendition.
func (h *Handler) hlsMain(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	spec, ok := h.spec(c, f, str(c, "Rendition"))
	if !ok {
		return
	}
	q, err := h.childQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	enc, dir := q.Encode(), "hls1/"+spec.ID()+"/"
	body, err := h.Streams.MediaPlaylist(c.Request.Context(), mediaserve.HLSSource(f), spec, func(name string) string {
		switch {
		case name == "init.mp4":
			name = "-1.mp4" // Jellyfin's index of the fMP4 init segment
		case strings.HasSuffix(name, ".m4s"):
			name = strings.TrimSuffix(name, ".m4s") + ".mp4"
		}
		return dir + name + "?" + enc
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
}

// hlsSegment serves /Videos/{itemId}/hls1/{playlistId}/{segment}: "-1.mp4" is the init segment,
// "N.ts" or "N.mp4" (also "N.m4s") a media segment.
func (h *Handler) hlsSegment(c *gin.Context) {
	if h.Streams == nil {
		status(c, http.StatusNotFound)
		return
	}
	name := c.Param("segment")
	base, ext, _ := strings.Cut(name, ".")
	n, err := strconv.Atoi(base)
	if err != nil || n < -1 || (ext != "ts" && ext != "mp4" && ext != "m4s") {
		h.fail(c, fmt.Errorf("segment %q: %w", name, core.ErrNotFound))
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	spec, ok := h.spec(c, f, c.Param("playlistId"))
	if !ok {
		return
	}
	if spec.TS != (ext == "ts") || n == -1 && ext != "mp4" {
		h.fail(c, fmt.Errorf("segment %q of %s: %w", name, spec.ID(), core.ErrNotFound))
		return
	}
	ctx, src, user := c.Request.Context(), mediaserve.HLSSource(f), string(callerOf(c).UserID)
	if n == -1 {
		file, fi, err := h.Streams.Init(ctx, src, spec, user)
		if err != nil {
			h.fail(c, err)
			return
		}
		mediaserve.Segment(c, file, fi)
		return
	}
	file, fi, err := h.Streams.Segment(ctx, src, spec, n, user)
	if err != nil {
		h.fail(c, err)
		return
	}
	if spec.TS {
		c.Header("Content-Type", "video/mp2t")
	}
	mediaserve.Segment(c, file, fi)
}
