package keyframes

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// frame is one frame at testmedia's 24 fps: the tolerance of every check,
// since encoders and muxers shift the start by a few milliseconds (the AAC
// priming delay, for one).
const frame = time.Second / testmedia.FrameRate

// media generates the test files once per test binary.
var media = struct {
	once sync.Once
	dir  string
	err  error
}{}

// fixtures returns the folder of the generated files: a.mkv and a.mp4 (10 s,
// a keyframe every 2 s), a.ts (a.mkv remuxed to MPEG-TS, so starting at
// 1.4 s), audio.m4a, and notmedia.mkv (junk bytes; a text file would not do: ffprobe reads .txt as ANSI art, with a video stream).
func fixtures(t *testing.T) (string, ffmpeg.Runner) {
	t.Helper()
	ff := ffmpegtest.RequireFFmpeg(t)
	probe := ffmpegtest.RequireFFprobe(t)
	media.once.Do(func() {
		dir, err := os.MkdirTemp("", "keyframes-test-")
		if err != nil {
			media.err = err
			return
		}
		media.dir = dir
		ctx := context.Background()
		var specs []testmedia.Spec
		for _, name := range []string{"a.mkv", "a.mp4"} {
			specs = append(specs, testmedia.Spec{Path: filepath.Join(dir, name), Duration: 10 * time.Second,
				Width: 320, Height: 180, VideoCodec: "h264", KeyframeInterval: 48})
		}
		specs = append(specs, testmedia.Spec{Path: filepath.Join(dir, "audio.m4a"), Duration: 2 * time.Second})
		if media.err = testmedia.GenerateAll(ctx, ff, specs, 0); media.err != nil {
			return
		}
		media.err = ff.Run(ctx, []string{"-loglevel", "error", "-i", "file:" + filepath.Join(dir, "a.mkv"),
			"-c", "copy", "-f", "mpegts", "file:" + filepath.Join(dir, "a.ts")}, nil)
		if media.err == nil {
			media.err = os.WriteFile(filepath.Join(dir, "notmedia.mkv"), bytes.Repeat([]byte{0x42, 0x00, 0x13, 0x37}, 1000), 0o644)
		}
	})
	if media.err != nil {
		t.Fatal(media.err)
	}
	return media.dir, probe
}

func TestMain(m *testing.M) {
	code := m.Run()
	if media.dir != "" {
		os.RemoveAll(media.dir)
	}
	os.Exit(code)
}

func TestScan(t *testing.T) {
	dir, probe := fixtures(t)
	every2s := []time.Duration{0, 2 * time.Second, 4 * time.Second, 6 * time.Second, 8 * time.Second}
	for _, tc := range []struct {
		file   string
		offset time.Duration
	}{
		{"a.mkv", 0},
		{"a.mp4", 0},
		{"a.ts", 1400 * time.Millisecond}, // the mpegts muxer's default delay, kept as reported
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			keys, err := Scan(t.Context(), probe, filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != len(every2s) {
				t.Fatalf("keys = %v, want about %v + %v", keys, every2s, tc.offset)
			}
			for i, k := range keys {
				if d := k - every2s[i] - tc.offset; d < -frame || d > frame {
					t.Errorf("key %d = %v, want %v ± 1 frame (all: %v)", i, k, every2s[i]+tc.offset, keys)
				}
			}
		})
	}
}

