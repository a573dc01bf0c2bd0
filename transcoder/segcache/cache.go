// Package segcache is the on-disk cache of finished HLS and DASH segments,
// shared by every viewer.
//
// The session manager runs ffmpeg in a directory from Scratch and calls Put
// once a segment is complete; Put renames the file into the cache, which is
// the only way an entry becomes visible. A rename is atomic, so readers never
// see a partial segment and a crash mid-Put leaves no half entry. Waiting for
// a segment still being encoded, and encoding each segment once, are the
// manager's job.
//
// Layout under the cache directory:
//
//	seg/ab/ab12…ef  one file per entry, named by the hex SHA-256 of its key
//	scratch/s-*/    producers' working directories, removed at Open
//	trash/          evicted files between their rename and unlink
//	index           snapshot of each entry's size and last use
//	lock            flock'ed while a process has the cache open
//
// The files under seg/ are the truth. The index adds what the disk cannot
// tell: when each entry was last read, so LRU order survives a restart. It is
// written at Open, every minute while entries change, and at Close. Files put
// since the last snapshot are adopted at Open with their mtime as last use; a
// corrupt index is ignored the same way.
//
// Put does not fsync: a process crash loses nothing, but after a power loss a
// segment written just before may be truncated. Open drops files whose size
// differs from the index; files newer than the last snapshot are trusted.
package segcache

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

var (
	// ErrNotFound is returned by Get when the key has no entry.
	ErrNotFound = errors.New("segment not cached")
	// ErrInvalidKey is returned for a key that is empty, longer than
	// MaxKeyLen, or not a clean relative slash path (see Put).
	ErrInvalidKey = errors.New("invalid segment cache key")
	// ErrClosed is returned by Put and Get after Close.
	ErrClosed = errors.New("segment cache closed")
	// ErrLocked is returned by Open when another process has the directory open.
	ErrLocked = errors.New("segment cache in use by another process")
)

// snapshotEvery is how often the index is rewritten while entries change.
// A crash loses at most this much last-use history, never entries.
const snapshotEvery = time.Minute

// Cache is a size-bounded LRU cache of segment files. It is safe for
// concurrent use; open it once per directory and process.
type Cache struct {
	dir, segDir, scratchDir, trashDir string
	max                               int64
	log                               *slog.Logger
	unlock                            func() error
	now                               func() int64 // unix ns; replaced in tests

	mu        sync.Mutex
	entries   map[id]*entry
	lru       entry // sentinel: lru.next is the most recently used entry
	bytes     int64
	hits      uint64
	misses    uint64
	evictions uint64
	trashSeq  uint64
	dirty     bool // changed since the last snapshot
	closed    bool

	snapMu sync.Mutex // one index write at a time
	stop   chan struct{}
	done   chan struct{}
}

// entry is one cached file, linked into the LRU list.
type entry struct {
	id         id
	size       int64
	used       int64 // last Put or Get, unix ns
	prev, next *entry
}

// Stats is a snapshot of the cache's counters, for metrics.
type Stats struct {
	Entries   int    // segments cached
	Bytes     int64  // their total size
	MaxBytes  int64  // the bound given to Open
	Hits      uint64 // Gets that returned a file
	Misses    uint64 // Gets that returned ErrNotFound
	Evictions uint64 // entries removed to respect MaxBytes
}

// Scratch returns a new empty directory inside the cache directory, so it is
// on the same filesystem and Put can rename out of it. The caller removes it
// (os.RemoveAll) when its producer is done; directories left by a previous
// process are removed by Open.
func (c *Cache) Scratch() (string, error) {
	d, err := os.MkdirTemp(c.scratchDir, "s-")
	if err != nil {
		return "", fmt.Errorf("create scratch dir: %w", err)
	}
	return d, nil
}

// Put moves the finished file src into the cache under key with a rename, so
// src must be on the cache's filesystem (see Scratch). If key is already
// cached, the existing entry is kept, marked used, and src is removed. Then
// least recently used entries are evicted until the total size is within the
// bound; the entry just put is never evicted, so one oversized segment may
// exceed the bound until the next Put.
//
// Evicted files are unlinked, not truncated: a reader that already has one
// open keeps reading it (POSIX semantics; on Windows eviction of an open file
// fails and is logged).
//
// A key is a clean relative slash path of at most MaxKeyLen bytes, such as
// "<rendition hash>/v0/00012.m4s", without backslashes or control characters.
// Keys are hashed before they touch the filesystem, so no key can name a path
// outside the cache.
func (c *Cache) Put(key, src string) error {
	k, err := keyID(key)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return fmt.Errorf("put segment %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("put segment %s: %s is not a regular file", key, src)
	}
	dst := c.path(k)
	now := c.now()

	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if e, ok := c.entries[k]; ok {
		c.touch(e, now)
		c.mu.Unlock()
		if err := os.Remove(src); err != nil {
			return fmt.Errorf("put segment %s: already cached; remove duplicate: %w", key, err)
		}
		return nil
	}
	// The rename happens under the lock so that the map and seg/ always agree:
	// an entry in the map has its file in place, and eviction moves a file out
	// before anyone can put the same key again.
	if err := os.Rename(src, dst); err != nil {
		c.mu.Unlock()
		return fmt.Errorf("put segment %s: %w", key, err)
	}
	e := &entry{id: k, size: fi.Size(), used: now}
	c.entries[k] = e
	c.pushFront(e)
	c.bytes += e.size
	c.dirty = true
	victims := c.evictLocked(e)
	c.mu.Unlock()

	c.removeTrash(victims)
	return nil
}

