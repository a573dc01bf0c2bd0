package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type listRow struct {
	bun.BaseModel `bun:"table:user_lists,alias:l"`

	Seq       int64     `bun:"seq"` // set by the database: inserts leave it out
	ID        string    `bun:"id,pk"`
	UserID    string    `bun:"user_id"`
	Name      string    `bun:"name"`
	Watchlist bool      `bun:"watchlist"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func (r *listRow) toCore() core.List {
	return core.List{ID: core.ListID(r.ID), Owner: core.UserID(r.UserID), Name: r.Name, Watchlist: r.Watchlist,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type listItemRow struct {
	bun.BaseModel `bun:"table:user_list_items,alias:list_item_row"`

	ListID  string    `bun:"list_id,pk"`
	ItemID  string    `bun:"item_id,pk"`
	AddedAt time.Time `bun:"added_at"`
}

// Lists implements core.ListStore.
type Lists struct{ db *DB }

var _ core.ListStore = (*Lists)(nil)

// Watchlist returns the user's watchlist, inserting it first when there is none.
func (s *Lists) Watchlist(ctx context.Context, user core.UserID, at time.Time) (core.List, error) {
	var row listRow
	err := s.db.R.NewSelect().Model(&row).Where("user_id = ? AND watchlist", string(user)).Scan(ctx)
	if err == nil {
		return row.toCore(), nil
	}
	if err = wrap(err, "select watchlist of %s", user); !errors.Is(err, core.ErrNotFound) {
		return core.List{}, err
	}
	if err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return ensureWatchlist(ctx, tx, user, at, &row)
	}); err != nil {
		return core.List{}, err
	}
	return row.toCore(), nil
}

// ensureWatchlist reads user's watchlist into row, inserting it when there is none.
func ensureWatchlist(ctx context.Context, tx bun.Tx, user core.UserID, at time.Time, row *listRow) error {
	// The watchlist's id is derived from its user's: two first uses at once insert the same row.
	w := &listRow{ID: "w-" + string(user), UserID: string(user), Name: "", Watchlist: true, CreatedAt: at.UTC(), UpdatedAt: at.UTC()}
	if _, err := tx.NewInsert().Model(w).ExcludeColumn("seq").On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return wrap(err, "insert watchlist of %s", user)
	}
	return wrap(tx.NewSelect().Model(row).Where("user_id = ? AND watchlist", string(user)).Scan(ctx), "select watchlist of %s", user)
}

// CreateList stores a list, unless its owner has limit lists already or one of that name.
func (s *Lists) CreateList(ctx context.Context, l core.List, limit int) (core.List, error) {
	row := &listRow{ID: string(l.ID), UserID: string(l.Owner), Name: l.Name, CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC()}
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return createList(ctx, tx, row, limit)
	})
	if err != nil {
		return core.List{}, err
	}
	return row.toCore(), nil
}

func createList(ctx context.Context, tx bun.Tx, row *listRow, limit int) error {
	n, err := tx.NewSelect().Model((*listRow)(nil)).Where("user_id = ? AND NOT watchlist", row.UserID).Count(ctx)
	if err != nil {
		return wrap(err, "count lists of %s", row.UserID)
	}
	if n >= limit {
		return core.Invalid("lists", "a user keeps at most %d lists", limit)
	}
	taken, err := tx.NewSelect().Model((*listRow)(nil)).Where("user_id = ? AND name = ?", row.UserID, row.Name).Exists(ctx)
	if err != nil {
		return wrap(err, "look up list %q", row.Name)
	}
	if taken {
		return core.ErrConflict
	}
	_, err = tx.NewInsert().Model(row).ExcludeColumn("seq").Exec(ctx)
	return wrap(err, "insert list %q", row.Name)
}

// counted selects lists with how many of their items are in libs.
func (s *Lists) counted(libs []core.LibraryID, parental *core.ParentalControls) *bun.SelectQuery {
	count := "SELECT COUNT(*) FROM user_list_items e JOIN items i ON i.id = e.item_id WHERE e.list_id = l.id"
	var args []any
	switch {
	case libs == nil:
	case len(libs) == 0:
		count += " AND FALSE"
	default:
		count, args = count+" AND i.library_id IN (?)", []any{bun.List(libs)}
	}
	if parental != nil {
		cond, cargs := parentalCondition("i", parental)
		count, args = count+" AND "+cond, append(args, cargs...)
	}
	return s.db.R.NewSelect().Model((*listRow)(nil)).Column("l.*").ColumnExpr("("+count+") AS n", args...)
}

type countedListRow struct {
	listRow
	N int `bun:"n"`
}

// List returns a list with the number of its items in libs.
func (s *Lists) List(ctx context.Context, id core.ListID, libs []core.LibraryID, parental *core.ParentalControls) (core.List, error) {
	var row countedListRow
	if err := s.counted(libs, parental).Where("l.id = ?", string(id)).Scan(ctx, &row); err != nil {
		return core.List{}, wrap(err, "select list %s", id)
	}
	l := row.toCore()
	l.Items = row.N
	return l, nil
}

// Lists returns user's lists (those holding item, when set), the watchlist first, then by name.
func (s *Lists) Lists(ctx context.Context, user core.UserID, item core.ItemID, libs []core.LibraryID, parental *core.ParentalControls) ([]core.List, error) {
	var rows []countedListRow
	q := s.counted(libs, parental).Where("l.user_id = ?", string(user))
	if item != "" {
		q = q.Where("l.id IN (SELECT list_id FROM user_list_items WHERE item_id = ?)", string(item))
	}
	if err := q.OrderExpr("l.watchlist DESC, l.name, l.seq").Scan(ctx, &rows); err != nil {
		return nil, wrap(err, "select lists of %s", user)
	}
	out := make([]core.List, len(rows))
	for i, r := range rows {
		out[i] = r.toCore()
		out[i].Items = r.N
	}
	return out, nil
}

// RenameList renames a list, unless its owner has another list of that name.
func (s *Lists) RenameList(ctx context.Context, id core.ListID, name string, at time.Time) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var row listRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", string(id)).Scan(ctx); err != nil {
			return wrap(err, "select list %s", id)
		}
		taken, err := tx.NewSelect().Model((*listRow)(nil)).Where("user_id = ? AND name = ? AND id <> ?", row.UserID, name, row.ID).Exists(ctx)
		if err != nil {
			return wrap(err, "look up list %q", name)
		}
		if taken {
			return core.ErrConflict
		}
		_, err = tx.NewUpdate().Model((*listRow)(nil)).Set("name = ?", name).Set("updated_at = ?", at.UTC()).Where("id = ?", row.ID).Exec(ctx)
		return wrap(err, "rename list %s", id)
	})
}

// DeleteList deletes a list and its entries.
func (s *Lists) DeleteList(ctx context.Context, id core.ListID) error {
	res, err := s.db.W.NewDelete().Model((*listRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	if err != nil {
		return wrap(err, "delete list %s", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// AddToList adds the entries the list lacks in one transaction.
func (s *Lists) AddToList(ctx context.Context, id core.ListID, entries []core.ListEntry, at time.Time, limit int) (int, error) {
	var added int
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		added, err = addToList(ctx, tx, string(id), entries, at, limit)
		return err
	})
	return added, err
}

// addToList inserts the entries that list lacks (existing ones keep their date), refuses more
// than limit entries in all, and touches the list's updated_at when it added any.
func addToList(ctx context.Context, tx bun.Tx, list string, entries []core.ListEntry, at time.Time, limit int) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	before, err := tx.NewSelect().Model((*listItemRow)(nil)).Where("list_id = ?", list).Count(ctx)
	if err != nil {
		return 0, wrap(err, "count entries of list %s", list)
	}
	rows := make([]listItemRow, len(entries))
	for i, e := range entries {
		rows[i] = listItemRow{ListID: list, ItemID: string(e.Item.ID), AddedAt: e.AddedAt.UTC()}
	}
	for chunk := range slices.Chunk(rows, 500) {
		if _, err := tx.NewInsert().Model(&chunk).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return 0, wrap(err, "add entries to list %s", list)
		}
	}
	after, err := tx.NewSelect().Model((*listItemRow)(nil)).Where("list_id = ?", list).Count(ctx)
	if err != nil {
		return 0, wrap(err, "count entries of list %s", list)
	}
	if after > limit && after > before {
		return 0, core.Invalid("items", "a list holds at most %d items", limit)
	}
	if after > before {
		if _, err := tx.NewUpdate().Model((*listRow)(nil)).Set("updated_at = ?", at.UTC()).Where("id = ?", list).Exec(ctx); err != nil {
			return 0, wrap(err, "touch list %s", list)
		}
	}
	return after - before, nil
}

// RemoveFromList removes an item from a list.
func (s *Lists) RemoveFromList(ctx context.Context, id core.ListID, item core.ItemID, at time.Time) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*listItemRow)(nil)).Where("list_id = ? AND item_id = ?", string(id), string(item)).Exec(ctx)
		if err != nil {
			return wrap(err, "remove %s from list %s", item, id)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			_, err = tx.NewUpdate().Model((*listRow)(nil)).Set("updated_at = ?", at.UTC()).Where("id = ?", string(id)).Exec(ctx)
		}
		return wrap(err, "touch list %s", id)
	})
}

// ListEntries returns a page of a list's entries whose items are in libs, and their count.
func (s *Lists) ListEntries(ctx context.Context, id core.ListID, libs []core.LibraryID, parental *core.ParentalControls, asc bool, limit, offset int) ([]core.ListEntry, int, error) {
	if libs != nil && len(libs) == 0 {
		return []core.ListEntry{}, 0, nil
	}
	var rows []listItemRow
	q := s.db.R.NewSelect().Model(&rows).Join("JOIN items AS item ON item.id = list_item_row.item_id").
		Where("list_item_row.list_id = ?", string(id))
	if libs != nil {
		q = q.Where("item.library_id IN (?)", bun.List(libs))
	}
	q = parentalFilter(q, "item", parental)
	if asc {
		q = q.OrderExpr("list_item_row.added_at ASC, item.seq ASC")
	} else {
		q = q.OrderExpr("list_item_row.added_at DESC, item.seq DESC")
	}
	total, err := q.Limit(limit).Offset(offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, wrap(err, "select entries of list %s", id)
	}
	ids := make([]core.ItemID, len(rows))
	for i, r := range rows {
		ids[i] = core.ItemID(r.ItemID)
	}
	items, err := (&Items{s.db}).ItemsByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]core.ListEntry, 0, len(rows))
	for _, r := range rows {
		if it, ok := items[core.ItemID(r.ItemID)]; ok {
			out = append(out, core.ListEntry{Item: it, AddedAt: r.AddedAt.UTC()})
		}
	}
	return out, total, nil
}
