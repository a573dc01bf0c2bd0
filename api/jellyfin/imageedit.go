package jellyfin

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// imageEditRoutes are what jellyfin-web's "Edit images" dialog and @jellyfin/sdk's ImageApi use to
// change an item's pictures: admins only, as in Jellyfin (decision 0043).
func (h *Handler) imageEditRoutes(r *router) {
	r.add("GET", "/Items/{itemId}/Images", user, h.imageInfos)
	r.addLarge(h.uploadLimit(), "POST", "/Items/{itemId}/Images/{imageType}", user, h.admin, h.uploadImage)
	// Jellyfin ignores the index of an upload too: the picture becomes the one shown.
	r.addLarge(h.uploadLimit(), "POST", "/Items/{itemId}/Images/{imageType}/{imageIndex}", user, h.admin, h.uploadImage)
	r.add("DELETE", "/Items/{itemId}/Images/{imageType}", user, h.admin, h.deleteImage)
	r.add("DELETE", "/Items/{itemId}/Images/{imageType}/{imageIndex}", user, h.admin, h.deleteImage)
	r.add("POST", "/Items/{itemId}/Images/{imageType}/{imageIndex}/Index", user, h.admin, h.moveImage)
	h.remoteImageRoutes(r)
}

// imageInfo is Jellyfin's ImageInfo, listed by GET /Items/{itemId}/Images for the image editor.
type imageInfo struct {
	ImageType  string
	ImageIndex *int `json:",omitempty"`
	ImageTag   string
	Path       string `json:",omitempty"`
	BlurHash   string `json:",omitempty"`
	Height     int    `json:",omitempty"`
	Width      int    `json:",omitempty"`
	Size       int64
}