// Get opens the cached segment for reading and marks it used. The FileInfo
// gives the size and mod time http.ServeContent needs; the caller closes the
// file. A miss returns ErrNotFound.
func (c *Cache) Get(key string) (*os.File, fs.FileInfo, error) {
	k, err := keyID(key)
	if err != nil {
		return nil, nil, err
	}
	now := c.now()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, nil, ErrClosed
	}
	e, ok := c.entries[k]
	if !ok {
		c.misses++
		c.mu.Unlock()
		return nil, nil, ErrNotFound
	}
	c.touch(e, now)
	c.hits++
	c.mu.Unlock()

	// Opened outside the lock: if the entry is evicted meanwhile, the open
	// fails with ErrNotExist and this is a miss; if it is evicted after, the
	// descriptor still reads the whole file.
	f, err := os.Open(c.path(k))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("open segment %s: %w", key, err)
		}
		c.mu.Lock()
		c.hits--
		c.misses++
		if c.entries[k] == e { // not evicted: the file was removed behind our back
			c.removeLocked(e)
			c.log.Warn("cached segment file vanished", "key", key)
		}
		c.mu.Unlock()
		return nil, nil, ErrNotFound
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("stat segment %s: %w", key, err)
	}
	return f, fi, nil
}

// Has reports whether key is cached, without opening it or marking it used.
// An invalid key is never cached.
func (c *Cache) Has(key string) bool {
	k, err := keyID(key)
	if err != nil {
		return false
	}
	c.mu.Lock()
	_, ok := c.entries[k]
	c.mu.Unlock()
	return ok
}

// Stats returns the current counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Entries: len(c.entries), Bytes: c.bytes, MaxBytes: c.max,
		Hits: c.hits, Misses: c.misses, Evictions: c.evictions}
}

// Close writes the index and releases the directory. Put and Get fail with
// ErrClosed afterwards; files already returned by Get stay readable. Close is
// idempotent.
func (c *Cache) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	err := c.snapshot()
	if err != nil {
		err = fmt.Errorf("write segment cache index: %w", err)
	}
	return errors.Join(err, c.unlock())
}

// snapshotLoop rewrites the index every snapshotEvery while entries change.
func (c *Cache) snapshotLoop() {
	defer close(c.done)
	t := time.NewTicker(snapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if err := c.snapshot(); err != nil {
				c.log.Warn("write segment cache index", "err", err)
			}
		}
	}
}

// snapshot writes the index if anything changed since the last one. The
// records are copied under the lock and written without it.
func (c *Cache) snapshot() error {
	c.snapMu.Lock()
	defer c.snapMu.Unlock()
	c.mu.Lock()
	if !c.dirty {
		c.mu.Unlock()
		return nil
	}
	recs := make([]record, 0, len(c.entries))
	for e := c.lru.prev; e != &c.lru; e = e.prev { // oldest first
		recs = append(recs, record{id: e.id, size: e.size, used: e.used})
	}
	c.dirty = false
	c.mu.Unlock()

	err := writeIndex(filepath.Join(c.dir, indexName), recs)
	if err != nil {
		c.mu.Lock()
		c.dirty = true
		c.mu.Unlock()
	}
	return err
}

// evictLocked drops least recently used entries, except keep, until the total
// is within the bound. Each victim is renamed into trash/ now, so its path is
// free for a later Put of the same key, and its trash path is returned for
// removeTrash to unlink without the lock.
func (c *Cache) evictLocked(keep *entry) []string {
	var trash []string
	for c.bytes > c.max {
		v := c.lru.prev
		if v == &c.lru || v == keep {
			break
		}
		c.trashSeq++
		t := filepath.Join(c.trashDir, strconv.FormatUint(c.trashSeq, 10))
		switch err := os.Rename(c.path(v.id), t); {
		case err == nil:
			trash = append(trash, t)
		case errors.Is(err, fs.ErrNotExist): // already gone
		default:
			// The file stays in seg/: Open adopts it again, or a Put of the
			// same key replaces it.
			c.log.Warn("evict cached segment", "file", v.id.name(), "err", err)
		}
		c.removeLocked(v)
		c.evictions++
	}
	return trash
}

func (c *Cache) removeTrash(paths []string) {
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			c.log.Warn("remove evicted segment", "file", p, "err", err)
		}
	}
}

func (c *Cache) removeLocked(e *entry) {
	delete(c.entries, e.id)
	c.unlink(e)
	c.bytes -= e.size
	c.dirty = true
}

func (c *Cache) touch(e *entry, now int64) {
	e.used = now
	c.unlink(e)
	c.pushFront(e)
	c.dirty = true
}

func (c *Cache) pushFront(e *entry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

func (c *Cache) unlink(e *entry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}
