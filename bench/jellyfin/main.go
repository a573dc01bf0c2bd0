// Command jellyfin measures Walros's Jellyfin facade on a generated library of 100,000 items
// (50,000 episodes in 2,000 series, 30,000 movies, 20,000 tracks), in one run:
//
//   - latency of the movie page jellyfin-web's library view asks for, `GET /Items?Recursive=true&
//     IncludeItemTypes=Movie&SortBy=SortName&StartIndex=N&Limit=100` with the total count and the
//     usual Fields, at random N, one request after another, against the same page read straight
//     from the SQLite file with the same driver (and through the store's own Items, to show where
//     the time goes);
//   - throughput of that page with concurrent clients;
//   - the home screen: views, then resume, next up and the latest items of each library at once.
//
// The library is generated once through the store (the scanner's ApplyFile, SetMetadata, the user
// data service) into $TMPDIR/walros-bench-jellyfin and reused; its folders do not exist, so the
// server finds the libraries offline and leaves their items alone.
//
//	go run ./bench/jellyfin -n 500 -c 8 -d 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
	"github.com/walros/walros/bench/internal/benchserver"
)

type options struct {
	n, warm, conns, rounds int
	d                      time.Duration
	cache                  string
	regen, keep, walk      bool
	seed                   uint64
	perf                   string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 500, "sequential page requests measured (after the warm-up), on each side")
	flag.IntVar(&o.warm, "warm", 50, "warm-up requests, not measured")
	flag.IntVar(&o.conns, "c", 8, "concurrent clients of the throughput run")
	flag.DurationVar(&o.d, "d", 10*time.Second, "duration of the throughput run")
	flag.IntVar(&o.rounds, "rounds", 100, "home screen loads measured")
	flag.StringVar(&o.cache, "cache", benchlib.DefaultCache, "where the generated library is kept between runs")
	flag.BoolVar(&o.regen, "regen", false, "generate the library again")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's folder (binary, server log)")
	flag.BoolVar(&o.walk, "walk", true, "let walros read a list's other pages ahead (warm_lists); false measures cold first views")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the random page starts")
	flag.StringVar(&o.perf, "perf", "", "record walros with perf into this file during one more throughput run, and into FILE.first during the first views")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := benchmark(ctx, o) // returns, running its deferred clean-ups, when ctx ends
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// row is one line of the result table.
type row struct{ measure, walros, ref, ratio, target, met string }