// imageInfos is GET /Items/{itemId}/Images: the pictures clients show, as ImageTags and
// BackdropImageTags list them. Jellyfin keeps one picture of each kind but backdrops, and its
// editor shows every entry with the URL of its index; the other candidates Walros keeps (TMDb's
// other posters) are offered by RemoteImages instead.
func (h *Handler) imageInfos(c *gin.Context) {
	viewer, it, ok := h.visibleItem(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	m, err := h.Items.Metadata(ctx, viewer, it.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	// A first blurhash decodes the picture: the list must not wait long for a slow download.
	hashCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	first, backdrops := imagesOf(m)
	out := []imageInfo{}
	add := func(im core.Image, index *int) {
		info := imageInfo{ImageType: string(im.Kind), ImageIndex: index, ImageTag: imageTag(im)}
		if viewer.Admin {
			info.Path = im.Path
		}
		info.Width, info.Height, _ = h.Artwork.Size(ctx, im)
		if hashCtx.Err() == nil {
			info.BlurHash, _ = h.Artwork.BlurHash(hashCtx, im)
		}
		if im.Path != "" {
			if fi, err := os.Stat(im.Path); err == nil {
				info.Size = fi.Size()
			}
		}
		out = append(out, info)
	}
	for _, k := range imageKinds {
		if im, ok := first[k]; ok && k != core.ImageBackdrop {
			add(im, nil)
		}
	}
	for i, im := range backdrops {
		add(im, ptr(i))
	}
	writeJSON(c, http.StatusOK, out)
}

// uploadLimit is the largest upload body: MaxImage, base64-encoded as Jellyfin's clients send it.
func (h *Handler) uploadLimit() int64 {
	return int64(base64.StdEncoding.EncodedLen(int(h.MaxImage)))
}

// uploadImage is POST /Items/{itemId}/Images/{imageType}[/{imageIndex}]: the body is a JPEG, PNG
// or WebP picture, base64-encoded, which becomes the first of its kind, the one clients show.
// Nothing changes when it is refused.
func (h *Handler) uploadImage(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	kind, ok := imageKindOf(c.Param("imageType"))
	if !ok {
		h.refuse(c, core.Invalid("imageType", "Walros keeps no %q pictures", c.Param("imageType")))
		return
	}
	if c.Request.ContentLength > h.uploadLimit() { // refused before a byte is read
		h.fail(c, &http.MaxBytesError{Limit: h.uploadLimit()})
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	if _, err := h.Items.Images(ctx, caller, id); err != nil { // the item exists, before any write
		h.fail(c, err)
		return
	}
	img, err := h.Artwork.Save(ctx, kind, pictureBody(c.Request.Body, h.MaxImage))
	if err != nil {
		h.refuse(c, err)
		return
	}
	if _, err := h.Items.AddImage(ctx, caller, id, img); err != nil {
		h.forget(ctx, img)
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// deleteImage is DELETE /Items/{itemId}/Images/{imageType}[/{imageIndex}] (or ?imageIndex=). The
// next picture of the kind, if any, becomes the one shown.
func (h *Handler) deleteImage(c *gin.Context) {
	id, kind, index, ok := imageTarget(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	gone, _, err := h.Items.DeleteImage(ctx, callerOf(c), id, kind, index)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.forget(ctx, gone)
	c.Status(http.StatusNoContent)
}

// moveImage is POST /Items/{itemId}/Images/{imageType}/{imageIndex}/Index?newIndex=: the editor's
// arrows that move a backdrop left or right.
func (h *Handler) moveImage(c *gin.Context) {
	id, kind, index, ok := imageTarget(c)
	if !ok {
		return
	}
	to, err := strconv.Atoi(str(c, "newIndex"))
	if err != nil {
		h.refuse(c, core.Invalid("newIndex", "must be a whole number"))
		return
	}
	if _, err := h.Items.MoveImage(c.Request.Context(), callerOf(c), id, kind, index, to); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// imageTarget reads the item, kind and index an image route names; it answers 404 for what
// cannot name one of Walros's pictures, as Jellyfin's route constraints do.
func imageTarget(c *gin.Context) (id core.ItemID, kind core.ImageKind, index int, ok bool) {
	if id, ok = itemParam(c); !ok {
		return
	}
	if kind, ok = imageKindOf(c.Param("imageType")); !ok {
		status(c, http.StatusNotFound)
		return
	}
	index = integer(c, "imageIndex", 0)
	if s := c.Param("imageIndex"); s != "" {
		var err error
		if index, err = strconv.Atoi(s); err != nil {
			status(c, http.StatusNotFound)
			return id, kind, 0, false
		}
	}
	return id, kind, index, true
}

// forget deletes an uploaded picture no item shows any more. Files next to the media are left
// alone by Artwork.Remove.
func (h *Handler) forget(ctx context.Context, img core.Image) {
	if err := h.Artwork.Remove(ctx, img); err != nil {
		h.Log.WarnContext(ctx, "uploaded image left behind", "path", img.Path, "err", err)
	}
}

// refuse is fail, except that bad input is answered with what is wrong with it: an admin whose
// picture is refused learns why.
func (h *Handler) refuse(c *gin.Context, err error) {
	var fe *core.FieldError
	if !errors.As(err, &fe) {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusBadRequest, "text/plain; charset=utf-8", []byte(fe.Error()))
	c.Abort()
}

// pictureBody returns the picture an upload carries. Jellyfin's clients send it base64-encoded
// (jellyfin-web reads the file as a data URL and posts what follows the comma), which is what
// Jellyfin reads; a body that already is a picture, as a Blob passed to @jellyfin/sdk's
// setItemImage arrives, is taken as it is: base64 text never sniffs as an image. Reading past
// limit decoded bytes fails with *http.MaxBytesError, and bad base64 with core.ErrInvalid.
func pictureBody(body io.Reader, limit int64) io.Reader {
	br := bufio.NewReaderSize(body, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) {
		return errReader{err}
	}
	var r io.Reader = br
	if !strings.HasPrefix(http.DetectContentType(head), "image/") {
		r = base64Reader{base64.NewDecoder(base64.StdEncoding, br)}
	}
	return &cappedReader{r: r, limit: limit}
}

// base64Reader turns decoding errors into core.ErrInvalid.
type base64Reader struct{ r io.Reader }

func (b base64Reader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var corrupt base64.CorruptInputError
	if errors.As(err, &corrupt) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = core.Invalid("image", "must be base64-encoded, as Jellyfin's clients send it")
	}
	return n, err
}

// cappedReader fails with *http.MaxBytesError past limit bytes.
type cappedReader struct {
	r           io.Reader
	limit, read int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read += int64(n); c.read > c.limit {
		return n, &http.MaxBytesError{Limit: c.limit}
	}
	return n, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
