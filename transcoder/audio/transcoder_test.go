package audio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/segcache"
	"github.com/walros/walros/transcoder/testmedia"
)

// fixtures are the source files, generated once for every test.
type fixtures struct {
	flac   Source // 20 s stereo 48 kHz, tagged
	long   Source // 60 s flac, for the disconnect tests
	mkv    Source // video, a stereo 48 kHz track and a 5.1 44.1 kHz one
	secAAC int    // the index of the mkv's second audio track
}

var (
	fixOnce sync.Once
	fix     fixtures
	fixErr  error
	fixDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// setup returns the runners and the fixtures, skipping without ffmpeg.
func setup(t *testing.T) (ff, fprobe ffmpeg.Runner, fx fixtures) {
	t.Helper()
	ff = ffmpegtest.RequireFFmpeg(t)
	fprobe = ffmpegtest.RequireFFprobe(t)
	fixOnce.Do(func() { fix, fixErr = makeFixtures(ff, fprobe) })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return ff, fprobe, fix
}

func makeFixtures(ff, fprobe ffmpeg.Runner) (fixtures, error) {
	var fx fixtures
	dir, err := os.MkdirTemp("", "walros-audio-test-")
	if err != nil {
		return fx, err
	}
	fixDir = dir
	ctx := context.Background()
	tags := map[string]string{"artist": "Walros", "album": "Tests"}
	specs := []testmedia.Spec{
		{Path: filepath.Join(dir, "song.flac"), Duration: 20 * time.Second, Title: "Sine Song", Tags: tags},
		{Path: filepath.Join(dir, "long.flac"), Duration: 60 * time.Second, Title: "Long"},
	}
	if err := testmedia.GenerateAll(ctx, ff, specs, 0); err != nil {
		return fx, err
	}
	mkv := filepath.Join(dir, "film.mkv")
	err = ff.Run(ctx, []string{"-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=size=160x90:rate=24",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-f", "lavfi", "-i", "sine=frequency=880:sample_rate=44100",
		"-map", "0:v", "-map", "1:a", "-map", "2:a", "-t", "6",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac:a:0", "2", "-ac:a:1", "6",
		"-disposition:a:0", "default", "-disposition:a:1", "0",
		"-y", "file:" + mkv}, nil)
	if err != nil {
		return fx, fmt.Errorf("make mkv: %w", err)
	}
	p := probe.New(fprobe, probe.Options{})
	for _, s := range []struct {
		dst  *Source
		path string
	}{{&fx.flac, specs[0].Path}, {&fx.long, specs[1].Path}, {&fx.mkv, mkv}} {
		info, err := p.Probe(ctx, s.path)
		if err != nil {
			return fx, err
		}
		fi, err := os.Stat(s.path)
		if err != nil {
			return fx, err
		}
		*s.dst = Source{ID: filepath.Base(s.path), Path: s.path, Size: fi.Size(), ModTime: fi.ModTime(),
			StreamIndex: DefaultStream, Info: info}
	}
	fx.secAAC = -1
	for _, s := range fx.mkv.Info.Streams {
		if s.Kind == core.StreamAudio && s.Channels == 6 {
			fx.secAAC = s.Index
		}
	}
	if fx.secAAC != 2 {
		return fx, fmt.Errorf("mkv streams: %+v", fx.mkv.Info.Streams)
	}
	return fx, nil
}

// newTranscoder returns a Transcoder on a fresh cache, closed with the test.
func newTranscoder(t *testing.T, ff ffmpeg.Runner) *Transcoder {
	t.Helper()
	cache, err := segcache.Open(filepath.Join(t.TempDir(), "cache"), 1<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &Transcoder{FFmpeg: ff, Cache: cache, Log: testLog(t)}
	t.Cleanup(func() {
		tr.Close()
		if err := cache.Close(); err != nil {
			t.Error(err)
		}
	})
	return tr
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// decoded is what ffprobe says of a transcode.
type decoded struct {
	codec      string
	channels   int
	sampleRate int
	duration   time.Duration // end of the last packet
	title      string
}

func ffprobe(t *testing.T, fprobe ffmpeg.Runner, data []byte, ext string) decoded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out"+ext)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := fprobe.Run(t.Context(), []string{"-v", "error", "-select_streams", "a:0", "-print_format", "json",
		"-show_entries", "stream=codec_name,channels,sample_rate:stream_tags=title:format_tags=title:packet=pts_time,duration_time",
		"file:" + path}, &out)
	if err != nil {
		var exit *ffmpeg.ExitError
		errors.As(err, &exit)
		t.Fatalf("ffprobe: %v %v", err, exit)
	}
	var res struct {
		Streams []struct {
			Codec      string            `json:"codec_name"`
			Channels   int               `json:"channels"`
			SampleRate string            `json:"sample_rate"`
			Tags       map[string]string `json:"tags"`
		} `json:"streams"`
		Packets []struct {
			PTS      string `json:"pts_time"`
			Duration string `json:"duration_time"`
		} `json:"packets"`
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Streams) != 1 || len(res.Packets) == 0 {
		t.Fatalf("ffprobe found %d streams, %d packets", len(res.Streams), len(res.Packets))
	}
	s := res.Streams[0]
	d := decoded{codec: s.Codec, channels: s.Channels}
	d.sampleRate, _ = strconv.Atoi(s.SampleRate)
	for _, p := range res.Packets {
		pts, _ := strconv.ParseFloat(p.PTS, 64)
		dur, _ := strconv.ParseFloat(p.Duration, 64)
		d.duration = max(d.duration, time.Duration((pts+dur)*float64(time.Second)))
	}
	d.title = res.Format.Tags["title"]
	if d.title == "" {
		d.title = res.Format.Tags["TITLE"]
	}
	if d.title == "" {
		d.title = s.Tags["title"]
	}
	if d.title == "" {
		d.title = s.Tags["TITLE"]
	}
	return d
}

