package testmedia

import (
	"context"
	"errors"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// fakeFFmpeg writes a shell script standing in for ffmpeg. Tests that use one
// do not run in parallel: a fork in a parallel test while the script is being
// written can make exec fail with "text file busy" (golang/go#22315).
func fakeFFmpeg(t *testing.T, script string) ffmpeg.Runner {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return ffmpeg.Runner{Bin: p, Grace: time.Second}
}

func specsIn(dir string, names ...string) []Spec {
	var specs []Spec
	for _, n := range names {
		specs = append(specs, Spec{Path: filepath.Join(dir, n), Duration: time.Second, VideoCodec: "h264"})
	}
	return specs
}

func TestGenerateAllBoundsParallelism(t *testing.T) {
	counts := t.TempDir()
	// Each run records how many runs are alive, itself included.
	r := fakeFFmpeg(t, "d='"+counts+"'\nmkdir \"$d/run.$$\"\nls \"$d\" | grep -c '^run\\.' >> \"$d/counts\"\n"+
		"sleep 0.5\nrmdir \"$d/run.$$\"\n")
	out := t.TempDir()
	specs := specsIn(out, "1.mkv", "2.mkv", "3.mkv", "4.mkv", "5.mkv")
	if err := GenerateAll(t.Context(), r, specs, 2); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(counts, "counts"))
	if err != nil {
		t.Fatal(err)
	}
	var alive []int
	for _, f := range strings.Fields(string(b)) {
		n, _ := strconv.Atoi(f)
		alive = append(alive, n)
	}
	if len(alive) != len(specs) || slices.Max(alive) != 2 {
		t.Fatalf("runs alive at each start = %v, want %d runs and at most 2 at once", alive, len(specs))
	}
	for _, s := range specs {
		if _, err := os.Stat(s.Path); err != nil {
			t.Error(err)
		}
	}
}

func TestGenerateAllFirstErrorCancelsRest(t *testing.T) {
	// Outputs named *bad* fail at once; the others would run for 30 s.
	r := fakeFFmpeg(t, "for last; do :; done\n"+
		"case \"$last\" in *.bad.mkv.*) echo 'bad.mkv: Invalid data' >&2; exit 1;; esac\nexec sleep 30\n")
	cause := errors.New("shutdown")
	cancelled, cancel := context.WithCancelCause(t.Context())
	cancel(cause)
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		specs []string
		check func(error) bool
	}{
		{"first error wins", t.Context(), []string{"slow1.mkv", "bad.mkv", "slow2.mkv", "slow3.mkv"},
			func(err error) bool {
				var ee *ffmpeg.ExitError
				return errors.As(err, &ee) && strings.Contains(err.Error(), "bad.mkv") &&
					strings.Contains(ee.Stderr, "Invalid data")
			}},
		{"cancelled ctx", cancelled, []string{"slow1.mkv", "slow2.mkv"},
			func(err error) bool { return errors.Is(err, cause) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			start := time.Now()
			err := GenerateAll(tc.ctx, r, specsIn(dir, tc.specs...), 2)
			if !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("GenerateAll returned after %v: the other runs were not cancelled", d)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}

func TestDemo(t *testing.T) {
	root := t.TempDir()
	specs := Demo(root)
	var rel []string
	for _, s := range specs {
		r, err := filepath.Rel(root, s.Path)
		if err != nil {
			t.Fatal(err)
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{
		"Movies/Big Test Pattern (2024)/Big Test Pattern (2024).mkv",
		"Movies/Color Bars (2023)/Color Bars (2023).mp4",
		"Shows/Demo Show/Season 01/Demo Show - S01E01 - Pilot.mkv",
		"Shows/Demo Show/Season 01/Demo Show - S01E02 - Second.mkv",
	}
	if !slices.Equal(rel, want) {
		t.Fatalf("Demo paths = %q, want %q", rel, want)
	}

	ff := ffmpegtest.RequireFFmpeg(t)
	start := time.Now()
	if err := GenerateAll(t.Context(), ff, specs, 2); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo library generated in %v", time.Since(start).Round(time.Millisecond))
	for i, size := range []string{"640x360", "320x180", "320x180", "320x180"} {
		p := probe(t, specs[i].Path)
		if got := p.codecs(); got != "video:h264 audio:aac" || p.size() != size {
			t.Errorf("%s: streams %q, size %s; want h264+aac, %s", rel[i], got, p.size(), size)
		}
		p.checkDuration(t, specs[i].Duration.Seconds())
		if got := p.tags()["title"]; got != specs[i].Title {
			t.Errorf("%s: title %q, want %q", rel[i], got, specs[i].Title)
		}
	}
}
