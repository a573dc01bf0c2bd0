package scan

import (
	"context"
	"errors"

	"github.com/walros/walros/core"
)

// RemoteImage is a picture a metadata provider offers for an item.
type RemoteImage struct {
	Provider string // the provider's name, as in Metadata.ProviderIDs
	core.Image
}

// ImageProviders returns the names of the providers that know items of the item's kind: those
// RemoteImages asks. Only admins may.
func (s *Scanner) ImageProviders(ctx context.Context, c core.Caller, id core.ItemID) ([]string, error) {
	it, err := s.adminItem(ctx, c, id)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, p := range s.opt.Providers {
		if p.Supports(it.Kind) {
			names = append(names, p.Name())
		}
	}
	return names, nil
}

// RemoteImages asks the providers that know the item's kind for its pictures now, as a refresh
// would (by the ids the item has, else by its title), without changing the item: an admin picks
// one of them. A provider that fails or finds nothing certain offers nothing; with no providers
// configured the list is empty. Only admins may.
func (s *Scanner) RemoteImages(ctx context.Context, c core.Caller, id core.ItemID) ([]RemoteImage, error) {
	it, err := s.adminItem(ctx, c, id)
	if err != nil {
		return nil, err
	}
	out := []RemoteImage{}
	var q *core.LookupQuery
	for _, p := range s.opt.Providers {
		if !p.Supports(it.Kind) {
			continue
		}
		if q == nil { // read once, and only when a provider will use it
			lq, err := s.lookupQuery(ctx, it)
			if err != nil {
				return nil, err
			}
			q = &lq
		}
		m, err := p.Lookup(ctx, *q)
		switch {
		case errors.Is(err, core.ErrNotFound):
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.opt.Log.WarnContext(ctx, "metadata provider failed; it offers no pictures", "provider", p.Name(), "item", id, "err", err)
			continue
		case m.Ambiguous: // a wrong match's pictures are not candidates
			continue
		}
		for _, im := range m.Metadata.Images {
			if im.URL != "" {
				out = append(out, RemoteImage{Provider: p.Name(), Image: core.Image{Kind: im.Kind, URL: im.URL}})
			}
		}
	}
	return out, nil
}

// adminItem returns the item, for an admin.
func (s *Scanner) adminItem(ctx context.Context, c core.Caller, id core.ItemID) (core.Item, error) {
	if !c.Admin {
		return core.Item{}, core.ErrForbidden
	}
	if s.meta == nil || s.opt.Items == nil {
		return core.Item{}, errors.New("remote images: no metadata or item store")
	}
	return s.opt.Items.Item(ctx, id)
}

// lookupQuery is what a provider is asked about an item already in the library: its metadata and
// numbers, and for a season, an episode or an album, the title and ids of its series or artist,
// which providers find them through.
func (s *Scanner) lookupQuery(ctx context.Context, it core.Item) (core.LookupQuery, error) {
	cur, err := s.meta.ItemMetadata(ctx, it.ID)
	if err != nil {
		return core.LookupQuery{}, err
	}
	q := core.LookupQuery{Kind: it.Kind, Title: cur.Title, Year: cur.Year, ProviderIDs: cur.ProviderIDs,
		Season: it.ParentIndex, Episode: it.IndexNumber, Absolute: it.Absolute}
	top := it.ParentID
	switch it.Kind {
	case core.KindSeason:
		q.Season, q.Episode = it.IndexNumber, nil
	case core.KindAlbum:
		q.Season, q.Episode = nil, nil
	case core.KindEpisode: // the season's parent
		season, err := s.opt.Items.Item(ctx, it.ParentID)
		if err != nil {
			return core.LookupQuery{}, err
		}
		top = season.ParentID
	default:
		return q, nil
	}
	if top == "" {
		return q, nil
	}
	pm, err := s.meta.ItemMetadata(ctx, top)
	if err != nil {
		return core.LookupQuery{}, err
	}
	q.SeriesTitle, q.SeriesProviderIDs = pm.Title, pm.ProviderIDs
	return q, nil
}
