package ffmpegtest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recordTB records Skipf and Fatalf and stops the goroutine as testing does.
type recordTB struct {
	testing.TB // nil: only the methods below are called
	skipped    string
	failed     string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recordTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestRequireFFmpeg(t *testing.T) {
	withFFmpeg := t.TempDir()
	fake := filepath.Join(withFFmpeg, "ffmpeg")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, ci string
		wantBin        string
		wantSkip       string
		wantFail       string
	}{
		{"found", withFFmpeg, "true", fake, "", ""},
		{"missing on a laptop skips", t.TempDir(), "", "", "ffmpeg not found", ""},
		{"missing in CI fails", t.TempDir(), "true", "", "", "CI is set, so ffmpeg must be installed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			t.Setenv("CI", tc.ci)
			rec := &recordTB{}
			var bin string
			done := make(chan struct{})
			go func() {
				defer close(done)
				bin = RequireFFmpeg(rec).Bin
			}()
			<-done
			if bin != tc.wantBin {
				t.Errorf("Bin = %q, want %q", bin, tc.wantBin)
			}
			if !strings.Contains(rec.skipped, tc.wantSkip) || (tc.wantSkip == "") != (rec.skipped == "") {
				t.Errorf("skipped %q, want %q", rec.skipped, tc.wantSkip)
			}
			if !strings.Contains(rec.failed, tc.wantFail) || (tc.wantFail == "") != (rec.failed == "") {
				t.Errorf("failed %q, want %q", rec.failed, tc.wantFail)
			}
		})
	}
}
