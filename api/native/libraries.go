package native

import (
	"net/http"

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

func (h *Handler) respondLibrary(c *gin.Context, status int, l core.Library, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(status, toLibrary(l))
}
