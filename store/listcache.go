package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// The list cache keeps the ordered keys (seq) of recent item lists, so that paging through a
// library of 30,000 movies reads 100 rows by key instead of counting the 30,000 and skipping
// thousands through an OFFSET on every page. An entry holds until this process writes anything
// item lists depend on (the write pool's query hook bumps a generation, synchronously, before the
// write returns), until another process's write shows in the cache stamps (stamps.go), or for
// listTTL, which only bounds the staleness left by writes no walros process announced (one killed
// between its commit and its bump, or a hand-made SQL change). User data writes do not count:
// lists filtered or sorted by user data are never cached.
const (
	listTTL      = 5 * time.Minute
	listEntries  = 64      // lists kept
	listMaxLen   = 200_000 // longer lists are not kept: they are read page by page
	listMaxTotal = 1 << 21 // keys kept over all lists (8 bytes each: 16 MiB)
)

// listRefresh is the age at which a list in use is read again in the background.
const listRefresh = listTTL * 3 / 4

// listCache is the cache of ordered item lists, one per DB.
type listCache struct {
	gen     atomic.Uint64 // bumped by every write that may change a list
	content atomic.Uint64 // bumped with gen and by writes to files and images: the page caches' (pagecache.go)

	users atomic.Uint64 // bumped by writes to users and their grants: the user cache's

	txMu   sync.Mutex
	openTx int    // transactions open on the write pool
	dirty  family // the families written while one was open

	stamps atomic.Pointer[stamps] // tells other processes of the writes, once started

	mu      sync.Mutex
	entries map[string]*listEntry
	total   int    // keys held by entries
	tick    uint64 // use counter, for evicting the least recently used
	now     func() time.Time

	refreshWG sync.WaitGroup // background reads of lists about to expire, for tests and Close
}

// listEntry is one list, or a list being read (done still open).
type listEntry struct {
	gen  uint64
	at   time.Time
	used uint64
	done chan struct{}
	seqs []int64
	long bool // over listMaxLen: not kept
	err  error

	refreshing bool // a read that will replace it runs in the background
}

func newListCache() *listCache {
	return &listCache{entries: map[string]*listEntry{}, now: time.Now}
}

// get returns the list under key, reading it with read when it is missing, out of date or
// expired; concurrent callers of one key wait for a single read. ok is false when the list is
// too long to keep: the caller reads its page from the database.
func (c *listCache) get(ctx context.Context, key string, read func(ctx context.Context, max int) ([]int64, error)) (seqs []int64, ok bool, err error) {
	for {
		gen, now := c.gen.Load(), c.now()
		c.mu.Lock()
		c.tick++
		e := c.entries[key]
		if e != nil && e.gen == gen && now.Sub(e.at) < listTTL {
			e.used = c.tick
			// A list in use is read again before it expires, so that no request waits for it.
			refresh := now.Sub(e.at) >= listRefresh && !e.refreshing && !e.long && isClosed(e.done) && e.err == nil
			e.refreshing = e.refreshing || refresh
			c.mu.Unlock()
			if refresh {
				c.refresh(ctx, key, e, read)
			}
			select {
			case <-e.done:
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
			if e.err != nil {
				continue // the reader failed (its request may have ended): read it here
			}
			return e.seqs, !e.long, nil
		}
		// gen is read before the list: a write that lands during the read bumps the generation
		// past the entry's, which is then never served.
		if e != nil {
			c.total -= len(e.seqs) // out of date: replaced
		}
		e = &listEntry{gen: gen, at: now, used: c.tick, done: make(chan struct{})}
		c.entries[key] = e
		c.evict()
		c.mu.Unlock()

		got, err := read(ctx, listMaxLen)
		c.mu.Lock()
		switch {
		case err != nil:
			e.err = err
			if c.entries[key] == e {
				delete(c.entries, key)
			}
		case len(got) > listMaxLen:
			e.long = true
		default:
			e.seqs = slices.Clip(got)
			if c.entries[key] == e {
				c.total += len(e.seqs)
				c.evict()
			}
		}
		c.mu.Unlock()
		close(e.done)
		if err != nil {
			return nil, false, err
		}
		return e.seqs, !e.long, nil
	}
}

// refresh reads the list under key again in the background and puts it in place of old, unless
// old was replaced or dropped meanwhile. The generation is read before the list, as in get.
func (c *listCache) refresh(ctx context.Context, key string, old *listEntry, read func(ctx context.Context, max int) ([]int64, error)) {
	c.refreshWG.Add(1)
	go func() {
		defer c.refreshWG.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		gen, at := c.gen.Load(), c.now()
		got, err := read(ctx, listMaxLen)
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.entries[key] != old {
			return
		}
		if err != nil || len(got) > listMaxLen {
			old.refreshing = false // get reads it when it expires
			return
		}
		done := make(chan struct{})
		close(done)
		e := &listEntry{gen: gen, at: at, used: old.used, done: done, seqs: slices.Clip(got)}
		c.entries[key] = e
		c.total += len(e.seqs) - len(old.seqs)
		c.evict()
	}()
}

// isClosed reports whether ch is closed.
func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// evict drops the least recently used lists while there are too many or they are too long.
// c.mu is held.
func (c *listCache) evict() {
	for len(c.entries) > listEntries || c.total > listMaxTotal {
		var (
			oldest string
			min    uint64
		)
		for k, e := range c.entries {
			if oldest == "" || e.used < min {
				oldest, min = k, e.used
			}
		}
		c.total -= len(c.entries[oldest].seqs)
		delete(c.entries, oldest)
	}
}

// invalidate makes every list kept so far out of date, and the page caches with them.
func (c *listCache) invalidate() {
	c.gen.Add(1)
	c.content.Add(1)
}

// bump makes what depends on the families of f out of date. User data is not among them: its
// writers name the user (pageCaches.userWrote).
func (c *listCache) bump(f family) {
	switch {
	case f&famLists != 0:
		c.invalidate()
	case f&famContent != 0:
		c.content.Add(1)
	}
	if f&famUsers != 0 {
		c.users.Add(1)
	}
}

// AfterQuery is the write pool's query hook: it invalidates the caches after each write to a table
// they read, and again when a transaction that may hold one ends, since readers see the write only
// from then on. Other processes hear of a write once it is committed (stamps.go): at once outside
// a transaction, at the end of the transaction otherwise.
func (c *listCache) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	switch e.Query {
	case "BEGIN":
		if e.Err == nil {
			c.txMu.Lock()
			c.openTx++
			c.txMu.Unlock()
		}
		return
	case "COMMIT", "ROLLBACK":
		c.txMu.Lock()
		c.openTx = max(c.openTx-1, 0)
		ended := c.dirty
		c.bump(ended)
		// Which transaction wrote is unknown: any end invalidates until none is open.
		if c.openTx == 0 {
			c.dirty = 0
		}
		c.txMu.Unlock()
		c.stamps.Load().wrote(ended)
		return
	}
	table, write := written(e.Query)
	f := tableFamily(table)
	if !write || f == 0 {
		return
	}
	c.txMu.Lock()
	c.bump(f)
	inTx := c.openTx > 0
	if inTx {
		c.dirty |= f
	}
	c.txMu.Unlock()
	if !inTx { // committed already; a transaction's writes go out when it ends
		c.stamps.Load().wrote(f)
	}
}

