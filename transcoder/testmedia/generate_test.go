package testmedia

import (
	"context"
	"errors"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGenerate(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	ffmpegtest.RequireFFprobe(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		spec     Spec
		codecs   string
		format   string // ffprobe's format_name
		size     string
		wantTags map[string]string
	}{
		{"h264 aac mkv", Spec{Path: "movie/a.mkv", Duration: 3 * time.Second, VideoCodec: "h264", Title: "A Movie"},
			"video:h264 audio:aac", "matroska,webm", "320x180", map[string]string{"title": "A Movie"}},
		{"mp4 with size and default codecs", Spec{Path: "b.mp4", Duration: 2500 * time.Millisecond, Width: 640, Height: 360, Pattern: "smptebars"},
			"video:h264 audio:aac", "mov,mp4,m4a,3gp,3g2,mj2", "640x360", nil},
		{"audio-only mp3 with tags", Spec{Path: "Artist/Album/01 Song.mp3", Duration: 2 * time.Second, Title: "Song",
			Tags: map[string]string{"artist": "The Testers", "album": "Sine Waves", "track": "1"}},
			"audio:mp3", "mp3", "", map[string]string{"title": "Song", "artist": "The Testers", "album": "Sine Waves", "track": "1"}},
		{"flac", Spec{Path: "c.flac", Duration: 2 * time.Second, Frequency: 880, Tags: map[string]string{"artist": "X", "genre": "Test"}},
			"audio:flac", "flac", "", map[string]string{"artist": "X", "genre": "Test"}},
		{"m4a", Spec{Path: "d.m4a", Duration: 2 * time.Second, Tags: map[string]string{"album": "Y"}},
			"audio:aac", "mov,mp4,m4a,3gp,3g2,mj2", "", map[string]string{"album": "Y"}},
		{"ogg opus", Spec{Path: "e.ogg", Duration: 2 * time.Second, Tags: map[string]string{"artist": "Z"}},
			"audio:opus", "ogg", "", map[string]string{"artist": "Z"}},
		{"audio-only mkv", Spec{Path: "f.mka", Container: "mkv", Duration: 2 * time.Second, AudioCodec: "flac"},
			"audio:flac", "matroska,webm", "", nil},
		{"hevc mp4", Spec{Path: "g.mp4", Duration: 2 * time.Second, VideoCodec: "hevc", AudioCodec: "opus"},
			"video:hevc audio:opus", "mov,mp4,m4a,3gp,3g2,mj2", "320x180", nil},
		{"mpeg4 mkv with mp3, no tags", Spec{Path: "h.mkv", Duration: 2 * time.Second, VideoCodec: "mpeg4", AudioCodec: "mp3", Pattern: "mandelbrot"},
			"video:mpeg4 audio:mp3", "matroska,webm", "320x180", nil},
		{"webm vp9 opus", Spec{Path: "i.webm", Duration: 2 * time.Second, Width: 256, Height: 144},
			"video:vp9 audio:opus", "matroska,webm", "256x144", nil},
		{"video without audio", Spec{Path: "j.mkv", Duration: 2 * time.Second, VideoCodec: "h264", AudioCodec: "none"},
			"video:h264", "matroska,webm", "320x180", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.spec
			s.Path = filepath.Join(dir, tc.name, s.Path) // a folder each: the leftover check globs it
			if err := Generate(t.Context(), ff, s); err != nil {
				t.Fatal(err)
			}
			p := probe(t, s.Path)
			if got := p.codecs(); got != tc.codecs {
				t.Errorf("streams = %q, want %q", got, tc.codecs)
			}
			if p.Format.FormatName != tc.format {
				t.Errorf("format = %q, want %q", p.Format.FormatName, tc.format)
			}
			if got := p.size(); got != tc.size {
				t.Errorf("size = %q, want %q", got, tc.size)
			}
			p.checkDuration(t, s.Duration.Seconds())
			tags := p.tags()
			for k, v := range tc.wantTags {
				if tags[k] != v {
					t.Errorf("tag %s = %q, want %q (all tags: %v)", k, tags[k], v, tags)
				}
			}
			if fi, err := os.Stat(s.Path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("stat %s: %v, %v", s.Path, fi.Mode(), err)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path), ".*.tmp"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %q", leftovers)
			}
		})
	}
}

func TestGenerateKeyframes(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		spec Spec
		want []float64 // keyframe times in seconds
	}{
		{"h264 default 2 s", Spec{VideoCodec: "h264"}, []float64{0, 2, 4}},
		{"h264 every second", Spec{VideoCodec: "h264", KeyframeInterval: 24}, []float64{0, 1, 2, 3, 4, 5}},
		{"hevc every 1.5 s", Spec{VideoCodec: "hevc", KeyframeInterval: 36}, []float64{0, 1.5, 3, 4.5}},
		{"mpeg4 default", Spec{VideoCodec: "mpeg4", Pattern: "smptebars"}, []float64{0, 2, 4}},
		{"vp9 default", Spec{Path: "x.webm", VideoCodec: "vp9"}, []float64{0, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.spec
			if s.Path == "" {
				s.Path = "x.mkv"
			}
			s.Path = filepath.Join(dir, tc.name, s.Path)
			s.Duration = 6 * time.Second
			s.AudioCodec = "none"
			if err := Generate(t.Context(), ff, s); err != nil {
				t.Fatal(err)
			}
			got := probe(t, s.Path, "-select_streams", "v:0", "-show_packets").keyframes()
			if len(got) != len(tc.want) {
				t.Fatalf("keyframes at %v, want %v", got, tc.want)
			}
			for i := range got {
				if math.Abs(got[i]-got[0]-tc.want[i]) > 0.05 { // mkv may start at a small offset
					t.Fatalf("keyframes at %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestGenerateCancelLeavesNothing(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	cause := errors.New("test over")
	for _, tc := range []struct {
		name  string
		delay time.Duration // -1: cancel before Generate
	}{
		{"cancelled before start", -1},
		{"cancelled while ffmpeg writes", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// Minutes of 720p would take far longer than the test; it never gets there.
			s := Spec{Path: filepath.Join(dir, "long.mkv"), Duration: 10 * time.Minute, Width: 1280, Height: 720}
			ctx, cancel := context.WithCancelCause(t.Context())
			if tc.delay < 0 {
				cancel(cause)
			} else {
				go func() {
					// Cancel once ffmpeg has written into the temporary file.
					for ctx.Err() == nil {
						if tmp, _ := filepath.Glob(filepath.Join(dir, ".long.mkv.*.tmp")); len(tmp) == 1 {
							if fi, err := os.Stat(tmp[0]); err == nil && fi.Size() > 0 {
								cancel(cause)
							}
						}
						time.Sleep(10 * time.Millisecond)
					}
				}()
			}
			start := time.Now()
			err := Generate(ctx, ff, s)
			if !errors.Is(err, cause) {
				t.Fatalf("err = %v, want it to wrap %v", err, cause)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("Generate took %v after cancel", d)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}
