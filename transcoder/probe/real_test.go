package probe

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// These tests run the real ffprobe on files the real ffmpeg writes. They skip without the
// binaries on a laptop and fail without them in CI (see ffmpegtest).

// realProber returns a Prober for the installed ffprobe and a Runner for ffmpeg.
func realProber(t *testing.T) (*Prober, ffmpeg.Runner) {
	t.Helper()
	return New(ffmpegtest.RequireFFprobe(t), Options{}), ffmpegtest.RequireFFmpeg(t)
}

func generate(t *testing.T, ff ffmpeg.Runner, s testmedia.Spec) string {
	t.Helper()
	if err := testmedia.Generate(t.Context(), ff, s); err != nil {
		t.Fatal(err)
	}
	return s.Path
}

// ffmpegRun runs ffmpeg with args through the Runner, as the rest of Walros does.
func ffmpegRun(t *testing.T, ff ffmpeg.Runner, args ...string) {
	t.Helper()
	if err := ff.Run(t.Context(), append([]string{"-v", "error"}, args...), nil); err != nil {
		var exit *ffmpeg.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("ffmpeg: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("ffmpeg: %v", err)
	}
}

func near(d, want time.Duration) bool { return (d - want).Abs() <= 200*time.Millisecond }

func TestProbeGenerated(t *testing.T) {
	t.Parallel()
	p, ff := realProber(t)
	dir := t.TempDir()
	video := core.Stream{Index: 0, Kind: core.StreamVideo, Codec: "h264", Width: 320, Height: 180,
		FrameRate: testmedia.FrameRate, BitDepth: 8, PixelFormat: "yuv420p"}
	stereo := core.Stream{Index: 1, Kind: core.StreamAudio, Codec: "aac", Channels: 2, ChannelLayout: "stereo", SampleRate: 48000}
	for _, tc := range []struct {
		spec      testmedia.Spec
		container string
		streams   []core.Stream
		tags      map[string]string
	}{
		{testmedia.Spec{Path: "movie.mkv", VideoCodec: "h264", AudioCodec: "aac", Title: "Big Test"},
			"matroska,webm", []core.Stream{video, stereo}, map[string]string{"title": "Big Test"}},
		{testmedia.Spec{Path: "clip.mp4", Width: 640, Height: 360, Tags: map[string]string{"artist": "Someone"}},
			"mov,mp4,m4a,3gp,3g2,mj2", []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "h264", Width: 640, Height: 360, FrameRate: testmedia.FrameRate,
					BitDepth: 8, PixelFormat: "yuv420p", Default: true}, // mp4's "und" language reads as ""
				{Index: 1, Kind: core.StreamAudio, Codec: "aac", Channels: 2, ChannelLayout: "stereo", SampleRate: 48000,
					Default: true},
			}, map[string]string{"artist": "Someone"}},
		{testmedia.Spec{Path: "song.mp3", Title: "Song", Tags: map[string]string{"artist": "Band", "album": "Album",
			"track": "3/12", "REPLAYGAIN_TRACK_GAIN": "-6.52 dB"}},
			"mp3", []core.Stream{{Index: 0, Kind: core.StreamAudio, Codec: "mp3", Channels: 2, ChannelLayout: "stereo",
				SampleRate: 48000}},
			map[string]string{"title": "Song", "artist": "Band", "album": "Album", "track": "3/12",
				"replaygain_track_gain": "-6.52 dB"}},
		{testmedia.Spec{Path: "track.flac", Tags: map[string]string{"TITLE": "Track", "Artist": "Band"}},
			"flac", []core.Stream{{Index: 0, Kind: core.StreamAudio, Codec: "flac", BitDepth: 16, Channels: 2,
				ChannelLayout: "stereo", SampleRate: 48000}},
			map[string]string{"title": "Track", "artist": "Band"}},
	} {
		t.Run(tc.spec.Path, func(t *testing.T) {
			t.Parallel()
			tc.spec.Path = filepath.Join(dir, tc.spec.Path)
			tc.spec.Duration = 2 * time.Second
			info, err := p.Probe(t.Context(), generate(t, ff, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			if info.Container != tc.container || !near(info.Duration, 2*time.Second) || info.Bitrate <= 0 {
				t.Errorf("container %q, duration %v, bitrate %d; want %q, 2s", info.Container, info.Duration, info.Bitrate, tc.container)
			}
			if fi, err := os.Stat(tc.spec.Path); err != nil || info.Size != fi.Size() {
				t.Errorf("size = %d, want the file's (%v)", info.Size, err)
			}
			for k, v := range tc.tags {
				if info.Tags[k] != v {
					t.Errorf("tag %q = %q, want %q (tags %q)", k, info.Tags[k], v, info.Tags)
				}
			}
			if len(info.Streams) != len(tc.streams) {
				t.Fatalf("streams = %+v, want %d", info.Streams, len(tc.streams))
			}
			for i, want := range tc.streams {
				got := info.Streams[i]
				got.Profile, got.Level, got.Bitrate = "", 0, 0 // encoder choices, not the prober's
				if got != want {
					t.Errorf("stream %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func TestProbeChapters(t *testing.T) {
	t.Parallel()
	p, ff := realProber(t)
	dir := t.TempDir()
	src := generate(t, ff, testmedia.Spec{Path: filepath.Join(dir, "src.mkv"), Duration: 3 * time.Second})
	meta := filepath.Join(dir, "meta.txt")
	err := os.WriteFile(meta, []byte(";FFMETADATA1\ntitle=With chapters\n\n"+
		"[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Opening\n\n"+
		"[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=The End\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "chapters.mkv")
	ffmpegRun(t, ff, "-i", "file:"+src, "-i", "file:"+meta, "-map", "0", "-map_metadata", "1", "-map_chapters", "1",
		"-c", "copy", "-y", "file:"+out)
	info, err := p.Probe(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	want := []core.Chapter{{Start: 0, End: 1500 * time.Millisecond, Title: "Opening"},
		{Start: 1500 * time.Millisecond, End: 3 * time.Second, Title: "The End"}}
	if len(info.Chapters) != 2 || info.Chapters[0] != want[0] || info.Chapters[1] != want[1] {
		t.Errorf("chapters = %+v, want %+v", info.Chapters, want)
	}
	if info.Tags["title"] != "With chapters" {
		t.Errorf("title = %q", info.Tags["title"])
	}
}

func TestProbeLanguagesAndFlags(t *testing.T) {
	t.Parallel()
	p, ff := realProber(t)
	dir := t.TempDir()
	srt := filepath.Join(dir, "sub.srt")
	if err := os.WriteFile(srt, []byte("1\n00:00:00,000 --> 00:00:00,500\nHello\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "languages.mkv")
	ffmpegRun(t, ff,
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000",
		"-i", "file:"+srt, "-i", "file:"+srt,
		"-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s", "-t", "1",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac:a:0", "2", "-c:s", "srt",
		"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=jpn", "-metadata:s:a:1", "title=Commentary",
		"-metadata:s:s:0", "language=fre", "-metadata:s:s:1", "language=und",
		"-disposition:a:0", "default", "-disposition:a:1", "0",
		"-disposition:s:0", "forced", "-disposition:s:1", "default+hearing_impaired",
		"-y", "file:"+out)
	info, err := p.Probe(t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	type flags struct {
		kind                   core.StreamKind
		lang, title            string
		def, forced, hearingIm bool
		channels               int
	}
	want := []flags{
		{kind: core.StreamVideo},
		{core.StreamAudio, "eng", "", true, false, false, 2},
		{core.StreamAudio, "jpn", "Commentary", false, false, false, 1},
		{core.StreamSubtitle, "fre", "", false, true, false, 0},
		{core.StreamSubtitle, "", "", true, false, true, 0},
	}
	if len(info.Streams) != len(want) {
		t.Fatalf("streams = %+v", info.Streams)
	}
	for i, s := range info.Streams {
		got := flags{s.Kind, s.Language, s.Title, s.Default, s.Forced, s.HearingImpaired, s.Channels}
		if got != want[i] {
			t.Errorf("stream %d = %+v, want %+v", i, got, want[i])
		}
	}
}

// TestProbeBadInput checks that broken and non-media files give short errors of the right kind.
func TestProbeBadInput(t *testing.T) {
	t.Parallel()
	p, ff := realProber(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	// With video: ffprobe then decodes no frame of it. A truncated audio-only file keeps its
	// header's stream parameters and probes fine (ffprobe only says "File ended prematurely"
	// on stderr, with exit status 0).
	mkv := generate(t, ff, testmedia.Spec{Path: filepath.Join(dir, "whole.mkv"), Duration: 2 * time.Second,
		VideoCodec: "h264", AudioCodec: "aac"})
	whole, err := os.ReadFile(mkv)
	if err != nil {
		t.Fatal(err)
	}
	jpg := filepath.Join(dir, "poster.jpg")
	ffmpegRun(t, ff, "-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", "-y", "file:"+jpg)
	readme := strings.Repeat("This is not a movie. It is a text file with many lines of prose.\n", 100)

	for _, tc := range []struct {
		name, path string
		is         error
		want       string
	}{
		{"zero bytes", write("empty.mkv", nil), core.ErrInvalid, "empty file"},
		{"random bytes", write("random.mkv", random), core.ErrInvalid, ""},
		{"first 2 KiB of an mkv", write("truncated.mkv", whole[:2048]), core.ErrInvalid, "truncated"},
		{"long text file", write("readme.txt", []byte(readme)), core.ErrInvalid, "no audio or video stream"},
		{"short text file", write("note.txt", []byte("hello\n")), core.ErrInvalid, "Invalid data found when processing input"},
		{"jpg", jpg, core.ErrInvalid, "still image"},
		{"missing", filepath.Join(dir, "missing.mkv"), fs.ErrNotExist, ""},
		{"directory", dir, core.ErrInvalid, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Probe(t.Context(), tc.path)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want one wrapping %v", err, tc.is)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("err = %q, want it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, " @ 0x") || len(msg) > len(tc.path)+maxReason+40 {
				t.Errorf("err is not a short reason: %q", msg)
			}
			t.Log(msg)
		})
	}
}

// TestProbeHostileNames probes files whose names look like options, URLs or shell syntax:
// each must be read as the local file it is. It changes directory to probe relative names.
func TestProbeHostileNames(t *testing.T) {
	p, ff := realProber(t)
	dir := t.TempDir()
	src, err := os.ReadFile(generate(t, ff, testmedia.Spec{Path: filepath.Join(dir, "src.mkv"), Duration: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, name := range []string{
		"-", "-i.mkv", "--help", "-show_entries stream=foo.mkv", "name with  spaces.mkv", `quote's "double".mkv`,
		"new\nline.mkv", "http:example.com.mkv", "file:inner.mkv", "pipe:0", "concat:a.mkv|b.mkv",
		"$(touch pwned).mkv", "ünïcødé 日本語 🎬.mkv", "a?b#c.mkv",
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(name, src, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{name, filepath.Join(dir, name)} {
				info, err := p.Probe(t.Context(), path)
				if err != nil {
					t.Fatalf("Probe(%q): %v", path, err)
				}
				if info.Container != "matroska,webm" || info.Size != int64(len(src)) {
					t.Errorf("Probe(%q) read something else: %s, %d bytes", path, info.Container, info.Size)
				}
			}
			if _, err := p.Probe(t.Context(), "missing "+name); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing %q: err = %v, want fs.ErrNotExist", name, err)
			}
		})
	}
	if _, err := os.Stat("pwned"); err == nil {
		t.Error("a file name was run by a shell")
	}
}