func TestScanErrors(t *testing.T) {
	dir, probe := fixtures(t)
	for _, tc := range []struct {
		name, path string
		want       error
		wantText   string
	}{
		{"audio only", filepath.Join(dir, "audio.m4a"), ErrNoVideo, "no video stream"},
		{"not media", filepath.Join(dir, "notmedia.mkv"), core.ErrInvalid, "not a readable media file: Invalid data found when processing input"},
		{"missing", filepath.Join(dir, "nope.mkv"), fs.ErrNotExist, "no such file"},
		{"directory", dir, core.ErrInvalid, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := Scan(t.Context(), probe, tc.path)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.wantText) || keys != nil {
				t.Errorf("Scan = %v, %v; want %v containing %q", keys, err, tc.want, tc.wantText)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := Scan(ctx, probe, filepath.Join(dir, "a.mkv")); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func TestPacketParser(t *testing.T) {
	out := "0.023000,K_\n0.065000,__\nN/A,K_\n\n1.423000,K_,\n" + "video\n" + "-0.042000,K__\n2.0,K_\n2.000000,K_\n3.5,_D"
	p := &packetParser{cancel: func(error) {}}
	for len(out) > 0 { // in 3-byte writes, as a pipe may split them
		n := min(3, len(out))
		p.Write([]byte(out[:n]))
		out = out[n:]
	}
	p.flush()
	if p.err != nil {
		t.Fatal(p.err)
	}
	want := "[23ms 1.423s -42ms 2s 2s]"
	if got := formatKeys(p.keys); got != want {
		t.Errorf("keys = %v, want %s", p.keys, want)
	}
	if p.packets != 8 {
		t.Errorf("packets = %d, want 8", p.packets)
	}

	long := &packetParser{cancel: func(error) {}}
	long.Write([]byte(strings.Repeat("9", maxLine+1)))
	if !errors.Is(long.err, core.ErrInvalid) {
		t.Errorf("long line: err = %v", long.err)
	}
}

func formatKeys(keys []time.Duration) string {
	var s []string
	for _, k := range keys {
		s = append(s, k.String())
	}
	return "[" + strings.Join(s, " ") + "]"
}

func TestCodec(t *testing.T) {
	for _, keys := range [][]time.Duration{
		{0},
		{-42 * time.Millisecond, 1958 * time.Millisecond, 4 * time.Second},
		{1423 * time.Millisecond, 3423 * time.Millisecond, 100 * time.Hour},
	} {
		got, err := decode(encode(keys))
		if err != nil || formatKeys(got) != formatKeys(keys) {
			t.Errorf("decode(encode(%v)) = %v, %v", keys, got, err)
		}
	}
	good := encode([]time.Duration{0, 2 * time.Second})
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XKF1"), good[4:]...),
		"truncated": good[:len(good)-1],
		"flipped":   append(append([]byte(nil), good[:5]...), append([]byte{good[5] ^ 1}, good[6:]...)...),
		"no keys":   encode(nil),
	} {
		if _, err := decode(b); !errors.Is(err, errCorrupt) {
			t.Errorf("%s: err = %v, want errCorrupt", name, err)
		}
	}
}

func TestIndex(t *testing.T) {
	dir, probe := fixtures(t)
	path := filepath.Join(dir, "a.mkv")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := ffmpeg.Runner{Bin: filepath.Join(t.TempDir(), "no-ffprobe")} // any scan fails
	ix := &Index{Dir: filepath.Join(t.TempDir(), "cache")}

	want, err := ix.Get(t.Context(), probe, path, fi.Size(), fi.ModTime())
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 {
		t.Fatalf("keys = %v", want)
	}
	got, err := ix.Get(t.Context(), broken, path, fi.Size(), fi.ModTime())
	if err != nil || formatKeys(got) != formatKeys(want) {
		t.Fatalf("cache hit: %v, %v; want %v", got, err, want)
	}
	got[0] = time.Hour // the caller owns the slice
	if again, _ := ix.Get(t.Context(), broken, path, fi.Size(), fi.ModTime()); again[0] == time.Hour {
		t.Error("Get returned a shared slice")
	}
	if again, err := (&Index{Dir: ix.Dir}).Get(t.Context(), broken, path, fi.Size(), fi.ModTime()); err != nil || len(again) != 5 {
		t.Errorf("new Index on the same Dir: %v, %v", again, err)
	}

	if _, err := ix.Get(t.Context(), broken, path, fi.Size(), fi.ModTime().Add(time.Second)); err == nil {
		t.Error("a new modification time did not scan again")
	}
	if _, err := ix.Get(t.Context(), broken, path, fi.Size()+1, fi.ModTime()); err == nil {
		t.Error("a new size did not scan again")
	}
	if got, err := ix.Get(t.Context(), probe, path, fi.Size(), fi.ModTime().Add(time.Second)); err != nil || len(got) != 5 {
		t.Errorf("rescan after modTime change: %v, %v", got, err)
	}

	// Corrupt every cache file: the next Get scans again and repairs it.
	files, _ := filepath.Glob(filepath.Join(ix.Dir, "*.kf"))
	if len(files) != 2 {
		t.Fatalf("cache files = %q, want 2", files)
	}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("WKF1 garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ix.Get(t.Context(), broken, path, fi.Size(), fi.ModTime()); err == nil {
		t.Error("a corrupt cache file was used")
	}
	if got, err := ix.Get(t.Context(), probe, path, fi.Size(), fi.ModTime()); err != nil || formatKeys(got) != formatKeys(want) {
		t.Errorf("rebuild: %v, %v", got, err)
	}
	if got, err := ix.Get(t.Context(), broken, path, fi.Size(), fi.ModTime()); err != nil || len(got) != 5 {
		t.Errorf("after rebuild: %v, %v", got, err)
	}
	if tmp, _ := filepath.Glob(filepath.Join(ix.Dir, ".*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}

// TestIndexConcurrent checks that concurrent Gets for one file share a scan:
// the runner is a script that counts its runs before it runs ffprobe.
func TestIndexConcurrent(t *testing.T) {
	dir, probe := fixtures(t)
	path := filepath.Join(dir, "a.mp4")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	count := filepath.Join(tmp, "runs")
	wrapper := filepath.Join(tmp, "ffprobe") // the name keeps Run from adding ffmpeg-only options
	script := "#!/bin/sh\necho run >> '" + count + "'\nsleep 0.3\nexec '" + probe.Bin + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ix := &Index{Dir: filepath.Join(tmp, "cache")}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			keys, err := ix.Get(t.Context(), ffmpeg.Runner{Bin: wrapper}, path, fi.Size(), fi.ModTime())
			if err != nil || len(keys) != 5 {
				t.Errorf("Get = %v, %v", keys, err)
			}
		})
	}
	wg.Wait()
	runs, _ := os.ReadFile(count)
	if n := strings.Count(string(runs), "run"); n != 1 {
		t.Errorf("ffprobe ran %d times, want 1", n)
	}

	// A caller that gives up returns at once; the scan goes on and is cached.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	other := fi.ModTime().Add(time.Minute)
	if _, err := ix.Get(ctx, ffmpeg.Runner{Bin: wrapper}, path, fi.Size(), other); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Get: err = %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys, err := ix.Get(t.Context(), ffmpeg.Runner{Bin: filepath.Join(tmp, "none")}, path, fi.Size(), other)
		if err == nil && len(keys) == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the detached scan was not cached: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// BenchmarkScan measures the packet-flag scan of a 60 s 640x360 file.
func BenchmarkScan(b *testing.B) {
	ff := ffmpegtest.RequireFFmpeg(b)
	probe := ffmpegtest.RequireFFprobe(b)
	path := filepath.Join(b.TempDir(), "60s.mkv")
	spec := testmedia.Spec{Path: path, Duration: time.Minute, Width: 640, Height: 360, VideoCodec: "h264"}
	if err := testmedia.Generate(b.Context(), ff, spec); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if keys, err := Scan(b.Context(), probe, path); err != nil || len(keys) != 30 {
			b.Fatalf("Scan = %d keys, %v", len(keys), err)
		}
	}
}

// TestIndexClose checks that Close stops a scan whose caller gave up and waits for it, so that
// nothing is written into Dir once it returns, and that Get fails after it.
func TestIndexClose(t *testing.T) {
	dir, probe := fixtures(t)
	path := filepath.Join(dir, "a.mp4")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	slow := filepath.Join(tmp, "ffprobe")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nsleep 1\nexec '"+probe.Bin+"' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ix := &Index{Dir: filepath.Join(tmp, "cache")}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := ix.Get(ctx, ffmpeg.Runner{Bin: slow}, path, fi.Size(), fi.ModTime()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get = %v, want the caller's deadline", err)
	}
	ix.Close() // the scan is still running: Close stops it and waits
	time.Sleep(1500 * time.Millisecond)
	if files, _ := os.ReadDir(ix.Dir); len(files) > 0 {
		t.Errorf("written after Close: %v", files)
	}
	if _, err := ix.Get(t.Context(), probe, path, fi.Size(), fi.ModTime()); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close = %v, want ErrClosed", err)
	}
}
