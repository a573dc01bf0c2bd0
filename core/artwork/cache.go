package artwork

import (
	"bufio"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// tmpPrefix marks files still being written; a crash can leave them behind.
const tmpPrefix = ".tmp-"

// writeAtomic writes a file named name in dir through a temporary file, so that readers see the
// whole file or none. check, when not nil, can refuse the written file before it is renamed.
func writeAtomic(dir, name string, write func(io.Writer) error, check func(*os.File) error) (fs.FileInfo, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return nil, err
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if check != nil {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if err := check(f); err != nil {
			return nil, err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return nil, err
	}
	renamed = true
	return fi, nil
}

// removeTemps removes what a crash left half-written in dir.
func removeTemps(dir string, log *slog.Logger) {
	des, err := os.ReadDir(dir)
	if err != nil {
		log.Warn("artwork cache cleanup failed", "dir", dir, "err", err)
		return
	}
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			if err := os.Remove(filepath.Join(dir, de.Name())); err != nil {
				log.Warn("artwork cache cleanup failed", "file", de.Name(), "err", err)
			}
		}
	}
}

// entry is one rendition on disk.
type entry struct {
	name          string
	size          int64
	modTime       time.Time
	width, height int // 0 until known, for files found at startup
}

// lru indexes the renditions and evicts the least recently used when they outgrow max. Eviction
// happens as renditions are added, so no goroutine is needed.
type lru struct {
	dir string
	max int64
	log *slog.Logger

	mu     sync.Mutex
	total  int64
	order  *list.List // of *entry; front: most recently used
	byName map[string]*list.Element
}

// loadLRU indexes the renditions in dir, the newest taken as the most recently used, and removes
// what a crash left half-written.
func loadLRU(dir string, maxBytes int64, log *slog.Logger) (*lru, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read artwork cache: %w", err)
	}
	c := &lru{dir: dir, max: maxBytes, log: log, order: list.New(), byName: map[string]*list.Element{}}
	var found []entry
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		fi, err := de.Info()
		switch {
		case err != nil:
			continue
		case strings.HasPrefix(de.Name(), tmpPrefix) || fi.Size() == 0:
			c.remove(de.Name())
			continue
		}
		found = append(found, entry{name: de.Name(), size: fi.Size(), modTime: fi.ModTime()})
	}
	slices.SortFunc(found, func(a, b entry) int { return a.modTime.Compare(b.modTime) })
	for _, e := range found {
		c.add(e)
	}
	return c, nil
}

// get returns the entry named name and marks it used.
func (c *lru) get(name string) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byName[name]
	if !ok {
		return entry{}, false
	}
	c.order.MoveToFront(el)
	return *el.Value.(*entry), true
}

// setSize records the picture size of the entry named name.
func (c *lru) setSize(name string, w, h int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byName[name]; ok {
		e := el.Value.(*entry)
		e.width, e.height = w, h
	}
}

// add indexes e as the most recently used rendition, then evicts the least recently used others
// until the cache fits.
func (c *lru) add(e entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byName[e.name]; ok {
		c.total -= old.Value.(*entry).size
		c.order.Remove(old)
	}
	el := c.order.PushFront(&e)
	c.byName[e.name] = el
	c.total += e.size
	for c.total > c.max {
		back := c.order.Back()
		if back == el { // never the one being served, even if it alone is too large
			break
		}
		c.dropLocked(back)
	}
}

// drop forgets the entry named name and removes its file.
func (c *lru) drop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byName[name]; ok {
		c.dropLocked(el)
	}
}

func (c *lru) dropLocked(el *list.Element) {
	e := el.Value.(*entry)
	c.order.Remove(el)
	delete(c.byName, e.name)
	c.total -= e.size
	c.remove(e.name)
}

func (c *lru) remove(name string) {
	if err := os.Remove(filepath.Join(c.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.log.Warn("artwork cache eviction failed", "file", name, "err", err)
	}
}

// group runs each keyed piece of work once at a time: callers asking for a key already in flight
// wait for its result. The work runs detached from the caller that started it, so a client
// leaving does not fail the others; each caller still stops waiting when its own ctx ends.
type group struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	val  any
	err  error
}

// flight returns fn's result for key, running fn unless a call for key is already in flight.
func flight[T any](g *group, ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	g.mu.Lock()
	c, ok := g.calls[key]
	if !ok {
		if g.calls == nil {
			g.calls = map[string]*call{}
		}
		c = &call{done: make(chan struct{})}
		g.calls[key] = c
		go func() {
			defer func() {
				if p := recover(); p != nil { // a decoder bug must not take the server down
					c.err = fmt.Errorf("artwork %s: panic: %v", key, p)
				}
				g.mu.Lock()
				delete(g.calls, key)
				g.mu.Unlock()
				close(c.done)
			}()
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
			defer cancel()
			c.val, c.err = fn(wctx)
		}()
	}
	g.mu.Unlock()
	var zero T
	select {
	case <-c.done:
		if c.err != nil {
			return zero, c.err
		}
		return c.val.(T), nil
	case <-ctx.Done():
		return zero, context.Cause(ctx)
	}
}
