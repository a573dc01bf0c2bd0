package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Packs: their text format, and their upkeep with each history row (see stats.go).

const (
	hourSecs   = 3600
	daySecs    = 24 * hourSecs
	backfillAt = "-- backfill:"
)

// The kinds of packs, and the entries they hold (see migration 0018). Those ending in /h are
// per hour (period counts hours from 1970), for the whole hours at the ends of a range; the others
// per day.
const (
	packHours      = "hours"    // H PLAYS MS
	packSplit      = "split"    // LIBRARY METHOD PLAYS MS
	packUsers      = "users"    // USER HOURS PLAYS MS
	packItems      = "items"    // ITEM_KEY PLAYS MS
	packTitles     = "titles"   // TITLE_KEY PLAYS MS, user packs only
	packSplitHour  = "split/h"  // LIBRARY METHOD PLAYS MS
	packUsersHour  = "users/h"  // USER PLAYS MS
	packItemsHour  = "items/h"  // ITEM_KEY PLAYS MS
	packTitlesHour = "titles/h" // TITLE_KEY PLAYS MS, user packs only
)

// keyFields is how many fields of an entry of each kind name it.
var keyFields = map[string]int{packHours: 1, packSplit: 2, packUsers: 1, packItems: 1, packTitles: 1,
	packSplitHour: 2, packUsersHour: 1, packItemsHour: 1, packTitlesHour: 1}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// statsHour is the UTC hour t is in, counted from 1970.
func statsHour(t time.Time) int64 { return floorDiv(t.Unix(), hourSecs) }

// packEntry is what an entry counts.
type packEntry struct {
	hours uint32 // users only
	plays int64
	ms    int64
}

// pack is a pack's entries by key (the key fields, separated by spaces).
type pack map[string]*packEntry

// parsePack reads a pack of kind from its text.
func parsePack(kind, data string) (pack, error) {
	p := pack{}
	f := strings.Fields(data)
	k := keyFields[kind]
	n := k + 2
	if kind == packUsers {
		n++
	}
	if len(f)%n != 0 {
		return nil, fmt.Errorf("statistics pack %s: %d fields, not entries of %d", kind, len(f), n)
	}
	for i := 0; i < len(f); i += n {
		var nums [3]int64
		for j := k; j < n; j++ {
			v, err := strconv.ParseInt(f[i+j], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("statistics pack %s: %w", kind, err)
			}
			nums[j-k] = v
		}
		e := &packEntry{plays: nums[0], ms: nums[1]}
		if kind == packUsers {
			e = &packEntry{hours: uint32(nums[0]), plays: nums[1], ms: nums[2]}
		}
		p.add(strings.Join(f[i:i+k], " "), e, 1)
	}
	return p, nil
}

// add counts e in the entry of key, sign times (-1 takes it out; an entry left with no play goes).
func (p pack) add(key string, e *packEntry, sign int64) {
	cur, ok := p[key]
	if !ok {
		cur = &packEntry{}
		p[key] = cur
	}
	cur.plays += sign * e.plays
	cur.ms += sign * e.ms
	if sign > 0 {
		cur.hours |= e.hours
	}
	if cur.plays <= 0 {
		delete(p, key)
	}
}

// text writes the pack as stored, entries in key order.
func (p pack) text(kind string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, len(p)*24)
	for i, k := range keys {
		e := p[k]
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, k...)
		if kind == packUsers {
			b = strconv.AppendUint(append(b, ' '), uint64(e.hours), 10)
		}
		b = strconv.AppendInt(append(b, ' '), e.plays, 10)
		b = strconv.AppendInt(append(b, ' '), e.ms, 10)
	}
	return string(b)
}

// packID names a pack: a user's, or the server's when user is empty.
type packID struct {
	user, kind string
	period     int64
}

// packDelta is what a change adds to (or takes out of) each pack.
type packDelta map[packID]pack

func (d packDelta) add(id packID, key string, e packEntry) {
	p, ok := d[id]
	if !ok {
		p = pack{}
		d[id] = p
	}
	p.add(key, &e, 1)
}

