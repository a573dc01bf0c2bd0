package core

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"
)

// The batch stores read what a page of items needs in a few queries, whatever the page's size.
// Items uses them when its stores have them, found by type assertion: adding them to ItemStore,
// MediaStore and MetadataStore, or to NewItems' parameters, would change every fake and caller of
// those for a speed-up only lists need. A store without them is read one item at a time.

// MetadataBatchStore reads the metadata of many items at once.
type MetadataBatchStore interface {
	// ItemsMetadata returns the metadata of those of ids that exist.
	ItemsMetadata(ctx context.Context, ids []ItemID) (map[ItemID]Metadata, error)
}

// FileBatchStore reads the media files of many items at once.
type FileBatchStore interface {
	// FilesOf returns the files of each of ids that has any, in ItemFiles' order.
	FilesOf(ctx context.Context, ids []ItemID) (map[ItemID][]MediaFile, error)
}

// MetadataPartsBatchStore reads parts of the metadata of many items at once: lists skip the
// parts they do not show (credits, tags), each a query per batch of ids.
type MetadataPartsBatchStore interface {
	// ItemsMetadataParts is ItemsMetadata, reading only parts (never 0).
	ItemsMetadataParts(ctx context.Context, ids []ItemID, parts MetadataParts) (map[ItemID]Metadata, error)
}

// FileCountBatchStore counts the media files of many items at once, without reading them.
type FileCountBatchStore interface {
	// FileCounts returns the versions and parts of each of ids that has files.
	FileCounts(ctx context.Context, ids []ItemID) (map[ItemID]FileCount, error)
}

// FileCount is how many files an item has, as lists report it.
type FileCount struct {
	Versions int // files that start the item: whole files and first parts
	Parts    int // files that are parts of a multi-part item (Part > 0)
}

// ItemBatchStore reads many items by id and counts their children.
type ItemBatchStore interface {
	// ItemsByID returns those of ids that exist.
	ItemsByID(ctx context.Context, ids []ItemID) (map[ItemID]Item, error)
	// ChildCounts returns how many children each of ids has, extras aside; items without any are absent.
	ChildCounts(ctx context.Context, ids []ItemID) (map[ItemID]int, error)
}

// BatchParts says what Items.Batch loads besides metadata.
type BatchParts struct {
	Files       bool // the items' media files
	FileCounts  bool // only how many files each item has, when Files is false
	Ancestors   bool // their parent and grandparent (season and series of an episode), with metadata
	ChildCounts bool // how many children each item has
	Metadata    MetadataParts
}

// MetadataParts says which parts of the metadata a batch reads; 0 means all of them.
type MetadataParts uint8

// The parts of an item's metadata.
const (
	MetaColumns MetadataParts = 1 << iota // the descriptive fields: overview, ratings, premiere, provider ids...
	MetaImages
	MetaTags // genres, studios and tags
	MetaCredits
	MetaAll = MetaColumns | MetaImages | MetaTags | MetaCredits
)

// Batch is what a page of items needs beyond the items themselves.
type Batch struct {
	Metadata    map[ItemID]Metadata // of the items, and of their ancestors when asked
	Files       map[ItemID][]MediaFile
	FileCounts  map[ItemID]FileCount // when Files or FileCounts was asked
	Ancestors   map[ItemID]Item
	ChildCounts map[ItemID]int
}

