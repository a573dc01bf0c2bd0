package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// TestScanSurvivesKill9 kills `walros scan` in the middle of a scan, as a power cut or the OOM
// killer would, then scans again: the database is consistent and the scan completes.
func TestScanSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ff := ffmpegtest.RequireFFmpeg(t)
	media := t.TempDir()
	first := filepath.Join(media, "Movie 000 (2000)", "Movie 000 (2000).mkv")
	if err := testmedia.Generate(context.Background(), ff, testmedia.Spec{Path: first, Duration: time.Second,
		VideoCodec: "h264", AudioCodec: "aac"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	for i := 1; i < n; i++ {
		p := filepath.Join(media, fmt.Sprintf("Movie %03d (%d)", i, 2000+i%20), fmt.Sprintf("Movie %03d (%d).mkv", i, 2000+i%20))
		write(t, p, b)
	}
	data := t.TempDir()
	bin := buildWalros(t)
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, "--data", data)...)
		cmd.Env = append(os.Environ(), "WALROS_SCAN_PARALLEL=1")
		return cmd
	}
	if out, err := run("library", "add", "Movies", "--type", "movies", media).CombinedOutput(); err != nil {
		t.Fatalf("library add: %v\n%s", err, out)
	}

	cmd := run("scan")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(800 * time.Millisecond) // some files probed, most not
	cmd.Process.Kill()
	cmd.Wait()
	if strings.Contains(out.String(), "60 files") {
		t.Fatalf("the scan ended before the kill; make the library bigger:\n%s", out.String())
	}

	second, err := run("scan").CombinedOutput()
	if err != nil {
		t.Fatalf("scan after kill: %v\n%s", err, second)
	}
	if !regexp.MustCompile(`Movies: 60 files, \d+ unchanged, \d+ probed \(0 failed\)`).Match(second) {
		t.Fatalf("second scan: %s", second)
	}

	cfg := config.Default()
	cfg.Data = data
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var check string
	if err := a.db.R.QueryRowContext(context.Background(), "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	items, total, err := a.items.List(context.Background(), operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Limit: 1000})
	if err != nil || total != n {
		t.Fatalf("%d movies after the second scan, %v; want %d", total, err, n)
	}
	for _, it := range items {
		files, err := a.items.Files(context.Background(), operator, it.ID)
		if err != nil || len(files) != 1 {
			t.Fatalf("%s has %d files, %v", it.Title, len(files), err)
		}
	}
	third, err := run("scan").CombinedOutput()
	if err != nil || !strings.Contains(string(third), "60 files, 60 unchanged, 0 probed") {
		t.Fatalf("third scan is not a no-op: %v\n%s", err, third)
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildWalros builds the binary once per test run.
func buildWalros(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "walros-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "walros")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}
