package hls

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/segcache"
	"github.com/walros/walros/transcoder/testmedia"
)

// fixture is a 20 s 640x360 H.264 + AAC Matroska file with a keyframe every 2 s, made once, and
// the same with B-frames (which make ffmpeg seek 3/23 s early in Matroska).
var fixture struct {
	once    sync.Once
	dir     string
	src     Source
	bframes Source
	err     error
}

func source(t *testing.T) Source {
	t.Helper()
	ff := ffmpegtest.RequireFFmpeg(t)
	fp := ffmpegtest.RequireFFprobe(t)
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "walros-hls-")
		if fixture.err != nil {
			return
		}
		path := filepath.Join(fixture.dir, "movie.mkv")
		spec := testmedia.Spec{Path: path, Duration: 20 * time.Second, Width: 640, Height: 360, KeyframeInterval: 48}
		if fixture.err = testmedia.Generate(context.Background(), ff, spec); fixture.err != nil {
			return
		}
		info, err := probe.New(fp, probe.Options{}).Probe(context.Background(), path)
		if err != nil {
			fixture.err = err
			return
		}
		fi, _ := os.Stat(path)
		fixture.src = Source{ID: "f1", Path: path, Size: fi.Size(), ModTime: fi.ModTime(), Info: info}

		bpath := filepath.Join(fixture.dir, "bframes.mkv")
		if fixture.err = ff.Run(context.Background(), []string{"-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24",
			"-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
			"-bf", "2", "-g", "48", "-keyint_min", "48", "-sc_threshold", "0", "-c:a", "aac", "-shortest", bpath}, nil); fixture.err != nil {
			return
		}
		binfo, err := probe.New(fp, probe.Options{}).Probe(context.Background(), bpath)
		if err != nil {
			fixture.err = err
			return
		}
		bfi, _ := os.Stat(bpath)
		fixture.bframes = Source{ID: "f2", Path: bpath, Size: bfi.Size(), ModTime: bfi.ModTime(), Info: binfo}
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.src
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

type testEnv struct {
	m     *Manager
	cache *segcache.Cache
	ff    ffmpeg.Runner
}

func newManager(t *testing.T, opt Options) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cache, err := segcache.Open(filepath.Join(dir, "cache"), 1<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt.FFmpeg = ffmpegtest.RequireFFmpeg(t)
	opt.FFprobe = ffmpegtest.RequireFFprobe(t)
	opt.Cache = cache
	opt.Keyframes = &keyframes.Index{Dir: filepath.Join(dir, "keyframes")}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := New(opt)
	t.Cleanup(func() { m.Close(); cache.Close() })
	return &testEnv{m: m, cache: cache, ff: opt.FFmpeg}
}

