package hls

import (
	"math"
	"slices"
	"time"
)

// Segment lengths. Video segments are the source's GOPs: ffmpeg's HLS muxer can cut copied video
// only at keyframes, and cutting at every one is the only rule that gives the same segments
// whatever keyframe an encoder run starts from. Files whose keyframes are unusable for that (a GOP
// longer than maxGOP, keyframes denser than minGOP on average, or none) get a fixed grid of
// gridSegment instead, and no copied video. Audio segments are about targetSegment long.
const (
	targetSegment = 4 * time.Second
	minGOP        = 500 * time.Millisecond
	maxGOP        = 10 * time.Second
	gridSegment   = 4 * time.Second
)

// Timeline is where one file's segments start: every video rendition of the file is cut at the
// same times, so a seek starts an encoder exactly at the segment asked for and segments of
// different encoder runs and renditions fit together. Times are the source's own timestamps
// (ffmpeg runs with -copyts), so they match the segments' tfdt.
type Timeline struct {
	// Starts are the segment start times; segment i spans [Starts[i], Starts[i+1]) and the last
	// one [Starts[len-1], End).
	Starts []time.Duration
	End    time.Duration
	// Keyframes is true when the starts are source keyframes, so video can be copied.
	Keyframes bool
}

// NewTimeline builds the video timeline of a file from its keyframes (absolute times, sorted) and
// duration. With no usable keyframes it falls back to a fixed grid from the first keyframe (or 0).
func NewTimeline(keys []time.Duration, duration time.Duration) Timeline {
	origin := time.Duration(0)
	if len(keys) > 0 {
		origin = keys[0]
	}
	end := origin + duration
	if len(keys) > 0 && keys[len(keys)-1] >= end {
		end = keys[len(keys)-1] + time.Second // a duration shorter than the keyframes say: trust the keyframes
	}
	if usable(keys, end) {
		return Timeline{Starts: slices.Compact(slices.Clone(keys)), End: end, Keyframes: true}
	}
	n := max(1, int(math.Ceil(float64(end-origin)/float64(gridSegment))))
	starts := make([]time.Duration, n)
	for i := range starts {
		starts[i] = origin + time.Duration(i)*gridSegment
	}
	if n > 1 && end-starts[n-1] < gridSegment/4 {
		starts = starts[:n-1]
	}
	return Timeline{Starts: starts, End: end}
}

// usable reports whether keyframes are close enough together to cut copied video at, and not so
// dense that segments would be tiny.
func usable(keys []time.Duration, end time.Duration) bool {
	if len(keys) == 0 || time.Duration(len(keys))*minGOP > end-keys[0]+minGOP {
		return false
	}
	for i := 1; i <= len(keys); i++ {
		next := end
		if i < len(keys) {
			next = keys[i]
		}
		if next-keys[i-1] > maxGOP {
			return false
		}
	}
	return true
}

// Len returns the number of segments.
func (t Timeline) Len() int { return len(t.Starts) }

// Span returns segment i's start and end.
func (t Timeline) Span(i int) (time.Duration, time.Duration) {
	if i+1 < len(t.Starts) {
		return t.Starts[i], t.Starts[i+1]
	}
	return t.Starts[i], t.End
}

// AudioGrid cuts an audio rendition into segments of a whole number of AAC frames (1024 samples),
// so that every encoder run, wherever it starts, puts its packets on the same grid.
type AudioGrid struct {
	Origin     time.Duration // the file's video origin, so audio and video share one clock
	SampleRate int
	Frames     int // AAC frames per segment
	End        time.Duration
}

// aacFrame is the number of samples in an AAC frame, also the encoder's priming delay.
const aacFrame = 1024

// NewAudioGrid returns the grid for audio at sampleRate of a file whose timeline starts at origin
// and ends at end.
func NewAudioGrid(origin, end time.Duration, sampleRate int) AudioGrid {
	frames := int(math.Round(targetSegment.Seconds() * float64(sampleRate) / aacFrame))
	return AudioGrid{Origin: origin, SampleRate: sampleRate, Frames: max(1, frames), End: end}
}

// samplesToTime converts a sample count at the grid's rate to a duration, rounded down.
func (g AudioGrid) samplesToTime(n int64) time.Duration {
	return time.Duration(n * int64(time.Second) / int64(g.SampleRate))
}

// SegmentSamples is the number of samples in a full segment.
func (g AudioGrid) SegmentSamples() int64 { return int64(g.Frames) * aacFrame }

// Len returns the number of segments.
func (g AudioGrid) Len() int {
	per := g.samplesToTime(g.SegmentSamples())
	return max(1, int(math.Ceil(float64(g.End-g.Origin)/float64(per))))
}

// Span returns segment i's start and end.
func (g AudioGrid) Span(i int) (time.Duration, time.Duration) {
	start := g.Origin + g.samplesToTime(int64(i)*g.SegmentSamples())
	end := g.Origin + g.samplesToTime(int64(i+1)*g.SegmentSamples())
	return start, min(end, g.End)
}
