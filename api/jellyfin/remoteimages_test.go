package jellyfin

import (
	"encoding/json"
	"image"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/tmdb"
	"github.com/walros/walros/core/scan"
)

// fakeTMDb serves movie 949 and its pictures on loopback, as the TMDb provider asks for them
// (metadata.tmdb_url and tmdb_image_url point it there). poster-3.jpg is listed but missing.
func fakeTMDb(t *testing.T) (srv *httptest.Server, asked func() []string) {
	t.Helper()
	pictures := map[string][]byte{"poster-1.png": picture(t, 40, 60, true, false), "poster-2.jpg": picture(t, 20, 30, false, false),
		"backdrop-1.jpg": picture(t, 64, 36, false, false)}
	var mu sync.Mutex
	var paths []string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /3/movie/949", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"id": 949, "title": "Heat", "overview": "Hanna hunts McCauley.",
			"release_date": "1995-12-15", "poster_path": "/poster-1.png", "backdrop_path": "/backdrop-1.jpg",
			"images": map[string]any{
				"posters":   []map[string]any{{"file_path": "/poster-1.png"}, {"file_path": "/poster-2.jpg"}, {"file_path": "/poster-3.jpg"}},
				"backdrops": []map[string]any{{"file_path": "/backdrop-1.jpg"}}}})
	})
	mux.HandleFunc("GET /t/p/original/{name}", func(w http.ResponseWriter, r *http.Request) {
		b, ok := pictures[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	})
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(paths)
	}
}

