package plex

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/walros/walros/core"
)

func TestImages(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies)
	// A poster beside the movie, as the scanner finds local artwork.
	dir := filepath.Join(movies.Paths[0], "Heat (1995)")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 600))
	for y := range 600 {
		for x := range 400 {
			img.Set(x, y, color.RGBA{200, 30, 30, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"poster.jpg": buf.Bytes(), "Heat (1995).mkv": []byte("not really media")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.scanner.Scan(e.ctx, movies, 0, nil); err != nil {
		t.Fatal(err)
	}
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	_ = shows
	heat := e.item(core.KindMovie, "Heat")
	m := e.getJSON("/library/metadata/"+strconv.FormatInt(heat.Key, 10), e.admin)["Metadata"].([]any)[0].(map[string]any)
	thumb, _ := m["thumb"].(string)
	if thumb == "" || m["art"] != nil {
		t.Fatalf("thumb %q, art %v", thumb, m["art"])
	}
	rec := e.want(http.StatusOK, e.get(thumb, e.admin))
	if got, err := jpeg.DecodeConfig(rec.Body); err != nil || got.Width != 400 || got.Height != 600 {
		t.Fatalf("thumb %+v, %v", got, err)
	}
	// The photo transcoder: a smaller size, never larger unless asked.
	rec = e.want(http.StatusOK, e.get("/photo/:/transcode?width=100&height=100&minSize=1&url="+url.QueryEscape(thumb), e.admin))
	if got, err := jpeg.DecodeConfig(rec.Body); err != nil || got.Height != 100 || got.Width > 100 {
		t.Fatalf("transcoded %+v, %v", got, err)
	}
	rec = e.want(http.StatusOK, e.get("/photo/:/transcode?width=800&height=1200&url="+url.QueryEscape(thumb), e.admin))
	if got, err := jpeg.DecodeConfig(rec.Body); err != nil || got.Height != 600 {
		t.Fatalf("not upscaled %+v, %v", got, err)
	}
	rec = e.want(http.StatusOK, e.get("/photo/:/transcode?width=800&height=1200&upscale=1&url="+url.QueryEscape(thumb), e.admin))
	if got, err := jpeg.DecodeConfig(rec.Body); err != nil || got.Height != 1200 {
		t.Fatalf("upscaled %+v, %v", got, err)
	}
	ann := e.addUser("ann", shows.ID)
	for _, tc := range []struct {
		path, token string
		code        int
	}{
		{thumb, ann, http.StatusNotFound}, // not her library
		{"/photo/:/transcode?width=10&url=" + url.QueryEscape(thumb), ann, http.StatusNotFound},
		{"/photo/:/transcode?url=" + url.QueryEscape("http://example.com/x.jpg"), e.admin, http.StatusNotFound},
		{"/photo/:/transcode?url=" + url.QueryEscape("/etc/passwd"), e.admin, http.StatusNotFound},
		{"/photo/:/transcode?width=-4&url=" + url.QueryEscape(thumb), e.admin, http.StatusBadRequest},
		{"/library/metadata/" + strconv.FormatInt(heat.Key, 10) + "/art/1", e.admin, http.StatusNotFound}, // no backdrop
		{thumb, "", http.StatusUnauthorized},
	} {
		if rec := e.get(tc.path, tc.token); rec.Code != tc.code {
			t.Errorf("GET %s: %d, want %d", tc.path, rec.Code, tc.code)
		}
	}
}
