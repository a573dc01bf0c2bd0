package thumbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// media generates the test files once per test binary.
var media = struct {
	once sync.Once
	dir  string
	err  error
}{}

// fixtures returns the folder of the generated files: a.mkv (45 s, 320x180,
// a keyframe every 2 s, with audio), short.mkv (0.5 s), three.mkv (3 s),
// audio.m4a, trunc.mkv (the first 40 % of a.mkv), head.mkv (its first 3000
// bytes) and junk.mkv (bytes that are not media).
func fixtures(t *testing.T) (string, ffmpeg.Runner) {
	t.Helper()
	ff := ffmpegtest.RequireFFmpeg(t)
	media.once.Do(func() {
		dir, err := os.MkdirTemp("", "thumbs-test-")
		if err != nil {
			media.err = err
			return
		}
		media.dir = dir
		video := func(name string, d time.Duration) testmedia.Spec {
			return testmedia.Spec{Path: filepath.Join(dir, name), Duration: d, Width: 320, Height: 180, VideoCodec: "h264"}
		}
		specs := []testmedia.Spec{video("a.mkv", 45*time.Second), video("short.mkv", 500*time.Millisecond),
			video("three.mkv", 3*time.Second), {Path: filepath.Join(dir, "audio.m4a"), Duration: 2 * time.Second}}
		if media.err = testmedia.GenerateAll(context.Background(), ff, specs, 0); media.err != nil {
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, "a.mkv"))
		if err != nil {
			media.err = err
			return
		}
		for name, data := range map[string][]byte{"trunc.mkv": b[:len(b)*4/10], "head.mkv": b[:3000],
			"junk.mkv": bytes.Repeat([]byte{0x42, 0x00, 0x13, 0x37}, 1000)} {
			if media.err = os.WriteFile(filepath.Join(dir, name), data, 0o644); media.err != nil {
				return
			}
		}
	})
	if media.err != nil {
		t.Fatalf("generate test media: %v", media.err)
	}
	return media.dir, ff
}

func TestMain(m *testing.M) {
	code := m.Run()
	if media.dir != "" {
		os.RemoveAll(media.dir)
	}
	os.Exit(code)
}

// cue is one parsed cue of a thumbs.vtt.
type cue struct {
	start, end time.Duration
	sheet      string
	x, y, w, h int
}

// parseVTT parses the index Generate writes, failing t on anything else.
func parseVTT(t *testing.T, b []byte) []cue {
	t.Helper()
	blocks := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	if blocks[0] != "WEBVTT" {
		t.Fatalf("vtt starts with %q", blocks[0])
	}
	var cues []cue
	for _, blk := range blocks[1:] {
		var c cue
		var from, to, payload string
		if _, err := fmt.Sscanf(blk, "%s --> %s\n%s", &from, &to, &payload); err != nil {
			t.Fatalf("cue %q: %v", blk, err)
		}
		c.start, c.end = parseTimestamp(t, from), parseTimestamp(t, to)
		name, xywh, ok := strings.Cut(payload, "#xywh=")
		if !ok {
			t.Fatalf("cue payload %q has no #xywh=", payload)
		}
		c.sheet = name
		if _, err := fmt.Sscanf(xywh, "%d,%d,%d,%d", &c.x, &c.y, &c.w, &c.h); err != nil {
			t.Fatalf("cue payload %q: %v", payload, err)
		}
		cues = append(cues, c)
	}
	return cues
}

