package jellyfin

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// picture encodes a w×h picture as PNG or JPEG; noisy pictures do not compress, so their size
// can be chosen.
func picture(t *testing.T, w, h int, asPNG, noisy bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = 200
		if noisy {
			img.Pix[i] = byte(r.Uint32())
		}
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	img.Set(0, 0, color.NRGBA{R: 1, A: 255})
	var b bytes.Buffer
	var err error
	if asPNG {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts body to an image route as jellyfin-web does: base64 text, typed as the picture.
func (e *env) upload(path, token, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(http.MethodPost, path, token, body, "Content-Type", "image/png")
}

// imageTags reads the item's ImageTags and BackdropImageTags as jellyfin-web does.
func (e *env) imageTags(id, token string) (map[string]string, []string) {
	e.t.Helper()
	var d baseItemDto
	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+id, token, nil)), &d)
	return d.ImageTags, d.BackdropImageTags
}

// uploaded lists the files in the upload folder.
func (e *env) uploaded() []string {
	e.t.Helper()
	ents, err := os.ReadDir(e.uploads)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, d := range ents {
		names = append(names, d.Name())
	}
	return names
}

// recorded returns those of names the database's ledger of uploads holds, sorted.
func (e *env) recorded(names []string) []string {
	e.t.Helper()
	got, err := e.stores.Metadata.RecordedUploads(e.ctx, names)
	if err != nil {
		e.t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

func TestImageUpload(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := jid(e.item(core.KindMovie, "Heat").ID)
	bob, _ := e.addUser("bob")
	b64 := base64.StdEncoding.EncodeToString
	pngPic, jpegPic := picture(t, 40, 60, true, false), picture(t, 30, 20, false, false)

	// A PNG becomes the poster: ImageTags has it, the image route serves it, the editor lists it.
	e.want(http.StatusNoContent, e.upload("/Items/"+heat+"/Images/Primary", e.admin, b64(pngPic)))
	tags, _ := e.imageTags(heat, e.admin)
	pngTag := tags["Primary"]
	if pngTag == "" {
		t.Fatalf("no primary tag after the upload: %v", tags)
	}
	rec := e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/Images/Primary?format=Png&tag="+pngTag, "", nil))
	if cfg, err := png.DecodeConfig(rec.Body); err != nil || cfg.Width != 40 || cfg.Height != 60 {
		t.Fatalf("served %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	var infos []imageInfo
	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/Images", e.admin, nil)), &infos)
	if len(infos) != 1 || infos[0].ImageType != "Primary" || infos[0].ImageIndex != nil || infos[0].ImageTag != pngTag ||
		infos[0].Width != 40 || infos[0].Height != 60 || infos[0].Size != int64(len(pngPic)) || infos[0].BlurHash == "" ||
		!strings.HasPrefix(infos[0].Path, e.uploads) {
		t.Fatalf("image infos = %+v", infos)
	}

	// A JPEG through the route with an index (ignored, as Jellyfin does) takes its place.
	e.want(http.StatusNoContent, e.upload("/items/"+dashed(heat)+"/images/primary/0", e.admin, b64(jpegPic)))
	tags, _ = e.imageTags(heat, e.admin)
	if tags["Primary"] == "" || tags["Primary"] == pngTag {
		t.Fatalf("primary tag after a second upload: %v (was %s)", tags, pngTag)
	}
	rec = e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/Images/Primary/0?tag="+tags["Primary"], "", nil))
	if cfg, _, err := image.DecodeConfig(rec.Body); err != nil || cfg.Width != 30 {
		t.Fatalf("served %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	// A picture sent as it is, as a Blob given to @jellyfin/sdk arrives, is taken too.
	e.want(http.StatusNoContent, e.upload("/Items/"+heat+"/Images/Backdrop", e.admin, string(pngPic)))
	if len(e.uploaded()) != 3 {
		t.Fatalf("uploads kept: %v", e.uploaded())
	}
	// Each in the database's ledger, which the sweep of orphans trusts (decision 0044).
	all := e.uploaded()
	if got := e.recorded(all); len(got) != 3 {
		t.Fatalf("uploads in the ledger: %v, want %v", got, all)
	}

	// Refused, with nothing changed and nothing left behind.
	before, beforeFiles := tags["Primary"], e.uploaded()
	truncated := pngPic[:len(pngPic)-20]
	for _, tc := range []struct {
		name, path, token, body string
		want                    int
		says                    string
	}{
		{"not base64", "/Items/" + heat + "/Images/Primary", e.admin, "this is *not* base64!", http.StatusBadRequest, "base64"},
		{"not a picture", "/Items/" + heat + "/Images/Primary", e.admin, b64([]byte("<svg xmlns='http://www.w3.org/2000/svg'/>")), http.StatusBadRequest, "JPEG, PNG or WebP"},
		{"truncated", "/Items/" + heat + "/Images/Primary", e.admin, b64(truncated), http.StatusBadRequest, "image"},
		{"empty", "/Items/" + heat + "/Images/Primary", e.admin, "", http.StatusBadRequest, "image"},
		{"kind Walros keeps none of", "/Items/" + heat + "/Images/Screenshot", e.admin, b64(pngPic), http.StatusBadRequest, "Screenshot"},
		{"not an admin", "/Items/" + heat + "/Images/Primary", bob, b64(pngPic), http.StatusForbidden, ""},
		{"no credential", "/Items/" + heat + "/Images/Primary", "", b64(pngPic), http.StatusUnauthorized, ""},
		{"unknown item", "/Items/" + strings.Repeat("0", 32) + "/Images/Primary", e.admin, b64(pngPic), http.StatusNotFound, ""},
		{"malformed id", "/Items/nope/Images/Primary", e.admin, b64(pngPic), http.StatusNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.upload(tc.path, tc.token, tc.body)
			if rec.Code != tc.want || !strings.Contains(rec.Body.String(), tc.says) {
				t.Fatalf("%d %q, want %d saying %q", rec.Code, rec.Body, tc.want, tc.says)
			}
		})
	}
	if tags, _ := e.imageTags(heat, e.admin); tags["Primary"] != before || !slices.Equal(e.uploaded(), beforeFiles) {
		t.Fatalf("refused uploads changed something: %v, files %v (were %v)", tags, e.uploaded(), beforeFiles)
	}

	// Deleting the JPEG brings the PNG back; deleting that leaves no poster and no file.
	for _, p := range []string{"/Items/" + heat + "/Images/Primary", "/Items/" + heat + "/Images/Primary/0"} {
		e.want(http.StatusForbidden, e.do(http.MethodDelete, p, bob, nil))
	}
	e.want(http.StatusNoContent, e.do(http.MethodDelete, "/Items/"+heat+"/Images/Primary", e.admin, nil))
	if tags, _ := e.imageTags(heat, e.admin); tags["Primary"] != pngTag {
		t.Fatalf("primary after deleting the JPEG: %v, want %s", tags, pngTag)
	}
	e.want(http.StatusNoContent, e.do(http.MethodDelete, "/Items/"+heat+"/Images/Primary/0", e.admin, nil))
	if tags, _ := e.imageTags(heat, e.admin); tags["Primary"] != "" {
		t.Fatalf("primary after deleting both: %v", tags)
	}
	if len(e.uploaded()) != 1 { // the backdrop
		t.Fatalf("files after the deletes: %v", e.uploaded())
	}
	if got := e.recorded(all); !slices.Equal(got, e.uploaded()) {
		t.Fatalf("ledger after the deletes: %v, want the backdrop's %v", got, e.uploaded())
	}
	e.want(http.StatusNotFound, e.do(http.MethodDelete, "/Items/"+heat+"/Images/Primary", e.admin, nil))
	e.want(http.StatusNotFound, e.do(http.MethodDelete, "/Items/"+heat+"/Images/Backdrop/1", e.admin, nil))
	e.want(http.StatusNotFound, e.do(http.MethodDelete, "/Items/"+heat+"/Images/Backdrop/x", e.admin, nil))
}

func TestImageMove(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := jid(e.item(core.KindMovie, "Heat").ID)
	bob, _ := e.addUser("bob")
	for _, asPNG := range []bool{true, false} {
		e.want(http.StatusNoContent, e.upload("/Items/"+heat+"/Images/Backdrop", e.admin,
			base64.StdEncoding.EncodeToString(picture(t, 16, 9, asPNG, false))))
	}
	_, was := e.imageTags(heat, e.admin)
	if len(was) != 2 {
		t.Fatalf("backdrops = %v", was)
	}
	// jellyfin-web's arrow that moves the first backdrop right.
	e.want(http.StatusNoContent, e.do(http.MethodPost, "/Items/"+heat+"/Images/Backdrop/0/Index?newIndex=1", e.admin, nil))
	if _, now := e.imageTags(heat, e.admin); !slices.Equal(now, []string{was[1], was[0]}) {
		t.Fatalf("backdrops after the move: %v, were %v", now, was)
	}
	var infos []imageInfo
	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/Images", e.admin, nil)), &infos)
	if len(infos) != 2 || infos[0].ImageTag != was[1] || infos[1].ImageIndex == nil || *infos[1].ImageIndex != 1 {
		t.Fatalf("image infos after the move = %+v", infos)
	}
	e.want(http.StatusForbidden, e.do(http.MethodPost, "/Items/"+heat+"/Images/Backdrop/0/Index?newIndex=1", bob, nil))
	e.want(http.StatusBadRequest, e.do(http.MethodPost, "/Items/"+heat+"/Images/Backdrop/0/Index", e.admin, nil))
	e.want(http.StatusNotFound, e.do(http.MethodPost, "/Items/"+heat+"/Images/Backdrop/5/Index?newIndex=0", e.admin, nil))
}

// TestImageUploadLimit checks that uploads get a limit of their own: the facade's usual body
// limit (64 KiB here, 1 MiB by default) would refuse any real picture.
func TestImageUploadLimit(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := jid(e.item(core.KindMovie, "Heat").ID)
	d := e.h.Deps
	d.MaxImage = 3 << 20
	h := New(d)
	t.Cleanup(h.Close)
	e.engine = h.Engine()
	path := "/Items/" + heat + "/Images/Primary"

	big := picture(t, 900, 900, true, true) // about 2.3 MiB of noise
	if len(big) < 2<<20 || len(big) > 3<<20 {
		t.Fatalf("the big picture is %d bytes", len(big))
	}
	e.want(http.StatusNoContent, e.upload(path, e.admin, base64.StdEncoding.EncodeToString(big)))
	// Other routes keep the usual limit.
	e.want(http.StatusRequestEntityTooLarge, e.do(http.MethodPost, "/Sessions/Playing", e.admin, `{"ItemId":"`+strings.Repeat(" ", 1<<17)+`"}`))

	huge := picture(t, 1050, 1050, true, true) // about 3.2 MiB: past the cap, and under its base64 length
	if limit := h.uploadLimit(); len(huge) <= 3<<20 || int64(len(huge)) > limit {
		t.Fatalf("the huge picture is %d bytes (limit %d)", len(huge), limit)
	}
	files := e.uploaded()
	// Said by Content-Length, refused before a byte is read; sent chunked, refused when read.
	e.want(http.StatusRequestEntityTooLarge, e.upload(path, e.admin, base64.StdEncoding.EncodeToString(huge)))
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(base64.StdEncoding.EncodeToString(huge))))
	req.ContentLength = -1
	req.Header.Set("Authorization", clientAuth("test-device", e.admin))
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	e.want(http.StatusRequestEntityTooLarge, rec)
	// Unencoded, it fits the body limit (set for base64) but not the cap on the picture.
	e.want(http.StatusRequestEntityTooLarge, e.upload(path, e.admin, string(huge)))
	if !slices.Equal(e.uploaded(), files) {
		t.Fatalf("refused uploads left files: %v, were %v", e.uploaded(), files)
	}
}
