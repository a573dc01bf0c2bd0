package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchserver"
)

const password = "bench-stream-password"

// walros is one running `walros serve` with a movie library on the source's folder.
type walros struct {
	base    string // http://127.0.0.1:PORT
	data    string
	logPath string
	cmd     *exec.Cmd
	done    chan struct{}
	token   string
	item    string
}

// startWalros serves a fresh (or reused) data directory, adds the library through the API, scans
// it, logs in and finds the movie. The encoder idle timeout is 2 s, so an encoder left running by
// one measurement is stopped soon after and does not load the next one (no figure depends on it).
func startWalros(ctx context.Context, bin, data, root, preset string) (*walros, error) {
	addr, err := benchserver.FreePort()
	if err != nil {
		return nil, err
	}
	plex, err := benchserver.FreePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	w := &walros{base: "http://" + addr, data: data, logPath: filepath.Join(data, "walros.log"), done: make(chan struct{})}
	logf, err := os.OpenFile(w.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	w.cmd = exec.Command(bin, "serve", "--data", data, "--addr", addr, "--plex-addr", plex, "--no-demo")
	w.cmd.Env = append(os.Environ(), "WALROS_ADMIN_PASSWORD="+password, "WALROS_AUTH_ACCESS_TTL=24h",
		"WALROS_LOG_FORMAT=json", "WALROS_LOG_LEVEL=debug", "WALROS_TRANSCODE_PRESET="+preset,
		"WALROS_TRANSCODE_IDLE_TIMEOUT=2s")
	w.cmd.Stdout, w.cmd.Stderr = logf, logf
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := w.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() {
		w.cmd.Wait()
		logf.Close()
		close(w.done)
	}()
	if err := w.setup(ctx, root); err != nil {
		w.stop()
		return nil, fmt.Errorf("%w (log: %s)", err, w.logPath)
	}
	return w, nil
}

func (w *walros) setup(ctx context.Context, root string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(w.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-w.done:
			return fmt.Errorf("walros exited: %v", w.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("walros not ready after 60 s: %v", err)
		}
	}
	var err error
	if w.token, err = w.login("bench-viewer-1"); err != nil {
		return err
	}
	var lib struct {
		ID string `json:"id"`
	}
	body, _ := json.Marshal(map[string]any{"name": "Bench", "type": "movies", "paths": []string{root}})
	if err := w.api(http.MethodPost, "/api/v1/libraries", body, &lib); err != nil {
		return err
	}
	var scan struct {
		Running bool    `json:"running"`
		Found   int     `json:"found"`
		Probed  int     `json:"probed"`
		Error   *string `json:"error"`
	}
	if err := w.api(http.MethodPost, "/api/v1/libraries/"+lib.ID+"/scan", []byte{}, &scan); err != nil {
		return err
	}
	for scan.Running {
		time.Sleep(100 * time.Millisecond)
		if err := w.api(http.MethodGet, "/api/v1/libraries/"+lib.ID+"/scan", nil, &scan); err != nil {
			return err
		}
	}
	if scan.Error != nil {
		return fmt.Errorf("scan: %s", *scan.Error)
	}
	var items struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := w.api(http.MethodGet, "/api/v1/items?type=movie", nil, &items); err != nil {
		return err
	}
	if len(items.Items) != 1 {
		return fmt.Errorf("walros lists %d movies after a scan that found %d files, want 1", len(items.Items), scan.Found)
	}
	w.item = items.Items[0].ID
	return nil
}

// login opens a session (each viewer has its own) and returns its access token.
func (w *walros) login(device string) (string, error) {
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": password, "deviceId": device,
		"deviceName": device, "client": "bench/stream"})
	err := w.api(http.MethodPost, "/api/v1/auth/login", body, &login)
	return login.AccessToken, err
}

