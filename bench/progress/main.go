// Command progress measures what many players reporting progress cost: -devices simulated devices
// (each its own Jellyfin sign-in, 50 users with devices/50 each) report their position every
// -every, for -d, through POST /Sessions/Playing/Progress of the real binary, on SQLite (the
// default) or on PostgreSQL (-db postgres://...). It prints the latency of the reports, the errors
// and any "database is locked" the server logged, beside the same writes made straight with SQL
// (one upsert of the user's row per report, database/sql, same driver).
//
//	go run ./bench/progress -devices 500 -every 10s -d 30s
//	go run ./bench/progress -db "$(scripts/pg.sh start /tmp/pg)"
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/bench/internal/benchlib"
	"github.com/walros/walros/bench/internal/benchserver"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

const (
	users    = 50
	movies   = 1000
	password = "bench-password"
)

func main() {
	devices := flag.Int("devices", 500, "simulated devices")
	every := flag.Duration("every", 10*time.Second, "how often each device reports")
	d := flag.Duration("d", 30*time.Second, "how long the devices report")
	dsn := flag.String("db", "", "postgres://... to run on PostgreSQL (a fresh database: the bench creates its tables' rows); SQLite in a temporary folder otherwise")
	flag.Parse()
	if err := run(context.Background(), *devices, *every, *d, *dsn); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, devices int, every, d time.Duration, dsn string) error {
	dir, err := os.MkdirTemp("", "walros-bench-progress-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "data")
	items, err := seed(ctx, dsn, data)
	if err != nil {
		return err
	}
	bin, err := benchserver.Build(ctx, dir)
	if err != nil {
		return err
	}
	args := []string{"--log-format", "json"}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	srv, err := benchserver.Start(ctx, benchserver.Options{Bin: bin, Data: data, LogPath: filepath.Join(dir, "server.log"),
		Env: []string{"WALROS_ADMIN_PASSWORD=" + benchlib.AdminPassword, "WALROS_SCAN_INTERVAL=0"}, Args: args})
	if err != nil {
		return err
	}
	defer srv.Stop()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: devices}}

	fmt.Printf("signing %d devices in (%d users)...\n", devices, users)
	tokens := make([]string, devices)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var loginErr error
	var mu sync.Mutex
	for i := range devices {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, err := login(ctx, hc, srv.Base, fmt.Sprintf("user%02d", i%users), fmt.Sprintf("device-%03d", i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil && loginErr == nil {
				loginErr = err
			}
			tokens[i] = tok
		})
	}
	wg.Wait()
	if loginErr != nil {
		return loginErr
	}

	fmt.Printf("%d devices reporting every %s for %s...\n", devices, every, d)
	lat, errs, firstErr := load(ctx, hc, srv.Base, tokens, items, every, d)
	logged, err := os.ReadFile(srv.LogPath)
	if err != nil {
		return err
	}
	locked := strings.Count(strings.ToLower(string(logged)), "database is locked") + strings.Count(string(logged), "SQLITE_BUSY")
	srv.Stop()

	ref, err := reference(ctx, dsn, data, len(lat), items)
	if err != nil {
		return err
	}
	backend := "SQLite"
	if dsn != "" {
		backend = "PostgreSQL"
	}
	fmt.Printf("\n%s, %d devices every %s: %d reports, %d errors, %d \"database is locked\" in the log\n", backend, devices, every, len(lat), errs, locked)
	if firstErr != "" {
		fmt.Println("  first error:", firstErr)
	}
	met := "yes"
	if lat.Q(.99) > 20*time.Millisecond || errs > 0 || locked > 0 {
		met = "**no**"
	}
	fmt.Println("\n| measure | walros | SQL upsert | walros/SQL | target | met |")
	fmt.Println("|---|---|---|---|---|---|")
	fmt.Printf("| progress report p50 | %s | %s | %.1f× | | |\n", benchlib.Ms(lat.Q(.5)), benchlib.Ms(ref.Q(.5)), float64(lat.Q(.5))/float64(ref.Q(.5)))
	fmt.Printf("| progress report p99 | %s | %s | %.1f× | ≤ 20 ms, no errors, no locked | %s |\n", benchlib.Ms(lat.Q(.99)), benchlib.Ms(ref.Q(.99)),
		float64(lat.Q(.99))/float64(ref.Q(.99)), met)
	return nil
}

