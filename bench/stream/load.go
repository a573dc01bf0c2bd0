package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchserver"
)

// loadResult is what every client of one load run saw.
type loadResult struct {
	lat      []time.Duration // sorted
	errs     int
	firstErr string
	bytes    int64
	d        time.Duration
}

func (r loadResult) q(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
}

// load runs clients concurrent clients for d, each with its own connection, each fetching a random
// URL of urls and checking its status and length. With interval > 0 a client waits a random time
// (uniform, mean interval) between requests, as a player filling its buffer does; with 0 it
// fetches back to back.
func load(ctx context.Context, urls []string, sizes []int64, clients int, d, interval time.Duration, seed uint64) loadResult {
	var mu sync.Mutex
	var res loadResult
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
		wg.Go(func() {
			defer hc.CloseIdleConnections()
			var lat []time.Duration
			var errs int
			var firstErr string
			var n int64
			pause := func(mean time.Duration) bool {
				if mean <= 0 {
					return ctx.Err() == nil
				}
				t := time.Duration(rng.Int64N(int64(2 * mean)))
				select {
				case <-ctx.Done():
					return false
				case <-time.After(t):
					return true
				}
			}
			if !pause(interval / 2) {
				return
			}
			for time.Now().Before(stop) {
				i := rng.IntN(len(urls))
				start := time.Now()
				resp, err := hc.Get(urls[i])
				var got int64
				if err == nil {
					got, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != http.StatusOK || got != sizes[i]) {
						err = fmt.Errorf("%s, %d bytes, want 200 and %d", resp.Status, got, sizes[i])
					}
				}
				lat = append(lat, time.Since(start))
				n += got
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				}
				if !pause(interval) {
					break
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errs += errs
			res.bytes += n
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	start := time.Now()
	wg.Wait()
	res.d = time.Since(start)
	slices.Sort(res.lat)
	return res
}

// nginx serves a folder of segment files, as the reference for cached segments.
type nginx struct {
	base string
	cmd  *exec.Cmd
	done chan struct{}
}

func startNginx(ctx context.Context, dir, root string) (*nginx, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		return nil, err
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
		conf.WriteString("user root;\n")
	}
	fmt.Fprintf(&conf, "worker_processes 2;\npid %s;\nerror_log %s warn;\nevents { worker_connections 4096; }\nhttp {\n",
		filepath.Join(prefix, "nginx.pid"), filepath.Join(prefix, "error.log"))
	conf.WriteString("    access_log off;\n    sendfile on;\n    tcp_nopush on;\n    keepalive_timeout 65;\n    keepalive_requests 100000;\n")
	conf.WriteString("    types { video/mp4 mp4 m4s; }\n    default_type application/octet-stream;\n")
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
	n := &nginx{base: "http://" + addr, done: make(chan struct{})}
	n.cmd = exec.Command(bin, "-p", prefix, "-c", confPath, "-e", filepath.Join(prefix, "error.log"), "-g", "daemon off;")
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { n.cmd.Wait(); close(n.done) }()
	for range 100 {
		resp, err := http.Get(n.base + "/init.mp4")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n, nil
			}
		}
		select {
		case <-n.done:
			return nil, fmt.Errorf("nginx exited: %v (see %s)", n.cmd.ProcessState, filepath.Join(prefix, "error.log"))
		case <-ctx.Done():
			n.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	n.stop()
	return nil, fmt.Errorf("nginx not ready (see %s)", filepath.Join(prefix, "error.log"))
}

func (n *nginx) stop() {
	if n == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(5 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
}
