// Command plex measures the paging of Walros's Plex facade on the generated library of 100,000
// items that bench/jellyfin uses (30,000 movies, 2,000 series of 25 episodes, 20,000 tracks):
//
//   - latency of `GET /library/sections/{movies}/all?type=1&sort=titleSort` with
//     X-Plex-Container-Start at random in [0, 29900] and X-Plex-Container-Size 100, one request
//     after another, in JSON (Accept: application/json) and in XML (Plex's default), the first
//     time each page is asked for and again, against the same pages read straight from the SQLite
//     file with the same driver;
//   - for information, the throughput of that page with concurrent clients, in each format.
//
// The library is generated once (see bench/internal/benchlib) into $TMPDIR/walros-bench-jellyfin
// and shared with bench/jellyfin.
//
//	go run ./bench/plex -n 300
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
	n, warm, conns    int
	d                 time.Duration
	cache             string
	regen, keep, walk bool
	seed              uint64
	perf              string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 300, "sequential page requests measured in each format (after the warm-up)")
	flag.IntVar(&o.warm, "warm", 50, "warm-up requests in each format, not measured")
	flag.IntVar(&o.conns, "c", 8, "concurrent clients of the throughput runs")
	flag.DurationVar(&o.d, "d", 5*time.Second, "duration of each throughput run (one per format)")
	flag.StringVar(&o.cache, "cache", benchlib.DefaultCache, "where the generated library is kept between runs")
	flag.BoolVar(&o.regen, "regen", false, "generate the library again")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's folder (binary, server log)")
	flag.BoolVar(&o.walk, "walk", true, "let walros read a section's other pages ahead (warm_lists); false measures cold first views")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the random page starts")
	flag.StringVar(&o.perf, "perf", "", "record walros with perf into this file during one more throughput run (JSON)")
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
	dir, err := os.MkdirTemp("", "walros-bench-plex-run-")
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

	// A Plex token is long-lived: the device token of a Jellyfin sign-in is Walros's equivalent
	// (the native API's access token expires within 15 minutes).
	c := newClient(srv.PlexBase, "", o.conns)
	if c.token, _, err = benchlib.Login(ctx, c.http, srv.Base); err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}
	section, uuid, err := c.movieSection(ctx)
	if err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}
	ref, err := benchlib.OpenSQLRef(data, benchlib.LibraryMoviesWhere(uuid))
	if err != nil {
		return err
	}
	defer ref.Close()
	if err := sameAsSQL(ctx, c, ref, section, 0, benchlib.Movies/2, benchlib.Movies-100); err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}

	// (a) Latency, one request after another, and the same pages through SQL.
	warm := benchlib.Starts(o.seed+1000, o.warm)
	jsonAt, xmlAt := benchlib.Starts(o.seed, o.n), benchlib.Starts(o.seed+2000, o.n)
	if _, err := ref.Sequential(ctx, warm); err != nil {
		return err
	}
	if _, _, _, _, err := byTurns(ctx, c, section, warm, warm); err != nil {
		return fmt.Errorf("%w (log: %s)", err, srv.LogPath)
	}
	fmt.Printf("\n== GET %s, %d movies from a random X-Plex-Container-Start in [0, %d], %d requests in each format,\n"+
		"   one after another (JSON and XML by turns, each on its own pages)\n", pagePath(section), 100, benchlib.Movies-100, o.n)
	cpu0 := srv.CPU()
	js, xs, jb, xb, err := byTurns(ctx, c, section, jsonAt, xmlAt)
	if err != nil {
		return err
	}
	firstCPU := (srv.CPU() - cpu0) / time.Duration(2*o.n)
	for _, f := range []struct {
		l benchlib.Latencies
		b []byte
		j bool
	}{{js, jb, true}, {xs, xb, false}} {
		fmt.Printf("  %-4s first view, right after the warm-ups: p50 %s, p90 %s, p99 %s, max %s\n    (last page: %s)\n", format(f.j), benchlib.Ms(f.l.Q(.5)),
			benchlib.Ms(f.l.Q(.9)), benchlib.Ms(f.l.Q(.99)), benchlib.Ms(f.l[len(f.l)-1]), pageStats(f.b, f.j))
	}
	fmt.Printf("  server CPU %s a request over those first views\n", benchlib.Ms(firstCPU))
	// Pages no client has asked for yet, once the server is idle again: with -walk, walros has
	// read the rest of the section ahead since its first page (core/warm); without, they are cold.
	if err := srv.WaitIdle(ctx, time.Minute); err != nil {
		return err
	}
	cpu0 = srv.CPU()
	sjs, sxs, _, _, err := byTurns(ctx, c, section, benchlib.Starts(o.seed+3000, o.n), benchlib.Starts(o.seed+4000, o.n))
	if err != nil {
		return err
	}
	settledCPU := (srv.CPU() - cpu0) / time.Duration(2*o.n)
	for _, f := range []struct {
		l benchlib.Latencies
		j bool
	}{{sjs, true}, {sxs, false}} {
		fmt.Printf("  %-4s first view of other pages, once walros is idle again (walk %t): p50 %s, p90 %s, p99 %s\n", format(f.j), o.walk,
			benchlib.Ms(f.l.Q(.5)), benchlib.Ms(f.l.Q(.9)), benchlib.Ms(f.l.Q(.99)))
	}
	fmt.Printf("  server CPU %s a request over those first views\n", benchlib.Ms(settledCPU))
	// The same pages again: what a page costs once the server has served it, as when a client
	// pages back; one format after the other, so that the server's CPU is each format's.
	again := map[bool]benchlib.Latencies{}
	againCPU := map[bool]time.Duration{}
	for _, asJSON := range []bool{true, false} {
		at := xmlAt
		if asJSON {
			at = jsonAt
		}
		cpu0 := srv.CPU()
		l, _, err := sequential(ctx, c, section, at, asJSON)
		if err != nil {
			return err
		}
		again[asJSON], againCPU[asJSON] = l, (srv.CPU()-cpu0)/time.Duration(o.n)
		fmt.Printf("  %-4s the same pages again: p50 %s, p90 %s, p99 %s; server CPU %s a request\n", format(asJSON),
			benchlib.Ms(l.Q(.5)), benchlib.Ms(l.Q(.9)), benchlib.Ms(l.Q(.99)), benchlib.Ms(againCPU[asJSON]))
	}
	sqlJSON, err := ref.Sequential(ctx, jsonAt)
	if err != nil {
		return err
	}
	sqlXML, err := ref.Sequential(ctx, xmlAt)
	if err != nil {
		return err
	}
	fmt.Printf("  SQL (database/sql, the page of the section's movies and their count at once):\n"+
		"    JSON's pages p50 %s, p90 %s, p99 %s; XML's pages p50 %s, p90 %s, p99 %s\n",
		benchlib.Ms(sqlJSON.Q(.5)), benchlib.Ms(sqlJSON.Q(.9)), benchlib.Ms(sqlJSON.Q(.99)),
		benchlib.Ms(sqlXML.Q(.5)), benchlib.Ms(sqlXML.Q(.9)), benchlib.Ms(sqlXML.Q(.99)))

	// (b) Throughput, for information.
	load := map[bool]benchlib.LoadResult{}
	for _, asJSON := range []bool{true, false} {
		fmt.Printf("\n== %s, %d clients back to back for %s\n", format(asJSON), o.conns, o.d)
		lr := throughput(ctx, c, section, asJSON, o.conns, o.d, o.seed, srv.CPU)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		load[asJSON] = lr
		serverCPU, clientCPU := lr.PerRequest()
		fmt.Printf("  %d requests, %.0f req/s, %d errors; p50 %s, p99 %s under load; CPU a request: server %s, client %s\n",
			lr.Reqs, lr.RPS(), lr.Errs, benchlib.Ms(lr.Lat.Q(.5)), benchlib.Ms(lr.Lat.Q(.99)), benchlib.Ms(serverCPU), benchlib.Ms(clientCPU))
		if lr.Errs > 0 {
			fmt.Printf("  first error: %s\n", lr.FirstErr)
		}
	}

	if o.perf != "" {
		if err := profile(ctx, c, section, o, srv.Pid(), srv.CPU, dir); err != nil {
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
	var rows []row
	for _, f := range []struct {
		first, early, sql benchlib.Latencies
		j                 bool
	}{{sjs, js, sqlJSON, true}, {sxs, xs, sqlXML, false}} {
		name := format(f.j) + " page"
		rows = append(rows,
			row{name + " p50, first view", benchlib.Ms(f.first.Q(.5)), benchlib.Ms(f.sql.Q(.5)), ratio(f.first.Q(.5), f.sql.Q(.5)), "≤ 5 ms", met(f.first.Q(.5) <= 5*time.Millisecond)},
			row{name + " p99, first view", benchlib.Ms(f.first.Q(.99)), benchlib.Ms(f.sql.Q(.99)), ratio(f.first.Q(.99), f.sql.Q(.99)), "≤ 25 ms", met(f.first.Q(.99) <= 25*time.Millisecond)},
			row{benchlib.EarlyLabel(o.walk, "section"), benchlib.Ms(f.early.Q(.5)) + " / " + benchlib.Ms(f.early.Q(.99)), "",
				ratio(f.early.Q(.5), f.sql.Q(.5)) + " / " + ratio(f.early.Q(.99), f.sql.Q(.99)), "", ""},
			row{"  〃 the same pages again, p50 / p99", benchlib.Ms(again[f.j].Q(.5)) + " / " + benchlib.Ms(again[f.j].Q(.99)), "",
				ratio(again[f.j].Q(.5), f.sql.Q(.5)) + " / " + ratio(again[f.j].Q(.99), f.sql.Q(.99)), "", ""})
	}
	rows = append(rows, row{"server CPU a request: first views (both formats) / right after the warm-ups / again JSON / again XML",
		benchlib.Ms(settledCPU) + " / " + benchlib.Ms(firstCPU) + " / " + benchlib.Ms(againCPU[true]) + " / " + benchlib.Ms(againCPU[false]), "", "", "", ""})
	for _, asJSON := range []bool{true, false} {
		lr := load[asJSON]
		serverCPU, _ := lr.PerRequest()
		rows = append(rows, row{fmt.Sprintf("%s, %d clients: throughput (p50 / p99 under load)", format(asJSON), o.conns),
			fmt.Sprintf("%.0f req/s, %d errors (%s / %s); server CPU %s a request", lr.RPS(), lr.Errs, benchlib.Ms(lr.Lat.Q(.5)),
				benchlib.Ms(lr.Lat.Q(.99)), benchlib.Ms(serverCPU)), "", "", "none (information)", ""})
	}
	fmt.Printf("\nreference = the same page read with SQL (the section's movies by title and their count, database/sql, same driver, read-only)\n\n")
	fmt.Println("| measure | walros | SQL | walros/SQL | target | met |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.measure, r.walros, r.ref, r.ratio, r.target, r.met)
	}
	return nil
}

// profile records walros with perf (call graphs, 999 Hz) into o.perf during one more throughput
// run in JSON, so the cost of a page can be read with `perf report -i FILE`.
func profile(ctx context.Context, c *client, section string, o options, pid int, cpu func() time.Duration, dir string) error {
	bin, err := exec.LookPath("perf")
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "perf.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "record", "-F", "999", "-g", "-o", o.perf, "-p", fmt.Sprint(pid))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	time.Sleep(time.Second)
	r := throughput(ctx, c, section, true, o.conns, o.d, o.seed+1, cpu)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	fmt.Printf("\nperf profile of walros during %s of %d clients (%.0f req/s, JSON) written to %s\n", o.d, o.conns, r.RPS(), o.perf)
	return nil
}
