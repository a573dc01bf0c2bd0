package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
)

var built struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// syncBuffer lets the test read what run prints while it runs.
type syncBuffer struct {
	ch chan string
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.ch <- string(p)
	return len(p), nil
}

func testConfig(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.Data = t.TempDir()
	cfg.Addr, cfg.PlexAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Log.Format = "json"
	cfg.Log.Level = "warn"
	return cfg
}

// TestServeDemo is what a newcomer does first: start the server with nothing configured, sign in
// with the printed password and find the demo library.
func TestServeDemo(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	cfg := testConfig(t)
	cfg.FFmpeg = ff.Bin
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{ch: make(chan string, 16)}
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, out, func(a, _ string) { addrc <- a }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	welcome := <-out.ch
	m := regexp.MustCompile(`Sign in as "admin" with password "([^"]+)"`).FindStringSubmatch(welcome)
	if m == nil {
		t.Fatalf("welcome message has no password:\n%s", welcome)
	}

	var tok struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"`+m[1]+`"}`, "", http.StatusOK, &tok)
	var libs struct {
		Items []struct {
			Name, Type string
			Paths      []string
		}
	}
	get(t, base+"/api/v1/libraries", tok.AccessToken, http.StatusOK, &libs)
	if len(libs.Items) != 2 || libs.Items[0].Name != "Demo Movies" || libs.Items[1].Type != "shows" {
		t.Fatalf("libraries: %+v", libs.Items)
	}
	movies, err := filepath.Glob(filepath.Join(libs.Items[0].Paths[0], "*", "*"))
	if err != nil || len(movies) != 2 {
		t.Fatalf("demo movies on disk: %v, %v", movies, err)
	}
	// The startup scan turns the demo files into items: two movies and a show of two episodes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var page struct{ Total int }
		get(t, base+"/api/v1/items?type=movie,episode", tok.AccessToken, http.StatusOK, &page)
		if page.Total == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d demo movies and episodes after 30 s, want 4", page.Total)
		}
		time.Sleep(100 * time.Millisecond)
	}
	metrics := get(t, base+"/metrics", "", http.StatusOK, nil)
	if !strings.Contains(metrics, `route="/api/v1/libraries"`) {
		t.Fatal("/metrics has no latency histogram for /api/v1/libraries")
	}
	get(t, base+"/api/docs", "", http.StatusOK, nil)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not shut down")
	}

	// A second start keeps the admin (no new password) and the demo libraries, and generates nothing.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { done <- run(ctx, cfg, out, func(a, _ string) { addrc <- a }) }()
	base = "http://" + <-addrc
	if welcome := <-out.ch; strings.Contains(welcome, "password \"") {
		t.Fatalf("second start printed a password again:\n%s", welcome)
	}
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"`+m[1]+`"}`, "", http.StatusOK, &tok)
	get(t, base+"/api/v1/libraries", tok.AccessToken, http.StatusOK, &libs)
	if len(libs.Items) != 2 {
		t.Fatalf("libraries after restart: %+v", libs.Items)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestBinaryStopsOnSIGTERM runs the real binary as a service manager would, and stops it.
func TestBinaryStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cmd, base, stderr := startBinary(t, buildWalros(t), t.TempDir(), "--log-format", "json")
	var tok struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"correct-horse"}`, "", http.StatusOK, &tok)
	get(t, base+"/readyz", "", http.StatusOK, nil)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("still running 20 s after SIGTERM")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", stderr.String())
	}
}

// startBinary runs `walros serve` on loopback ports over data, with the admin password
// "correct-horse", and returns it, its base URL and its stderr. The test kills it at the end.
func startBinary(t *testing.T, bin, data string, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--no-demo", "--data", data, "--addr", "127.0.0.1:0", "--plex-addr", "127.0.0.1:0"},
		args...)...)
	cmd.Env = append(os.Environ(), "WALROS_ADMIN_PASSWORD=correct-horse", "WALROS_SCAN_INTERVAL=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	base := ""
	for base == "" && sc.Scan() {
		if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no address printed; stderr:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	return cmd, base, stderr
}

func post(t *testing.T, url, body, token string, want int, v any) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return send(t, req, token, want, v)
}

func get(t *testing.T, url, token string, want int, v any) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req, token, want, v)
}

func send(t *testing.T, req *http.Request, token string, want int, v any) string {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL, resp.StatusCode, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return string(b)
}

// TestShutdownLetsRequestsFinish stops the server while logins are being checked: each must end with
// a real answer (or a refused connection), never an empty success.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	cfg := testConfig(t)
	cfg.Demo = false
	cfg.Admin.Password = "correct-horse"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, func(a, _ string) { addrc <- a }) }()
	base := "http://" + <-addrc
	type result struct {
		status int
		body   string
		err    error
	}
	results := make(chan result, 8)
	for range 8 {
		go func() {
			resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
				strings.NewReader(`{"username":"admin","password":"correct-horse"}`))
			if err != nil {
				results <- result{err: err}
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			results <- result{status: resp.StatusCode, body: string(b), err: err}
		}()
	}
	time.Sleep(100 * time.Millisecond) // the logins are in flight: argon2 runs one per CPU at a time
	cancel()
	ok := 0
	for range 8 {
		r := <-results
		switch {
		case r.err != nil:
			// refused or reset before the server took the request: the client knows it failed
		case r.status == http.StatusOK && strings.Contains(r.body, "accessToken"):
			ok++
		default:
			t.Errorf("during shutdown: status %d, body %q", r.status, r.body)
		}
	}
	if ok == 0 {
		t.Fatal("no login in flight finished during shutdown")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
