package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// adminPassword is the password of the test server's first admin.
const adminPassword = "e2e-admin-password"

// server is a walros binary serving on 127.0.0.1, with an admin signed in.
type server struct {
	base  string // http://127.0.0.1:PORT
	token string // the admin's access token
	log   *syncBuffer
}

// syncBuffer collects the server's output; the process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the log lines that contain sub.
func (s *syncBuffer) lines(sub string) []string {
	var out []string
	for l := range strings.Lines(s.String()) {
		if strings.Contains(l, sub) {
			out = append(out, strings.TrimRight(l, "\n"))
		}
	}
	return out
}

// buildWalros builds ./cmd/walros into dir.
func buildWalros(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "walros")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/walros")
	cmd.Dir = ".." // the module root: go test runs in e2e/
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/walros: %v\n%s", err, out)
	}
	t.Logf("built walros in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

var welcomeRE = regexp.MustCompile(`Walros is running at (http://\S+)`)

// startServer runs `walros serve` on a free loopback port with a fresh data directory, waits until
// it answers, and signs in as the admin. The server is stopped when the test ends; its output is
// shown if the test failed, and kept in artifacts as server.log. env adds WALROS_* settings.
func startServer(t *testing.T, bin, artifacts string, env ...string) *server {
	t.Helper()
	data := t.TempDir()
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--plex-addr", "127.0.0.1:0", "--no-demo")
	// The developer's own WALROS_* settings (a config, API keys, ports) must not leak in.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WALROS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "WALROS_ADMIN_PASSWORD="+adminPassword)
	cmd.Env = append(cmd.Env, env...) // a test's own settings, such as a fake provider's URL
	logs := &syncBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start walros: %v", err)
	}
	exited := make(chan error, 1)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			logs.Write([]byte(sc.Text() + "\n"))
			if m := welcomeRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(logs, stdout)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		stopServer(t, cmd, exited)
		if artifacts != "" {
			if err := os.WriteFile(filepath.Join(artifacts, "server.log"), []byte(logs.String()), 0o644); err != nil {
				t.Log(err)
			}
		}
		if t.Failed() {
			t.Logf("walros output, without the successful requests (all of it is in %s):\n%s",
				filepath.Join(artifacts, "server.log"), tail(interesting(logs.String()), 64<<10))
		}
	})

	s := &server{log: logs}
	select {
	case s.base = <-addr:
	case err := <-exited:
		exited <- err // for stopServer
		t.Fatalf("walros exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("walros did not print its address within 30s")
	}
	var ready error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var resp *http.Response
		if resp, ready = http.Get(s.base + "/readyz"); ready == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
			ready = fmt.Errorf("GET /readyz: %s", resp.Status)
		}
	}
	if ready != nil {
		t.Fatalf("walros at %s is not ready: %v", s.base, ready)
	}
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	s.call(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "admin", "password": adminPassword}, http.StatusOK, &login)
	if login.AccessToken == "" {
		t.Fatal("login answered no accessToken")
	}
	s.token = login.AccessToken
	return s
}

// stopServer sends SIGTERM, and kills the server if it has not stopped after 10 s.
func stopServer(t *testing.T, cmd *exec.Cmd, exited chan error) {
	if cmd.Process == nil {
		return
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Logf("SIGTERM walros: %v", err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Logf("walros exited: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("walros did not stop within 10s of SIGTERM; killing it")
		cmd.Process.Kill()
		<-exited
	}
}

// call sends a JSON request with the admin's token and decodes the JSON answer into out (when
// not nil). Any status but want fails the test.
func (s *server) call(t *testing.T, method, path string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %s, want %d: %s", method, path, resp.Status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// get fetches a media URL (the token in its query) and returns the status and body. A 429 is
// retried after its Retry-After, for up to a minute: the encoder limit is backpressure, not a bug.
func (s *server) get(ctx context.Context, rawURL string) (int, []byte, error) {
	for deadline := time.Now().Add(time.Minute); ; {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return 0, nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, nil, err
		}
		if resp.StatusCode == http.StatusTooManyRequests && time.Now().Before(deadline) {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
			continue
		}
		return resp.StatusCode, b, nil
	}
}

// addLibrary creates a movie library over dir, scans it and waits for the scan to end.
func (s *server) addLibrary(t *testing.T, dir string) {
	t.Helper()
	s.addLibraryOf(t, "Movies", "movies", dir)
}

// addLibraryOf makes a library of typ over dir and waits for its scan to end without failures.
func (s *server) addLibraryOf(t *testing.T, name, typ, dir string) {
	t.Helper()
	var lib struct {
		ID string `json:"id"`
	}
	s.call(t, http.MethodPost, "/api/v1/libraries", map[string]any{"name": name, "type": typ, "paths": []string{dir}}, http.StatusCreated, &lib)
	s.call(t, http.MethodPost, "/api/v1/libraries/"+lib.ID+"/scan", nil, http.StatusAccepted, nil)
	var st struct {
		Running bool    `json:"running"`
		Found   int     `json:"found"`
		Probed  int     `json:"probed"`
		Failed  int     `json:"failed"`
		Error   *string `json:"error"`
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		s.call(t, http.MethodGet, "/api/v1/libraries/"+lib.ID+"/scan", nil, http.StatusOK, &st)
		if !st.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scan of %s still runs after 60s: %+v", dir, st)
		}
	}
	if st.Error != nil || st.Failed > 0 {
		t.Fatalf("scan of %s: %+v (error %v)", dir, st, st.Error)
	}
}

// item is what the tests read of GET /api/v1/items/{id}.
type item struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Files []struct {
		ID      string `json:"id"`
		Streams []struct {
			Index    int    `json:"index"`
			Type     string `json:"type"`
			Codec    string `json:"codec"`
			Language string `json:"language"`
			Width    int    `json:"width"`
			Height   int    `json:"height"`
			External string `json:"external"`
		} `json:"streams"`
	} `json:"files"`
}

// movie finds the movie titled title and returns its details.
func (s *server) movie(t *testing.T, title string) item {
	t.Helper()
	var list struct {
		Items []item `json:"items"`
	}
	s.call(t, http.MethodGet, "/api/v1/items?type=movie", nil, http.StatusOK, &list)
	for _, it := range list.Items {
		if it.Title == title {
			var full item
			s.call(t, http.MethodGet, "/api/v1/items/"+it.ID, nil, http.StatusOK, &full)
			return full
		}
	}
	t.Fatalf("no movie titled %q after the scan; the library holds %+v", title, list.Items)
	return item{}
}

// mediaURL is path with the token in the query, as a browser player needs it.
func (s *server) mediaURL(path string) string {
	return path + "?token=" + url.QueryEscape(s.token)
}

var okRequest = regexp.MustCompile(`"msg":"http request".*"status":[123]\d\d,`)

// interesting drops the log lines of requests that succeeded.
func interesting(log string) string {
	var b strings.Builder
	for l := range strings.Lines(log) {
		if !okRequest.MatchString(l) {
			b.WriteString(l)
		}
	}
	return b.String()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
