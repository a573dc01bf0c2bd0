package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The fake TMDb's movie and its pictures: three posters and a backdrop of distinct solid colours,
// so that a pixel tells which one a page shows.
const (
	fakeTMDbID       = "4242"
	fixedTitle       = "The Fixed Match"
	fixedOverview    = "An overview only the fake TMDb knows, fetched by Fix match."
	uploadedRGB      = "200,40,200" // the uploaded poster: magenta
	secondPosterRGB  = "30,190,60"  // the candidate the admin picks: green
	firstPosterRGB   = "210,40,40"  // red
	thirdPosterRGB   = "40,60,210"  // blue
	fakeBackdropRGB  = "230,200,40" // yellow
	fakeTMDbImageDir = "/t/p/original"
)

// fakeTMDb is TMDb's API as the provider calls it, on loopback: searches find nothing (the scan
// leaves the file's title), and movie 4242 has details and pictures. It counts what it served.
type fakeTMDb struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func startFakeTMDb(t *testing.T) *fakeTMDb {
	t.Helper()
	pictures := map[string][]byte{}
	for name, rgb := range map[string]string{"poster-1.jpg": firstPosterRGB, "poster-2.png": secondPosterRGB, "poster-3.jpg": thirdPosterRGB, "backdrop-1.jpg": fakeBackdropRGB} {
		pictures[name] = solidPicture(t, rgb, 120, 180, strings.HasSuffix(name, ".png"))
	}
	f := &fakeTMDb{hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /3/search/movie", func(w http.ResponseWriter, r *http.Request) {
		f.hit("search")
		writeJSON(w, map[string]any{"page": 1, "results": []any{}, "total_results": 0})
	})
	mux.HandleFunc("GET /3/movie/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api_key") == "" {
			http.Error(w, `{"status_message":"Invalid API key"}`, http.StatusUnauthorized)
			return
		}
		if r.PathValue("id") != fakeTMDbID {
			http.Error(w, `{"status_message":"not found"}`, http.StatusNotFound)
			return
		}
		f.hit("movie")
		writeJSON(w, map[string]any{"id": 4242, "title": fixedTitle, "original_title": fixedTitle, "overview": fixedOverview,
			"release_date": "2020-05-01", "runtime": 1, "poster_path": "/poster-1.jpg", "backdrop_path": "/backdrop-1.jpg",
			"images": map[string]any{"posters": []map[string]any{{"file_path": "/poster-1.jpg"}, {"file_path": "/poster-2.png"}, {"file_path": "/poster-3.jpg"}},
				"backdrops": []map[string]any{{"file_path": "/backdrop-1.jpg"}}}})
	})
	mux.HandleFunc("GET "+fakeTMDbImageDir+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		b, ok := pictures[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		f.hit("image")
		w.Header().Set("Content-Type", http.DetectContentType(b))
		w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.hit("unexpected " + r.URL.Path)
		http.NotFound(w, r)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTMDb) hit(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[what]++
}

func (f *fakeTMDb) count(what string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[what]
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// solidPicture encodes a w×h picture of one colour ("r,g,b") as PNG or JPEG.
func solidPicture(t *testing.T, rgb string, w, h int, asPNG bool) []byte {
	t.Helper()
	var c color.RGBA
	if _, err := fmt.Sscanf(rgb, "%d,%d,%d", &c.R, &c.G, &c.B); err != nil {
		t.Fatal(err)
	}
	c.A = 255
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	var err error
	if asPNG {
		err = png.Encode(&buf, m)
	} else {
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWebArtwork drives the metadata editor of Walros's own web client with webartwork.mjs
// against a fake TMDb served on loopback: an admin fixes a movie's match (its title and overview
// change), sees the provider's candidate posters in the Artwork section, picks the second (the
// item's page, and its card on the home page without a reload, then show that picture), and
// uploads a picture that becomes the poster.
// Screenshots go to the artifacts directory (web-artwork-*.png).
func TestWebArtwork(t *testing.T) {
	_, _, artifacts, work, movies := webSetup(t)
	tmdb := startFakeTMDb(t)
	srv := startServer(t, buildWalros(t, work), artifacts, "WALROS_METADATA_TMDB_API_KEY=e2e-fake-key",
		"WALROS_METADATA_TMDB_URL="+tmdb.URL+"/3", "WALROS_METADATA_TMDB_IMAGE_URL="+tmdb.URL+fakeTMDbImageDir)
	srv.addLibrary(t, movies)
	it := srv.movie(t, bigTest) // the fake's search found nothing: the file's title stays
	upload := filepath.Join(work, "upload.png")
	if err := os.WriteFile(upload, solidPicture(t, uploadedRGB, 90, 135, true), 0o644); err != nil {
		t.Fatal(err)
	}

	r := play(t, srv, artifacts, "webartwork", "webartwork.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword, "--item", it.ID, "--title", bigTest,
		"--tmdb", fakeTMDbID, "--new-title", fixedTitle, "--overview", fixedOverview,
		"--picked", secondPosterRGB, "--uploaded", uploadedRGB, "--upload", upload, "--shots", artifacts, "--timeout", "30")
	var picked, uploaded struct {
		RGB []int `json:"rgb"`
	}
	if !r.detail("pick-poster", &picked) || !r.detail("upload", &uploaded) {
		t.Fatalf("no pick-poster or upload step in the report")
	}
	t.Logf("details page poster: %v after the pick, %v after the upload", picked.RGB, uploaded.RGB)

	// What the pages did is on the server, seen through the API rather than the script.
	var detail struct {
		Title        string   `json:"title"`
		Overview     string   `json:"overview"`
		LockedFields []string `json:"lockedFields"`
	}
	srv.call(t, http.MethodGet, "/api/v1/items/"+it.ID, nil, http.StatusOK, &detail)
	if detail.Title != fixedTitle || detail.Overview != fixedOverview {
		t.Errorf("after Fix match: %q, %q", detail.Title, detail.Overview)
	}
	var images struct {
		Items []struct {
			Kind   string `json:"kind"`
			Index  int    `json:"index"`
			Source string `json:"source"`
			URL    string `json:"url"`
		} `json:"items"`
	}
	srv.call(t, http.MethodGet, "/api/v1/items/"+it.ID+"/images", nil, http.StatusOK, &images)
	var sources []string
	for _, im := range images.Items {
		if im.Kind == "Primary" {
			sources = append(sources, im.Source)
		}
	}
	if strings.Join(sources, " ") != "uploaded remote remote remote" {
		t.Errorf("posters after the upload: %v, want the upload then TMDb's three", sources)
	}
	// The second poster of TMDb's, picked before the upload, is now second, after the upload.
	for i, want := range []string{uploadedRGB, secondPosterRGB, firstPosterRGB, thirdPosterRGB} {
		if got := srv.pictureColour(t, fmt.Sprintf("/api/v1/items/%s/images/Primary/%d", it.ID, i)); !near(got, want) {
			t.Errorf("poster %d is %s, want %s", i, got, want)
		}
	}
	if tmdb.count("movie") == 0 || tmdb.count("image") < 3 {
		t.Errorf("the fake TMDb served %v, want the movie and its pictures", tmdb.hits)
	}
	for what := range tmdb.hits {
		if strings.HasPrefix(what, "unexpected") {
			t.Errorf("the fake TMDb was asked for %s", what)
		}
	}
	for _, name := range []string{"fix-match", "artwork", "picked", "uploaded"} {
		if _, err := os.Stat(filepath.Join(artifacts, "web-artwork-"+name+".png")); err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}

// pictureColour fetches a picture as the admin and returns the colour of its centre as "r,g,b".
func (s *server) pictureColour(t *testing.T, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+path+"?format=png", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	m, err := png.Decode(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	r, g, b, _ := m.At(m.Bounds().Dx()/2, m.Bounds().Dy()/2).RGBA()
	return fmt.Sprintf("%d,%d,%d", r>>8, g>>8, b>>8)
}

// near reports whether two "r,g,b" colours differ by less than 40 on each channel: lossy
// encodings shift solid colours a little.
func near(a, b string) bool {
	var x, y [3]int
	if _, err := fmt.Sscanf(a, "%d,%d,%d", &x[0], &x[1], &x[2]); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(b, "%d,%d,%d", &y[0], &y[1], &y[2]); err != nil {
		return false
	}
	for i := range x {
		if d := x[i] - y[i]; d > 40 || d < -40 {
			return false
		}
	}
	return true
}
