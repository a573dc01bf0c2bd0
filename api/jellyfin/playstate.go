package jellyfin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) playstateRoutes(r *router) {
	r.add("POST", "/Sessions/Playing", user, h.playbackReport(started))
	r.add("POST", "/Sessions/Playing/Progress", user, h.playbackReport(progressed))
	r.add("POST", "/Sessions/Playing/Stopped", user, h.playbackReport(stopped))
	r.add("POST", "/Sessions/Playing/Ping", user, h.playbackPing)
	// The legacy forms carry the report in the query string.
	for _, prefix := range []string{"", "/Users/{userId}"} {
		r.add("POST", prefix+"/PlayingItems/{itemId}", user, h.legacyReport(started))
		r.add("POST", prefix+"/PlayingItems/{itemId}/Progress", user, h.legacyReport(progressed))
		r.add("DELETE", prefix+"/PlayingItems/{itemId}", user, h.legacyReport(stopped))
	}
}

// playEvent is what a playback report says happened.
type playEvent int

const (
	started playEvent = iota
	progressed
	stopped
)

// playbackReport is Jellyfin's PlaybackStartInfo, PlaybackProgressInfo and PlaybackStopInfo in
// one: the start and progress bodies are the same, the stop body a subset plus Failed.
type playbackReport struct {
	ItemId              string
	MediaSourceId       string
	PlaySessionId       string
	PositionTicks       *flexInt
	CanSeek             *bool
	IsPaused            bool
	IsMuted             bool
	VolumeLevel         *flexInt
	AudioStreamIndex    *flexInt
	SubtitleStreamIndex *flexInt
	PlayMethod          string
	RepeatMode          string
	PlaybackOrder       string
	Failed              bool
}

// flexInt is a JSON integer that may also come as a string, as ASP.NET reads numbers
// (AllowReadingFromString).
type flexInt int64

var _ json.Unmarshaler = (*flexInt)(nil)

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 {
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	*n = flexInt(v)
	return err
}

func (n *flexInt) int() *int {
	if n == nil {
		return nil
	}
	return ptr(int(*n))
}

func (h *Handler) playbackReport(ev playEvent) gin.HandlerFunc {
	return func(c *gin.Context) {
		var r playbackReport
		if err := bind(c, &r); err != nil {
			h.fail(c, err)
			return
		}
		h.report(c, ev, r)
	}
}

// legacyReport reads the report of the /PlayingItems/{itemId} routes from the query string.
func (h *Handler) legacyReport(ev playEvent) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.sameUser(c, c.Param("userId")) {
			return
		}
		r := playbackReport{ItemId: c.Param("itemId"), MediaSourceId: str(c, "mediaSourceId"), PlaySessionId: str(c, "playSessionId"),
			PlayMethod: str(c, "playMethod"), RepeatMode: str(c, "repeatMode")}
		if str(c, "positionTicks") != "" {
			r.PositionTicks = ptr(flexInt(ticks(c, "positionTicks")))
		}
		for name, dst := range map[string]**flexInt{"volumeLevel": &r.VolumeLevel, "audioStreamIndex": &r.AudioStreamIndex,
			"subtitleStreamIndex": &r.SubtitleStreamIndex} {
			if n, err := strconv.Atoi(str(c, name)); err == nil {
				*dst = ptr(flexInt(n))
			}
		}
		for name, dst := range map[string]*bool{"isPaused": &r.IsPaused, "isMuted": &r.IsMuted} {
			if b := boolean(c, name); b != nil {
				*dst = *b
			}
		}
		r.CanSeek = boolean(c, "canSeek")
		h.report(c, ev, r)
	}
}

// playMethods maps Jellyfin's PlayMethod onto core's.
var playMethods = map[string]core.PlayMethod{"directplay": core.PlayDirect, "directstream": core.PlayRemux, "transcode": core.PlayTranscode}

// recordPlay stores an ended play session in the caller's history.
func (h *Handler) recordPlay(c *gin.Context, p *nowPlaying, now time.Time) {
	caller := callerOf(c)
	if h.History == nil || !caller.IsUser() || !p.item.Kind.Playable() {
		return
	}
	a := authOf(c)
	file, _ := parseID(p.source)
	_, err := h.History.Record(c.Request.Context(), caller, core.HistoryEntry{Item: p.item.ID, File: core.FileID(file),
		DeviceID: a.DeviceID, DeviceName: a.Device, Client: a.Client, Started: p.started, Stopped: now, Watched: p.watched,
		Position: p.position, Method: playMethods[strings.ToLower(p.method)]})
	if err != nil && c.Request.Context().Err() == nil {
		h.Log.WarnContext(c.Request.Context(), "record play history", "item", p.item.ID, "err", err)
	}
}

// sameUser checks the userId of a legacy /Users/{userId}/... route that acts for the caller: it
// must be the caller's own, unless the caller is an admin (403); "" passes.
func (h *Handler) sameUser(c *gin.Context, userID string) bool {
	if userID == "" {
		return true
	}
	id, ok := parseID(userID)
	switch caller := callerOf(c); {
	case !ok:
		status(c, http.StatusNotFound)
		return false
	case core.UserID(id) != caller.UserID && !caller.Admin:
		status(c, http.StatusForbidden)
		return false
	}
	return true
}

