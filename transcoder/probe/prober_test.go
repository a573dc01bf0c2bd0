package probe

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
)

// These tests run a fake ffprobe, a shell script, and do not run in parallel: a fork in one
// test while another writes its script can make exec fail with "text file busy"
// (golang/go#22315).

// fakeProbe writes script as an executable named ffprobe (the Runner treats that name as
// ffprobe) and returns a Runner for it with a short grace period.
func fakeProbe(t *testing.T, script string) ffmpeg.Runner {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake ffprobe is a shell script")
	}
	p := filepath.Join(t.TempDir(), "ffprobe")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return ffmpeg.Runner{Bin: p, Grace: 200 * time.Millisecond}
}

// mediaFile writes a non-empty file for Probe's stat check; the fake never reads it.
func mediaFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("not read by the fake"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// loggingProbe is a fake ffprobe that appends "start PID" and "stop PID" to log around a
// pause, then prints a valid probe result.
func loggingProbe(t *testing.T, log string) ffmpeg.Runner {
	fixture, err := filepath.Abs(filepath.Join("testdata", "chapters.json"))
	if err != nil {
		t.Fatal(err)
	}
	return fakeProbe(t, fmt.Sprintf("echo \"start $$\" >> '%s'\nsleep 0.3\necho \"stop $$\" >> '%s'\ncat '%s'\n",
		log, log, fixture))
}

// probeAll runs n Probes of path at once and returns their errors.
func probeAll(t *testing.T, p *Prober, path string, n int) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = p.Probe(t.Context(), path) })
	}
	wg.Wait()
	return errs
}

func TestParallelLimit(t *testing.T) {
	path := mediaFile(t, "movie.mkv")
	for _, tc := range []struct {
		parallel    int
		wantOverlap bool
	}{
		{1, false},
		{3, true}, // shows that the log would catch an overlap
	} {
		t.Run(fmt.Sprint("parallel ", tc.parallel), func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "log")
			p := New(loggingProbe(t, log), Options{Parallel: tc.parallel})
			for i, err := range probeAll(t, p, path, 3) {
				if err != nil {
					t.Fatalf("probe %d: %v", i, err)
				}
			}
			b, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 6 {
				t.Fatalf("log has %d lines, want 6:\n%s", len(lines), b)
			}
			running, most := 0, 0
			for _, l := range lines {
				if strings.HasPrefix(l, "start ") {
					running++
				} else {
					running--
				}
				most = max(most, running)
			}
			if overlap := most > 1; overlap != tc.wantOverlap {
				t.Fatalf("at most %d ffprobe at once, want overlap %v:\n%s", most, tc.wantOverlap, b)
			}
		})
	}
}

