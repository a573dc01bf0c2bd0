package download

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/testmedia"
)

// source writes a 4 s 320x180 H.264 + AAC Matroska file.
func source(t *testing.T) string {
	t.Helper()
	ff := ffmpegtest.RequireFFmpeg(t)
	path := filepath.Join(t.TempDir(), "in.mkv")
	if err := testmedia.Generate(t.Context(), ff, testmedia.Spec{Path: path, Duration: 4 * time.Second, VideoCodec: "h264", AudioCodec: "aac"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStream encodes a file to 160x90, then probes and decodes what came out.
func TestStream(t *testing.T) {
	src := source(t)
	tr := &Transcoder{FFmpeg: ffmpegtest.RequireFFmpeg(t)}
	var out bytes.Buffer
	spec := Spec{VideoStream: 0, AudioStream: 1, Width: 160, Height: 90, VideoBitrate: 200_000}
	if err := tr.Stream(t.Context(), &out, src, spec, "alice"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes()[4:8], []byte("ftyp")) {
		t.Fatalf("the output does not start with an ftyp box: % x", out.Bytes()[:16])
	}
	path := filepath.Join(t.TempDir(), "out.mp4")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := probe.New(ffmpegtest.RequireFFprobe(t), probe.Options{}).Probe(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []core.StreamKind
	for _, s := range info.Streams {
		kinds = append(kinds, s.Kind)
		if s.Kind == core.StreamVideo && (s.Codec != "h264" || s.Width != 160 || s.Height != 90) {
			t.Errorf("video stream %+v, want h264 160x90", s)
		}
		if s.Kind == core.StreamAudio && (s.Codec != "aac" || s.Channels != 2) {
			t.Errorf("audio stream %+v, want stereo aac", s)
		}
	}
	if !slices.Equal(kinds, []core.StreamKind{core.StreamVideo, core.StreamAudio}) {
		t.Errorf("streams %v, want video and audio", kinds)
	}
	if info.Duration < 3500*time.Millisecond || info.Duration > 4500*time.Millisecond {
		t.Errorf("duration %v, want about 4s", info.Duration)
	}
	// Decoded whole, with every error fatal.
	if err := ffmpegtest.RequireFFmpeg(t).Run(t.Context(), []string{"-xerror", "-i", path, "-f", "null", "-"}, nil); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if tr.Running() != 0 {
		t.Errorf("Running() = %d after the encode", tr.Running())
	}
}

// TestBadSpecAndMedia: a spec is checked before ffmpeg starts; a file ffmpeg cannot read is
// ErrMedia.
func TestBadSpecAndMedia(t *testing.T) {
	tr := &Transcoder{FFmpeg: ffmpegtest.RequireFFmpeg(t)}
	for _, s := range []Spec{
		{VideoStream: -1, Width: 160, Height: 90, VideoBitrate: 1},
		{Width: 161, Height: 90, VideoBitrate: 1},
		{Width: 160, Height: 90},
	} {
		if err := tr.Stream(t.Context(), &bytes.Buffer{}, "x.mkv", s, "u"); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("spec %+v: %v, want ErrInvalidSpec", s, err)
		}
	}
	junk := filepath.Join(t.TempDir(), "junk.mkv")
	if err := os.WriteFile(junk, []byte("not a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := tr.Stream(t.Context(), &bytes.Buffer{}, junk, Spec{Width: 160, Height: 90, VideoBitrate: 100_000, AudioStream: -1}, "u")
	if !errors.Is(err, ErrMedia) {
		t.Fatalf("junk file: %v, want ErrMedia", err)
	}
}

// stuckClient takes the first write, then blocks until its request ends, as a client that has
// stopped reading does.
type stuckClient struct {
	ctx     context.Context
	started chan struct{}
	n       int
}

func (s *stuckClient) Write(p []byte) (int, error) {
	if s.n == 0 {
		close(s.started)
	}
	s.n += len(p)
	<-s.ctx.Done()
	return 0, s.ctx.Err()
}

// TestLimitsAndCancel holds one encode, sees the next ones refused per user and per server, then
// ends the first request and sees ffmpeg stopped and its slot given back.
func TestLimitsAndCancel(t *testing.T) {
	src := source(t)
	tr := &Transcoder{FFmpeg: ffmpegtest.RequireFFmpeg(t), Options: Options{MaxEncodes: 2, MaxPerUser: 1}}
	spec := Spec{VideoStream: 0, AudioStream: 1, Width: 160, Height: 90, VideoBitrate: 200_000}
	ctx, cancel := context.WithCancel(t.Context())
	client := &stuckClient{ctx: ctx, started: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- tr.Stream(ctx, client, src, spec, "alice") }()
	select {
	case <-client.started:
	case err := <-done:
		t.Fatalf("the first encode ended before writing: %v", err)
	}
	var busy *BusyError
	if err := tr.Stream(t.Context(), &bytes.Buffer{}, src, spec, "alice"); !errors.As(err, &busy) || busy.RetryAfter <= 0 {
		t.Fatalf("alice's second encode: %v, want a BusyError", err)
	}
	tr.Options.MaxEncodes = 1
	if err := tr.Stream(t.Context(), &bytes.Buffer{}, src, spec, "bob"); !errors.As(err, &busy) {
		t.Fatalf("bob's encode with the server full: %v, want a BusyError", err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled encode returned %v, want context.Canceled", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("ffmpeg still runs 15 s after its client left")
	}
	t.Logf("stopped %v after the cancel", time.Since(start).Round(time.Millisecond))
	if tr.Running() != 0 {
		t.Fatalf("Running() = %d after the client left", tr.Running())
	}
	if err := tr.Stream(t.Context(), &bytes.Buffer{}, src, spec, "bob"); err != nil {
		t.Fatalf("bob's encode once the slot is free: %v", err)
	}
}

func TestEstimatedSize(t *testing.T) {
	s := Spec{VideoBitrate: 1_000_000, AudioBitrate: 0, AudioStream: 1}
	// (1,000,000 + 128,000) / 8 × 10 s × 1.02
	if got := EstimatedSize(10*time.Second, s); got != 1_438_200 {
		t.Errorf("EstimatedSize = %d, want 1438200", got)
	}
	s.AudioStream = -1
	if got := EstimatedSize(10*time.Second, s); got != 1_275_000 {
		t.Errorf("EstimatedSize without audio = %d, want 1275000", got)
	}
}
