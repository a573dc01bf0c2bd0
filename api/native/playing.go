package native

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/playback"
)

// The native side of the now-playing registry (core/nowplaying): progress reports and playback
// decisions feed it, GET /system/playing reads it.

// noteDecision remembers the decision made for the caller's session, so that its progress reports,
// which say only "transcode", show why and into what.
func (h *Handler) noteDecision(c core.Caller, item core.ItemID, file core.FileID, d playback.Decision) {
	method, t, ok := nowplaying.FromDecision(d, nil)
	if !ok || c.SessionID == "" {
		return
	}
	var audio, sub *int
	if d.Audio != nil {
		audio = &d.Audio.StreamIndex
	}
	if d.Subtitle.Mode != playback.SubtitleNone {
		sub = &d.Subtitle.StreamIndex
	}
	h.NowPlaying.Decided(string(c.SessionID), item, file, method, t, audio, sub)
}

// notePlaying moves the caller's session in the registry after a progress report. API keys have
// no session, and no entry.
func (h *Handler) notePlaying(c core.Caller, it core.Item, file core.FileID, pos time.Duration, paused, stopped bool, method core.PlayMethod) {
	if c.SessionID == "" {
		return
	}
	key := string(c.SessionID)
	if stopped {
		h.NowPlaying.Stop(key, it.ID)
		return
	}
	h.NowPlaying.Report(nowplaying.Playback{Key: key, Session: c.SessionID, User: c.UserID, API: "native", Item: it, File: file,
		Position: pos, Paused: paused, Method: method})
}

type playingItemDTO struct {
	ID            string  `json:"id"`
	Type          string  `json:"type"`
	Title         string  `json:"title"`
	Year          *int    `json:"year,omitempty"`
	ParentID      *string `json:"parentId,omitempty"`
	SeriesID      string  `json:"seriesId,omitempty"`
	SeriesTitle   string  `json:"seriesTitle,omitempty"`
	SeasonNumber  *int    `json:"seasonNumber,omitempty"`
	EpisodeNumber *int    `json:"episodeNumber,omitempty"`
}

type transcodeDTO struct {
	Reasons    []string `json:"reasons"`
	Protocol   string   `json:"protocol,omitempty"`
	Container  string   `json:"container,omitempty"`
	VideoCodec string   `json:"videoCodec,omitempty"`
	VideoCopy  bool     `json:"videoCopy"`
	Width      int      `json:"width,omitempty"`
	Height     int      `json:"height,omitempty"`
	Bitrate    int64    `json:"bitrate,omitempty"`
	AudioCodec string   `json:"audioCodec,omitempty"`
	AudioCopy  bool     `json:"audioCopy"`
	Channels   int      `json:"channels,omitempty"`
}

type playingDTO struct {
	ID             string         `json:"id"`
	SessionID      *string        `json:"sessionId"`
	UserID         string         `json:"userId"`
	UserName       string         `json:"userName"`
	API            string         `json:"api"`
	DeviceID       string         `json:"deviceId"`
	DeviceName     string         `json:"deviceName"`
	Client         string         `json:"client"`
	Item           playingItemDTO `json:"item"`
	FileID         *string        `json:"fileId"`
	PositionMS     int64          `json:"positionMs"`
	DurationMS     *int64         `json:"durationMs"`
	Paused         bool           `json:"paused"`
	Method         *string        `json:"method"`
	Transcode      *transcodeDTO  `json:"transcode"`
	AudioStream    *int           `json:"audioStream"`
	SubtitleStream *int           `json:"subtitleStream"`
	StartedAt      time.Time      `json:"startedAt"`
	LastCheckIn    time.Time      `json:"lastCheckIn"`
}