// fetch returns the bytes of init (n < 0) or segment n.
func (e *testEnv) fetch(t *testing.T, src Source, spec Spec, n int) []byte {
	t.Helper()
	var f *os.File
	var err error
	if n < 0 {
		f, _, err = e.m.Init(context.Background(), src, spec, "u")
	} else {
		f, _, err = e.m.Segment(context.Background(), src, spec, n, "u")
	}
	if err != nil {
		t.Fatalf("%s segment %d: %v", spec.ID(), n, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packets decodes a concatenation of init and segments with ffprobe and returns its packets'
// presentation times, checking that ffmpeg decodes it without errors.
func packets(t *testing.T, ff ffmpeg.Runner, data []byte, strict bool) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "joined.mp4")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-v", "error", "-i", path, "-f", "null", "-"}
	if strict {
		args = append([]string{"-xerror"}, args...)
	}
	if err := ff.Run(context.Background(), args, nil); err != nil {
		t.Fatalf("decode: %v %s", err, stderr(err))
	}
	fp := ffmpegtest.RequireFFprobe(t)
	var out bytes.Buffer
	if err := fp.Run(context.Background(), []string{"-v", "error", "-select_streams", "0", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", path}, &out); err != nil {
		t.Fatal(err)
	}
	return strings.Fields(out.String())
}

func stderr(err error) string {
	if e, ok := err.(*ffmpeg.ExitError); ok {
		return e.Stderr
	}
	return ""
}

// pts returns the sorted presentation times and the durations of a decoded stream's packets.
func pts(t *testing.T, lines []string) (times []float64, durs []float64) {
	t.Helper()
	for _, l := range lines {
		p, d, _ := strings.Cut(strings.TrimSuffix(l, ","), ",")
		pt, err := strconv.ParseFloat(p, 64)
		if err != nil {
			t.Fatalf("packet line %q", l)
		}
		du, _ := strconv.ParseFloat(d, 64)
		times, durs = append(times, pt), append(durs, du)
	}
	sort.Float64s(times)
	return times, durs
}

var specs = []Spec{{Kind: Video, Copy: true}, {Kind: Video, Width: 320, Height: 180, Bitrate: 400_000},
	{Kind: Audio, Stream: 1, Channels: 2, Bitrate: 128_000},
	{Kind: Video, Copy: true, TS: true, Stream: 1, Channels: 2, AudioBitrate: 96_000},
	{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000, TS: true, Stream: 1, Channels: 1, AudioBitrate: 64_000}}

// TestTimestampsContinuousAcrossRestarts fetches each rendition's middle segment first (an
// encoder starts there), then every segment from the start (another encoder starts at 0 and
// stops when it reaches what the first made), and checks that the segments of both runs join into
// one stream ffmpeg decodes without an error, with no gap, overlap or jump, and the whole duration.
func TestTimestampsContinuousAcrossRestarts(t *testing.T) {
	source(t)
	e := newManager(t, Options{})
	cases := []struct {
		src  Source
		spec Spec
	}{}
	for _, spec := range specs {
		cases = append(cases, struct {
			src  Source
			spec Spec
		}{fixture.src, spec})
	}
	for _, spec := range specs[:2] {
		cases = append(cases, struct {
			src  Source
			spec Spec
		}{fixture.bframes, spec})
	}
	for _, tc := range cases {
		src, spec := tc.src, tc.spec
		t.Run(src.ID+"/"+spec.ID(), func(t *testing.T) {
			ctx := context.Background()
			n, err := e.m.Segments(ctx, src, spec)
			if err != nil {
				t.Fatal(err)
			}
			before := e.m.Stats().Started
			segs := map[int][]byte{n / 2: e.fetch(t, src, spec, n/2)}
			for i := range n {
				segs[i] = e.fetch(t, src, spec, i)
			}
			if started := e.m.Stats().Started - before; started < 2 {
				t.Fatalf("%d encoder runs; the test needs a restart", started)
			}
			var all []byte
			if !spec.TS {
				all = e.fetch(t, src, spec, -1)
			}
			for i := range n {
				all = append(all, segs[i]...)
			}
			// ffmpeg's null muxer complains about the millisecond timestamps of copied
			// Matroska video in any MPEG-TS, joined or not: -xerror is for fMP4.
			times, durs := pts(t, packets(t, e.ff, all, !spec.TS))
			frame := 1.0 / 24
			if spec.Kind == Audio {
				frame = 1024.0 / 48000
			}
			for i := 1; i < len(times); i++ {
				if d := times[i] - times[i-1]; d < frame*0.5 || d > frame*1.5 {
					t.Fatalf("packets %d and %d are %.4f s apart (a frame is %.4f s): %v", i-1, i, d, frame, times[max(0, i-3):min(len(times), i+3)])
				}
			}
			start, end := times[0], times[len(times)-1]+durs[len(durs)-1]
			if start < 0 || start > 0.05 || end < 19.95 || end > 20.1 {
				t.Fatalf("stream spans %.3f-%.3f s; want 0.02-20.02", start, end)
			}
		})
	}
}

// TestSecondViewerStartsNoEncode fetches a rendition twice: the second viewer gets every segment
// from the cache, without an encoder.
func TestSecondViewerStartsNoEncode(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{})
	spec := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000}
	n, err := e.m.Segments(context.Background(), src, spec)
	if err != nil {
		t.Fatal(err)
	}
	first := map[int][]byte{}
	for i := range n {
		first[i] = e.fetch(t, src, spec, i)
	}
	started := e.m.Stats().Started
	e.fetch(t, src, spec, -1)
	for i := range n {
		if got := e.fetch(t, src, spec, i); !bytes.Equal(got, first[i]) {
			t.Fatalf("segment %d differs for the second viewer", i)
		}
	}
	if s := e.m.Stats(); s.Started != started {
		t.Fatalf("the second viewer started %d encoders", s.Started-started)
	}
}

