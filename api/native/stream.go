package native

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
)

// mediaFile returns the file of an item a media request asks for: ?file= picks a version or part,
// else the first (the store orders parts, then versions).
func (h *Handler) mediaFile(c *gin.Context) (core.MediaFile, bool) {
	want := c.Query("file")
	if p := c.Param("fileId"); p != "" {
		want = p
	}
	f, err := h.Items.PlayableFile(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), core.FileID(want))
	if err != nil {
		h.fail(c, err)
		return core.MediaFile{}, false
	}
	return f, true
}

// streamFile serves an item's original file (direct play) with ranges, HEAD, If-Range,
// conditional requests, ETag and Last-Modified, through the kernel's sendfile.
func (h *Handler) streamFile(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	err := mediaserve.File(c, f, func(code int) {
		h.problem(c, code, "Range Not Satisfiable", "the range is outside the file")
	})
	if err != nil {
		h.fail(c, err) // gone since the last scan
	}
}

// mediaToken gives a token for the media routes of one item, valid for a day: what a client puts
// in URLs it hands to a player that cannot send headers (direct play in <video>, VLC...).
func (h *Handler) mediaToken(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	if _, err := h.Items.Get(ctx, caller, id); err != nil {
		h.fail(c, err)
		return
	}
	tok, err := h.Auth.MediaToken(caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if tok == "" { // an API key does not expire: use it
		h.fail(c, core.Invalid("", "API keys do not need media tokens: put the key in the URL"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"token": tok, "expiresIn": int(core.MediaTokenTTL.Seconds())})
}