func TestRemoteImages(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	it := e.item(core.KindMovie, "Heat")
	heat := jid(it.ID)
	bob, _ := e.addUser("bob")

	// Without providers, nothing is offered, and the editor hides its Search buttons.
	var res remoteImageResult
	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/RemoteImages", e.admin, nil)), &res)
	if len(res.Images) != 0 || res.TotalRecordCount != 0 || len(res.Providers) != 0 {
		t.Fatalf("without providers: %+v", res)
	}
	if rec := e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/RemoteImages/Providers", e.admin, nil)); rec.Body.String() != "[]" {
		t.Fatalf("providers without providers: %s", rec.Body)
	}

	srv, asked := fakeTMDb(t)
	p := tmdb.New("key", nil, tmdb.Options{BaseURL: srv.URL + "/3", ImageBaseURL: srv.URL + "/t/p/original"})
	scanner := scan.New(e.stores.Media, e.stores.Libraries, fakeProber{}, scan.Options{Metadata: e.stores.Metadata,
		Items: e.stores.Items, Providers: []core.Provider{p}})
	t.Cleanup(scanner.Close)
	e.h.Scans = scanner
	if _, err := e.stores.Metadata.UpdateMetadata(e.ctx, it.ID, func(m *core.Metadata) error {
		m.ProviderIDs = map[string]string{"tmdb": "949"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pic := func(name string) string { return srv.URL + "/t/p/original/" + name }

	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/RemoteImages", e.admin, nil)), &res)
	want := []remoteImageInfo{{"tmdb", pic("poster-1.png"), "Primary", "Score"}, {"tmdb", pic("poster-2.jpg"), "Primary", "Score"},
		{"tmdb", pic("poster-3.jpg"), "Primary", "Score"}, {"tmdb", pic("backdrop-1.jpg"), "Backdrop", "Score"}}
	if !slices.Equal(res.Images, want) || res.TotalRecordCount != 4 || !slices.Equal(res.Providers, []string{"tmdb"}) {
		t.Fatalf("remote images = %+v", res)
	}
	// As jellyfin-web's image browser pages them, by type and provider.
	for q, want := range map[string][]remoteImageInfo{
		"type=Primary&startIndex=1&limit=1":  want[1:2],
		"Type=Backdrop&ProviderName=TMDb":    want[3:],
		"type=Primary&providerName=fanart":   {},
		"type=Screenshot":                    {},
		"startIndex=9&limit=2":               {},
		"type=Primary&includeAllLanguages=1": want[:3],
	} {
		var res remoteImageResult
		e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/RemoteImages?"+q, e.admin, nil)), &res)
		if !slices.Equal(res.Images, want) || !slices.Equal(res.Providers, []string{"tmdb"}) {
			t.Errorf("%s: %+v, want %+v", q, res, want)
		}
	}
	var provs []imageProviderInfo
	e.decode(e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/RemoteImages/Providers", e.admin, nil)), &provs)
	if len(provs) != 1 || provs[0].Name != "tmdb" || !slices.Contains(provs[0].SupportedImages, "Primary") {
		t.Fatalf("providers = %+v", provs)
	}

	// Taking the second poster: it is fetched now, and becomes the one shown.
	download := func(typ, u, token string) *httptest.ResponseRecorder {
		return e.do(http.MethodPost, "/Items/"+heat+"/RemoteImages/Download?type="+typ+"&imageUrl="+url.QueryEscape(u), token, nil)
	}
	e.want(http.StatusNoContent, download("Primary", pic("poster-2.jpg"), e.admin))
	tags, _ := e.imageTags(heat, e.admin)
	if tags["Primary"] != imageTag(core.Image{Kind: core.ImagePrimary, URL: pic("poster-2.jpg")}) {
		t.Fatalf("primary after the download: %v", tags)
	}
	rec := e.want(http.StatusOK, e.do(http.MethodGet, "/Items/"+heat+"/Images/Primary?tag="+tags["Primary"], "", nil))
	if cfg, _, err := image.DecodeConfig(rec.Body); err != nil || cfg.Width != 20 {
		t.Fatalf("served %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	// Taking it again only reorders: the item has it already.
	e.want(http.StatusNoContent, download("Primary", pic("poster-1.png"), e.admin))
	e.want(http.StatusNoContent, download("Primary", pic("poster-2.jpg"), e.admin))
	ims, err := e.items.Images(e.ctx, e.operator, it.ID)
	if err != nil || len(ims) != 2 || ims[0].URL != pic("poster-2.jpg") {
		t.Fatalf("images after taking posters twice: %v, %v", ims, err)
	}

	// Refused with nothing changed: URLs the providers do not offer are never fetched.
	before := asked()
	for _, tc := range []struct {
		name, typ, url, token string
		want                  int
	}{
		{"not offered", "Primary", "http://169.254.169.254/latest/meta-data", e.admin, http.StatusBadRequest},
		{"offered as another kind", "Backdrop", pic("poster-1.png"), e.admin, http.StatusBadRequest},
		{"no url", "Primary", "", e.admin, http.StatusBadRequest},
		{"no such kind", "Poster", pic("poster-1.png"), e.admin, http.StatusBadRequest},
		{"missing at the provider", "Primary", pic("poster-3.jpg"), e.admin, http.StatusBadGateway},
		{"not an admin", "Primary", pic("poster-1.png"), bob, http.StatusForbidden},
	} {
		if rec := download(tc.typ, tc.url, tc.token); rec.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body, tc.want)
		}
	}
	for _, p := range asked()[len(before):] {
		if !strings.HasPrefix(p, "/3/movie/949") && p != "/t/p/original/poster-3.jpg" {
			t.Errorf("the server fetched %s", p)
		}
	}
	if got, _ := e.items.Images(e.ctx, e.operator, it.ID); !slices.Equal(got, ims) {
		t.Fatalf("refused downloads changed the images: %v, were %v", got, ims)
	}
	for _, path := range []string{"/Items/" + heat + "/RemoteImages", "/Items/" + heat + "/RemoteImages/Providers"} {
		e.want(http.StatusForbidden, e.do(http.MethodGet, path, bob, nil))
		e.want(http.StatusNotFound, e.do(http.MethodGet, strings.Replace(path, heat, strings.Repeat("0", 32), 1), e.admin, nil))
	}
}
