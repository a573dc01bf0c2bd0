package probe

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

// FuzzParse feeds Parse mutations of the fixtures. Parse must never panic, must fail only with
// core.ErrInvalid, and what it accepts must be sane.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `null`, `[]`, `{"streams": null}`, `{"error": {"code": "x", "string": 5}}`,
		`{"streams": [{"codec_type": "video", "pix_fmt": "yuv420p", "r_frame_rate": "1e308/1e-308",
			"avg_frame_rate": "-1/0", "width": 99999999999999999999, "level": "1e400"}],
			"format": {"duration": "1e300", "size": "-5", "bit_rate": "9223372036854775808"}}`,
		`{"streams": [{"codec_type": "audio", "tags": {"BPS": "NaN"}, "disposition": {"default": {}}}],
			"chapters": [{"start_time": "-Inf", "end_time": "NaN", "tags": {"TITLE": "\u0000\ud800"}}]}`,
	} {
		f.Add([]byte(s))
	}
	hdrs := []string{core.HDRNone, core.HDR10, core.HDR10Plus, core.HDRHLG, core.HDRDolbyVision}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Parse(data)
		if err != nil {
			if !errors.Is(err, core.ErrInvalid) {
				t.Fatalf("error %v does not wrap core.ErrInvalid", err)
			}
			if len(err.Error()) > 2*maxReason {
				t.Fatalf("error text is %d bytes long", len(err.Error()))
			}
			return
		}
		if info.Duration < 0 || info.Bitrate < 0 || info.Size < 0 {
			t.Fatalf("negative duration, bitrate or size: %+v", info)
		}
		media := false
		for _, s := range info.Streams {
			media = media || s.Kind == core.StreamAudio || s.Kind == core.StreamVideo
			if s.FrameRate < 0 || math.IsNaN(s.FrameRate) || math.IsInf(s.FrameRate, 0) {
				t.Fatalf("frame rate %v", s.FrameRate)
			}
			if s.Bitrate < 0 || s.Width < 0 || s.Height < 0 || s.Channels < 0 || s.SampleRate < 0 || s.Level < 0 {
				t.Fatalf("negative stream field: %+v", s)
			}
			if !slices.Contains(hdrs, s.HDR) {
				t.Fatalf("HDR %q is not one of the constants", s.HDR)
			}
		}
		if !media {
			t.Fatalf("accepted a file with no audio or video stream: %+v", info)
		}
		for _, c := range info.Chapters {
			if c.Start < 0 || c.End < 0 {
				t.Fatalf("negative chapter time: %+v", c)
			}
		}
	})
}
