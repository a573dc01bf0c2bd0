package store

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/walros/walros/core"
)

// The page caches keep what a list page reads besides its keys: the item rows, the metadata parts
// and file counts of the batch, the children counts and each user's data. They are exactly as
// fresh as the list cache: each holds entries read at one stamp of the write generations and
// drops them all when the stamp moves on (any write the hook or the cache stamps count; for user
// data, also any write of that user's data, or of anyone's by another process), and an entry
// expires listTTL after its read began (see listcache.go).
//
// A miss reads around: rows come by blocks of the cached list (pageBlock keys), and a batch read
// that misses an item reads the rest of its block in the background (one such read at a time), so
// that paging through a long list at random warms it in a few reads per lifetime instead of one
// partial read per page and part.
const (
	pageRows  = 100_000 // entries kept per cache (per user for user data)
	pageUsers = 256     // users whose data is kept
	pageBlock = 250     // keys of a list read together
)

// userTTL bounds how long a user (their rights, whether they are disabled) is kept: another
// process's change normally arrives through the cache stamps within a quarter second, but one
// that died between its commit and its bump announces nothing.
const userTTL = 10 * time.Second

// stamp is what a cached entry depends on: a write generation and, for user data, the user's.
type stamp [2]uint64

// covers reports whether s is at least as recent as o in both generations.
func (s stamp) covers(o stamp) bool { return s[0] >= o[0] && s[1] >= o[1] }

// genCache is a bounded map whose entries were all read at one stamp.
type genCache[K comparable, V any] struct {
	mu    sync.RWMutex
	stamp stamp
	m     map[K]timed[V]
	ttl   time.Duration // how long an entry lives; 0 means listTTL
}

// fresh reports whether an entry of c read at at may still be served at now.
func (c *genCache[K, V]) fresh(at, now time.Time) bool {
	if c.ttl > 0 {
		return now.Sub(at) < c.ttl
	}
	return fresh(at, now)
}

// timed is an entry and when its read began.
type timed[V any] struct {
	v  V
	at time.Time
}

// fresh reports whether an entry read at at may still be served at now.
func fresh(at, now time.Time) bool { return now.Sub(at) < listTTL }

// read calls fn with the entries kept for st, if any; fn checks each entry with fresh, and only
// reads m: concurrent reads share the lock.
func (c *genCache[K, V]) read(st stamp, fn func(m map[K]timed[V])) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.m != nil && c.stamp == st {
		fn(c.m)
	}
}

// write calls fn with the map to add entries to, read at st (loaded before the read began), and
// room, whether it may add any. Entries read at an older stamp are dropped, a newer one starts
// afresh.
func (c *genCache[K, V]) write(st stamp, now time.Time, fn func(m map[K]timed[V], room func() bool)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.m != nil && c.stamp == st:
	case c.m == nil || st.covers(c.stamp):
		c.m, c.stamp = map[K]timed[V]{}, st
	default:
		return // read before a write the map already reflects
	}
	swept := false
	fn(c.m, func() bool {
		if len(c.m) < pageRows {
			return true
		}
		if !swept { // full: make room from what has expired, once
			swept = true
			maps.DeleteFunc(c.m, func(_ K, e timed[V]) bool { return !fresh(e.at, now) })
		}
		return len(c.m) < pageRows
	})
}

// pageCaches are one DB's page caches.
type pageCaches struct {
	now func() time.Time

	bySeq       genCache[int64, core.Item]       // item rows by key, at the list generation
	byID        genCache[core.ItemID, core.Item] // the same by id (ancestors, ids lists)
	childCounts genCache[core.ItemID, int]       // at the list generation; 0 is kept too
	meta        genCache[core.ItemID, metaEntry] // at the content generation
	fileCounts  genCache[core.ItemID, core.FileCount]
	files       genCache[core.ItemID, []core.MediaFile] // about a kilobyte each with streams: 100 MB when full
	libraries   genCache[string, []core.Library]        // one entry: every library
	cards       genCache[core.CardKey, []byte]          // at the content generation: see CardStamp

	blockMu sync.Mutex
	blocks  map[core.ItemID][]core.ItemID // the ids read with each, to read around a miss
	ahead   chan struct{}                 // holds a token while a read ahead runs
	aheadWG sync.WaitGroup                // read aheads running, for tests and Close

	users genCache[core.UserID, core.User] // at the users generation, for userTTL

	userMu    sync.Mutex
	userGen   map[core.UserID]uint64
	userEpoch uint64 // bumped when another process wrote user data: added to every user's generation
	userData  map[core.UserID]*genCache[core.ItemID, core.UserData]
}

// metaEntry is the cached metadata of an item: the parts read so far.
type metaEntry struct {
	have    core.MetadataParts
	missing bool // the columns were read and there is no such item
	m       core.Metadata
}

func newPageCaches() *pageCaches {
	return &pageCaches{users: genCache[core.UserID, core.User]{ttl: userTTL}, now: time.Now, userGen: map[core.UserID]uint64{}, blocks: map[core.ItemID][]core.ItemID{}, ahead: make(chan struct{}, 1),
		userData: map[core.UserID]*genCache[core.ItemID, core.UserData]{}}
}

