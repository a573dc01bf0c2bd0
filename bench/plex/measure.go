package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
)

// format names a format in the output.
func format(asJSON bool) string {
	if asJSON {
		return "JSON"
	}
	return "XML"
}

// fetch GETs the page at start in one format and checks it whole; it returns the time until the
// body was read, the body and the page's ratingKeys.
func (c *client) fetch(ctx context.Context, section string, start int, asJSON bool) (time.Duration, []byte, []int64, error) {
	t := time.Now()
	status, h, b, err := c.page(ctx, section, start, asJSON)
	d := time.Since(t)
	if err != nil {
		return 0, nil, nil, err
	}
	keys, err := checkPage(status, h, b, start, asJSON)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("GET %s (%s, X-Plex-Container-Start %d): %w", pagePath(section), format(asJSON), start, err)
	}
	return d, b, keys, nil
}

// sequential GETs the page at each start in one format, one after another; it returns the times
// and the last body.
func sequential(ctx context.Context, c *client, section string, at []int, asJSON bool) (benchlib.Latencies, []byte, error) {
	out := make([]time.Duration, 0, len(at))
	var last []byte
	for _, n := range at {
		d, b, _, err := c.fetch(ctx, section, n, asJSON)
		if err != nil {
			return nil, nil, err
		}
		out, last = append(out, d), b
	}
	return benchlib.Sorted(out), last, nil
}

// byTurns GETs jsonAt[i] as JSON, then xmlAt[i] as XML, and so on, one request after another:
// each format sees its own pages for the first time while the server's caches warm at the same
// pace for both.
func byTurns(ctx context.Context, c *client, section string, jsonAt, xmlAt []int) (js, xs benchlib.Latencies, jb, xb []byte, err error) {
	var jd, xd []time.Duration
	for i := range jsonAt {
		d, b, _, err := c.fetch(ctx, section, jsonAt[i], true)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		jd, jb = append(jd, d), b
		if d, b, _, err = c.fetch(ctx, section, xmlAt[i], false); err != nil {
			return nil, nil, nil, nil, err
		}
		xd, xb = append(xd, d), b
	}
	return benchlib.Sorted(jd), benchlib.Sorted(xd), jb, xb, nil
}

// sameAsSQL checks that the page at each start holds, in both formats, the movies SQL gives for
// that window, in its order.
func sameAsSQL(ctx context.Context, c *client, ref *benchlib.SQLRef, section string, starts ...int) error {
	for _, n := range starts {
		want, err := ref.Keys(ctx, n)
		if err != nil {
			return err
		}
		for _, asJSON := range []bool{true, false} {
			_, _, got, err := c.fetch(ctx, section, n, asJSON)
			if err != nil {
				return err
			}
			for i := range want {
				if i >= len(got) || got[i] != want[i] {
					return fmt.Errorf("%s page at %d: ratingKeys %v, SQL gives %v", format(asJSON), n, got[:min(len(got), 5)], want[:min(len(want), 5)])
				}
			}
		}
	}
	return nil
}

// throughput runs conns clients, each GETting random pages back to back in one format for d.
// Every answer must be 200 with the total; one in 50 is read whole (parsing every page would take
// the client more CPU than the server, on the same two cores).
func throughput(ctx context.Context, c *client, section string, asJSON bool, conns int, d time.Duration, seed uint64,
	serverCPU func() time.Duration) benchlib.LoadResult {
	total := totalMarker(asJSON)
	return benchlib.Load(ctx, conns, d, seed, serverCPU, func(ctx context.Context, rng *rand.Rand, i int) error {
		n := rng.IntN(benchlib.Movies - 100 + 1)
		status, h, b, err := c.page(ctx, section, n, asJSON)
		switch {
		case err != nil || status != http.StatusOK:
			return fmt.Errorf("status %d, err %v, %.200s", status, err, b)
		case i%50 == 0 || !bytes.Contains(b, total):
			_, err := checkPage(status, h, b, n, asJSON)
			return err
		}
		return nil
	})
}
