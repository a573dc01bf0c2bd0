package store

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// The caches of this process (lists, pages, users) learn of its own writes from the write pool's
// query hook. Writes by another process on the same database (the scan command beside a running
// server, a second server on one PostgreSQL database) reach them through the cache_stamps table:
// each process bumps the stamp of each family of tables it wrote, once its writes are committed,
// and polls the stamps for bumps it did not make. A write by another process so shows within
// stampPoll plus stampDelay, where it used to take up to the caches' expiry (listTTL).
const (
	stampPoll  = 250 * time.Millisecond // how often the stamps are read
	stampDelay = 10 * time.Millisecond  // how long the writes of a burst are gathered into one bump
)

// family is a set of families of tables the caches depend on.
type family uint8

const (
	famLists    family = 1 << iota // items and what lists filter on: lists, rows, cards
	famContent                     // files and images: file counts and cards
	famUsers                       // users and their library grants
	famUserData                    // user data
	famAll      = famLists | famContent | famUsers | famUserData
)

// familyNames are the rows of cache_stamps.
var familyNames = map[family]string{famLists: "lists", famContent: "content", famUsers: "users", famUserData: "user_data"}

// tableFamily is the family a write to table changes; "" (a statement the hook cannot name) changes
// every family.
func tableFamily(table string) family {
	if strings.HasPrefix(table, "stats_") { // the statistics rollups: no cache reads them
		return 0
	}
	switch table {
	case "":
		return famAll
	case "cache_stamps", "key_counters", "sessions", "preferences", "api_keys", "playlists", "playlist_shares", "playlist_entries", "play_history", "linked_tokens", "user_lists", "user_list_items",
		"image_blurhashes", // read only through items.blurhash, whose writes count
		"image_uploads":    // read by the sweep of orphaned uploads only

		return 0
	case "users", "user_libraries":
		return famUsers
	case "user_data", "user_series":
		return famUserData
	case "media_files", "item_images":
		return famContent
	}
	return famLists
}

// stamps publishes this process's writes and watches for those of others.
type stamps struct {
	db    *DB
	apply func(f family) // makes the caches of f out of date

	mu    sync.Mutex // held across a publish or a poll, so neither sees the other half done
	known map[string]int64
	// pending holds the families of committed writes not yet published. It is apart from mu: a
	// publish holds mu while it waits for the write connection, which a writer calling wrote holds.
	pending atomic.Uint32

	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// startStamps reads the current stamps and starts publishing and polling.
func startStamps(ctx context.Context, db *DB, apply func(f family)) (*stamps, error) {
	s := &stamps{db: db, apply: apply, known: map[string]int64{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if _, err := s.read(ctx); err != nil {
		return nil, err
	}
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	go s.run(ctx)
	return s, nil
}

// wrote notes committed writes to f, to publish shortly.
func (s *stamps) wrote(f family) {
	if s == nil || f == 0 {
		return
	}
	s.pending.Or(uint32(f))
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *stamps) run(ctx context.Context) {
	defer close(s.done)
	poll := time.NewTicker(stampPoll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
			select { // gather the rest of the burst
			case <-ctx.Done():
				return
			case <-time.After(stampDelay):
			}
			s.logErr(s.publish(ctx))
		case <-poll.C:
			s.logErr(s.poll(ctx))
			if s.pending.Load() != 0 { // a publish that failed: try again
				s.logErr(s.publish(ctx))
			}
		}
	}
}

func (s *stamps) logErr(err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		slog.Warn("cache stamps", "err", err)
	}
}

// read reads every stamp and returns the families another process bumped since the last read.
// s.mu is held, or s is not shared yet.
func (s *stamps) read(ctx context.Context) (family, error) {
	var rows []struct {
		Name string `bun:"name"`
		Gen  int64  `bun:"gen"`
	}
	if err := s.db.R.NewSelect().Table("cache_stamps").Column("name", "gen").Scan(ctx, &rows); err != nil {
		return 0, wrap(err, "read cache stamps")
	}
	var changed family
	for _, r := range rows {
		if r.Gen != s.known[r.Name] {
			changed |= familyOf(r.Name)
			s.known[r.Name] = r.Gen
		}
	}
	return changed, nil
}

// poll applies the bumps of other processes.
func (s *stamps) poll(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed, err := s.read(ctx)
	if changed != 0 {
		s.apply(changed)
	}
	return err
}

// publish bumps the stamps of the pending families. A stamp that moved by more than this bump was
// also bumped by another process, whose writes are then applied here.
func (s *stamps) publish(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := family(s.pending.Swap(0))
	if f == 0 {
		return nil
	}
	var names []string
	for bit, name := range familyNames {
		if f&bit != 0 {
			names = append(names, name)
		}
	}
	var rows []struct {
		Name string `bun:"name"`
		Gen  int64  `bun:"gen"`
	}
	err := s.db.W.NewRaw("UPDATE cache_stamps SET gen = gen + 1 WHERE name IN (?) RETURNING name, gen", bun.List(names)).Scan(ctx, &rows)
	if err != nil {
		s.pending.Or(uint32(f)) // published with the next write, or at Close
		return wrap(err, "bump cache stamps")
	}
	var others family
	for _, r := range rows {
		if r.Gen != s.known[r.Name]+1 {
			others |= familyOf(r.Name)
		}
		s.known[r.Name] = r.Gen
	}
	if others != 0 {
		s.apply(others)
	}
	return nil
}

// familyOf is the family named name; an unknown name (a newer version's) counts as every family.
func familyOf(name string) family {
	for bit, n := range familyNames {
		if n == name {
			return bit
		}
	}
	return famAll
}

// close stops the loop and publishes what is pending, so that a short-lived process (the scan
// command) leaves no write unannounced.
func (s *stamps) close() error {
	if s == nil {
		return nil
	}
	s.cancel()
	<-s.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.publish(ctx)
}
