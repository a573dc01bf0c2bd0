package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type userDataRow struct {
	bun.BaseModel `bun:"table:user_data,alias:ud"`

	UserID       string     `bun:"user_id,pk"`
	ItemID       string     `bun:"item_id,pk"`
	PositionMS   int64      `bun:"position_ms"`
	FileID       string     `bun:"file_id"`
	Played       bool       `bun:"played"`
	PlayCount    int        `bun:"play_count"`
	LastPlayedAt *time.Time `bun:"last_played_at"`
	Favorite     bool       `bun:"favorite"`
	Likes        *bool      `bun:"likes"`
	Rating       *float64   `bun:"rating"`
	UpdatedAt    time.Time  `bun:"updated_at"`
}

func newUserDataRow(user core.UserID, d core.UserData, at time.Time) *userDataRow {
	return &userDataRow{UserID: string(user), ItemID: string(d.ItemID), PositionMS: d.Position.Milliseconds(), FileID: string(d.File),
		Played: d.Played, PlayCount: d.PlayCount, LastPlayedAt: utcPtr(d.LastPlayedAt), Favorite: d.Favorite,
		Likes: d.Likes, Rating: d.Rating, UpdatedAt: at.UTC()}
}

func (r *userDataRow) toCore() core.UserData {
	return core.UserData{ItemID: core.ItemID(r.ItemID), Position: time.Duration(r.PositionMS) * time.Millisecond, File: core.FileID(r.FileID),
		Played: r.Played, PlayCount: r.PlayCount, LastPlayedAt: utcPtr(r.LastPlayedAt), Favorite: r.Favorite, Likes: r.Likes,
		Rating: r.Rating}
}

// userDataCountRow is a user data row with the item's runtime and, for an item with playable items
// under it, how many there are and how many are played.
type userDataCountRow struct {
	ItemID       string     `bun:"item_id"`
	Kind         string     `bun:"kind"`
	PositionMS   int64      `bun:"position_ms"`
	FileID       string     `bun:"file_id"`
	Played       bool       `bun:"played"`
	PlayCount    int        `bun:"play_count"`
	LastPlayedAt *time.Time `bun:"last_played_at"`
	Favorite     bool       `bun:"favorite"`
	Likes        *bool      `bun:"likes"`
	Rating       *float64   `bun:"rating"`
	RuntimeMS    int64      `bun:"runtime_ms"`
	Total        *int       `bun:"total"`
	Done         *int       `bun:"done"`
}

// UserData implements core.UserDataStore.
type UserData struct{ db *DB }

var _ core.UserDataStore = (*UserData)(nil)

