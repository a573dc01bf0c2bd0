package store

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type playlistRow struct {
	bun.BaseModel `bun:"table:playlists"`

	Seq       int64     `bun:"seq"` // set by the database: inserts leave it out
	ID        string    `bun:"id,pk"`
	OwnerID   string    `bun:"owner_id"`
	Name      string    `bun:"name"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type playlistShareRow struct {
	bun.BaseModel `bun:"table:playlist_shares"`

	PlaylistID string `bun:"playlist_id,pk"`
	UserID     string `bun:"user_id,pk"`
}

type playlistEntryRow struct {
	bun.BaseModel `bun:"table:playlist_entries"`

	Seq        int64  `bun:"seq"`
	PlaylistID string `bun:"playlist_id"`
	ItemID     string `bun:"item_id"`
	Position   int    `bun:"position"`
}

// Playlists implements core.PlaylistStore.
type Playlists struct{ db *DB }

var _ core.PlaylistStore = (*Playlists)(nil)

// CreatePlaylist stores a playlist and its entries in one transaction.
func (s *Playlists) CreatePlaylist(ctx context.Context, p core.Playlist, items []core.ItemID, limit int) (core.Playlist, error) {
	row := &playlistRow{ID: string(p.ID), OwnerID: string(p.Owner), Name: p.Name, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*playlistRow)(nil)).Where("owner_id = ?", row.OwnerID).Count(ctx)
		if err != nil {
			return wrap(err, "count playlists of %s", p.Owner)
		}
		if n >= limit {
			return core.Invalid("playlists", "a user keeps at most %d", limit)
		}
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("seq").Exec(ctx); err != nil {
			return wrap(err, "insert playlist %q", p.Name)
		}
		if err := setShares(ctx, tx, p.ID, p.SharedWith); err != nil {
			return err
		}
		entries := make([]core.PlaylistEntry, len(items))
		for i, id := range items {
			entries[i].Item.ID = id
		}
		return writeEntries(ctx, tx, p.ID, nil, entries)
	})
	if err != nil {
		return core.Playlist{}, err
	}
	return s.Playlist(ctx, p.ID)
}

func setShares(ctx context.Context, tx bun.Tx, id core.PlaylistID, users []core.UserID) error {
	if _, err := tx.NewDelete().Model((*playlistShareRow)(nil)).Where("playlist_id = ?", string(id)).Exec(ctx); err != nil {
		return wrap(err, "delete shares of playlist %s", id)
	}
	if len(users) == 0 {
		return nil
	}
	rows := make([]playlistShareRow, len(users))
	for i, u := range users {
		rows[i] = playlistShareRow{PlaylistID: string(id), UserID: string(u)}
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return wrap(err, "share playlist %s", id)
}

// writeEntries makes the stored entries (old, in their order) become entries: entries gone are
// deleted, new ones (ID 0) inserted. Positions only need to increase along the list, with gaps:
// an entry keeps its position while it stays after the one before, so removing and appending
// rewrite nothing else; a move rewrites what it jumps over.
func writeEntries(ctx context.Context, tx bun.Tx, id core.PlaylistID, old []playlistEntryRow, entries []core.PlaylistEntry) error {
	keep := map[int64]bool{}
	for _, e := range entries {
		if e.ID != 0 {
			keep[e.ID] = true
		}
	}
	var gone []int64
	pos := map[int64]int{}
	for _, o := range old {
		pos[o.Seq] = o.Position
		if !keep[o.Seq] {
			gone = append(gone, o.Seq)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.NewDelete().Model((*playlistEntryRow)(nil)).Where("seq IN (?)", bun.List(gone)).Exec(ctx); err != nil {
			return wrap(err, "delete entries of playlist %s", id)
		}
	}
	last := -1
	var added []playlistEntryRow
	for _, e := range entries {
		p, ok := pos[e.ID]
		switch {
		case e.ID == 0:
			last++
			added = append(added, playlistEntryRow{PlaylistID: string(id), ItemID: string(e.Item.ID), Position: last})
			continue
		case ok && p > last:
			last = p
			continue
		}
		last++
		if _, err := tx.NewUpdate().Model((*playlistEntryRow)(nil)).Set("position = ?", last).Where("seq = ?", e.ID).Exec(ctx); err != nil {
			return wrap(err, "move an entry of playlist %s", id)
		}
	}
	for len(added) > 0 {
		n := min(len(added), 500)
		if _, err := tx.NewInsert().Model(ptrSlice(added[:n])).ExcludeColumn("seq").Exec(ctx); err != nil {
			return wrap(err, "add entries to playlist %s", id)
		}
		added = added[n:]
	}
	return nil
}

func ptrSlice(rows []playlistEntryRow) *[]playlistEntryRow { return &rows }

// Playlist returns a playlist with its shares, entry count and duration.
func (s *Playlists) Playlist(ctx context.Context, id core.PlaylistID) (core.Playlist, error) {
	return s.one(ctx, "id = ?", string(id))
}

// PlaylistByKey returns a playlist by its seq.
func (s *Playlists) PlaylistByKey(ctx context.Context, key int64) (core.Playlist, error) {
	return s.one(ctx, "seq = ?", key)
}

func (s *Playlists) one(ctx context.Context, where string, arg any) (core.Playlist, error) {
	var row playlistRow
	if err := s.db.R.NewSelect().Model(&row).Where(where, arg).Scan(ctx); err != nil {
		return core.Playlist{}, wrap(err, "select playlist %v", arg)
	}
	out, err := s.complete(ctx, []playlistRow{row})
	if err != nil {
		return core.Playlist{}, err
	}
	return out[0], nil
}

// complete reads the shares, counts and durations of rows.
func (s *Playlists) complete(ctx context.Context, rows []playlistRow) ([]core.Playlist, error) {
	out := make([]core.Playlist, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var shares []playlistShareRow
	if err := s.db.R.NewSelect().Model(&shares).Where("playlist_id IN (?)", bun.List(ids)).Order("user_id").Scan(ctx); err != nil {
		return nil, wrap(err, "select playlist shares")
	}
	var sums []struct {
		PlaylistID string `bun:"playlist_id"`
		N          int    `bun:"n"`
		RuntimeMS  int64  `bun:"runtime_ms"`
	}
	if err := s.db.R.NewSelect().TableExpr("playlist_entries AS e").Join("JOIN items AS i ON i.id = e.item_id").
		ColumnExpr("e.playlist_id, COUNT(*) AS n, COALESCE(SUM(i.runtime_ms), 0) AS runtime_ms").
		Where("e.playlist_id IN (?)", bun.List(ids)).Group("e.playlist_id").Scan(ctx, &sums); err != nil {
		return nil, wrap(err, "count playlist entries")
	}
	for i, r := range rows {
		p := core.Playlist{ID: core.PlaylistID(r.ID), Key: r.Seq, Owner: core.UserID(r.OwnerID), Name: r.Name,
			SharedWith: []core.UserID{}, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		for _, sh := range shares {
			if sh.PlaylistID == r.ID {
				p.SharedWith = append(p.SharedWith, core.UserID(sh.UserID))
			}
		}
		for _, sm := range sums {
			if sm.PlaylistID == r.ID {
				p.Entries, p.Duration = sm.N, time.Duration(sm.RuntimeMS)*time.Millisecond
			}
		}
		out[i] = p
	}
	return out, nil
}

// Playlists returns the playlists user owns or that are shared with them, by name.
func (s *Playlists) Playlists(ctx context.Context, user core.UserID) ([]core.Playlist, error) {
	var rows []playlistRow
	if err := s.db.R.NewSelect().Model(&rows).
		Where("owner_id = ? OR id IN (SELECT playlist_id FROM playlist_shares WHERE user_id = ?)", string(user), string(user)).
		Order("name", "seq").Scan(ctx); err != nil {
		return nil, wrap(err, "select playlists of %s", user)
	}
	return s.complete(ctx, rows)
}

// PlaylistEntries returns the entries of a playlist in order, with their items.
func (s *Playlists) PlaylistEntries(ctx context.Context, id core.PlaylistID) ([]core.PlaylistEntry, error) {
	var rows []playlistEntryRow
	if err := s.db.R.NewSelect().Model(&rows).Where("playlist_id = ?", string(id)).Order("position", "seq").Scan(ctx); err != nil {
		return nil, wrap(err, "select entries of playlist %s", id)
	}
	ids := make([]core.ItemID, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, core.ItemID(r.ItemID))
	}
	items, err := (&Items{s.db}).ItemsByID(ctx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	out := make([]core.PlaylistEntry, 0, len(rows))
	for _, r := range rows {
		if it, ok := items[core.ItemID(r.ItemID)]; ok {
			out = append(out, core.PlaylistEntry{ID: r.Seq, Item: it})
		}
	}
	return out, nil
}

// OwnedEntries counts the entries of all the playlists user owns.
func (s *Playlists) OwnedEntries(ctx context.Context, user core.UserID) (int, error) {
	n, err := s.db.R.NewSelect().TableExpr("playlist_entries AS e").Join("JOIN playlists AS p ON p.id = e.playlist_id").
		Where("p.owner_id = ?", string(user)).Count(ctx)
	return n, wrap(err, "count the playlist entries of %s", user)
}

// UpdatePlaylist applies fn to a playlist and its entries in one write transaction (the row is
// locked FOR UPDATE on PostgreSQL).
func (s *Playlists) UpdatePlaylist(ctx context.Context, id core.PlaylistID, at time.Time, fn func(p *core.Playlist, entries *[]core.PlaylistEntry) error) (core.Playlist, error) {
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var row playlistRow
		q := tx.NewSelect().Model(&row).Where("id = ?", string(id))
		if s.db.Dialect == Postgres {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return wrap(err, "select playlist %s", id)
		}
		var shares []playlistShareRow
		if err := tx.NewSelect().Model(&shares).Where("playlist_id = ?", row.ID).Order("user_id").Scan(ctx); err != nil {
			return wrap(err, "select shares of playlist %s", id)
		}
		var old []playlistEntryRow
		if err := tx.NewSelect().Model(&old).Where("playlist_id = ?", row.ID).Order("position", "seq").Scan(ctx); err != nil {
			return wrap(err, "select entries of playlist %s", id)
		}
		p := core.Playlist{ID: id, Key: row.Seq, Owner: core.UserID(row.OwnerID), Name: row.Name, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
		for _, sh := range shares {
			p.SharedWith = append(p.SharedWith, core.UserID(sh.UserID))
		}
		entries := make([]core.PlaylistEntry, len(old))
		for i, o := range old {
			entries[i] = core.PlaylistEntry{ID: o.Seq, Item: core.Item{ID: core.ItemID(o.ItemID)}}
		}
		before := slices.Clone(p.SharedWith)
		if err := fn(&p, &entries); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*playlistRow)(nil)).Set("name = ?", p.Name).Set("updated_at = ?", at.UTC()).
			Where("id = ?", row.ID).Exec(ctx); err != nil {
			return wrap(err, "update playlist %s", id)
		}
		if !slices.Equal(before, p.SharedWith) {
			if err := setShares(ctx, tx, id, p.SharedWith); err != nil {
				return err
			}
		}
		return writeEntries(ctx, tx, id, old, entries)
	})
	if err != nil {
		return core.Playlist{}, err
	}
	return s.Playlist(ctx, id)
}

// DeletePlaylist deletes a playlist, its shares and entries.
func (s *Playlists) DeletePlaylist(ctx context.Context, id core.PlaylistID) error {
	res, err := s.db.W.NewDelete().Model((*playlistRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	if err != nil {
		return wrap(err, "delete playlist %s", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}
