package native

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scanOne scans a movies library holding one file with the given bytes and returns the movie's id.
func (e *env) scanOne(name string, data []byte) (itemID, libID string) {
	e.t.Helper()
	root := e.t.TempDir()
	path := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	var lib libraryDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "Movies", "type": "movies",
		"paths": []string{root}})), &lib)
	var st scanStatusDTO
	e.decode(e.want(202, e.as(e.admin, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	for deadline := time.Now().Add(10 * time.Second); st.Running; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("scan still running: %+v", st)
		}
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	}
	var page struct {
		Items []itemDTO `json:"items"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?type=movie", nil)), &page)
	if len(page.Items) != 1 {
		e.t.Fatalf("movies after the scan: %+v", page)
	}
	return page.Items[0].ID, lib.ID
}

// TestDirectPlay fetches an original file over real HTTP the ways players do: whole, by ranges,
// with HEAD, If-Range and conditional requests.
func TestDirectPlay(t *testing.T) {
	e := newEnv(t)
	data := make([]byte, 3<<20+17)
	rand.Read(data)
	id, _ := e.scanOne("Heat (1995)/Heat (1995).mkv", data)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	url := srv.URL + "/api/v1/items/" + id + "/stream"
	get := func(method string, headers ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}

	res, body := get("GET")
	if res.StatusCode != 200 || !bytes.Equal(body, data) || res.Header.Get("Content-Type") != "video/x-matroska" ||
		res.Header.Get("Accept-Ranges") != "bytes" || res.Header.Get("Last-Modified") == "" {
		t.Fatalf("whole file: %d, %d bytes, headers %v", res.StatusCode, len(body), res.Header)
	}
	etag := res.Header.Get("ETag")
	if len(etag) < 10 {
		t.Fatalf("ETag %q", etag)
	}
	res, body = get("GET", "Range", "bytes=1000-1999")
	if res.StatusCode != 206 || !bytes.Equal(body, data[1000:2000]) || res.Header.Get("Content-Range") != "bytes 1000-1999/3145745" {
		t.Fatalf("range: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Range"), len(body))
	}
	if res, body = get("GET", "Range", "bytes=-100"); res.StatusCode != 206 || !bytes.Equal(body, data[len(data)-100:]) {
		t.Fatalf("suffix range: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, body = get("GET", "Range", "bytes=3000000-"); res.StatusCode != 206 || !bytes.Equal(body, data[3000000:]) {
		t.Fatalf("open range: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, _ = get("GET", "Range", "bytes=9999999-"); res.StatusCode != 416 {
		t.Fatalf("range past the end: %d", res.StatusCode)
	}
	e.want(416, e.do("GET", "/api/v1/items/"+id+"/stream", nil, "Authorization", "Bearer "+e.admin, "Range", "bytes=9999999-"))
	if res, body = get("HEAD"); res.StatusCode != 200 || len(body) != 0 || res.ContentLength != int64(len(data)) {
		t.Fatalf("HEAD: %d, %d bytes, length %d", res.StatusCode, len(body), res.ContentLength)
	}
	if res, _ = get("GET", "If-None-Match", etag); res.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", res.StatusCode)
	}
	// If-Range with the current ETag honours the range; with a stale one it sends the whole file.
	if res, body = get("GET", "Range", "bytes=0-9", "If-Range", etag); res.StatusCode != 206 || len(body) != 10 {
		t.Fatalf("If-Range current: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, body = get("GET", "Range", "bytes=0-9", "If-Range", `"stale"`); res.StatusCode != 200 || len(body) != len(data) {
		t.Fatalf("If-Range stale: %d, %d bytes", res.StatusCode, len(body))
	}

	// <video> tags put the token in the URL; others' items and bad tokens get nothing.
	if res, err := http.Get(url + "?token=" + e.admin); err != nil || res.StatusCode != 200 {
		t.Fatalf("token in the query: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if res, err := http.Get(url + "?token=nope"); err != nil || res.StatusCode != 401 {
		t.Fatalf("bad token: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	// A media token opens this item's media for a day, and nothing else.
	var mt struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expiresIn"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/items/"+id+"/media-token", nil)), &mt)
	if mt.Token == "" || mt.ExpiresIn != 86400 {
		t.Fatalf("media token: %+v", mt)
	}
	e.clock.Add(time.Hour) // the access token has expired by now
	if res, err := http.Get(url + "?token=" + mt.Token); err != nil || res.StatusCode != 200 {
		t.Fatalf("stream with a media token after an hour: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	e.want(401, e.as(mt.Token, "GET", "/api/v1/libraries", nil))
	e.want(401, e.do("GET", "/api/v1/items/00000000-0000-7000-8000-000000000000/stream?token="+mt.Token, nil))
	e.admin = e.login("admin", "admin-password")
	e.want(404, e.as(e.admin, "POST", "/api/v1/items/00000000-0000-7000-8000-000000000000/media-token", nil))
	hidden := e.addLibrary("hidden")
	bob, _ := e.addUser("bob", hidden.ID)
	e.want(404, e.as(bob, "GET", "/api/v1/items/"+id+"/stream", nil))
	e.want(404, e.as(bob, "POST", "/api/v1/items/"+id+"/media-token", nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/items/"+id+"/stream?file=nope", nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/items/00000000-0000-7000-8000-000000000000/stream", nil))
}

// TestPlaybackDecision asks how a browser plays a Matroska file with 5.1 AAC: not as it is (no
// Matroska in browsers), but by HLS copying the video and downmixing the audio.
func TestPlaybackDecision(t *testing.T) {
	e := newEnv(t)
	id, _ := e.scanOne("Heat (1995)/Heat (1995).mkv", []byte("x"))
	var d struct {
		Method  string   `json:"method"`
		Reasons []string `json:"reasons"`
		URL     *string  `json:"url"`
		Video   struct {
			Copy bool `json:"copy"`
		} `json:"video"`
		Audio struct {
			Channels int `json:"channels"`
		} `json:"audio"`
	}
	e.decode(e.want(200, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{})), &d)
	if d.Method != "remux" || len(d.Reasons) == 0 || d.Reasons[0] != "ContainerNotSupported" || !d.Video.Copy ||
		d.Audio.Channels != 2 || d.URL == nil || !strings.Contains(*d.URL, "/hls/master.m3u8?") {
		t.Fatalf("decision: %+v", d)
	}
	e.decode(e.want(200, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{"maxHeight": 480})), &d)
	if d.Method != "transcode" || !strings.Contains(*d.URL, "maxHeight=480") {
		t.Fatalf("decision under 480p: %+v", d)
	}
	e.decode(e.want(200, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{"profile": "basic"})), &d)
	if d.URL == nil || !strings.Contains(*d.URL, "profile=basic") {
		t.Fatalf("a basic player's URL must carry its profile: %+v", d)
	}
	e.want(400, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{"profile": "toaster"}))
	e.want(400, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{"maxHeight": -1}))
	hidden := e.addLibrary("hidden")
	bob, _ := e.addUser("bob", hidden.ID)
	e.want(404, e.as(bob, "POST", "/api/v1/items/"+id+"/playback", map[string]any{}))
}