// playable is the SQL list of core.PlayableKinds: they are constants, so they are written into
// the query rather than bound.
var playable = func() string {
	q := make([]string, len(core.PlayableKinds))
	for i, k := range core.PlayableKinds {
		q[i] = "'" + string(k) + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}()

// under returns a query of the playable items d under the items whose id matches anc (an SQL
// condition on ?, such as "= item.id" or "IN (...)"), with their ancestor as anc: children
// (episodes of a season, extras aside), grandchildren (episodes in the seasons of a series,
// tracks in the albums of an artist) and box-set members. cond, about d, is added to each branch,
// and args, the arguments of anc and cond, are repeated for each.
func under(dialect Dialect, anc, cond string, args ...any) (string, []any) {
	leaf := noIndex(dialect, "d.kind") + " IN " + playable + " AND d.extra_type = ''"
	if cond != "" {
		leaf += " AND " + cond
	}
	q := "SELECT d.parent_id AS anc, d.id FROM items d WHERE d.parent_id " + anc + " AND " + leaf +
		" UNION ALL SELECT s.parent_id AS anc, d.id FROM items s CROSS JOIN items d WHERE s.parent_id " + anc + " AND d.parent_id = s.id AND " + leaf +
		" UNION ALL SELECT ci.collection_id AS anc, d.id FROM collection_items ci CROSS JOIN items d WHERE ci.collection_id " + anc + " AND d.id = ci.item_id AND " + leaf
	return q, slices.Concat(args, args, args)
}

// noIndex writes col so that SQLite uses no index for it. Without statistics its planner prefers
// items_kind_sort for "kind = 'episode'", which matches every episode of every library, to
// items_parent_index or the primary key. CROSS JOIN is the other hint SQLite takes: it keeps the
// order of the loops (PostgreSQL plans freely).
func noIndex(dialect Dialect, col string) string {
	if dialect == SQLite {
		return "+" + col
	}
	return col
}

// UserData returns a user's data for the existing items among ids, in one query; items with
// playable items under them get counts of those. Data read at the current content generation and
// the user's own (bumped by each of their writes here) comes from the page cache: the counts
// depend on the items under each, the rest on the user's rows.
func (s *UserData) UserData(ctx context.Context, user core.UserID, ids []core.ItemID) (map[core.ItemID]core.UserData, error) {
	if len(ids) == 0 {
		return map[core.ItemID]core.UserData{}, nil
	}
	st, ok := s.db.contentStamp()
	if !ok {
		return s.readUserData(ctx, user, ids)
	}
	pc := s.db.pages
	st = pc.userStamp(st[0], user)
	return cachedRead(ctx, s.db, pc.userCache(user), st, true, ids, func(d core.UserData) bool { return d.ItemID == "" }, same,
		func(ctx context.Context, ids []core.ItemID) (map[core.ItemID]core.UserData, error) {
			return s.readUserData(ctx, user, ids)
		})
}

// wrote makes user's cached data out of date, once their write is committed.
func (s *UserData) wrote(user core.UserID) {
	if s.db.pages != nil {
		s.db.pages.userWrote(user)
	}
}

// readUserData is UserData from the database.
func (s *UserData) readUserData(ctx context.Context, user core.UserID, ids []core.ItemID) (map[core.ItemID]core.UserData, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids))) // one query text for one set of ids
	out := make(map[core.ItemID]core.UserData, len(ids))
	desc, args := under(s.db.Dialect, "IN (?)", "", bun.List(ids))
	var rows []userDataCountRow
	err := s.db.R.NewRaw(`SELECT i.id AS item_id, i.kind, i.runtime_ms, COALESCE(ud.position_ms, 0) AS position_ms, COALESCE(ud.file_id, '') AS file_id,
			COALESCE(ud.played, FALSE) AS played, COALESCE(ud.play_count, 0) AS play_count, ud.last_played_at,
			COALESCE(ud.favorite, FALSE) AS favorite, ud.likes, ud.rating, c.total, c.done
		FROM items i
		LEFT JOIN user_data ud ON ud.item_id = i.id AND ud.user_id = ?
		LEFT JOIN (SELECT x.anc, COUNT(*) AS total, SUM(CASE WHEN pd.played THEN 1 ELSE 0 END) AS done
			FROM (`+desc+`) x
			LEFT JOIN user_data pd ON pd.item_id = x.id AND pd.user_id = ?
			GROUP BY x.anc) c ON c.anc = i.id
		WHERE i.id IN (?)`, slices.Concat([]any{string(user)}, args, []any{string(user), bun.List(ids)})...).Scan(ctx, &rows)
	if err != nil {
		return nil, wrap(err, "select user data of %d items", len(ids))
	}
	for _, r := range rows {
		d := (&userDataRow{ItemID: r.ItemID, PositionMS: r.PositionMS, FileID: r.FileID, Played: r.Played, PlayCount: r.PlayCount,
			LastPlayedAt: r.LastPlayedAt, Favorite: r.Favorite, Likes: r.Likes, Rating: r.Rating}).toCore()
		switch {
		case !core.ItemKind(r.Kind).Playable() && r.Total != nil && *r.Total > 0:
			done := 0
			if r.Done != nil {
				done = *r.Done
			}
			unplayed := *r.Total - done
			d.UnplayedCount, d.Played = &unplayed, unplayed == 0
			d.PlayedPercent = float64(done) / float64(*r.Total) * 100
		case d.Position > 0 && r.RuntimeMS > 0:
			d.PlayedPercent = min(100, float64(d.Position.Milliseconds())/float64(r.RuntimeMS)*100)
		}
		out[d.ItemID] = d
	}
	return out, nil
}

