package playback

import (
	"math"

	"github.com/walros/walros/core"
)

// Rung is one quality of a bitrate ladder: a size and the video bitrate it is encoded at.
type Rung struct {
	Name          string // "1080p"
	Width, Height int
	Bitrate       int64 // average video bitrate, bits per second
}

// rungs are the standard qualities, largest first. Each is a box (long side × short side) a
// picture is fitted into, so 1920×800 scope films and 1080×1920 portrait videos are "1080p" too.
var rungs = []struct {
	name        string
	long, short int
	bitrate     int64
}{
	{"2160p", 3840, 2160, 20_000_000},
	{"1440p", 2560, 1440, 12_000_000},
	{"1080p", 1920, 1080, 8_000_000},
	{"720p", 1280, 720, 4_000_000},
	{"480p", 854, 480, 1_500_000},
	{"360p", 640, 360, 800_000},
	{"240p", 426, 240, 400_000},
}

// Ladder lists the standard qualities a video stream can be encoded at, largest first, whose
// bitrate is at most maxBitrate (0 means no limit). The top one is the source's own size, named
// and priced after the smallest box that holds it (a 1920×800 film is "1080p", a 720×400 one
// "480p"); the others are the smaller boxes, with the source's aspect ratio. Nothing is ever
// larger than the source, sizes are even, and a source larger than every box starts at 2160p. A
// source of unknown size gets the boxes' own sizes. HLS master playlists list these as variants.
func Ladder(source core.Stream, maxBitrate int64) []Rung {
	var out []Rung
	w, h := source.Width, source.Height
	var holder *Rung // the smallest box seen so far that holds the source
	for _, r := range rungs {
		fits := maxBitrate <= 0 || r.bitrate <= maxBitrate
		if w <= 0 || h <= 0 {
			if fits {
				out = append(out, Rung{Name: r.name, Width: r.long, Height: r.short, Bitrate: r.bitrate})
			}
			continue
		}
		rw, rh := fit(w, h, r.long, r.short)
		if rw >= w&^1 && rh >= h&^1 { // the box holds the source whole
			holder = nil
			if fits {
				holder = &Rung{Name: r.name, Width: rw, Height: rh, Bitrate: r.bitrate}
			}
			continue
		}
		if holder != nil {
			out = append(out, *holder)
			holder = nil
		}
		if fits {
			out = append(out, Rung{Name: r.name, Width: rw, Height: rh, Bitrate: r.bitrate})
		}
	}
	if holder != nil {
		out = append(out, *holder)
	}
	return out
}

// fit scales w×h down to fit a box of long×short sides, whichever way the picture is turned,
// keeping its aspect ratio; it never scales up. Sides are rounded to even numbers, which 4:2:0
// encoders require, without exceeding the source.
func fit(w, h, long, short int) (int, int) {
	bw, bh := long, short
	if h > w {
		bw, bh = short, long
	}
	scale := min(1, float64(bw)/float64(w), float64(bh)/float64(h))
	return even(float64(w)*scale, w), even(float64(h)*scale, h)
}

// even rounds x to the nearest even number, at least 2 and no more than limit rounded down to
// even.
func even(x float64, limit int) int {
	n := 2 * int(math.Round(x/2))
	if n > limit {
		n = limit &^ 1
	}
	return max(n, 2)
}
