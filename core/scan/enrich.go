package scan

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/walros/walros/core"
)

// touched collects, for one scan, the items its files created or changed, for enrichment.
type touched struct {
	mu    sync.Mutex
	items map[core.ItemID]core.Item
	order []core.ItemID // series before seasons before episodes: episodes need their series' ids
}

func (t *touched) add(chain []core.Item, ids []core.ItemID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.items == nil {
		t.items = map[core.ItemID]core.Item{}
	}
	for i, it := range chain {
		if i >= len(ids) {
			return
		}
		if _, ok := t.items[ids[i]]; !ok {
			it.ID = ids[i]
			if i > 0 {
				it.ParentID = ids[i-1]
			}
			t.items[ids[i]] = it
			t.order = append(t.order, ids[i])
		}
	}
}

// enrich asks the providers about the items this scan touched that still lack an overview or a
// provider id. It runs after the files are recorded, so items are playable before it starts;
// a provider's failure is logged and never fails the scan.
func (s *Scanner) enrich(ctx context.Context, r *run) {
	if s.meta == nil || len(s.opt.Providers) == 0 {
		return
	}
	r.touched.mu.Lock()
	order := append([]core.ItemID(nil), r.touched.order...)
	items := r.touched.items
	r.touched.mu.Unlock()
	for _, depth := range []int{0, 1, 2} { // parents first, in the order found
		for _, id := range order {
			it := items[id]
			if depthOf(it.Kind) != depth || ctx.Err() != nil {
				continue
			}
			s.enrichOne(ctx, it, items)
		}
	}
}

// syncCollections rebuilds the library's box sets from its movies' collections, once the scan's
// sidecars and providers have said which collection each movie belongs to.
func (s *Scanner) syncCollections(ctx context.Context, lib core.LibraryID) {
	if s.meta == nil {
		return
	}
	if err := s.meta.SyncCollections(ctx, lib); err != nil {
		s.opt.Log.WarnContext(ctx, "update box sets", "library", lib, "err", err)
	}
}

func depthOf(k core.ItemKind) int {
	switch k {
	case core.KindSeason, core.KindAlbum:
		return 1
	case core.KindEpisode, core.KindTrack:
		return 2
	}
	return 0
}

func (s *Scanner) enrichOne(ctx context.Context, it core.Item, items map[core.ItemID]core.Item) {
	cur, err := s.meta.ItemMetadata(ctx, it.ID)
	if err != nil || cur.Locked || (cur.Overview != "" && len(cur.ProviderIDs) > 0) {
		return
	}
	q := core.LookupQuery{Kind: it.Kind, Title: cur.Title, Year: cur.Year, ProviderIDs: cur.ProviderIDs,
		Season: it.ParentIndex, Episode: it.IndexNumber, Absolute: it.Absolute}
	if it.Kind == core.KindSeason {
		q.Season, q.Episode = it.IndexNumber, nil
	}
	if it.Kind == core.KindAlbum { // music providers find an album by its title and its artist
		if am, err := s.meta.ItemMetadata(ctx, it.ParentID); err == nil {
			q.SeriesTitle, q.SeriesProviderIDs = am.Title, am.ProviderIDs
		}
		q.Season, q.Episode = nil, nil
	}
	if it.Kind == core.KindEpisode || it.Kind == core.KindSeason {
		series := items[it.ParentID]
		if it.Kind == core.KindEpisode {
			series = items[items[it.ParentID].ParentID]
		}
		if series.ID == "" {
			return
		}
		sm, err := s.meta.ItemMetadata(ctx, series.ID)
		if err != nil {
			return
		}
		q.SeriesTitle, q.SeriesProviderIDs = sm.Title, sm.ProviderIDs
	}
	for _, p := range s.opt.Providers {
		if !p.Supports(it.Kind) {
			continue
		}
		m, err := p.Lookup(ctx, q)
		switch {
		case errors.Is(err, core.ErrNotFound):
			s.opt.Log.InfoContext(ctx, "no match", "provider", p.Name(), "kind", it.Kind, "title", q.Title, "year", q.Year)
			continue
		case err != nil:
			s.opt.Log.WarnContext(ctx, "metadata provider failed; the item keeps what it has", "provider", p.Name(),
				"title", q.Title, "err", err)
			continue
		}
		if m.Ambiguous {
			// Not applied: a wrong match is worse than none. An admin can pick by provider id.
			s.opt.Log.WarnContext(ctx, "ambiguous match left for review", "provider", p.Name(), "kind", it.Kind,
				"title", q.Title, "year", q.Year, "candidate", m.Metadata.Title, "score", m.Score)
			if err := s.meta.SetReview(ctx, it.ID, "ambiguous match at "+p.Name()+": "+m.Metadata.Title); err != nil {
				s.opt.Log.WarnContext(ctx, "flag for review", "item", it.ID, "err", err)
			}
			continue
		}
		s.merge(ctx, it.ID, m.Metadata)
		return
	}
}

