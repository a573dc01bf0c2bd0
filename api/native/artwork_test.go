package native

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// solid encodes a w×h picture of one colour as PNG.
func solid(t *testing.T, c color.RGBA, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type artworkList struct {
	Items []artworkDTO `json:"items"`
}

// TestArtwork checks the artwork editor's routes: list, choose, upload, delete, and what they refuse.
func TestArtwork(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	it := e.addMovie(lib, "55555555-0000-7000-8000-0000000000a1", "Heat")
	red, green, blue := color.RGBA{220, 20, 20, 255}, color.RGBA{20, 200, 20, 255}, color.RGBA{20, 20, 220, 255}
	redPath, greenPath := filepath.Join(e.media, "poster.png"), filepath.Join(e.media, "poster-2.png")
	for p, c := range map[string]color.RGBA{redPath: red, greenPath: green} {
		if err := os.WriteFile(p, solid(t, c, 40, 60), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.stores.Metadata.SetMetadata(ctx, it.ID, core.Metadata{Title: "Heat", Images: []core.Image{
		{Kind: core.ImagePrimary, Path: redPath}, {Kind: core.ImagePrimary, Path: greenPath},
		{Kind: core.ImageBackdrop, URL: "https://img.invalid/backdrop.jpg"}}}); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/items/" + string(it.ID) + "/images"
	list := func(token string) []artworkDTO {
		t.Helper()
		var l artworkList
		e.decode(e.want(200, e.as(token, "GET", base, nil)), &l)
		return l.Items
	}
	// colour fetches a picture and returns the colour of its centre.
	colour := func(path string) (color.RGBA, string) {
		t.Helper()
		rec := e.want(200, e.as(e.admin, "GET", path, nil))
		m, err := jpeg.Decode(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		r, g, b, _ := m.At(m.Bounds().Dx()/2, m.Bounds().Dy()/2).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}, rec.Header().Get("Cache-Control")
	}
	near := func(a, b color.RGBA) bool {
		d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
		return d(a.R, b.R) < 30 && d(a.G, b.G) < 30 && d(a.B, b.B) < 30
	}

	ims := list(e.admin)
	if len(ims) != 3 || ims[0].Kind != "Primary" || ims[0].Index != 0 || ims[1].Index != 1 || ims[2].Kind != "Backdrop" ||
		ims[0].Source != "local" || ims[2].Source != "remote" || ims[0].Width != 40 || ims[0].Height != 60 || ims[2].Width != 0 {
		t.Fatalf("images: %+v", ims)
	}
	if !strings.HasPrefix(ims[1].URL, base+"/Primary/1?tag=") || ims[0].Tag == ims[1].Tag {
		t.Fatalf("urls and tags: %+v", ims)
	}
	if c, cc := colour(ims[0].URL); !near(c, red) || !strings.Contains(cc, "immutable") {
		t.Fatalf("the first poster by its tagged url: %v, Cache-Control %q", c, cc)
	}
	if c, cc := colour(base + "/Primary/0"); !near(c, red) || cc != "private, no-cache" {
		t.Fatalf("the first poster by index: %v, Cache-Control %q", c, cc)
	}
	oldTag := ims[0].Tag

	// Choosing the second poster makes it the first; by index, clients now get it.
	var after artworkList
	e.decode(e.want(200, e.as(e.admin, "POST", base+"/primary/1/select", nil)), &after)
	if after.Items[0].Tag != ims[1].Tag || after.Items[1].Tag != oldTag {
		t.Fatalf("after choosing: %+v", after.Items)
	}
	if c, _ := colour(base + "/Primary/0"); !near(c, green) {
		t.Fatalf("Primary/0 after choosing the green poster: %v", c)
	}
	// The old tag no longer matches: a stale tagged URL is not cached for good.
	if _, cc := colour(base + "/Primary/0?tag=" + oldTag); cc != "private, no-cache" {
		t.Fatalf("a stale tag: Cache-Control %q", cc)
	}
	var d itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+string(it.ID), nil)), &d)
	if !slices.Contains(d.LockedFields, "images") || d.Images[0].Tag != after.Items[0].Tag {
		t.Fatalf("detail after choosing: locked %v, images %+v", d.LockedFields, d.Images)
	}

	// An upload becomes the first poster; it is kept in the upload folder.
	rec := e.want(201, e.do("POST", base+"/Primary", string(solid(t, blue, 30, 30)), "Authorization", "Bearer "+e.admin, "Content-Type", "image/png"))
	var up artworkList
	e.decode(rec, &up)
	if len(up.Items) != 4 || up.Items[0].Source != "uploaded" || up.Items[0].Width != 30 {
		t.Fatalf("after the upload: %+v", up.Items)
	}
	if c, _ := colour(base + "/Primary/0"); !near(c, blue) {
		t.Fatalf("Primary/0 after the upload: %v", c)
	}
	des, _ := os.ReadDir(e.uploads)
	if len(des) != 1 {
		t.Fatalf("upload folder: %d files", len(des))
	}
	uploadName := des[0].Name() // in the database's ledger, which the sweep of orphans trusts (decision 0044)
	if got, err := e.stores.Metadata.RecordedUploads(t.Context(), []string{uploadName}); err != nil || len(got) != 1 {
		t.Fatalf("the upload in the ledger: %v, %v", got, err)
	}

	// Refused, with nothing changed: bad kinds and indexes, non-pictures, oversized bodies,
	// non-admins.
	bob, _ := e.addUser("bob")
	before := list(e.admin)
	png := solid(t, blue, 8, 8)
	for _, tc := range []struct {
		name, method, path, body string
		token                    string
		want                     int
	}{
		{"unknown kind", "POST", base + "/Poster/0/select", "", e.admin, 400},
		{"path as kind", "POST", base + "/..%2F..%2Fetc/0/select", "", e.admin, 404},
		{"dots as kind", "POST", base + "/../0/select", "", e.admin, 400},
		{"negative index", "POST", base + "/Primary/-1/select", "", e.admin, 400},
		{"word index", "DELETE", base + "/Primary/first", "", e.admin, 400},
		{"past the end", "POST", base + "/Primary/9/select", "", e.admin, 404},
		{"kind it lacks", "DELETE", base + "/Logo/0", "", e.admin, 404},
		{"text as png", "POST", base + "/Primary", "just some text", e.admin, 400},
		{"truncated png", "POST", base + "/Primary", string(png[:len(png)-20]), e.admin, 400},
		{"svg", "POST", base + "/Primary", `<svg xmlns="http://www.w3.org/2000/svg"/>`, e.admin, 400},
		{"upload to a bad kind", "POST", base + "/passwd", string(png), e.admin, 400},
		{"upload to no item", "POST", "/api/v1/items/nope/images/Primary", string(png), e.admin, 404},
		{"bob lists", "GET", base, "", bob, 404},
		{"bob chooses", "POST", base + "/Primary/1/select", "", bob, 404},
		{"bob uploads", "POST", base + "/Primary", string(png), bob, 404},
		{"bob deletes", "DELETE", base + "/Primary/0", "", bob, 404},
		{"no token", "GET", base, "", "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			rec := e.do(tc.method, tc.path, body, "Authorization", "Bearer "+tc.token, "Content-Type", "image/png")
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
		})
	}
	big := append(slices.Clone(png), make([]byte, 20<<20)...)
	if rec := e.do("POST", base+"/Primary", string(big), "Authorization", "Bearer "+e.admin, "Content-Type", "image/png"); rec.Code != 413 {
		t.Fatalf("oversized upload: %d %s", rec.Code, rec.Body)
	}
	if got := list(e.admin); !slices.Equal(got, before) {
		t.Fatalf("refused requests changed the images:\n%+v\nwas\n%+v", got, before)
	}
	if des, _ := os.ReadDir(e.uploads); len(des) != 1 {
		t.Fatalf("refused uploads left files: %d", len(des))
	}

	// Deleting the upload removes its file; deleting a local poster leaves the file alone.
	e.want(200, e.as(e.admin, "DELETE", base+"/Primary/0", nil))
	if des, _ := os.ReadDir(e.uploads); len(des) != 0 {
		t.Fatalf("the deleted upload's file is still there")
	}
	if got, err := e.stores.Metadata.RecordedUploads(t.Context(), []string{uploadName}); err != nil || len(got) != 0 {
		t.Fatalf("the deleted upload in the ledger: %v, %v", got, err)
	}
	var left artworkList
	e.decode(e.want(200, e.as(e.admin, "DELETE", base+"/Primary/0", nil)), &left)
	if len(left.Items) != 2 || left.Items[0].Tag != oldTag {
		t.Fatalf("after deleting the green poster: %+v", left.Items)
	}
	if _, err := os.Stat(greenPath); err != nil {
		t.Fatalf("the local file was touched: %v", err)
	}
}
