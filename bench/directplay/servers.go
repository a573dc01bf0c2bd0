package main

import (
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
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchserver"
)

// server is one process serving the test file at url.
type server struct {
	name string
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// start runs cmd with its output in logPath. The child gets SIGTERM if this process dies first.
func start(name string, cmd *exec.Cmd, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	return s, nil
}

// stop asks the server to shut down, and kills it after five seconds.
func (s *server) stop() {
	if s == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// cpu returns the CPU time used so far by the server and its children (nginx's workers).
func (s *server) cpu() time.Duration {
	return benchserver.ProcCPU(s.cmd.Process.Pid)
}

// waitHTTP polls url until it answers 200, the server exits or the timeout passes.
func waitHTTP(ctx context.Context, s *server, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited: %v", s.name, s.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready at %s after %s (last error: %v)", s.name, url, timeout, err)
		}
	}
}

// startWalros builds nothing: bin is already built. It adds a movie library on root, scans it,
// serves it on loopback and returns the stream URL of its one movie, with an access token.
func startWalros(ctx context.Context, bin, dir, root string) (*server, error) {
	data := filepath.Join(dir, "data")
	const password = "bench-directplay-password"
	env := append(os.Environ(), "WALROS_ADMIN_PASSWORD="+password, "WALROS_AUTH_ACCESS_TTL=24h", "WALROS_LOG_FORMAT=json")
	walros := func(args ...string) error {
		cmd := exec.CommandContext(ctx, bin, append(args, "--data", data)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("walros %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := walros("library", "add", "Bench", "--type", "movies", root); err != nil {
		return nil, err
	}
	if err := walros("scan"); err != nil {
		return nil, err
	}
	addr, err := benchserver.FreePort()
	if err != nil {
		return nil, err
	}
	plex, err := benchserver.FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--data", data, "--no-demo", "--addr", addr, "--plex-addr", plex)
	cmd.Env = env
	s, err := start("walros", cmd, filepath.Join(dir, "walros.log"))
	if err != nil {
		return nil, err
	}
	base := "http://" + addr
	if err := waitHTTP(ctx, s, base+"/readyz", 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": password, "client": "bench/directplay"})
	if err := apiJSON(base+"/api/v1/auth/login", "", body, &login); err != nil {
		s.stop()
		return nil, err
	}
	var items struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := apiJSON(base+"/api/v1/items?type=movie", login.AccessToken, nil, &items); err != nil {
		s.stop()
		return nil, err
	}
	if len(items.Items) != 1 {
		s.stop()
		return nil, fmt.Errorf("walros lists %d movies, want 1 (see %s)", len(items.Items), filepath.Join(dir, "walros.log"))
	}
	s.url = base + "/api/v1/items/" + url.PathEscape(items.Items[0].ID) + "/stream?token=" + url.QueryEscape(login.AccessToken)
	return s, nil
}

// apiJSON POSTs body (or GETs when it is nil) and decodes the JSON answer into out.
func apiJSON(u, token string, body []byte, out any) error {
	method, r := http.MethodGet, io.Reader(nil)
	if body != nil {
		method, r = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, b)
	}
	return json.Unmarshal(b, out)
}

// startNginx serves root with sendfile from a config written into dir, as the current user.
func startNginx(ctx context.Context, dir, root, file string) (*server, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		return nil, errors.New("nginx is not installed: run apt-get install -y nginx-light (or nginx)")
	}
	version, _ := exec.Command(bin, "-V").CombinedOutput()
	addr, err := benchserver.FreePort()
	if err != nil {
		return nil, err
	}
	prefix := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(filepath.Join(prefix, "tmp"), 0o755); err != nil {
		return nil, err
	}
	var conf strings.Builder
	if os.Geteuid() == 0 {
		conf.WriteString("user root;\n") // else root's workers would run as nobody
	}
	fmt.Fprintf(&conf, "worker_processes 2;\npid %s;\nerror_log %s warn;\nevents { worker_connections 1024; }\nhttp {\n",
		filepath.Join(prefix, "nginx.pid"), filepath.Join(prefix, "error.log"))
	conf.WriteString("    access_log off;\n    sendfile on;\n    tcp_nopush on;\n    keepalive_timeout 65;\n")
	conf.WriteString("    types { video/x-matroska mkv; }\n    default_type application/octet-stream;\n")
	// Temporary folders in the prefix: the compiled-in ones under /var/lib/nginx need root.
	fmt.Fprintf(&conf, "    client_body_temp_path %s;\n", filepath.Join(prefix, "tmp", "body"))
	for _, m := range []string{"proxy", "fastcgi", "uwsgi", "scgi"} {
		if !bytes.Contains(version, []byte("--without-http_"+m+"_module")) {
			fmt.Fprintf(&conf, "    %s_temp_path %s;\n", m, filepath.Join(prefix, "tmp", m))
		}
	}
	fmt.Fprintf(&conf, "    server {\n        listen %s;\n        root %s;\n    }\n}\n", addr, root)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"), "-g", "daemon off;")
	s, err := start("nginx", cmd, filepath.Join(prefix, "stdout.log"))
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, file)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.url = "http://" + addr + (&url.URL{Path: "/" + filepath.ToSlash(rel)}).EscapedPath()
	if err := waitHTTP(ctx, s, s.url, 10*time.Second); err != nil { // a GET of the whole file: it also warms
		s.stop()
		return nil, fmt.Errorf("%w (see %s)", err, filepath.Join(prefix, "error.log"))
	}
	return s, nil
}
