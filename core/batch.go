package core

import (
	"context"
	"slices"
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
	Ancestors   bool // their parent and grandparent (season and series of an episode), with metadata
	ChildCounts bool // how many children each item has
}

// Batch is what a page of items needs beyond the items themselves.
type Batch struct {
	Metadata    map[ItemID]Metadata // of the items, and of their ancestors when asked
	Files       map[ItemID][]MediaFile
	Ancestors   map[ItemID]Item
	ChildCounts map[ItemID]int
}

// Batch loads the metadata of items, and what parts asks, in a few queries. items must come from
// a query made for c (Items.List, Get, Resume...): those in libraries c may not see are skipped.
func (s *Items) Batch(ctx context.Context, c Caller, items []Item, parts BatchParts) (Batch, error) {
	b := Batch{Metadata: map[ItemID]Metadata{}, Files: map[ItemID][]MediaFile{}, Ancestors: map[ItemID]Item{},
		ChildCounts: map[ItemID]int{}}
	ids := make([]ItemID, 0, len(items))
	for _, it := range items {
		if c.CanSee(it.LibraryID) {
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
	var err error
	if b.Metadata, err = s.metadataOf(ctx, withMeta); err != nil {
		return Batch{}, err
	}
	if parts.Files {
		if b.Files, err = s.filesOf(ctx, ids); err != nil {
			return Batch{}, err
		}
	}
	if parts.ChildCounts {
		if b.ChildCounts, err = s.childCounts(ctx, ids); err != nil {
			return Batch{}, err
		}
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

func (s *Items) metadataOf(ctx context.Context, ids []ItemID) (map[ItemID]Metadata, error) {
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
		if it, ok := got[id]; ok && !seen[id] && c.CanSee(it.LibraryID) {
			seen[id] = true
			out = append(out, it)
		}
	}
	return out, nil
}
