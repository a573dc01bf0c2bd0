package testmedia

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// Generate writes the file s describes. It checks s before it starts ffmpeg,
// creates the parent folders, and writes to a hidden temporary file in the
// same folder that it renames into place on success, so a failed or cancelled
// run never leaves a partial file at s.Path. An existing file is replaced.
func Generate(ctx context.Context, r ffmpeg.Runner, s Spec) (err error) {
	s, c, err := resolve(s)
	if err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	dir := filepath.Dir(s.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp) // a cancelled ffmpeg still closes its file: drop it
		}
	}()
	if err := f.Close(); err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	if err := r.Run(ctx, args(s, c, tmp), nil); err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil { // CreateTemp made it 0600
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	if err := os.Rename(tmp, s.Path); err != nil {
		return fmt.Errorf("generate %s: %w", s.Path, err)
	}
	return nil
}

// GenerateAll generates specs with at most parallel ffmpeg processes at once
// (GOMAXPROCS when parallel < 1). Every spec is checked before any ffmpeg
// starts. The first error cancels the other runs and is the one returned.
func GenerateAll(ctx context.Context, r ffmpeg.Runner, specs []Spec, parallel int) error {
	for _, s := range specs {
		if _, _, err := resolve(s); err != nil {
			return fmt.Errorf("generate %s: %w", s.Path, err)
		}
	}
	if parallel < 1 {
		parallel = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		sem   = make(chan struct{}, parallel)
	)
	fail := func(err error) {
		once.Do(func() {
			first = err
			cancel(err)
		})
	}
	for _, s := range specs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			fail(fmt.Errorf("generate media: %w", context.Cause(ctx)))
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := Generate(ctx, r, s); err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	return first
}

// args is the ffmpeg command line for the resolved spec s, writing to out.
func args(s Spec, c container, out string) []string {
	a := []string{"-nostats", "-loglevel", "error"} // the stderr tail then holds only what went wrong
	var mapArgs []string
	audioInput := "0"
	if s.VideoCodec != "" {
		a = append(a, "-f", "lavfi", "-i", videoGraph(s))
		mapArgs = append(mapArgs, "-map", "0:v")
		audioInput = "1"
	}
	if s.AudioCodec != "none" {
		// A lavfi input rather than a -filter_complex source: ffmpeg then cuts
		// the audio into frames of the encoder's size, which libopus needs.
		a = append(a, "-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=%d", s.Frequency, sampleRate))
		mapArgs = append(mapArgs, "-map", audioInput+":a")
	}
	a = append(a, mapArgs...)
	a = append(a, "-t", strconv.FormatFloat(s.Duration.Seconds(), 'f', -1, 64))
	if s.VideoCodec != "" {
		a = append(a, videoArgs(s)...)
	}
	if s.AudioCodec != "none" {
		a = append(a, audioArgs[s.AudioCodec]...)
		a = append(a, "-ar", strconv.Itoa(sampleRate), "-ac", "2")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
		a = append(a, "-metadata", k+"="+s.Tags[k])
	}
	if s.Title != "" {
		a = append(a, "-metadata", "title="+s.Title)
	}
	a = append(a, c.muxArgs...)
	// file: stops ffmpeg from reading a "name:" prefix as a protocol; -f is
	// needed because the temporary name ends in .tmp.
	return append(a, "-f", c.muxer, "-y", "file:"+out)
}

// videoGraph is the lavfi graph of the picture: the pattern with a small white
// square sliding along the bottom. The square moves every frame even on the
// still smptebars, so each frame differs and encoders and seek tests see motion;
// it is drawn with overlay, not drawtext, which would need fonts.
func videoGraph(s Spec) string {
	box := max(2, s.Height/10&^1)
	return fmt.Sprintf("%s=size=%dx%d:rate=%d[pattern];color=c=white:size=%dx%d:rate=%d[box];"+
		"[pattern][box]overlay=x='mod(n*4,W-w)':y=H-2*h,format=yuv420p[out0]",
		s.Pattern, s.Width, s.Height, FrameRate, box, box, FrameRate)
}

// videoArgs chooses the encoder. Keyframes come every KeyframeInterval frames
// and only then (no scene-cut keyframes), so tests can predict segment cuts.
func videoArgs(s Spec) []string {
	gop := strconv.Itoa(s.KeyframeInterval)
	switch s.VideoCodec {
	case "hevc":
		a := []string{"-c:v", "libx265", "-preset", "ultrafast",
			"-x265-params", "log-level=error:keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0:open-gop=0"}
		if s.Container == "mp4" {
			a = append(a, "-tag:v", "hvc1") // Apple players refuse HEVC in mp4 tagged hev1
		}
		return a
	case "mpeg4":
		return []string{"-c:v", "mpeg4", "-q:v", "5", "-g", gop, "-sc_threshold", "0"}
	case "vp9":
		return []string{"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k",
			"-g", gop, "-keyint_min", gop}
	default: // h264
		return []string{"-c:v", "libx264", "-preset", "ultrafast", "-g", gop, "-sc_threshold", "0"}
	}
}

// audioArgs are the encoder options for each audio codec.
var audioArgs = map[string][]string{
	"aac":  {"-c:a", "aac", "-b:a", "96k"},
	"mp3":  {"-c:a", "libmp3lame", "-b:a", "128k"},
	"opus": {"-c:a", "libopus", "-b:a", "64k"},
	"flac": {"-c:a", "flac"},
}