// report applies a playback report: it moves the session's now playing and records the position
// in the user's data with Jellyfin's rules (core.UserDataService.Progress). A start records the
// position only when it resumes (PositionTicks > 0): Jellyfin leaves the resume point alone at a
// start, and a player that starts at 0 and then seeks would otherwise lose it. A stop without a
// position counts as played to the end, and a failed one changes no user data, both as in
// Jellyfin. API keys have no user data; their reports only move now playing.
func (h *Handler) report(c *gin.Context, ev playEvent, r playbackReport) {
	ctx, caller := c.Request.Context(), callerOf(c)
	var item core.Item
	if r.ItemId == "" { // reports may leave the item out: it is the one playing
		live, _ := h.live.snapshot(caller.SessionID, time.Now())
		if live.playing == nil {
			c.Status(http.StatusNoContent)
			return
		}
		item = live.playing.item
	} else {
		id, ok := parseID(r.ItemId)
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		var err error
		if item, err = h.Items.Get(ctx, caller, core.ItemID(id)); err != nil {
			h.fail(c, err)
			return
		}
	}
	now := time.Now()
	var ended *nowPlaying      // the play session this report ends, for the history
	source := r.MediaSourceId  // the version playing: this report's, or the session's
	var playingNow *nowPlaying // what the session plays after the report, for the registry
	h.live.update(caller, func(s *liveSession) {
		defer func() {
			if s.playing != nil {
				p := *s.playing
				playingNow = &p
			}
		}()
		// Watched time is added where a session ends: its own stop, or another item replacing it.
		if prev := s.playing; prev != nil && !prev.paused && (ev == stopped && prev.item.ID == item.ID || ev != stopped && prev.item.ID != item.ID) {
			prev.watched += now.Sub(prev.checkIn)
		}
		if ev == stopped {
			if s.playing != nil && s.playing.item.ID == item.ID {
				ended, s.playing = s.playing, nil
				source = or(source, ended.source)
				if r.PositionTicks != nil {
					ended.position = fromTicks(max(int64(*r.PositionTicks), 0))
				}
			}
			return
		}
		if prev := s.playing; prev != nil && prev.item.ID != item.ID {
			ended = prev // a new item without a stop for the last one
		}
		p := &nowPlaying{item: item, paused: r.IsPaused, muted: r.IsMuted, volume: r.VolumeLevel.int(),
			audio: r.AudioStreamIndex.int(), sub: r.SubtitleStreamIndex.int(), method: r.PlayMethod, source: r.MediaSourceId,
			playSession: r.PlaySessionId, repeat: r.RepeatMode, order: r.PlaybackOrder, checkIn: now}
		if r.PositionTicks != nil {
			p.position = fromTicks(max(int64(*r.PositionTicks), 0))
		}
		if r.CanSeek != nil {
			p.canSeek = *r.CanSeek
		}
		if prev := s.playing; prev != nil && prev.item.ID == item.ID {
			// What a report leaves out stays as the one before said (the legacy progress has no
			// play method, many reports no media source).
			if r.PositionTicks == nil {
				p.position = prev.position
			}
			if r.CanSeek == nil {
				p.canSeek = prev.canSeek
			}
			p.method, p.source, p.playSession = or(p.method, prev.method), or(p.source, prev.source), or(p.playSession, prev.playSession)
			p.repeat, p.order = or(p.repeat, prev.repeat), or(p.order, prev.order)
			p.volume, p.audio, p.sub = orPtr(p.volume, prev.volume), orPtr(p.audio, prev.audio), orPtr(p.sub, prev.sub)
			p.started, p.watched = prev.started, prev.watched
			if !prev.paused {
				p.watched += now.Sub(prev.checkIn)
			}
		} else {
			p.started = now
		}
		s.playing, source = p, p.source
	})
	h.notePlaying(c, playingNow)
	if ended != nil {
		h.recordPlay(c, ended, now)
	}
	if !caller.IsUser() || !item.Kind.Playable() {
		c.Status(http.StatusNoContent)
		return
	}
	var pos time.Duration
	switch {
	case ev == stopped && r.Failed:
		c.Status(http.StatusNoContent)
		return
	case ev == stopped && r.PositionTicks == nil:
		pos = item.Runtime
	case r.PositionTicks == nil, ev == started && *r.PositionTicks <= 0:
		c.Status(http.StatusNoContent)
		return
	default:
		pos = fromTicks(max(int64(*r.PositionTicks), 0))
	}
	// The resume point remembers the version, when it is one of the item's.
	file, _ := parseID(source)
	if file != "" {
		if _, err := h.Items.PlayableFile(ctx, caller, item.ID, core.FileID(file)); err != nil {
			file = ""
		}
	}
	if _, err := h.UserData.ProgressOn(ctx, caller, item.ID, core.FileID(file), pos, ev == stopped); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// playbackPing is POST /Sessions/Playing/Ping: a transcoding player's sign of life.
func (h *Handler) playbackPing(c *gin.Context) {
	now := time.Now()
	h.live.update(callerOf(c), func(s *liveSession) {
		if s.playing != nil {
			s.playing.checkIn = now
		}
	})
	if caller := callerOf(c); caller.SessionID != "" {
		h.NowPlaying.Touch(string(caller.SessionID))
	}
	c.Status(http.StatusNoContent)
}

func orPtr[T any](p, def *T) *T {
	if p == nil {
		return def
	}
	return p
}
