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
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
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

// gen makes the bench's users, libraries, items and history.
type gen struct {
	db  *store.DB
	st  store.Stores
	rng *rand.Rand
	now time.Time

	admin    core.UserID
	users    []core.UserID // the others, heaviest first
	names    map[core.UserID]string
	plays    map[core.UserID]int
	libs     []library
	playable []core.Item
	titles   map[core.ItemID]core.ItemID // the series of an episode, the artist of a track
}

// library is one library's playable items, most popular first, and its share of the plays.
type library struct {
	lib   core.Library
	items []core.Item
	share float64
	// watched draws how long a play lasts.
	watched func(r *rand.Rand) time.Duration
}

var (
	genres      = []string{"Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western"}
	musicGenres = []string{"Rock", "Pop", "Jazz", "Classical", "Electronic", "Hip-Hop", "Folk", "Metal", "Soul", "Blues"}
)

func (g *gen) seed(ctx context.Context, cfg config) error {
	g.names, g.plays, g.titles = map[core.UserID]string{}, map[core.UserID]int{}, map[core.ItemID]core.ItemID{}
	cheap := core.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	us := core.NewUsers(core.UsersDeps{Users: g.st.Users, Libraries: g.st.Libraries, Sessions: g.st.Sessions, Now: time.Now, NewID: newID, Password: cheap})
	if _, err := us.Bootstrap(ctx, "admin", password); err != nil {
		return err
	}
	a, err := g.st.Users.UserByName(ctx, "admin")
	if err != nil {
		return err
	}
	g.admin, g.names[a.ID] = a.ID, "admin"
	op := core.Caller{Admin: true, AllLibraries: true}
	for i := range cfg.users - 1 {
		u, err := us.Create(ctx, op, core.NewUser{Username: fmt.Sprintf("user%02d", i), Password: password, AllLibraries: true})
		if err != nil {
			return err
		}
		g.users = append(g.users, u.ID)
		g.names[u.ID] = u.Username
	}
	// The item counts of the shape, scaled to cfg.items: 4,000 movies, 12,000 episodes in
	// 150 series, 4,000 tracks on 200 albums of 100 artists, 500 children's movies.
	scale := float64(cfg.items) / 20_500
	count := func(n int) int { return max(1, int(math.Round(float64(n)*scale))) }
	people := make([]string, 5000)
	for i := range people {
		people[i] = fmt.Sprintf("Person %04d", i)
	}
	pick := func(list []string, n int) []string {
		var out []string
		for _, i := range g.rng.Perm(len(list))[:n] {
			out = append(out, list[i])
		}
		return out
	}
	credits := func(n int, director bool) []core.Credit {
		var cs []core.Credit
		for i, name := range pick(people[:min(len(people), 300+g.rng.IntN(4700))], n) {
			kind := core.PersonActor
			if director && i == 0 {
				kind = core.PersonDirector
			}
			cs = append(cs, core.Credit{Name: name, Kind: kind, Order: i})
		}
		return cs
	}
	mins := func(lo, hi int) func(r *rand.Rand) time.Duration {
		return func(r *rand.Rand) time.Duration {
			return time.Duration(lo)*time.Minute + time.Duration(r.Int64N(int64(time.Duration(hi-lo)*time.Minute)))
		}
	}
	for _, l := range []struct {
		name  string
		typ   core.LibraryType
		share float64
		w     func(r *rand.Rand) time.Duration
	}{{"Movies", core.LibraryMovies, .20, mins(15, 150)}, {"Shows", core.LibraryShows, .45, mins(5, 50)},
		{"Music", core.LibraryMusic, .30, mins(1, 6)}, {"Kids", core.LibraryMovies, .05, mins(10, 90)}} {
		lib := core.Library{ID: core.LibraryID(newID()), Name: l.name, Type: l.typ, Paths: []string{"/nonexistent/" + l.name}, CreatedAt: g.now, UpdatedAt: g.now}
		if err := g.st.Libraries.CreateLibrary(ctx, lib); err != nil {
			return err
		}
		g.libs = append(g.libs, library{lib: lib, share: l.share, watched: l.w})
	}
	add := func(it core.Item, meta *core.Metadata) (core.Item, error) {
		it.ID, it.CreatedAt, it.UpdatedAt = core.ItemID(newID()), g.now, g.now
		it, err := g.st.Items.CreateItem(ctx, it)
		if err != nil || meta == nil {
			return it, err
		}
		meta.Title = it.Title
		return it, g.st.Metadata.SetMetadata(ctx, it.ID, *meta)
	}
	movies := func(l *library, n int, kind string) error {
		for i := range n {
			m, err := add(core.Item{Kind: core.KindMovie, Title: fmt.Sprintf("%s %04d", kind, i), LibraryID: l.lib.ID, Runtime: 2 * time.Hour},
				&core.Metadata{Genres: pick(genres, 1+g.rng.IntN(3)), Credits: credits(7, true)})
			if err != nil {
				return err
			}
			l.items = append(l.items, m)
			g.titles[m.ID] = m.ID
		}
		return nil
	}
	if err := movies(&g.libs[0], count(4000), "Movie"); err != nil {
		return err
	}
	for s := range count(150) {
		show, err := add(core.Item{Kind: core.KindSeries, Title: fmt.Sprintf("Show %03d", s), LibraryID: g.libs[1].lib.ID},
			&core.Metadata{Genres: pick(genres, 1+g.rng.IntN(3)), Credits: credits(8, false)})
		if err != nil {
			return err
		}
		for n := 1; n <= 4; n++ {
			season, err := add(core.Item{Kind: core.KindSeason, Title: fmt.Sprintf("Season %d", n), LibraryID: show.LibraryID, ParentID: show.ID, IndexNumber: &n}, nil)
			if err != nil {
				return err
			}
			for e := 1; e <= 20; e++ {
				ep, err := add(core.Item{Kind: core.KindEpisode, Title: fmt.Sprintf("Show %03d %dx%02d", s, n, e), LibraryID: show.LibraryID,
					ParentID: season.ID, ParentIndex: &n, IndexNumber: &e, Runtime: 45 * time.Minute}, nil)
				if err != nil {
					return err
				}
				g.libs[1].items = append(g.libs[1].items, ep)
				g.titles[ep.ID] = show.ID
			}
		}
	}
	var artists []core.Item
	for a := range count(100) {
		artist, err := add(core.Item{Kind: core.KindArtist, Title: fmt.Sprintf("Artist %03d", a), LibraryID: g.libs[2].lib.ID},
			&core.Metadata{Genres: pick(musicGenres, 1+g.rng.IntN(2))})
		if err != nil {
			return err
		}
		artists = append(artists, artist)
	}
	for al := range count(200) {
		artist := artists[al%len(artists)]
		album, err := add(core.Item{Kind: core.KindAlbum, Title: fmt.Sprintf("Album %03d", al), LibraryID: artist.LibraryID, ParentID: artist.ID},
			&core.Metadata{Credits: []core.Credit{{Name: "Producer " + fmt.Sprint(al%40), Kind: "Producer"}}})
		if err != nil {
			return err
		}
		for tr := 1; tr <= 20; tr++ {
			track, err := add(core.Item{Kind: core.KindTrack, Title: fmt.Sprintf("Album %03d track %02d", al, tr), LibraryID: album.LibraryID,
				ParentID: album.ID, IndexNumber: &tr, Runtime: 4 * time.Minute}, nil)
			if err != nil {
				return err
			}
			g.libs[2].items = append(g.libs[2].items, track)
			g.titles[track.ID] = artist.ID
		}
	}
	if err := movies(&g.libs[3], count(500), "Kids movie"); err != nil {
		return err
	}
	for i := range g.libs {
		l := &g.libs[i]
		g.rng.Shuffle(len(l.items), func(a, b int) { l.items[a], l.items[b] = l.items[b], l.items[a] })
		g.playable = append(g.playable, l.items...)
	}
	return nil
}

