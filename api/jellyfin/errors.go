package jellyfin

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/hls"
)

// errorBody is what Jellyfin answers with every error status, as text/plain; some clients look
// for exactly this.
const errorBody = "Error processing request."

// fail maps an error to Jellyfin's statuses: 400 for bad input, 401 for missing or bad
// credentials, 403 for a disabled user or a forbidden action, 404 for what the caller may not see.
func (h *Handler) fail(c *gin.Context, err error) {
	var (
		throttled *core.ThrottledError
		tooLarge  *http.MaxBytesError
		status    int
	)
	switch {
	case errors.As(err, &throttled):
		c.Header("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())))
		status = http.StatusTooManyRequests
	case errors.As(err, &tooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.Is(err, core.ErrInvalid):
		status = http.StatusBadRequest
	case errors.Is(err, core.ErrUnauthenticated):
		status = http.StatusUnauthorized
	case errors.Is(err, core.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, core.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, core.ErrConflict):
		status = http.StatusBadRequest
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		c.Abort() // the client left
		return
	default:
		var busy *hls.BusyError
		if errors.As(err, &busy) {
			c.Header("Retry-After", strconv.Itoa(int(busy.RetryAfter.Seconds())+1))
			status = http.StatusServiceUnavailable
			break
		}
		if errors.Is(err, hls.ErrNotReady) {
			c.Header("Retry-After", "2")
			status = http.StatusServiceUnavailable
			break
		}
		h.Log.ErrorContext(c.Request.Context(), "jellyfin request failed", "route", routeOf(c),
			"requestId", middleware.GetRequestID(c), "err", err)
		status = http.StatusInternalServerError
	}
	if status < 500 {
		h.Log.DebugContext(c.Request.Context(), "jellyfin request refused", "route", routeOf(c), "status", status, "err", err)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/plain; charset=utf-8", []byte(errorBody))
	c.Abort()
}

// status answers with a bare status and Jellyfin's error body.
func status(c *gin.Context, code int) {
	c.Data(code, "text/plain; charset=utf-8", []byte(errorBody))
	c.Abort()
}

func (h *Handler) recovered(c *gin.Context, v any) {
	h.Log.ErrorContext(c.Request.Context(), "panic in jellyfin handler", "route", routeOf(c),
		"requestId", middleware.GetRequestID(c), "panic", v)
	status(c, http.StatusInternalServerError)
}