// UpdateUserData reads a user's data for an item, applies fn and writes the result in one write
// transaction. A missing row is inserted first, so that on PostgreSQL the row is there to be
// locked FOR UPDATE and two first plays on two devices cannot both insert; on SQLite the
// transaction holds the write lock.
func (s *UserData) UpdateUserData(ctx context.Context, user core.UserID, id core.ItemID, at time.Time, fn func(*core.UserData) error) (core.UserData, error) {
	var d core.UserData
	defer s.wrote(user)
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		row := newUserDataRow(user, core.UserData{ItemID: id}, at)
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (user_id, item_id) DO NOTHING").Exec(ctx); err != nil {
			return wrap(err, "insert user data of item %s", id)
		}
		q := tx.NewSelect().Model(row).WherePK()
		if s.db.Dialect == Postgres {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return wrap(err, "select user data of item %s", id)
		}
		cur := row.toCore()
		d = cur
		if err := fn(&d); err != nil {
			return err
		}
		d.ItemID = id
		if _, err := tx.NewUpdate().Model(newUserDataRow(user, d, at)).WherePK().Exec(ctx); err != nil {
			return wrap(err, "update user data of item %s", id)
		}
		if cur.Played != d.Played || (d.Played && !equalTime(cur.LastPlayedAt, d.LastPlayedAt)) {
			return s.refreshSeries(ctx, tx, user, []core.ItemID{id})
		}
		return nil
	})
	if err != nil {
		return core.UserData{}, err
	}
	return d, nil
}