// Identify re-identifies an item by provider ids an admin gives ({"tmdb": "603"}): the ids replace
// the item's, the providers that know one of them fill in the rest, and the item's review flag is
// cleared. Fields the admin locked stay. Only admins may.
func (s *Scanner) Identify(ctx context.Context, c core.Caller, id core.ItemID, ids map[string]string) (core.Metadata, error) {
	if !c.Admin {
		return core.Metadata{}, core.ErrForbidden
	}
	if len(ids) == 0 {
		return core.Metadata{}, core.Invalid("providerIds", "at least one provider id is required")
	}
	for k, v := range ids {
		if k == "" || v == "" || len(k) > 32 || len(v) > 128 {
			return core.Metadata{}, core.Invalid("providerIds", "ids must be non-empty provider names and values")
		}
	}
	if s.meta == nil {
		return core.Metadata{}, errors.New("identify: no metadata store")
	}
	if s.opt.Items == nil {
		return core.Metadata{}, errors.New("identify: no item store")
	}
	it, err := s.opt.Items.Item(ctx, id)
	if err != nil {
		return core.Metadata{}, err
	}
	cur, err := s.meta.ItemMetadata(ctx, id)
	if err != nil {
		return core.Metadata{}, err
	}
	q := core.LookupQuery{Kind: it.Kind, Title: cur.Title, Year: cur.Year, ProviderIDs: ids,
		Season: it.ParentIndex, Episode: it.IndexNumber, Absolute: it.Absolute}
	var (
		failures []error
		found    *core.Metadata
	)
	for _, p := range s.opt.Providers {
		if !p.Supports(it.Kind) {
			continue
		}
		m, err := p.Lookup(ctx, q)
		if err != nil {
			failures = append(failures, fmt.Errorf("%s: %w", p.Name(), err))
			continue
		}
		found = &m.Metadata
		break
	}
	// The providers are asked outside the transaction; the merge reads the item afresh.
	cur, err = s.meta.UpdateMetadata(ctx, id, func(m *core.Metadata) error {
		m.ProviderIDs = ids
		if found != nil {
			*m = core.Merge(*m, *found)
		}
		return nil
	})
	if err != nil {
		return core.Metadata{}, err
	}
	if err := s.meta.SetReview(ctx, id, ""); err != nil {
		return core.Metadata{}, err
	}
	if it.Kind == core.KindMovie { // only movies are in collections
		s.syncCollections(ctx, it.LibraryID)
	}
	if len(failures) > 0 && len(failures) == countSupporting(s.opt.Providers, it.Kind) {
		s.opt.Log.WarnContext(ctx, "identify: no provider answered; the ids are kept", "item", id, "err", errors.Join(failures...))
	}
	return cur, nil
}

func countSupporting(ps []core.Provider, k core.ItemKind) int {
	n := 0
	for _, p := range ps {
		if p.Supports(k) {
			n++
		}
	}
	return n
}
