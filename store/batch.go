package store

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
	"golang.org/x/sync/errgroup"
)

// batchSize bounds the ids bound in one IN list: SQLite allows 32766 parameters and PostgreSQL
// 65535, but smaller lists keep each statement's plan cheap.
const batchSize = 500

var (
	_ core.MetadataBatchStore      = (*Metadata)(nil)
	_ core.MetadataPartsBatchStore = (*Metadata)(nil)
	_ core.FileBatchStore          = (*Media)(nil)
	_ core.FileCountBatchStore     = (*Media)(nil)
	_ core.ItemBatchStore          = (*Items)(nil)
)

// chunks calls fn with ids in slices of at most batchSize.
func chunks(ids []core.ItemID, fn func([]core.ItemID) error) error {
	for len(ids) > 0 {
		n := min(len(ids), batchSize)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// ItemsMetadata returns the metadata of many items in four queries per batch of ids: the items'
// descriptive columns, their tags, their credits and their images.
func (s *Metadata) ItemsMetadata(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.Metadata, error) {
	return s.ItemsMetadataParts(ctx, ids, core.MetaAll)
}

// ItemsMetadataParts returns parts of the metadata of many items, a query per part and batch of
// ids, run at once. Without core.MetaColumns every id gets an entry, whether or not the item exists.
// Parts read at the current content generation come from the page cache.
func (s *Metadata) ItemsMetadataParts(ctx context.Context, ids []core.ItemID, parts core.MetadataParts) (map[core.ItemID]core.Metadata, error) {
	st, ok := s.db.contentStamp()
	if !ok {
		return s.readMetadataParts(ctx, ids, parts)
	}
	pc := s.db.pages
	start := pc.now()
	out := make(map[core.ItemID]core.Metadata, len(ids))
	missing := ids
	lacks := func(e timed[metaEntry], ok bool) bool { return !ok || !fresh(e.at, start) || e.v.have&parts != parts }
	pc.meta.read(st, func(m map[core.ItemID]timed[metaEntry]) {
		missing = nil
		for _, id := range ids {
			e, ok := m[id]
			switch {
			case lacks(e, ok):
				missing = append(missing, id)
			case e.v.missing && parts&core.MetaColumns != 0:
			default:
				out[id] = mergeParts(core.Metadata{}, e.v.m, parts)
			}
		}
	})
	if len(missing) == 0 {
		return out, nil
	}
	keep := func(ctx context.Context, ids []core.ItemID, start time.Time) (map[core.ItemID]core.Metadata, error) {
		got, err := s.readMetadataParts(ctx, ids, parts)
		if err != nil {
			return nil, err
		}
		pc.meta.write(st, pc.now(), func(m map[core.ItemID]timed[metaEntry], room func() bool) {
			for _, id := range ids {
				e, kept := m[id]
				if kept && !fresh(e.at, start) {
					e, kept = timed[metaEntry]{}, false // what it has is too old to merge with
				}
				if !kept && !room() {
					continue
				}
				if !kept || start.Before(e.at) {
					e.at = start // the entry is as old as its oldest part
				}
				md, ok := got[id]
				if parts&core.MetaColumns != 0 {
					e.v.missing = !ok
				}
				e.v.m = mergeParts(e.v.m, md, parts)
				e.v.have |= parts
				m[id] = e
			}
		})
		return got, nil
	}
	got, err := keep(ctx, missing, start)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, got)
	if extra := pc.around(missing); len(extra) > 0 {
		pc.prefetch(ctx, func(ctx context.Context) {
			start := pc.now()
			pc.meta.read(st, func(m map[core.ItemID]timed[metaEntry]) {
				extra = slices.DeleteFunc(extra, func(id core.ItemID) bool { e, ok := m[id]; return !lacks(e, ok) })
			})
			if len(extra) > 0 {
				keep(ctx, extra, start) //nolint:errcheck // a failed read ahead only leaves a miss
			}
		})
	}
	return out, nil
}

// mergeParts returns into with parts taken from m.
func mergeParts(into, m core.Metadata, parts core.MetadataParts) core.Metadata {
	m = cloneMeta(m)
	if parts&core.MetaColumns != 0 {
		genres, studios, tags, credits, images := into.Genres, into.Studios, into.Tags, into.Credits, into.Images
		into = m
		into.Genres, into.Studios, into.Tags, into.Credits, into.Images = genres, studios, tags, credits, images
	}
	if parts&core.MetaTags != 0 {
		into.Genres, into.Studios, into.Tags = m.Genres, m.Studios, m.Tags
	}
	if parts&core.MetaCredits != 0 {
		into.Credits = m.Credits
	}
	if parts&core.MetaImages != 0 {
		into.Images = m.Images
	}
	return into
}

// readMetadataParts is ItemsMetadataParts from the database.
func (s *Metadata) readMetadataParts(ctx context.Context, ids []core.ItemID, parts core.MetadataParts) (map[core.ItemID]core.Metadata, error) {
	out := make(map[core.ItemID]core.Metadata, len(ids))
	err := chunks(ids, func(ids []core.ItemID) error {
		var (
			rows    []itemMetaRow
			tags    []itemTagRow
			credits []itemPersonRow
			images  []itemImageRow
		)
		g, ctx := errgroup.WithContext(ctx)
		if parts&core.MetaColumns != 0 {
			g.Go(func() error {
				err := s.db.R.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx)
				return wrap(err, "select metadata of %d items", len(ids))
			})
		}
		if parts&core.MetaTags != 0 {
			g.Go(func() error {
				err := s.db.R.NewSelect().Model(&tags).Where("item_id IN (?)", bun.List(ids)).
					Order("item_id", "kind", "position").Scan(ctx)
				return wrap(err, "select tags of %d items", len(ids))
			})
		}
		if parts&core.MetaCredits != 0 {
			g.Go(func() error {
				err := s.db.R.NewSelect().Model(&credits).ColumnExpr("ip.*, p.name, p.thumb").
					Join("JOIN people AS p ON p.id = ip.person_id").ModelTableExpr("item_people AS ip").
					Where("ip.item_id IN (?)", bun.List(ids)).Order("ip.item_id", "ip.position").Scan(ctx)
				return wrap(err, "select people of %d items", len(ids))
			})
		}
		if parts&core.MetaImages != 0 {
			g.Go(func() error {
				err := s.db.R.NewSelect().Model(&images).Where("item_id IN (?)", bun.List(ids)).
					OrderExpr("item_id, CASE kind WHEN 'Primary' THEN 0 ELSE 1 END, kind, position").Scan(ctx)
				return wrap(err, "select images of %d items", len(ids))
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if parts&core.MetaColumns == 0 {
			for _, id := range ids {
				out[id] = core.Metadata{}
			}
		}
		for _, row := range rows {
			out[core.ItemID(row.ID)] = metadataOf(row)
		}
		for _, t := range tags {
			m, ok := out[core.ItemID(t.ItemID)]
			if !ok {
				continue
			}
			switch t.Kind {
			case "genre":
				m.Genres = append(m.Genres, t.Value)
			case "studio":
				m.Studios = append(m.Studios, t.Value)
			case "tag":
				m.Tags = append(m.Tags, t.Value)
			}
			out[core.ItemID(t.ItemID)] = m
		}
		for _, c := range credits {
			if m, ok := out[core.ItemID(c.ItemID)]; ok {
				m.Credits = append(m.Credits, core.Credit{Name: c.Name, Kind: core.PersonKind(c.Kind), Role: c.Role, Order: c.Position, Thumb: c.Thumb})
				out[core.ItemID(c.ItemID)] = m
			}
		}
		for _, im := range images {
			if m, ok := out[core.ItemID(im.ItemID)]; ok {
				m.Images = append(m.Images, core.Image{Kind: core.ImageKind(im.Kind), Path: im.Path, URL: im.URL})
				out[core.ItemID(im.ItemID)] = m
			}
		}
		return nil
	})
	return out, err
}

// metadataOf converts the descriptive columns of an item, as read does.
func metadataOf(row itemMetaRow) core.Metadata {
	m := core.Metadata{Title: row.Title, OriginalTitle: row.OriginalTitle, SortTitle: row.SortTitle, Overview: row.Overview,
		Tagline: row.Tagline, CommunityScore: row.CommunityScore, CriticScore: row.CriticScore,
		OfficialRating: row.OfficialRating, Runtime: time.Duration(row.RuntimeMS) * time.Millisecond,
		Collection: row.Collection, Locked: row.MetadataLocked}
	if row.Year != nil {
		m.Year = *row.Year
	}
	m.Premiere, _ = time.Parse(premiereLayout, row.Premiere)
	fromJSON(row.ProviderIDs, &m.ProviderIDs)
	fromJSON(row.LockedFields, &m.LockedFields)
	return m
}

// FilesOf returns the files of many items, each item's ordered as ItemFiles orders them.
func (s *Media) FilesOf(ctx context.Context, ids []core.ItemID) (map[core.ItemID][]core.MediaFile, error) {
	st, ok := s.db.contentStamp()
	return cachedRead(ctx, s.db, &pagesOf(s.db).files, st, ok, ids, func(fs []core.MediaFile) bool { return len(fs) == 0 },
		cloneFiles, s.readFilesOf)
}

func (s *Media) readFilesOf(ctx context.Context, ids []core.ItemID) (map[core.ItemID][]core.MediaFile, error) {
	out := make(map[core.ItemID][]core.MediaFile, len(ids))
	err := chunks(ids, func(ids []core.ItemID) error {
		var rows []mediaFileRow
		if err := s.db.R.NewSelect().Model(&rows).Where("item_id IN (?)", bun.List(ids)).
			Order("item_id", "part", "version", "path").Scan(ctx); err != nil {
			return wrap(err, "select files of %d items", len(ids))
		}
		for i := range rows {
			f := rows[i].toCore()
			out[f.ItemID] = append(out[f.ItemID], f)
		}
		return nil
	})
	return out, err
}

// FileCounts counts the files of many items, versions and parts, in one grouped query per batch:
// a list's MediaSourceCount needs no file rows, whose stream lists are most of their size. Counts
// read at the current content generation come from the page cache.
func (s *Media) FileCounts(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.FileCount, error) {
	st, ok := s.db.contentStamp()
	return cachedRead(ctx, s.db, &pagesOf(s.db).fileCounts, st, ok, ids, func(n core.FileCount) bool { return n == core.FileCount{} },
		same, s.readFileCounts)
}

func (s *Media) readFileCounts(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.FileCount, error) {
	out := make(map[core.ItemID]core.FileCount, len(ids))
	err := chunks(ids, func(ids []core.ItemID) error {
		var rows []struct {
			ItemID   string `bun:"item_id"`
			Versions int    `bun:"versions"`
			Parts    int    `bun:"parts"`
		}
		if err := s.db.R.NewSelect().TableExpr("media_files").ColumnExpr("item_id").
			ColumnExpr("SUM(CASE WHEN part <= 1 THEN 1 ELSE 0 END) AS versions").
			ColumnExpr("SUM(CASE WHEN part > 0 THEN 1 ELSE 0 END) AS parts").
			Where("item_id IN (?)", bun.List(ids)).GroupExpr("item_id").Scan(ctx, &rows); err != nil {
			return wrap(err, "count files of %d items", len(ids))
		}
		for _, r := range rows {
			out[core.ItemID(r.ItemID)] = core.FileCount{Versions: r.Versions, Parts: r.Parts}
		}
		return nil
	})
	return out, err
}

// ItemsByID returns the items of ids that exist; rows read at the current list generation come
// from the page cache.
func (s *Items) ItemsByID(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.Item, error) {
	st, ok := s.db.listStamp()
	return cachedRead(ctx, s.db, &pagesOf(s.db).byID, st, ok, ids, func(it core.Item) bool { return it.ID == "" }, same,
		s.readByID)
}

func (s *Items) readByID(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.Item, error) {
	out := make(map[core.ItemID]core.Item, len(ids))
	err := chunks(ids, func(ids []core.ItemID) error {
		var rows []itemRow
		if err := s.db.R.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
			return wrap(err, "select %d items", len(ids))
		}
		for i := range rows {
			out[core.ItemID(rows[i].ID)] = rows[i].toCore()
		}
		return nil
	})
	return out, err
}

// ChildCounts counts the children of many items, extras aside, in one grouped query per batch;
// counts read at the current list generation come from the page cache.
func (s *Items) ChildCounts(ctx context.Context, ids []core.ItemID) (map[core.ItemID]int, error) {
	st, ok := s.db.listStamp()
	return cachedRead(ctx, s.db, &pagesOf(s.db).childCounts, st, ok, ids, func(n int) bool { return n == 0 }, same,
		s.readChildCounts)
}

func (s *Items) readChildCounts(ctx context.Context, ids []core.ItemID) (map[core.ItemID]int, error) {
	out := make(map[core.ItemID]int, len(ids))
	err := chunks(ids, func(ids []core.ItemID) error {
		var rows []struct {
			ParentID string `bun:"parent_id"`
			Count    int    `bun:"count"`
		}
		if err := s.db.R.NewSelect().TableExpr("items").ColumnExpr("parent_id, COUNT(*) AS count").
			Where("parent_id IN (?)", bun.List(ids)).Where("extra_type = ''").GroupExpr("parent_id").Scan(ctx, &rows); err != nil {
			return wrap(err, "count children of %d items", len(ids))
		}
		for _, r := range rows {
			out[core.ItemID(r.ParentID)] = r.Count
		}
		return nil
	})
	return out, err
}
