package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// latencies is a sorted set of measured durations.
type latencies []time.Duration

func sorted(d []time.Duration) latencies {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}

// q returns the q-quantile (nearest rank).
func (l latencies) q(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// starts draws n random page starts in [0, movies-100], the same for every side.
func starts(seed uint64, n int) []int {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(movies - 100 + 1)
	}
	return out
}

// sequential GETs the movie page at each start, one after another, checking every answer; it
// returns the time of each request (until its body is read) and the last body.
func sequential(ctx context.Context, c *client, at []int, fields bool) (latencies, []byte, error) {
	out := make([]time.Duration, 0, len(at))
	var last []byte
	for _, n := range at {
		path := c.pagePath(n, fields)
		t := time.Now()
		status, b, err := c.get(ctx, path)
		d := time.Since(t)
		if err != nil {
			return nil, nil, err
		}
		if err := checkPage(status, b, n); err != nil {
			return nil, nil, fmt.Errorf("GET %s: %w", path, err)
		}
		out, last = append(out, d), b
	}
	return sorted(out), last, nil
}

// loadResult is what a throughput run measured.
type loadResult struct {
	reqs    int
	errs    int
	firstEr string
	elapsed time.Duration
	server  time.Duration // walros's CPU time meanwhile
	client  time.Duration // this process's CPU time meanwhile
	lat     latencies
}

func (r loadResult) rps() float64 { return float64(r.reqs) / r.elapsed.Seconds() }

// throughput runs conns clients, each GETting random movie pages back to back, for d. Every answer
// must be 200 with the total count; one in 50 is checked whole (decoding every page would take the
// client more CPU than the server, on the same two cores).
func throughput(ctx context.Context, c *client, conns int, d time.Duration, seed uint64, serverCPU func() time.Duration) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	total := []byte(`"TotalRecordCount":` + strconv.Itoa(movies))
	var mu sync.Mutex
	var r loadResult
	var wg sync.WaitGroup
	cpu0, self0, t0 := serverCPU(), selfCPU(), time.Now()
	for i := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(100+i)))
			var lat []time.Duration
			var reqs, errs int
			var first string
			for ctx.Err() == nil {
				n := rng.IntN(movies - 100 + 1)
				t := time.Now()
				status, b, err := c.get(ctx, c.pagePath(n, true))
				el := time.Since(t)
				if ctx.Err() != nil {
					break // cut off by the deadline: not counted
				}
				switch {
				case err == nil && status == http.StatusOK && bytes.Contains(b, total) && (reqs%50 != 0 || checkPage(status, b, n) == nil):
					reqs++
					lat = append(lat, el)
				default:
					errs++
					if first == "" {
						first = fmt.Sprintf("status %d, err %v, %.200s", status, err, b)
						if err == nil && status == http.StatusOK {
							first = checkPage(status, b, n).Error()
						}
					}
				}
			}
			mu.Lock()
			r.reqs, r.errs, r.lat = r.reqs+reqs, r.errs+errs, append(r.lat, lat...)
			if r.firstEr == "" {
				r.firstEr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r.elapsed, r.server, r.client = time.Since(t0), serverCPU()-cpu0, selfCPU()-self0
	r.lat = sorted(r.lat)
	return r
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// home is jellyfin-web's home screen (src/components/homesections): the user's views first, then,
// at once, resume (video and audio), next up and the latest items of each library.
type home struct {
	views string
	rest  []string // named by their path
}

func homeScreen(c *client, libs []string) home {
	u := url.QueryEscape(c.userID)
	images := "&imageTypeLimit=1&enableImageTypes=Primary,Backdrop,Thumb"
	h := home{views: "/UserViews?userId=" + u}
	for _, media := range []string{"Video", "Audio"} {
		h.rest = append(h.rest, "/UserItems/Resume?userId="+u+"&limit=12&fields=PrimaryImageAspectRatio"+images+
			"&enableTotalRecordCount=false&mediaTypes="+media)
	}
	cutoff := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")
	h.rest = append(h.rest, "/Shows/NextUp?userId="+u+"&limit=24&fields=PrimaryImageAspectRatio,DateCreated,Path,MediaSourceCount"+
		images+"&enableTotalRecordCount=false&nextUpDateCutoff="+cutoff+"&enableResumable=false&enableRewatching=false")
	for _, lib := range libs {
		h.rest = append(h.rest, "/Items/Latest?userId="+u+"&limit=16&fields=PrimaryImageAspectRatio,Path"+images+
			"&parentId="+url.QueryEscape(lib))
	}
	return h
}

// homeRound is one load of the home screen: its wall time, and each request's time by path.
type homeRound struct {
	wall  time.Duration
	views time.Duration
	each  map[string]time.Duration
}

// load fetches the home screen once, as the web client does, and checks every answer.
func (h home) load(ctx context.Context, c *client) (homeRound, error) {
	r := homeRound{each: map[string]time.Duration{}}
	t0 := time.Now()
	status, b, err := c.get(ctx, h.views)
	if err != nil || status != http.StatusOK {
		return r, fmt.Errorf("GET %s: %d %v %.200s", h.views, status, err, b)
	}
	r.views = time.Since(t0)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, p := range h.rest {
		wg.Go(func() {
			t := time.Now()
			status, b, err := c.get(ctx, p)
			d := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			r.each[p] = d
			if (err != nil || status != http.StatusOK) && firstErr == nil {
				firstErr = fmt.Errorf("GET %s: %d %v %.200s", p, status, err, b)
			}
		})
	}
	wg.Wait()
	r.wall = time.Since(t0)
	return r, firstErr
}