// userStamp is the stamp of user's data: the content generation and the user's.
func (p *pageCaches) userStamp(content uint64, user core.UserID) stamp {
	p.userMu.Lock()
	defer p.userMu.Unlock()
	return stamp{content, p.userGen[user] + p.userEpoch}
}

// userCache returns the cache of user's data.
func (p *pageCaches) userCache(user core.UserID) *genCache[core.ItemID, core.UserData] {
	p.userMu.Lock()
	defer p.userMu.Unlock()
	c := p.userData[user]
	if c == nil {
		if len(p.userData) >= pageUsers {
			clear(p.userData) // rare: more users than that read lists within one lifetime
		}
		c = &genCache[core.ItemID, core.UserData]{}
		p.userData[user] = c
	}
	return c
}

// userWrote makes user's cached data out of date; callers run it after the write is committed.
func (p *pageCaches) userWrote(user core.UserID) {
	p.userMu.Lock()
	p.userGen[user]++
	p.userMu.Unlock()
}

// othersWroteUserData makes everyone's cached data out of date, after another process wrote some.
func (p *pageCaches) othersWroteUserData() {
	p.userMu.Lock()
	p.userEpoch++
	p.userMu.Unlock()
}

// cloneItem copies what a caller could change in place in an item before it is kept. Items read
// from the cache are not copied: their ProviderIDs map is shared, read-only (see core.Item).
func cloneItem(it core.Item) core.Item {
	it.ProviderIDs = maps.Clone(it.ProviderIDs)
	return it
}

// cloneFiles copies what a caller could change in place in cached files.
func cloneFiles(fs []core.MediaFile) []core.MediaFile {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Info.Streams = slices.Clone(out[i].Info.Streams)
		out[i].Info.Chapters = slices.Clone(out[i].Info.Chapters)
		out[i].Info.Tags = maps.Clone(out[i].Info.Tags)
	}
	return out
}

// cloneMeta copies what a caller could change in place in cached metadata.
func cloneMeta(m core.Metadata) core.Metadata {
	m.Genres, m.Studios, m.Tags = slices.Clone(m.Genres), slices.Clone(m.Studios), slices.Clone(m.Tags)
	m.Credits, m.Images, m.LockedFields = slices.Clone(m.Credits), slices.Clone(m.Images), slices.Clone(m.LockedFields)
	m.ProviderIDs = maps.Clone(m.ProviderIDs)
	return m
}

// listStamp is the stamp of what depends on the items table alone; ok is false without caches.
func (db *DB) listStamp() (st stamp, ok bool) {
	if db.lists == nil || db.pages == nil {
		return stamp{}, false
	}
	return stamp{db.lists.gen.Load()}, true
}

// usersStamp is the stamp of users and their grants.
func (db *DB) usersStamp() (st stamp, ok bool) {
	if db.lists == nil || db.pages == nil {
		return stamp{}, false
	}
	return stamp{db.lists.users.Load()}, true
}

// contentStamp is the stamp of what also depends on images and files.
func (db *DB) contentStamp() (st stamp, ok bool) {
	if db.lists == nil || db.pages == nil {
		return stamp{}, false
	}
	return stamp{db.lists.content.Load()}, true
}

