// Package audio streams audio-only transcodes: music and the audio tracks of
// videos, as AAC, Opus or MP3 at a chosen bitrate, downmixed for clients that
// only play stereo.
//
// A transcode is sent as it is encoded (a progressive stream, no -re: ffmpeg
// runs as fast as it can), and kept: once ffmpeg has finished, the file enters
// the shared segment cache, so later requests are served from disk with ranges
// and seeking (see Transcoder.Cached).
//
// One encode per file and format at a time: ffmpeg writes into a scratch file
// in the cache directory, and every request for the same transcode, the first
// one included, follows that file as it grows. A late request therefore gets
// the stream from its start at once, without a second ffmpeg. When every
// request has gone, the encode goes on to the end for short sources (music) so
// the next play is a cache hit, and is stopped for long ones (audiobooks,
// films), whose partial file is deleted: a partial file is never cached.
package audio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/segcache"
)

// ErrMedia is a file ffmpeg could not encode: corrupt, truncated or not what
// its probe said. The details are in the log, never in the error.
var ErrMedia = errors.New("the audio could not be transcoded")

var (
	errClosed    = errors.New("audio transcoder closed")
	errAbandoned = errors.New("every client left a long transcode")
)

// DefaultStream is the Source.StreamIndex that picks the file's default audio
// stream: the first one flagged default, else the first one.
const DefaultStream = -1

// DefaultFinishShorterThan is Options.FinishShorterThan when it is zero: a
// song or a long DJ mix is finished, an audiobook or a film is not.
const DefaultFinishShorterThan = 15 * time.Minute

// Source is one media file and the audio stream to encode from it.
type Source struct {
	ID      string // the file's id: with Size and ModTime, what identifies its transcodes
	Path    string
	Size    int64
	ModTime time.Time
	// StreamIndex is the container index of the audio stream to encode
	// (core.Stream.Index, as ffmpeg's -map 0:N takes it), or DefaultStream.
	StreamIndex int
	// Info is what probing the file found: Stream checks StreamIndex against
	// its streams and reads the channels, sample rate and duration from it.
	Info core.MediaInfo
}

// Options tune a Transcoder. The zero value is ready to use.
type Options struct {
	// FinishShorterThan: when every client has left, the encode of a source
	// shorter than this still runs to the end and is cached; a longer one (or
	// one of unknown duration) is stopped. Zero means
	// DefaultFinishShorterThan; a negative value stops every encode.
	FinishShorterThan time.Duration
}

// Transcoder encodes audio with ffmpeg into the segment cache. FFmpeg is
// required; with a nil Cache every Stream runs its own ffmpeg and nothing is
// kept; a nil Log discards messages. Use it by pointer: it must not be copied
// after its first use. Close stops the encodes still running.
type Transcoder struct {
	FFmpeg  ffmpeg.Runner
	Cache   *segcache.Cache
	Log     *slog.Logger
	Options Options

	mu     sync.Mutex
	jobs   map[string]*job // running encodes by cache key
	closed bool
	wg     sync.WaitGroup // one per running encode
}

// Stream writes src's audio stream, encoded as f, to w.
//
// A finished transcode is copied from the cache (through sendfile when w is
// an *os.File or an http.ResponseWriter). Otherwise w gets the bytes as ffmpeg
// writes them, and the result is cached when ffmpeg succeeds. Callers that
// want ranges try Cached first.
//
// Errors: a bad format wraps core.ErrInvalid; a StreamIndex that is not an
// audio stream of src.Info wraps core.ErrNotFound; a file ffmpeg cannot
// encode wraps ErrMedia; a done ctx wraps its cause. Except for those of
// validation, errors may come after some bytes were written to w: the caller
// must then drop the connection, not append an error page.
func (t *Transcoder) Stream(ctx context.Context, w io.Writer, src Source, f Format) error {
	f, err := normalize(f)
	if err != nil {
		return fmt.Errorf("audio format: %w", err)
	}
	st, err := audioStream(src)
	if err != nil {
		return err
	}
	e := resolve(f, st)
	argv := args(src.Path, st.Index, e)
	if t.Cache == nil {
		return t.direct(ctx, w, src, argv)
	}

	key := cacheKey(src, f)
	j, cached, err := t.attach(ctx, key, src, argv, e)
	switch {
	case err != nil:
		return fmt.Errorf("audio %s: %w", src.ID, err)
	case cached != nil:
		defer cached.Close()
		if _, err := io.Copy(w, cached); err != nil {
			return fmt.Errorf("audio %s: send cached transcode: %w", src.ID, err)
		}
		return nil
	}
	if err := t.follow(ctx, w, j); err != nil {
		return fmt.Errorf("audio %s: %w", src.ID, err)
	}
	return nil
}

