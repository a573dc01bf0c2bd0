// Package download encodes a media file into one MP4 to be downloaded and kept: H.264 at a
// chosen size and bitrate, with one stereo AAC track.
//
// The MP4 is fragmented (an empty moov first, then a moof and mdat per keyframe interval), so
// its first bytes leave as soon as ffmpeg has encoded them and nothing is written to disk. The
// price is that its length is unknown until the end and a broken download cannot be resumed with
// a Range: it starts again. Players read fragmented MP4 like any other MP4.
//
// Encodes run on the caller's ctx: a client that goes away stops ffmpeg. A limiter bounds the
// encodes per server and per user, and answers BusyError beyond.
package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// ErrMedia is a file ffmpeg could not encode: corrupt, truncated or not what its probe said. The
// details are in the log, never in the error.
var ErrMedia = errors.New("the file could not be transcoded for download")

// BusyError says that the download encoders are all in use; retry after RetryAfter.
type BusyError struct {
	RetryAfter time.Duration
	Reason     string
}

func (e *BusyError) Error() string { return "download encoders busy: " + e.Reason }

// Defaults of Options' zero values.
const (
	DefaultMaxEncodes   = 2
	DefaultMaxPerUser   = 1
	DefaultPreset       = "veryfast"
	DefaultAudioBitrate = 128_000
)

// Spec is one encode: the streams to take from the file and what to make of them.
type Spec struct {
	// VideoStream and AudioStream are container indexes (core.Stream.Index, as -map 0:N takes
	// them); a negative AudioStream leaves the audio out. VideoStream must be a video stream.
	VideoStream, AudioStream int
	Width, Height            int   // the output size, even numbers
	VideoBitrate             int64 // bits per second
	AudioBitrate             int64 // bits per second; 0 means DefaultAudioBitrate
}

// Options bound and tune a Transcoder. Zero values mean the defaults.
type Options struct {
	MaxEncodes int    // encodes at once on the server
	MaxPerUser int    // encodes at once per user
	Preset     string // libx264 preset
}

// Transcoder runs download encodes with ffmpeg. Use it by pointer; the zero Options are the
// defaults, and a nil Log discards messages.
type Transcoder struct {
	FFmpeg  ffmpeg.Runner
	Options Options
	Log     *slog.Logger

	mu      sync.Mutex
	running int
	perUser map[string]int
}

// Stream encodes the file at path as s describes and writes the fragmented MP4 to w as ffmpeg
// makes it. user is whose encode it is, for the per-user bound.
//
// Errors: a bad Spec wraps ErrInvalidSpec; too many encodes is a *BusyError, before any byte is
// written; a file ffmpeg cannot encode wraps ErrMedia; a done ctx wraps its cause; a failed
// write to w is returned as such. Except for the first two, errors may come after bytes were
// written: the caller must then drop the connection, not append an error page.
func (t *Transcoder) Stream(ctx context.Context, w io.Writer, path string, s Spec, user string) error {
	if err := s.check(); err != nil {
		return err
	}
	release, err := t.acquire(user)
	if err != nil {
		return err
	}
	defer release()
	cw := &clientWriter{w: w}
	argv := Args(path, s, t.preset())
	err = t.FFmpeg.Run(ctx, argv, cw)
	var exit *ffmpeg.ExitError
	switch {
	case err == nil:
		return nil
	case cw.err != nil: // ffmpeg then fails on a broken pipe: not the file's fault
		return fmt.Errorf("download of %s: write to client: %w", path, cw.err)
	case ctx.Err() != nil:
		return fmt.Errorf("download of %s: %w", path, err)
	case errors.As(err, &exit):
		t.log().WarnContext(ctx, "download transcode failed", "path", path, "args", exit.Args, "stderr", exit.Stderr, "err", err)
		return fmt.Errorf("download of %s: %w", path, ErrMedia)
	}
	return fmt.Errorf("download of %s: %w", path, err) // ffmpeg did not start
}

