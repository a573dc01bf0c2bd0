package jellyfin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
)

// Image routes are anonymous: jellyfin-web and the apps put no token in <img> URLs, and Jellyfin
// serves images to anyone. When a credential comes anyway, the item must be visible to that
// caller (404 otherwise); a request without one is served with the operator's view. The trade-off
// (anyone who knows an item id and reaches the server can fetch its artwork, never its media) is
// recorded in docs/decisions/0010-jellyfin-anonymous-images.md.
func (h *Handler) imageRoutes(r *router) {
	r.add("GET", "/Items/{itemId}/Images/{imageType}", anonymous, h.itemImage)
	r.add("GET", "/Items/{itemId}/Images/{imageType}/{imageIndex}", anonymous, h.itemImage)
	r.add("GET", "/Users/{userId}/Images/{imageType}", anonymous, noImage)
	r.add("GET", "/UserImage", anonymous, noImage)
	r.add("GET", "/Persons/{name}/Images/{imageType}", anonymous, h.personImage)
	r.add("GET", "/Persons/{name}/Images/{imageType}/{imageIndex}", anonymous, h.personImage)
	for _, p := range []string{"/Genres", "/Studios", "/MusicGenres", "/Artists"} {
		r.add("GET", p+"/{name}/Images/{imageType}", anonymous, noImage)
		r.add("GET", p+"/{name}/Images/{imageType}/{imageIndex}", anonymous, noImage)
	}
	h.imageEditRoutes(r) // the image editor's routes: imageedit.go
}

// imageCaller is whose view an image request is served with: the caller's when a valid credential
// came with it, the operator's otherwise (see imageRoutes).
func imageCaller(c *gin.Context) core.Caller {
	if _, ok := c.Get(callerKey); ok {
		return callerOf(c)
	}
	return core.Caller{Admin: true, AllLibraries: true}
}

// noImage answers what Walros has no pictures of: users, genres, studios.
func noImage(c *gin.Context) { status(c, http.StatusNotFound) }

// imageKinds are Jellyfin's ImageType names Walros has pictures of.
var imageKinds = []core.ImageKind{core.ImagePrimary, core.ImageBackdrop, core.ImageLogo, core.ImageBanner, core.ImageThumb,
	core.ImageArt, core.ImageDisc}

func imageKindOf(s string) (core.ImageKind, bool) {
	for _, k := range imageKinds {
		if strings.EqualFold(string(k), s) {
			return k, true
		}
	}
	return "", false
}

// itemImage is GET and HEAD /Items/{itemId}/Images/{imageType}[/{imageIndex}]. The id may be a
// person's (jellyfin-web loads cast pictures by People[].Id).
func (h *Handler) itemImage(c *gin.Context) {
	kind, ok := imageKindOf(c.Param("imageType"))
	id, okID := parseID(c.Param("itemId"))
	if !ok || !okID {
		status(c, http.StatusNotFound)
		return
	}
	index := integer(c, "imageIndex", 0)
	if s := c.Param("imageIndex"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			status(c, http.StatusNotFound)
			return
		}
		index = n
	}
	caller := imageCaller(c)
	h.serveImage(c, func(ctx context.Context) (core.Image, error) {
		if name, ok := nameOf(id, namePerson); ok && kind == core.ImagePrimary {
			return h.Items.PersonImage(ctx, caller, name)
		}
		return h.Items.Image(ctx, caller, core.ItemID(id), kind, index)
	})
}

// personImage is GET /Persons/{name}/Images/Primary.
func (h *Handler) personImage(c *gin.Context) {
	if k, ok := imageKindOf(c.Param("imageType")); !ok || k != core.ImagePrimary {
		status(c, http.StatusNotFound)
		return
	}
	caller := imageCaller(c)
	h.serveImage(c, func(ctx context.Context) (core.Image, error) {
		return h.Items.PersonImage(ctx, caller, c.Param("name"))
	})
}

// renditionOf reads the size, quality and format parameters. fillWidth and fillHeight ask for a
// picture covering that box; without the source's size at hand they are served as a box the
// picture fits in, never enlarged, which is the same for pictures of the box's shape (posters
// asked as posters, the usual case). Without format, WebP goes to clients that accept it.
func renditionOf(c *gin.Context) artwork.Request {
	req := artwork.Request{Width: integer(c, "width", 0), Height: integer(c, "height", 0),
		MaxWidth: integer(c, "maxWidth", 0), MaxHeight: integer(c, "maxHeight", 0), Quality: integer(c, "quality", 0)}
	if fw, fh := integer(c, "fillWidth", 0), integer(c, "fillHeight", 0); fw > 0 || fh > 0 {
		req.MaxWidth, req.MaxHeight = max(req.MaxWidth, fw), max(req.MaxHeight, fh)
		if fw > 0 && fh == 0 {
			req.MaxHeight = 0
		}
	}
	for _, p := range []*int{&req.Width, &req.Height, &req.MaxWidth, &req.MaxHeight} {
		*p = max(*p, 0) // Jellyfin drops what it cannot use rather than failing
	}
	if req.Quality < 1 || req.Quality > 100 {
		req.Quality = 0
	}
	switch strings.ToLower(str(c, "format")) {
	case "png":
		req.Format = "png"
	case "webp":
		req.Format = "webp"
	case "jpg", "jpeg", "gif", "bmp", "svg":
		req.Format = "jpeg" // the formats Walros does not write come as JPEG
	case "":
		if strings.Contains(c.GetHeader("Accept"), "image/webp") {
			req.Format = "webp"
		}
	}
	return req
}

// sizeBuckets are the sizes an anonymous request is rounded up to: image routes are anonymous
// (decision 0010), and every distinct size is a render, so a stranger who knows one item id must
// not be able to ask for thousands of them.
var sizeBuckets = []int{120, 240, 360, 480, 720, 960, 1280, 1920, 2560, 3840}

// bucketed rounds an anonymous request's sizes up to sizeBuckets and its quality up to 75 or 90.
func bucketed(req artwork.Request) artwork.Request {
	for _, p := range []*int{&req.Width, &req.Height, &req.MaxWidth, &req.MaxHeight} {
		if *p > 0 {
			i, _ := slices.BinarySearch(sizeBuckets, *p)
			*p = sizeBuckets[min(i, len(sizeBuckets)-1)]
		}
	}
	switch {
	case req.Quality == 0:
	case req.Quality <= 75:
		req.Quality = 75
	default:
		req.Quality = 90
	}
	return req
}

// serveImage renders the image find returns as the query asks. With tag= the URL names one version
// of the picture (the tag changes with it), so it may be cached for a year; without, clients
// revalidate with the ETag.
func (h *Handler) serveImage(c *gin.Context, find func(context.Context) (core.Image, error)) {
	ctx := c.Request.Context()
	img, err := find(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	req := renditionOf(c)
	if c := callerOf(c); c.UserID == "" && c.APIKeyID == "" {
		req = bucketed(req)
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
	scope := "public"
	if _, ok := c.Get(callerKey); ok {
		scope = "private"
	}
	if str(c, "tag") != "" {
		c.Header("Cache-Control", scope+", max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", scope+", no-cache")
	}
	c.Header("ETag", r.ETag)
	c.Header("Content-Type", r.ContentType)
	c.Header("Vary", "Accept")
	http.ServeContent(c.Writer, c.Request, "", r.ModTime, f)
}
