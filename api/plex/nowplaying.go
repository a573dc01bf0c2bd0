package plex

import (
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/transcoder/hls"
)

// notePlaying passes a timeline report to the server's now-playing registry (core/nowplaying). A
// player is keyed by its session when its token has one, else by user and client identifier as
// /status/sessions keys it. tc is the universal transcoder's session serving it, if any: a copy
// of the video is a remux, anything else a transcode; without one the player reads the file.
func (h *Handler) notePlaying(c *gin.Context, it core.Item, state string, p player, tc *tcSession, pos time.Duration) {
	caller := callerOf(c)
	if h.NowPlaying == nil || caller.UserID == "" {
		return
	}
	key := string(caller.SessionID)
	if key == "" {
		key = "plex:" + string(caller.UserID) + ":" + p.id
	}
	if state == "stopped" {
		h.NowPlaying.Stop(key, it.ID)
		return
	}
	np := nowplaying.Playback{Key: key, Session: caller.SessionID, User: caller.UserID, API: "plex", DeviceID: p.id,
		Device: or(p.title, p.device), Client: p.product, Item: it, Position: pos, Paused: state == "paused",
		Method: core.PlayDirect}
	if tc != nil {
		np.File = tc.file.ID
		np.Method = core.PlayTranscode
		if tc.spec.Kind == hls.Video && tc.spec.Copy {
			np.Method = core.PlayRemux
		}
		np.Transcode = &nowplaying.Transcode{Protocol: "hls", VideoCopy: tc.spec.Copy, Width: tc.spec.Width, Height: tc.spec.Height,
			Bitrate: tc.spec.Bitrate}
		if !tc.spec.Copy && tc.spec.Kind == hls.Video {
			np.Transcode.VideoCodec = "h264"
		}
	}
	h.NowPlaying.Report(np)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
