package testmedia

import (
	"path/filepath"
	"time"
)

// Demo returns the demo library Walros creates under root when no library is
// configured: two movies under root/Movies and two episodes of one show under
// root/Shows, named the way scanners expect. The clips are a few seconds long,
// so GenerateAll makes them in a few seconds on two cores.
func Demo(root string) []Spec {
	movies := filepath.Join(root, "Movies")
	season := filepath.Join(root, "Shows", "Demo Show", "Season 01")
	return []Spec{
		{
			Path:     filepath.Join(movies, "Big Test Pattern (2024)", "Big Test Pattern (2024).mkv"),
			Duration: 10 * time.Second, Width: 640, Height: 360,
			VideoCodec: "h264", AudioCodec: "aac", Title: "Big Test Pattern",
		},
		{
			Path:       filepath.Join(movies, "Color Bars (2023)", "Color Bars (2023).mp4"),
			Duration:   8 * time.Second,
			VideoCodec: "h264", AudioCodec: "aac", Title: "Color Bars", Pattern: "smptebars", Frequency: 1000,
		},
		{
			Path:       filepath.Join(season, "Demo Show - S01E01 - Pilot.mkv"),
			Duration:   6 * time.Second,
			VideoCodec: "h264", AudioCodec: "aac", Title: "Pilot", Frequency: 523,
		},
		{
			Path:       filepath.Join(season, "Demo Show - S01E02 - Second.mkv"),
			Duration:   6 * time.Second,
			VideoCodec: "h264", AudioCodec: "aac", Title: "Second", Pattern: "mandelbrot", Frequency: 659,
		},
	}
}
