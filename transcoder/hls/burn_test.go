package hls

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/testmedia"
)

// TestBurnPictureSubtitles muxes a PGS subtitle into the fixture and checks that a rendition
// burning it in shows its white box where and when the subtitle says, also in an encode that
// starts while the subtitle is on screen (a seek), and one without does not.
func TestBurnPictureSubtitles(t *testing.T) {
	src := source(t)
	ff := ffmpegtest.RequireFFmpeg(t)
	dir := t.TempDir()
	sup := filepath.Join(dir, "subs.sup")
	if err := os.WriteFile(sup, testmedia.PGS(640, 360, image.Rect(40, 40, 240, 140), testmedia.Cue{Start: 4 * time.Second, End: 9 * time.Second}), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "with-pgs.mkv")
	if err := ff.Run(context.Background(), []string{"-v", "error", "-i", src.Path, "-i", sup, "-map", "0", "-map", "1", "-c", "copy", "-copyts", path}, nil); err != nil {
		t.Fatalf("mux PGS: %v %s", err, stderr(err))
	}
	info, err := probe.New(ffmpegtest.RequireFFprobe(t), probe.Options{}).Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	sub := -1
	for _, s := range info.Streams {
		if s.Kind == core.StreamSubtitle && s.Codec == "hdmv_pgs_subtitle" {
			sub = s.Index
		}
	}
	if sub < 0 {
		t.Fatalf("no PGS stream in %+v", info.Streams)
	}
	fi, _ := os.Stat(path)
	pgsSrc := Source{ID: "pgs", Path: path, Size: fi.Size(), ModTime: fi.ModTime(), Info: info}
	e := newManager(t, Options{})

	// Segment 3 spans 6-8 s, while the box is shown; the box covers x 40-240, y 40-140 of
	// 640x360, so at 320x180 the middle of it is around (70, 45).
	brightness := func(spec Spec) float64 {
		t.Helper()
		// Segment 3 first, as a seek asks for it: the encode then starts at 6 s, after the
		// subtitle came on screen (4 s), and must still draw it.
		seg := e.fetch(t, pgsSrc, spec, 3)
		data := append(e.fetch(t, pgsSrc, spec, -1), seg...)
		in := filepath.Join(t.TempDir(), "seg.mp4")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if err := ff.Run(context.Background(), []string{"-v", "error", "-i", in, "-frames:v", "1",
			"-vf", "crop=60:30:40:30,format=gray", "-f", "rawvideo", "-"}, &raw); err != nil {
			t.Fatalf("decode: %v %s", err, stderr(err))
		}
		sum := 0
		for _, b := range raw.Bytes() {
			sum += int(b)
		}
		return float64(sum) / float64(max(1, raw.Len()))
	}
	burnt := brightness(Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000, Burn: sub})
	plain := brightness(Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000})
	if burnt < 200 || burnt < plain+40 {
		t.Fatalf("mean luma in the subtitle's box: %.0f burnt in, %.0f without; want a white box", burnt, plain)
	}
	// A text or missing stream cannot be burnt in.
	if _, _, err := e.m.Segment(context.Background(), src, Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000, Burn: 1}, 0, "u"); err == nil {
		t.Fatal("burning in an audio stream was accepted")
	}
}