// Batch loads the metadata of items, and what parts asks, in a few queries. items must come from
// a query made for c (Items.List, Get, Resume...): those in libraries c may not see are skipped.
func (s *Items) Batch(ctx context.Context, c Caller, items []Item, parts BatchParts) (Batch, error) {
	b := Batch{Metadata: map[ItemID]Metadata{}, Files: map[ItemID][]MediaFile{}, FileCounts: map[ItemID]FileCount{},
		Ancestors: map[ItemID]Item{}, ChildCounts: map[ItemID]int{}}
	ids := make([]ItemID, 0, len(items))
	for _, it := range items {
		if c.CanSeeItem(it) {
			ids = append(ids, it.ID)
		}
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return b, nil
	}
	withMeta := ids
	if parts.Ancestors {
		if err := s.ancestors(ctx, items, ids, b.Ancestors); err != nil {
			return Batch{}, err
		}
		for id := range b.Ancestors {
			withMeta = append(withMeta, id)
		}
	}
	// The parts are independent reads: at once, a page takes as long as its slowest.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		b.Metadata, err = s.metadataOf(gctx, withMeta, parts.Metadata)
		return err
	})
	switch {
	case parts.Files:
		g.Go(func() (err error) {
			if b.Files, err = s.filesOf(gctx, ids); err != nil {
				return err
			}
			for id, fs := range b.Files {
				b.FileCounts[id] = CountFiles(fs)
			}
			return nil
		})
	case parts.FileCounts:
		g.Go(func() (err error) {
			b.FileCounts, err = s.fileCounts(gctx, ids)
			return err
		})
	}
	if parts.ChildCounts {
		g.Go(func() (err error) {
			b.ChildCounts, err = s.childCounts(gctx, ids)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// ancestors loads the parents of items and their parents into out: two levels are all a library
// has above a playable item (series > season > episode, artist > album > track).
func (s *Items) ancestors(ctx context.Context, items []Item, page []ItemID, out map[ItemID]Item) error {
	level := make([]ItemID, 0, len(items))
	for _, it := range items {
		if it.ParentID != "" && !slices.Contains(page, it.ParentID) {
			level = append(level, it.ParentID)
		}
	}
	for range 2 {
		level = slices.Compact(slices.Sorted(slices.Values(level)))
		if len(level) == 0 {
			return nil
		}
		got, err := s.itemsByID(ctx, level)
		if err != nil {
			return err
		}
		level = level[:0]
		for id, it := range got {
			out[id] = it
			if _, ok := out[it.ParentID]; it.ParentID != "" && !ok && !slices.Contains(page, it.ParentID) {
				level = append(level, it.ParentID)
			}
		}
	}
	return nil
}

func (s *Items) metadataOf(ctx context.Context, ids []ItemID, parts MetadataParts) (map[ItemID]Metadata, error) {
	if bs, ok := s.meta.(MetadataPartsBatchStore); ok && parts != 0 && parts != MetaAll {
		return bs.ItemsMetadataParts(ctx, ids, parts)
	}
	if bs, ok := s.meta.(MetadataBatchStore); ok {
		return bs.ItemsMetadata(ctx, ids)
	}
	out := make(map[ItemID]Metadata, len(ids))
	for _, id := range ids {
		m, err := s.meta.ItemMetadata(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, nil
}

func (s *Items) filesOf(ctx context.Context, ids []ItemID) (map[ItemID][]MediaFile, error) {
	if bs, ok := s.media.(FileBatchStore); ok {
		return bs.FilesOf(ctx, ids)
	}
	out := make(map[ItemID][]MediaFile, len(ids))
	for _, id := range ids {
		fs, err := s.media.ItemFiles(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(fs) > 0 {
			out[id] = fs
		}
	}
	return out, nil
}

func (s *Items) fileCounts(ctx context.Context, ids []ItemID) (map[ItemID]FileCount, error) {
	if bs, ok := s.media.(FileCountBatchStore); ok {
		return bs.FileCounts(ctx, ids)
	}
	files, err := s.filesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[ItemID]FileCount, len(files))
	for id, fs := range files {
		out[id] = CountFiles(fs)
	}
	return out, nil
}

// CountFiles counts an item's versions and parts.
func CountFiles(fs []MediaFile) FileCount {
	var n FileCount
	for _, f := range fs {
		if f.Part <= 1 { // the other parts of a multi-part movie play after the first
			n.Versions++
		}
		if f.Part > 0 {
			n.Parts++
		}
	}
	return n
}

func (s *Items) itemsByID(ctx context.Context, ids []ItemID) (map[ItemID]Item, error) {
	if bs, ok := s.store.(ItemBatchStore); ok {
		return bs.ItemsByID(ctx, ids)
	}
	out := make(map[ItemID]Item, len(ids))
	for _, id := range ids {
		it, err := s.store.Item(ctx, id)
		if err != nil {
			continue // gone since the page was read
		}
		out[id] = it
	}
	return out, nil
}

func (s *Items) childCounts(ctx context.Context, ids []ItemID) (map[ItemID]int, error) {
	if bs, ok := s.store.(ItemBatchStore); ok {
		return bs.ChildCounts(ctx, ids)
	}
	out := make(map[ItemID]int, len(ids))
	for _, id := range ids {
		_, n, err := s.store.Items(ctx, ItemQuery{Parent: id, Limit: 1})
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out[id] = n
		}
	}
	return out, nil
}

// GetMany returns those of ids that exist and that the caller may see, in the order of ids,
// without repeats; the others are left out, as a list leaves out what it may not show.
func (s *Items) GetMany(ctx context.Context, c Caller, ids []ItemID) ([]Item, error) {
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(uniq) == 0 {
		return []Item{}, nil
	}
	got, err := s.itemsByID(ctx, uniq)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(got))
	seen := make(map[ItemID]bool, len(got))
	for _, id := range ids {
		if it, ok := got[id]; ok && !seen[id] && c.CanSeeItem(it) {
			seen[id] = true
			out = append(out, it)
		}
	}
	return out, nil
}

// CardStore keeps what a facade encoded for an item (its list card) for as long as a write
// generation lasts (store.DB.CardStamp): the store knows when items change, the facade knows
// what it wrote.
type CardStore interface {
	CardStamp() (gen uint64, ok bool)
	Cards(gen uint64, keys []CardKey) [][]byte
	KeepCards(gen uint64, keys []CardKey, cards [][]byte)
}

// CardKey names a card: the item, when it last changed, and Sig, what else the card depends on
// (the facade's options, as a hash the facade makes). A struct rather than a string: a page
// looks up a hundred of them, so building and hashing them is on every list's path.
type CardKey struct {
	Item    int64 // the item's Key: integers hash faster than its id
	Updated int64 // UpdatedAt in Unix nanoseconds
	Sig     uint64
}

// CardStamp returns the store's current card generation; ok is false when the store keeps no
// cards, and then Cards finds nothing and KeepCards keeps nothing.
func (s *Items) CardStamp() (uint64, bool) {
	if cs, ok := s.store.(CardStore); ok {
		return cs.CardStamp()
	}
	return 0, false
}

// Cards returns the kept cards for keys at generation gen, nil where there is none.
func (s *Items) Cards(gen uint64, keys []CardKey) [][]byte {
	if cs, ok := s.store.(CardStore); ok {
		return cs.Cards(gen, keys)
	}
	return make([][]byte, len(keys))
}

// KeepCards keeps cards for keys, made at generation gen.
func (s *Items) KeepCards(gen uint64, keys []CardKey, cards [][]byte) {
	if cs, ok := s.store.(CardStore); ok {
		cs.KeepCards(gen, keys, cards)
	}
}