func parseTimestamp(t *testing.T, s string) time.Duration {
	t.Helper()
	var h, m, sec, ms int
	if _, err := fmt.Sscanf(s, "%d:%d:%d.%d", &h, &m, &sec, &ms); err != nil || len(s) < len("00:00:00.000") {
		t.Fatalf("timestamp %q: %v", s, err)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond
}

// check verifies the directory res describes: exactly the sheets and the
// index, sheets of Columns*Width by Rows*Height, and cues contiguous from 0
// to d, each inside its sheet.
func check(t *testing.T, res Result, d time.Duration) []cue {
	t.Helper()
	ents, err := os.ReadDir(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := append(slices.Clone(res.Sprites), res.VTT)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	sizes := map[string][2]int{}
	for _, name := range res.Sprites {
		f, err := os.Open(filepath.Join(res.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Width != res.Columns*res.Width || cfg.Height != res.Rows*res.Height {
			t.Errorf("%s is %dx%d, want %dx%d", name, cfg.Width, cfg.Height, res.Columns*res.Width, res.Rows*res.Height)
		}
		sizes[name] = [2]int{cfg.Width, cfg.Height}
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, res.VTT))
	if err != nil {
		t.Fatal(err)
	}
	cues := parseVTT(t, b)
	if len(cues) != res.Count {
		t.Fatalf("%d cues, want Count %d", len(cues), res.Count)
	}
	var at time.Duration
	for i, c := range cues {
		if c.start != at || c.end <= c.start {
			t.Errorf("cue %d is %v --> %v, want it to start at %v", i, c.start, c.end, at)
		}
		at = c.end
		size, ok := sizes[c.sheet]
		if !ok {
			t.Errorf("cue %d points to %q, not a sheet", i, c.sheet)
		}
		if c.w != res.Width || c.h != res.Height || c.x < 0 || c.y < 0 || c.x+c.w > size[0] || c.y+c.h > size[1] {
			t.Errorf("cue %d: xywh %d,%d,%d,%d is not a %dx%d thumb inside %v", i, c.x, c.y, c.w, c.h, res.Width, res.Height, size)
		}
	}
	if at != d.Truncate(time.Millisecond) {
		t.Errorf("cues end at %v, want %v", at, d)
	}
	return cues
}

// noLeftovers fails if parent holds anything but want.
func noLeftovers(t *testing.T, parent string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", parent, got, want)
	}
}

func TestGenerate(t *testing.T) {
	media, ff := fixtures(t)
	for _, tc := range []struct {
		name     string
		file     string
		d        time.Duration
		opt      Options
		want     string // Result.String()
		wantLast string // payload of the last cue
	}{
		{"defaults on 45 s: 2 s apart, 3 rows", "a.mkv", 45 * time.Second, Options{},
			"thumbs 23 every 2s in 1 sheets of 10x3 320x180", "sprite-0.jpg#xywh=640,360,320,180"},
		{"several sheets, the last partial", "a.mkv", 45 * time.Second, Options{Interval: 5 * time.Second, Width: 160, Columns: 3, Rows: 2},
			"thumbs 9 every 5s in 2 sheets of 3x2 160x90", "sprite-1.jpg#xywh=320,0,160,90"},
		{"full decode", "a.mkv", 45 * time.Second, Options{FullDecode: true, Interval: 10 * time.Second, Quality: 2},
			"thumbs 5 every 10s in 1 sheets of 10x1 320x180", "sprite-0.jpg#xywh=1280,0,320,180"},
		{"duration unknown", "a.mkv", 0, Options{Interval: 10 * time.Second},
			"thumbs 5 every 10s in 1 sheets of 10x10 320x180", "sprite-0.jpg#xywh=1280,0,320,180"},
		{"shorter than the minimum interval", "short.mkv", 500 * time.Millisecond, Options{},
			"thumbs 1 every 1s in 1 sheets of 10x1 320x180", "sprite-0.jpg#xywh=0,0,320,180"},
		{"shorter than the interval", "three.mkv", 3 * time.Second, Options{Interval: 10 * time.Second, Width: 640},
			"thumbs 1 every 10s in 1 sheets of 10x1 320x180", "sprite-0.jpg#xywh=0,0,320,180"},
		{"duration shorter than the video", "three.mkv", 1500 * time.Millisecond, Options{Interval: time.Second, Columns: 1, Rows: 1},
			"thumbs 2 every 1s in 2 sheets of 1x1 320x180", "sprite-1.jpg#xywh=0,0,320,180"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dir := filepath.Join(parent, "item 50% done") // a space and a %: image2 reads % as a pattern
			start := time.Now()
			res, err := Generate(t.Context(), ff, filepath.Join(media, tc.file), tc.d, dir, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v in %v", res, time.Since(start))
			if res.String() != tc.want {
				t.Errorf("result %q, want %q", res, tc.want)
			}
			want := tc.d
			if want == 0 {
				want = time.Duration(res.Count) * res.Interval
			}
			cues := check(t, res, want)
			if last := cues[len(cues)-1]; fmt.Sprintf("%s#xywh=%d,%d,%d,%d", last.sheet, last.x, last.y, last.w, last.h) != tc.wantLast {
				t.Errorf("last cue %+v, want %s", last, tc.wantLast)
			}
			noLeftovers(t, parent, filepath.Base(dir))
			if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("stat %s: %v, %v", dir, fi.Mode(), err)
			}
		})
	}
}

// TestKeyframesAreOnTime checks the timestamps of keyframe-only thumbs: with
// an interval that is a multiple of the keyframe interval (2 s), each thumb is
// the very frame a full decode picks, so the sheets are byte for byte equal.
// Without setpts=PTS-STARTPTS they differ: Matroska starts the video at
// 0.021 s, and each thumb after the first would be a keyframe early.
func TestKeyframesAreOnTime(t *testing.T) {
	media, ff := fixtures(t)
	sheets := map[bool][]byte{}
	for _, full := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "thumbs")
		res, err := Generate(t.Context(), ff, filepath.Join(media, "a.mkv"), 45*time.Second, dir,
			Options{Interval: 4 * time.Second, Width: 64, FullDecode: full})
		if err != nil {
			t.Fatal(err)
		}
		if sheets[full], err = os.ReadFile(filepath.Join(dir, res.Sprites[0])); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(sheets[false], sheets[true]) {
		t.Fatal("keyframe-only thumbs differ from full-decode ones")
	}
}

