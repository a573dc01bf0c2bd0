package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// moviePath is where the source sits under the library root, named so Walros files it as a movie.
const moviePath = "Bench Stream (2026)/Bench Stream (2026).mkv"

// ensureSource returns the library root and path of the source: 60 s of 1920x1080 24 fps H.264 at
// about 8 Mb/s with a keyframe every 4 s (96 frames, no scene-cut keyframes) and stereo AAC, in
// Matroska. testsrc2 with temporal noise keeps it from being trivially compressible. It is
// generated once into cache (minutes on two cores) and reused by later runs.
func ensureSource(ctx context.Context, cache string) (root, file string, err error) {
	root = filepath.Join(cache, "Movies")
	file = filepath.Join(root, filepath.FromSlash(moviePath))
	if fi, err := os.Stat(file); err == nil && fi.Size() > 30<<20 {
		fmt.Printf("source: reusing %s (%d MiB)\n", file, fi.Size()>>20)
		return root, file, nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return "", "", err
	}
	tmp := filepath.Join(filepath.Dir(file), ".partial.mkv")
	fmt.Println("source: encoding 60 s of 1080p24 H.264 + AAC with ffmpeg (a few minutes)")
	if _, err := runFFmpeg(ctx, "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24,noise=alls=12:allf=t+u",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60",
		"-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-maxrate", "8M",
		"-bufsize", "16M", "-g", "96", "-keyint_min", "96", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "matroska", tmp); err != nil {
		return "", "", err
	}
	if err := os.Rename(tmp, file); err != nil {
		return "", "", err
	}
	return root, file, nil
}

// keyframes returns the source's keyframe times (packet flags, as Walros's index reads them).
func keyframes(ctx context.Context, file string) ([]time.Duration, error) {
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", file).Output()
	if err != nil {
		return nil, fmt.Errorf("ffprobe keyframes: %w", err)
	}
	var keys []time.Duration
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		pts, flags, ok := strings.Cut(sc.Text(), ",")
		if !ok || !strings.Contains(flags, "K") {
			continue
		}
		s, err := strconv.ParseFloat(pts, 64)
		if err != nil {
			continue
		}
		keys = append(keys, time.Duration(s*float64(time.Second)))
	}
	if len(keys) < 5 {
		return nil, fmt.Errorf("only %d keyframes in %s", len(keys), file)
	}
	return keys, nil
}

// runFFmpeg runs ffmpeg and returns how long the process ran, from start to exit.
func runFFmpeg(ctx context.Context, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, "ffmpeg", append([]string{"-nostdin", "-hide_banner"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("ffmpeg %s: %w\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	return d, nil
}
