// Package testmedia generates tiny, real media files with ffmpeg: the demo
// library Walros creates when no library is configured, and fixtures for the
// tests of every package that reads media.
//
// Pictures and sound come from lavfi sources (testsrc2, smptebars or
// mandelbrot, and sine), so no input files and no fonts are needed.
package testmedia

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrInvalidSpec is wrapped by the errors Generate returns for a Spec it
// refuses before starting ffmpeg.
var ErrInvalidSpec = errors.New("invalid spec")

// FrameRate is the frame rate of every generated video.
const FrameRate = 24

const (
	defaultWidth, defaultHeight = 320, 180
	defaultFrequency            = 440
	sampleRate                  = 48000
)

// Spec describes one file to generate. Only Path and Duration are required.
//
// The file is audio-only when VideoCodec is "" and Width is 0, or when the
// container holds only audio (mp3, flac, m4a, ogg). Otherwise it has video:
// VideoCodec defaults to "h264" ("vp9" in webm) and the size to 320x180.
type Spec struct {
	Path     string
	Duration time.Duration

	Width, Height int

	// VideoCodec is "h264", "hevc", "mpeg4", "vp9" (the only one webm holds),
	// or "" (see Spec).
	VideoCodec string
	// AudioCodec is "aac", "mp3", "opus", "flac" or "none". It defaults to the
	// container's usual codec: aac for mkv, mp4 and m4a; opus for webm and ogg.
	AudioCodec string
	// Container is mkv, mp4, webm, mp3, flac, m4a or ogg. It defaults to the
	// extension of Path; set it when Path has another extension.
	Container string

	// Title is written as the title tag; it wins over Tags["title"].
	Title string
	// Tags are metadata tags such as artist, album and track. The mp4 and m4a
	// muxers keep only the keys iTunes knows (title, artist, album, track, date,
	// genre, comment, album_artist, ...).
	Tags map[string]string

	// Pattern is "testsrc2" (default), "smptebars" or "mandelbrot".
	Pattern string
	// Frequency is the pitch of the sine tone in Hz; 440 by default.
	Frequency int
	// KeyframeInterval is the distance between keyframes in frames; every
	// keyframe interval starts a new GOP. It defaults to 2 s (48 frames).
	KeyframeInterval int
}

// container is what Generate needs to know about one container format.
type container struct {
	muxer   string   // ffmpeg's -f name
	video   []string // video codecs it holds, the default first; none for audio-only formats
	audio   []string // audio codecs it holds, the default first
	muxArgs []string
}

// faststart moves the mp4 index to the front, as a real library's files have
// it, so progressive playback starts without reading the end of the file.
var faststart = []string{"-movflags", "+faststart"}

var containers = map[string]container{
	"mkv":  {muxer: "matroska", video: []string{"h264", "hevc", "mpeg4", "vp9"}, audio: []string{"aac", "mp3", "opus", "flac"}},
	"mp4":  {muxer: "mp4", video: []string{"h264", "hevc", "mpeg4"}, audio: []string{"aac", "mp3", "opus"}, muxArgs: faststart},
	"webm": {muxer: "webm", video: []string{"vp9"}, audio: []string{"opus"}},
	"mp3":  {muxer: "mp3", audio: []string{"mp3"}, muxArgs: []string{"-id3v2_version", "3"}}, // v2.3: what most tag readers expect
	"flac": {muxer: "flac", audio: []string{"flac"}},
	"m4a":  {muxer: "ipod", audio: []string{"aac"}, muxArgs: faststart},
	"ogg":  {muxer: "ogg", audio: []string{"opus", "flac"}},
}

var containerNames = []string{"mkv", "mp4", "webm", "mp3", "flac", "m4a", "ogg"}

var (
	videoCodecs = []string{"h264", "hevc", "mpeg4", "vp9"}
	audioCodecs = []string{"aac", "mp3", "opus", "flac", "none"}
	patterns    = []string{"testsrc2", "smptebars", "mandelbrot"}
)

// resolve checks s and fills in its defaults. In the result, VideoCodec ""
// means no video and AudioCodec "none" means no audio.
func resolve(s Spec) (Spec, container, error) {
	bad := func(format string, args ...any) (Spec, container, error) {
		return s, container{}, fmt.Errorf("%w: "+format, append([]any{ErrInvalidSpec}, args...)...)
	}
	if s.Path == "" {
		return bad("empty Path")
	}
	if s.Duration <= 0 {
		return bad("Duration %v is not positive", s.Duration)
	}
	if s.Container == "" {
		s.Container = strings.ToLower(strings.TrimPrefix(filepath.Ext(s.Path), "."))
	}
	c, ok := containers[s.Container]
	if !ok {
		return bad("container %q is not one of %s", s.Container, strings.Join(containerNames, ", "))
	}

	if s.VideoCodec != "" && !slices.Contains(videoCodecs, s.VideoCodec) {
		return bad("video codec %q is not one of %s", s.VideoCodec, strings.Join(videoCodecs, ", "))
	}
	hasVideo := s.VideoCodec != "" || s.Width != 0 || s.Height != 0
	switch {
	case hasVideo && len(c.video) == 0:
		return bad("%s holds no video (VideoCodec %q, size %dx%d)", s.Container, s.VideoCodec, s.Width, s.Height)
	case hasVideo && s.VideoCodec == "":
		s.VideoCodec = c.video[0]
	case hasVideo && !slices.Contains(c.video, s.VideoCodec):
		return bad("%s does not hold %s video (it holds %s)", s.Container, s.VideoCodec, strings.Join(c.video, ", "))
	}
	if hasVideo {
		if s.Width == 0 && s.Height == 0 {
			s.Width, s.Height = defaultWidth, defaultHeight
		}
		// yuv420p halves both dimensions; x264 refuses odd ones.
		if s.Width < 16 || s.Height < 16 || s.Width%2 != 0 || s.Height%2 != 0 {
			return bad("size %dx%d: width and height must be even and at least 16", s.Width, s.Height)
		}
		if s.Pattern == "" {
			s.Pattern = patterns[0]
		}
		if !slices.Contains(patterns, s.Pattern) {
			return bad("pattern %q is not one of %s", s.Pattern, strings.Join(patterns, ", "))
		}
		if s.KeyframeInterval == 0 {
			s.KeyframeInterval = 2 * FrameRate
		}
		if s.KeyframeInterval < 0 {
			return bad("KeyframeInterval %d is negative", s.KeyframeInterval)
		}
	}

	switch {
	case s.AudioCodec == "":
		s.AudioCodec = c.audio[0]
	case !slices.Contains(audioCodecs, s.AudioCodec):
		return bad("audio codec %q is not one of %s", s.AudioCodec, strings.Join(audioCodecs, ", "))
	case s.AudioCodec != "none" && !slices.Contains(c.audio, s.AudioCodec):
		return bad("%s does not hold %s audio (it holds %s)", s.Container, s.AudioCodec, strings.Join(c.audio, ", "))
	}
	if s.AudioCodec == "none" && !hasVideo {
		return bad("no video and AudioCodec none: nothing to generate")
	}
	if s.Frequency == 0 {
		s.Frequency = defaultFrequency
	}
	if s.Frequency < 0 || s.Frequency > sampleRate/2 {
		return bad("Frequency %d Hz is outside 1..%d", s.Frequency, sampleRate/2)
	}
	for k := range s.Tags {
		if k == "" || strings.Contains(k, "=") {
			return bad("tag key %q is empty or contains '='", k)
		}
	}
	return s, c, nil
}