func TestGenerateReplaces(t *testing.T) {
	media, ff := fixtures(t)
	dir := filepath.Join(t.TempDir(), "thumbs")
	path := filepath.Join(media, "a.mkv")
	if _, err := Generate(t.Context(), ff, path, 45*time.Second, dir, Options{Interval: 5 * time.Second, Columns: 2, Rows: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sprite-2.jpg")); err != nil {
		t.Fatal(err)
	}
	res, err := Generate(t.Context(), ff, path, 45*time.Second, dir, Options{Interval: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	check(t, res, 45*time.Second) // fails on the first run's extra sheets
	noLeftovers(t, filepath.Dir(dir), "thumbs")
}

func TestGenerateErrors(t *testing.T) {
	media, ff := fixtures(t)
	for _, tc := range []struct {
		name    string
		file    string
		opt     Options
		runner  *ffmpeg.Runner
		wantIs  []error
		wantErr string
	}{
		{"audio only", "audio.m4a", Options{}, nil, []error{ErrNoVideo, core.ErrInvalid}, "no video stream"},
		{"truncated", "trunc.mkv", Options{}, nil, []error{ErrTruncated, core.ErrInvalid}, "video ends before its duration: thumbs stop at "},
		{"truncated, full decode asked", "trunc.mkv", Options{FullDecode: true}, nil, []error{ErrTruncated}, "video ends before its duration"},
		{"header only", "head.mkv", Options{}, nil, []error{core.ErrInvalid}, "not a readable video: "},
		{"not media", "junk.mkv", Options{}, nil, []error{core.ErrInvalid}, "not a readable video: Invalid data found when processing input"},
		{"missing", "nope.mkv", Options{}, nil, []error{fs.ErrNotExist}, "no such file"},
		{"a folder", ".", Options{}, nil, []error{core.ErrInvalid}, "not a regular file"},
		{"interval", "a.mkv", Options{Interval: 999 * time.Millisecond}, &ffmpeg.Runner{}, []error{core.ErrInvalid}, "interval: 999ms is below 1s"},
		{"odd width", "a.mkv", Options{Width: 321}, &ffmpeg.Runner{}, []error{core.ErrInvalid}, "width: 321"},
		{"tiles", "a.mkv", Options{Columns: 33}, &ffmpeg.Runner{}, []error{core.ErrInvalid}, "tiles: 33x10"},
		{"quality", "a.mkv", Options{Quality: 1}, &ffmpeg.Runner{}, []error{core.ErrInvalid}, "quality: 1"},
		{"threads", "a.mkv", Options{Threads: -1}, &ffmpeg.Runner{}, []error{core.ErrInvalid}, "threads: -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ff
			if tc.runner != nil {
				r = *tc.runner // no Bin: these must fail before ffmpeg runs
			}
			parent := t.TempDir()
			path := filepath.Join(media, tc.file)
			_, err := Generate(t.Context(), r, path, 45*time.Second, filepath.Join(parent, "thumbs"), tc.opt)
			for _, target := range tc.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("err = %v, want errors.Is %v", err, target)
				}
			}
			if err == nil || !strings.HasPrefix(err.Error(), "thumbs of "+strconv.Quote(path)+": ") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want the path and %q", err, tc.wantErr)
			}
			noLeftovers(t, parent)
		})
	}
}

