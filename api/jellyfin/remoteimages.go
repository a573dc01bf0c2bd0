package jellyfin

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

// remoteImageRoutes are the image editor's "Search" dialog: the pictures the metadata providers
// offer for an item, and taking one. Admins only: listing asks the providers (decision 0043).
func (h *Handler) remoteImageRoutes(r *router) {
	r.add("GET", "/Items/{itemId}/RemoteImages", user, h.admin, h.remoteImages)
	r.add("GET", "/Items/{itemId}/RemoteImages/Providers", user, h.admin, h.remoteImageProviders)
	r.add("POST", "/Items/{itemId}/RemoteImages/Download", user, h.admin, h.downloadRemoteImage)
}

// remoteImageInfo is Jellyfin's RemoteImageInfo. Walros's providers give no sizes, languages
// or votes for their pictures.
type remoteImageInfo struct {
	ProviderName string
	URL          string `json:"Url"`
	Type         string
	RatingType   string // always Score, Jellyfin's default
}

// remoteImageResult is Jellyfin's RemoteImageResult.
type remoteImageResult struct {
	Images           []remoteImageInfo
	TotalRecordCount int
	Providers        []string
}

// imageProviderInfo is Jellyfin's ImageProviderInfo.
type imageProviderInfo struct {
	Name            string
	SupportedImages []string
}

// remoteImageProviders is GET /Items/{itemId}/RemoteImages/Providers: the providers that know the
// item's kind. jellyfin-web shows its Search buttons only when there is one.
func (h *Handler) remoteImageProviders(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	names, err := h.Scans.ImageProviders(c.Request.Context(), callerOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	// Which kinds a provider has is known only once it answers: every kind Walros keeps is listed.
	kinds := kindNames()
	out := make([]imageProviderInfo, len(names))
	for i, n := range names {
		out[i] = imageProviderInfo{Name: n, SupportedImages: kinds}
	}
	writeJSON(c, http.StatusOK, out)
}

// remoteImages is GET /Items/{itemId}/RemoteImages?type=&providerName=&startIndex=&limit=: the
// providers' pictures for the item, asked now. With no provider configured the list is empty.
func (h *Handler) remoteImages(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	res := remoteImageResult{Images: []remoteImageInfo{}}
	var err error
	if res.Providers, err = h.Scans.ImageProviders(ctx, caller, id); err != nil {
		h.fail(c, err)
		return
	}
	var kind core.ImageKind
	if t := str(c, "type"); t != "" {
		if kind, ok = imageKindOf(t); !ok { // a kind Walros keeps none of (Screenshot, Box...)
			writeJSON(c, http.StatusOK, res)
			return
		}
	}
	var offered []scan.RemoteImage
	if len(res.Providers) > 0 {
		if offered, err = h.Scans.RemoteImages(ctx, caller, id); err != nil {
			h.fail(c, err)
			return
		}
	}
	name := str(c, "providerName")
	for _, im := range offered {
		if (kind == "" || im.Kind == kind) && (name == "" || strings.EqualFold(name, im.Provider)) {
			res.Images = append(res.Images, remoteImageInfo{ProviderName: im.Provider, URL: im.URL, Type: string(im.Kind), RatingType: "Score"})
		}
	}
	res.TotalRecordCount = len(res.Images)
	start := min(max(integer(c, "startIndex", 0), 0), len(res.Images))
	res.Images = res.Images[start:]
	if limit := integer(c, "limit", -1); limit >= 0 && limit < len(res.Images) {
		res.Images = res.Images[:limit]
	}
	writeJSON(c, http.StatusOK, res)
}

// downloadRemoteImage is POST /Items/{itemId}/RemoteImages/Download?type=&imageUrl=: the picture
// becomes the first of its kind. It must be one the providers offer for the item, or one the item
// has: the server fetches it, and must not fetch whatever URL it is handed. It is fetched now, so
// that a picture that cannot be read is refused rather than shown as none.
func (h *Handler) downloadRemoteImage(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	kind, ok := imageKindOf(str(c, "type"))
	if !ok {
		h.refuse(c, core.Invalid("type", "must be one of %s", strings.Join(kindNames(), ", ")))
		return
	}
	url := str(c, "imageUrl")
	if url == "" {
		h.refuse(c, core.Invalid("imageUrl", "is required"))
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	images, err := h.Items.Images(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	// One the item has already (TMDb's other posters): choosing it reorders, as the native
	// editor's select does.
	n := 0
	for _, im := range images {
		if im.Kind != kind {
			continue
		}
		if im.URL == url {
			_, err := h.Items.SelectImage(ctx, caller, id, kind, n)
			h.done(c, err)
			return
		}
		n++
	}
	offered, err := h.Scans.RemoteImages(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !slices.ContainsFunc(offered, func(r scan.RemoteImage) bool { return r.Kind == kind && r.URL == url }) {
		h.refuse(c, core.Invalid("imageUrl", "is not a %s picture the metadata providers offer for this item", kind))
		return
	}
	img := core.Image{Kind: kind, URL: url}
	if _, err := h.Artwork.BlurHash(ctx, img); err != nil { // downloads and decodes it
		if errors.Is(err, core.ErrInvalid) || ctx.Err() != nil {
			h.refuse(c, err)
			return
		}
		// The provider's fault (a 404, an outage), not the server's nor the admin's.
		h.Log.WarnContext(ctx, "remote image not fetched", "url", url, "err", err)
		status(c, http.StatusBadGateway)
		return
	}
	_, err = h.Items.AddImage(ctx, caller, id, img)
	h.done(c, err)
}

// done answers 204, or fails with err.
func (h *Handler) done(c *gin.Context, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func kindNames() []string {
	out := make([]string, len(imageKinds))
	for i, k := range imageKinds {
		out[i] = string(k)
	}
	return out
}
