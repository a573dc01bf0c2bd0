package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// collectionItemRow is one member of a box set.
type collectionItemRow struct {
	bun.BaseModel `bun:"table:collection_items"`

	CollectionID string `bun:"collection_id,pk"`
	ItemID       string `bun:"item_id,pk"`
	Position     int    `bun:"position"`
}

// collectionKeyPrefix starts the match key of the box sets a scan makes from movies' collections.
const collectionKeyPrefix = "collection:"

// SyncCollections makes a library's box sets match its movies' collections, in one transaction: one
// collection item per collection name (compared ignoring case), holding its movies by year; box sets
// left with no movie go. Collections an admin made (no match key) are not touched.
func (s *Metadata) SyncCollections(ctx context.Context, lib core.LibraryID) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var movies []struct {
			ID         string `bun:"id"`
			Collection string `bun:"collection"`
			Year       *int   `bun:"year"`
			SortTitle  string `bun:"sort_title"`
		}
		if err := tx.NewSelect().Table("items").Column("id", "collection", "year", "sort_title").
			Where("library_id = ?", string(lib)).Where("kind = ?", string(core.KindMovie)).
			Where("collection <> ''").Scan(ctx, &movies); err != nil {
			return wrap(err, "select collections of library %s", lib)
		}
		var sets []itemRow
		if err := tx.NewSelect().Model(&sets).Where("library_id = ?", string(lib)).
			Where("kind = ?", string(core.KindCollection)).Where("match_key LIKE ?", collectionKeyPrefix+"%").
			Scan(ctx); err != nil {
			return wrap(err, "select box sets of library %s", lib)
		}
		byKey := map[string]*itemRow{}
		for i := range sets {
			byKey[sets[i].MatchKey] = &sets[i]
		}

		type member struct {
			id, sortTitle string
			year          int
		}
		members := map[string][]member{}
		names := map[string]string{} // match key → the name as first spelt
		for _, m := range movies {
			key := collectionKeyPrefix + foldKey(m.Collection)
			if _, ok := names[key]; !ok {
				names[key] = m.Collection
			}
			y := 0
			if m.Year != nil {
				y = *m.Year
			}
			members[key] = append(members[key], member{m.ID, m.SortTitle, y})
		}

		now := time.Now().UTC()
		keep := map[string]bool{}
		for key, ms := range members {
			set, ok := byKey[key]
			if !ok {
				it := core.Item{ID: core.ItemID(s.newID()), Kind: core.KindCollection, Title: names[key], LibraryID: lib,
					MatchKey: key, CreatedAt: now, UpdatedAt: now}
				set = newItemRow(it)
				if _, err := tx.NewInsert().Model(set).ExcludeColumn("seq").Returning("seq").Exec(ctx, &set.Seq); err != nil {
					return wrap(err, "insert box set %q", names[key])
				}
				if err := inheritParental(ctx, tx, set.ID); err != nil {
					return err
				}
			}
			keep[set.ID] = true
			if _, err := tx.NewDelete().Model((*collectionItemRow)(nil)).Where("collection_id = ?", set.ID).Exec(ctx); err != nil {
				return wrap(err, "clear box set %s", set.ID)
			}
			slices.SortFunc(ms, func(a, b member) int {
				return cmp.Or(cmp.Compare(a.year, b.year), cmp.Compare(a.sortTitle, b.sortTitle), cmp.Compare(a.id, b.id))
			})
			rows := make([]collectionItemRow, len(ms))
			for i, m := range ms {
				rows[i] = collectionItemRow{CollectionID: set.ID, ItemID: m.id, Position: i}
			}
			if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
				return wrap(err, "fill box set %s", set.ID)
			}
		}
		var gone []string
		for _, set := range sets {
			if !keep[set.ID] {
				gone = append(gone, set.ID)
			}
		}
		if len(gone) > 0 {
			if _, err := tx.NewDelete().TableExpr("items").Where("id IN (?)", bun.List(gone)).Exec(ctx); err != nil {
				return wrap(err, "delete empty box sets of library %s", lib)
			}
		}
		return nil
	})
}