// seed makes the users and a movie library whose folder does not exist (the server finds the
// library offline and leaves its items alone).
func seed(ctx context.Context, dsn, data string) ([]string, error) {
	db, err := store.Open(ctx, dsn, data)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st := db.Stores()
	now := time.Now()
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	us := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions, Now: time.Now, NewID: newID,
		Password: core.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	if _, err := us.Bootstrap(ctx, benchlib.AdminUser, benchlib.AdminPassword); err != nil {
		return nil, err
	}
	op := core.Caller{Admin: true, AllLibraries: true}
	for i := range users {
		if _, err := us.Create(ctx, op, core.NewUser{Username: fmt.Sprintf("user%02d", i), Password: password, AllLibraries: true}); err != nil {
			return nil, err
		}
	}
	lib := core.Library{ID: core.LibraryID(newID()), Name: "Movies", Type: core.LibraryMovies, Paths: []string{filepath.Join(data, "no-such-folder")},
		CreatedAt: now, UpdatedAt: now}
	if err := st.Libraries.CreateLibrary(ctx, lib); err != nil {
		return nil, err
	}
	ids := make([]string, 0, movies)
	for i := range movies {
		f := core.MediaFile{ID: core.FileID(newID()), LibraryID: lib.ID, Path: fmt.Sprintf("%s/Movie %04d.mkv", lib.Paths[0], i), Size: 1,
			ModTime: now, Info: core.MediaInfo{Container: "matroska,webm", Duration: 2 * time.Hour}, CreatedAt: now, UpdatedAt: now}
		it := core.Item{ID: core.ItemID(newID()), Kind: core.KindMovie, Title: fmt.Sprintf("Movie %04d", i), LibraryID: lib.ID,
			MatchKey: fmt.Sprintf("movie:%04d", i), Runtime: 2 * time.Hour, CreatedAt: now, UpdatedAt: now}
		if _, got, err := st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: []core.Item{it}}); err != nil {
			return nil, err
		} else {
			ids = append(ids, strings.ReplaceAll(string(got[0]), "-", ""))
		}
	}
	return ids, nil
}

func login(ctx context.Context, hc *http.Client, base, user, device string) (string, error) {
	body, _ := json.Marshal(map[string]string{"Username": user, "Pw": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/Users/AuthenticateByName", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", `MediaBrowser Client="bench", Device="bench", DeviceId="`+device+`", Version="1.0"`)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct{ AccessToken string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil {
		return "", fmt.Errorf("login %s: %s: %.200s", user, resp.Status, b)
	}
	return out.AccessToken, nil
}

// load has every device report its position on its own movie every `every`, starting at a random
// point of the first period, for d.
func load(ctx context.Context, hc *http.Client, base string, tokens, items []string, every, d time.Duration) (benchlib.Latencies, int, string) {
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	end := time.Now().Add(d)
	for i, tok := range tokens {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 3))
			time.Sleep(time.Duration(rng.Int64N(int64(every))))
			item := items[i%len(items)]
			for pos := time.Minute; time.Now().Before(end); pos += every {
				body := fmt.Sprintf(`{"ItemId":%q,"PositionTicks":%d,"PlaySessionId":"ps-%d","PlayMethod":"DirectPlay"}`, item, pos/100, i)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/Sessions/Playing/Progress", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Emby-Token", tok)
				t := time.Now()
				resp, err := hc.Do(req)
				took := time.Since(t)
				msg := ""
				if err != nil {
					msg = err.Error()
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusNoContent {
						msg = resp.Status
					}
				}
				mu.Lock()
				lat = append(lat, took)
				if msg != "" {
					errs++
					if firstErr == "" {
						firstErr = msg
					}
				}
				mu.Unlock()
				time.Sleep(every)
			}
		})
	}
	wg.Wait()
	return benchlib.Sorted(lat), errs, firstErr
}

// reference makes n upserts of user data rows straight with SQL, spread as the devices' reports
// were: the least a report must write.
func reference(ctx context.Context, dsn, data string, n int, items []string) (benchlib.Latencies, error) {
	driver, conn := "sqlite", "file:"+filepath.Join(data, store.SQLiteFile)+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	if dsn != "" {
		driver, conn = "pgx", dsn
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if driver == "sqlite" {
		db.SetMaxOpenConns(1) // as the store's write pool
	}
	var user string
	if err := db.QueryRowContext(ctx, "SELECT id FROM users WHERE username_key = 'user00'").Scan(&user); err != nil {
		return nil, err
	}
	var lat []time.Duration
	for i := range n {
		item := items[i%len(items)]
		item = item[:8] + "-" + item[8:12] + "-" + item[12:16] + "-" + item[16:20] + "-" + item[20:]
		t := time.Now()
		_, err := db.ExecContext(ctx, `INSERT INTO user_data (user_id, item_id, position_ms, played, play_count, favorite, updated_at)
			VALUES ($1, $2, $3, FALSE, 0, FALSE, $4) ON CONFLICT (user_id, item_id) DO UPDATE SET position_ms = excluded.position_ms,
			updated_at = excluded.updated_at`, user, item, int64(i)*1000, time.Now().UTC())
		if err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	return benchlib.Sorted(lat), nil
}