// keepItems keeps item rows read at st from at, by key and by id, and notes them as a block.
func (p *pageCaches) keepItems(st stamp, at time.Time, items []core.Item) {
	now := p.now()
	p.bySeq.write(st, now, func(m map[int64]timed[core.Item], room func() bool) {
		for _, it := range items {
			if room() {
				m[it.Key] = timed[core.Item]{cloneItem(it), at}
			}
		}
	})
	p.byID.write(st, now, func(m map[core.ItemID]timed[core.Item], room func() bool) {
		for _, it := range items {
			if room() {
				m[it.ID] = timed[core.Item]{cloneItem(it), at}
			}
		}
	})
	ids := make([]core.ItemID, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	p.blockMu.Lock()
	if len(p.blocks)+len(ids) > pageRows {
		clear(p.blocks)
	}
	for _, id := range ids {
		p.blocks[id] = ids
	}
	p.blockMu.Unlock()
}

// around returns the ids read in a block with those of ids, not in ids: a hint, which need not
// be current (ids gone since are read for nothing).
func (p *pageCaches) around(ids []core.ItemID) []core.ItemID {
	p.blockMu.Lock()
	defer p.blockMu.Unlock()
	var out []core.ItemID
	var seen map[core.ItemID]bool
	for _, id := range ids {
		b := p.blocks[id]
		if len(b) == 0 {
			continue
		}
		if seen == nil {
			seen = make(map[core.ItemID]bool, len(ids)+pageBlock)
			for _, id := range ids {
				seen[id] = true
			}
		}
		for _, o := range b {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// cachedRead returns the values of keys: those c holds for st, the others from read, which it
// then keeps; when K is an item id, the items around those it misses (pageCaches.around) are read
// in the background. With isZero, keys read has no answer for are kept as the zero value, and
// zero values are left out of the answer, as the batch stores leave out items without files or
// children. clone copies what a caller could change in place.
func cachedRead[K comparable, V any](ctx context.Context, db *DB, c *genCache[K, V], st stamp, ok bool, keys []K,
	isZero func(V) bool, clone func(V) V, read func(ctx context.Context, keys []K) (map[K]V, error)) (map[K]V, error) {
	if !ok {
		return read(ctx, keys)
	}
	pc := db.pages
	start := pc.now()
	out := make(map[K]V, len(keys))
	missing := keys // all of them unless c holds entries for st
	c.read(st, func(m map[K]timed[V]) {
		missing = nil
		for _, k := range keys {
			e, ok := m[k]
			switch {
			case !ok || !c.fresh(e.at, start):
				missing = append(missing, k)
			case isZero == nil || !isZero(e.v):
				out[k] = clone(e.v)
			}
		}
	})
	if len(missing) == 0 {
		return out, nil
	}
	keep := func(ctx context.Context, keys []K, start time.Time) (map[K]V, error) {
		got, err := read(ctx, keys)
		if err != nil {
			return nil, err
		}
		c.write(st, pc.now(), func(m map[K]timed[V], room func() bool) {
			for _, k := range keys {
				if !room() {
					break
				}
				v, ok := got[k]
				switch {
				case ok:
					m[k] = timed[V]{clone(v), start}
				case isZero != nil:
					var zero V
					m[k] = timed[V]{zero, start}
				}
			}
		})
		return got, nil
	}
	got, err := keep(ctx, missing, start)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, got)
	if ids, ok := any(missing).([]core.ItemID); ok {
		if extra := any(pc.around(ids)).([]K); len(extra) > 0 {
			pc.prefetch(ctx, func(ctx context.Context) {
				start := pc.now()
				c.read(st, func(m map[K]timed[V]) {
					extra = slices.DeleteFunc(extra, func(k K) bool { e, ok := m[k]; return ok && c.fresh(e.at, start) })
				})
				if len(extra) > 0 {
					keep(ctx, extra, start) //nolint:errcheck // a failed read ahead only leaves a miss
				}
			})
		}
	}
	return out, nil
}

// prefetch runs read in the background, detached from the request, unless another read ahead is
// running: on two cores, more would only slow the requests down.
func (p *pageCaches) prefetch(ctx context.Context, read func(ctx context.Context)) {
	select {
	case p.ahead <- struct{}{}:
	default:
		return
	}
	p.aheadWG.Add(1)
	go func() {
		defer func() {
			<-p.ahead
			p.aheadWG.Done()
		}()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		read(ctx)
	}()
}

func same[V any](v V) V { return v }

// noPages stands in for the caches of a DB without them; stamps say not to use it.
var noPages = newPageCaches()

// pagesOf returns db's page caches, or noPages.
func pagesOf(db *DB) *pageCaches {
	if db.pages == nil {
		return noPages
	}
	return db.pages
}

// The card cache keeps what a facade makes of the items of a list (the Jellyfin facade: each
// item's encoded card, without the caller's user data), at the content generation, which moves
// with every write a card may show (items, metadata, images, files), this process's or, through
// the cache stamps, another's. An entry expires listTTL after it was kept; it was built from
// entries of the page caches at most listTTL old, so a write no process announced shows on cached
// cards within twice listTTL.

// CardStamp returns the generation that cards kept now must be kept and read at; ok is false
// without caches, and then Cards finds nothing and KeepCards keeps nothing.
func (db *DB) CardStamp() (gen uint64, ok bool) {
	st, ok := db.contentStamp()
	return st[0], ok
}

// Cards returns the cards kept under keys at gen, nil for those it does not hold.
func (db *DB) Cards(gen uint64, keys []core.CardKey) [][]byte {
	out := make([][]byte, len(keys))
	if db.pages == nil {
		return out
	}
	now := db.pages.now()
	db.pages.cards.read(stamp{gen}, func(m map[core.CardKey]timed[[]byte]) {
		for i, k := range keys {
			if e, ok := m[k]; ok && fresh(e.at, now) {
				out[i] = e.v
			}
		}
	})
	return out
}

// KeepCards keeps cards (not to be changed afterwards) under keys, built from reads at gen.
func (db *DB) KeepCards(gen uint64, keys []core.CardKey, cards [][]byte) {
	if db.pages == nil {
		return
	}
	now := db.pages.now()
	db.pages.cards.write(stamp{gen}, now, func(m map[core.CardKey]timed[[]byte], room func() bool) {
		for i, k := range keys {
			if !room() {
				return
			}
			m[k] = timed[[]byte]{cards[i], now}
		}
	})
}

// CardStamp is DB.CardStamp, for the holders of the item store.
func (s *Items) CardStamp() (uint64, bool) { return s.db.CardStamp() }

// Cards is DB.Cards.
func (s *Items) Cards(gen uint64, keys []core.CardKey) [][]byte { return s.db.Cards(gen, keys) }

// KeepCards is DB.KeepCards.
func (s *Items) KeepCards(gen uint64, keys []core.CardKey, cards [][]byte) {
	s.db.KeepCards(gen, keys, cards)
}
