package segcache

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Open loads the cache rooted at dir, creating it if needed, bounded to
// maxBytes (> 0) of segments. A nil log discards messages.
//
// Open reconciles the index with the disk: scratch and trash directories and
// stray files are removed, index records whose file is missing or has another
// size are dropped, files without a record are adopted with their mtime as
// last use, and least recently used entries are evicted down to maxBytes. A
// corrupt index is logged and rebuilt from the disk; it never stops Open.
func Open(dir string, maxBytes int64, log *slog.Logger) (*Cache, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("open segment cache: maxBytes must be > 0, got %d", maxBytes)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open segment cache: %w", err)
	}
	unlock, err := lockDir(filepath.Join(dir, "lock"))
	if err != nil {
		return nil, fmt.Errorf("open segment cache: %w", err)
	}
	c := &Cache{
		dir:        dir,
		segDir:     filepath.Join(dir, "seg"),
		scratchDir: filepath.Join(dir, "scratch"),
		trashDir:   filepath.Join(dir, "trash"),
		max:        maxBytes,
		log:        log,
		unlock:     unlock,
		now:        func() int64 { return time.Now().UnixNano() },
		entries:    make(map[id]*entry),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	c.lru.prev, c.lru.next = &c.lru, &c.lru
	if err := c.load(); err != nil {
		_ = unlock()
		return nil, fmt.Errorf("open segment cache %s: %w", dir, err)
	}
	go c.snapshotLoop()
	return c, nil
}

// load prepares the directories, reconciles the index with seg/, enforces the
// bound and writes a fresh index.
func (c *Cache) load() error {
	for _, d := range []string{c.scratchDir, c.trashDir} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.Mkdir(d, 0o750); err != nil {
			return err
		}
	}
	for i := range 256 {
		if err := os.MkdirAll(filepath.Join(c.segDir, fmt.Sprintf("%02x", i)), 0o750); err != nil {
			return err
		}
	}
	if stale, err := filepath.Glob(filepath.Join(c.dir, indexTemp+"*")); err == nil {
		for _, p := range stale {
			_ = os.Remove(p) // an index write interrupted by a crash
		}
	}

	idxPath := filepath.Join(c.dir, indexName)
	idx, err := readIndex(idxPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		c.log.Warn("segment cache index is corrupt; rebuilding it from the files", "path", idxPath, "err", err)
		idx = nil
	}
	// No other goroutine has c yet, so the *Locked helpers run without c.mu.
	found, st, err := c.scan(idx)
	if err != nil {
		return err
	}
	slices.SortFunc(found, func(a, b *entry) int { return cmp.Compare(a.used, b.used) })
	for _, e := range found { // oldest first, so the newest ends at the front
		c.entries[e.id] = e
		c.pushFront(e)
		c.bytes += e.size
	}
	c.removeTrash(c.evictLocked(nil))
	c.dirty = true
	if err := c.snapshot(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	c.log.Info("segment cache opened", "dir", c.dir, "entries", len(c.entries), "bytes", c.bytes,
		"maxBytes", c.max, "adopted", st.adopted, "dropped", len(idx)-st.matched, "removed", st.removed,
		"evicted", c.evictions)
	return nil
}

type scanStats struct {
	matched int // files with an index record
	adopted int // files without one
	removed int // stray files, and files whose size disagrees with the index
}

// scan lists seg/, removes what is not an entry and returns the entries, with
// the last use from idx where it has a record of the same size.
func (c *Cache) scan(idx map[id]record) ([]*entry, scanStats, error) {
	var st scanStats
	shards, err := os.ReadDir(c.segDir)
	if err != nil {
		return nil, st, err
	}
	var found []*entry
	for _, sh := range shards {
		shard := filepath.Join(c.segDir, sh.Name())
		if !sh.IsDir() || !isShard(sh.Name()) {
			c.removeStray(shard, &st)
			continue
		}
		files, err := os.ReadDir(shard)
		if err != nil {
			return nil, st, err
		}
		for _, f := range files {
			p := filepath.Join(shard, f.Name())
			k, ok := parseName(f.Name())
			if !ok || !strings.HasPrefix(f.Name(), sh.Name()) || !f.Type().IsRegular() {
				c.removeStray(p, &st)
				continue
			}
			info, err := f.Info()
			if err != nil {
				continue // removed since ReadDir
			}
			e := &entry{id: k, size: info.Size(), used: info.ModTime().UnixNano()}
			if r, ok := idx[k]; ok {
				if r.size != e.size {
					// Only a truncated write (power loss) changes a finished
					// segment's size; it is cheaper to encode it again.
					c.log.Warn("cached segment size changed; removing it", "file", p, "size", e.size, "indexSize", r.size)
					c.removeStray(p, &st)
					continue
				}
				e.used = r.used
				st.matched++
			} else {
				st.adopted++
			}
			found = append(found, e)
		}
	}
	return found, st, nil
}

func (c *Cache) removeStray(p string, st *scanStats) {
	if err := os.RemoveAll(p); err != nil {
		c.log.Warn("remove stray file from segment cache", "path", p, "err", err)
		return
	}
	st.removed++
}
