package native

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
	"github.com/walros/walros/transcoder/hls"
	"github.com/walros/walros/transcoder/subtitle"
)

// streamService is what the streaming handlers need from hls.Manager.
type streamService interface {
	Timeline(ctx context.Context, src hls.Source) (hls.Timeline, error)
	Check(src hls.Source, tl hls.Timeline, spec hls.Spec) error
	Master(ctx context.Context, src hls.Source, videos []hls.Spec, audios []hls.AudioTrack, subs []hls.SubtitleTrack, uri func(hls.Spec) string) ([]byte, error)
	MediaPlaylist(ctx context.Context, src hls.Source, spec hls.Spec, uri func(string) string) ([]byte, error)
	DASH(ctx context.Context, src hls.Source, videos []hls.Spec, audios []hls.AudioTrack, subs []hls.SubtitleTrack, template func(hls.Spec, string) string) ([]byte, error)
	Init(ctx context.Context, src hls.Source, spec hls.Spec, user string) (*os.File, fs.FileInfo, error)
	Segment(ctx context.Context, src hls.Source, spec hls.Spec, n int, user string) (*os.File, fs.FileInfo, error)
}

// subtitleExtractor pulls an embedded text subtitle out of a file as WebVTT.
type subtitleExtractor func(ctx context.Context, path string, index int) ([]byte, error)

// childQuery is the query string media URLs inside a playlist carry: the file asked for and, when
// the playlist was asked for with a token in its URL (players that cannot send headers), a media
// token for this item, which outlives the minutes an access token lasts.
func (h *Handler) childQuery(c *gin.Context, f core.MediaFile) string {
	q := url.Values{}
	q.Set("file", string(f.ID))
	if t := c.Query("token"); t != "" {
		if mt, err := h.Auth.MediaToken(callerOf(c), f.ItemID); err == nil && mt != "" {
			t = mt
		}
		q.Set("token", t)
	}
	return "?" + q.Encode()
}

// tokenOf returns the token in a child query.
func tokenOf(q string) string {
	v, _ := url.ParseQuery(strings.TrimPrefix(q, "?"))
	return v.Get("token")
}

// plan is what a master playlist or manifest offers: the video variants, audio and subtitle tracks.
type plan struct {
	videos  []hls.Spec
	audios  []hls.AudioTrack
	subs    []core.Stream
	showSub int // the text subtitle to turn on; -1 for none
}

