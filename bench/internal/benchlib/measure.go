package benchlib

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Latencies is a sorted set of measured durations.
type Latencies []time.Duration

// Sorted returns a sorted copy of d.
func Sorted(d []time.Duration) Latencies {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}

// Q returns the q-quantile (nearest rank).
func (l Latencies) Q(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

// Ms writes d in milliseconds with two decimals.
func Ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// Starts draws n random page starts in [0, Movies-100], the same for every side.
func Starts(seed uint64, n int) []int {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(Movies - 100 + 1)
	}
	return out
}

// SelfCPU is the CPU time this process has used.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// LoadResult is what a throughput run measured.
type LoadResult struct {
	Reqs     int
	Errs     int
	FirstErr string
	Elapsed  time.Duration
	Server   time.Duration // the server's CPU time meanwhile
	Client   time.Duration // this process's CPU time meanwhile
	Lat      Latencies
}

// RPS is the rate of successful requests.
func (r LoadResult) RPS() float64 { return float64(r.Reqs) / r.Elapsed.Seconds() }

// PerRequest is the server's and this process's CPU time per successful request.
func (r LoadResult) PerRequest() (server, client time.Duration) {
	n := time.Duration(max(r.Reqs, 1))
	return r.Server / n, r.Client / n
}

// Load runs conns clients for d, each calling do back to back with its own random source
// (seeded from seed and the client's number) and the number of requests it has made so far. A
// call cut off by the deadline is not counted; the first error of the first client to fail is kept.
func Load(ctx context.Context, conns int, d time.Duration, seed uint64, serverCPU func() time.Duration,
	do func(ctx context.Context, rng *rand.Rand, i int) error) LoadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var r LoadResult
	var wg sync.WaitGroup
	cpu0, self0, t0 := serverCPU(), SelfCPU(), time.Now()
	for i := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(100+i)))
			var lat []time.Duration
			var reqs, errs int
			var first string
			for ctx.Err() == nil {
				t := time.Now()
				err := do(ctx, rng, reqs)
				el := time.Since(t)
				if ctx.Err() != nil {
					break // cut off by the deadline: not counted
				}
				if err == nil {
					reqs++
					lat = append(lat, el)
					continue
				}
				errs++
				if first == "" {
					first = err.Error()
				}
			}
			mu.Lock()
			r.Reqs, r.Errs, r.Lat = r.Reqs+reqs, r.Errs+errs, append(r.Lat, lat...)
			if r.FirstErr == "" {
				r.FirstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r.Elapsed, r.Server, r.Client = time.Since(t0), serverCPU()-cpu0, SelfCPU()-self0
	r.Lat = Sorted(r.Lat)
	return r
}

// EarlyLabel names the row of first views taken right after the warm-ups: with list walks
// (walk), pages asked for while the walk that what's first pages started is under way; without,
// cold pages.
func EarlyLabel(walk bool, what string) string {
	if walk {
		return "  〃 right after the " + what + "'s first pages (a walk under way), p50 / p99"
	}
	return "  〃 right after the warm-ups (no walk: cold), p50 / p99"
}
