package plex

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// Artwork: an item's thumb (its poster, or an episode's still) and art (its backdrop) at
// /library/metadata/{key}/thumb/{changestamp}, as Plex lists them, and /photo/:/transcode, which
// clients call to get either at a size.

func (h *Handler) imageRoutes(r *router) {
	for _, kind := range []string{"thumb", "art"} {
		r.add(http.MethodGet, "/library/metadata/{id}/"+kind, false, h.image(kind))
		r.add(http.MethodGet, "/library/metadata/{id}/"+kind+"/{stamp}", false, h.image(kind))
	}
	r.add(http.MethodGet, "/photo/:/transcode", false, h.photoTranscode)
}

// imageKind is the picture a thumb or art of an item of kind is, among those m lists, and
// whether it has one.
func imageKind(kind core.ItemKind, which string, m core.Metadata) (core.ImageKind, bool) {
	want := []core.ImageKind{core.ImageBackdrop}
	if which == "thumb" {
		want = []core.ImageKind{core.ImagePrimary}
		if kind == core.KindEpisode {
			want = []core.ImageKind{core.ImageThumb, core.ImagePrimary}
		}
	}
	for _, k := range want {
		for _, img := range m.Images {
			if img.Kind == k {
				return k, true
			}
		}
	}
	return "", false
}

// imageURL is the thumb or art of an item for its element, "" when it has none; the changestamp
// is the item's last update, so a new picture gets a new URL.
func imageURL(it core.Item, which string, m core.Metadata) string {
	if _, ok := imageKind(it.Kind, which, m); !ok {
		return ""
	}
	return metadataKey(it) + "/" + which + "/" + strconv.FormatInt(it.UpdatedAt.Unix(), 10)
}

func (h *Handler) image(which string) gin.HandlerFunc {
	return func(c *gin.Context) {
		key, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			fail(c, http.StatusNotFound)
			return
		}
		h.serveImage(c, key, which, artwork.Request{})
	}
}

// photoTranscode serves url (an item's thumb or art path) resized to width × height.
func (h *Handler) photoTranscode(c *gin.Context) {
	u, err := url.Parse(c.Query("url"))
	if err != nil {
		fail(c, http.StatusBadRequest)
		return
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 4 || parts[0] != "library" || parts[1] != "metadata" || parts[3] != "thumb" && parts[3] != "art" {
		fail(c, http.StatusNotFound) // only this server's item pictures: never a URL to fetch
		return
	}
	key, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return
	}
	var req artwork.Request
	for name, into := range map[string]*int{"width": &req.Width, "height": &req.Height} {
		if v := c.Query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 8192 {
				fail(c, http.StatusBadRequest)
				return
			}
			*into = n
		}
	}
	if c.Query("upscale") != "1" { // Plex enlarges only when asked
		req.MaxWidth, req.MaxHeight, req.Width, req.Height = req.Width, req.Height, 0, 0
	}
	switch f := c.Query("format"); f {
	case "", "jpg", "jpeg":
	case "png", "webp":
		req.Format = f
	default:
		fail(c, http.StatusBadRequest)
		return
	}
	h.serveImage(c, key, parts[3], req)
}

func (h *Handler) serveImage(c *gin.Context, key int64, which string, req artwork.Request) {
	ctx, caller := c.Request.Context(), callerOf(c)
	it, err := h.Items.GetByKey(ctx, caller, key)
	if err != nil {
		h.fail(c, err)
		return
	}
	b, err := h.Items.Batch(ctx, caller, []core.Item{it}, core.BatchParts{Metadata: core.MetaImages})
	if err != nil {
		h.fail(c, err)
		return
	}
	kind, ok := imageKind(it.Kind, which, b.Metadata[it.ID])
	if !ok || h.Artwork == nil {
		fail(c, http.StatusNotFound)
		return
	}
	img, err := h.Items.Image(ctx, caller, it.ID, kind, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	f, r, err := mediaserve.OpenRendition(ctx, h.Artwork.Render, img, req)
	if errors.Is(err, core.ErrInvalid) {
		err = core.ErrNotFound // a picture that cannot be read is as good as none
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	defer f.Close()
	c.Header("Cache-Control", "private, max-age=86400")
	c.Header("ETag", r.ETag)
	c.Header("Content-Type", r.ContentType)
	http.ServeContent(c.Writer, c.Request, "", r.ModTime, f)
}
