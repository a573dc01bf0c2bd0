package artwork

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walros/walros/core"
)

// The defaults of HasherOptions.
const (
	defaultHashPage  = 500
	defaultHashBatch = 500
	defaultHashFlush = 30 * time.Second
	defaultHashDuty  = 0.5
	maxPending       = 100_000 // remote pictures remembered until downloaded
)

// HasherOptions configures a Hasher. Zero values take the defaults.
type HasherOptions struct {
	// Page is how many items a sweep reads from the store at once (default 500).
	Page int
	// Batch and Flush bound how many hashes, and for how long, are gathered before they are saved
	// (default 500 and 30 s): each save makes the store's list caches out of date once.
	Batch int
	Flush time.Duration
	// Duty is the share of its time the hasher spends decoding; it sleeps the rest, so requests
	// keep the CPU (default 0.5).
	Duty float64
	Log  *slog.Logger
}

// Hasher computes, in the background, the blurhashes of items' primary images that the store does
// not know yet, one at a time, and saves them into the store so that lists carry them (decision
// 0036). A sweep walks every item with a primary image, in id order, and hashes those whose hash
// is missing or was computed from another version of the file; it is restartable, since what is
// done is in the store. Remote pictures not downloaded yet are skipped: downloading every poster
// of a library would fill the disk with originals nobody looked at; the first time the artwork
// service downloads one (a viewer asked for it), it is hashed.
//
// Before each sweep it also removes the uploads no item shows any more (RemoveOrphans, decision
// 0044): it runs when they appear, at start (after a crash) and after scans (which refresh and
// remove items), and one background task is easier to reason about than two.
type Hasher struct {
	art   *Service
	store HasherStore
	o     HasherOptions

	kick    chan struct{}
	fetched chan string
	noted   chan core.PrimaryImage

	mu      sync.Mutex
	pending map[string][]core.ItemID // remote pictures not downloaded, by URL

	sweeps, saved atomic.Int64 // for tests
}

// HasherStore is what a Hasher reads and writes: the blurhashes. Its sweep of orphaned uploads
// goes through the service's own store (Options.Uploads).
type HasherStore interface {
	core.BlurHashStore
}

// NewHasher returns a hasher of s's pictures into store; Run starts it.
func (s *Service) NewHasher(store HasherStore, o HasherOptions) *Hasher {
	if o.Page <= 0 {
		o.Page = defaultHashPage
	}
	if o.Batch <= 0 {
		o.Batch = defaultHashBatch
	}
	if o.Flush <= 0 {
		o.Flush = defaultHashFlush
	}
	if o.Duty <= 0 || o.Duty > 1 {
		o.Duty = defaultHashDuty
	}
	if o.Log == nil {
		o.Log = s.log
	}
	h := &Hasher{art: s, store: store, o: o, kick: make(chan struct{}, 1), fetched: make(chan string, 256),
		noted:   make(chan core.PrimaryImage, 256),
		pending: map[string][]core.ItemID{}}
	s.hasher.Store(h)
	return h
}

// Kick asks for a sweep, after a scan for instance; kicks during a sweep make one more.
func (h *Hasher) Kick() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// NoteBlurHash tells the hasher, if the service has one, that item's first Primary image is img,
// whose hash a request has just computed and the item's row lacks (an item's page, after an admin
// picked another poster): the hasher saves it with its next batch instead of at the next sweep.
func (s *Service) NoteBlurHash(item core.ItemID, img core.Image) {
	h := s.hasher.Load()
	if h == nil {
		return
	}
	select {
	case h.noted <- core.PrimaryImage{Item: item, Image: img}:
	default: // the next sweep saves it
	}
}

// fetchedURL is told of each remote picture the artwork service downloads.
func (h *Hasher) fetchedURL(url string) {
	h.mu.Lock()
	_, ok := h.pending[url]
	h.mu.Unlock()
	if !ok {
		return
	}
	select {
	case h.fetched <- url:
	default: // the next sweep hashes it
	}
}

// Run sweeps once, then at each kick, and hashes downloaded pictures, until ctx ends. Orphaned
// uploads go first: a first sweep of a large library hashes for hours.
func (h *Hasher) Run(ctx context.Context) {
	h.Kick()
	b := &hashBatch{h: h}
	timer := time.NewTimer(h.o.Flush)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			b.flush(context.WithoutCancel(ctx))
			return
		case <-h.kick:
			h.removeOrphans(ctx)
			h.sweep(ctx, b)
			b.flush(ctx)
		case url := <-h.fetched:
			h.hashFetched(ctx, b, url)
		case p := <-h.noted:
			h.hash(ctx, b, p)
		case <-timer.C:
			b.flush(ctx)
			timer.Reset(h.o.Flush)
		}
	}
}

