package playback

import (
	"fmt"
	"testing"

	"github.com/walros/walros/core"
)

func TestLadder(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		max  int64
		want string
	}{
		{"1080p source, no cap: 1080p and below", 1920, 1080, 0,
			"1080p 1920x1080 8000000, 720p 1280x720 4000000, 480p 854x480 1500000, 360p 640x360 800000, 240p 426x240 400000"},
		{"4K source capped at 10M starts at 1080p", 3840, 2160, 10_000_000,
			"1080p 1920x1080 8000000, 720p 1280x720 4000000, 480p 854x480 1500000, 360p 640x360 800000, 240p 426x240 400000"},
		{"cap of exactly a rung keeps it", 1280, 720, 4_000_000,
			"720p 1280x720 4000000, 480p 854x480 1500000, 360p 640x360 800000, 240p 426x240 400000"},
		{"scope film keeps its aspect", 1920, 800, 1_000_000, "360p 640x266 800000, 240p 426x178 400000"},
		{"between rungs the source size tops the list", 720, 400, 0,
			"480p 720x400 1500000, 360p 640x356 800000, 240p 426x236 400000"},
		{"portrait video is measured by its long side", 1080, 1920, 5_000_000,
			"720p 720x1280 4000000, 480p 480x854 1500000, 360p 360x640 800000, 240p 240x426 400000"},
		{"odd sizes become even without growing", 1279, 719, 0,
			"720p 1278x718 4000000, 480p 854x480 1500000, 360p 640x360 800000, 240p 426x240 400000"},
		{"tiny source keeps its size", 320, 240, 0, "240p 320x240 400000"},
		{"8K source is fitted to 2160p", 7680, 4320, 0,
			"2160p 3840x2160 20000000, 1440p 2560x1440 12000000, 1080p 1920x1080 8000000, 720p 1280x720 4000000, 480p 854x480 1500000, 360p 640x360 800000, 240p 426x240 400000"},
		{"cap below every rung gives nothing", 1920, 1080, 100_000, ""},
		{"unknown size gives the boxes", 0, 0, 1_000_000, "360p 640x360 800000, 240p 426x240 400000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for i, r := range Ladder(core.Stream{Kind: core.StreamVideo, Width: tc.w, Height: tc.h}, tc.max) {
				if i > 0 {
					got += ", "
				}
				got += fmt.Sprintf("%s %dx%d %d", r.Name, r.Width, r.Height, r.Bitrate)
			}
			if got != tc.want {
				t.Errorf("Ladder(%dx%d, %d) =\n  %s\nwant\n  %s", tc.w, tc.h, tc.max, got, tc.want)
			}
		})
	}
}
