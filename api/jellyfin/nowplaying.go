package jellyfin

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/playback"
)

// The facade's side of the server-wide now-playing registry (core/nowplaying): its playback
// reports and decisions feed it, and /Sessions shows from it what clients of the other APIs
// play, as a real Jellyfin server shows all its clients.

// jellyfinMethods maps core's play methods onto Jellyfin's PlayMethod.
var jellyfinMethods = map[core.PlayMethod]string{core.PlayDirect: "DirectPlay", core.PlayRemux: "DirectStream", core.PlayTranscode: "Transcode"}

// notePlaying passes the caller's session's now playing, after a report moved it, to the registry:
// nil when nothing plays any more.
func (h *Handler) notePlaying(c *gin.Context, p *nowPlaying) {
	caller := callerOf(c)
	if h.NowPlaying == nil || caller.SessionID == "" {
		return
	}
	key := string(caller.SessionID)
	if p == nil {
		h.NowPlaying.Stop(key, "")
		return
	}
	a := authOf(c)
	file, _ := parseID(p.source)
	h.NowPlaying.Report(nowplaying.Playback{Key: key, Session: caller.SessionID, User: caller.UserID, API: "jellyfin",
		DeviceID: a.DeviceID, Device: a.Device, Client: a.Client, Item: p.item, File: core.FileID(file), Position: p.position,
		Paused: p.paused, Method: playMethods[strings.ToLower(p.method)], AudioStream: p.audio, SubtitleStream: p.sub})
}

// noteDecision remembers the decision PlaybackInfo made for a source, for the reports that follow.
func (h *Handler) noteDecision(c *gin.Context, item core.ItemID, f core.MediaFile, d playback.Decision, reasons []playback.Reason, sub *core.Stream) {
	caller := callerOf(c)
	if h.NowPlaying == nil || caller.SessionID == "" {
		return
	}
	method, t, ok := nowplaying.FromDecision(d, reasons)
	if !ok {
		return
	}
	var audio, subIndex *int
	if d.Audio != nil {
		audio = ptr(d.Audio.StreamIndex)
	}
	if sub != nil {
		subIndex = ptr(sub.Index)
	}
	h.NowPlaying.Decided(string(caller.SessionID), item, f.ID, method, t, audio, subIndex)
}

// otherPlaying returns what the registry says a session plays when that is a client of another
// API (the native web client, a Plex player signed in as a session), as the facade's nowPlaying.
func (h *Handler) otherPlaying(id core.SessionID) *nowPlaying {
	p, ok := h.NowPlaying.Get(string(id))
	if !ok || p.API == "jellyfin" {
		return nil
	}
	np := &nowPlaying{item: p.Item, position: p.Position, paused: p.Paused, canSeek: true, audio: p.AudioStream,
		sub: p.SubtitleStream, method: jellyfinMethods[p.Method], checkIn: p.CheckIn, started: p.Started}
	if p.File != "" {
		np.source = jid(p.File)
	}
	return np
}
