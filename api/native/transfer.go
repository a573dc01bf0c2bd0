package native

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
)

// Export and import of a user's data as one JSON document (core.TransferDoc).

// transferUser is the user an export or import route names: "" for /users/me/...
func transferUser(c *gin.Context) core.UserID { return core.UserID(c.Param("id")) }

// exportUserData answers the document as a download.
func (h *Handler) exportUserData(c *gin.Context) {
	doc, err := h.Transfer.Export(c.Request.Context(), callerOf(c), transferUser(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	name := "walros-" + doc.User.Username + "-" + doc.ExportedAt.Format("2006-01-02") + ".json"
	c.Header("Content-Disposition", mediaserve.Attachment(name))
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, doc)
}

// importUserData applies a document. A body over the import limit, or anything but a valid
// document, is a 400 and changes nothing.
func (h *Handler) importUserData(c *gin.Context) {
	raw, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.fail(c, core.Invalid("document", "must be at most %s bytes", strconv.FormatInt(tooLarge.Limit, 10)))
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	doc, err := core.ParseTransfer(bytes.NewReader(raw))
	if err != nil {
		h.fail(c, err)
		return
	}
	rep, err := h.Transfer.Import(c.Request.Context(), callerOf(c), transferUser(c), doc)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