// startBlocking starts a Probe whose fake ffprobe never ends, and returns once it runs.
func startBlocking(t *testing.T, p *Prober, path, started string) (cancel func(), done <-chan error) {
	ctx, cancel := context.WithCancel(t.Context())
	ch := make(chan error, 1)
	go func() {
		_, err := p.Probe(ctx, path)
		ch <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(started); err == nil {
			return cancel, ch
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the fake ffprobe did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelWhileWaitingForASlot(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	r := fakeProbe(t, fmt.Sprintf("touch '%s'\nexec sleep 30\n", started))
	p := New(r, Options{Parallel: 1})
	path := mediaFile(t, "movie.mkv")
	cancelFirst, firstDone := startBlocking(t, p, path, started)

	stop := errors.New("scan stopped")
	ctx, cancel := context.WithCancelCause(t.Context())
	time.AfterFunc(50*time.Millisecond, func() { cancel(stop) })
	begin := time.Now()
	_, err := p.Probe(ctx, path)
	if elapsed := time.Since(begin); elapsed > time.Second {
		t.Errorf("Probe returned %v after the cancel, want promptly", elapsed)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, stop) || !strings.Contains(err.Error(), "waiting") {
		t.Errorf("err = %v, want one wrapping context.Canceled and the cause, while waiting", err)
	}

	cancelFirst() // the running probe is interrupted with SIGINT
	select {
	case err := <-firstDone:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("first probe: err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the running probe did not stop after its ctx was cancelled")
	}
}

func TestTimeout(t *testing.T) {
	r := fakeProbe(t, "exec sleep 30\n")
	const timeout = 300 * time.Millisecond
	p := New(r, Options{Timeout: timeout})
	begin := time.Now()
	_, err := p.Probe(t.Context(), mediaFile(t, "slow.mkv"))
	elapsed := time.Since(begin)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "took longer than 300ms") {
		t.Errorf("err = %v, want one wrapping context.DeadlineExceeded that says the probe took too long", err)
	}
	if elapsed > timeout+r.Grace+time.Second {
		t.Errorf("Probe returned after %v, want about %v", elapsed, timeout)
	}
}

// TestFailures checks how a failing ffprobe becomes an error.
func TestFailures(t *testing.T) {
	junk := strings.Repeat("[h264 @ 0x55d0c0ffee00] non-existing PPS 0 referenced\n", 200)
	for _, tc := range []struct {
		name, script string
		is           error
		want         string
	}{
		{"reason from -show_error", `echo '{"error": {"code": -1094995529, "string": "Invalid data found when processing input"}}'
			echo 'file:x: Invalid data found when processing input' >&2; exit 1`,
			core.ErrInvalid, `: Invalid data found when processing input`},
		{"reason from the last stderr line, path with newline", `for a; do last=$a; done
			printf '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0] moov atom not found\n%s: Invalid data found when processing input\n' "$last" >&2
			exit 1`, core.ErrInvalid, `": Invalid data found when processing input`},
		{"stderr without the path", `printf '` + junk + `[matroska,webm @ 0x55d0] EBML header parsing failed\n' >&2; exit 1`,
			core.ErrInvalid, `": EBML header parsing failed`},
		{"long last line is capped", `printf '%0500d\n' 7 >&2; exit 1`, core.ErrInvalid, "0000…"},
		{"file deleted after the stat", `echo '{"error": {"code": -2, "string": "No such file or directory"}}'; exit 1`,
			fs.ErrNotExist, "file does not exist"},
		{"permission", `for a; do last=$a; done; printf '%s: Permission denied\n' "$last" >&2; exit 1`, fs.ErrPermission, "permission denied"},
		{"crash", `kill -SEGV $$`, core.ErrInvalid, "ffprobe failed: signal: segmentation fault"},
		{"success with garbage", `echo 'not json'`, core.ErrInvalid, "unreadable ffprobe output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(fakeProbe(t, tc.script), Options{})
			_, err := p.Probe(t.Context(), mediaFile(t, "bad\nname.mkv"))
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want one wrapping %v", err, tc.is)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("err = %q, want it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "PPS") || len(msg) > 2*maxReason+200 {
				t.Errorf("err holds more than a short reason (%d bytes): %q", len(msg), msg)
			}
		})
	}
}

func TestProbeWithoutFFprobe(t *testing.T) {
	p := New(ffmpeg.Runner{Bin: filepath.Join(t.TempDir(), "ffprobe")}, Options{})
	_, err := p.Probe(t.Context(), mediaFile(t, "movie.mkv"))
	if err == nil || errors.Is(err, core.ErrInvalid) {
		t.Fatalf("err = %v, want a start failure that does not blame the file", err)
	}
}

func TestProbeArgv(t *testing.T) {
	argv := filepath.Join(t.TempDir(), "argv")
	fixture, err := filepath.Abs(filepath.Join("testdata", "chapters.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := fakeProbe(t, fmt.Sprintf("for a; do printf '%%s\\n' \"$a\" >> '%s'; done\ncat '%s'\n", argv, fixture))
	path := mediaFile(t, "-x http:y.mkv")
	if _, err := New(r, Options{}).Probe(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(argv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-v", "error", "-protocol_whitelist", "file", "-print_format", "json", "-show_error",
		"-show_format", "-show_streams", "-show_chapters", "--", "file:" + path}
	if got := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("argv = %q\nwant %q", got, want)
	}
}
