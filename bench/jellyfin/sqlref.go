package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/walros/walros/bench/internal/benchlib"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// The reference's SQL, the page and the count: the movies of every library, as the store asks
// them for an admin (see benchlib.PageSQL).
var (
	pageSQL  = benchlib.PageSQL(benchlib.MoviesWhere)
	countSQL = benchlib.CountSQL(benchlib.MoviesWhere)
)

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

func (r *storeRef) sequential(ctx context.Context, at []int) (benchlib.Latencies, error) {
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
		if len(got) != min(100, benchlib.Movies-n) || total != benchlib.Movies {
			return nil, fmt.Errorf("store at offset %d: %d items, count %d", n, len(got), total)
		}
		out = append(out, d)
	}
	return benchlib.Sorted(out), nil
}
