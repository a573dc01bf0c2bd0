package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// moviePath is where the test file sits under a library root, named so Walros files it as a movie.
const moviePath = "Bench Direct Play (2026)/Bench Direct Play (2026).mkv"

// ensureMedia returns the library root holding a real H.264 Matroska file of about size bytes,
// generated once into cache and reused by later runs with the same size. A five-second lossless
// 1080p clip is encoded, then stream-copied in a loop up to the size: seconds instead of minutes.
func ensureMedia(ctx context.Context, cache string, size int64) (root, file string, err error) {
	root = filepath.Join(cache, fmt.Sprintf("%dMiB", size>>20), "Movies")
	file = filepath.Join(root, filepath.FromSlash(moviePath))
	if fi, err := os.Stat(file); err == nil && fi.Size() >= size*9/10 {
		fmt.Printf("media: reusing %s (%d MiB)\n", file, fi.Size()>>20)
		return root, file, nil
	}
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", "", err
	}
	// nginx workers may run as another user: every folder up to the file must be readable by all.
	for d := filepath.Dir(file); strings.HasPrefix(d, cache); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			return "", "", err
		}
	}
	seg := filepath.Join(cache, "segment.mkv")
	fmt.Printf("media: encoding a 5 s 1080p lossless H.264 clip with ffmpeg\n")
	if err := runCmd(ctx, ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24", "-t", "5",
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", seg); err != nil {
		return "", "", err
	}
	fi, err := os.Stat(seg)
	if err != nil {
		return "", "", err
	}
	loops := (size + fi.Size() - 1) / fi.Size()
	fmt.Printf("media: looping it %d times (stream copy) into %s\n", loops, file)
	tmp := filepath.Join(filepath.Dir(file), ".partial.mkv")
	if err := runCmd(ctx, ffmpeg, "-v", "error", "-y", "-stream_loop", strconv.FormatInt(loops-1, 10), "-i", seg,
		"-map", "0", "-c", "copy", tmp); err != nil {
		return "", "", err
	}
	os.Remove(seg)
	if err := os.Rename(tmp, file); err != nil {
		return "", "", err
	}
	return root, file, nil
}

func runCmd(ctx context.Context, bin string, args ...string) error {
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return nil
}

// parseSize reads 1073741824, 1024MiB or 1GiB.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = rest, m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, KiB, MiB or GiB", s)
	}
	return n * mult, nil
}