func TestStreamFormats(t *testing.T) {
	_, fprobe, fx := setup(t)
	ff := ffmpegtest.RequireFFmpeg(t)
	tr := newTranscoder(t, ff)
	// A second Transcoder on the same cache whose ffmpeg cannot run: it
	// succeeds only on cache hits.
	bogus := &Transcoder{FFmpeg: ffmpeg.Runner{Bin: "/nonexistent/ffmpeg"}, Cache: tr.Cache, Log: testLog(t)}

	second := fx.mkv
	second.StreamIndex = fx.secAAC
	for _, src := range []struct {
		name  string
		s     Source
		dur   time.Duration
		title string
	}{{"flac", fx.flac, 20 * time.Second, "Sine Song"}, {"mkv track 2", second, 6 * time.Second, ""}} {
		for _, tc := range []struct {
			f        Format
			codec    string
			channels int
			rate     int
		}{
			{Format{Codec: CodecAAC}, "aac", 2, 0},
			{Format{Codec: CodecAAC, Container: ContainerMP4, Bitrate: 128_000}, "aac", 2, 0},
			{Format{Codec: CodecOpus}, "opus", 2, 48000},
			{Format{Codec: CodecOpus, Container: ContainerWebM, Channels: 1, Bitrate: 48_000}, "opus", 1, 48000},
			{Format{Codec: CodecMP3, Bitrate: 320_000}, "mp3", 2, 0},
			{Format{Codec: CodecOpus, Channels: 6}, "opus", 6, 48000},
			{Format{Codec: CodecAAC, Channels: 6}, "aac", 6, 0},
		} {
			name := fmt.Sprintf("%s/%s-%s-%d-%dch", src.name, tc.f.Codec, tc.f.Container, tc.f.Bitrate, tc.f.Channels)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				want := tc.channels
				if want == 6 && src.s.Info.Streams[max(src.s.StreamIndex, 0)].Channels != 6 {
					want = 2 // no upmix of the stereo flac
				}
				rate := tc.rate
				if rate == 0 {
					rate = src.s.Info.Streams[max(src.s.StreamIndex, 0)].SampleRate
				}
				var got bytes.Buffer
				if err := tr.Stream(t.Context(), &got, src.s, tc.f); err != nil {
					t.Fatal(err)
				}
				d := ffprobe(t, fprobe, got.Bytes(), Extension(tc.f))
				if d.codec != tc.codec || d.channels != want || d.sampleRate != rate {
					t.Errorf("decoded %+v, want %s %d ch at %d Hz", d, tc.codec, want, rate)
				}
				if (d.duration - src.dur).Abs() > 100*time.Millisecond {
					t.Errorf("duration %v, want %v", d.duration, src.dur)
				}
				if src.title != "" && Extension(tc.f) != ".aac" && // ADTS has no tags
					d.title != src.title {
					t.Errorf("title %q, want %q", d.title, src.title)
				}

				// From the cache, without ffmpeg: the same bytes.
				f, fi, ok := tr.Cached(src.s, tc.f)
				if !ok {
					t.Fatal("not cached after a complete stream")
				}
				f.Close()
				if fi.Size() != int64(got.Len()) {
					t.Errorf("cached %d bytes, streamed %d", fi.Size(), got.Len())
				}
				var again bytes.Buffer
				if err := bogus.Stream(t.Context(), &again, src.s, tc.f); err != nil {
					t.Fatalf("cache hit ran ffmpeg: %v", err)
				}
				if !bytes.Equal(again.Bytes(), got.Bytes()) {
					t.Errorf("cache hit sent %d bytes, first stream %d", again.Len(), got.Len())
				}
			})
		}
	}
}

