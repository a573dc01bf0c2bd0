package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
	_ "modernc.org/sqlite" // the driver the store uses
)

// The page as store/items.go Items asks it of SQLite for an admin (no library filter) listing
// movies by title: bun selects every column of itemRow, and runs the count beside it (bun's
// ScanAndCount runs both at once outside a transaction).
const (
	pageSQL = `SELECT "item"."seq", "item"."id", "item"."library_id", "item"."parent_id", "item"."kind", "item"."title", ` +
		`"item"."sort_title", "item"."search_title", "item"."year", "item"."path", "item"."created_at", "item"."updated_at", ` +
		`"item"."match_key", "item"."original_title", "item"."overview", "item"."index_number", "item"."index_end", ` +
		`"item"."parent_index", "item"."absolute_number", "item"."air_date", "item"."runtime_ms", "item"."extra_type", ` +
		`"item"."provider_ids", "item"."review" FROM "items" AS "item" WHERE (kind IN ('movie')) ` +
		`ORDER BY sort_title ASC, seq ASC LIMIT 100 OFFSET `
	countSQL = `SELECT count(*) FROM "items" AS "item" WHERE (kind IN ('movie'))`
)

// sqlRef reads the page straight from the database file, read-only, with the store's driver.
type sqlRef struct{ db *sql.DB }

func openSQLRef(data string) (*sqlRef, error) {
	path := filepath.Join(data, store.SQLiteFile)
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	return &sqlRef{db: db}, nil
}

func (r *sqlRef) Close() error { return r.db.Close() }

// page reads the 100 rows at offset and the count, at once, and returns how many rows it read and
// the count.
func (r *sqlRef) page(ctx context.Context, offset int) (int, int, error) {
	var total int
	cerr := make(chan error, 1)
	go func() { cerr <- r.db.QueryRowContext(ctx, countSQL).Scan(&total) }()
	rows, err := r.db.QueryContext(ctx, pageSQL+strconv.Itoa(offset)) // bun inlines its arguments too
	if err != nil {
		<-cerr
		return 0, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			seq                                                int64
			id, lib, kind, title, sortTitle, searchTitle, path string
			parent                                             sql.NullString
			year, index, indexEnd, parentIndex, absolute       sql.NullInt64
			created, updated                                   time.Time
			matchKey, original, overview, airDate, extra, prov string
			review                                             string
			runtime                                            int64
		)
		if err := rows.Scan(&seq, &id, &lib, &parent, &kind, &title, &sortTitle, &searchTitle, &year, &path, &created,
			&updated, &matchKey, &original, &overview, &index, &indexEnd, &parentIndex, &absolute, &airDate, &runtime,
			&extra, &prov, &review); err != nil {
			<-cerr
			return 0, 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		<-cerr
		return 0, 0, err
	}
	return n, total, <-cerr
}

// sequential reads the page at each offset, one after another.
func (r *sqlRef) sequential(ctx context.Context, at []int) (latencies, error) {
	out := make([]time.Duration, 0, len(at))
	for _, n := range at {
		t := time.Now()
		rows, total, err := r.page(ctx, n)
		d := time.Since(t)
		if err != nil {
			return nil, err
		}
		if rows != min(100, movies-n) || total != movies {
			return nil, fmt.Errorf("SQL at offset %d: %d rows, count %d", n, rows, total)
		}
		out = append(out, d)
	}
	return sorted(out), nil
}

// storeRef is the same page through the store's own Items (bun, with its row conversion), without
// core, the facade or HTTP: where the time between the SQL and the facade goes.
type storeRef struct {
	db   *store.DB
	hook *captureHook
}

func openStoreRef(ctx context.Context, data string) (*storeRef, error) {
	db, err := store.Open(ctx, "", data) // the schema is already current: this migrates nothing
	if err != nil {
		return nil, err
	}
	h := &captureHook{}
	db.R.AddQueryHook(h)
	return &storeRef{db: db, hook: h}, nil
}

// checkSQL reads one page through the store and reports whether the SQL it sent is the
// reference's; when not, it returns the store's queries, for updating pageSQL and countSQL.
func (r *storeRef) checkSQL(ctx context.Context, offset int) (bool, []string, error) {
	r.hook.reset()
	if _, err := r.sequential(ctx, []int{offset}); err != nil {
		return false, nil, err
	}
	got := r.hook.reset()
	return slices.Contains(got, pageSQL+strconv.Itoa(offset)) && slices.Contains(got, countSQL) && len(got) == 2, got, nil
}

// captureHook keeps the SQL bun sends.
type captureHook struct {
	mu      sync.Mutex
	queries []string
}

func (h *captureHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h *captureHook) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	h.mu.Lock()
	h.queries = append(h.queries, strings.TrimSpace(e.Query))
	h.mu.Unlock()
}

func (h *captureHook) reset() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := h.queries
	h.queries = nil
	return q
}

func (r *storeRef) Close() error { return r.db.Close() }

func (r *storeRef) sequential(ctx context.Context, at []int) (latencies, error) {
	items := r.db.Stores().Items
	out := make([]time.Duration, 0, len(at))
	for _, n := range at {
		t := time.Now()
		got, total, err := items.Items(ctx, core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortTitle,
			Limit: 100, Offset: n})
		d := time.Since(t)
		if err != nil {
			return nil, err
		}
		if len(got) != min(100, movies-n) || total != movies {
			return nil, fmt.Errorf("store at offset %d: %d items, count %d", n, len(got), total)
		}
		out = append(out, d)
	}
	return sorted(out), nil
}
