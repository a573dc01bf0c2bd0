// Package benchserver builds Walros and runs `walros serve` for the benchmarks: on a free loopback
// port, logging to a file, stopped with the benchmark (the child gets SIGTERM if the benchmark dies
// first).
package benchserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles ./cmd/walros (the benchmark runs from the repository's root) into dir and returns
// the binary's path.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "walros")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/walros").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// Options says how to run `walros serve`.
type Options struct {
	Bin     string
	Data    string   // the data directory
	LogPath string   // where its output goes
	Env     []string // added to this process's environment (WALROS_ADMIN_PASSWORD=..., ...)
	Args    []string // added after serve --data D --addr 127.0.0.1:0 --plex-addr P --no-demo
	// PlexAddr is where the Plex facade listens; "" picks a free loopback port (its default, :32400,
	// may be taken, by Plex or by another benchmark's server).
	PlexAddr string
	Ready    time.Duration
}

// Server is one running `walros serve`.
type Server struct {
	Base     string // http://127.0.0.1:PORT
	PlexBase string // the Plex facade's, http://127.0.0.1:PORT
	LogPath  string
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
}

// welcome is the line `walros serve` prints once it listens.
var welcome = regexp.MustCompile(`Walros is running at (http://\S+)`)

// Start runs `walros serve` on port 0, reads the address from what it prints, and waits until
// /readyz answers 200 (o.Ready, 60 s by default). The Plex facade listens once serve has printed
// its address.
func Start(ctx context.Context, o Options) (*Server, error) {
	logf, err := os.OpenFile(o.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	plex := o.PlexAddr
	if plex == "" {
		if plex, err = FreePort(); err != nil {
			logf.Close()
			return nil, err
		}
	}
	args := append([]string{"serve", "--data", o.Data, "--addr", "127.0.0.1:0", "--plex-addr", plex, "--no-demo"}, o.Args...)
	cmd := exec.Command(o.Bin, args...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start walros: %w", err)
	}
	s := &Server{PlexBase: "http://" + plex, LogPath: o.LogPath, cmd: cmd, done: make(chan struct{})}
	base := make(chan string, 1)
	copied := make(chan struct{})
	go func() { // the welcome text goes to the log too
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			if m := welcome.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case base <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		<-copied // Wait closes the pipe: read it all first
		cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	timeout := o.Ready
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	select {
	case s.Base = <-base:
	case <-s.done:
		return nil, fmt.Errorf("walros exited: %v (log: %s)", cmd.ProcessState, o.LogPath)
	case <-ctx.Done():
		s.Stop()
		return nil, ctx.Err()
	case <-time.After(timeout):
		s.Stop()
		return nil, fmt.Errorf("walros printed no address after %s (log: %s)", timeout, o.LogPath)
	}
	if err := s.WaitHTTP(ctx, s.Base+"/readyz", timeout); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w (log: %s)", err, o.LogPath)
	}
	return s, nil
}

// WaitHTTP polls url until it answers 200, the server exits or the timeout passes.
func (s *Server) WaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
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
			return fmt.Errorf("walros exited: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s (last error: %v)", url, timeout, err)
		}
	}
}

// Stop asks walros to shut down, and kills it after ten seconds.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

// Pid is the process id of walros.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// CPU returns the CPU time walros (and any child it runs) has used so far.
func (s *Server) CPU() time.Duration { return ProcCPU(s.cmd.Process.Pid) }

// WaitIdle waits until walros uses less than a tenth of a core over half a second (its start-up
// scan and keyframe pass are done), for at most timeout.
func (s *Server) WaitIdle(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		before := s.CPU()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return fmt.Errorf("walros exited: %v", s.cmd.ProcessState)
		case <-time.After(500 * time.Millisecond):
		}
		if s.CPU()-before < 50*time.Millisecond {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("walros still busy after %s", timeout)
		}
	}
}

// ProcCPU returns the CPU time used so far by process pid and its children.
func ProcCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	_, rest, _ := bytes.Cut(b, []byte(") ")) // the command name may hold spaces
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	total := time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, c := range strings.Fields(string(children)) {
		if n, err := strconv.Atoi(c); err == nil {
			total += ProcCPU(n)
		}
	}
	return total
}

// FreePort returns a loopback address nobody listens on right now.
func FreePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