// TestEncodersFarFromViewersStop asks for the first segment only: the encoder runs on, then stops
// once it is MaxAhead past what was asked, without making the rest.
func TestEncodersFarFromViewersStop(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{MaxAhead: 4 * time.Second})
	spec := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 200_000}
	n, _ := e.m.Segments(context.Background(), src, spec)
	e.fetch(t, src, spec, 0)
	waitFor(t, 10*time.Second, "the encoder stops", func() bool { return e.m.Stats().Heads == 0 })
	r, _ := e.m.rendition(context.Background(), src, spec)
	if e.cache.Has(r.segKey(n - 1)) {
		t.Fatal("the encoder ran to the end though nobody watched past the first segment")
	}
}

// TestIdleEncodersStop: with nobody asking, even a nearby encoder stops after IdleTimeout.
func TestIdleEncodersStop(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{IdleTimeout: 500 * time.Millisecond, MaxAhead: time.Hour})
	spec := Spec{Kind: Video, Width: 640, Height: 360, Bitrate: 2_000_000}
	e.fetch(t, src, spec, 0)
	waitFor(t, 10*time.Second, "the idle encoder stops", func() bool { return e.m.Stats().Heads == 0 })
}

// TestEncoderLimits: beyond MaxTranscodes, a request that needs a new encode is refused with a
// delay to retry after; cached segments and other users' copies still work.
func TestEncoderLimits(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{MaxTranscodes: 1, MaxAhead: time.Hour, IdleTimeout: time.Hour})
	a := Spec{Kind: Video, Width: 640, Height: 360, Bitrate: 3_000_000}
	b := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000}
	e.fetch(t, src, a, 0) // a's encoder now runs on through the file
	_, _, err := e.m.Segment(context.Background(), src, b, 5, "someone-else")
	var busy *BusyError
	if !errors.As(err, &busy) || busy.RetryAfter <= 0 {
		if e.m.Stats().Transcodes == 0 {
			t.Skip("the first encode finished before the second request: machine too fast for this test")
		}
		t.Fatalf("second encode: %v; want a BusyError", err)
	}
	if f, _, err := e.m.Segment(context.Background(), src, a, 0, "someone-else"); err != nil {
		t.Fatalf("a cached segment while busy: %v", err)
	} else {
		f.Close()
	}
	e.fetch(t, src, Spec{Kind: Video, Copy: true}, 3) // copies are limited apart from encodes
}

