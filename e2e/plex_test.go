package e2e

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
)

// plexSteps are the steps plexapi.cjs must report, all passed.
var plexSteps = []string{"connect", "identity", "sections", "paging", "metadata", "part-range", "scrobble", "playlists",
	"timeline", "on-deck", "progress", "hub-search", "bad-token"}

// TestPlexAPI runs plexapi.cjs, the plex-api 5.3.2 conformance check, against the Plex facade of
// the real binary serving the generated movie library, with the admin's Walros access token as
// X-Plex-Token.
func TestPlexAPI(t *testing.T) {
	requireNode(t, "plex-api")
	ff := ffmpegtest.RequireFFmpeg(t)
	ffmpegtest.RequireFFprobe(t)
	artifacts := artifactsDir(t)
	work := t.TempDir()
	movies := writeMovies(t, ff, work)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	host, port, err := net.SplitHostPort(srv.plexAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(movies, "Big Test (2020)", "Big Test (2020).mkv")
	size, head := fileHead(t, file, 1024)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "plexapi.cjs", "--host", host, "--port", port, "--token", srv.token,
		"--location", movies, "--file", file, "--size", strconv.FormatInt(size, 10), "--head", hex.EncodeToString(head),
		"--movie", bigTest, "--other", longSubs)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	out := bytes.TrimSpace(stdout.Bytes())
	if werr := os.WriteFile(filepath.Join(artifacts, "plexapi.json"), out, 0o644); werr != nil {
		t.Log(werr)
	}
	var r report
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("plexapi.cjs: %v; its stdout is not a JSON report (%v):\n%s\nstderr:\n%s", err, jerr, out, tail(stderr.String(), 16<<10))
	}
	t.Logf("plexapi.cjs: ok=%v in %s; %s", r.OK, time.Since(start).Round(time.Millisecond), stepSummary(&r))
	if err != nil || !r.OK {
		t.Fatalf("plexapi.cjs failed (%v)%s\nreport:\n%s\nstderr:\n%s", err, diagnose(&r), indent(out), tail(stderr.String(), 16<<10))
	}
	ok := map[string]bool{}
	for _, s := range r.Steps {
		ok[s.Name] = s.OK
	}
	for _, name := range plexSteps {
		if !ok[name] {
			t.Errorf("plexapi.cjs reported no passed step %q", name)
		}
	}
	// The universal transcoder: the master playlist a Plex client starts, decoded whole by ffmpeg
	// with only the token in its URL, the video copied (directStream=1) and encoded (=0, smaller).
	key := plexRatingKey(t, srv, bigTest)
	for _, tc := range []struct{ name, query string }{
		{"copy", "directStream=1"},
		{"encode", "directStream=0&videoResolution=320x180&maxVideoBitrate=500"},
	} {
		t.Run("transcode-"+tc.name, func(t *testing.T) {
			u := "http://" + srv.plexAddr(t) + "/video/:/transcode/universal/start.m3u8?path=%2Flibrary%2Fmetadata%2F" + key +
				"&mediaIndex=0&partIndex=0&protocol=hls&session=e2e-" + tc.name + "&" + tc.query + "&X-Plex-Token=" + url.QueryEscape(srv.token)
			decode := exec.CommandContext(ctx, ff.Bin, "-hide_banner", "-nostats", "-xerror", "-i", u,
				"-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-")
			var log bytes.Buffer
			decode.Stderr = &log
			if err := decode.Run(); err != nil {
				t.Fatalf("ffmpeg decoding %s: %v\n%s", u, err, tail(log.String(), 8<<10))
			}
			frames := lastFrameCount(log.String())
			if want := movieSeconds * 24; frames < want-24 || frames > want+24 {
				t.Fatalf("ffmpeg decoded %d video frames, want about %d\n%s", frames, want, tail(log.String(), 4<<10))
			}
			if tc.name == "encode" && !strings.Contains(log.String(), "320x180") {
				t.Errorf("the encoded stream is not 320x180:\n%s", tail(log.String(), 4<<10))
			}
			t.Logf("ffmpeg decoded %d frames from the %s stream", frames, tc.name)
		})
	}

	// A request the facade could not answer is a server bug, even when the client went on.
	if l := srv.log.lines(`"plex request failed"`); len(l) > 0 {
		t.Errorf("the Plex facade failed requests:\n%s", strings.Join(l, "\n"))
	}
}

// plexRatingKey finds a movie's ratingKey through the facade's search.
func plexRatingKey(t *testing.T, srv *server, title string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+srv.plexAddr(t)+"/hubs/search?query="+url.QueryEscape(title), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Plex-Token", srv.token)
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		MediaContainer struct {
			Hub []struct {
				Metadata []struct{ RatingKey, Title string }
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, h := range v.MediaContainer.Hub {
		for _, m := range h.Metadata {
			if m.Title == title {
				return m.RatingKey
			}
		}
	}
	t.Fatalf("search found no %q: %+v", title, v)
	return ""
}

var plexListening = regexp.MustCompile(`plex facade listening"?.*?\baddr"?[=:]"?([^"\s]+)`)

// plexAddr is where the server's Plex facade listens, from its log: startServer asks for port 0.
func (s *server) plexAddr(t *testing.T) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if m := plexListening.FindStringSubmatch(s.log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatal(`walros logged no "plex facade listening" line with its address`)
		}
	}
}

// fileHead returns the size of a file and its first n bytes.
func fileHead(t *testing.T, path string, n int) (int64, []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f, b); err != nil {
		t.Fatalf("read the first %d bytes of %s: %v", n, path, err)
	}
	return fi.Size(), b
}