// failWriter fails its first write after n bytes, as a client that hangs up.
type failWriter struct {
	n       int
	written int
}

var errHangUp = errors.New("client hung up")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.written+len(p) > w.n {
		return 0, errHangUp
	}
	w.written += len(p)
	return len(p), nil
}

func TestDisconnectShortFinishes(t *testing.T) {
	t.Parallel()
	ff, fprobe, fx := setup(t)
	tr := newTranscoder(t, ff)
	f := Format{Codec: CodecMP3}
	err := tr.Stream(t.Context(), &failWriter{n: 0}, fx.flac, f)
	if !errors.Is(err, errHangUp) {
		t.Fatalf("Stream = %v, want the write error", err)
	}
	tr.wg.Wait() // the encode goes on without its client
	file, _, ok := tr.Cached(fx.flac, f)
	if !ok {
		t.Fatal("a short file was not cached after its client left")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		t.Fatal(err)
	}
	if d := ffprobe(t, fprobe, data, ".mp3"); (d.duration - 20*time.Second).Abs() > 100*time.Millisecond {
		t.Errorf("cached transcode lasts %v, want 20s", d.duration)
	}
	assertNoScratch(t, tr)
}

func TestDisconnectLongStops(t *testing.T) {
	t.Parallel()
	ff, _, fx := setup(t)
	tr := newTranscoder(t, ff)
	tr.Options.FinishShorterThan = time.Second // the 60 s file is "long"
	f := Format{Codec: CodecOpus}
	err := tr.Stream(t.Context(), &failWriter{n: 0}, fx.long, f)
	if !errors.Is(err, errHangUp) {
		t.Fatalf("Stream = %v, want the write error", err)
	}
	tr.wg.Wait() // wait for the stop, not Close: Close would stop it anyway
	if f, _, ok := tr.Cached(fx.long, f); ok {
		f.Close()
		t.Fatal("the partial transcode of a long file was cached")
	}
	assertNoScratch(t, tr)
}