// masterURL is the HLS master playlist of the movie for a session.
func (w *walros) masterURL(token string) string {
	return w.base + "/api/v1/items/" + url.PathEscape(w.item) + "/hls/master.m3u8?token=" + url.QueryEscape(token)
}

// api sends a JSON request (GET when body is nil) with the session's token and decodes the answer.
func (w *walros) api(method, path string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	return json.Unmarshal(b, out)
}

// stop shuts walros down (it stops its encoders), killing it after ten seconds.
func (w *walros) stop() {
	if w == nil {
		return
	}
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Kill()
		<-w.done
	}
}

// children returns the pids of walros's child processes (ffmpeg, ffprobe).
func (w *walros) children() []int {
	return childrenOf(w.cmd.Process.Pid)
}

func childrenOf(ppid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		_, rest, _ := bytes.Cut(b, []byte(") "))
		f := strings.Fields(string(rest))
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			out = append(out, pid)
		}
	}
	return out
}

// waitIdle waits until walros has run no child process for 300 ms: the encoder of the previous
// measurement has been stopped (idle timeout) or has finished.
func (w *walros) waitIdle(ctx context.Context) error {
	deadline := time.Now().Add(3 * time.Minute)
	quiet := 0
	for quiet < 6 {
		if len(w.children()) == 0 {
			quiet++
		} else {
			quiet = 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w.done:
			return fmt.Errorf("walros exited: %v", w.cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("walros still runs %v after 3 minutes", w.children())
		}
	}
	return nil
}

// logEvent is one "ffmpeg start" or "ffmpeg exit" line of walros's debug log.
type logEvent struct {
	Time    time.Time `json:"time"`
	Msg     string    `json:"msg"`
	Bin     string    `json:"bin"`
	Args    []string  `json:"args"`
	Elapsed any       `json:"elapsed"`
	State   string    `json:"state"`
}

// events returns the ffmpeg/ffprobe start and exit lines logged from byte offset on, and the end
// offset.
func (w *walros) events(offset int64) ([]logEvent, int64) {
	f, err := os.Open(w.logPath)
	if err != nil {
		return nil, offset
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, offset
	}
	var out []logEvent
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			break // a partial last line is read again next time
		}
		offset += int64(len(line))
		if !bytes.Contains(line, []byte(`"ffmpeg `)) {
			continue
		}
		var e logEvent
		if json.Unmarshal(line, &e) == nil && (e.Msg == "ffmpeg start" || e.Msg == "ffmpeg exit") {
			out = append(out, e)
		}
	}
	return out, offset
}

// logSize is the current end of the log, to read only what a measurement logs.
func (w *walros) logSize() int64 {
	fi, err := os.Stat(w.logPath)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func (n *nginx) baseOrEmpty() string {
	if n == nil {
		return ""
	}
	return n.base
}

// encoderStart returns when walros started the ffmpeg whose arguments hold flag followed by value,
// from its debug log after offset.
func encoderStart(w *walros, offset int64, flag, value string) (time.Time, bool) {
	evs, _ := w.events(offset)
	for _, e := range evs {
		if e.Msg != "ffmpeg start" || filepath.Base(e.Bin) != "ffmpeg" {
			continue
		}
		if i := slices.Index(e.Args, flag); i >= 0 && i+1 < len(e.Args) && e.Args[i+1] == value {
			return e.Time, true
		}
	}
	return time.Time{}, false
}

// probeTime returns how long walros's ffprobe runs (keyframe scans) took after offset.
func probeTime(w *walros, offset int64) time.Duration {
	evs, _ := w.events(offset)
	var start time.Time
	var sum time.Duration
	for _, e := range evs {
		if filepath.Base(e.Bin) != "ffprobe" {
			continue
		}
		switch e.Msg {
		case "ffmpeg start":
			start = e.Time
		case "ffmpeg exit":
			if !start.IsZero() {
				sum += e.Time.Sub(start)
				start = time.Time{}
			}
		}
	}
	return sum
}
