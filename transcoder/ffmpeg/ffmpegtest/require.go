// Package ffmpegtest finds ffmpeg for tests: a skip on a laptop without it, a failure in CI.
package ffmpegtest

import (
	"os"
	"testing"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// RequireFFmpeg returns a Runner for the ffmpeg on PATH. Without ffmpeg it
// skips the test, except when the CI environment variable is set: CI installs
// ffmpeg, and a skip there would hide a broken install step, so it fails.
func RequireFFmpeg(t testing.TB) ffmpeg.Runner {
	t.Helper()
	return require(t, "ffmpeg")
}

// RequireFFprobe is RequireFFmpeg for ffprobe.
func RequireFFprobe(t testing.TB) ffmpeg.Runner {
	t.Helper()
	return require(t, "ffprobe")
}

func require(t testing.TB, name string) ffmpeg.Runner {
	t.Helper()
	bin, err := ffmpeg.Find(name, "")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, so %s must be installed: %v", name, err)
		}
		t.Skipf("skipping: %v", err)
	}
	return ffmpeg.Runner{Bin: bin}
}
