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
}

type transcodesDTO struct {
	Renditions int `json:"renditions"`
	Encoders   int `json:"encoders"`
	Transcodes int `json:"transcodes"`
	Started    int `json:"started"`
}

// systemTranscodes is GET /system/transcodes: what the HLS/DASH manager is running now, for
// admins (others get 404). Without a manager (no ffmpeg wired) every count is 0.
func (h *Handler) systemTranscodes(c *gin.Context) {
	if !callerOf(c).Admin {
		h.fail(c, core.ErrForbidden)
		return
	}
	var out transcodesDTO
	if h.Encoders != nil {
		s := h.Encoders.Stats()
		out = transcodesDTO{Renditions: s.Renditions, Encoders: s.Heads, Transcodes: s.Transcodes, Started: s.Started}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}
