// Package probe reads the technical facts of media files with ffprobe: container, duration,
// bitrate, tags, every stream (codec, profile, level, size, HDR type, bit depth, frame rate,
// channels, language, flags) and chapters.
//
// A Prober bounds how many ffprobe processes run at once and how long each may take, so a
// library scan can hand it every file it finds. Broken and non-media files give errors that
// wrap core.ErrInvalid with a short reason, which the scan records before it goes on.
package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
)

// DefaultTimeout is how long one ffprobe run may take when Options.Timeout is zero. Probing
// reads only headers and a few MB, but a network mount can be very slow to answer.
const DefaultTimeout = 30 * time.Second

// Options tune a Prober. The zero value is ready to use.
type Options struct {
	// Timeout bounds each ffprobe run; zero means DefaultTimeout. Time spent waiting for a
	// free slot does not count.
	Timeout time.Duration
	// Parallel is how many ffprobe processes may run at once; zero or less means GOMAXPROCS.
	Parallel int
}

// Prober implements core.Prober with ffprobe. It is safe for concurrent use.
type Prober struct {
	run     ffmpeg.Runner
	timeout time.Duration
	slots   chan struct{} // a token per running ffprobe
}

var _ core.Prober = (*Prober)(nil)

// New returns a Prober that runs r, which must be ffprobe (see ffmpeg.Find).
func New(r ffmpeg.Runner, opts Options) *Prober {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.GOMAXPROCS(0)
	}
	return &Prober{run: r, timeout: opts.Timeout, slots: make(chan struct{}, opts.Parallel)}
}

// Probe runs ffprobe on the local file at path and returns what it found.
//
// Errors: a missing file wraps fs.ErrNotExist; an unreadable one fs.ErrPermission; an empty,
// broken or non-media file wraps core.ErrInvalid, with a short reason (errors.As gives the
// *core.FieldError); a run longer than Options.Timeout wraps context.DeadlineExceeded; a done
// ctx, while waiting for a slot or while ffprobe runs, wraps ctx's error and its cause.
func (p *Prober) Probe(ctx context.Context, path string) (core.MediaInfo, error) {
	fail := func(err error) (core.MediaInfo, error) {
		return core.MediaInfo{}, fmt.Errorf("probe %q: %w", path, err) // %q: names may hold newlines
	}
	if ctx.Err() != nil {
		return fail(ctxErr(ctx))
	}
	fi, err := os.Stat(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return fail(pe.Err) // the path is already in our text; errno still matches fs.ErrNotExist
	case err != nil:
		return fail(err)
	case fi.IsDir():
		return fail(core.Invalid("", "is a directory"))
	case !fi.Mode().IsRegular():
		return fail(core.Invalid("", "not a regular file")) // ffprobe would block on a FIFO
	case fi.Size() == 0:
		return fail(core.Invalid("", "empty file")) // often a file still being copied in
	}

	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return fail(fmt.Errorf("waiting for a free ffprobe: %w", ctxErr(ctx)))
	}
	defer func() { <-p.slots }()

	runCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	var out bytes.Buffer
	err = p.run.Run(runCtx, args(path), &out)
	var exit *ffmpeg.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return fail(ctxErr(ctx))
	case runCtx.Err() != nil:
		return fail(fmt.Errorf("ffprobe took longer than %s: %w", p.timeout, context.DeadlineExceeded))
	case errors.As(err, &exit):
		return fail(exitReason(out.Bytes(), exit))
	default:
		return fail(err) // ffprobe did not start: not the file's fault
	}

	info, err := Parse(out.Bytes())
	if err != nil {
		return fail(err)
	}
	if info.Size == 0 {
		info.Size = fi.Size()
	}
	return info, nil
}

// args is ffprobe's command line for path. The file: prefix makes ffprobe read path as a
// local file even when it starts with "-" or looks like a URL ("http:x.mkv"), and the
// whitelist stops a playlist-like file (m3u8, concat) from making ffprobe open other protocols.
func args(path string) []string {
	return []string{
		"-v", "error", "-protocol_whitelist", "file",
		"-print_format", "json", "-show_error", "-show_format", "-show_streams", "-show_chapters",
		"--", "file:" + path,
	}
}

// ctxErr is ctx's error, wrapping its cause too when one was given (context.WithCancelCause),
// so errors.Is finds both context.Canceled and the cause.
func ctxErr(ctx context.Context) error {
	err, cause := ctx.Err(), context.Cause(ctx)
	if cause == nil || cause == err {
		return err
	}
	return fmt.Errorf("%w: %w", err, cause)
}

// The AVERROR codes of -show_error that are about the file system, not the file's content.
var (
	errNotExist   = -int64(syscall.ENOENT)
	errPermission = -int64(syscall.EACCES)
)

// exitReason turns a failed ffprobe run into an error. The reason comes from -show_error's
// message on stdout, else from the last line of stderr. It never holds stderr wholesale.
func exitReason(stdout []byte, exit *ffmpeg.ExitError) error {
	var out output
	_ = json.Unmarshal(stdout, &out) // best effort: a crashed ffprobe may have written nothing
	var code int64
	var reason string
	if out.Error != nil {
		code, _ = strconv.ParseInt(out.Error.Code.text(), 10, 64)
		reason = clean(string(out.Error.String))
	}
	if reason == "" {
		reason = lastLine(exit.Stderr, exit.Args)
	}
	switch {
	case code == errNotExist || reason == "No such file or directory":
		return fs.ErrNotExist // deleted between the stat and ffprobe
	case code == errPermission || reason == "Permission denied":
		return fs.ErrPermission
	case reason == "":
		reason = "ffprobe failed: " + clean(exit.Err.Error()) // killed by a signal: ffprobe crashed on it
	}
	return core.Invalid("", "%s", reason)
}

// lastLine is the last message of ffprobe's stderr, without the "file:<path>: " or
// "[matroska,webm @ 0x55d…] " prefix. A path can hold newlines, so the input argument of argv
// is looked for first.
func lastLine(stderr string, argv []string) string {
	s := strings.TrimSpace(stderr)
	if len(argv) > 0 {
		if prefix := argv[len(argv)-1] + ": "; strings.Contains(s, prefix) {
			s = s[strings.LastIndex(s, prefix)+len(prefix):]
			s, _, _ = strings.Cut(s, "\n")
			return clean(s)
		}
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") {
		if ctx, msg, ok := strings.Cut(s, "] "); ok && strings.Contains(ctx, " @ ") {
			s = msg
		}
	}
	return clean(s)
}