// TestBadRequests: segments past the end, unknown tracks, copies of uncopyable video, broken files.
func TestBadRequests(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{})
	ctx := context.Background()
	n, _ := e.m.Segments(ctx, src, specs[0])
	if _, _, err := e.m.Segment(ctx, src, specs[0], n, "u"); !errors.Is(err, ErrNoSegment) || !errors.Is(err, core.ErrNotFound) {
		t.Errorf("segment past the end: %v", err)
	}
	if _, _, err := e.m.Segment(ctx, src, specs[0], -1, "u"); !errors.Is(err, ErrNoSegment) {
		t.Errorf("segment -1: %v", err)
	}
	for _, spec := range []Spec{{Kind: Audio, Stream: 0, Channels: 2, Bitrate: 128_000}, {Kind: Audio, Stream: 7, Channels: 2, Bitrate: 128_000},
		{Kind: Video, Width: 1280, Height: 720, Bitrate: 2_000_000}} {
		if _, _, err := e.m.Segment(ctx, src, spec, 0, "u"); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: %v; want ErrInvalid", spec.ID(), err)
		}
	}

	// A truncated copy: its segments before the cut play, the ones after fail cleanly, and the
	// manager keeps serving the good file.
	data, err := os.ReadFile(src.Path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.mkv")
	if err := os.WriteFile(cut, data[:len(data)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	broken := src
	broken.ID, broken.Path = "cut", cut
	enc := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000}
	cutN, err := e.m.Segments(ctx, broken, enc)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.m.Segment(ctx, broken, enc, cutN-1, "u")
	if !errors.Is(err, ErrMedia) && !errors.Is(err, core.ErrInvalid) {
		t.Fatalf("a segment past the truncation: %v; want ErrMedia", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.mkv")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a video "), 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := src
	bad.ID, bad.Path = "junk", junk
	if _, _, err := e.m.Segment(ctx, bad, enc, 0, "u"); err == nil {
		t.Fatal("a junk file gave a segment")
	}
	e.fetch(t, src, enc, 1)
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
	}
}

// TestAudioShorterThanTheFile: when the audio stops before the file does, the audio rendition's
// last segments are silence, so that every segment the playlist lists exists.
func TestAudioShorterThanTheFile(t *testing.T) {
	source(t)
	ff := ffmpegtest.RequireFFmpeg(t)
	path := filepath.Join(t.TempDir(), "short-audio.mkv")
	if err := ff.Run(context.Background(), []string{"-v", "error", "-t", "14", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24",
		"-t", "9.3", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=44100", "-map", "0", "-map", "1",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "48", "-c:a", "aac", path}, nil); err != nil {
		t.Fatal(err)
	}
	info, err := probe.New(ffmpegtest.RequireFFprobe(t), probe.Options{}).Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	src := Source{ID: "short", Path: path, Size: fi.Size(), ModTime: fi.ModTime(), Info: info}
	e := newManager(t, Options{})
	spec := Spec{Kind: Audio, Stream: 1, Channels: 1, Bitrate: 64_000}
	n, err := e.m.Segments(context.Background(), src, spec)
	_, fileEnd, _ := e.m.Span(context.Background(), src, spec, n-1)
	if err != nil || fileEnd < 11*time.Second {
		t.Fatalf("%d audio segments to %v, %v; want them to cover the video past the audio's 9.3 s", n, fileEnd, err)
	}
	last := e.fetch(t, src, spec, n-1) // a run starting past the end of the audio: silence
	all := e.fetch(t, src, spec, -1)
	for i := range n {
		seg := e.fetch(t, src, spec, i)
		if i == n-1 && !bytes.Equal(seg, last) {
			t.Fatal("the last segment changed")
		}
		all = append(all, seg...)
	}
	times, durs := pts(t, packets(t, e.ff, all, true))
	if end := times[len(times)-1] + durs[len(durs)-1]; end < fileEnd.Seconds()-0.05 || end > fileEnd.Seconds()+0.2 {
		t.Fatalf("the audio rendition ends at %.3f s; want the file's %.3f s", end, fileEnd.Seconds())
	}
}

// TestHardwareFallback configures a GPU encoder on a device that does not exist: the first encode
// fails and is made in software instead, under a software key, and later ones go straight to
// software. (Software is what CI can test; the hardware argument profiles need the hardware.)
func TestHardwareFallback(t *testing.T) {
	src := source(t)
	for _, accel := range []string{"vaapi", "qsv", "nvenc"} {
		t.Run(accel, func(t *testing.T) {
			e := newManager(t, Options{HWAccel: accel, HWDevice: "/nonexistent/renderD128"})
			spec := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000}
			e.fetch(t, src, spec, 0)
			e.fetch(t, src, spec, -1)
			r, _ := e.m.rendition(context.Background(), src, spec)
			if r.hw || r.key != e.m.key(src, spec, false) {
				t.Fatalf("after the fallback: hw %v, key %s", r.hw, r.key)
			}
			other := Spec{Kind: Video, Width: 160, Height: 90, Bitrate: 150_000}
			e.fetch(t, src, other, 3)
			if r2, _ := e.m.rendition(context.Background(), src, other); r2.hw {
				t.Fatal("a later rendition tried the broken hardware again")
			}
		})
	}
}

// TestSegmentNotReady: a segment that does not come within WaitTimeout is ErrNotReady, which
// the facades answer 503 with Retry-After, and asking again later gets it.
func TestSegmentNotReady(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{WaitTimeout: time.Nanosecond, MaxAhead: time.Hour, IdleTimeout: time.Hour})
	spec := Spec{Kind: Video, Width: 640, Height: 360, Bitrate: 2_000_000}
	_, _, err := e.m.Segment(context.Background(), src, spec, 2, "u")
	if !errors.Is(err, ErrNotReady) {
		t.Fatalf("a segment not made in time: %v; want ErrNotReady", err)
	}
	waitFor(t, 30*time.Second, "the segment is made", func() bool {
		f, _, err := e.m.Segment(context.Background(), src, spec, 2, "u")
		if err == nil {
			f.Close()
		}
		return err == nil
	})
}
