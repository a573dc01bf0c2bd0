package jellyfin

import (
	"net/http"
	"path/filepath"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
)

// mediaFile returns the file a media request plays: the media source named by the
// {mediaSourceId} path parameter or the mediaSourceId query parameter (a file id), else the
// item's first file. The caller must see the item's library: otherwise, 404.
func (h *Handler) mediaFile(c *gin.Context) (core.MediaFile, bool) {
	id, ok := parseID(c.Param("itemId"))
	if !ok {
		status(c, http.StatusNotFound)
		return core.MediaFile{}, false
	}
	var file string
	msid := c.Param("mediaSourceId")
	if msid == "" {
		msid = str(c, "mediaSourceId")
	}
	if msid != "" {
		if file, ok = parseID(msid); !ok {
			status(c, http.StatusNotFound)
			return core.MediaFile{}, false
		}
		if file == id { // Jellyfin's media source ids are item ids; a client may send one
			file = ""
		}
	}
	f, err := h.Items.PlayableFile(c.Request.Context(), callerOf(c), core.ItemID(id), core.FileID(file))
	if err != nil {
		h.fail(c, err)
		return core.MediaFile{}, false
	}
	return f, true
}

// sendFile sends the original file with ranges.
func (h *Handler) sendFile(c *gin.Context, f core.MediaFile) {
	if err := mediaserve.File(c, f, func(code int) { status(c, code) }); err != nil {
		h.fail(c, err) // gone since the last scan
	}
}

// videoStream serves /Videos/{itemId}/stream[.{container}]: the original file, with ranges. With
// static=true that is what Jellyfin does too. Without it Jellyfin would transcode progressively to
// the container; clients only ask that when PlaybackInfo offered direct stream, which Walros
// offers only along with direct play, so the original is what they can play.
func (h *Handler) videoStream(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	h.sendFile(c, f)
}

// originalFile serves /Items/{itemId}/File: the original file.
func (h *Handler) originalFile(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	h.sendFile(c, f)
}

// download serves /Items/{itemId}/Download: the original file as an attachment under its own name.
func (h *Handler) download(c *gin.Context) {
	if err := callerOf(c).RequireDownloads(); err != nil {
		h.fail(c, err) // 403, as Jellyfin answers when the policy forbids it
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	c.Header("Content-Disposition", mediaserve.Attachment(filepath.Base(f.Path)))
	h.sendFile(c, f)
}
