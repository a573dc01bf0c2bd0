package hls

import (
	"slices"
	"testing"
	"time"
)

func secs(fs ...float64) []time.Duration {
	out := make([]time.Duration, len(fs))
	for i, f := range fs {
		out[i] = time.Duration(f * float64(time.Second))
	}
	return out
}

func TestNewTimeline(t *testing.T) {
	for _, tc := range []struct {
		name      string
		keys      []time.Duration
		duration  time.Duration
		starts    []time.Duration
		keyframes bool
	}{
		{"every keyframe starts a segment", secs(0.021, 2.021, 4.021, 6.021), 8 * time.Second, secs(0.021, 2.021, 4.021, 6.021), true},
		{"duplicates collapse", secs(0, 2, 2, 4), 6 * time.Second, secs(0, 2, 4), true},
		{"a GOP over 10 s: a 4 s grid from the first key", secs(1, 3, 15), 20 * time.Second, secs(1, 5, 9, 13, 17), false},
		{"a last GOP over 10 s", secs(0, 2), 20 * time.Second, secs(0, 4, 8, 12, 16), false},
		{"keyframes denser than 0.5 s: grid", secs(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), time.Second, secs(0), false},
		{"no keyframes (audio only): grid from 0", nil, 10 * time.Second, secs(0, 4, 8), false},
		{"a sliver at the end is merged", nil, 8500 * time.Millisecond, secs(0, 4), false},
		{"shorter than a segment", nil, time.Second, secs(0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := NewTimeline(tc.keys, tc.duration)
			if !slices.Equal(tl.Starts, tc.starts) || tl.Keyframes != tc.keyframes {
				t.Fatalf("starts %v keyframes %v; want %v %v", tl.Starts, tl.Keyframes, tc.starts, tc.keyframes)
			}
			// Segments tile [first start, End) with no gap or overlap.
			for i := range tl.Len() {
				s, e := tl.Span(i)
				if e <= s {
					t.Fatalf("segment %d spans %v-%v", i, s, e)
				}
				if i+1 < tl.Len() {
					if next, _ := tl.Span(i + 1); next != e {
						t.Fatalf("segment %d ends at %v, the next starts at %v", i, e, next)
					}
				}
			}
		})
	}
}

func TestAudioGrid(t *testing.T) {
	g := NewAudioGrid(21*time.Millisecond, 20*time.Second+21*time.Millisecond, 48000)
	if g.Frames != 188 { // 4 s of 1024-sample frames at 48 kHz, rounded
		t.Fatalf("frames per segment %d; want 188", g.Frames)
	}
	if s, _ := g.Span(0); s != 21*time.Millisecond {
		t.Fatalf("first segment starts at %v", s)
	}
	// Every boundary is a whole number of frames from the origin.
	for i := range g.Len() {
		s, e := g.Span(i)
		samples := (s - g.Origin).Seconds() * 48000
		if d := samples - float64(int64(samples+0.5)); d > 0.01 || d < -0.01 || int64(samples+0.5)%1024 != 0 {
			t.Fatalf("segment %d starts %v samples from the origin", i, samples)
		}
		if i == g.Len()-1 && e != g.End {
			t.Fatalf("last segment ends at %v, want %v", e, g.End)
		}
	}
	if g.Len() != 5 {
		t.Fatalf("%d segments for 20 s; want 5", g.Len())
	}
}

func TestParseID(t *testing.T) {
	for _, s := range []Spec{{Kind: Video, Copy: true}, {Kind: Video, Width: 1280, Height: 720, Bitrate: 4_000_000},
		{Kind: Audio, Stream: 3, Channels: 2, Bitrate: 128_000}} {
		got, err := ParseID(s.ID())
		if err != nil || got != s {
			t.Errorf("ParseID(%q) = %+v, %v; want %+v", s.ID(), got, err, s)
		}
	}
	for _, bad := range []string{"", "v-h264-1281x720-4000k", "v-h264-99999x720-4000k", "v-h264-1280x720-10k",
		"a1-aac-9ch-128k", "a1-aac-2ch-1k", "../etc/passwd", "v-copy/..", "v-h264-1280x720-4000k\x00", "a1-opus-2ch-128k"} {
		if _, err := ParseID(bad); err == nil {
			t.Errorf("ParseID(%q) accepted", bad)
		}
	}
}

func FuzzReadSegment(f *testing.F) {
	f.Add([]byte{0, 0, 0, 8, 'm', 'o', 'o', 'f'})
	f.Add([]byte{0, 0, 0, 16, 'm', 'o', 'o', 'f', 0, 0, 0, 8, 't', 'r', 'a', 'f'})
	f.Add([]byte{0, 0, 0, 1, 'm', 'o', 'o', 'f', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = readSegment(b, trackInfo{timescale: 90000})
		_, _ = readInit(b)
	})
}