// systemPlaying is GET /system/playing: what is playing now on every client of every API. An admin
// sees everyone's plays, another user only their own (Jellyfin's /Sessions does the same).
func (h *Handler) systemPlaying(c *gin.Context) {
	ctx, caller := c.Request.Context(), callerOf(c)
	out := listDTO[playingDTO]{Items: []playingDTO{}}
	var mine []nowplaying.Playback
	for _, p := range h.NowPlaying.List() {
		if caller.Admin || caller.IsUser() && p.User == caller.UserID {
			mine = append(mine, p)
		}
	}
	c.Header("Cache-Control", "no-store")
	if len(mine) == 0 {
		c.JSON(http.StatusOK, out)
		return
	}
	names := h.userNames(ctx, caller)
	sessions := map[core.SessionID]core.Session{}
	if ss, err := h.Auth.Sessions(ctx, caller, caller.Admin); err == nil {
		for _, s := range ss {
			sessions[s.ID] = s
		}
	}
	series := map[core.ItemID]core.Item{} // seasons and series, read once per answer
	parent := func(id core.ItemID) (core.Item, bool) {
		if id == "" {
			return core.Item{}, false
		}
		if it, ok := series[id]; ok {
			return it, it.ID != ""
		}
		it, err := h.Items.Get(ctx, caller, id)
		if err != nil {
			it = core.Item{}
		}
		series[id] = it
		return it, err == nil
	}
	for _, p := range mine {
		d := playingDTO{ID: p.Key, UserID: string(p.User), UserName: names[p.User], API: p.API, DeviceID: p.DeviceID,
			DeviceName: p.Device, Client: p.Client, PositionMS: p.Position.Milliseconds(), Paused: p.Paused,
			AudioStream: p.AudioStream, SubtitleStream: p.SubtitleStream, StartedAt: p.Started, LastCheckIn: p.CheckIn}
		if p.Session != "" {
			d.SessionID = ptrTo(string(p.Session))
			if s, ok := sessions[p.Session]; ok {
				d.DeviceID, d.DeviceName, d.Client = or(d.DeviceID, s.DeviceID), or(d.DeviceName, s.DeviceName), or(d.Client, s.Client)
			}
		}
		if p.File != "" {
			d.FileID = ptrTo(string(p.File))
		}
		if p.Item.Runtime > 0 {
			d.DurationMS = ptrTo(p.Item.Runtime.Milliseconds())
		}
		if p.Method != "" {
			d.Method = ptrTo(string(p.Method))
		}
		if t := p.Transcode; t != nil {
			d.Transcode = &transcodeDTO{Reasons: append([]string{}, t.Reasons...), Protocol: t.Protocol, Container: t.Container,
				VideoCodec: t.VideoCodec, VideoCopy: t.VideoCopy, Width: t.Width, Height: t.Height, Bitrate: t.Bitrate,
				AudioCodec: t.AudioCodec, AudioCopy: t.AudioCopy, Channels: t.Channels}
		}
		it := p.Item
		d.Item = playingItemDTO{ID: string(it.ID), Type: string(it.Kind), Title: it.Title}
		if it.Year > 0 {
			d.Item.Year = ptrTo(it.Year)
		}
		if it.ParentID != "" {
			d.Item.ParentID = ptrTo(string(it.ParentID))
		}
		if it.Kind == core.KindEpisode {
			d.Item.SeasonNumber, d.Item.EpisodeNumber = it.ParentIndex, it.IndexNumber
			if season, ok := parent(it.ParentID); ok {
				if s, ok := parent(season.ParentID); ok && s.Kind == core.KindSeries {
					d.Item.SeriesID, d.Item.SeriesTitle = string(s.ID), s.Title
				}
			}
		}
		out.Items = append(out.Items, d)
	}
	c.JSON(http.StatusOK, out)
}

// userNames returns the names of the users the caller may see: everyone for an admin, else
// themselves.
func (h *Handler) userNames(ctx context.Context, caller core.Caller) map[core.UserID]string {
	names := map[core.UserID]string{}
	if caller.Admin {
		if us, err := h.Users.List(ctx, caller); err == nil {
			for _, u := range us {
				names[u.ID] = u.Username
			}
			return names
		}
	}
	if u, err := h.Users.Me(ctx, caller); err == nil {
		names[u.ID] = u.Username
	}
	return names
}

func ptrTo[T any](v T) *T { return &v }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
