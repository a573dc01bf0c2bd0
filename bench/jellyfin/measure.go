package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
)

// sequential GETs the movie page at each start, one after another, checking every answer; it
// returns the time of each request (until its body is read) and the last body.
func sequential(ctx context.Context, c *client, at []int, fields bool) (benchlib.Latencies, []byte, error) {
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
	return benchlib.Sorted(out), last, nil
}

// throughput runs conns clients, each GETting random movie pages back to back, for d. Every answer
// must be 200 with the total count; one in 50 is checked whole (decoding every page would take the
// client more CPU than the server, on the same two cores).
func throughput(ctx context.Context, c *client, conns int, d time.Duration, seed uint64, serverCPU func() time.Duration) benchlib.LoadResult {
	total := []byte(`"TotalRecordCount":` + strconv.Itoa(benchlib.Movies))
	return benchlib.Load(ctx, conns, d, seed, serverCPU, func(ctx context.Context, rng *rand.Rand, i int) error {
		n := rng.IntN(benchlib.Movies - 100 + 1)
		status, buf, err := c.getPooled(ctx, c.pagePath(n, true))
		if buf != nil {
			defer bodies.Put(buf)
		}
		var b []byte
		if buf != nil {
			b = buf.Bytes()
		}
		switch {
		case err != nil || status != http.StatusOK:
			return fmt.Errorf("status %d, err %v, %.200s", status, err, b)
		case i%50 == 0 || !bytes.Contains(b, total):
			return checkPage(status, b, n)
		}
		return nil
	})
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
