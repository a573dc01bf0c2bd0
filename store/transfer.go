package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// Transfer implements core.TransferStore: the reads of an export and the matching of an import,
// and an import's writes in one transaction.
type Transfer struct{ db *DB }

var _ core.TransferStore = (*Transfer)(nil)

// UserDataRows returns every stored row of a user's data, by item.
func (s *Transfer) UserDataRows(ctx context.Context, user core.UserID) ([]core.UserData, error) {
	var rows []userDataRow
	if err := s.db.R.NewSelect().Model(&rows).Where("user_id = ?", string(user)).Order("item_id").Scan(ctx); err != nil {
		return nil, wrap(err, "select user data of %s", user)
	}
	out := make([]core.UserData, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, nil
}

// ItemsByID returns the items of ids that exist.
func (s *Transfer) ItemsByID(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.Item, error) {
	return (&Items{s.db}).ItemsByID(ctx, ids)
}

// ItemsByProvider returns the items of a kind whose id at provider is among values. Provider ids
// are a JSON object in a text column: the query reads it with each dialect's JSON function.
func (s *Transfer) ItemsByProvider(ctx context.Context, kind core.ItemKind, provider string, values []string) ([]core.Item, error) {
	expr := "json_extract(item.provider_ids, ?)"
	path := any(`$."` + provider + `"`)
	if s.db.Dialect == Postgres {
		expr, path = "(item.provider_ids::jsonb ->> ?)", provider
	}
	var out []core.Item
	for chunk := range slices.Chunk(values, 500) {
		var rows []itemRow
		if err := s.db.R.NewSelect().Model(&rows).Where("item.kind = ?", string(kind)).
			Where(expr+" IN (?)", path, bun.List(chunk)).Scan(ctx); err != nil {
			return nil, wrap(err, "select items by %s id", provider)
		}
		for i := range rows {
			out = append(out, rows[i].toCore())
		}
	}
	return out, nil
}

// ItemsByTitle returns, for each title, the items of a kind whose search key is the title's.
func (s *Transfer) ItemsByTitle(ctx context.Context, kind core.ItemKind, titles []string) (map[string][]core.Item, error) {
	byKey := map[string][]string{}
	for _, t := range titles {
		byKey[searchKey(t)] = append(byKey[searchKey(t)], t)
	}
	keys := slices.Sorted(maps.Keys(byKey))
	out := map[string][]core.Item{}
	for chunk := range slices.Chunk(keys, 500) {
		var rows []itemRow
		if err := s.db.R.NewSelect().Model(&rows).Where("item.kind = ?", string(kind)).
			Where("item.search_title IN (?)", bun.List(chunk)).Scan(ctx); err != nil {
			return nil, wrap(err, "select items by title")
		}
		for i := range rows {
			for _, t := range byKey[rows[i].SearchTitle] {
				out[t] = append(out[t], rows[i].toCore())
			}
		}
	}
	return out, nil
}

// Import applies an import plan for user in one write transaction.
func (s *Transfer) Import(ctx context.Context, user core.UserID, p core.ImportPlan) (core.ImportResult, error) {
	var res core.ImportResult
	defer (&UserData{s.db}).wrote(user)
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res = core.ImportResult{}
		if err := s.importUserData(ctx, tx, user, p); err != nil {
			return err
		}
		if err := importHistory(ctx, tx, user, p.History, &res.History); err != nil {
			return err
		}
		if len(p.Watchlist) > 0 {
			var w listRow
			if err := ensureWatchlist(ctx, tx, user, p.At, &w); err != nil {
				return err
			}
			n, err := addToList(ctx, tx, w.ID, p.Watchlist, p.At, core.MaxListItems)
			if err != nil {
				return err
			}
			res.Watchlist.Imported, res.Watchlist.Existing = n, len(p.Watchlist)-n
		}
		for _, l := range p.Lists {
			var row listRow
			err := tx.NewSelect().Model(&row).Where("user_id = ? AND name = ? AND NOT watchlist", string(user), l.Name).Scan(ctx)
			switch err = wrap(err, "select list %q", l.Name); {
			case err == nil:
				res.Lists.Existing++
			case errors.Is(err, core.ErrNotFound):
				row = listRow{ID: p.NewID(), UserID: string(user), Name: l.Name, CreatedAt: l.CreatedAt, UpdatedAt: p.At}
				if err := createList(ctx, tx, &row, core.MaxListsPerUser); err != nil {
					return err
				}
				res.Lists.Imported++
			default:
				return err
			}
			n, err := addToList(ctx, tx, row.ID, l.Entries, p.At, core.MaxListItems)
			if err != nil {
				return err
			}
			res.ListItems.Imported += n
			res.ListItems.Existing += len(l.Entries) - n
		}
		for _, pl := range p.Playlists {
			if err := importPlaylist(ctx, tx, user, pl, p, &res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return core.ImportResult{}, err
	}
	return res, nil
}

// importUserData merges the plan's user data into the stored rows and rewrites those that change.
func (s *Transfer) importUserData(ctx context.Context, tx bun.Tx, user core.UserID, p core.ImportPlan) error {
	if len(p.UserData) == 0 {
		return nil
	}
	ids := make([]string, len(p.UserData))
	for i, d := range p.UserData {
		ids[i] = string(d.ItemID)
	}
	cur := map[core.ItemID]core.UserData{}
	for chunk := range slices.Chunk(ids, 500) {
		var rows []userDataRow
		if err := tx.NewSelect().Model(&rows).Where("user_id = ? AND item_id IN (?)", string(user), bun.List(chunk)).Scan(ctx); err != nil {
			return wrap(err, "select user data of %s", user)
		}
		for i := range rows {
			cur[core.ItemID(rows[i].ItemID)] = rows[i].toCore()
		}
	}
	var changed []*userDataRow
	var touched []core.ItemID
	for _, in := range p.UserData {
		old := cur[in.ItemID]
		old.ItemID = in.ItemID
		d := p.Merge(old, in)
		d.ItemID = in.ItemID
		if sameUserData(old, d) {
			continue
		}
		changed = append(changed, newUserDataRow(user, d, p.At))
		touched = append(touched, in.ItemID)
	}
	for chunk := range slices.Chunk(changed, 500) {
		if _, err := tx.NewInsert().Model(&chunk).On("CONFLICT (user_id, item_id) DO UPDATE").
			Set("position_ms = EXCLUDED.position_ms, file_id = EXCLUDED.file_id, played = EXCLUDED.played, play_count = EXCLUDED.play_count").
			Set("last_played_at = EXCLUDED.last_played_at, favorite = EXCLUDED.favorite, likes = EXCLUDED.likes").
			Set("rating = EXCLUDED.rating, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return wrap(err, "import user data of %s", user)
		}
	}
	if len(touched) == 0 {
		return nil
	}
	return (&UserData{s.db}).refreshSeries(ctx, tx, user, touched)
}

func sameUserData(a, b core.UserData) bool {
	return a.Position == b.Position && a.File == b.File && a.Played == b.Played && a.PlayCount == b.PlayCount && equalTime(a.LastPlayedAt, b.LastPlayedAt) &&
		a.Favorite == b.Favorite && equalPtr(a.Likes, b.Likes) && equalPtr(a.Rating, b.Rating)
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// importHistory inserts the sessions that are not stored yet: a session is the same as a stored
// one when it has its user and item and starts and stops within a millisecond of it (databases
// keep times at different precisions).
func importHistory(ctx context.Context, tx bun.Tx, user core.UserID, entries []core.HistoryEntry, count *core.ImportCount) error {
	if len(entries) == 0 {
		return nil
	}
	items := make([]string, 0, len(entries))
	for _, e := range entries {
		items = append(items, string(e.Item))
	}
	items = slices.Compact(slices.Sorted(slices.Values(items)))
	have := map[string][][2]time.Time{}
	for chunk := range slices.Chunk(items, 500) {
		var rows []historyRow
		if err := tx.NewSelect().Model(&rows).Column("item_id", "started_at", "stopped_at").
			Where("user_id = ? AND item_id IN (?)", string(user), bun.List(chunk)).Scan(ctx); err != nil {
			return wrap(err, "select history of %s", user)
		}
		for _, r := range rows {
			have[r.ItemID] = append(have[r.ItemID], [2]time.Time{r.StartedAt, r.StoppedAt})
		}
	}
	near := func(a, b time.Time) bool { d := a.Sub(b); return d < time.Millisecond && d > -time.Millisecond }
	var add []historyRow
	for _, e := range entries {
		if slices.ContainsFunc(have[string(e.Item)], func(t [2]time.Time) bool { return near(t[0], e.Started) && near(t[1], e.Stopped) }) {
			count.Existing++
			continue
		}
		have[string(e.Item)] = append(have[string(e.Item)], [2]time.Time{e.Started, e.Stopped})
		add = append(add, historyRow{UserID: string(user), ItemID: string(e.Item), LibraryID: string(e.Library), FileID: string(e.File),
			DeviceID: e.DeviceID, DeviceName: e.DeviceName, Client: e.Client, StartedAt: e.Started.UTC(), StoppedAt: e.Stopped.UTC(),
			WatchedMS: e.Watched.Milliseconds(), PositionMS: e.Position.Milliseconds(), Method: string(e.Method), Reason: e.Reason})
	}
	for chunk := range slices.Chunk(add, 500) {
		if _, err := tx.NewInsert().Model(&chunk).ExcludeColumn("seq").Exec(ctx); err != nil {
			return wrap(err, "import history of %s", user)
		}
	}
	count.Imported += len(add)
	return nil
}

// importPlaylist creates a playlist, or appends to the user's playlist of that name the items it
// lacks: an item the playlist holds n times answers for n of the imported.
func importPlaylist(ctx context.Context, tx bun.Tx, user core.UserID, pl core.ImportPlaylist, p core.ImportPlan, res *core.ImportResult) error {
	var rows []playlistRow
	if err := tx.NewSelect().Model(&rows).Where("owner_id = ? AND name = ?", string(user), pl.Name).Order("seq").Limit(1).Scan(ctx); err != nil {
		return wrap(err, "select playlist %q", pl.Name)
	}
	var row playlistRow
	var old []playlistEntryRow
	if len(rows) == 1 {
		row = rows[0]
		res.Playlists.Existing++
		if err := tx.NewSelect().Model(&old).Where("playlist_id = ?", row.ID).Order("position", "seq").Scan(ctx); err != nil {
			return wrap(err, "select entries of playlist %s", row.ID)
		}
	} else {
		n, err := tx.NewSelect().Model((*playlistRow)(nil)).Where("owner_id = ?", string(user)).Count(ctx)
		if err != nil {
			return wrap(err, "count playlists of %s", user)
		}
		if n >= core.MaxPlaylistsPerUser {
			return core.Invalid("playlists", "a user keeps at most %d", core.MaxPlaylistsPerUser)
		}
		row = playlistRow{ID: p.NewID(), OwnerID: string(user), Name: pl.Name, CreatedAt: pl.CreatedAt, UpdatedAt: p.At}
		if _, err := tx.NewInsert().Model(&row).ExcludeColumn("seq").Exec(ctx); err != nil {
			return wrap(err, "insert playlist %q", pl.Name)
		}
		res.Playlists.Imported++
	}
	held := map[string]int{}
	entries := make([]core.PlaylistEntry, len(old))
	for i, o := range old {
		held[o.ItemID]++
		entries[i] = core.PlaylistEntry{ID: o.Seq, Item: core.Item{ID: core.ItemID(o.ItemID)}}
	}
	added := 0
	for _, id := range pl.Items {
		if held[string(id)] > 0 {
			held[string(id)]--
			res.PlaylistEntries.Existing++
			continue
		}
		entries = append(entries, core.PlaylistEntry{Item: core.Item{ID: id}})
		added++
	}
	res.PlaylistEntries.Imported += added
	if added == 0 {
		return nil
	}
	if len(entries) > core.MaxPlaylistEntries {
		return core.Invalid("playlists", "a playlist holds at most %d entries", core.MaxPlaylistEntries)
	}
	owned, err := tx.NewSelect().TableExpr("playlist_entries AS e").Join("JOIN playlists AS p ON p.id = e.playlist_id").
		Where("p.owner_id = ?", string(user)).Count(ctx)
	if err != nil {
		return wrap(err, "count the playlist entries of %s", user)
	}
	if owned+added > core.MaxPlaylistEntriesUser {
		return core.Invalid("playlists", "a user's playlists hold at most %d entries in all", core.MaxPlaylistEntriesUser)
	}
	if _, err := tx.NewUpdate().Model((*playlistRow)(nil)).Set("updated_at = ?", p.At.UTC()).Where("id = ?", row.ID).Exec(ctx); err != nil {
		return wrap(err, "touch playlist %s", row.ID)
	}
	return writeEntries(ctx, tx, core.PlaylistID(row.ID), old, entries)
}
