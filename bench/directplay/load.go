package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// scenario is one load shape; the same client code runs it against every server.
type scenario struct {
	name     string
	conns    int   // connections, each running requests one after another
	rangeLen int64 // 0: whole-file GETs; else random ranges of this length
}

// result is what one run of a scenario against one server measured.
type result struct {
	bytes   int64           // body bytes received, partial ones included
	reqs    int             // requests completed and checked
	elapsed time.Duration   // wall time of the run
	cpu     time.Duration   // CPU time the server used meanwhile
	client  time.Duration   // CPU time this process (the client) used meanwhile
	lat     []time.Duration // per completed request, sorted
}

func (r result) mbps() float64     { return float64(r.bytes) / 1e6 / r.elapsed.Seconds() }
func (r result) rps() float64      { return float64(r.reqs) / r.elapsed.Seconds() }
func (r result) cpuPerGB() float64 { return r.cpu.Seconds() / (float64(r.bytes) / 1e9) }

func (r result) clientPerGB() float64 { return r.client.Seconds() / (float64(r.bytes) / 1e9) }

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r result) quantile(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(q*float64(len(r.lat))))]
}

// run drives sc against srv for d. Requests still running at the deadline are cut off: their bytes
// count towards throughput, they do not count as requests.
func run(ctx context.Context, srv *server, size int64, sc scenario, d time.Duration) (result, error) {
	tr := &http.Transport{MaxConnsPerHost: sc.conns, MaxIdleConnsPerHost: sc.conns, DisableCompression: true,
		ReadBufferSize: 64 << 10}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu   sync.Mutex
		res  result
		errs []error
		wg   sync.WaitGroup
	)
	cpu0, self0 := srv.cpu(), selfCPU()
	start := time.Now()
	for range sc.conns {
		wg.Go(func() {
			buf := make([]byte, 1<<20)
			var local result
			for ctx.Err() == nil {
				t0 := time.Now()
				n, err := fetch(ctx, client, srv.url, size, sc.rangeLen, buf)
				local.bytes += n
				if err != nil {
					if ctx.Err() == nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						cancel()
					}
					break
				}
				local.reqs++
				local.lat = append(local.lat, time.Since(t0))
			}
			mu.Lock()
			res.bytes += local.bytes
			res.reqs += local.reqs
			res.lat = append(res.lat, local.lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpu, res.client = srv.cpu()-cpu0, selfCPU()-self0
	slices.Sort(res.lat)
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("%s, %s: %w", srv.name, sc.name, err)
	}
	return res, nil
}

// fetch GETs the whole file, or a random range of rangeLen bytes, and checks status and length.
// It returns the body bytes read, even on error.
func fetch(ctx context.Context, client *http.Client, url string, size, rangeLen int64, buf []byte) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	want, status := size, http.StatusOK
	if rangeLen > 0 {
		off := rand.Int64N(size - rangeLen + 1)
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+rangeLen-1, 10))
		want, status = rangeLen, http.StatusPartialContent
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != status || resp.ContentLength != want {
		return 0, fmt.Errorf("GET %s: %s, Content-Length %d; want %d, %d", req.Header.Get("Range"), resp.Status,
			resp.ContentLength, status, want)
	}
	// io.Copy into io.Discard would read 8 KiB at a time; one 1 MiB buffer costs the client less CPU,
	// which matters when client and server share two cores.
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{resp.Body}, buf)
	if err == nil && n != want {
		err = fmt.Errorf("GET %s: read %d bytes, want %d", req.Header.Get("Range"), n, want)
	}
	return n, err
}