// MarkPlayed marks the item, or the playable items under it, played or unplayed in one
// transaction: one query finds them, one statement writes them all.
func (s *UserData) MarkPlayed(ctx context.Context, user core.UserID, id core.ItemID, played bool, at time.Time) ([]core.ItemID, error) {
	at = at.UTC()
	var ids []core.ItemID
	defer s.wrote(user)
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		desc, args := under(s.db.Dialect, "= ?", "", string(id))
		ids = nil
		err := tx.NewRaw("SELECT d.id FROM items d WHERE d.id = ? AND d.kind IN "+playable+" UNION ALL SELECT x.id FROM ("+desc+") x",
			append([]any{string(id)}, args...)...).Scan(ctx, &ids)
		if err != nil {
			return wrap(err, "select items under %s", id)
		}
		ids = slices.Compact(slices.Sorted(slices.Values(ids))) // a box-set member may also be a child
		if len(ids) == 0 {
			return nil
		}
		if !played {
			_, err = tx.NewRaw(`UPDATE user_data SET played = FALSE, position_ms = 0, file_id = '', play_count = 0, last_played_at = NULL,
				updated_at = ? WHERE user_id = ? AND item_id IN (?)`, at, string(user), bun.List(ids)).Exec(ctx)
		} else {
			// The SELECT has a WHERE: without one SQLite would read ON CONFLICT as a join constraint.
			_, err = tx.NewRaw(`INSERT INTO user_data (user_id, item_id, position_ms, played, play_count, last_played_at, favorite, updated_at)
				SELECT ?, i.id, 0, TRUE, 1, ?, FALSE, ? FROM items i WHERE i.id IN (?)
				ON CONFLICT (user_id, item_id) DO UPDATE SET position_ms = 0, file_id = '', played = TRUE,
					play_count = CASE WHEN user_data.played THEN user_data.play_count ELSE user_data.play_count + 1 END,
					last_played_at = excluded.last_played_at, updated_at = excluded.updated_at`,
				string(user), at, at, bun.List(ids)).Exec(ctx)
		}
		if err != nil {
			return wrap(err, "mark %d items played (%v)", len(ids), played)
		}
		return s.refreshSeries(ctx, tx, user, ids)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// refreshSeries recomputes the user_series rows of the series of items (those that are
// episodes): the episode of each the user played last, specials aside, the latest in episode
// order among those played at the same time (a season marked played at once).
func (s *UserData) refreshSeries(ctx context.Context, tx bun.Tx, user core.UserID, items []core.ItemID) error {
	var series []string
	err := tx.NewRaw(`SELECT DISTINCT CASE WHEN p.kind = 'season' THEN p.parent_id ELSE e.parent_id END
		FROM items e CROSS JOIN items p
		WHERE e.id IN (?) AND p.id = e.parent_id AND `+noIndex(s.db.Dialect, "e.kind")+` = 'episode'`, bun.List(items)).Scan(ctx, &series)
	if err != nil || len(series) == 0 {
		return wrap(err, "select series of %d items", len(items))
	}
	if _, err := tx.NewRaw("DELETE FROM user_series WHERE user_id = ? AND series_id IN (?)", string(user), bun.List(series)).Exec(ctx); err != nil {
		return wrap(err, "clear last episodes of %d series", len(series))
	}
	eps, args := under(s.db.Dialect, "IN (?)", noIndex(s.db.Dialect, "d.kind")+" = 'episode' AND COALESCE(d.parent_index, 1) <> 0", bun.List(series))
	_, err = tx.NewRaw(`INSERT INTO user_series (user_id, series_id, episode_id, played_at)
		SELECT ?, anc, id, at FROM (
			SELECT x.anc, e.id, ud.last_played_at AS at, ROW_NUMBER() OVER (PARTITION BY x.anc
				ORDER BY ud.last_played_at DESC, COALESCE(e.parent_index, 1) DESC, COALESCE(e.index_end, e.index_number, 0) DESC,
					e.sort_title DESC, e.seq DESC) AS rn
			FROM (`+eps+`) x CROSS JOIN items e CROSS JOIN user_data ud
			WHERE e.id = x.id AND ud.user_id = ? AND ud.item_id = e.id AND ud.played AND ud.last_played_at IS NOT NULL) r
		WHERE rn = 1`, slices.Concat([]any{string(user)}, args, []any{string(user)})...).Exec(ctx)
	return wrap(err, "record last episodes of %d series", len(series))
}

// NextUp finds next episodes in two queries, whatever the number of series: one starts from the
// user's user_series rows (one per series, kept by refreshSeries) and looks for the first unplayed
// episode after each, the other loads the page's episodes.
func (s *UserData) NextUp(ctx context.Context, q core.NextUpQuery) ([]core.Item, int, error) {
	if q.Libraries != nil && len(q.Libraries) == 0 {
		return []core.Item{}, 0, nil
	}
	var (
		filter string
		args   = []any{string(q.User)}
	)
	if !q.Since.IsZero() {
		filter, args = filter+" AND n.played_at >= ?", append(args, q.Since.UTC())
	}
	if q.Libraries != nil {
		filter, args = filter+" AND e.library_id IN (?)", append(args, bun.List(q.Libraries))
	}
	if q.Library != "" {
		filter, args = filter+" AND e.library_id = ?", append(args, string(q.Library))
	}
	if q.Series != "" {
		filter, args = filter+" AND n.series_id = ?", append(args, string(q.Series))
	}
	if q.Parental != nil {
		cond, cargs := parentalCondition("e", q.Parental)
		filter, args = filter+" AND "+cond, append(args, cargs...)
	}
	// The next episode is the first unplayed one after the last played: further in its season
	// (by number, or for a daily show without numbers by sort title, which starts with the air
	// date), else in a later season, else (for episodes made by hand right under their series)
	// among the series' own. Each subquery seeks into items_episode_order just after the last
	// played episode and stops at the first match, so a series costs a few index steps however
	// long it is. CROSS JOIN and noIndex keep SQLite's planner on those indexes.
	notPlayed := "NOT EXISTS (SELECT 1 FROM user_data u2 WHERE u2.user_id = ? AND u2.item_id = e.id AND u2.played)"
	episode := noIndex(s.db.Dialect, "e.kind") + " = 'episode' AND e.extra_type = ''"
	var rows []struct {
		ID *string `bun:"id"` // NULL for a series watched to the end
	}
	err := s.db.R.NewRaw(`WITH last AS MATERIALIZED (
			SELECT n.series_id, n.played_at AS at, e.parent_id AS season_id, COALESCE(e.parent_index, 1) AS sn,
				COALESCE(e.index_end, e.index_number, 0) AS en, e.sort_title AS st, e.seq
			FROM user_series n CROSS JOIN items e
			WHERE n.user_id = ? AND e.id = n.episode_id`+filter+`
		)
		SELECT COALESCE(
			(SELECT e.id FROM items e
				WHERE e.parent_id = l.season_id AND l.season_id <> l.series_id AND e.index_number > l.en AND `+episode+`
					AND `+notPlayed+`
				ORDER BY e.index_number, e.sort_title, e.seq LIMIT 1),
			(SELECT e.id FROM items e
				WHERE l.en = 0 AND e.parent_id = l.season_id AND l.season_id <> l.series_id AND e.index_number IS NULL
					AND (e.sort_title, e.seq) > (l.st, l.seq) AND `+episode+` AND `+notPlayed+`
				ORDER BY e.sort_title, e.seq LIMIT 1),
			(SELECT e.id FROM items s CROSS JOIN items e
				WHERE s.parent_id = l.series_id AND s.index_number > l.sn AND `+noIndex(s.db.Dialect, "s.kind")+` = 'season'
					AND e.parent_id = s.id AND `+episode+` AND `+notPlayed+`
				ORDER BY s.index_number, s.seq, e.index_number, e.sort_title, e.seq LIMIT 1),
			(SELECT e.id FROM items e
				WHERE e.parent_id = l.series_id AND `+episode+` AND COALESCE(e.parent_index, 1) <> 0
					AND (COALESCE(e.parent_index, 1), COALESCE(e.index_number, 0), e.sort_title, e.seq) > (l.sn, l.en, l.st, l.seq)
					AND `+notPlayed+`
				ORDER BY COALESCE(e.parent_index, 1), e.index_number, e.sort_title, e.seq LIMIT 1)) AS id
		FROM last l
		ORDER BY l.at DESC, l.series_id`, append(args, string(q.User), string(q.User), string(q.User), string(q.User))...).Scan(ctx, &rows)
	if err != nil {
		return nil, 0, wrap(err, "select next up")
	}
	var all []string
	for _, r := range rows {
		if r.ID != nil {
			all = append(all, *r.ID)
		}
	}
	total := len(all)
	ids := all[min(q.Offset, total):min(q.Offset+q.Limit, total)]
	if len(ids) == 0 {
		return []core.Item{}, total, nil
	}
	var items []itemRow
	if err := s.db.R.NewSelect().Model(&items).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, 0, wrap(err, "select next up episodes")
	}
	out := make([]core.Item, 0, len(items))
	for _, id := range ids {
		if i := slices.IndexFunc(items, func(r itemRow) bool { return r.ID == id }); i >= 0 {
			out = append(out, items[i].toCore())
		}
	}
	return out, total, nil
}