func TestCancelledRequest(t *testing.T) {
	t.Parallel()
	ff, _, fx := setup(t)
	tr := newTranscoder(t, ff)
	tr.Options.FinishShorterThan = -1
	ctx, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("request gone")
	w := writerFunc(func(p []byte) (int, error) { cancel(cause); return len(p), nil })
	err := tr.Stream(ctx, w, fx.long, Format{Codec: CodecAAC})
	if !errors.Is(err, cause) {
		t.Fatalf("Stream = %v, want the ctx cause", err)
	}
	tr.wg.Wait()
	if _, _, ok := tr.Cached(fx.long, Format{Codec: CodecAAC}); ok {
		t.Fatal("partial transcode cached")
	}
	assertNoScratch(t, tr)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// assertNoScratch checks that no scratch directory is left in the cache.
func assertNoScratch(t *testing.T, tr *Transcoder) {
	t.Helper()
	dir, err := tr.Cache.Scratch()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(dir)
	left, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 {
		t.Errorf("scratch holds %d entries, want only the probe dir", len(left))
	}
}

// countingFFmpeg is a Runner whose binary records each run in a file.
func countingFFmpeg(t *testing.T, ff ffmpeg.Runner) (ffmpeg.Runner, func() int) {
	t.Helper()
	dir := t.TempDir()
	count := filepath.Join(dir, "runs")
	script := filepath.Join(dir, "ffmpeg")
	body := fmt.Sprintf("#!/bin/sh\necho run >> '%s'\nexec '%s' \"$@\"\n", count, ff.Bin)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return ffmpeg.Runner{Bin: script}, func() int {
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "run")
	}
}

func TestConcurrentRequestsShareOneEncode(t *testing.T) {
	t.Parallel()
	ff, _, fx := setup(t)
	counting, runs := countingFFmpeg(t, ff)
	tr := newTranscoder(t, counting)
	f := Format{Codec: CodecOpus, Bitrate: 96_000}
	const n = 6
	outs := make([]bytes.Buffer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Slow clients, so that later ones find the encode running.
			w := writerFunc(func(p []byte) (int, error) {
				time.Sleep(time.Millisecond)
				return outs[i].Write(p)
			})
			errs[i] = tr.Stream(t.Context(), w, fx.long, f)
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("stream %d: %v", i, errs[i])
		}
		if outs[i].Len() == 0 || !bytes.Equal(outs[i].Bytes(), outs[0].Bytes()) {
			t.Errorf("stream %d sent %d bytes, stream 0 %d", i, outs[i].Len(), outs[0].Len())
		}
	}
	if got := runs(); got != 1 {
		t.Errorf("ffmpeg ran %d times, want 1", got)
	}
}

func TestTrackSelection(t *testing.T) {
	t.Parallel()
	ff, fprobe, fx := setup(t)
	tr := newTranscoder(t, ff)
	// DefaultStream is the track flagged default: the stereo one.
	var out bytes.Buffer
	if err := tr.Stream(t.Context(), &out, fx.mkv, Format{Codec: CodecOpus, Channels: 6}); err != nil {
		t.Fatal(err)
	}
	if d := ffprobe(t, fprobe, out.Bytes(), ".opus"); d.channels != 2 {
		t.Errorf("default track has %d channels, want the stereo track", d.channels)
	}

	bogus := &Transcoder{FFmpeg: ffmpeg.Runner{Bin: "/nonexistent/ffmpeg"}, Cache: tr.Cache}
	for _, tc := range []struct {
		name string
		src  Source
	}{
		{"video stream", withStream(fx.mkv, 0)},
		{"past the end", withStream(fx.mkv, 9)},
		{"negative", withStream(fx.mkv, -2)},
		{"no streams known", Source{ID: "x", Path: fx.flac.Path, StreamIndex: DefaultStream}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := bogus.Stream(t.Context(), io.Discard, tc.src, Format{Codec: CodecAAC})
			if !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("Stream = %v, want ErrNotFound", err)
			}
		})
	}
}

func withStream(s Source, i int) Source {
	s.StreamIndex = i
	return s
}

