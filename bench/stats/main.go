// Command stats measures the statistics over a year of play history: it makes -users users, four
// libraries of about -items playable items with genres and credits, and -rows play_history rows
// over the 365 days before now (bulk inserted, then summed into the rollups by the migration's own
// backfill statements, store.Stats.Rebuild), then times the server-wide and personal statistics
// through core and through GET /api/v1/stats and /api/v1/users/me/stats of the real binary,
// beside the same answers summed straight from play_history with SQL (store/statsref), which they
// must equal. SQLite by default, PostgreSQL with -db postgres://... (a fresh database).
//
//	go run ./bench/stats
//	go run ./bench/stats -db "$(scripts/pg.sh start /tmp/pg)"
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/bench/internal/benchlib"
	"github.com/walros/walros/bench/internal/benchserver"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
	"github.com/walros/walros/store/statsref"
)

const (
	password = "bench-stats-password"
	top      = core.DefaultStatsTop
	target   = 200 * time.Millisecond
)

func main() {
	rows := flag.Int("rows", 1_000_000, "play_history rows")
	users := flag.Int("users", 50, "users")
	items := flag.Int("items", 20_000, "playable items, roughly")
	n := flag.Int("n", 30, "timed calls of each statistics query")
	refN := flag.Int("ref", 3, "timed runs of each SQL reference (0: none, and no check of the answers)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the timed core calls to this file")
	keep := flag.Bool("keep", false, "keep the temporary folder (and its SQLite database) for a look afterwards")
	noHTTP := flag.Bool("no-http", false, "skip the measures through the real binary")
	dsn := flag.String("db", "", "postgres://... to run on PostgreSQL (a fresh database); SQLite in a temporary folder otherwise")
	flag.Parse()
	if err := run(context.Background(), config{rows: *rows, users: *users, items: *items, n: *n, refN: *refN, http: !*noHTTP, dsn: *dsn,
		cpuProfile: *cpuProfile, keep: *keep}); err != nil {
		log.Fatal(err)
	}
}

