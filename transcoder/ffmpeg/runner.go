// Package ffmpeg is the one place where Walros starts ffmpeg and ffprobe.
//
// Commands are always an argv, never a shell string. Cancelling the context
// interrupts the process the way a terminal would (SIGINT), so ffmpeg can
// finish the file or segment it is writing, and kills it after a grace period.
package ffmpeg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// DefaultGrace is how long Run waits after SIGINT before it kills the process,
// when Runner.Grace is zero.
const DefaultGrace = 5 * time.Second

// stderrTail is how much of stderr Run keeps: ffmpeg explains a failure in its
// last lines, and a long encode can print megabytes before that.
const stderrTail = 8 << 10

// Runner runs one ffmpeg or ffprobe binary. The zero Grace means DefaultGrace
// and a nil Log discards debug logs. A Runner is a value: copy it freely.
type Runner struct {
	Bin   string        // path of the binary, as returned by Find
	Grace time.Duration // time between SIGINT and SIGKILL once ctx is done
	Log   *slog.Logger
	// Nice lowers the process's CPU priority (1 to 19), so that background work such as encodes
	// and keyframe scans leaves room for answering requests; 0 keeps the server's priority.
	Nice int
}

// ExitError reports a process that ran and failed. Its Error text is short and
// safe to wrap; Stderr is for logs only, never for clients.
type ExitError struct {
	Args   []string // the command line that ran, binary first, as in exec.Cmd.Args
	Stderr string   // the last 8 KiB of stderr
	Err    error    // usually an *exec.ExitError
}

// Error returns the program name and how it ended, without stderr.
func (e *ExitError) Error() string {
	name := "ffmpeg"
	if len(e.Args) > 0 {
		name = filepath.Base(e.Args[0])
	}
	return name + " failed: " + e.Err.Error()
}

// Unwrap returns the underlying error, so errors.As finds an *exec.ExitError.
func (e *ExitError) Unwrap() error { return e.Err }

// Run blocks until the process exits, writing its stdout to out (discarded
// when out is nil). For ffmpeg, "-nostdin" and "-hide_banner" are put before
// args: ffmpeg reads stdin for interactive keys otherwise, which stops it when
// the server runs in the background.
//
// Cancelling ctx sends SIGINT; after Grace the process is killed and its pipes
// are closed. The error then wraps context.Cause(ctx). A non-zero exit returns
// an *ExitError.
func (r Runner) Run(ctx context.Context, args []string, out io.Writer) error {
	if r.Bin == "" {
		return errors.New("ffmpeg: Runner.Bin is empty; use Find")
	}
	name := filepath.Base(r.Bin)
	if !isProbe(r.Bin) {
		args = append([]string{"-nostdin", "-hide_banner"}, args...)
	}
	cmd := exec.CommandContext(ctx, r.Bin, args...) // an argv, never a shell string
	stderr := &tail{max: stderrTail}
	cmd.Stdout, cmd.Stderr = out, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = r.Grace
	if cmd.WaitDelay <= 0 {
		cmd.WaitDelay = DefaultGrace
	}

	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	log.DebugContext(ctx, "ffmpeg start", "bin", r.Bin, "args", args)
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil { // Start refuses to run with a done ctx
			return fmt.Errorf("%s not started: %w", name, context.Cause(ctx))
		}
		return fmt.Errorf("start %s: %w", name, err)
	}
	if r.Nice > 0 {
		// Best effort: a process that cannot be reniced still does its work.
		_ = setNice(cmd.Process.Pid, min(r.Nice, 19))
	}
	err := cmd.Wait()
	log.DebugContext(ctx, "ffmpeg exit", "bin", r.Bin, "state", cmd.ProcessState.String(),
		"elapsed", time.Since(start), "err", err)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s stopped: %w", name, context.Cause(ctx))
	default:
		return &ExitError{Args: cmd.Args, Stderr: string(stderr.b), Err: err}
	}
}

// isProbe reports whether bin is ffprobe, which has no -nostdin option.
func isProbe(bin string) bool {
	return strings.Contains(strings.ToLower(filepath.Base(bin)), "ffprobe")
}

// tail is an io.Writer that keeps only the last max bytes written to it.
// os/exec writes to it from one goroutine, and Run reads it after Wait.
type tail struct {
	b   []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		t.b = append(t.b[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.b) + len(p) - t.max; over > 0 {
		t.b = t.b[:copy(t.b, t.b[over:])]
	}
	t.b = append(t.b, p...)
	return n, nil
}