// ErrInvalidSpec is wrapped by the errors of a Spec Stream refuses before starting ffmpeg.
var ErrInvalidSpec = errors.New("invalid download spec")

func (s Spec) check() error {
	switch {
	case s.VideoStream < 0:
		return fmt.Errorf("%w: no video stream", ErrInvalidSpec)
	case s.Width < 2 || s.Height < 2 || s.Width%2 != 0 || s.Height%2 != 0:
		return fmt.Errorf("%w: size %dx%d must be even and at least 2x2", ErrInvalidSpec, s.Width, s.Height)
	case s.VideoBitrate <= 0:
		return fmt.Errorf("%w: video bitrate %d", ErrInvalidSpec, s.VideoBitrate)
	}
	return nil
}

// acquire takes a slot for user, or says why there is none.
func (t *Transcoder) acquire(user string) (func(), error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	total, per := t.Options.MaxEncodes, t.Options.MaxPerUser
	if total <= 0 {
		total = DefaultMaxEncodes
	}
	if per <= 0 {
		per = DefaultMaxPerUser
	}
	switch {
	case t.running >= total:
		return nil, &BusyError{RetryAfter: 30 * time.Second, Reason: "the server's download encoders are all in use"}
	case t.perUser[user] >= per:
		return nil, &BusyError{RetryAfter: 30 * time.Second, Reason: "this user's download encoders are all in use"}
	}
	if t.perUser == nil {
		t.perUser = map[string]int{}
	}
	t.running++
	t.perUser[user]++
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.running--
		if t.perUser[user]--; t.perUser[user] == 0 {
			delete(t.perUser, user)
		}
	}, nil
}

// Running returns how many encodes run now.
func (t *Transcoder) Running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.running
}

func (t *Transcoder) preset() string {
	if t.Options.Preset == "" {
		return DefaultPreset
	}
	return t.Options.Preset
}

func (t *Transcoder) log() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}

// Args is the ffmpeg command of an encode: the video scaled and encoded with libx264 (High
// profile, capped at 1.5 times the average bitrate), the audio as stereo AAC, no subtitles or
// data, written to stdout as a fragmented MP4.
func Args(path string, s Spec, preset string) []string {
	ab := s.AudioBitrate
	if ab <= 0 {
		ab = DefaultAudioBitrate
	}
	a := []string{"-loglevel", "error", "-i", path, "-map_chapters", "-1",
		"-map", "0:" + strconv.Itoa(s.VideoStream),
		"-vf", fmt.Sprintf("scale=%d:%d:flags=bicubic,format=yuv420p", s.Width, s.Height),
		"-c:v", "libx264", "-preset", preset, "-profile:v", "high",
		"-b:v", strconv.FormatInt(s.VideoBitrate, 10), "-maxrate", strconv.FormatInt(s.VideoBitrate*3/2, 10),
		"-bufsize", strconv.FormatInt(s.VideoBitrate*2, 10)}
	if s.AudioStream >= 0 {
		a = append(a, "-map", "0:"+strconv.Itoa(s.AudioStream), "-c:a", "aac", "-b:a", strconv.FormatInt(ab, 10), "-ac", "2")
	}
	return append(a, "-sn", "-dn", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "pipe:1")
}

// EstimatedSize is about how many bytes an encode of a file lasting d makes: its bitrates over
// its length, plus 2% for the container. Encoders aim at the average bitrate, so the real size
// is near, but not the same.
func EstimatedSize(d time.Duration, s Spec) int64 {
	ab := s.AudioBitrate
	if ab <= 0 {
		ab = DefaultAudioBitrate
	}
	if s.AudioStream < 0 {
		ab = 0
	}
	bytes := float64(s.VideoBitrate+ab) / 8 * d.Seconds()
	return int64(bytes * 1.02)
}

// clientWriter remembers the first error of w, which os/exec hides behind the broken pipe it
// causes in ffmpeg. It is read after Run, which waits for the copying goroutine.
type clientWriter struct {
	w   io.Writer
	err error
}

func (c *clientWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err != nil {
		c.err = err
	}
	return n, err
}
