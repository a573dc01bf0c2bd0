package native

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// playbackRequest is what a client says about itself and the play it wants.
type playbackRequest struct {
	File       string `json:"file"`
	Profile    string `json:"profile"` // "browser" (the default) or "basic"
	MaxHeight  int    `json:"maxHeight"`
	MaxBitrate int64  `json:"maxBitrate"`
	AudioTrack *int   `json:"audioTrack"`
	Subtitle   *int   `json:"subtitle"`
}

// playbackInfo answers with the core's playback decision for the item's file and the client, and
// the URL to play: the file itself for direct play, else the HLS master playlist.
func (h *Handler) playbackInfo(c *gin.Context) {
	var in playbackRequest
	if err := bind(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	caps, err := capabilities(in.Profile)
	if err != nil {
		h.fail(c, err)
		return
	}
	if in.MaxHeight < 0 || in.MaxBitrate < 0 {
		h.fail(c, core.Invalid("maxHeight", "limits must not be negative"))
		return
	}
	f, err := h.Items.PlayableFile(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), core.FileID(in.File))
	if err != nil {
		h.fail(c, err)
		return
	}
	req := playback.ForFile(f)
	req.MaxHeight, req.MaxBitrate, req.AudioStream, req.SubtitleStream = in.MaxHeight, in.MaxBitrate, in.AudioTrack, in.Subtitle
	if req, err = h.forUser(c, req); err != nil {
		h.fail(c, err)
		return
	}
	d := playback.Decide(req, caps)
	h.noteDecision(callerOf(c), core.ItemID(c.Param("id")), f.ID, d)
	q := url.Values{"file": {string(f.ID)}}
	base := "/api/v1/items/" + url.PathEscape(c.Param("id"))
	out := gin.H{"method": string(d.Method), "reasons": reasons(d.Reasons), "container": d.Container, "protocol": d.Protocol,
		"fileId": string(f.ID)}
	switch d.Method {
	case playback.DirectPlay:
		out["url"] = base + "/stream?" + q.Encode()
	case playback.Unplayable:
		out["url"] = nil
	default:
		if in.Profile == "basic" {
			q.Set("profile", "basic")
		}
		if in.MaxHeight > 0 {
			q.Set("maxHeight", strconv.Itoa(in.MaxHeight))
		}
		if req.MaxBitrate > 0 { // the client's limit or the user's cap, which the playlist applies anyway
			q.Set("maxBitrate", strconv.FormatInt(req.MaxBitrate, 10))
		}
		if d.Audio != nil {
			q.Set("audioTrack", strconv.Itoa(d.Audio.StreamIndex))
		}
		if d.Subtitle.Mode == playback.SubtitleBurn || d.Subtitle.Mode == playback.SubtitleExternal {
			q.Set("subtitle", strconv.Itoa(d.Subtitle.StreamIndex))
		}
		if d.Container == "ts" {
			q.Set("container", "ts")
		}
		out["url"] = base + "/hls/master.m3u8?" + q.Encode()
	}
	if v := d.Video; v != nil {
		out["video"] = gin.H{"stream": v.StreamIndex, "copy": v.Copy, "codec": v.Codec, "width": v.Width, "height": v.Height,
			"bitrate": v.Bitrate, "toneMap": v.ToneMap}
	}
	if a := d.Audio; a != nil {
		out["audio"] = gin.H{"stream": a.StreamIndex, "copy": a.Copy, "codec": a.Codec, "channels": a.Channels, "bitrate": a.Bitrate}
	}
	if d.Subtitle.Mode != playback.SubtitleNone {
		out["subtitle"] = gin.H{"stream": d.Subtitle.StreamIndex, "mode": string(d.Subtitle.Mode), "format": d.Subtitle.Format}
	}
	c.JSON(http.StatusOK, out)
}

// forUser applies the caller's playback preferences and bitrate cap to a request; an API key has
// none.
func (h *Handler) forUser(c *gin.Context, req playback.Request) (playback.Request, error) {
	caller := callerOf(c)
	if !caller.IsUser() {
		return req, nil
	}
	u, err := h.Users.Me(c.Request.Context(), caller)
	if err != nil {
		return req, err
	}
	return req.ForUser(u), nil
}

// capabilities returns the client profile a request names: the web client's (Chromium with
// hls.js) by default, or a conservative player's.
func capabilities(profile string) (playback.Capabilities, error) {
	switch profile {
	case "", "browser":
		return playback.Browser(), nil
	case "basic":
		return playback.Basic(), nil
	}
	return playback.Capabilities{}, core.Invalid("profile", "must be browser or basic")
}

func reasons(rs []playback.Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}