// BeforeQuery implements bun.QueryHook.
func (c *listCache) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

var _ bun.QueryHook = (*listCache)(nil)

// changesLists reports whether a statement may change an item list. A write it cannot read the
// table of counts.
func changesLists(query string) bool {
	table, write := written(query)
	return write && tableFamily(table)&famLists != 0
}

// written reports whether a statement writes, and to which table: "" for one it cannot name (DDL,
// a write it cannot parse), which counts as writing everything.
func written(query string) (table string, write bool) {
	query = strings.TrimSpace(query)
	first, _, _ := strings.Cut(query, " ")
	switch strings.ToUpper(first) {
	case "INSERT", "REPLACE", "UPDATE", "DELETE", "WITH":
	case "SELECT", "PRAGMA", "EXPLAIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "VALUES":
		return "", false
	default:
		return "", true // DDL
	}
	words := strings.Fields(query)
	for i, w := range words {
		var after string // the word before the table's name
		switch strings.ToUpper(w) {
		case "INSERT", "REPLACE":
			after = "INTO"
		case "UPDATE":
			after = "UPDATE"
		case "DELETE":
			after = "FROM"
		default:
			continue
		}
		for j := i; j < len(words)-1; j++ {
			if strings.EqualFold(words[j], after) {
				name := words[j+1]
				if strings.EqualFold(name, "OR") && j+3 < len(words) { // UPDATE OR REPLACE t
					name = words[j+3]
				}
				name, _, _ = strings.Cut(name, "(")
				return strings.Trim(name, "\"`"), true
			}
		}
		return "", true
	}
	return "", false // WITH ... SELECT
}

// listKey is what identifies a cacheable list: every field of q but the page and the count;
// cacheable is false for lists that read user data.
func listKey(q core.ItemQuery) (key string, cacheable bool) {
	if q.ReadsUserData() {
		return "", false
	}
	libs := slices.Clone(q.Libraries)
	slices.Sort(libs)
	kinds := slices.Clone(q.Kinds)
	slices.Sort(kinds)
	maxRating := "any"
	if q.MaxRating != nil {
		maxRating = strconv.Itoa(*q.MaxRating)
	}
	return fmt.Sprintf("%t%q|%q|%q|%q|%t|%q|%q|%q|%q|%q|%q|%q|%d|%s|%q|%q|%t|%s", q.Libraries != nil, libs, q.Library, kinds,
		q.Parent, q.TopLevel, q.InCollection, q.Text, q.Genre, q.Studio, q.Tag, q.Collection, q.Person, q.Year, maxRating,
		q.Letter, q.Sort, q.Desc, parentalKey(q.Parental)), true
}
