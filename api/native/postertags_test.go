package native

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// TestListPosterTags: lists carry the tag of each item's poster (decision 0042), which follows an
// admin's pick, upload and delete, always equals the tag the image list gives index 0, and makes
// the poster's URL one that browsers keep for good.
func TestListPosterTags(t *testing.T) {
	e := newEnv(t)
	lib := e.addLibrary("films")
	ctx := context.Background()
	heat := e.addMovie(lib, "55555555-0000-7000-8000-0000000000b1", "Heat")
	e.addMovie(lib, "55555555-0000-7000-8000-0000000000b2", "Ronin")
	redPath, greenPath := filepath.Join(e.media, "poster.png"), filepath.Join(e.media, "poster-2.png")
	for p, c := range map[string]color.RGBA{redPath: {220, 20, 20, 255}, greenPath: {20, 200, 20, 255}} {
		if err := os.WriteFile(p, solid(t, c, 40, 60), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.stores.Metadata.SetMetadata(ctx, heat.ID, core.Metadata{Title: "Heat", Images: []core.Image{
		{Kind: core.ImagePrimary, Path: redPath}, {Kind: core.ImagePrimary, Path: greenPath}}}); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/items/" + string(heat.ID) + "/images"
	// listed returns the tags the item list gives, by title.
	listed := func() map[string]string {
		t.Helper()
		var l struct {
			Items []itemDTO `json:"items"`
		}
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?library="+lib.ID+"&sort=title", nil)), &l)
		out := map[string]string{}
		for _, it := range l.Items {
			out[it.Title] = it.ImageTag
		}
		return out
	}
	// check wants the list's tag for Heat to be the image list's for index 0, and its URL immutable.
	check := func(step string, images []artworkDTO) string {
		t.Helper()
		tags := listed()
		if tags["Heat"] == "" || tags["Heat"] != images[0].Tag || tags["Ronin"] != "" {
			t.Fatalf("%s: list tags %v, images %+v", step, tags, images)
		}
		rec := e.want(200, e.as(e.admin, "GET", base+"/Primary/0?maxWidth=300&tag="+tags["Heat"], nil))
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Fatalf("%s: the list's tagged poster URL: Cache-Control %q", step, cc)
		}
		return tags["Heat"]
	}

	var l artworkList
	e.decode(e.want(200, e.as(e.admin, "GET", base, nil)), &l)
	first := check("at first", l.Items)

	e.decode(e.want(200, e.as(e.admin, "POST", base+"/Primary/1/select", nil)), &l)
	picked := check("after the pick", l.Items)
	if picked == first {
		t.Fatalf("the pick left the list's tag at %q", first)
	}
	rec := e.want(200, e.as(e.admin, "GET", base+"/Primary/0?tag="+first, nil))
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-cache" {
		t.Fatalf("the old tag after the pick: Cache-Control %q", cc)
	}

	e.decode(e.want(201, e.do("POST", base+"/Primary", string(solid(t, color.RGBA{20, 20, 220, 255}, 30, 30)),
		"Authorization", "Bearer "+e.admin, "Content-Type", "image/png")), &l)
	if uploaded := check("after the upload", l.Items); uploaded == picked || uploaded == first {
		t.Fatalf("the upload left the list's tag at %q", uploaded)
	}

	e.decode(e.want(200, e.as(e.admin, "DELETE", base+"/Primary/0", nil)), &l)
	if back := check("after the delete", l.Items); back != picked {
		t.Fatalf("after deleting the upload: tag %q, want the picked poster's %q", back, picked)
	}
}
