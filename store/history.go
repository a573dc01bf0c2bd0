package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type historyRow struct {
	bun.BaseModel `bun:"table:play_history"`

	Seq        int64     `bun:"seq"` // set by the database: inserts leave it out
	UserID     string    `bun:"user_id"`
	ItemID     string    `bun:"item_id"`
	LibraryID  string    `bun:"library_id"`
	FileID     string    `bun:"file_id"`
	DeviceID   string    `bun:"device_id"`
	DeviceName string    `bun:"device_name"`
	Client     string    `bun:"client"`
	StartedAt  time.Time `bun:"started_at"`
	StoppedAt  time.Time `bun:"stopped_at"`
	WatchedMS  int64     `bun:"watched_ms"`
	PositionMS int64     `bun:"position_ms"`
	Method     string    `bun:"method"`
	Reason     string    `bun:"reason"`
	TitleID    string    `bun:"title_id"` // the top of the item's hierarchy when played, for statistics
}

func (r *historyRow) toCore() core.HistoryEntry {
	return core.HistoryEntry{ID: r.Seq, User: core.UserID(r.UserID), Item: core.ItemID(r.ItemID), Library: core.LibraryID(r.LibraryID),
		File: core.FileID(r.FileID), DeviceID: r.DeviceID, DeviceName: r.DeviceName, Client: r.Client,
		Started: r.StartedAt.UTC(), Stopped: r.StoppedAt.UTC(), Watched: time.Duration(r.WatchedMS) * time.Millisecond,
		Position: time.Duration(r.PositionMS) * time.Millisecond, Method: core.PlayMethod(r.Method), Reason: r.Reason}
}

// History implements core.HistoryStore.
type History struct{ db *DB }

var _ core.HistoryStore = (*History)(nil)

// AddHistory stores an entry, and counts it in the statistics rollups in the same transaction, and
// returns it with its id.
func (s *History) AddHistory(ctx context.Context, e core.HistoryEntry) (core.HistoryEntry, error) {
	row := &historyRow{UserID: string(e.User), ItemID: string(e.Item), LibraryID: string(e.Library), FileID: string(e.File),
		DeviceID: e.DeviceID, DeviceName: e.DeviceName, Client: e.Client, StartedAt: e.Started.UTC(), StoppedAt: e.Stopped.UTC(),
		WatchedMS: e.Watched.Milliseconds(), PositionMS: e.Position.Milliseconds(), Method: string(e.Method), Reason: e.Reason}
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if row.TitleID, err = titleOf(ctx, tx, row.ItemID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("seq").Returning("seq").Exec(ctx); err != nil {
			return wrap(err, "insert history of %s", e.Item)
		}
		return addStats(ctx, tx, s.db.Dialect, row)
	})
	if err != nil {
		return core.HistoryEntry{}, err
	}
	return row.toCore(), nil
}

// History returns a page of matching entries, newest first unless q.Asc, and the total.
func (s *History) History(ctx context.Context, q core.HistoryQuery) ([]core.HistoryEntry, int, error) {
	var rows []historyRow
	sel := s.db.R.NewSelect().Model(&rows)
	if q.User != "" {
		sel = sel.Where("user_id = ?", string(q.User))
	}
	if q.Libraries != nil {
		sel = sel.Where("library_id IN (?)", bun.List(q.Libraries))
	}
	if q.Item != "" {
		sel = sel.Where("item_id = ?", string(q.Item))
	}
	if q.Parental != nil {
		cond, args := parentalCondition("item", q.Parental)
		sel = sel.Where("item_id IN (SELECT item.id FROM items item WHERE "+cond+")", args...)
	}
	if !q.Since.IsZero() {
		sel = sel.Where("stopped_at >= ?", q.Since.UTC())
	}
	if !q.Until.IsZero() {
		sel = sel.Where("stopped_at < ?", q.Until.UTC())
	}
	if q.Asc {
		sel = sel.Order("stopped_at ASC", "seq ASC")
	} else {
		sel = sel.Order("stopped_at DESC", "seq DESC")
	}
	total, err := sel.Limit(q.Limit).Offset(q.Offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, wrap(err, "select history")
	}
	out := make([]core.HistoryEntry, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, total, nil
}
