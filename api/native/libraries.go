package native

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) listLibraries(c *gin.Context) {
	list, err := h.Libraries.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(list, toLibrary))
}

func (h *Handler) getLibrary(c *gin.Context) {
	l, err := h.Libraries.Get(c.Request.Context(), callerOf(c), core.LibraryID(c.Param("id")))
	h.respondLibrary(c, http.StatusOK, l, err)
}

func (h *Handler) createLibrary(c *gin.Context) {
	var req struct {
		Name  string   `json:"name"`
		Type  string   `json:"type"`
		Paths []string `json:"paths"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.Libraries.Create(c.Request.Context(), callerOf(c), core.NewLibrary{Name: req.Name,
		Type: core.LibraryType(req.Type), Paths: req.Paths})
	h.respondLibrary(c, http.StatusCreated, l, err)
}

func (h *Handler) updateLibrary(c *gin.Context) {
	var req struct {
		Name  *string   `json:"name"`
		Paths *[]string `json:"paths"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.Libraries.Update(c.Request.Context(), callerOf(c), core.LibraryID(c.Param("id")),
		core.LibraryPatch{Name: req.Name, Paths: req.Paths})
	h.respondLibrary(c, http.StatusOK, l, err)
}

func (h *Handler) deleteLibrary(c *gin.Context) {
	if err := h.Libraries.Delete(c.Request.Context(), callerOf(c), core.LibraryID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) startScan(c *gin.Context) {
	p, err := h.Scans.Start(c.Request.Context(), callerOf(c), core.LibraryID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toScanStatus(p))
}

func (h *Handler) getScan(c *gin.Context) {
	p, err := h.Scans.Status(callerOf(c), core.LibraryID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toScanStatus(p))
}

// scanEvents streams a scan's progress as server-sent events: a "progress" event about twice a
// second while it runs, then one "done" event, then the stream ends.
func (h *Handler) scanEvents(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), callerOf(c), core.LibraryID(c.Param("id"))
	p, err := h.Scans.Status(caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no") // nginx would otherwise hold the events back
	c.Status(http.StatusOK)
	rc := http.NewResponseController(c.Writer)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		event := "progress"
		if !p.Running() {
			event = "done"
		}
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(c.Writer, "event: %s\ndata: ", event); err != nil {
			return
		}
		if err := writeJSON(c.Writer, toScanStatus(p)); err != nil { // ends with the newline the event needs
			return
		}
		if _, err := io.WriteString(c.Writer, "\n"); err != nil || rc.Flush() != nil || event == "done" {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if p, err = h.Scans.Status(caller, id); err != nil {
			return
		}
	}
}

func (h *Handler) respondLibrary(c *gin.Context, status int, l core.Library, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(status, toLibrary(l))
}
