package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/walros/walros/core"
)

// BoxSets implements core.BoxSetStore: the box sets admins make, whose members are
// collection_items rows like those of the box sets scans make.
type BoxSets struct{ db *DB }

var _ core.BoxSetStore = (*BoxSets)(nil)

// CreateBoxSet stores a box set and its members in one transaction.
func (s *BoxSets) CreateBoxSet(ctx context.Context, set core.Item, members []core.ItemID) (core.Item, error) {
	row := newItemRow(set)
	row.MatchKey = ""
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("seq").Returning("seq").Exec(ctx, &row.Seq); err != nil {
			return wrap(err, "insert box set %q", set.Title)
		}
		if err := inheritParental(ctx, tx, row.ID); err != nil {
			return err
		}
		tags := ""
		row.ParentalTags = &tags
		return setMembers(ctx, tx, row.ID, members)
	})
	if err != nil {
		return core.Item{}, err
	}
	return row.toCore(), nil
}

// BoxSetMembers returns a box set's members in order.
func (s *BoxSets) BoxSetMembers(ctx context.Context, id core.ItemID) ([]core.ItemID, error) {
	var out []core.ItemID
	err := s.db.R.NewSelect().Model((*collectionItemRow)(nil)).Column("item_id").Where("collection_id = ?", string(id)).
		Order("position").Scan(ctx, &out)
	return out, wrap(err, "select members of box set %s", id)
}

// SetBoxSetMembers replaces a box set's members.
func (s *BoxSets) SetBoxSetMembers(ctx context.Context, id core.ItemID, members []core.ItemID) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*collectionItemRow)(nil)).Where("collection_id = ?", string(id)).Exec(ctx); err != nil {
			return wrap(err, "clear box set %s", id)
		}
		return setMembers(ctx, tx, string(id), members)
	})
}

func setMembers(ctx context.Context, tx bun.Tx, set string, members []core.ItemID) error {
	if len(members) == 0 {
		return nil
	}
	rows := make([]collectionItemRow, len(members))
	for i, m := range members {
		rows[i] = collectionItemRow{CollectionID: set, ItemID: string(m), Position: i}
	}
	for start := 0; start < len(rows); start += batchSize {
		chunk := rows[start:min(start+batchSize, len(rows))]
		if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return wrap(err, "fill box set %s", set)
		}
	}
	return nil
}

// DeleteBoxSet deletes a box set an admin made.
func (s *BoxSets) DeleteBoxSet(ctx context.Context, id core.ItemID) error {
	res, err := s.db.W.NewDelete().TableExpr("items").Where("id = ?", string(id)).Where("kind = ?", string(core.KindCollection)).
		Where("match_key = ''").Exec(ctx)
	return mustAffect(res, err, "delete box set %s", id)
}
