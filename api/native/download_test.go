package native

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/download"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/testmedia"
)

// httpGet sends a request to srv with headers as name, value pairs and returns the answer with
// its whole body.
func httpGet(t *testing.T, method, u string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
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

// savedName is the file name a browser saves an answer as.
func savedName(t *testing.T, res *http.Response) string {
	t.Helper()
	v := res.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(v)
	if err != nil || disp != "attachment" {
		t.Fatalf("Content-Disposition %q: %q %v", v, disp, err)
	}
	return params["filename"]
}

// TestDownloadOriginal downloads an original file with a hostile name over real HTTP: whole, by
// ranges, with HEAD and a media token, and checks who may not.
func TestDownloadOriginal(t *testing.T) {
	e := newEnv(t)
	data := make([]byte, 1<<20+5)
	rand.Read(data)
	id, _ := e.scanOne("Amélie (2001)/Amélie <b>\"x\";\tname=evil (2001).mkv", data)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	u := srv.URL + "/api/v1/items/" + id + "/download"
	auth := "Bearer " + e.admin

	res, body := httpGet(t, "GET", u, "Authorization", auth)
	if res.StatusCode != 200 || !bytes.Equal(body, data) || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("whole file: %d, %d bytes, headers %v", res.StatusCode, len(body), res.Header)
	}
	const safe = `Amélie _b__x_;_name=evil (2001).mkv`
	if got := savedName(t, res); got != safe {
		t.Fatalf("saved as %q, want %q (header %q)", got, safe, res.Header.Get("Content-Disposition"))
	}
	if h := res.Header.Get("Content-Disposition"); strings.ContainsAny(h, "\t\r\n<>") || !strings.Contains(h, "filename*=UTF-8''Am%C3%A9lie") {
		t.Fatalf("Content-Disposition %q", h)
	}
	res, body = httpGet(t, "GET", u, "Authorization", auth, "Range", "bytes=1000-1999")
	if res.StatusCode != 206 || !bytes.Equal(body, data[1000:2000]) || savedName(t, res) != safe {
		t.Fatalf("range: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Range"), len(body))
	}
	// A broken download resumes where it stopped, if the file is the same.
	etag := res.Header.Get("ETag")
	res, body = httpGet(t, "GET", u, "Authorization", auth, "Range", "bytes=500000-", "If-Range", etag)
	if res.StatusCode != 206 || !bytes.Equal(body, data[500000:]) {
		t.Fatalf("resume: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, _ = httpGet(t, "GET", u, "Authorization", auth, "Range", "bytes=9999999-"); res.StatusCode != 416 ||
		res.Header.Get("Content-Disposition") != "" {
		t.Fatalf("range past the end: %d, %v", res.StatusCode, res.Header)
	}
	e.want(416, e.do("GET", "/api/v1/items/"+id+"/download", nil, "Authorization", auth, "Range", "bytes=9999999-"))
	if res, body = httpGet(t, "HEAD", u, "Authorization", auth); res.StatusCode != 200 || len(body) != 0 ||
		res.ContentLength != int64(len(data)) || savedName(t, res) != safe {
		t.Fatalf("HEAD: %d, %d bytes, length %d", res.StatusCode, len(body), res.ContentLength)
	}
	if res, _ = httpGet(t, "GET", u+"?quality=original", "Authorization", auth); res.StatusCode != 200 {
		t.Fatalf("quality=original: %d", res.StatusCode)
	}

	// Tokens: a media token in the URL works; a wrong one is 401, and a token for another item too.
	var mt struct {
		Token string `json:"token"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/items/"+id+"/media-token", nil)), &mt)
	if res, body = httpGet(t, "GET", u+"?token="+url.QueryEscape(mt.Token)); res.StatusCode != 200 || len(body) != len(data) {
		t.Fatalf("media token: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, _ = httpGet(t, "GET", u+"?token=nope"); res.StatusCode != 401 {
		t.Fatalf("wrong token: %d", res.StatusCode)
	}
	if res, _ = httpGet(t, "GET", u); res.StatusCode != 401 {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	e.want(401, e.do("GET", "/api/v1/items/00000000-0000-7000-8000-000000000000/download?token="+url.QueryEscape(mt.Token), nil))

	// Bad qualities; a server without a download transcoder offers originals only.
	e.want(400, e.as(e.admin, "GET", "/api/v1/items/"+id+"/download?quality=4k", nil))
	e.want(400, e.as(e.admin, "GET", "/api/v1/items/"+id+"/download?quality=720p", nil))
	e.want(400, e.as(e.admin, "GET", "/api/v1/items/"+id+"/downloads?quality=huge", nil))

	// Who may not: a user without the library, a user whose parental controls block the item.
	hidden := e.addLibrary("hidden")
	bob, _ := e.addUser("bob", hidden.ID)
	e.want(404, e.as(bob, "GET", "/api/v1/items/"+id+"/download", nil))
	e.want(404, e.as(bob, "GET", "/api/v1/items/"+id+"/downloads", nil))
	kid, kidUser := e.addUser("kid")
	e.want(200, e.as(kid, "GET", "/api/v1/items/"+id+"/download", nil))
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+kidUser.ID, map[string]any{"parentalControls": map[string]any{
		"blockUnrated": []string{"movie"}}}))
	kid = e.login("kid", "kid-password")
	e.want(404, e.as(kid, "GET", "/api/v1/items/"+id+"/download", nil))
	e.want(404, e.as(kid, "HEAD", "/api/v1/items/"+id+"/download", nil))
	e.want(404, e.as(kid, "GET", "/api/v1/items/"+id+"/downloads", nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/items/00000000-0000-7000-8000-000000000000/download", nil))
	e.want(404, e.as(e.admin, "GET", "/api/v1/items/"+id+"/download?file=nope", nil))

	// The manifest of a movie is the movie.
	var m manifestDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+id+"/downloads", nil)), &m)
	if len(m.Items) != 1 || m.Items[0].Size != int64(len(data)) || m.TotalSize != int64(len(data)) || m.Items[0].FileName != safe ||
		m.Items[0].Quality != "original" || m.Items[0].Estimated {
		t.Fatalf("manifest %+v", m)
	}
	if res, body = httpGet(t, "GET", srv.URL+m.Items[0].URL); res.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Fatalf("the manifest's URL: %d, %d bytes", res.StatusCode, len(body))
	}
}

// manifestDTO is what the tests read of a download manifest.
type manifestDTO struct {
	Name  string `json:"name"`
	Items []struct {
		ItemID    string `json:"itemId"`
		Title     string `json:"title"`
		FileName  string `json:"fileName"`
		Quality   string `json:"quality"`
		Size      int64  `json:"size"`
		Estimated bool   `json:"estimated"`
		URL       string `json:"url"`
	} `json:"items"`
	TotalSize int64 `json:"totalSize"`
}

// TestDownloadTranscodeAndBatch serves a real two-episode season, probed with ffprobe: an
// episode transcoded to 240p (ffprobe reads an H.264 240p MP4 back, ffmpeg decodes it whole),
// qualities mapped under the source and a user's bitrate cap, and the manifests of the season,
// the series and a playlist, whose URLs give the files.
func TestDownloadTranscodeAndBatch(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	ffprobe := ffmpegtest.RequireFFprobe(t)
	e := newEnvWith(t, envOptions{prober: probe.New(ffprobe, probe.Options{}), downloads: &download.Transcoder{FFmpeg: ff}})
	season := filepath.Join(e.media, "Shows", "Test Show", "Season 01")
	var files [][]byte
	for i := 1; i <= 2; i++ {
		p := filepath.Join(season, fmt.Sprintf("Test Show S01E%02d.mkv", i))
		if err := testmedia.Generate(t.Context(), ff, testmedia.Spec{Path: p, Duration: 3 * time.Second, Width: 640, Height: 360,
			VideoCodec: "h264", AudioCodec: "aac", Frequency: 440 * i}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	var lib libraryDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "Shows", "type": "shows",
		"paths": []string{filepath.Join(e.media, "Shows")}})), &lib)
	e.want(202, e.as(e.admin, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var st scanStatusDTO
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
		if !st.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("scan still running")
		}
	}
	var page struct {
		Items []itemDTO `json:"items"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?type=series,season,episode&sort=index&limit=10", nil)), &page)
	ids := map[core.ItemKind][]string{}
	for _, it := range page.Items {
		ids[core.ItemKind(it.Type)] = append(ids[core.ItemKind(it.Type)], it.ID)
	}
	if len(ids["series"]) != 1 || len(ids["season"]) != 1 || len(ids["episode"]) != 2 {
		t.Fatalf("after the scan: %+v", page.Items)
	}
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	auth := "Bearer " + e.admin

	// One episode at 240p: an MP4 that ffprobe reads as H.264 426x240 with stereo AAC.
	u := srv.URL + "/api/v1/items/" + ids["episode"][0] + "/download?quality=240p"
	res, body := httpGet(t, "GET", u, "Authorization", auth)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "video/mp4" || savedName(t, res) != "Test Show S01E01 - 240p.mp4" ||
		res.Header.Get("Accept-Ranges") != "none" {
		t.Fatalf("transcode: %d, headers %v, body %.200s", res.StatusCode, res.Header, body)
	}
	estimate, _ := strconv.ParseInt(res.Header.Get("Walros-Estimated-Length"), 10, 64)
	if estimate <= 0 {
		t.Fatalf("Walros-Estimated-Length %q", res.Header.Get("Walros-Estimated-Length"))
	}
	t.Logf("240p: %d bytes, %d estimated", len(body), estimate)
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := os.WriteFile(out, body, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := probe.New(ffprobe, probe.Options{}).Probe(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	var video, audio *core.Stream
	for i, s := range info.Streams {
		switch s.Kind {
		case core.StreamVideo:
			video = &info.Streams[i]
		case core.StreamAudio:
			audio = &info.Streams[i]
		}
	}
	if video == nil || video.Codec != "h264" || video.Height != 240 || video.Width != 426 || audio == nil || audio.Codec != "aac" ||
		info.Duration < 2500*time.Millisecond {
		t.Fatalf("the download probes as %+v", info)
	}
	if err := ff.Run(t.Context(), []string{"-xerror", "-i", out, "-f", "null", "-"}, nil); err != nil {
		t.Fatalf("decoding the download: %v", err)
	}

	// Qualities above the source give the source's size; HEAD names it without encoding.
	for q, want := range map[string]string{"1080p": "360p", "2160p": "360p", "360p": "360p", "480p": "360p", "240p": "240p"} {
		res, _ := httpGet(t, "HEAD", srv.URL+"/api/v1/items/"+ids["episode"][1]+"/download?quality="+q, "Authorization", auth)
		if name := savedName(t, res); res.StatusCode != 200 || name != "Test Show S01E02 - "+want+".mp4" {
			t.Errorf("HEAD quality=%s: %d, saved as %q, want %s", q, res.StatusCode, name, want)
		}
	}
	// A user's bitrate cap lowers the quality: 600 kb/s leaves 472 kb/s for video, enough for
	// 240p (400 kb/s), not 360p (800 kb/s); under 528 kb/s nothing fits.
	capped, cappedUser := e.addUser("capped")
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+cappedUser.ID, map[string]any{"maxBitrate": 600_000}))
	res, _ = httpGet(t, "HEAD", srv.URL+"/api/v1/items/"+ids["episode"][0]+"/download?quality=1080p", "Authorization", "Bearer "+capped)
	if name := savedName(t, res); name != "Test Show S01E01 - 240p.mp4" {
		t.Errorf("capped user: saved as %q, want 240p", name)
	}
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+cappedUser.ID, map[string]any{"maxBitrate": 500_000}))
	e.want(400, e.as(capped, "GET", "/api/v1/items/"+ids["episode"][0]+"/download?quality=1080p", nil))
	e.want(400, e.as(capped, "GET", "/api/v1/items/"+ids["season"][0]+"/downloads?quality=1080p", nil))
	e.want(200, e.as(capped, "GET", "/api/v1/items/"+ids["episode"][0]+"/download", nil)) // the original is not a stream

	// The season and the series list both episodes in order; their URLs carry a media token.
	for _, parent := range []string{ids["season"][0], ids["series"][0]} {
		var m manifestDTO
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+parent+"/downloads", nil)), &m)
		if len(m.Items) != 2 || m.Items[0].FileName != "Test Show S01E01.mkv" || m.Items[1].FileName != "Test Show S01E02.mkv" ||
			m.TotalSize != int64(len(files[0])+len(files[1])) {
			t.Fatalf("manifest of %s: %+v", parent, m)
		}
		for i, it := range m.Items {
			res, body := httpGet(t, "GET", srv.URL+it.URL)
			if res.StatusCode != 200 || !bytes.Equal(body, files[i]) || it.Size != int64(len(files[i])) || it.Quality != "original" {
				t.Fatalf("file %d of %s: %d, %d bytes, entry %+v", i, parent, res.StatusCode, len(body), it)
			}
		}
	}
	var m manifestDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+ids["season"][0]+"/downloads?quality=480p", nil)), &m)
	if len(m.Items) != 2 || !m.Items[0].Estimated || m.Items[0].Quality != "360p" || m.Items[0].FileName != "Test Show S01E01 - 360p.mp4" ||
		!strings.Contains(m.Items[0].URL, "quality=360p") || !strings.Contains(m.Items[0].URL, "token=") || m.Items[0].Size <= 0 {
		t.Fatalf("manifest at 480p: %+v", m)
	}

	// A playlist's manifest keeps the playlist's order.
	var pl struct {
		ID string `json:"id"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/playlists", map[string]any{"name": "Road trip",
		"items": []string{ids["episode"][1], ids["episode"][0]}})), &pl)
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/playlists/"+pl.ID+"/downloads", nil)), &m)
	if m.Name != "Road trip" || len(m.Items) != 2 || m.Items[0].ItemID != ids["episode"][1] || m.Items[1].ItemID != ids["episode"][0] {
		t.Fatalf("playlist manifest: %+v", m)
	}
	e.want(404, e.as(capped, "GET", "/api/v1/playlists/"+pl.ID+"/downloads", nil))
}
