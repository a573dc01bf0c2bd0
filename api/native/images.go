package native

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// itemImage serves an item's image, resized and re-encoded on request, with an ETag so clients
// and proxies revalidate instead of downloading again.
func (h *Handler) itemImage(c *gin.Context) {
	index, err := strconv.Atoi(c.Param("index"))
	if err != nil || index < 0 {
		h.fail(c, core.Invalid("index", "must be a whole number"))
		return
	}
	h.serveImage(c, func(ctx context.Context) (core.Image, error) {
		return h.Items.Image(ctx, callerOf(c), core.ItemID(c.Param("id")), core.ImageKind(c.Param("kind")), index)
	}, func(im core.Image) string {
		// A kind and index name whichever picture an admin chose last: by index alone, a browser
		// revalidates (a 304 while the picture stays); with the picture's tag, it keeps it.
		if tag := c.Query("tag"); tag != "" && tag == core.ImageTag(im) {
			return "private, max-age=31536000, immutable"
		}
		return "private, no-cache"
	})
}

// personImage serves a person's picture, like itemImage.
func (h *Handler) personImage(c *gin.Context) {
	h.serveImage(c, func(ctx context.Context) (core.Image, error) {
		return h.Items.PersonImage(ctx, callerOf(c), c.Param("name"))
	}, func(core.Image) string { return "private, max-age=86400" })
}

// serveImage renders the image find returns as the query asks (size, quality, format), cached by
// clients as cacheControl says for it.
func (h *Handler) serveImage(c *gin.Context, find func(context.Context) (core.Image, error), cacheControl func(core.Image) string) {
	req := artwork.Request{Format: c.Query("format")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"width", &req.Width}, {"height", &req.Height}, {"maxWidth", &req.MaxWidth}, {"maxHeight", &req.MaxHeight}, {"quality", &req.Quality}} {
		var ok bool
		if *p.dst, ok = h.intQuery(c, p.name, 0); !ok {
			return
		}
	}
	ctx := c.Request.Context()
	img, err := find(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	f, r, err := mediaserve.OpenRendition(ctx, h.Artwork.Render, img, req)
	if err != nil {
		h.fail(c, err)
		return
	}
	defer f.Close()
	c.Header("ETag", r.ETag)
	c.Header("Content-Type", r.ContentType)
	c.Header("Cache-Control", cacheControl(img))
	http.ServeContent(c.Writer, c.Request, strings.TrimPrefix(r.Path, "/"), r.ModTime, f)
}
