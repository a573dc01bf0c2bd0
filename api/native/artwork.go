package native

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// artworkDTO is one image of an item in the artwork editor.
type artworkDTO struct {
	Kind   string `json:"kind"`
	Index  int    `json:"index"`            // 0 is the one clients show
	Source string `json:"source"`           // local (next to the media), remote (a provider's) or uploaded
	Width  int    `json:"width,omitempty"`  // when known: a file, or a remote picture already fetched
	Height int    `json:"height,omitempty"` // likewise
	Tag    string `json:"tag"`              // changes with the picture; see core.ImageTag
	URL    string `json:"url"`              // GET it for the picture (media auth: Bearer or ?token=)
}

// listImages is GET /items/{id}/images: every image of the item, for admins.
func (h *Handler) listImages(c *gin.Context) {
	h.answerImages(c, http.StatusOK, nil)
}

// answerImages lists the item's images with status, or fails with err.
func (h *Handler) answerImages(c *gin.Context, status int, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, id := c.Request.Context(), c.Param("id")
	images, err := h.Items.Images(ctx, callerOf(c), core.ItemID(id))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]artworkDTO, len(images))
	count := map[core.ImageKind]int{}
	for i, im := range images {
		d := artworkDTO{Kind: string(im.Kind), Index: count[im.Kind], Source: "local", Tag: core.ImageTag(im)}
		count[im.Kind]++
		switch {
		case h.Artwork.Uploaded(im):
			d.Source = "uploaded"
		case im.Path == "":
			d.Source = "remote"
		}
		d.Width, d.Height, _ = h.Artwork.Size(ctx, im)
		d.URL = "/api/v1/items/" + url.PathEscape(id) + "/images/" + d.Kind + "/" + strconv.Itoa(d.Index) + "?tag=" + d.Tag
		out[i] = d
	}
	c.JSON(status, gin.H{"items": out})
}

// imageParams reads the kind and index of an image route; ok is false once it has failed.
func (h *Handler) imageParams(c *gin.Context, withIndex bool) (kind core.ImageKind, index int, ok bool) {
	kind, err := core.ParseImageKind(c.Param("kind"))
	if err != nil {
		h.fail(c, err)
		return "", 0, false
	}
	if withIndex {
		index, err = strconv.Atoi(c.Param("index"))
		if err != nil || index < 0 || index > 1000 {
			h.fail(c, core.Invalid("index", "must be a whole number"))
			return "", 0, false
		}
	}
	return kind, index, true
}

// selectImage is POST /items/{id}/images/{kind}/{index}/select: that image becomes the first of
// its kind, and the item's images are locked against refreshes.
func (h *Handler) selectImage(c *gin.Context) {
	kind, index, ok := h.imageParams(c, true)
	if !ok {
		return
	}
	_, err := h.Items.SelectImage(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), kind, index)
	h.answerImages(c, http.StatusOK, err)
}

// deleteImage is DELETE /items/{id}/images/{kind}/{index}. An uploaded picture's file goes too;
// a file next to the media stays where it is.
func (h *Handler) deleteImage(c *gin.Context) {
	kind, index, ok := h.imageParams(c, true)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	gone, _, err := h.Items.DeleteImage(ctx, callerOf(c), core.ItemID(c.Param("id")), kind, index)
	if err == nil {
		if rerr := h.Artwork.Remove(ctx, gone); rerr != nil {
			h.Log.WarnContext(ctx, "uploaded image left behind", "path", gone.Path, "err", rerr)
		}
	}
	h.answerImages(c, http.StatusOK, err)
}

// uploadImage is POST /items/{id}/images/{kind}: the body is a JPEG, PNG or WebP picture, which
// becomes the first of its kind.
func (h *Handler) uploadImage(c *gin.Context) {
	kind, _, ok := h.imageParams(c, false)
	if !ok {
		return
	}
	if c.Request.ContentLength > h.MaxImage { // refused before a byte is read
		h.fail(c, &http.MaxBytesError{Limit: h.MaxImage})
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	if _, err := h.Items.Images(ctx, caller, id); err != nil { // an admin, and an item, before any write
		h.fail(c, err)
		return
	}
	img, err := h.Artwork.Save(ctx, kind, c.Request.Body)
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.Items.AddImage(ctx, caller, id, img); err != nil {
		if rerr := h.Artwork.Remove(ctx, img); rerr != nil {
			h.Log.WarnContext(ctx, "uploaded image left behind", "path", img.Path, "err", rerr)
		}
		h.fail(c, err)
		return
	}
	h.answerImages(c, http.StatusCreated, nil)
}
