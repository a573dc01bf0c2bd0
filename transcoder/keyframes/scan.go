// Package keyframes finds the keyframe times of a video file, where a stream
// copy can cut segments, and caches them on disk.
//
// Scan reads the packet flags with ffprobe, which decodes nothing: it costs
// one read of the whole file, about 4 s for a 3.6 GB film on a local disk and
// minutes over a slow network mount. Index keeps each file's list, keyed by
// path, size and modification time, so a file is scanned once.
package keyframes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
)

// MaxKeyframes bounds the list Scan keeps, and so its memory (8 bytes each):
// one keyframe every 0.1 s for 48 hours. Longer lists give an error.
const MaxKeyframes = 48 * 3600 * 10

// maxLine bounds one line of ffprobe's output; a packet line is about 20 bytes.
const maxLine = 4 << 10

var (
	// ErrNoVideo is wrapped when the file has no video stream (cover art
	// does not count).
	ErrNoVideo = errors.New("no video stream")
	// ErrNoKeyframes is wrapped when the video stream has packets but none
	// is flagged as a keyframe, so no point is safe to cut at.
	ErrNoKeyframes = errors.New("no keyframes in the video stream")
	// errTooMany is the cause given to the ffprobe run when the list
	// outgrows MaxKeyframes.
	errTooMany = fmt.Errorf("more than %d keyframes", MaxKeyframes)
)

// Scan returns the presentation times of the keyframes of the first video
// stream of the local file at path, sorted and without duplicates. runner must
// be ffprobe (see ffmpeg.Find).
//
// Times are as the container reports them, not shifted to start at 0: an
// MPEG-TS file written by ffmpeg starts at 1.4 s, and some mp4 files start a
// few milliseconds before 0. The first keyframe is then the file's start; to
// count from 0, subtract it (or the start time ffprobe reports for the file).
// Packets without a presentation time (pts_time N/A) are skipped.
//
// Errors: a missing file wraps fs.ErrNotExist; a file with no video wraps
// ErrNoVideo; a video without keyframe flags wraps ErrNoKeyframes; a file that
// is not media, or more than MaxKeyframes keyframes, wraps core.ErrInvalid;
// a done ctx wraps its error.
func Scan(ctx context.Context, runner ffmpeg.Runner, path string) ([]time.Duration, error) {
	fail := func(err error) ([]time.Duration, error) {
		return nil, fmt.Errorf("scan keyframes of %q: %w", path, err) // %q: names may hold newlines
	}
	fi, err := os.Stat(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return fail(pe.Err) // the path is already in our text
	case err != nil:
		return fail(err)
	case !fi.Mode().IsRegular():
		return fail(core.Invalid("", "not a regular file")) // ffprobe would block on a FIFO
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	p := &packetParser{cancel: cancel}
	err = runner.Run(runCtx, scanArgs(path), p)
	var exit *ffmpeg.ExitError
	switch {
	case p.err != nil:
		return fail(p.err)
	case err == nil:
	case ctx.Err() != nil:
		return fail(err) // Run's error wraps ctx's cause
	case errors.As(err, &exit):
		return fail(core.Invalid("", "not a readable media file: %s", reason(exit.Stderr, path)))
	default:
		return fail(err) // ffprobe did not start
	}
	p.flush()
	switch {
	case p.err != nil:
		return fail(p.err)
	case p.packets == 0:
		return fail(ErrNoVideo)
	case len(p.keys) == 0:
		return fail(ErrNoKeyframes)
	}
	slices.Sort(p.keys)
	return slices.Clip(slices.Compact(p.keys)), nil
}

// scanArgs is ffprobe's command line. V:0 is the first video stream that is
// not an attached picture, so an mp4 with cover art scans its film. The
// file: prefix and the whitelist keep ffprobe on the local file, as in probe.
func scanArgs(path string) []string {
	return []string{
		"-v", "error", "-protocol_whitelist", "file",
		"-select_streams", "V:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0",
		"--", "file:" + path,
	}
}

// packetParser parses ffprobe's "pts_time,flags" lines as they arrive, so
// the output of a long film is never held whole. After a parse error it
// cancels the run and discards the rest: returning the error would stop
// os/exec from draining the pipe, and ffprobe would block until killed.
type packetParser struct {
	line    []byte // an incomplete line from the previous Write
	keys    []time.Duration
	packets int
	err     error
	cancel  context.CancelCauseFunc
}

func (p *packetParser) Write(b []byte) (int, error) {
	n := len(b)
	for p.err == nil && len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.line = append(p.line, b...)
			if len(p.line) > maxLine {
				p.stop(core.Invalid("", "ffprobe printed a line longer than %d bytes", maxLine))
			}
			break
		}
		if len(p.line) > 0 {
			p.line = append(p.line, b[:i]...)
			p.parse(p.line)
			p.line = p.line[:0]
		} else {
			p.parse(b[:i])
		}
		b = b[i+1:]
	}
	return n, nil
}

// flush parses a last line without a newline.
func (p *packetParser) flush() {
	if p.err == nil && len(p.line) > 0 {
		p.parse(p.line)
		p.line = nil
	}
}

func (p *packetParser) stop(err error) {
	p.err = err
	p.cancel(err)
}

// parse reads one line, such as "1.423000,K_". The trailing comma of MPEG-TS
// packets, blank lines, and lines that are not packets are ignored.
func (p *packetParser) parse(line []byte) {
	pts, flags, ok := bytes.Cut(bytes.TrimSpace(line), []byte{','})
	if !ok {
		return
	}
	sec, err := strconv.ParseFloat(string(pts), 64)
	if string(pts) != "N/A" && (err != nil || math.IsNaN(sec) || math.Abs(sec) > 1e9) {
		return // not a packet line; 1e9 s (31 years) stays far from Duration's limit
	}
	p.packets++
	if flags, _, _ = bytes.Cut(flags, []byte{','}); err != nil || bytes.IndexByte(flags, 'K') < 0 {
		return // N/A or not a keyframe
	}
	if len(p.keys) >= MaxKeyframes {
		p.stop(core.Invalid("", "%v", errTooMany))
		return
	}
	p.keys = append(p.keys, time.Duration(math.Round(sec*1e6))*time.Microsecond)
}

// reason is the last line of ffprobe's stderr without the "file:<path>: "
// prefix, shortened: enough to tell a text file from a truncated film.
func reason(stderr, path string) string {
	s := strings.TrimSpace(stderr)
	if i := strings.LastIndex(s, "file:"+path+": "); i >= 0 {
		s = s[i+len("file:"+path+": "):]
	} else if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	if s == "" {
		return "ffprobe failed"
	}
	return s
}