// history inserts n plays over the 365 days before now: users by a Zipf-like weight (the first
// plays about a tenth), each with their own taste of libraries, items by popularity within a
// library (Zipf), evenings and weekends busier, two thirds direct play.
func (g *gen) history(ctx context.Context, n int) error {
	userW := make([]float64, len(g.users))
	for i := range userW {
		userW[i] = 1 / math.Pow(float64(i+1), 0.8)
	}
	userCum := cumulative(userW)
	taste := make([][]float64, len(g.users)) // per user, cumulative library weights
	for i := range taste {
		w := make([]float64, len(g.libs))
		for j, l := range g.libs {
			w[j] = l.share * (0.2 + g.rng.Float64()*1.6)
		}
		taste[i] = cumulative(w)
	}
	zipf := make([]*rand.Zipf, len(g.libs))
	for i, l := range g.libs {
		zipf[i] = rand.NewZipf(g.rng, 1.1, 8, uint64(len(l.items)-1))
	}
	hourW := []float64{3, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 4, 5, 5, 5, 5, 6, 7, 9, 12, 14, 14, 11, 6}
	hourCum := cumulative(hourW)
	clients := []string{"Jellyfin Web", "Infuse", "Plex for Android TV", "Swiftfin", "Plexamp", "Finamp"}
	start := g.now.AddDate(0, 0, -365)
	// Rows go in 100 at a time through a prepared statement, 100,000 to a transaction.
	const batch = 100
	cols := []string{"user_id", "item_id", "library_id", "file_id", "device_id", "device_name", "client", "started_at", "stopped_at",
		"watched_ms", "position_ms", "method", "reason", "title_id"}
	var marks []string
	for r := range batch {
		var m []string
		for c := range cols {
			if g.db.Dialect == store.Postgres {
				m = append(m, fmt.Sprintf("$%d", r*len(cols)+c+1))
			} else {
				m = append(m, "?")
			}
		}
		marks = append(marks, "("+strings.Join(m, ", ")+")")
	}
	insert := "INSERT INTO play_history (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(marks, ", ")
	rows := make([]any, 0, batch*len(cols))
	var tx *sql.Tx
	var stmt *sql.Stmt
	flush := func() error {
		var err error
		if tx == nil {
			if tx, err = g.db.W.DB.BeginTx(ctx, nil); err != nil {
				return err
			}
			if stmt, err = tx.PrepareContext(ctx, insert); err != nil {
				return err
			}
		}
		_, err = stmt.ExecContext(ctx, rows...)
		rows = rows[:0]
		return err
	}
	commit := func() error {
		if tx == nil {
			return nil
		}
		stmt.Close()
		err := tx.Commit()
		tx = nil
		return err
	}
	for i := range n {
		u := search(userCum, g.rng.Float64())
		l := search(taste[u], g.rng.Float64())
		lib := &g.libs[l]
		it := lib.items[zipf[l].Uint64()]
		day := start.Add(time.Duration(g.rng.IntN(365)) * 24 * time.Hour).Truncate(24 * time.Hour)
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && g.rng.IntN(3) == 0 {
			day = day.Add(24 * time.Hour) // weekends a little busier
		}
		stop := day.Add(time.Duration(search(hourCum, g.rng.Float64()))*time.Hour + time.Duration(g.rng.Int64N(int64(time.Hour))))
		if !stop.Before(g.now) || stop.Before(start) {
			stop = start.Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(start)))))
		}
		watched := lib.watched(g.rng)
		method, reason := "direct", ""
		switch r := g.rng.IntN(100); {
		case r < 10:
			method, reason = "remux", "container"
		case r < 35:
			method, reason = "transcode", "video codec"
		}
		// Times as the store writes them (bun's format), so that SQLite compares them as text alike.
		at := func(t time.Time) any {
			if g.db.Dialect == store.Postgres {
				return t.UTC()
			}
			return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
		}
		rows = append(rows, string(g.users[u]), string(it.ID), string(lib.lib.ID), "", fmt.Sprintf("device-%d-%d", u, i%3), "Bench device",
			clients[(u+i%2)%len(clients)], at(stop.Add(-watched-time.Duration(g.rng.IntN(300))*time.Second)), at(stop), watched.Milliseconds(),
			watched.Milliseconds(), method, reason, string(g.titles[it.ID]))
		g.plays[g.users[u]]++
		if len(rows) == batch*len(cols) {
			if err := flush(); err != nil {
				return err
			}
			if (i+1)%100_000 == 0 {
				if err := commit(); err != nil {
					return err
				}
			}
		}
	}
	if err := commit(); err != nil {
		return err
	}
	// What is left: one row at a time.
	for len(rows) > 0 {
		if _, err := g.db.W.NewRaw("INSERT INTO play_history ("+strings.Join(cols, ", ")+") VALUES (?)", bun.List(rows[:len(cols)])).Exec(ctx); err != nil {
			return err
		}
		rows = rows[len(cols):]
	}
	return nil
}

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	sum := 0.0
	for i, x := range w {
		sum += x
		out[i] = sum
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// search returns the first index whose cumulative weight reaches x.
func search(cum []float64, x float64) int {
	for i, c := range cum {
		if x <= c {
			return i
		}
	}
	return len(cum) - 1
}
