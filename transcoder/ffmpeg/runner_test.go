package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBin writes a shell script named name into a fresh temp dir. Tests in this
// package do not run in parallel: a fork in one test while another writes its
// script can make exec fail with "text file busy" (golang/go#22315).
func fakeBin(t *testing.T, name, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// signalWriter collects output and closes ready when marker first appears.
type signalWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	ready  chan struct{}
	once   sync.Once
}

func newSignalWriter(marker string) *signalWriter {
	return &signalWriter{marker: marker, ready: make(chan struct{})}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.marker) {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

const printArgs = `for a in "$@"; do printf '%s\n' "$a"; done` + "\n"

func TestRunPassesArgv(t *testing.T) {
	tricky := []string{"-i", "file:/media/My Movie (2024).mkv", "$(touch pwned)", "a;b", `"quoted"`, "*", ""}
	for _, tc := range []struct {
		name, bin string
		want      []string
	}{
		{"ffmpeg gets -nostdin and -hide_banner", "ffmpeg", append([]string{"-nostdin", "-hide_banner"}, tricky...)},
		{"ffprobe gets args unchanged", "ffprobe", tricky},
		{"versioned ffprobe name", "ffprobe-5.1", tricky},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Runner{Bin: fakeBin(t, tc.bin, printArgs)}
			var out bytes.Buffer
			if err := r.Run(t.Context(), tricky, &out); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("argv = %q, want %q", got, tc.want)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(r.Bin), "pwned")); err == nil {
				t.Fatal("an argument was run by a shell")
			}
		})
	}
}

func TestRunExitError(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		wantCode     int
		wantTail     string
		wantLen      int
	}{
		{"short stderr", "echo 'Unknown encoder foo' >&2\nexit 1\n", 1, "Unknown encoder foo\n", 20},
		{"stderr bounded to the last 8 KiB",
			"i=0; while [ $i -lt 2000 ]; do echo \"frame=$i noise noise noise\" >&2; i=$((i+1)); done\n" +
				"echo 'Conversion failed!' >&2\nexit 3\n",
			3, "Conversion failed!\n", stderrTail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Runner{Bin: fakeBin(t, "ffmpeg", tc.script)}
			err := r.Run(t.Context(), []string{"-i", "in.mkv"}, nil)
			var ee *ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v (%T), want *ExitError", err, err)
			}
			if len(ee.Stderr) != tc.wantLen || !strings.HasSuffix(ee.Stderr, tc.wantTail) {
				t.Fatalf("stderr has %d bytes ending %q, want %d ending %q",
					len(ee.Stderr), ee.Stderr[max(0, len(ee.Stderr)-40):], tc.wantLen, tc.wantTail)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tc.wantTail)) {
				t.Fatalf("Error() = %q leaks stderr", err)
			}
			if want := "ffmpeg failed: exit status"; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("Error() = %q, want prefix %q", err, want)
			}
			if ee.Args[0] != r.Bin || ee.Args[len(ee.Args)-1] != "in.mkv" {
				t.Fatalf("Args = %q", ee.Args)
			}
			var xe *exec.ExitError
			if !errors.As(err, &xe) || xe.ExitCode() != tc.wantCode {
				t.Fatalf("exit code: err = %v, want %d", err, tc.wantCode)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	const grace = 300 * time.Millisecond
	for _, tc := range []struct {
		name, script string
		wantOut      string // what the script printed after the signal
		minWait      time.Duration
	}{
		{"SIGINT lets ffmpeg finish", "trap 'kill $!; echo SIGINT-MARKER; exit 255' INT\necho ready\nsleep 30 &\nwait\n",
			"SIGINT-MARKER", 0},
		{"killed after grace when SIGINT is ignored", "trap '' INT\necho ready\nexec sleep 30\n",
			"", grace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Runner{Bin: fakeBin(t, "ffmpeg", tc.script), Grace: grace}
			cause := errors.New("viewer left")
			ctx, cancel := context.WithCancelCause(t.Context())
			out := newSignalWriter("ready")
			done := make(chan error, 1)
			go func() { done <- r.Run(ctx, nil, out) }()
			select {
			case <-out.ready:
			case <-time.After(10 * time.Second):
				t.Fatal("script never printed ready")
			}
			start := time.Now()
			cancel(cause)
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			waited := time.Since(start)
			if !errors.Is(err, cause) {
				t.Fatalf("err = %v, want it to wrap %v", err, cause)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Fatalf("stdout = %q, want %q", out.String(), tc.wantOut)
			}
			if waited < tc.minWait || waited > grace+5*time.Second {
				t.Fatalf("Run returned %v after cancel, want between %v and grace+5s", waited, tc.minWait)
			}
		})
	}
}

func TestRunNotStarted(t *testing.T) {
	cancelled, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("shutting down")
	cancel(cause)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		bin  string
		want error
	}{
		{"missing binary", t.Context(), filepath.Join(t.TempDir(), "ffmpeg"), os.ErrNotExist},
		{"ctx already done", cancelled, fakeBin(t, "ffmpeg", "exit 0\n"), cause},
		{"empty Bin", t.Context(), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Runner{Bin: tc.bin}.Run(tc.ctx, []string{"-version"}, nil)
			var ee *ExitError
			if err == nil || errors.As(err, &ee) {
				t.Fatalf("err = %v, want a start error", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want it to wrap %v", err, tc.want)
			}
		})
	}
}

func TestTail(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"fits", []string{"a", "bc"}, "abc"},
		{"exactly max", []string{"abc"}, "abc"},
		{"drops the oldest bytes", []string{"abcd", "ef"}, "def"},
		{"one write larger than max", []string{"a", "bcdefgh"}, "fgh"},
		{"many small writes", []string{"a", "b", "c", "d", "e"}, "cde"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl := &tail{max: 3}
			for _, w := range tc.writes {
				if n, err := tl.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if string(tl.b) != tc.want {
				t.Fatalf("tail = %q, want %q", tl.b, tc.want)
			}
		})
	}
}

// TestNice runs ffprobe with a lower priority and checks the process got it.
func TestNice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	// sh, named ffprobe (which takes no -nostdin), stands in: it prints its own nice value, field
	// 19 of /proc/PID/stat.
	bin := filepath.Join(t.TempDir(), "ffprobe")
	if err := os.Symlink(sh, bin); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := Runner{Bin: bin, Nice: 7}
	if err := r.Run(context.Background(), []string{"-c", "sleep 0.2; cut -d' ' -f19 /proc/$$/stat"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "7" {
		t.Fatalf("nice value %q; want 7", got)
	}
}