func benchmark(ctx context.Context, o options) error {
	data, m, err := benchlib.Ensure(ctx, o.cache, o.regen)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "walros-bench-jellyfin-run-")
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
	srv, err := benchserver.Start(ctx, benchserver.Options{Bin: bin, Data: data, LogPath: filepath.Join(dir, "walros.log"),
		Env: []string{"WALROS_ADMIN_PASSWORD=" + benchlib.AdminPassword, "WALROS_LOG_FORMAT=json", "WALROS_SCAN_WATCH=false",
			"WALROS_SCAN_INTERVAL=0", fmt.Sprintf("WALROS_WARM_LISTS=%t", o.walk)}})
	if err != nil {
		return err
	}
	defer srv.Stop()
	// The start-up scan finds the folders missing (the libraries go offline, nothing is removed)
	// and the keyframe pass skips files that are not there: wait until both are done.
	if err := srv.WaitIdle(ctx, 2*time.Minute); err != nil {
		return err
	}
	loadavg, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("library: %d items in %s (generated %s in %s)\nCPUs: %d, %s, load %s\n", m.Items, data,
		m.Generated.Format(time.DateOnly), m.Took, runtime.NumCPU(), runtime.Version(), strings.TrimSpace(string(loadavg)))

	c := newClient(srv.Base, o.conns)
	if err := c.login(ctx); err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}
	ref, err := benchlib.OpenSQLRef(data, benchlib.MoviesWhere)
	if err != nil {
		return err
	}
	defer ref.Close()
	st, err := openStoreRef(ctx, data)
	if err != nil {
		return err
	}
	defer st.Close()
	same, queries, err := st.checkSQL(ctx, 12345)
	if err != nil {
		return err
	}
	if !same {
		fmt.Printf("warning: the store no longer sends the reference's SQL; it sent:\n  %s\n", strings.Join(queries, "\n  "))
	}

	// (a) Latency, one request after another, and the same pages through SQL and the store.
	warm, at := benchlib.Starts(o.seed+1000, o.warm), benchlib.Starts(o.seed, o.n)
	if _, err := ref.Sequential(ctx, warm); err != nil {
		return err
	}
	if _, err := st.sequential(ctx, warm); err != nil {
		return err
	}
	if _, _, err := sequential(ctx, c, warm, true); err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}
	fmt.Printf("\n== the movie page, %d requests one after another (StartIndex random in [0, %d])\n", o.n, benchlib.Movies-100)
	stopPerf := func() {}
	if o.perf != "" {
		if stopPerf, err = record(srv.Pid(), o.perf+".first", dir); err != nil {
			return err
		}
	}
	cpu0 := srv.CPU()
	full, body, err := sequential(ctx, c, at, true)
	stopPerf()
	if err != nil {
		return err
	}
	perReq := (srv.CPU() - cpu0) / time.Duration(o.n)
	fmt.Printf("  walros, Fields=%s, right after the warm-ups: p50 %s, p90 %s, p99 %s, max %s; server CPU %s a request\n    (last page: %s)\n",
		pageFields, benchlib.Ms(full.Q(.5)), benchlib.Ms(full.Q(.9)), benchlib.Ms(full.Q(.99)), benchlib.Ms(full[len(full)-1]), benchlib.Ms(perReq), pageStats(body))
	// Pages no client has asked for yet, once the server is idle again: with -walk, walros has
	// read the rest of the list ahead since its first page (core/warm); without, they are cold.
	if err := srv.WaitIdle(ctx, time.Minute); err != nil {
		return err
	}
	cpu0 = srv.CPU()
	settled, _, err := sequential(ctx, c, benchlib.Starts(o.seed+3000, o.n), true)
	if err != nil {
		return err
	}
	settledCPU := (srv.CPU() - cpu0) / time.Duration(o.n)
	fmt.Printf("  the same, other pages never asked for, once walros is idle again (walk %t): p50 %s, p90 %s, p99 %s; server CPU %s a request\n",
		o.walk, benchlib.Ms(settled.Q(.5)), benchlib.Ms(settled.Q(.9)), benchlib.Ms(settled.Q(.99)), benchlib.Ms(settledCPU))
	// The same pages again: what a page costs once the server has served it (its rows, metadata
	// and cards are kept until a write or 5 minutes), as when a user scrolls back or returns.
	again, _, err := sequential(ctx, c, at, true)
	if err != nil {
		return err
	}
	fmt.Printf("  the same pages again: p50 %s, p90 %s, p99 %s\n", benchlib.Ms(again.Q(.5)), benchlib.Ms(again.Q(.9)), benchlib.Ms(again.Q(.99)))
	minimal, body, err := sequential(ctx, c, at, false)
	if err != nil {
		return err
	}
	fmt.Printf("  walros, no Fields, EnableImages=false, EnableUserData=false: p50 %s, p90 %s, p99 %s\n    (last page: %s)\n",
		benchlib.Ms(minimal.Q(.5)), benchlib.Ms(minimal.Q(.9)), benchlib.Ms(minimal.Q(.99)), pageStats(body))
	stLat, err := st.sequential(ctx, at)
	if err != nil {
		return err
	}
	fmt.Printf("  store.Items (bun: page and count, rows to core.Item; no core, facade or HTTP): p50 %s, p90 %s, p99 %s\n",
		benchlib.Ms(stLat.Q(.5)), benchlib.Ms(stLat.Q(.9)), benchlib.Ms(stLat.Q(.99)))
	sqlLat, err := ref.Sequential(ctx, at)
	if err != nil {
		return err
	}
	fmt.Printf("  SQL (database/sql, the store's query and count at once): p50 %s, p90 %s, p99 %s\n",
		benchlib.Ms(sqlLat.Q(.5)), benchlib.Ms(sqlLat.Q(.9)), benchlib.Ms(sqlLat.Q(.99)))

	// (b) Throughput.
	fmt.Printf("\n== the movie page, %d clients back to back for %s\n", o.conns, o.d)
	lr := throughput(ctx, c, o.conns, o.d, o.seed, srv.CPU)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	serverCPU, clientCPU := lr.PerRequest()
	fmt.Printf("  %d requests, %.0f req/s, %d errors; p50 %s, p99 %s under load; CPU a request: server %s, client %s\n",
		lr.Reqs, lr.RPS(), lr.Errs, benchlib.Ms(lr.Lat.Q(.5)), benchlib.Ms(lr.Lat.Q(.99)), benchlib.Ms(serverCPU), benchlib.Ms(clientCPU))
	if lr.Errs > 0 {
		fmt.Printf("  first error: %s\n", lr.FirstErr)
	}

	// (c) The home screen.
	var views struct {
		Items []struct {
			ID   string `json:"Id"`
			Name string
		}
	}
	if err := c.getJSON(ctx, "/UserViews?userId="+c.userID, &views); err != nil {
		return err
	}
	var libs []string
	names := map[string]string{}
	for _, v := range views.Items {
		libs, names[v.ID] = append(libs, v.ID), v.Name
	}
	h := homeScreen(c, libs)
	fmt.Printf("\n== home screen: views, then %d requests at once (%d libraries), %d rounds\n", len(h.rest), len(libs), o.rounds)
	if err := homeCheck(ctx, c, h); err != nil {
		return err
	}
	var walls, viewsLat []time.Duration
	each := map[string][]time.Duration{}
	for i := range o.rounds + 5 {
		r, err := h.load(ctx, c)
		if err != nil {
			return err
		}
		if i < 5 {
			continue // warm-up
		}
		walls, viewsLat = append(walls, r.wall), append(viewsLat, r.views)
		for p, d := range r.each {
			each[p] = append(each[p], d)
		}
	}
	wall := benchlib.Sorted(walls)
	fmt.Printf("  whole screen: p50 %s, p99 %s; views alone p50 %s\n", benchlib.Ms(wall.Q(.5)), benchlib.Ms(wall.Q(.99)), benchlib.Ms(benchlib.Sorted(viewsLat).Q(.5)))
	fmt.Println("  each request, within the screen (p50, p99) and alone, one after another (median of 5):")
	for _, p := range h.rest {
		var alone []time.Duration
		for range 5 {
			t := time.Now()
			if _, _, err := c.get(ctx, p); err != nil {
				return err
			}
			alone = append(alone, time.Since(t))
		}
		l := benchlib.Sorted(each[p])
		name, _, _ := strings.Cut(p, "?")
		if i := strings.Index(p, "parentId="); i >= 0 {
			name += " (" + names[p[i+len("parentId="):]] + ")"
		} else if i := strings.Index(p, "mediaTypes="); i >= 0 {
			name += " " + p[i:]
		}
		fmt.Printf("    %-40s %s, %s; alone %s\n", name, benchlib.Ms(l.Q(.5)), benchlib.Ms(l.Q(.99)), benchlib.Ms(benchlib.Sorted(alone).Q(.5)))
	}

	if o.perf != "" {
		if err := profile(ctx, c, o, srv.Pid(), srv.CPU, dir); err != nil {
			return err
		}
	}

	// The table.
	ratio := func(a, b time.Duration) string { return fmt.Sprintf("%.1f×", float64(a)/float64(b)) }
	met := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	rows := []row{
		{"movie page p50, first view", benchlib.Ms(settled.Q(.5)), benchlib.Ms(sqlLat.Q(.5)), ratio(settled.Q(.5), sqlLat.Q(.5)), "≤ 5 ms", met(settled.Q(.5) <= 5*time.Millisecond)},
		{"movie page p99, first view", benchlib.Ms(settled.Q(.99)), benchlib.Ms(sqlLat.Q(.99)), ratio(settled.Q(.99), sqlLat.Q(.99)), "≤ 25 ms", met(settled.Q(.99) <= 25*time.Millisecond)},
		{benchlib.EarlyLabel(o.walk, "list"), benchlib.Ms(full.Q(.5)) + " / " + benchlib.Ms(full.Q(.99)), "", ratio(full.Q(.99), sqlLat.Q(.99)), "", ""},
		{"  〃 the same pages again, p50 / p99", benchlib.Ms(again.Q(.5)) + " / " + benchlib.Ms(again.Q(.99)), "", ratio(again.Q(.99), sqlLat.Q(.99)), "", ""},
		{"  〃 no Fields, images or user data, p50 / p99", benchlib.Ms(minimal.Q(.5)) + " / " + benchlib.Ms(minimal.Q(.99)), "", ratio(minimal.Q(.5), sqlLat.Q(.5)), "", ""},
		{"  〃 store.Items alone, p50 / p99", benchlib.Ms(stLat.Q(.5)) + " / " + benchlib.Ms(stLat.Q(.99)), "", ratio(stLat.Q(.5), sqlLat.Q(.5)), "", ""},
		{fmt.Sprintf("movie page, %d clients: throughput", o.conns), fmt.Sprintf("%.0f req/s (%d errors)", lr.RPS(), lr.Errs), "", "", "≥ 2,000 req/s", met(lr.RPS() >= 2000 && lr.Errs == 0)},
		{"  〃 p50 / p99 under load", benchlib.Ms(lr.Lat.Q(.5)) + " / " + benchlib.Ms(lr.Lat.Q(.99)), "", "", "", ""},
		{"home screen p50 (p99)", benchlib.Ms(wall.Q(.5)) + " (" + benchlib.Ms(wall.Q(.99)) + ")", "", "", "≤ 50 ms", met(wall.Q(.5) <= 50*time.Millisecond)},
	}
	fmt.Printf("\nreference = the same page read with SQL (the store's query and count, database/sql, same driver, read-only)\n\n")
	fmt.Println("| measure | walros | SQL | walros/SQL | target | met |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.measure, r.walros, r.ref, r.ratio, r.target, r.met)
	}
	return nil
}