// Cached opens the finished transcode of src as f, if it is in the cache. The
// FileInfo gives the size and modification time http.ServeContent needs; the
// caller closes the file. It never starts ffmpeg.
func (t *Transcoder) Cached(src Source, f Format) (*os.File, fs.FileInfo, bool) {
	f, err := normalize(f)
	if err != nil || t.Cache == nil {
		return nil, nil, false
	}
	file, fi, err := t.Cache.Get(cacheKey(src, f))
	if err != nil {
		if !errors.Is(err, segcache.ErrNotFound) {
			t.log().Warn("open cached audio transcode", "file", src.ID, "err", err)
		}
		return nil, nil, false
	}
	return file, fi, true
}

// Close stops the encodes still running, their partial files deleted, and
// waits for them. Streams following them fail; later Streams fail at once,
// except for cache hits.
func (t *Transcoder) Close() {
	t.mu.Lock()
	t.closed = true
	jobs := make([]*job, 0, len(t.jobs))
	for _, j := range t.jobs {
		jobs = append(jobs, j)
	}
	t.mu.Unlock()
	for _, j := range jobs {
		j.cancel(errClosed)
	}
	t.wg.Wait()
}

func (t *Transcoder) log() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}

// audioStream finds the stream src asks for in src.Info.
func audioStream(src Source) (core.Stream, error) {
	var first *core.Stream
	for i, s := range src.Info.Streams {
		if s.Kind != core.StreamAudio {
			continue
		}
		switch {
		case src.StreamIndex == s.Index, src.StreamIndex == DefaultStream && s.Default:
			return s, nil
		case first == nil:
			first = &src.Info.Streams[i]
		}
	}
	if src.StreamIndex == DefaultStream && first != nil {
		return *first, nil
	}
	if src.StreamIndex == DefaultStream {
		return core.Stream{}, fmt.Errorf("file %s has no audio stream: %w", src.ID, core.ErrNotFound)
	}
	return core.Stream{}, fmt.Errorf("file %s has no audio stream %d: %w", src.ID, src.StreamIndex, core.ErrNotFound)
}

// keyVersion changes whenever the ffmpeg arguments do, so that transcodes made
// with the old ones are no longer found and age out of the cache.
const keyVersion = "audio/v1/"

// cacheKey identifies the transcode of src as the normalized f: the file's
// identity, the stream asked for and every parameter asked for. The values
// resolve fills in come from the file, so they need not be part of it.
func cacheKey(src Source, f Format) string {
	h := sha256.New()
	for _, s := range []string{src.ID, strconv.FormatInt(src.Size, 10),
		strconv.FormatInt(src.ModTime.UnixNano(), 10), strconv.Itoa(src.StreamIndex),
		string(f.Codec), string(f.Container), strconv.Itoa(f.Bitrate),
		strconv.Itoa(f.Channels), strconv.Itoa(f.SampleRate)} {
		fmt.Fprintf(h, "%d:%s", len(s), s) // length-prefixed: an id may hold any byte
	}
	return keyVersion + hex.EncodeToString(h.Sum(nil))
}

// direct runs ffmpeg on the request's ctx straight into w: the path without
// a cache.
func (t *Transcoder) direct(ctx context.Context, w io.Writer, src Source, argv []string) error {
	cw := &clientWriter{w: w}
	err := t.FFmpeg.Run(ctx, argv, cw)
	switch {
	case err == nil:
		return nil
	case cw.err != nil: // ffmpeg then fails on a broken pipe: not the file's fault
		return fmt.Errorf("audio %s: write to client: %w", src.ID, cw.err)
	case ctx.Err() != nil:
		return fmt.Errorf("audio %s: %w", src.ID, err)
	}
	return fmt.Errorf("audio %s: %w", src.ID, t.encodeError(ctx, src, err))
}

// encodeError logs a failed ffmpeg run with its stderr and returns what the
// caller may see.
func (t *Transcoder) encodeError(ctx context.Context, src Source, err error) error {
	var exit *ffmpeg.ExitError
	if errors.As(err, &exit) {
		t.log().WarnContext(ctx, "audio transcode failed", "file", src.ID, "path", src.Path,
			"args", exit.Args, "stderr", exit.Stderr, "err", err)
		return ErrMedia
	}
	t.log().ErrorContext(ctx, "audio transcode failed", "file", src.ID, "err", err)
	return err // ffmpeg did not start: not the file's fault
}

// clientWriter remembers the first error of w, which os/exec hides behind the
// broken pipe it causes in ffmpeg. It is read after Run, which waits for the
// copying goroutine.
type clientWriter struct {
	w   io.Writer
	err error
}

func (c *clientWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}
