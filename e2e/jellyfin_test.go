package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
)

// TestJellyfinSDK runs jellyfinsdk.mjs, the @jellyfin/sdk 0.13 conformance check, against the real
// binary serving a generated movie library and a two-episode show, then decodes the transcoding
// URL the SDK was given with ffmpeg, as a player would.
func TestJellyfinSDK(t *testing.T) {
	requireNode(t, "@jellyfin/sdk", "axios")
	ff := ffmpegtest.RequireFFmpeg(t)
	ffmpegtest.RequireFFprobe(t)
	artifacts := artifactsDir(t)
	work := t.TempDir()
	movies := writeMovies(t, ff, work)
	shows := writeShow(t, ff, work, filepath.Join(movies, "Big Test (2020)", "Big Test (2020).mkv"))
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibraryOf(t, "Movies", "movies", movies)
	srv.addLibraryOf(t, "Shows", "shows", shows)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "jellyfinsdk.mjs", "--base", srv.base, "--user", "admin",
		"--password", adminPassword, "--movie", bigTest, "--show", "Test Show")
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := bytes.TrimSpace(stdout.Bytes())
	if werr := os.WriteFile(filepath.Join(artifacts, "jellyfinsdk.json"), out, 0o644); werr != nil {
		t.Log(werr)
	}
	var r struct {
		report
		Playback struct {
			TranscodingURL string `json:"transcodingUrl"`
		} `json:"playback"`
	}
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("jellyfinsdk.mjs: %v; its stdout is not a JSON report (%v):\n%s\nstderr:\n%s", err, jerr, out, tail(stderr.String(), 16<<10))
	}
	t.Logf("jellyfinsdk.mjs: ok=%v; %s", r.OK, stepSummary(&r.report))
	if err != nil || !r.OK {
		t.Fatalf("jellyfinsdk.mjs failed (%v)\nreport:\n%s\nstderr:\n%s", err, indent(out), tail(stderr.String(), 16<<10))
	}

	// The master playlist PlaybackInfo gave the SDK, decoded whole by ffmpeg with only the token
	// in its URLs: every segment must come, and the frames must add up to the movie.
	t.Run("ffmpeg", func(t *testing.T) {
		if r.Playback.TranscodingURL == "" {
			t.Fatal("the report has no transcoding URL")
		}
		decode := exec.CommandContext(ctx, ff.Bin, "-hide_banner", "-nostats", "-xerror", "-i", r.Playback.TranscodingURL,
			"-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-")
		var log bytes.Buffer
		decode.Stderr = &log
		if err := decode.Run(); err != nil {
			t.Fatalf("ffmpeg decoding %s: %v\n%s", r.Playback.TranscodingURL, err, tail(log.String(), 8<<10))
		}
		frames := lastFrameCount(log.String())
		if want := movieSeconds * 24; frames < want-24 || frames > want+24 {
			t.Fatalf("ffmpeg decoded %d video frames, want about %d\n%s", frames, want, tail(log.String(), 4<<10))
		}
		t.Logf("ffmpeg decoded %d frames from %s", frames, r.Playback.TranscodingURL)
	})
}

var frameRE = regexp.MustCompile(`frame=\s*(\d+)`)

// lastFrameCount reads the frame count of ffmpeg's final progress line.
func lastFrameCount(log string) int {
	m := frameRE.FindAllStringSubmatch(log, -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

// writeShow writes root/Shows/Test Show/Season 01 with two episodes (copies of the movie) and a
// poster for the movie it copies, and returns the Shows folder.
func writeShow(t *testing.T, ff ffmpeg.Runner, root, movie string) string {
	t.Helper()
	season := filepath.Join(root, "Shows", "Test Show", "Season 01")
	if err := os.MkdirAll(season, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		copyFile(t, movie, filepath.Join(season, fmt.Sprintf("Test Show S01E%02d.mkv", i)))
	}
	poster := filepath.Join(filepath.Dir(movie), "poster.jpg")
	run(context.Background(), t, ff, "-f", "lavfi", "-i", "color=c=red:s=200x300", "-frames:v", "1", "-y", poster)
	return filepath.Join(root, "Shows")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Link(from, to); err == nil {
		return
	}
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
