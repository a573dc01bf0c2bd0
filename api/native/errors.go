package native

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
)

// problem is an RFC 9457 problem detail.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

func (h *Handler) problem(c *gin.Context, status int, title, detail string) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.Render(status, problemRender{problem{Type: "about:blank", Title: title, Status: status, Detail: detail,
		Instance: c.Request.URL.Path, RequestID: middleware.GetRequestID(c)}})
}

// fail is the one place where errors become statuses. Client mistakes get a detail they can act
// on; anything else is logged with the request id and answered without internals.
func (h *Handler) fail(c *gin.Context, err error) {
	var (
		field     *core.FieldError
		throttled *core.ThrottledError
		tooLarge  *http.MaxBytesError
	)
	if status, title, detail, retry, ok := failStream(err); ok {
		if retry > 0 {
			c.Header("Retry-After", strconv.Itoa(int(retry.Round(time.Second).Seconds())))
		}
		h.Log.WarnContext(c.Request.Context(), "streaming request failed", "route", c.FullPath(),
			"requestId", middleware.GetRequestID(c), "err", err)
		h.problem(c, status, title, detail)
		return
	}
	switch {
	case errors.As(err, &throttled):
		c.Header("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds())))
		h.problem(c, http.StatusTooManyRequests, "Too Many Requests", "too many failed attempts; retry later")
	case errors.As(err, &tooLarge):
		h.problem(c, http.StatusRequestEntityTooLarge, "Content Too Large",
			"the request body is larger than "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes")
	case errors.As(err, &field):
		h.problem(c, http.StatusBadRequest, "Bad Request", field.Error())
	case errors.Is(err, core.ErrInvalid):
		h.problem(c, http.StatusBadRequest, "Bad Request", "invalid request")
	case errors.Is(err, core.ErrUnauthenticated):
		c.Header("WWW-Authenticate", `Bearer realm="walros"`)
		h.problem(c, http.StatusUnauthorized, "Unauthorized", "missing, invalid or expired credentials")
	case errors.Is(err, core.ErrNotFound), errors.Is(err, core.ErrForbidden):
		h.problem(c, http.StatusNotFound, "Not Found", "") // never 403: ids must not reveal what exists
	case errors.Is(err, core.ErrConflict):
		h.problem(c, http.StatusConflict, "Conflict", "the name is already taken")
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		c.Abort() // the client left; nothing to write
	default:
		h.Log.ErrorContext(c.Request.Context(), "native request failed", "route", c.FullPath(),
			"requestId", middleware.GetRequestID(c), "err", err)
		h.problem(c, http.StatusInternalServerError, "Internal Server Error", "")
	}
}

func (h *Handler) recovered(c *gin.Context, v any) {
	h.Log.ErrorContext(c.Request.Context(), "panic in native handler", "route", c.FullPath(),
		"requestId", middleware.GetRequestID(c), "panic", v)
	h.problem(c, http.StatusInternalServerError, "Internal Server Error", "")
}

// problemRender writes JSON while keeping the problem+json content type set by problem.
type problemRender struct{ p problem }

func (r problemRender) Render(w http.ResponseWriter) error {
	return writeJSON(w, r.p)
}

func (r problemRender) WriteContentType(http.ResponseWriter) {}