func TestGenerateCancelLeavesNothing(t *testing.T) {
	media, ff := fixtures(t)
	ff.Grace = 2 * time.Second
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { // cancel once ffmpeg has written a sheet into the temporary folder
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(parent, ".thumbs.*.tmp", "sprite-0.jpg")); len(m) > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	// One thumb a sheet, every second, every frame decoded: about 45 sheets
	// written over a few hundred milliseconds.
	_, err := Generate(ctx, ff, filepath.Join(media, "a.mkv"), 45*time.Second, filepath.Join(parent, "thumbs"),
		Options{Interval: time.Second, Columns: 1, Rows: 1, FullDecode: true})
	if err == nil {
		t.Skip("ffmpeg finished before the cancel reached it")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noLeftovers(t, parent)
}

func TestGenerateCancelledBeforeStart(t *testing.T) {
	media, ff := fixtures(t)
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Generate(ctx, ff, filepath.Join(media, "a.mkv"), 45*time.Second, filepath.Join(parent, "thumbs"), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noLeftovers(t, parent)
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		d        time.Duration
		opt      Options
		interval time.Duration
		rows     int
	}{
		{0, Options{}, 10 * time.Second, 10},
		{500 * time.Millisecond, Options{}, time.Second, 1},
		{21 * time.Second, Options{}, time.Second, 3},
		{45 * time.Second, Options{}, 2 * time.Second, 3},
		{100 * time.Second, Options{}, 5 * time.Second, 2},
		{199 * time.Second, Options{}, 9 * time.Second, 3},
		{2 * time.Hour, Options{}, 10 * time.Second, 10},
		{2 * time.Hour, Options{Interval: 2500*time.Millisecond + 7}, 2500 * time.Millisecond, 10},
		{30 * time.Second, Options{Interval: 20 * time.Second, Columns: 1}, 20 * time.Second, 2},
	} {
		o, err := tc.opt.resolve(tc.d)
		if err != nil || o.Interval != tc.interval || o.Rows != tc.rows || o.Width != DefaultWidth || o.Quality != DefaultQuality || o.Threads != 1 {
			t.Errorf("resolve(%v, %+v) = %+v, %v; want interval %v, %d rows", tc.d, tc.opt, o, err, tc.interval, tc.rows)
		}
	}
}

func TestFrameCounter(t *testing.T) {
	out := "#tb 0: 2/1\n#dimensions 0: 320x180\n#sar 0: 1/1\n0,          0,          0,        1,      472, 0x92dc2267\n" +
		"0,          1,          1,        1,      472, 0xe0f22100\n0,          2,          2,        1,      472, 0xc88922a2"
	var c frameCounter
	for i := 0; i < len(out); i += 7 { // in pieces, as a pipe delivers it
		c.Write([]byte(out[i:min(i+7, len(out))]))
	}
	c.Write([]byte("\n"))
	if c.count != 3 || c.width != 320 || c.height != 180 || c.err != nil {
		t.Fatalf("counted %+v", c.stats)
	}
	c.Write([]byte("0, 5, 5, 1, 472, 0x0\n"))
	if c.err == nil {
		t.Fatal("a gap in the timestamps went unnoticed")
	}
}

// BenchmarkGenerate1080p compares keyframe-only and full decoding on a 60 s
// 1080p h264 file with a keyframe every 2 s, generated first (about 20 s):
//
//	go test -run XXX -bench 1080p ./transcoder/thumbs/
func BenchmarkGenerate1080p(b *testing.B) {
	ff := ffmpegtest.RequireFFmpeg(b)
	path := filepath.Join(b.TempDir(), "hd.mkv")
	start := time.Now()
	if err := testmedia.Generate(b.Context(), ff, testmedia.Spec{Path: path, Duration: time.Minute,
		Width: 1920, Height: 1080, VideoCodec: "h264"}); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s in %v", path, time.Since(start))
	for _, full := range []bool{false, true} {
		name := "keyframes"
		if full {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "thumbs")
			for b.Loop() {
				if _, err := Generate(b.Context(), ff, path, time.Minute, dir, Options{FullDecode: full}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