// play counts one history row in the packs of its day.
func (d packDelta) play(user, library, method string, itemKey, titleKey int64, stopped time.Time, ms int64, server, own bool) {
	hour := statsHour(stopped)
	day := floorDiv(hour, 24)
	h := hour - day*24
	e := packEntry{plays: 1, ms: ms}
	item, title := strconv.FormatInt(itemKey, 10), strconv.FormatInt(titleKey, 10)
	if server {
		d.add(packID{"", packHours, day}, strconv.FormatInt(h, 10), e)
		d.add(packID{"", packSplit, day}, library+" "+method, e)
		d.add(packID{"", packUsers, day}, user, packEntry{hours: 1 << h, plays: 1, ms: ms})
		d.add(packID{"", packItems, day}, item, e)
		d.add(packID{"", packSplitHour, hour}, library+" "+method, e)
		d.add(packID{"", packUsersHour, hour}, user, e)
		d.add(packID{"", packItemsHour, hour}, item, e)
	}
	if own {
		d.add(packID{user, packHours, day}, strconv.FormatInt(h, 10), e)
		d.add(packID{user, packItems, day}, item, e)
		d.add(packID{user, packTitles, day}, title, e)
		d.add(packID{user, packItemsHour, hour}, item, e)
		d.add(packID{user, packTitlesHour, hour}, title, e)
	}
}

