// Package warm reads long item lists ahead, in the background, so that their pages are in the
// store's caches before anyone asks for them.
//
// The store keeps a list's keys, its item rows, metadata, files, user data and (for the Jellyfin
// facade) each item's encoded card until a write makes them out of date (decision 0014). A page
// nobody has asked for since then is read cold: its rows and the blocks around them, its
// metadata, files and user data, and its cards encoded, about ten times what a warm page costs.
// A client that pages through a library in order meets that cost once per page; one that jumps
// (a letter, a scroll bar dragged, a random page) meets it on every jump. So the first request
// for a page of a long list starts a walk: once the writes have settled, the facade builds every
// other page of the same list in turn, exactly as it would for that caller, and throws the answer
// away. A walk stops when the write generation moves (what it read is dropped anyway; the next
// request starts another), when its walker closes, or after max items.
package warm

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/walros/walros/core"
)

// Options configure a Walker. Zero values take the defaults.
type Options struct {
	// Stamp returns the store's write generation; ok is false when the store keeps no caches,
	// and then nothing is walked.
	Stamp func() (gen uint64, ok bool)
	// Settle is how long a walk waits, with the generation unchanged, before its first page:
	// during a scan every write moves it, and walking then would be thrown away. Default 300 ms.
	Settle time.Duration
	// Max bounds the items one walk reads, so that one huge list does not push everything else
	// out of the caches (100,000 entries each). Default 50,000.
	Max int
	// Duty is the share of its time a walk spends reading; it sleeps the rest, so requests keep
	// most of the CPU. Default 0.6.
	Duty float64
	Log  *slog.Logger
}

// Page builds the page of a list at offset, as for the caller that asked for the list.
type Page func(ctx context.Context, offset int) error

// Walker runs one walk at a time; a list asked for while another is walked waits in a single
// slot, the latest wins.
type Walker struct {
	o      Options
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	walked  map[string]uint64 // lists walked, or being walked, at a generation
	running bool
	next    *walk // waits for the running walk
}

// walk is one list to read.
type walk struct {
	key               string
	gen               uint64
	total, size, from int
	page              Page
}

// maxKeys bounds the lists remembered as walked.
const maxKeys = 1024

// New returns a walker; Close stops it.
func New(o Options) *Walker {
	if o.Settle <= 0 {
		o.Settle = 300 * time.Millisecond
	}
	if o.Max <= 0 {
		o.Max = 50_000
	}
	if o.Duty <= 0 || o.Duty > 1 {
		o.Duty = 0.6
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Walker{o: o, ctx: ctx, cancel: cancel, walked: map[string]uint64{}}
}

// Walk reads the list key (total items, pages of size, the caller's page at from) ahead, unless
// it was walked since the last write or has no other page. key must name everything page's
// answer depends on: the caller, the query and the facade's options. It returns at once.
func (w *Walker) Walk(key string, total, size, from int, page Page) {
	if w == nil || w.o.Stamp == nil || size <= 0 || total <= size {
		return
	}
	gen, ok := w.o.Stamp()
	if !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if g, ok := w.walked[key]; ok && g == gen || w.ctx.Err() != nil {
		return
	}
	if len(w.walked) >= maxKeys {
		clear(w.walked)
	}
	w.walked[key] = gen
	wk := &walk{key: key, gen: gen, total: total, size: size, from: from, page: page}
	if w.running {
		if w.next != nil {
			delete(w.walked, w.next.key) // replaced before it ran: a later request may ask again
		}
		w.next = wk
		return
	}
	w.running = true
	w.wg.Add(1)
	go w.run(wk)
}

// run walks wk, then whatever waits.
func (w *Walker) run(wk *walk) {
	defer w.wg.Done()
	for wk != nil {
		if !w.walk(wk) {
			w.mu.Lock()
			if w.walked[wk.key] == wk.gen {
				delete(w.walked, wk.key) // not finished: the next request may start it again
			}
			w.mu.Unlock()
		}
		w.mu.Lock()
		wk, w.next = w.next, nil
		if wk == nil {
			w.running = false
		}
		w.mu.Unlock()
	}
}

// walk reads every page of wk but the caller's, from the one after it; false when it stopped
// early.
func (w *Walker) walk(wk *walk) bool {
	if !w.sleep(w.o.Settle) || !w.current(wk) {
		return false
	}
	start, items := time.Now(), 0
	pages, mine := (wk.total+wk.size-1)/wk.size, wk.from/wk.size // the caller's is read already
	for i := 1; i < pages && items < w.o.Max; i++ {
		off := (mine + i) % pages * wk.size // from the next page to the end, then from the start
		t := time.Now()
		if err := wk.page(w.ctx, off); err != nil {
			if w.ctx.Err() == nil {
				w.o.Log.Debug("list walk stopped", "list", wk.key, "offset", off, "err", err)
			}
			return false
		}
		items += min(wk.size, wk.total-off)
		took := time.Since(t)
		if !w.sleep(time.Duration(float64(took)*(1-w.o.Duty)/w.o.Duty)) || !w.current(wk) {
			return false
		}
	}
	w.o.Log.Debug("list walked", "list", wk.key, "items", items, "took", time.Since(start))
	return true
}

// current reports whether what wk has read is still kept: no write since it began.
func (w *Walker) current(wk *walk) bool {
	gen, ok := w.o.Stamp()
	return ok && gen == wk.gen
}

// sleep waits d, or less when the walker closes; false then.
func (w *Walker) sleep(d time.Duration) bool {
	if d <= 0 {
		return w.ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// Close stops the walk under way and waits for it.
func (w *Walker) Close() {
	if w == nil {
		return
	}
	w.cancel()
	w.wg.Wait()
}

// Key names a list for Walk: who reads it (their rights, not their session or key), the query
// without its page, and opts, what else the facade's answer depends on.
func Key(viewer core.Caller, q core.ItemQuery, opts string) (string, error) {
	viewer.SessionID, viewer.APIKeyID = "", ""
	q.Offset, q.Limit, q.NoCount = 0, 0, false
	b, err := json.Marshal(struct {
		Viewer core.Caller
		Query  core.ItemQuery
		Opts   string
	}{viewer, q, opts})
	return string(b), err
}