// homeCheck loads the home screen once and checks that each list has what the library holds: three
// views, resume points on movies, next up episodes, latest items in every library.
func homeCheck(ctx context.Context, c *client, h home) error {
	type list struct {
		Items []struct{ Type string }
	}
	var v list
	if err := c.getJSON(ctx, h.views, &v); err != nil {
		return err
	}
	if len(v.Items) != 3 {
		return fmt.Errorf("GET %s: %d views, want 3", h.views, len(v.Items))
	}
	for _, p := range h.rest {
		var n int
		if strings.HasPrefix(p, "/Items/Latest") { // an array, not a QueryResult
			var items []struct{ Type string }
			if err := c.getJSON(ctx, p, &items); err != nil {
				return err
			}
			n = len(items)
		} else {
			var l list
			if err := c.getJSON(ctx, p, &l); err != nil {
				return err
			}
			n = len(l.Items)
		}
		audio := strings.Contains(p, "mediaTypes=Audio") // tracks are short: a stop counts as played
		if n == 0 && !audio {
			return fmt.Errorf("GET %s: no items", p)
		}
		name, _, _ := strings.Cut(p, "?")
		fmt.Printf("  %s: %d items\n", name, n)
	}
	return nil
}

// profile records walros with perf (call graphs, 999 Hz) into o.perf during one more throughput
// run, so the cost of a page can be read with `perf report -i FILE`.
func profile(ctx context.Context, c *client, o options, pid int, cpu func() time.Duration, dir string) error {
	stop, err := record(pid, o.perf, dir)
	if err != nil {
		return err
	}
	r := throughput(ctx, c, o.conns, o.d, o.seed+1, cpu)
	stop()
	fmt.Printf("\nperf profile of walros during %s of %d clients (%.0f req/s) written to %s\n", o.d, o.conns, r.RPS(), o.perf)
	return nil
}

// record starts perf recording pid (call graphs, 999 Hz) into file and returns what stops it.
func record(pid int, file, dir string) (stop func(), err error) {
	bin, err := exec.LookPath("perf")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, filepath.Base(file)+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "record", "-F", "999", "-g", "-o", file, "-p", fmt.Sprint(pid))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	time.Sleep(time.Second)
	return func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		logf.Close()
	}, nil
}
