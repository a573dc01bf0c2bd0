package core

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// matcher finds this server's items for a document's.
type matcher struct {
	st    TransferStore
	items ItemStore
	c     Caller
	// children caches the playable items under a series or album, by their numbers.
	children map[ItemID]map[[2]int]Item
}

// providerOrder is the order provider ids are tried in: the most specific first.
var providerOrder = []string{"imdb", "tmdb", "tvdb", "musicbrainz", "musicbrainztrack", "musicbrainzalbum", "musicbrainzreleasegroup", "mal", "anidb"}

func providers(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != "" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(providerOrder, a), slices.Index(providerOrder, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// match returns this server's item for each document item that has one the caller may see.
func (m *matcher) match(ctx context.Context, items []TransferItem) (map[ItemID]Item, error) {
	out := make(map[ItemID]Item, len(items))
	ids := make([]ItemID, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	byID := map[ItemID]Item{}
	for chunk := range slices.Chunk(ids, 1000) {
		got, err := m.st.ItemsByID(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for id, it := range got {
			byID[id] = it
		}
	}
	var rest []TransferItem
	for _, ti := range items {
		if it, ok := byID[ti.ID]; ok && it.Kind == ti.Kind && m.c.CanSeeItem(it) {
			out[ti.ID] = it
		} else {
			rest = append(rest, ti)
		}
	}
	// The series and albums of episodes, seasons and tracks are matched as items of their own.
	type want struct {
		kind  ItemKind
		title string
		year  int
		ids   map[string]string
	}
	wants := map[string]want{}
	key := func(kind ItemKind, title string, year int, ids map[string]string) string {
		b, _ := json.Marshal([]any{kind, title, year, ids})
		return string(b)
	}
	for _, ti := range rest {
		wants[key(ti.Kind, ti.Title, ti.Year, ti.ProviderIDs)] = want{ti.Kind, ti.Title, ti.Year, ti.ProviderIDs}
		if ti.Series != nil {
			wants[key(KindSeries, ti.Series.Title, ti.Series.Year, ti.Series.ProviderIDs)] = want{KindSeries, ti.Series.Title, ti.Series.Year, ti.Series.ProviderIDs}
		}
		if ti.Album != nil {
			wants[key(KindAlbum, ti.Album.Title, ti.Album.Year, ti.Album.ProviderIDs)] = want{KindAlbum, ti.Album.Title, ti.Album.Year, ti.Album.ProviderIDs}
		}
	}
	// One query per kind and provider, and one per kind for titles.
	byProvider := map[[2]string][]string{}
	byTitle := map[ItemKind][]string{}
	for _, w := range wants {
		for p, v := range w.ids {
			if v != "" {
				k := [2]string{string(w.kind), p}
				byProvider[k] = append(byProvider[k], v)
			}
		}
		if !numbered(w.kind) {
			byTitle[w.kind] = append(byTitle[w.kind], w.title)
		}
	}
	provided := map[[3]string][]Item{} // kind, provider, value
	for k, values := range byProvider {
		found, err := m.st.ItemsByProvider(ctx, ItemKind(k[0]), k[1], slices.Compact(slices.Sorted(slices.Values(values))))
		if err != nil {
			return nil, err
		}
		for _, it := range found {
			if v := it.ProviderIDs[k[1]]; v != "" && m.c.CanSeeItem(it) {
				provided[[3]string{k[0], k[1], v}] = append(provided[[3]string{k[0], k[1], v}], it)
			}
		}
	}
	titled := map[ItemKind]map[string][]Item{}
	for kind, titles := range byTitle {
		found, err := m.st.ItemsByTitle(ctx, kind, slices.Compact(slices.Sorted(slices.Values(titles))))
		if err != nil {
			return nil, err
		}
		titled[kind] = found
	}
	find := func(kind ItemKind, title string, year int, ids map[string]string) (Item, bool) {
		for _, p := range providers(ids) {
			if it, ok := best(provided[[3]string{string(kind), p, ids[p]}], year); ok {
				return it, true
			}
		}
		if numbered(kind) {
			return Item{}, false // "Pilot" or "Season 1" says too little: the numbers decide below
		}
		var same []Item
		for _, it := range titled[kind][title] {
			if m.c.CanSeeItem(it) && it.ExtraType == "" && (year == 0 || it.Year == 0 || it.Year == year) {
				same = append(same, it)
			}
		}
		return best(same, year)
	}
	for _, ti := range rest {
		if it, ok := find(ti.Kind, ti.Title, ti.Year, ti.ProviderIDs); ok {
			out[ti.ID] = it
			continue
		}
		var parent *TransferParent
		var kind ItemKind
		var num [2]int
		switch {
		case ti.Kind == KindEpisode && ti.Series != nil && ti.Episode != nil:
			parent, kind, num = ti.Series, KindSeries, [2]int{deref(ti.Season, 1), *ti.Episode}
		case ti.Kind == KindSeason && ti.Series != nil && ti.Season != nil:
			parent, kind, num = ti.Series, KindSeries, [2]int{*ti.Season, -1}
		case ti.Kind == KindTrack && ti.Album != nil && ti.Track != nil:
			parent, kind, num = ti.Album, KindAlbum, [2]int{deref(ti.Disc, 1), *ti.Track}
		default:
			continue
		}
		p, ok := find(kind, parent.Title, parent.Year, parent.ProviderIDs)
		if !ok {
			continue
		}
		kids, err := m.under(ctx, p)
		if err != nil {
			return nil, err
		}
		if it, ok := kids[num]; ok {
			out[ti.ID] = it
		}
	}
	return out, nil
}

// numbered reports whether items of kind are told apart by their numbers under a parent rather
// than by their titles.
func numbered(k ItemKind) bool { return k == KindEpisode || k == KindSeason || k == KindTrack }

func deref(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// best picks among candidates the one of year, else the first (by key: the oldest).
func best(cands []Item, year int) (Item, bool) {
	if len(cands) == 0 {
		return Item{}, false
	}
	slices.SortFunc(cands, func(a, b Item) int { return int(a.Key - b.Key) })
	for _, it := range cands {
		if year != 0 && it.Year == year {
			return it, true
		}
	}
	return cands[0], true
}

// under returns the seasons (at {season, -1}) and episodes ({season, episode}) of a series, or
// the tracks ({disc, track}) of an album, that the caller may see. A multi-episode file answers
// for each of its episodes.
func (m *matcher) under(ctx context.Context, parent Item) (map[[2]int]Item, error) {
	if kids, ok := m.children[parent.ID]; ok {
		return kids, nil
	}
	out := map[[2]int]Item{}
	var walk func(id ItemID, depth int) error
	walk = func(id ItemID, depth int) error {
		for off := 0; ; off += MaxPage {
			page, total, err := m.items.Items(ctx, ItemQuery{Parent: id, Libraries: m.c.visibleLibraries(), Parental: m.c.Parental, Sort: SortIndex, Limit: MaxPage, Offset: off})
			if err != nil {
				return err
			}
			for _, it := range page {
				switch {
				case it.ExtraType != "":
				case it.Kind == KindSeason && it.IndexNumber != nil:
					out[[2]int{*it.IndexNumber, -1}] = it
					if depth == 0 {
						if err := walk(it.ID, 1); err != nil {
							return err
						}
					}
				case (it.Kind == KindEpisode || it.Kind == KindTrack) && it.IndexNumber != nil:
					first := deref(it.ParentIndex, 1)
					for n := *it.IndexNumber; n <= deref(it.IndexEnd, *it.IndexNumber) && n < *it.IndexNumber+100; n++ {
						if _, ok := out[[2]int{first, n}]; !ok {
							out[[2]int{first, n}] = it
						}
					}
				}
			}
			if len(page) == 0 || off+len(page) >= total {
				return nil
			}
		}
	}
	if err := walk(parent.ID, 0); err != nil {
		return nil, err
	}
	if m.children == nil {
		m.children = map[ItemID]map[[2]int]Item{}
	}
	m.children[parent.ID] = out
	return out, nil
}