// plan decides the renditions of f for the client's query: a copy of the video when the browser
// can play it and it can be cut, then the ladder of encodes under maxHeight and maxBitrate; one
// AAC rendition per audio track; every text subtitle.
func (h *Handler) plan(c *gin.Context, f core.MediaFile) (plan, bool) {
	req := playback.ForFile(f)
	var ok bool
	if req.MaxHeight, ok = h.intQuery(c, "maxHeight", 0); !ok {
		return plan{}, false
	}
	maxBitrate, ok := h.intQuery(c, "maxBitrate", 0)
	if !ok {
		return plan{}, false
	}
	req.MaxBitrate = int64(maxBitrate)
	none := -1
	req.SubtitleStream = &none // the subtitle to show comes in the query, handled below
	var err error
	if req, err = h.forUser(c, req); err != nil { // the preferred audio track is the default one
		h.fail(c, err)
		return plan{}, false
	}
	if s := c.Query("audioTrack"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			h.fail(c, core.Invalid("audioTrack", "must be a stream index"))
			return plan{}, false
		}
		req.AudioStream = &n
	}
	ts := false
	switch c.Query("container") {
	case "", "fmp4", "mp4":
	case "ts", "mpegts":
		ts = true
	default:
		h.fail(c, core.Invalid("container", "must be fmp4 or ts"))
		return plan{}, false
	}
	burn, showSub := 0, -1
	if s := c.Query("subtitle"); s != "" {
		n, err := strconv.Atoi(s)
		st := streamByIndex(f.Info.Streams, n)
		if err != nil || st == nil || st.Kind != core.StreamSubtitle {
			h.fail(c, core.Invalid("subtitle", "must be the index of a subtitle stream"))
			return plan{}, false
		}
		switch {
		case subtitle.IsText(st.Codec):
			showSub = n
		case st.External == "":
			burn = n // pictures (PGS, VobSub): drawn into the video
		default:
			h.fail(c, core.Invalid("subtitle", "picture subtitles in separate files cannot be shown"))
			return plan{}, false
		}
	}
	ctx := c.Request.Context()
	src := mediaserve.HLSSource(f)
	tl, err := h.Streams.Timeline(ctx, src)
	if err != nil {
		h.fail(c, err)
		return plan{}, false
	}
	caps, err := capabilities(c.Query("profile"))
	if err != nil {
		h.fail(c, err)
		return plan{}, false
	}
	dec := playback.Decide(req, caps)
	p := plan{showSub: showSub}
	chosen := -1
	if dec.Audio != nil {
		chosen = dec.Audio.StreamIndex
	}
	var tsAudio hls.Spec // the audio TS variants carry
	if a := streamByIndex(f.Info.Streams, chosen); ts && a != nil {
		tsAudio = hls.Spec{Stream: a.Index, Channels: min(max(a.Channels, 1), 2), AudioBitrate: 128_000}
	}
	var video *core.Stream
	for i, s := range f.Info.Streams {
		if s.Kind == core.StreamVideo && s.Codec != "mjpeg" && s.Codec != "png" {
			video = &f.Info.Streams[i]
			break
		}
	}
	if video != nil {
		if dec.Video != nil && dec.Video.Copy && c.Query("videoCodec") != "h264" && burn == 0 {
			cp := hls.Spec{Kind: hls.Video, Copy: true, TS: ts, Stream: tsAudio.Stream, Channels: tsAudio.Channels,
				AudioBitrate: tsAudio.AudioBitrate}
			if h.Streams.Check(src, tl, cp) == nil {
				p.videos = append(p.videos, cp)
			}
		}
		rungs := playback.Ladder(*video, req.MaxBitrate)
		if len(rungs) == 0 && req.MaxBitrate > 0 {
			// A limit under the smallest rung (a user's low cap): that rung's size, at what the
			// limit leaves beside the audio.
			if all := playback.Ladder(*video, 0); len(all) > 0 {
				r := all[len(all)-1]
				r.Bitrate = max(req.MaxBitrate-128_000, 100_000) / 1000 * 1000
				rungs = []playback.Rung{r}
			}
		}
		for _, r := range rungs {
			if req.MaxHeight > 0 && r.Height > req.MaxHeight {
				continue
			}
			p.videos = append(p.videos, hls.Spec{Kind: hls.Video, Width: r.Width, Height: r.Height, Bitrate: r.Bitrate,
				Burn: burn, TS: ts, Stream: tsAudio.Stream, Channels: tsAudio.Channels, AudioBitrate: tsAudio.AudioBitrate})
		}
		if len(p.videos) == 0 {
			h.fail(c, core.Invalid("maxHeight", "no quality fits the limits"))
			return plan{}, false
		}
	}
	for _, s := range f.Info.Streams {
		switch {
		case s.Kind == core.StreamAudio && ts: // TS variants carry the chosen track
		case s.Kind == core.StreamAudio:
			ch := min(max(s.Channels, 1), 2)
			p.audios = append(p.audios, hls.AudioTrack{Spec: hls.Spec{Kind: hls.Audio, Stream: s.Index, Channels: ch,
				Bitrate: 128_000}, Name: trackName(s, len(p.audios)+1), Language: s.Language, Default: s.Index == chosen})
		case s.Kind == core.StreamSubtitle && subtitle.IsText(s.Codec):
			p.subs = append(p.subs, s)
		}
	}
	return p, true
}

// streamByIndex returns the stream with the container index n.
func streamByIndex(streams []core.Stream, n int) *core.Stream {
	for i := range streams {
		if streams[i].Index == n {
			return &streams[i]
		}
	}
	return nil
}

// trackName names a track for a menu: its title, else its language, else its number.
func trackName(s core.Stream, n int) string {
	switch {
	case s.Title != "":
		return s.Title
	case s.Language != "":
		return s.Language
	}
	return "Track " + strconv.Itoa(n)
}

// hlsRoute serves {rendition}/index.m3u8, {rendition}/init.mp4, {rendition}/{n}.m4s and
// subs/{index}.m3u8 under /items/{id}/hls/.
func (h *Handler) hlsRoute(c *gin.Context) {
	rendition, file := c.Param("rendition"), c.Param("file")
	if rendition == "subs" && strings.HasSuffix(file, ".m3u8") {
		h.subtitlePlaylist(c, strings.TrimSuffix(file, ".m3u8"))
		return
	}
	h.hlsRendition(c, rendition, file)
}

func (h *Handler) hlsMaster(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	p, ok := h.plan(c, f)
	if !ok {
		return
	}
	q := h.childQuery(c, f)
	var subs []hls.SubtitleTrack
	for i, s := range p.subs {
		subs = append(subs, hls.SubtitleTrack{URI: "subs/" + strconv.Itoa(s.Index) + ".m3u8" + q,
			Name: trackName(s, i+1), Language: s.Language, Forced: s.Forced, Default: s.Forced || s.Index == p.showSub})
	}
	body, err := h.Streams.Master(c.Request.Context(), mediaserve.HLSSource(f), p.videos, p.audios, subs,
		func(s hls.Spec) string { return s.ID() + "/index.m3u8" + q })
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
}