// equalTime reports whether two optional times are the same.
func equalTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// userDataFilters adds an item query's user data filters to sel, whose items are aliased item.
func userDataFilters(sel *bun.SelectQuery, q core.ItemQuery, dialect Dialect) *bun.SelectQuery {
	user := string(q.User)
	// An IN subquery rather than EXISTS lets the planner start from the user's few rows.
	if q.Resumable {
		sel = sel.Where("item.id IN (SELECT ud.item_id FROM user_data ud WHERE ud.user_id = ? AND ud.position_ms > 0 AND NOT ud.played)", user)
	}
	if q.Favorite != nil {
		fav := "item.id IN (SELECT ud.item_id FROM user_data ud WHERE ud.user_id = ? AND ud.favorite)"
		if !*q.Favorite {
			fav = "NOT " + fav
		}
		sel = sel.Where(fav, user)
	}
	if q.Played != nil {
		// A playable item is played by its row; anything else when it has playable items under it
		// and none of them is unplayed. A list of playable kinds only (movies, episodes) needs
		// only the first test, which the planner can start from the user's rows.
		leaf := "item.id IN (SELECT ud.item_id FROM user_data ud WHERE ud.user_id = ? AND ud.played)"
		some, someArgs := under(dialect, "= item.id", "")
		unplayed, unplayedArgs := under(dialect, "= item.id",
			"NOT EXISTS (SELECT 1 FROM user_data pd WHERE pd.user_id = ? AND pd.item_id = d.id AND pd.played)", user)
		folder := "EXISTS (" + some + ") AND NOT EXISTS (" + unplayed + ")"
		var (
			played string
			args   []any
		)
		switch {
		case len(q.Kinds) > 0 && !slices.ContainsFunc(q.Kinds, func(k core.ItemKind) bool { return !k.Playable() }):
			played, args = leaf, []any{user}
		case len(q.Kinds) > 0 && !slices.ContainsFunc(q.Kinds, core.ItemKind.Playable):
			played, args = folder, slices.Concat(someArgs, unplayedArgs)
		default:
			played = "((item.kind IN " + playable + " AND " + leaf + ") OR (item.kind NOT IN " + playable + " AND " + folder + "))"
			args = slices.Concat([]any{user}, someArgs, unplayedArgs)
		}
		if !*q.Played {
			played = "NOT (" + played + ")"
		}
		sel = sel.Where(played, args...)
	}
	return sel
}

// orderPlayed orders sel by when q's user last played each item, never played first when
// ascending, last when descending (SQLite and PostgreSQL disagree on where NULLs go).
func orderPlayed(sel *bun.SelectQuery, q core.ItemQuery) *bun.SelectQuery {
	dir := " ASC NULLS FIRST"
	if q.Desc {
		dir = " DESC NULLS LAST"
	}
	return sel.OrderExpr("(SELECT ud.last_played_at FROM user_data ud WHERE ud.user_id = ? AND ud.item_id = item.id)"+dir, string(q.User))
}
