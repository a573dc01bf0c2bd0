package native

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/internal/logring"
	"github.com/walros/walros/transcoder/hls"
)

// logSource is what the logs route needs from logring.Ring.
type logSource interface {
	Recent(limit int, min slog.Level) []logring.Entry
}

// maxLogLines bounds one answer of GET /system/logs.
const maxLogLines = 1000

// logLevels are the names ?level= accepts.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

type logEntryDTO struct {
	Time    time.Time         `json:"time"`
	Level   string            `json:"level"`
	Message string            `json:"message"`
	Attrs   map[string]string `json:"attrs"`
}

// systemLogs is GET /system/logs: the server's latest log records kept in memory, for admins
// (others get 404), oldest first, at ?level= or above.
func (h *Handler) systemLogs(c *gin.Context) {
	if !callerOf(c).Admin {
		h.fail(c, core.ErrForbidden)
		return
	}
	limit, ok := h.intQuery(c, "limit", 200)
	if !ok {
		return
	}
	if limit < 1 || limit > maxLogLines {
		h.fail(c, core.Invalid("limit", "must be between 1 and %d", maxLogLines))
		return
	}
	min, ok := logLevels[strings.ToLower(c.DefaultQuery("level", "debug"))]
	if !ok {
		h.fail(c, core.Invalid("level", "must be debug, info, warn or error"))
		return
	}
	out := listDTO[logEntryDTO]{Items: []logEntryDTO{}}
	if h.Logs != nil {
		for _, e := range h.Logs.Recent(limit, min) {
			out.Items = append(out.Items, logEntryDTO{Time: e.Time, Level: strings.ToLower(e.Level.String()), Message: e.Message, Attrs: e.Attrs})
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// encoderStats is what the transcodes route needs from hls.Manager.
type encoderStats interface {
	Stats() hls.Stats
	Renditions() []hls.RenditionInfo
}

type transcodesDTO struct {
	Renditions int            `json:"renditions"`
	Encoders   int            `json:"encoders"`
	Transcodes int            `json:"transcodes"`
	Started    int            `json:"started"`
	Items      []renditionDTO `json:"items"`
}

type renditionDTO struct {
	FileID    string    `json:"fileId"`
	Rendition string    `json:"rendition"`
	Kind      string    `json:"kind"`
	Work      string    `json:"work"` // "encode", "copy", or "idle" (served from the cache)
	Encoders  int       `json:"encoders"`
	Users     []string  `json:"users"`
	LastUsed  time.Time `json:"lastUsed"`
	ItemID    *string   `json:"itemId"`
	ItemTitle *string   `json:"itemTitle"`
}

// systemTranscodes is GET /system/transcodes: what the HLS/DASH manager is running now, for
// admins (others get 404): the counts, and each rendition it holds with its encoders, their
// users' names, and the item whose file it is when someone is playing that file. Without a
// manager (no ffmpeg wired) every count is 0.
func (h *Handler) systemTranscodes(c *gin.Context) {
	caller := callerOf(c)
	if !caller.Admin {
		h.fail(c, core.ErrForbidden)
		return
	}
	out := transcodesDTO{Items: []renditionDTO{}}
	if h.Encoders != nil {
		s := h.Encoders.Stats()
		out.Renditions, out.Encoders, out.Transcodes, out.Started = s.Renditions, s.Heads, s.Transcodes, s.Started
		list := h.Encoders.Renditions()
		var names map[core.UserID]string
		items := map[string]core.Item{} // by file, from what is playing
		if len(list) > 0 {
			names = h.userNames(c.Request.Context(), caller)
			for _, p := range h.NowPlaying.List() {
				if p.File != "" {
					items[string(p.File)] = p.Item
				}
			}
		}
		for _, r := range list {
			d := renditionDTO{FileID: r.File, Rendition: r.ID, Kind: string(r.Kind), Work: "idle", Encoders: r.Encoders,
				Users: []string{}, LastUsed: r.Used}
			switch {
			case r.Encoders > 0 && r.Copy:
				d.Work = "copy"
			case r.Encoders > 0:
				d.Work = "encode" // video, or audio (always encoded, lightly)
			}
			for _, u := range r.Users {
				d.Users = append(d.Users, or(names[core.UserID(u)], u))
			}
			if it, ok := items[r.File]; ok {
				d.ItemID, d.ItemTitle = ptrTo(string(it.ID)), ptrTo(it.Title)
			}
			out.Items = append(out.Items, d)
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}
