package native

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/walros/walros/core"
)

func TestItemImages(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	it := e.addMovie(lib, "55555555-0000-7000-8000-000000000001", "Heat")
	src := image.NewRGBA(image.Rect(0, 0, 400, 600))
	for y := range 600 {
		for x := range 400 {
			src.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	poster := filepath.Join(e.media, "poster.png")
	if err := os.WriteFile(poster, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.stores.Metadata.SetMetadata(ctx, it.ID, core.Metadata{Title: "Heat", Images: []core.Image{
		{Kind: core.ImagePrimary, Path: poster}, {Kind: core.ImageBackdrop, Path: "/etc/passwd"}}}); err != nil {
		t.Fatal(err)
	}
	var d itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+string(it.ID), nil)), &d)
	if len(d.Images) != 2 || len(d.Images[0].BlurHash) != 28 || d.Images[1].BlurHash != "" {
		t.Fatalf("images in the detail: %+v (a 4x3 blurhash is 28 characters; none outside the library folders)", d.Images)
	}
	base := "/api/v1/items/" + string(it.ID) + "/images/"
	rec := e.want(200, e.as(e.admin, "GET", base+"Primary/0?maxWidth=200", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "image/jpeg" {
		t.Fatalf("content type %q", ct)
	}
	img, err := jpeg.Decode(rec.Body)
	if err != nil || img.Bounds().Dx() != 200 || img.Bounds().Dy() != 300 {
		t.Fatalf("resized: %v, %v", img.Bounds(), err)
	}
	etag := rec.Header().Get("ETag")
	e.want(304, e.do("GET", base+"Primary/0?maxWidth=200", nil, "Authorization", "Bearer "+e.admin, "If-None-Match", etag))
	// <img> tags put the token in the URL.
	e.want(200, e.do("GET", base+"Primary/0?format=webp&token="+e.admin, nil))
	e.want(401, e.do("GET", base+"Primary/0?token=nope", nil))
	// The login's image token opens images, and nothing else.
	var lr tokenResponse
	e.decode(e.want(200, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "admin", "password": "admin-password"})), &lr)
	if lr.ImageToken == "" || lr.ImageToken == lr.AccessToken {
		t.Fatalf("login's image token %q", lr.ImageToken)
	}
	e.want(200, e.do("GET", base+"Primary/0?maxWidth=200&token="+lr.ImageToken, nil))
	e.want(401, e.do("GET", "/api/v1/items/"+string(it.ID)+"/stream?token="+lr.ImageToken, nil))
	e.want(401, e.do("GET", "/api/v1/items/"+string(it.ID), nil, "Authorization", "Bearer "+lr.ImageToken))
	e.want(404, e.as(e.admin, "GET", base+"Primary/1", nil))
	e.want(404, e.as(e.admin, "GET", base+"Backdrop/0", nil)) // outside every library folder
	e.want(400, e.as(e.admin, "GET", base+"Primary/0?width=x", nil))
	e.want(400, e.as(e.admin, "GET", base+"Primary/0?format=gif", nil))
	hidden := e.addLibrary("hidden")
	bob, _ := e.addUser("bob", hidden.ID)
	e.want(404, e.as(bob, "GET", base+"Primary/0", nil))
	if rec := e.do("GET", base+"Primary/0?token="+bob, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("bob by token: %d", rec.Code)
	}
}

// TestPeople checks a person's detail and picture: visible only through items the caller may see.
func TestPeople(t *testing.T) {
	e := newEnv(t)
	films := e.addLibrary("films")
	ctx := context.Background()
	it := e.addMovie(films, "55555555-0000-7000-8000-000000000002", "Heat")
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 60, 90))); err != nil {
		t.Fatal(err)
	}
	face := filepath.Join(e.media, "pacino.png")
	if err := os.WriteFile(face, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := e.stores.Metadata.SetMetadata(ctx, it.ID, core.Metadata{Title: "Heat", Credits: []core.Credit{
		{Name: "Al Pacino", Kind: core.PersonActor, Role: "Vincent Hanna", Thumb: face},
		{Name: "Michael Mann", Kind: core.PersonDirector, Thumb: "/etc/passwd"},
		{Name: "Michael Mann", Kind: core.PersonWriter}}}); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Name      string   `json:"name"`
		ItemCount int      `json:"itemCount"`
		Kinds     []string `json:"kinds"`
		HasImage  bool     `json:"hasImage"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/people/al%20pacino", nil)), &p)
	if p.Name != "Al Pacino" || p.ItemCount != 1 || len(p.Kinds) != 1 || p.Kinds[0] != "Actor" || !p.HasImage {
		t.Fatalf("person: %+v", p)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/people/Michael%20Mann", nil)), &p)
	if p.ItemCount != 1 || len(p.Kinds) != 2 {
		t.Fatalf("director and writer: %+v", p)
	}
	rec := e.want(200, e.do("GET", "/api/v1/people/Al%20Pacino/image?maxWidth=30&token="+e.admin, nil))
	if img, err := jpeg.Decode(rec.Body); err != nil || img.Bounds().Dx() != 30 {
		t.Fatalf("picture: %v", err)
	}
	e.want(404, e.as(e.admin, "GET", "/api/v1/people/Michael%20Mann/image", nil)) // outside every library folder
	e.want(404, e.as(e.admin, "GET", "/api/v1/people/Nobody", nil))
	e.want(401, e.do("GET", "/api/v1/people/Al%20Pacino", nil))
	hidden := e.addLibrary("hidden")
	bob, _ := e.addUser("bob", hidden.ID)
	e.want(404, e.as(bob, "GET", "/api/v1/people/Al%20Pacino", nil))
	e.want(404, e.as(bob, "GET", "/api/v1/people/Al%20Pacino/image", nil))
}