func TestBadFormat(t *testing.T) {
	t.Parallel()
	_, _, fx := setup(t)
	tr := &Transcoder{FFmpeg: ffmpeg.Runner{Bin: "/nonexistent/ffmpeg"}}
	for _, f := range []Format{{}, {Codec: CodecMP3, Bitrate: 1_000_000}, {Codec: CodecMP3, Channels: 6},
		{Codec: CodecOpus, Container: ContainerMP3}, {Codec: CodecOpus, SampleRate: 44100}} {
		err := tr.Stream(t.Context(), io.Discard, fx.flac, f)
		if !errors.Is(err, core.ErrInvalid) {
			t.Errorf("Stream(%+v) = %v, want ErrInvalid", f, err)
		}
	}
}

func TestCorruptFile(t *testing.T) {
	t.Parallel()
	ff, _, fx := setup(t)
	dir := t.TempDir()
	whole, err := os.ReadFile(fx.flac.Path)
	if err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte("not audio at all "), 4096)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"garbage", garbage},
		{"empty", nil},
		{"header then garbage", append(append([]byte{}, whole[:4096]...), garbage...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			tr := newTranscoder(t, ff)
			tr.Log = slog.New(slog.NewTextHandler(&logs, nil))
			// The file was replaced since it was probed: Info still says flac.
			src := fx.flac
			src.ID, src.Path = "corrupt-"+tc.name, filepath.Join(dir, tc.name+".flac")
			if err := os.WriteFile(src.Path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			err := tr.Stream(t.Context(), io.Discard, src, Format{Codec: CodecOpus})
			if !errors.Is(err, ErrMedia) {
				t.Fatalf("Stream = %v, want ErrMedia", err)
			}
			if strings.Contains(err.Error(), "Invalid") || strings.Contains(err.Error(), src.Path) {
				t.Errorf("error shows ffmpeg's details: %v", err)
			}
			if !strings.Contains(logs.String(), "stderr=") {
				t.Errorf("log lacks ffmpeg's stderr: %s", logs.String())
			}
			tr.wg.Wait()
			if f, _, ok := tr.Cached(src, Format{Codec: CodecOpus}); ok {
				f.Close()
				t.Error("failed transcode cached")
			}
			assertNoScratch(t, tr)
		})
	}
}

func TestWithoutCache(t *testing.T) {
	t.Parallel()
	ff, fprobe, fx := setup(t)
	tr := &Transcoder{FFmpeg: ff, Log: testLog(t)}
	var out bytes.Buffer
	if err := tr.Stream(t.Context(), &out, fx.flac, Format{Codec: CodecAAC, Channels: 1}); err != nil {
		t.Fatal(err)
	}
	if d := ffprobe(t, fprobe, out.Bytes(), ".aac"); d.codec != "aac" || d.channels != 1 {
		t.Errorf("decoded %+v", d)
	}
	if _, _, ok := tr.Cached(fx.flac, Format{Codec: CodecAAC, Channels: 1}); ok {
		t.Error("Cached without a cache")
	}
	err := tr.Stream(t.Context(), &failWriter{}, fx.flac, Format{Codec: CodecAAC})
	if !errors.Is(err, errHangUp) {
		t.Errorf("Stream to a client that left = %v, want its write error", err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	ff, _, fx := setup(t)
	tr := newTranscoder(t, ff)
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		w := writerFunc(func(p []byte) (int, error) {
			once.Do(func() { close(started) })
			time.Sleep(10 * time.Millisecond) // a slow client: the encode is still running at Close
			return len(p), nil
		})
		done <- tr.Stream(t.Context(), w, fx.long, Format{Codec: CodecOpus, Bitrate: 320_000})
	}()
	<-started
	tr.Close()
	if err := <-done; err == nil {
		t.Log("the encode finished before Close") // possible on a very fast machine
	}
	if err := tr.Stream(t.Context(), io.Discard, fx.flac, Format{Codec: CodecMP3}); !errors.Is(err, errClosed) {
		t.Errorf("Stream after Close = %v", err)
	}
}
