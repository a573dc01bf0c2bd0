package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// TestStreamingWithFFmpegClients plays a scanned movie the way players do, with ffmpeg itself as
// the HLS and the DASH client: every rendition decodes end to end with no error and the right
// duration, also after a seek that started an encoder in the middle, and subtitles come as WebVTT.
func TestStreamingWithFFmpegClients(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	probe := ffmpegtest.RequireFFprobe(t)
	media := t.TempDir()
	movie := filepath.Join(media, "Heat (1995)", "Heat (1995).mkv")
	if err := testmedia.Generate(context.Background(), ff, testmedia.Spec{Path: movie, Duration: 24 * time.Second,
		Width: 320, Height: 180, KeyframeInterval: 48}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(media, "Heat (1995)", "Heat (1995).en.srt"),
		[]byte("1\n00:00:01,000 --> 00:00:03,000\nThe <i>first</i> line\n\n2\n00:00:20,000 --> 00:00:22,500\nThe last line\n"))

	cfg := testConfig(t)
	cfg.Demo, cfg.Admin.Password, cfg.FFmpeg, cfg.FFprobe = false, "correct-horse", ff.Bin, probe.Bin
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.libraries.Create(context.Background(), operator, core.NewLibrary{Name: "Movies", Type: core.LibraryMovies,
		Paths: []string{media}}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, func(a, _ string) { addrc <- a }) }()
	base := "http://" + <-addrc
	var tok struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"correct-horse"}`, "", http.StatusOK, &tok)
	var page struct{ Items []struct{ ID string } }
	for deadline := time.Now().Add(60 * time.Second); len(page.Items) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the movie was not scanned")
		}
		get(t, base+"/api/v1/items?type=movie", tok.AccessToken, http.StatusOK, &page)
	}
	item := base + "/api/v1/items/" + page.Items[0].ID
	q := "?token=" + tok.AccessToken

	master := get(t, item+"/hls/master.m3u8"+q, "", http.StatusOK, nil)
	uris := regexp.MustCompile(`(?m)^[^#\s]\S*index\.m3u8\S*$|URI="([^"]+)"`).FindAllStringSubmatch(master, -1)
	var renditions []string
	for _, m := range uris {
		u := m[0]
		if m[1] != "" {
			u = m[1]
		}
		renditions = append(renditions, u)
	}
	// Child URLs carry a media token for this item, not the short-lived access token, and it opens
	// nothing else.
	mt := regexp.MustCompile(`token=([^&\s"]+)`).FindStringSubmatch(master)
	if mt == nil || mt[1] == tok.AccessToken {
		t.Fatalf("the playlist's URLs carry %v; want a media token", mt)
	}
	get(t, base+"/api/v1/libraries", mt[1], http.StatusUnauthorized, nil)
	// A copied variant, the encodes under it (180p is the source's size), the audio, the subtitle.
	want := []string{"v-copy/", "v-h264-320x180-400k/", "a1-aac-2ch-128k/", "subs/2.m3u8"}
	for _, w := range want {
		if !strings.Contains(master, w) {
			t.Fatalf("master playlist lacks %s:\n%s", w, master)
		}
	}

	duration := func(url string) float64 {
		t.Helper()
		var out bytes.Buffer
		if err := probe.Run(context.Background(), []string{"-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url}, &out); err != nil {
			t.Fatalf("ffprobe %s: %v %s", url, err, stderrOf(err))
		}
		d, _ := strconv.ParseFloat(strings.TrimSpace(out.String()), 64)
		return d
	}
	decodeWith := func(strict bool, args ...string) int {
		t.Helper()
		var out bytes.Buffer
		full := append([]string{"-v", "error"}, args...)
		if strict {
			full = append([]string{"-xerror"}, full...)
		}
		full = append(full, "-f", "framecrc", "-")
		if err := ff.Run(context.Background(), full, &out); err != nil {
			t.Fatalf("ffmpeg %v: %v %s", args, err, stderrOf(err))
		}
		return strings.Count(out.String(), "\n0, ")
	}
	decode := func(args ...string) int { t.Helper(); return decodeWith(true, args...) }
	for _, r := range renditions {
		if strings.HasPrefix(r, "subs/") {
			continue
		}
		url := base + "/api/v1/items/" + page.Items[0].ID + "/hls/" + r
		t.Run(strings.Split(r, "/")[0], func(t *testing.T) {
			// Seek first: a segment in the middle starts an encoder there.
			mid := strings.Replace(url, "index.m3u8", "5.m4s", 1)
			get(t, mid, "", http.StatusOK, nil)
			if d := duration(url); d < 23.9 || d > 24.2 {
				t.Fatalf("duration %.3f s; want 24", d)
			}
			frames := decode("-i", url)
			if strings.HasPrefix(r, "v-") && frames != 24*24 {
				t.Fatalf("%d video frames; want %d", frames, 24*24)
			}
		})
	}
	// The master playlist as a whole, and a client seek into it.
	if n := decode("-i", item+"/hls/master.m3u8"+q, "-map", "0:v:0", "-map", "0:a:0"); n != 24*24 {
		t.Fatalf("master: %d video frames", n)
	}
	// DASH over the same segments: every representation, and a client seek. (ffmpeg 5.1's HLS
	// demuxer cannot seek in fMP4 playlists, its own included: it loses the init segment.)
	mpd := item + "/dash/manifest.mpd" + q
	if n := decode("-ss", "15", "-i", mpd, "-map", "0:v:1"); n < 8*24 || n > 10*24 {
		t.Fatalf("DASH after a seek to 15 s: %d frames; want about 9 s of them", n)
	}
	for i := range 2 {
		if n := decode("-i", mpd, "-map", fmt.Sprintf("0:v:%d", i), "-map", "0:a:0"); n != 24*24 {
			t.Fatalf("DASH representation %d: %d frames", i, n)
		}
	}
	if d := duration(mpd); d < 23.9 || d > 24.2 {
		t.Fatalf("DASH duration %.3f", d)
	}
	manifest := get(t, mpd, "", http.StatusOK, nil)
	if !strings.Contains(manifest, `contentType="text" mimeType="text/vtt" lang="eng"`) || !strings.Contains(manifest, "/subtitles/2.vtt?token=") {
		t.Fatalf("the DASH manifest lacks the subtitle:\n%s", manifest)
	}
	// MPEG-TS for old players: video and audio muxed, copied or encoded. (ffmpeg's null muxer
	// rejects the millisecond timestamps of copied Matroska video in any TS, so not -xerror.)
	ts := get(t, item+"/hls/master.m3u8"+q+"&container=ts", "", http.StatusOK, nil)
	if !strings.Contains(ts, "t-copy-a1-2ch-128k/") || !strings.Contains(ts, "t-h264-320x180-400k-a1-2ch-128k/") || strings.Contains(ts, "TYPE=AUDIO") {
		t.Fatalf("TS master playlist:\n%s", ts)
	}
	for i := range 2 {
		if n := decodeWith(false, "-i", item+"/hls/master.m3u8"+q+"&container=ts", "-map", fmt.Sprintf("0:v:%d", i), "-map", "0:a:0"); n != 24*24 {
			t.Fatalf("TS variant %d: %d video frames", i, n)
		}
	}
	vtt := get(t, item+"/subtitles/2.vtt"+q, "", http.StatusOK, nil)
	if !strings.HasPrefix(vtt, "WEBVTT") || !strings.Contains(vtt, "00:00:20.000 --> 00:00:22.500") || !strings.Contains(vtt, "<i>first</i>") {
		t.Fatalf("WebVTT:\n%s", vtt)
	}
	// The sound alone, as MP3 and Opus, decoded whole.
	for _, codec := range []string{"mp3", "opus"} {
		url := item + "/audio" + q + "&codec=" + codec + "&bitrate=96000"
		wav := filepath.Join(t.TempDir(), codec+".wav")
		if err := ff.Run(context.Background(), []string{"-v", "error", "-xerror", "-i", url, wav}, nil); err != nil {
			t.Fatalf("decode %s: %v %s", codec, err, stderrOf(err))
		}
		if d := duration(wav); d < 23.8 || d > 24.3 { // a stream tells no duration: count what decodes
			t.Fatalf("%s audio lasts %.3f s", codec, d)
		}
	}
	get(t, item+"/audio"+q+"&codec=flac", "", http.StatusBadRequest, nil)
	// Scrub thumbnails: 202 while they are made, then the index and its sprites.
	var thumbs string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		res, err := http.Get(item + "/thumbs/thumbs.vtt" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			thumbs = string(b)
			break
		}
		if res.StatusCode != http.StatusAccepted || res.Header.Get("Retry-After") == "" || time.Now().After(deadline) {
			t.Fatalf("thumbnails: %d %s", res.StatusCode, b)
		}
	}
	sprite := regexp.MustCompile(`(sprite-0\.jpg\?[^#\s]+)#xywh=0,0,\d+,\d+`).FindStringSubmatch(thumbs)
	if !strings.HasPrefix(thumbs, "WEBVTT") || sprite == nil {
		t.Fatalf("thumbs.vtt:\n%s", thumbs)
	}
	if jpg := get(t, item+"/thumbs/"+sprite[1], "", http.StatusOK, nil); !strings.HasPrefix(jpg, "\xff\xd8") {
		t.Fatal("the sprite is not a JPEG")
	}
	get(t, item+"/thumbs/..%2f..%2fstream"+q, "", http.StatusNotFound, nil)
	get(t, item+"/hls/v-copy/999.m4s"+q, "", http.StatusNotFound, nil)
	get(t, item+"/hls/v-h264-9999x180-400k/0.m4s"+q, "", http.StatusBadRequest, nil)
	get(t, item+"/hls/../../stream"+q, "", http.StatusNotFound, nil)
	get(t, item+"/hls/master.m3u8", "", http.StatusUnauthorized, nil)

	// A user capped at 300 kb/s (under the 400 kb/s rung) gets no copy and one encode under the
	// cap, whatever the URL asks; it plays.
	post(t, base+"/api/v1/users", `{"username":"bob","password":"bob-password","maxBitrate":300000}`, tok.AccessToken,
		http.StatusCreated, nil)
	var bob struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"bob","password":"bob-password"}`, "", http.StatusOK, &bob)
	capped := get(t, item+"/hls/master.m3u8?maxBitrate=20000000&token="+bob.AccessToken, "", http.StatusOK, nil)
	if strings.Contains(capped, "v-copy/") || !strings.Contains(capped, "v-h264-320x180-172k/") {
		t.Fatalf("bob's master playlist:\n%s", capped)
	}
	if n := decode("-i", item+"/hls/master.m3u8?token="+bob.AccessToken, "-map", "0:v:0", "-map", "0:a:0"); n != 24*24 {
		t.Fatalf("bob's master: %d video frames", n)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, "cache", "segments", "index")); err != nil {
		t.Fatalf("the segment cache index was not written at shutdown: %v", err)
	}
}

func stderrOf(err error) string {
	if e, ok := err.(*ffmpeg.ExitError); ok {
		return e.Stderr
	}
	return ""
}

// TestKeyframesIndexedAhead: the background pass lists the keyframes of scanned videos, so a
// first play does not wait for a read of the whole file.
func TestKeyframesIndexedAhead(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	probe := ffmpegtest.RequireFFprobe(t)
	media := t.TempDir()
	if err := testmedia.Generate(context.Background(), ff, testmedia.Spec{Path: filepath.Join(media, "Heat (1995)", "Heat (1995).mkv"),
		Duration: 4 * time.Second, Width: 320, Height: 180}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.FFmpeg, cfg.FFprobe = ff.Bin, probe.Bin
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	lib, err := a.libraries.Create(context.Background(), operator, core.NewLibrary{Name: "Movies", Type: core.LibraryMovies, Paths: []string{media}})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	scanner, err := newScanner(a, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer scanner.Close()
	if _, err := scanner.Scan(context.Background(), lib, 0, nil); err != nil {
		t.Fatal(err)
	}
	streams, err := newStreaming(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer streams.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { streams.indexKeyframes(ctx, a, time.Hour, log); close(done) }()
	dir := filepath.Join(cfg.Data, "cache", "keyframes")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no keyframe index written")
		}
	}
	cancel()
	<-done
}