// hlsRendition serves a rendition's media playlist, init segment or media segment.
func (h *Handler) hlsRendition(c *gin.Context, id, name string) {
	spec, err := hls.ParseID(id)
	if err != nil {
		h.fail(c, err)
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	ctx, src, user := c.Request.Context(), mediaserve.HLSSource(f), string(callerOf(c).UserID)
	switch {
	case name == "index.m3u8":
		q := h.childQuery(c, f)
		body, err := h.Streams.MediaPlaylist(ctx, src, spec, func(n string) string { return n + q })
		if err != nil {
			h.fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
	case name == "init.mp4":
		file, fi, err := h.Streams.Init(ctx, src, spec, user)
		h.serveSegment(c, file, fi, err)
	case strings.HasSuffix(name, ".m4s") || strings.HasSuffix(name, ".ts"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(name, ".m4s"), ".ts"))
		if err != nil || n < 0 {
			h.fail(c, fmt.Errorf("segment %q: %w", name, core.ErrNotFound))
			return
		}
		if (spec.TS) != strings.HasSuffix(name, ".ts") {
			h.fail(c, fmt.Errorf("segment %q of %s: %w", name, id, core.ErrNotFound))
			return
		}
		file, fi, err := h.Streams.Segment(ctx, src, spec, n, user)
		if err == nil && spec.TS {
			c.Header("Content-Type", "video/mp2t")
		}
		h.serveSegment(c, file, fi, err)
	default:
		h.fail(c, fmt.Errorf("no such streaming resource: %w", core.ErrNotFound))
	}
}

// serveSegment sends a cached segment file: immutable once made.
func (h *Handler) serveSegment(c *gin.Context, f *os.File, fi fs.FileInfo, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	mediaserve.Segment(c, f, fi)
}

// dashManifest serves the DASH manifest over the same segments as HLS.
func (h *Handler) dashManifest(c *gin.Context) {
	if ct := c.Query("container"); ct != "" && ct != "fmp4" && ct != "mp4" {
		h.fail(c, core.Invalid("container", "DASH is CMAF (fmp4) only"))
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	p, ok := h.plan(c, f)
	if !ok {
		return
	}
	q := h.childQuery(c, f)
	var subs []hls.SubtitleTrack
	for i, s := range p.subs {
		// One query parameter at most: ffmpeg's DASH client mangles "&" in BaseURL text.
		uri := "../files/" + url.PathEscape(string(f.ID)) + "/subtitles/" + strconv.Itoa(s.Index) + ".vtt"
		if t := tokenOf(q); t != "" {
			uri += "?token=" + url.QueryEscape(t)
		}
		subs = append(subs, hls.SubtitleTrack{URI: uri,
			Name: trackName(s, i+1), Language: s.Language, Forced: s.Forced})
	}
	body, err := h.Streams.DASH(c.Request.Context(), mediaserve.HLSSource(f), p.videos, p.audios, subs,
		func(s hls.Spec, name string) string { return "../hls/" + s.ID() + "/" + name + q })
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/dash+xml", body)
}

// subtitleStream finds a text subtitle stream of f by its index ("3" or "3.vtt").
func (h *Handler) subtitleStream(c *gin.Context, f core.MediaFile, name string) (core.Stream, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(name, ".vtt"))
	if err == nil {
		for _, s := range f.Info.Streams {
			if s.Index == n && s.Kind == core.StreamSubtitle {
				if !subtitle.IsText(s.Codec) {
					h.fail(c, core.Invalid("index", "subtitle %d is pictures (%s): it can only be burnt in", n, s.Codec))
					return core.Stream{}, false
				}
				return s, true
			}
		}
	}
	h.fail(c, fmt.Errorf("subtitle %q: %w", name, core.ErrNotFound))
	return core.Stream{}, false
}

// subtitlePlaylist is the HLS media playlist of one subtitle: a single WebVTT segment for the
// whole file.
func (h *Handler) subtitlePlaylist(c *gin.Context, index string) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	s, ok := h.subtitleStream(c, f, index)
	if !ok {
		return
	}
	d := f.Info.Duration.Seconds()
	body := fmt.Sprintf("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n"+
		"#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:%.3f,\n../../subtitles/%d.vtt%s\n#EXT-X-ENDLIST\n",
		int(d)+1, d, s.Index, h.childQuery(c, f))
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", []byte(body))
}

// subtitleFile serves a text subtitle, sidecar or embedded, as WebVTT.
func (h *Handler) subtitleFile(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	s, ok := h.subtitleStream(c, f, c.Param("name"))
	if !ok {
		return
	}
	body, err := mediaserve.WebVTT(c.Request.Context(), f, s, h.Subtitles)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "text/vtt; charset=utf-8", body)
}

// failStream maps streaming errors the general mapper does not know.
func failStream(err error) (status int, title, detail string, retry time.Duration, ok bool) {
	var busy *hls.BusyError
	switch {
	case errors.As(err, &busy):
		return http.StatusTooManyRequests, "Too Many Requests", busy.Reason + "; retry later", busy.RetryAfter, true
	case errors.Is(err, hls.ErrNotReady):
		return http.StatusServiceUnavailable, "Service Unavailable", "the segment is still being made; retry", 2 * time.Second, true
	case errors.Is(err, hls.ErrMedia):
		return http.StatusInternalServerError, "Transcoding Failed",
			"the file could not be transcoded: it may be corrupt or unsupported (see the server log)", 0, true
	}
	return 0, "", "", 0, false
}