// apply adds (sign 1) or takes out (-1) the delta in a write transaction, a few hundred packs of
// a kind per statement (deleting a heavy user rewrites thousands). Packs go in one order, so that
// transactions on PostgreSQL lock them in the same order.
func (d packDelta) apply(ctx context.Context, tx bun.IDB, dialect Dialect, sign int64) error {
	ids := make([]packID, 0, len(d))
	for id := range d {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b packID) int {
		return cmp.Or(strings.Compare(a.user, b.user), strings.Compare(a.kind, b.kind), cmp.Compare(a.period, b.period))
	})
	const chunk = 500
	for len(ids) > 0 {
		n := 1
		for n < len(ids) && n < chunk && ids[n].user == ids[0].user && ids[n].kind == ids[0].kind {
			n++
		}
		if err := d.applyKind(ctx, tx, dialect, sign, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// applyKind applies the delta to packs of one kind (and user), ids in period order.
func (d packDelta) applyKind(ctx context.Context, tx bun.IDB, dialect Dialect, sign int64, ids []packID) error {
	user, kind := ids[0].user, ids[0].kind
	// t is the table, owner its condition on the user and kind (and its arguments), lead the
	// values that lead a new row's.
	t, owner, args, lead := "stats_packs", "stats_packs.kind = ?", []any{kind}, "?"
	if user != "" {
		t, owner, args, lead = "stats_user_packs", "stats_user_packs.user_id = ? AND stats_user_packs.kind = ?", []any{user, kind}, "?, ?"
	}
	periods := make([]int64, len(ids))
	for i, id := range ids {
		periods[i] = id.period
	}
	if sign > 0 {
		// The rows first exist, so that two transactions adding to a new pack both lock it.
		cols := "kind, period, data"
		if user != "" {
			cols = "user_id, " + cols
		}
		var rows []string
		var vals []any
		for _, p := range periods {
			rows = append(rows, "("+lead+", ?, '')")
			vals = append(vals, append(slices.Clone(args), p)...)
		}
		if _, err := tx.NewRaw("INSERT INTO "+t+" ("+cols+") VALUES "+strings.Join(rows, ", ")+" ON CONFLICT DO NOTHING", vals...).Exec(ctx); err != nil {
			return wrap(err, "create statistics packs %s", kind)
		}
	}
	lock := ""
	if dialect == Postgres {
		lock = " FOR UPDATE"
	}
	var cur []struct {
		Period int64  `bun:"period"`
		Data   string `bun:"data"`
	}
	if err := tx.NewRaw("SELECT period, data FROM "+t+" WHERE "+owner+" AND period IN (?) ORDER BY period"+lock,
		append(slices.Clone(args), bun.List(periods))...).Scan(ctx, &cur); err != nil {
		return wrap(err, "read statistics packs %s", kind)
	}
	var gone []int64
	var rows []string
	var vals []any
	for _, c := range cur {
		p, err := parsePack(kind, c.Data)
		if err != nil {
			return err
		}
		for key, e := range d[packID{user, kind, c.Period}] {
			p.add(key, e, sign)
		}
		if len(p) == 0 {
			gone = append(gone, c.Period)
			continue
		}
		rows = append(rows, "(?, ?)")
		vals = append(vals, c.Period, p.text(kind))
	}
	if len(gone) > 0 {
		if _, err := tx.NewRaw("DELETE FROM "+t+" WHERE "+owner+" AND period IN (?)", append(slices.Clone(args), bun.List(gone))...).Exec(ctx); err != nil {
			return wrap(err, "drop emptied statistics packs %s", kind)
		}
	}
	if len(rows) > 0 {
		if _, err := tx.NewRaw("UPDATE "+t+" SET data = v.column2 FROM (VALUES "+strings.Join(rows, ", ")+") AS v WHERE "+owner+
			" AND "+t+".period = v.column1", append(vals, args...)...).Exec(ctx); err != nil {
			return wrap(err, "write statistics packs %s", kind)
		}
	}
	return nil
}

// addStats counts a new history row in the packs of its day, inside the transaction that inserts
// it, and sets its title.
func addStats(ctx context.Context, tx bun.IDB, dialect Dialect, r *historyRow) error {
	key, err := itemKey(ctx, tx, r.ItemID)
	if err != nil {
		return err
	}
	title, err := itemKey(ctx, tx, r.TitleID)
	if err != nil {
		return err
	}
	d := packDelta{}
	d.play(r.UserID, r.LibraryID, r.Method, key, title, r.StoppedAt, r.WatchedMS, true, true)
	return d.apply(ctx, tx, dialect, 1)
}

// titleOf is the item at the top of item's hierarchy: the series of an episode, the artist of a
// track; the item itself at the top, or when it is unknown.
func titleOf(ctx context.Context, tx bun.IDB, item string) (string, error) {
	var title string
	err := tx.NewRaw("WITH RECURSIVE up (id, parent_id) AS (SELECT id, parent_id FROM items WHERE id = ?"+
		" UNION ALL SELECT i.id, i.parent_id FROM up JOIN items i ON i.id = up.parent_id) SELECT id FROM up WHERE parent_id IS NULL", item).Scan(ctx, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return item, nil
	}
	return title, wrap(err, "find the title of %s", item)
}

// itemKey returns the packs' number for an item, giving it one the first time.
func itemKey(ctx context.Context, tx bun.IDB, item string) (int64, error) {
	var key int64
	sel := func() error {
		return tx.NewRaw("SELECT item_key FROM stats_items WHERE item_id = ?", item).Scan(ctx, &key)
	}
	err := sel()
	if errors.Is(err, sql.ErrNoRows) {
		if _, err = tx.NewRaw("INSERT INTO stats_items (item_id) VALUES (?) ON CONFLICT (item_id) DO NOTHING", item).Exec(ctx); err == nil {
			err = sel()
		}
	}
	return key, wrap(err, "number item %s for statistics", item)
}

// subtractUserStats takes a user's plays out of the server-wide packs, in the transaction that
// deletes the user (their history and their own packs go with them by cascade).
func subtractUserStats(ctx context.Context, tx bun.IDB, dialect Dialect, user string) error {
	var rows []struct {
		ItemKey   int64     `bun:"item_key"`
		LibraryID string    `bun:"library_id"`
		Method    string    `bun:"method"`
		StoppedAt time.Time `bun:"stopped_at"`
		WatchedMS int64     `bun:"watched_ms"`
	}
	if err := tx.NewRaw("SELECT k.item_key, h.library_id, h.method, h.stopped_at, h.watched_ms FROM play_history h"+
		" JOIN stats_items k ON k.item_id = h.item_id WHERE h.user_id = ?", user).Scan(ctx, &rows); err != nil {
		return wrap(err, "read the history of user %s", user)
	}
	d := packDelta{}
	for _, r := range rows {
		d.play(user, r.LibraryID, r.Method, r.ItemKey, 0, r.StoppedAt, r.WatchedMS, true, false)
	}
	return d.apply(ctx, tx, dialect, -1)
}