type config struct {
	rows, users, items, n, refN int
	http, keep                  bool
	dsn, cpuProfile             string
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func run(ctx context.Context, cfg config) error {
	dir, err := os.MkdirTemp("", "walros-bench-stats-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	data := filepath.Join(dir, "data")
	now := time.Now().UTC().Truncate(time.Second)
	db, err := store.Open(ctx, cfg.dsn, data)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect == store.SQLite {
		// A big page cache for the bulk load (the one write connection keeps it): the history's
		// indexes on random UUIDs otherwise read pages back from the file at every insert.
		if _, err := db.W.ExecContext(ctx, "PRAGMA cache_size = -524288"); err != nil {
			return err
		}
	}
	g := &gen{db: db, st: db.Stores(), rng: rand.New(rand.NewPCG(2026, 11)), now: now}
	t0 := time.Now()
	if err := g.seed(ctx, cfg); err != nil {
		return err
	}
	fmt.Printf("seeded %d users and %d playable items in %s\n", cfg.users, len(g.playable), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := g.history(ctx, cfg.rows); err != nil {
		return err
	}
	fmt.Printf("inserted %d history rows in %s\n", cfg.rows, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := g.st.Stats.Rebuild(ctx); err != nil {
		return err
	}
	fmt.Printf("filled the rollups (migration 0018's backfill) in %s\n", time.Since(t0).Round(time.Millisecond))
	if db.Dialect == store.Postgres {
		// What autovacuum does after a bulk load; SQLite gets no ANALYZE, as in production.
		if _, err := db.W.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return err
		}
	}
	var sizes []string
	for _, t := range []string{"play_history", "stats_items", "stats_packs", "stats_user_packs"} {
		var c int
		if err := db.R.NewRaw("SELECT COUNT(*) FROM "+t).Scan(ctx, &c); err != nil {
			return err
		}
		sizes = append(sizes, fmt.Sprintf("%s %d", t, c))
	}
	fmt.Println("rows:", strings.Join(sizes, ", "))

	stats := core.NewStats(g.st.Stats, g.st.Users, g.st.Items, func() time.Time { return now })
	admin := core.Caller{UserID: g.admin, Admin: true, AllLibraries: true}
	heavy, median := g.users[0], g.users[len(g.users)/2]
	year := core.StatsQuery{From: now.AddDate(0, 0, -365), To: now}
	cases := []measure{
		{name: "server-wide, last 30 days", server: true},
		{name: "server-wide, 365 days (every row)", server: true, q: year},
		{name: "server-wide, 365 days, America/New_York", server: true, q: core.StatsQuery{From: year.From, To: year.To, TimeZone: "America/New_York"}},
		{name: fmt.Sprintf("personal, heaviest user (%d plays), last 30 days", g.plays[heavy]), user: heavy},
		{name: fmt.Sprintf("personal, heaviest user (%d plays), 365 days", g.plays[heavy]), user: heavy, q: year},
		{name: fmt.Sprintf("personal, median user (%d plays), 365 days", g.plays[median]), user: median, q: year},
	}
	backend := "SQLite"
	if db.Dialect == store.Postgres {
		backend = "PostgreSQL"
	}
	fmt.Printf("\n%s, %d history rows over 365 days, %d users, %d items; %d calls each\n", backend, cfg.rows, cfg.users, len(g.playable), cfg.n)
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for i := range cases {
		m := &cases[i]
		caller := admin
		if !m.server {
			caller = core.Caller{UserID: m.user, AllLibraries: true}
		}
		call := func() (any, error) {
			if m.server {
				return stats.Server(ctx, caller, m.q)
			}
			return stats.User(ctx, caller, "", m.q)
		}
		t0 := time.Now()
		got, err := call() // and warm
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		m.first = time.Since(t0)
		var lat []time.Duration
		for range cfg.n {
			t := time.Now()
			if _, err := call(); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		m.core = benchlib.Sorted(lat)
		// The same answer by SQL over play_history.
		var diff []string
		lat = nil
		for range cfg.refN {
			t := time.Now()
			if m.server {
				s := got.(core.ServerStats)
				want, err := statsref.Server(ctx, db, s.Range, top)
				if err != nil {
					return err
				}
				diff = statsref.DiffServer(s, want, top)
			} else {
				u := got.(core.UserStats)
				want, err := statsref.User(ctx, db, caller, m.user, u.Range, top)
				if err != nil {
					return err
				}
				diff = statsref.DiffUser(u, want, top)
			}
			lat = append(lat, time.Since(t))
		}
		m.ref = benchlib.Sorted(lat)
		m.same = len(diff) == 0 && cfg.refN > 0
		if !m.same && cfg.refN > 0 { // with -ref 0 nothing was compared
			fmt.Printf("%s: the rollups' answer differs from SQL's:\n%s\n", m.name, strings.Join(diff, "\n"))
		}
		if m.server {
			m.path = "/api/v1/stats"
		} else {
			m.path = "/api/v1/users/me/stats"
		}
		m.query = url.Values{}
		if !m.q.From.IsZero() {
			m.query.Set("from", m.q.From.Format(time.RFC3339))
			m.query.Set("to", m.q.To.Format(time.RFC3339))
		}
		if m.q.TimeZone != "" {
			m.query.Set("timeZone", m.q.TimeZone)
		}
		fmt.Printf("  %-62s core first %s, p50 %s p99 %s; SQL p50 %s\n", m.name, benchlib.Ms(m.first), benchlib.Ms(m.core.Q(.5)),
			benchlib.Ms(m.core.Q(.99)), benchlib.Ms(m.ref.Q(.5)))
	}

	if cfg.http {
		if err := overHTTP(ctx, cfg, db, dir, data, g, cases); err != nil {
			return err
		}
	}

	fmt.Printf("\n| measure | walros core p50 / p99 (first call) | over HTTP p50 / p99 | SQL over play_history p50 | SQL/walros (p50) | same answer | target | met |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|\n")
	for _, m := range cases {
		worst := m.core.Q(.99)
		web := ""
		if len(m.http) > 0 {
			web = benchlib.Ms(m.http.Q(.5)) + " / " + benchlib.Ms(m.http.Q(.99))
			worst = max(worst, m.http.Q(.99))
		}
		met := "yes"
		if worst > target || !m.same {
			met = "**no**"
		}
		same := "yes"
		if !m.same {
			same = "**no**"
		}
		fmt.Printf("| %s | %s / %s (%s) | %s | %s | %.0f× | %s | ≤ 200 ms | %s |\n", m.name, benchlib.Ms(m.core.Q(.5)), benchlib.Ms(m.core.Q(.99)),
			benchlib.Ms(m.first), web,
			benchlib.Ms(m.ref.Q(.5)), float64(m.ref.Q(.5))/float64(m.core.Q(.5)), same, met)
	}
	return nil
}

type measure struct {
	name   string
	server bool
	user   core.UserID
	q      core.StatsQuery
	path   string
	query  url.Values

	core, ref, http benchlib.Latencies
	first           time.Duration // the first call, with the process's caches cold
	same            bool
}

// overHTTP times the same statistics through the native API of the real binary, on the same
// database.
func overHTTP(ctx context.Context, cfg config, db *store.DB, dir, data string, g *gen, cases []measure) error {
	bin, err := benchserver.Build(ctx, dir)
	if err != nil {
		return err
	}
	args := []string{"--log-format", "json"}
	if cfg.dsn != "" {
		args = append(args, "--db", cfg.dsn)
	}
	srv, err := benchserver.Start(ctx, benchserver.Options{Bin: bin, Data: data, LogPath: filepath.Join(dir, "server.log"),
		Env: []string{"WALROS_SCAN_INTERVAL=0"}, Args: args})
	if err != nil {
		return err
	}
	defer srv.Stop()
	hc := &http.Client{}
	tokens := map[core.UserID]string{}
	for _, u := range append([]core.UserID{g.admin}, g.users...) {
		if tokens[u], err = login(ctx, hc, srv.Base, g.names[u]); err != nil {
			return err
		}
	}
	fmt.Printf("\nover HTTP (walros serve, %s), %d calls each\n", srv.Base, cfg.n)
	for i := range cases {
		m := &cases[i]
		tok := tokens[g.admin]
		if !m.server {
			tok = tokens[m.user]
		}
		get := func() error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.Base+m.path+"?"+m.query.Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || !json.Valid(b) {
				return fmt.Errorf("GET %s: %s: %.300s", m.path, resp.Status, b)
			}
			return nil
		}
		if err := get(); err != nil { // and warm
			return err
		}
		var lat []time.Duration
		for range cfg.n {
			t := time.Now()
			if err := get(); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		m.http = benchlib.Sorted(lat)
		fmt.Printf("  %-62s p50 %s p99 %s\n", m.name, benchlib.Ms(m.http.Q(.5)), benchlib.Ms(m.http.Q(.99)))
	}
	return nil
}

func login(ctx context.Context, hc *http.Client, base, user string) (string, error) {
	body := fmt.Sprintf(`{"username":%q,"password":%q,"deviceId":"bench-stats"}`, user, password)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil || out.AccessToken == "" {
		return "", fmt.Errorf("login %s: %s: %.200s", user, resp.Status, b)
	}
	return out.AccessToken, nil
}
