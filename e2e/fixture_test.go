package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// Titles of the generated movies, as the scanner names them.
const (
	bigTest  = "Big Test"
	longSubs = "Long Subs"
)

// The generated movie: 40 s of 640x360 H.264 at 24 fps with a keyframe every 2 s and B-frames
// (as in real files), two AAC tracks (eng 440 Hz, fre 880 Hz) and an embedded SubRip track (eng)
// with a cue every 3 s whose text says when it starts, plus a French sidecar .srt.
const (
	movieSeconds = 40
	cueEvery     = 3
)

// writeMovies writes, under root/Movies:
//
//	Big Test (2020)/Big Test (2020).mkv and Big Test (2020).fr.srt: the movie above;
//	Long Subs (2021)/Long Subs (2021).mkv: the same streams, remuxed with an English subtitle whose
//	last cue ends at 41.5 s, so the container (41.5 s) outlasts the audio (40 s), as it does when
//	a subtitle track runs over the credits.
func writeMovies(t *testing.T, ff ffmpeg.Runner, root string) string {
	t.Helper()
	start := time.Now()
	movies := filepath.Join(root, "Movies")
	big := filepath.Join(movies, "Big Test (2020)")
	long := filepath.Join(movies, "Long Subs (2021)")
	for _, d := range []string{big, long} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	eng := filepath.Join(root, "eng.srt")
	var cues []string
	for s := 0; s+2 <= movieSeconds-1; s += cueEvery {
		cues = append(cues, cue(len(cues)+1, float64(s)+0.5, float64(s)+2.5, fmt.Sprintf("Cue %d at %d.5s", len(cues)+1, s)))
	}
	writeFile(t, eng, strings.Join(cues, ""))
	writeFile(t, filepath.Join(big, "Big Test (2020).fr.srt"),
		cue(1, 1, 3, "Bonjour 1")+cue(2, 11, 13, "Bonjour 2")+cue(3, 21, 23, "Bonjour 3")+cue(4, 31, 33, "Bonjour 4"))
	longSrt := filepath.Join(root, "long.srt")
	writeFile(t, longSrt, cue(1, 1, 3, "First")+cue(2, 38, 41.5, "Over the credits"))

	mkv := filepath.Join(big, "Big Test (2020).mkv")
	d := fmt.Sprint(movieSeconds)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run(ctx, t, ff, "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000:duration="+d,
		"-i", eng,
		"-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
		// ultrafast, but with B-frames: real files have them, and they change how ffmpeg seeks.
		"-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-pix_fmt", "yuv420p", "-b:v", "500k",
		"-g", "48", "-keyint_min", "48", "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "64k", "-ac", "2",
		"-c:s", "srt",
		"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre", "-metadata:s:s:0", "language=eng",
		mkv)
	run(ctx, t, ff, "-loglevel", "error", "-y", "-i", mkv, "-i", longSrt,
		"-map", "0:v", "-map", "0:a", "-map", "1:s", "-c", "copy", "-c:s", "srt",
		"-metadata:s:s:0", "language=eng",
		filepath.Join(long, "Long Subs (2021).mkv"))
	t.Logf("generated the movies in %s", time.Since(start).Round(time.Millisecond))
	return movies
}

func run(ctx context.Context, t *testing.T, ff ffmpeg.Runner, args ...string) {
	t.Helper()
	if err := ff.Run(ctx, args, nil); err != nil {
		t.Fatalf("ffmpeg %s: %v", strings.Join(args, " "), err)
	}
}

// cue is one SubRip cue.
func cue(n int, from, to float64, text string) string {
	return fmt.Sprintf("%d\n%s --> %s\n%s\n\n", n, srtTime(from), srtTime(to), text)
}

func srtTime(s float64) string {
	ms := int(s*1000 + 0.5)
	return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// requireBrowser checks what the playback scripts need: node, e2e/node_modules and Chromium.
// Without them it skips the test, except when CI is set: CI installs them (scripts/deps.sh
// chromium node), and a skip there would hide a broken install step, so it fails.
func requireBrowser(t *testing.T) {
	t.Helper()
	requireTools(t, true, "playwright-core", "hls.js", "dashjs")
}

// requireNode checks that node and the given e2e/node_modules packages are there, as
// requireBrowser does.
func requireNode(t *testing.T, modules ...string) {
	t.Helper()
	requireTools(t, false, modules...)
}

func requireTools(t *testing.T, browser bool, modules ...string) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node is not on PATH")
	}
	for _, m := range modules {
		if _, err := os.Stat(filepath.Join("node_modules", m, "package.json")); err != nil {
			missing = append(missing, "e2e/node_modules/"+m+" is missing")
		}
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(chromium); browser && (err != nil || fi.IsDir() || fi.Mode()&0o111 == 0) {
		missing = append(missing, chromium+" is not an executable (set CHROMIUM to another browser)")
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, "; ") + "; install them with: bash scripts/deps.sh chromium node"
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set, so the browser checks must run: %s", msg)
	}
	t.Skipf("skipping: %s", msg)
}

// artifactsDir is where screenshots and player reports are kept: $WALROS_ARTIFACTS when set (CI
// uploads it), else a temporary directory.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("WALROS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
		t.Log("set WALROS_ARTIFACTS=DIR to keep the artifacts: the temporary directory is removed at the end")
	} else {
		dir = filepath.Join(dir, "e2e")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("artifacts (screenshots, player reports, server log) in %s", dir)
	return dir
}
