// Command directplay measures Walros's direct play (GET /api/v1/items/{id}/stream) against nginx
// serving the same file with sendfile, both on loopback, with the same Go client, in one run; it
// prints each scenario's figures and the ratio walros/nginx (target: at least 0.9).
//
//	go run ./bench/directplay -size 1GiB -d 10s -rounds 3
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchserver"
)

type options struct {
	size         int64
	d            time.Duration
	rounds       int
	best         bool
	cache        string
	keep, strace bool
	perf         string
}

func main() {
	var o options
	size := flag.String("size", "1GiB", "size of the test file: bytes, or a number of KiB, MiB or GiB")
	flag.DurationVar(&o.d, "d", 10*time.Second, "duration of each measurement")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; each measures every scenario on both servers, alternating which goes first")
	stat := flag.String("stat", "median", "figure reported over the rounds: median or best")
	flag.StringVar(&o.cache, "cache", filepath.Join(os.TempDir(), "walros-bench-directplay"), "folder where the test file is kept between runs")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directory, logs and nginx config")
	flag.BoolVar(&o.strace, "strace", true, "check with strace, when installed, which system calls send Walros's bodies")
	flag.StringVar(&o.perf, "perf", "", "after the rounds, record walros with perf into this file during one more range run")
	flag.Parse()
	var err error
	if o.size, err = parseSize(*size); err != nil {
		log.Fatal(err)
	}
	if *stat != "median" && *stat != "best" {
		log.Fatalf("-stat %q: want median or best", *stat)
	}
	o.best = *stat == "best"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = benchmark(ctx, o) // returns, running its deferred clean-ups, when ctx ends
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

func benchmark(ctx context.Context, o options) error {
	root, file, err := ensureMedia(ctx, o.cache, o.size)
	if err != nil {
		return err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	size := fi.Size()
	if err := warmPageCache(file); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "walros-bench-directplay-run-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	fmt.Println("building walros")
	bin, err := benchserver.Build(ctx, dir)
	if err != nil {
		return err
	}
	walros, err := startWalros(ctx, bin, dir, root)
	if err != nil {
		return err
	}
	defer walros.stop()
	if _, err := exec.LookPath("nginx"); err != nil {
		return fmt.Errorf("nginx is not installed; install it with: apt-get install -y nginx-light")
	}
	nginx, err := startNginx(ctx, dir, root, file)
	if err != nil {
		return err
	}
	defer nginx.stop()
	nv, _ := exec.Command("nginx", "-v").CombinedOutput()
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Printf("file: %s (%d MiB)\nCPUs: %d, %s, %s, kernel %s\n", file, size>>20, runtime.NumCPU(), runtime.Version(),
		strings.TrimSpace(string(nv)), strings.TrimSpace(string(kernel)))

	scenarios := []scenario{
		{name: "1 connection, whole-file GETs", conns: 1},
		{name: "8 connections, whole-file GETs", conns: 8},
		{name: "32 connections, random 1 MiB ranges", conns: 32, rangeLen: 1 << 20},
	}
	servers := []*server{nginx, walros}
	for _, s := range servers { // warm-up, not counted: connections, page cache, Walros's SQLite cache
		if _, err := run(ctx, s, size, scenarios[2], 2*time.Second); err != nil {
			return err
		}
	}
	results := map[string][]result{} // scenario name + server name -> one per round
	for round := range o.rounds {
		for _, sc := range scenarios {
			order := servers
			if round%2 == 1 {
				order = []*server{walros, nginx}
			}
			for _, s := range order {
				r, err := run(ctx, s, size, sc, o.d)
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				results[sc.name+s.name] = append(results[sc.name+s.name], r)
				fmt.Printf("round %d  %-6s %-36s %8.1f MB/s %8.1f req/s  p50 %6.2f ms  p99 %6.2f ms  CPU s/GB: server %.2f, client %.2f\n",
					round+1, s.name, sc.name, r.mbps(), r.rps(), ms(r.quantile(.5)), ms(r.quantile(.99)), r.cpuPerGB(), r.clientPerGB())
				time.Sleep(500 * time.Millisecond) // let sockets in TIME_WAIT and stray work settle
			}
		}
	}
	printTable(o, scenarios, results)
	if o.perf != "" {
		if err := profile(ctx, walros, size, scenarios[2], o.d, o.perf, dir); err != nil {
			return err
		}
	}
	if o.strace {
		reportStrace(ctx, walros, size, dir)
	}
	return nil
}

// printTable prints the markdown table for bench/README.md: each figure is the median (or best) of
// the rounds.
func printTable(o options, scenarios []scenario, results map[string][]result) {
	stat := "median"
	if o.best {
		stat = "best"
	}
	fmt.Printf("\n%s of %d rounds of %s each:\n\n", stat, o.rounds, o.d)
	fmt.Println("| scenario | nginx | walros | walros/nginx | ≥ 0.9× |")
	fmt.Println("|---|---|---|---|---|")
	row := func(label, unit string, higherBetter bool, metric func(result) float64, sc scenario) {
		n := pick(results[sc.name+"nginx"], metric, higherBetter, o.best)
		w := pick(results[sc.name+"walros"], metric, higherBetter, o.best)
		ratio, speed := w/n, w/n // speed: how fast walros is next to nginx, for latencies too
		if !higherBetter {
			speed = n / w
		}
		ok := "yes"
		if speed < 0.9 {
			ok = "**no**"
		}
		fmt.Printf("| %s | %.1f %s | %.1f %s | %.2f | %s |\n", label, n, unit, w, unit, ratio, ok)
	}
	for _, sc := range scenarios {
		if sc.rangeLen == 0 {
			row(sc.name, "MB/s", true, result.mbps, sc)
			continue
		}
		row(sc.name, "req/s", true, result.rps, sc)
		row(sc.name+", p50 latency", "ms", false, func(r result) float64 { return ms(r.quantile(.5)) }, sc)
		row(sc.name+", p99 latency", "ms", false, func(r result) float64 { return ms(r.quantile(.99)) }, sc)
	}
	fmt.Println("\nServer CPU time per GB sent (all of nginx's processes; walros):")
	for _, sc := range scenarios {
		n := pick(results[sc.name+"nginx"], result.cpuPerGB, false, false)
		w := pick(results[sc.name+"walros"], result.cpuPerGB, false, false)
		fmt.Printf("  %-36s nginx %.3f s/GB, walros %.3f s/GB\n", sc.name, n, w)
	}
	fmt.Println("(for latencies the ratio is walros/nginx as well, and the check is nginx/walros ≥ 0.9)")
}

// pick returns the median of rs's metric, or the best when best is set.
func pick(rs []result, metric func(result) float64, higherBetter, best bool) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = metric(r)
	}
	slices.Sort(v)
	switch {
	case len(v) == 0:
		return 0
	case best && higherBetter:
		return v[len(v)-1]
	case best:
		return v[0]
	case len(v)%2 == 0:
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	default:
		return v[len(v)/2]
	}
}

func reportStrace(ctx context.Context, walros *server, size int64, dir string) {
	sums, err := traceSends(ctx, walros, size, 1<<20, dir)
	if err != nil {
		fmt.Println("\nstrace check skipped:", err)
		return
	}
	want := size + 20<<20
	fmt.Printf("\nstrace on walros, one whole-file GET and 20 1 MiB ranges (%d body bytes):\n", want)
	for _, name := range []string{"sendfile", "write", "writev", "sendto", "sendmsg", "splice", "copy_file_range"} {
		if s, ok := sums[name]; ok {
			fmt.Printf("  %-15s %6d calls %12d bytes (%.1f%% of the body bytes)\n", name, s[0], s[1], 100*float64(s[1])/float64(want))
		}
	}
}

func warmPageCache(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
