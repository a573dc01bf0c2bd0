package testmedia

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
)

func TestResolveDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		want string // container video audio WxH pattern Hz GOP
	}{
		{"mkv without codec or size is audio-only", Spec{Path: "a.mkv"}, "mkv  aac 0x0  440 0"},
		{"codec alone gets the default size", Spec{Path: "a.mkv", VideoCodec: "hevc"}, "mkv hevc aac 320x180 testsrc2 440 48"},
		{"size alone gets h264", Spec{Path: "a.MP4", Width: 640, Height: 360}, "mp4 h264 aac 640x360 testsrc2 440 48"},
		{"webm defaults to vp9 and opus", Spec{Path: "a.webm", Width: 320, Height: 180}, "webm vp9 opus 320x180 testsrc2 440 48"},
		{"mp3", Spec{Path: "a.mp3", Frequency: 1000}, "mp3  mp3 0x0  1000 0"},
		{"ogg defaults to opus", Spec{Path: "a.ogg"}, "ogg  opus 0x0  440 0"},
		{"m4a", Spec{Path: "a.m4a"}, "m4a  aac 0x0  440 0"},
		{"Container wins over the extension", Spec{Path: "a.bin", Container: "flac"}, "flac  flac 0x0  440 0"},
		{"explicit choices kept", Spec{Path: "a.mkv", VideoCodec: "mpeg4", AudioCodec: "none", Width: 64, Height: 48,
			Pattern: "mandelbrot", KeyframeInterval: 12}, "mkv mpeg4 none 64x48 mandelbrot 440 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Duration = time.Second
			s, _, err := resolve(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s %s %s %dx%d %s %d %d", s.Container, s.VideoCodec, s.AudioCodec,
				s.Width, s.Height, s.Pattern, s.Frequency, s.KeyframeInterval)
			if got != tc.want {
				t.Fatalf("resolved %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGenerateRejectsBadSpecs(t *testing.T) {
	sec := time.Second
	for _, tc := range []struct {
		name    string
		spec    Spec
		wantErr string
	}{
		{"empty path", Spec{Duration: sec}, "empty Path"},
		{"zero duration", Spec{Path: "a.mkv"}, "Duration 0s is not positive"},
		{"negative duration", Spec{Path: "a.mkv", Duration: -sec}, "Duration -1s is not positive"},
		{"unknown container", Spec{Path: "a.avi", Duration: sec}, `container "avi" is not one of mkv, mp4, webm, mp3, flac, m4a, ogg`},
		{"no extension", Spec{Path: "movie", Duration: sec}, `container "" is not one of`},
		{"unknown video codec", Spec{Path: "a.mkv", Duration: sec, VideoCodec: "av1"}, `video codec "av1" is not one of`},
		{"unknown audio codec", Spec{Path: "a.mkv", Duration: sec, AudioCodec: "vorbis"}, `audio codec "vorbis" is not one of`},
		{"h264 in webm", Spec{Path: "a.webm", Duration: sec, VideoCodec: "h264"}, "webm does not hold h264 video (it holds vp9)"},
		{"flac in mp4", Spec{Path: "a.mp4", Duration: sec, VideoCodec: "h264", AudioCodec: "flac"}, "mp4 does not hold flac audio"},
		{"video in mp3", Spec{Path: "a.mp3", Duration: sec, VideoCodec: "h264"}, "mp3 holds no video"},
		{"size in flac", Spec{Path: "a.flac", Duration: sec, Width: 320, Height: 180}, "flac holds no video"},
		{"odd width", Spec{Path: "a.mkv", Duration: sec, Width: 321, Height: 180}, "size 321x180: width and height must be even"},
		{"height without width", Spec{Path: "a.mkv", Duration: sec, Height: 180}, "size 0x180"},
		{"unknown pattern", Spec{Path: "a.mkv", Duration: sec, VideoCodec: "h264", Pattern: "rainbow"}, `pattern "rainbow" is not one of`},
		{"negative GOP", Spec{Path: "a.mkv", Duration: sec, VideoCodec: "h264", KeyframeInterval: -1}, "KeyframeInterval -1 is negative"},
		{"nothing to generate", Spec{Path: "a.mkv", Duration: sec, AudioCodec: "none"}, "nothing to generate"},
		{"frequency above Nyquist", Spec{Path: "a.flac", Duration: sec, Frequency: 30000}, "Frequency 30000 Hz is outside 1..24000"},
		{"tag key with =", Spec{Path: "a.mkv", Duration: sec, Tags: map[string]string{"a=b": "c"}}, `tag key "a=b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.spec.Path != "" {
				tc.spec.Path = filepath.Join(dir, "sub", tc.spec.Path)
			}
			// A missing binary: had Generate run it, the error would not be ErrInvalidSpec.
			r := ffmpeg.Runner{Bin: filepath.Join(dir, "no-ffmpeg")}
			err := Generate(t.Context(), r, tc.spec)
			if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want ErrInvalidSpec mentioning %q", err, tc.wantErr)
			}
			if tc.spec.Path != "" && !strings.HasPrefix(err.Error(), "generate "+tc.spec.Path+": invalid spec: ") {
				t.Errorf("err = %q does not start with the path", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "sub")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Generate created folders for a bad spec")
			}
			if err := GenerateAll(t.Context(), r, []Spec{{Path: filepath.Join(dir, "ok.mkv"), Duration: sec}, tc.spec}, 2); !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("GenerateAll err = %v, want ErrInvalidSpec", err)
			}
		})
	}
}
