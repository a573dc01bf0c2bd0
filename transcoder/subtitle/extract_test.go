package subtitle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
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

const testSRT = "1\n00:00:00,500 --> 00:00:01,250\n<i>Hello</i> there\n\n" +
	"2\n00:00:01,500 --> 00:00:02,750\nSecond & last\nline two\n"

// muxWithSubs generates a short video and muxes subs (a file of format ext)
// into out with subtitle codec codec. The subtitle is stream 2, after video and audio.
func muxWithSubs(t *testing.T, ff ffmpeg.Runner, dir, out, subs, ext, codec string) string {
	t.Helper()
	video := filepath.Join(dir, "video.mkv")
	if _, err := os.Stat(video); err != nil {
		if err := testmedia.Generate(t.Context(), ff, testmedia.Spec{Path: video, Duration: 3 * time.Second, VideoCodec: "h264"}); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "subs."+ext)
	if err := os.WriteFile(sub, []byte(subs), 0o644); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(dir, out)
	args := []string{"-loglevel", "error", "-i", "file:" + video, "-i", "file:" + sub,
		"-map", "0", "-map", "1", "-c", "copy", "-c:s", codec, "-y", "file:" + out}
	if err := ff.Run(t.Context(), args, nil); err != nil {
		t.Fatalf("mux %s: %v", out, err)
	}
	return out
}

func TestExtract(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	dir := t.TempDir()
	// ASS timestamps are in centiseconds: 1.250 s comes back as 1.250, 0.500 as 0.500.
	wantSRT := "WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n<i>Hello</i> there\n\n" +
		"00:00:01.500 --> 00:00:02.750\nSecond &amp; last\nline two\n"
	for _, tc := range []struct {
		name, file, subs, ext, codec string
		want                         string
	}{
		{"subrip in mkv", "a.mkv", testSRT, "srt", "srt", wantSRT},
		{"mov_text in mp4", "b.mp4", testSRT, "srt", "mov_text", wantSRT},
		{"ass in mkv", "c.mkv", assHeader +
			"Dialogue: 0,0:00:00.50,0:00:01.25,Thoughts,,0,0,0,,thinking {\\i0}aloud\n" +
			"Dialogue: 0,0:00:01.50,0:00:02.00,Default,,0,0,0,,{\\p1}m 0 0 l 1 1{\\p0}\n",
			"ass", "ass", "WEBVTT\n\n00:00:00.500 --> 00:00:01.250 line:0\n<i>thinking </i>aloud\n"},
		{"webvtt in mkv", "d.mkv", "WEBVTT\n\n00:00.500 --> 00:01.250\n<b>bold</b> text\n", "vtt", "webvtt",
			"WEBVTT\n\n00:00:00.500 --> 00:00:01.250\n<b>bold</b> text\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := muxWithSubs(t, ff, dir, tc.file, tc.subs, tc.ext, tc.codec)
			var out bytes.Buffer
			if err := Extract(t.Context(), ff, path, 2, &out); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			checkWebVTT(t, out.String())
		})
	}

	path := filepath.Join(dir, "a.mkv")
	t.Run("hls map", func(t *testing.T) {
		m := HLSTimestampMap(0)
		var out bytes.Buffer
		if err := ExtractWith(t.Context(), ff, path, 2, &out, Options{TimestampMap: &m}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n00:00:00.500 --> ") {
			t.Errorf("got:\n%s", out.String())
		}
	})
	for _, tc := range []struct {
		name    string
		path    string
		stream  int
		wantErr error
	}{
		{"video stream", path, 0, core.ErrInvalid},
		{"audio stream", path, 1, core.ErrInvalid},
		{"no such stream", path, 7, core.ErrInvalid},
		{"negative stream", path, -1, core.ErrInvalid},
		{"missing file", filepath.Join(dir, "nope.mkv"), 2, fs.ErrNotExist},
		{"sidecar srt", filepath.Join(dir, "subs.srt"), 0, nil}, // ffmpeg reads it as a file with one subtitle stream
		{"directory", dir, 0, core.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Extract(t.Context(), ff, tc.path, tc.stream, io.Discard)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
	t.Run("garbage file", func(t *testing.T) {
		junk := filepath.Join(dir, "junk.mkv")
		if err := os.WriteFile(junk, bytes.Repeat([]byte{0x42, 0x00, 0x13}, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
		err := Extract(t.Context(), ff, junk, 0, io.Discard)
		if !errors.Is(err, core.ErrInvalid) {
			t.Errorf("err = %v, want core.ErrInvalid", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := Extract(ctx, ff, path, 2, io.Discard); err == nil {
			t.Error("no error with a cancelled context")
		}
	})
}

// TestExtractImage uses a stand-in for ffmpeg that fails the way ffmpeg does
// when asked to turn PGS into text: ffmpeg cannot make bitmap subtitles from
// lavfi sources, so a real PGS stream cannot be generated here.
func TestExtractImage(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "ffmpeg")
	script := "#!/bin/sh\necho 'Subtitle encoding currently only possible from text to text or bitmap to bitmap' >&2\nexit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	media := filepath.Join(dir, "movie.mkv")
	if err := os.WriteFile(media, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Extract(t.Context(), ffmpeg.Runner{Bin: fake}, media, 3, &out)
	if !errors.Is(err, ErrImageSubtitle) {
		t.Errorf("err = %v, want ErrImageSubtitle", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q", out.String())
	}
}

// TestExtractTooLarge uses a stand-in for ffmpeg that writes more than MaxSize.
func TestExtractTooLarge(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "ffmpeg")
	script := "#!/bin/sh\nexec head -c 20000000 /dev/zero\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	media := filepath.Join(dir, "movie.mkv")
	if err := os.WriteFile(media, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Extract(t.Context(), ffmpeg.Runner{Bin: fake, Grace: time.Second}, media, 2, io.Discard)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
