package subtitle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
)

// Extract converts the embedded text subtitle stream streamIndex (the
// container index, as core.Stream.Index and ffmpeg's -map 0:N take it) of the
// media file at path to WebVTT on w. runner must be ffmpeg.
//
// ffmpeg writes the stream as ASS, whatever its codec (subrip, ass, ssa,
// mov_text, webvtt): every ffmpeg text decoder produces ASS, so nothing it
// understood is lost on the way; its ASS timestamps are in centiseconds.
// Cue times count from the start of the file, as ffmpeg shifts them without
// -copyts. A stream without events gives a WebVTT file without cues.
//
// Errors: an image-based stream wraps ErrImageSubtitle (check IsImage first to
// skip starting ffmpeg); a missing file wraps fs.ErrNotExist; a stream that
// does not exist or is not a subtitle, or a file that is not media, wraps
// core.ErrInvalid; more than MaxSize of output wraps ErrTooLarge; a done ctx
// wraps its error. Nothing is written to w when an error is returned.
func Extract(ctx context.Context, runner ffmpeg.Runner, path string, streamIndex int, w io.Writer) error {
	return ExtractWith(ctx, runner, path, streamIndex, w, Options{})
}

// ExtractWith is Extract with options, for WebVTT served in an HLS playlist.
func ExtractWith(ctx context.Context, runner ffmpeg.Runner, path string, streamIndex int, w io.Writer, opts Options) error {
	fail := func(err error) error {
		return fmt.Errorf("extract subtitles %q stream %d: %w", path, streamIndex, err) // %q: names may hold newlines
	}
	if streamIndex < 0 {
		return fail(core.Invalid("streamIndex", "must not be negative"))
	}
	fi, err := os.Stat(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return fail(pe.Err) // the path is already in our text
	case err != nil:
		return fail(err)
	case !fi.Mode().IsRegular():
		return fail(core.Invalid("", "not a regular file")) // ffmpeg would block on a FIFO
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := &cappedBuffer{max: MaxSize, cancel: cancel}
	err = runner.Run(runCtx, extractArgs(path, streamIndex), out)
	var exit *ffmpeg.ExitError
	switch {
	case out.over:
		return fail(ErrTooLarge)
	case err == nil:
	case ctx.Err() != nil:
		return fail(err) // Run's error already wraps ctx's cause
	case errors.As(err, &exit):
		return fail(exitReason(exit, streamIndex))
	default:
		return fail(err) // ffmpeg did not start
	}
	if err := convert(out.b, formatSSA, w, opts, true); err != nil {
		return fail(err)
	}
	return nil
}

// extractArgs is ffmpeg's command line that writes stream idx of path as ASS
// to stdout. -vn -an -dn drop the stream when it is not a subtitle, so ffmpeg
// fails on it instead of trying to encode video into an ASS file. The file:
// prefix and the whitelist keep ffmpeg on the local file, as in probe.
func extractArgs(path string, idx int) []string {
	return []string{
		"-nostats", "-loglevel", "error",
		"-protocol_whitelist", "file", "-i", "file:" + path,
		"-map", "0:" + strconv.Itoa(idx), "-vn", "-an", "-dn",
		"-c:s", "ass", "-f", "ass", "pipe:1",
	}
}

// exitReason classifies a failed extraction from ffmpeg's last words. The
// stderr text itself stays out of the error.
func exitReason(exit *ffmpeg.ExitError, idx int) error {
	s := exit.Stderr
	switch {
	case strings.Contains(s, "text to text or bitmap to bitmap"): // ffmpeg 4 to 7 say this for -c:s ass on PGS/VobSub/DVB
		return ErrImageSubtitle
	case strings.Contains(s, "matches no streams"):
		return core.Invalid("", "no stream %d", idx)
	case strings.Contains(s, "does not contain any stream"):
		return core.Invalid("", "stream %d is not a subtitle stream", idx)
	case strings.Contains(s, "Invalid data found when processing input"):
		return core.Invalid("", "not a readable media file")
	case strings.Contains(s, "No such file or directory"):
		return fs.ErrNotExist // deleted between the stat and ffmpeg
	case strings.Contains(s, "Permission denied"):
		return fs.ErrPermission
	}
	return exit
}

// cappedBuffer keeps what is written to it up to max bytes. Past that it
// records the overflow, cancels the run and discards the rest: returning an
// error instead would stop os/exec from draining the pipe, and ffmpeg would
// then block on a full pipe until the grace period ends.
type cappedBuffer struct {
	b      []byte
	max    int
	over   bool
	cancel context.CancelCauseFunc
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.over {
		return len(p), nil
	}
	if len(c.b)+len(p) > c.max {
		c.over = true
		c.b = nil
		c.cancel(ErrTooLarge)
		return len(p), nil
	}
	c.b = append(c.b, p...)
	return len(p), nil
}