// removeOrphans removes the uploads no item shows, and says what it did. A failure waits for the
// next sweep: nothing depends on the space.
func (h *Hasher) removeOrphans(ctx context.Context) {
	o, err := h.art.RemoveOrphans(ctx)
	if o.Removed > 0 {
		h.o.Log.InfoContext(ctx, "orphaned uploads removed", "count", o.Removed, "bytes", o.Bytes)
	}
	if o.Unrecorded > 0 { // debug: another database's uploads are there for good, at every sweep
		h.o.Log.DebugContext(ctx, "uploads kept: not in this database's ledger", "count", o.Unrecorded)
	}
	if o.Elsewhere > 0 {
		h.o.Log.WarnContext(ctx, "uploads kept: items point to them in another folder; was the data folder moved?",
			"count", o.Elsewhere, "dir", h.art.uploads)
	}
	if err != nil && ctx.Err() == nil {
		h.o.Log.WarnContext(ctx, "orphaned uploads not removed; the next sweep tries again", "err", err)
	}
}

// sweep hashes the primary images whose hash the store lacks or got from another file.
func (h *Hasher) sweep(ctx context.Context, b *hashBatch) {
	defer h.sweeps.Add(1)
	var after core.ItemID
	for ctx.Err() == nil {
		page, err := h.store.PrimaryImages(ctx, after, h.o.Page)
		if err != nil {
			if ctx.Err() == nil {
				h.o.Log.WarnContext(ctx, "blurhash sweep stopped", "err", err)
			}
			return
		}
		for _, p := range page {
			h.hash(ctx, b, p)
			select { // a viewer's download is hashed now, not after the sweep
			case url := <-h.fetched:
				h.hashFetched(ctx, b, url)
			case p := <-h.noted:
				h.hash(ctx, b, p)
			default:
			}
		}
		if len(page) < h.o.Page {
			return
		}
		after = page[len(page)-1].Item
	}
}

// hashFetched hashes a remote picture the items pending on it were waiting for.
func (h *Hasher) hashFetched(ctx context.Context, b *hashBatch, url string) {
	h.mu.Lock()
	items := h.pending[url]
	delete(h.pending, url)
	h.mu.Unlock()
	im := core.Image{Kind: core.ImagePrimary, URL: url}
	for _, id := range items {
		h.hash(ctx, b, core.PrimaryImage{Item: id, Image: im})
	}
}

// hash computes p's hash unless the store has it for the current file, and adds it to b.
func (h *Hasher) hash(ctx context.Context, b *hashBatch, p core.PrimaryImage) {
	stamp, ready, err := h.art.identity(p.Image)
	switch {
	case err != nil:
		return // a missing file or a bad URL: nothing to hash, and the poster shows nothing either
	case p.Hash != "" && p.Stamp == stamp:
		if p.ItemHash != p.Hash { // saved, but the item's row missed it (its images were written meanwhile)
			b.add(ctx, core.ImageHash{Item: p.Item, Image: p.Image, Stamp: stamp, Hash: p.Hash})
		}
		return
	case !ready:
		h.mu.Lock()
		if ids := h.pending[p.Image.URL]; len(h.pending) < maxPending && len(ids) < 16 && (len(ids) == 0 || ids[len(ids)-1] != p.Item) {
			h.pending[p.Image.URL] = append(ids, p.Item)
		}
		h.mu.Unlock()
		return
	}
	start := time.Now()
	before := h.art.hashes.Load()
	hash, err := h.art.BlurHash(ctx, p.Image)
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, core.ErrNotFound) && !errors.Is(err, core.ErrInvalid) {
			h.o.Log.DebugContext(ctx, "blurhash not computed", "item", p.Item, "err", err)
		}
		return
	}
	b.add(ctx, core.ImageHash{Item: p.Item, Image: p.Image, Stamp: stamp, Hash: hash})
	if h.art.hashes.Load() != before { // decoded rather than read from the cache: rest a while
		rest := time.Duration(float64(time.Since(start)) * (1 - h.o.Duty) / h.o.Duty)
		select {
		case <-time.After(rest):
		case <-ctx.Done():
		}
	}
}

// hashBatch gathers hashes to save together.
type hashBatch struct {
	h     *Hasher
	list  []core.ImageHash
	first time.Time // when the oldest of list was added
}

func (b *hashBatch) add(ctx context.Context, ih core.ImageHash) {
	if len(b.list) == 0 {
		b.first = time.Now()
	}
	b.list = append(b.list, ih)
	if len(b.list) >= b.h.o.Batch || time.Since(b.first) >= b.h.o.Flush {
		b.flush(ctx)
	}
}

func (b *hashBatch) flush(ctx context.Context) {
	if len(b.list) == 0 {
		return
	}
	if err := b.h.store.SaveBlurHashes(ctx, b.list); err != nil {
		b.h.o.Log.WarnContext(ctx, "blurhashes not saved; the next sweep computes them again", "count", len(b.list), "err", err)
	} else {
		b.h.saved.Add(int64(len(b.list)))
	}
	b.list = b.list[:0]
}

// identity returns what the picture's renditions and hash are keyed by, which changes with a
// local file's size or mtime, and whether it can be read without a download.
func (s *Service) identity(img core.Image) (id string, ready bool, err error) {
	src, err := s.source(img)
	if err != nil {
		return "", false, err
	}
	if !src.remote {
		return src.id, true, nil
	}
	_, err = os.Stat(filepath.Join(s.dir, originalsDir, hashHex(img.URL)))
	return src.id, err == nil, nil
}
