package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
	"golang.org/x/sync/errgroup"
)

// Statistics rollups (decision 0019, migration 0018). play_history is summed into packs: a text
// row per UTC day (or hour) and kind (stats_packs, and stats_user_packs for each user), holding
// one entry per hour, library and method, user, item or title. The transaction that adds a history
// row adds it to its day's and hour's packs; deleting a user takes their plays out of the
// server-wide packs (theirs go by cascade). A statistics query reads the day packs of the whole
// UTC days of its range, the hour packs of the other whole hours, and play_history itself for the
// partial hours at its ends, so that its answer is what summing play_history over the range
// gives: a test holds it to that (core/stats_ref_test.go).
//
// Why text packs and not a row per day and item: SQLite (modernc) costs about a microsecond a row,
// and a year of a busy server has half a million (day, item) pairs; as packs it is 365 rows, parsed
// in Go in a few milliseconds.

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

// Stats implements core.StatsStore over the packs.
type Stats struct {
	db     *DB
	titles *titleIndex
}

var _ core.StatsStore = (*Stats)(nil)

// Rebuild empties the packs and fills them again from play_history, with the statements of
// migration 0018 that filled them from the history recorded before it. The benchmark uses it after
// loading history in bulk; so could an import, or an operator after editing play_history by hand.
func (s *Stats) Rebuild(ctx context.Context) error {
	b, err := fs.ReadFile(migrationFiles, path.Join("migrations", string(s.db.Dialect), "0018_stats.sql"))
	if err != nil {
		return err
	}
	_, fill, ok := strings.Cut(string(b), backfillAt)
	if !ok {
		return fmt.Errorf("migration 0018 has no %q line", backfillAt)
	}
	_, fill, _ = strings.Cut(fill, "\n")
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, t := range []string{"stats_packs", "stats_user_packs", "stats_items"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return wrap(err, "empty %s", t)
			}
		}
		_, err := tx.ExecContext(ctx, fill)
		return wrap(err, "fill the statistics packs")
	})
}

// statsPlan splits [from, to) into what the packs answer and what play_history answers: the
// whole hours [h1, h2), of which the whole UTC days [d1, d2) come from day packs and the other
// hours (hours) from hour packs, and the partial hours at either end (edges), read raw.
type statsPlan struct {
	h1, h2 int64
	d1, d2 int64
	hours  [][2]int64
	edges  [][2]time.Time
}

func planStats(from, to time.Time) statsPlan {
	p := statsPlan{h1: floorDiv(from.Unix(), hourSecs), h2: floorDiv(to.Unix(), hourSecs)}
	if from.Unix()%hourSecs != 0 || from.Nanosecond() != 0 {
		p.h1++ // from's hour is partial
	}
	if p.h1 >= p.h2 {
		return statsPlan{edges: [][2]time.Time{{from, to}}}
	}
	if start := time.Unix(p.h1*hourSecs, 0).UTC(); from.Before(start) {
		p.edges = append(p.edges, [2]time.Time{from, start})
	}
	if end := time.Unix(p.h2*hourSecs, 0).UTC(); end.Before(to) {
		p.edges = append(p.edges, [2]time.Time{end, to})
	}
	p.d1, p.d2 = -floorDiv(-p.h1, 24), floorDiv(p.h2, 24)
	if p.d1 >= p.d2 {
		p.d1, p.d2 = 0, 0
		p.hours = [][2]int64{{p.h1, p.h2}}
		return p
	}
	for _, r := range [][2]int64{{p.h1, p.d1 * 24}, {p.d2 * 24, p.h2}} {
		if r[0] < r[1] {
			p.hours = append(p.hours, r)
		}
	}
	return p
}

// edgeWhere is the condition on h.stopped_at for the edges, and its arguments.
func (p statsPlan) edgeWhere() (string, []any) {
	var conds []string
	var args []any
	for _, e := range p.edges {
		conds = append(conds, "(h.stopped_at >= ? AND h.stopped_at < ?)")
		args = append(args, e[0].UTC(), e[1].UTC())
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// packsSQL selects the periods and texts of the packs of a kind whose periods are in the ranges:
// the whole days, or the hours at the ends.
func packsSQL(table, kind string, ranges [][2]int64, user string) (string, []any) {
	var conds []string
	args := []any{kind}
	if user != "" {
		args = append([]any{user}, args...)
	}
	for _, r := range ranges {
		conds = append(conds, "(period >= ? AND period < ?)")
		args = append(args, r[0], r[1])
	}
	if len(conds) == 0 {
		conds = append(conds, "1 = 0")
	}
	where := "kind = ? AND (" + strings.Join(conds, " OR ") + ")"
	if user != "" {
		where = "user_id = ? AND " + where
	}
	return "SELECT period, data FROM " + table + " WHERE " + where, args
}

// readPacks calls f with the period and text of each pack q selects (columns period, data).
func (s *Stats) readPacks(ctx context.Context, f func(period int64, data []byte) error, q string, args ...any) error {
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return wrap(err, "read statistics packs")
	}
	defer rows.Close()
	for rows.Next() {
		var period int64
		var data sql.RawBytes
		if err := rows.Scan(&period, &data); err != nil {
			return wrap(err, "read statistics packs")
		}
		if err := f(period, data); err != nil {
			return err
		}
	}
	return wrap(rows.Err(), "read statistics packs")
}

// entries calls f with the fields of each entry of a pack's text, n fields an entry. The slices
// are only valid during the call.
func entries(data []byte, n int, f func(fields [][]byte) error) error {
	fields := make([][]byte, 0, n)
	for len(data) > 0 {
		i := bytes.IndexByte(data, ' ')
		if i < 0 {
			i = len(data)
		}
		fields = append(fields, data[:i])
		data = data[min(i+1, len(data)):]
		if len(fields) == n {
			if err := f(fields); err != nil {
				return err
			}
			fields = fields[:0]
		}
	}
	if len(fields) != 0 {
		return fmt.Errorf("statistics pack: an entry of %d fields, not %d", len(fields), n)
	}
	return nil
}

// num parses a field of digits (and a leading minus sign).
func num(b []byte) (int64, error) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, fmt.Errorf("statistics pack: bad number %q", b)
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("statistics pack: bad number %q", b)
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

// nums parses fields as numbers.
func nums(fields [][]byte, into ...*int64) error {
	for i, p := range into {
		v, err := num(fields[i])
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

// triples calls f with each "A B C" entry of a pack of numbers (hours, items, titles), in one
// pass over its text: a year of a busy server's item packs is some 8 MB.
func triples(data []byte, f func(a, b, c int64)) error {
	var v [3]int64
	i, cur, digits, neg := 0, int64(0), 0, false
	end := func() error {
		if digits == 0 {
			return fmt.Errorf("statistics pack: an empty field in %.40q", data)
		}
		if neg {
			cur = -cur
		}
		v[i] = cur
		cur, digits, neg = 0, 0, false
		if i++; i == 3 {
			f(v[0], v[1], v[2])
			i = 0
		}
		return nil
	}
	for _, c := range data {
		switch {
		case c >= '0' && c <= '9':
			cur = cur*10 + int64(c-'0')
			digits++
		case c == ' ':
			if err := end(); err != nil {
				return err
			}
		case c == '-' && digits == 0:
			neg = true
		default:
			return fmt.Errorf("statistics pack: %q in %.40q", c, data)
		}
	}
	if len(data) > 0 {
		if err := end(); err != nil {
			return err
		}
	}
	if i != 0 {
		return fmt.Errorf("statistics pack: an entry of %d numbers in %.40q", i, data)
	}
	return nil
}

// sums adds plays and time watched by a small number (an item's or a title's), in slices it grows.
type sums struct{ plays, ms []int64 }

func (s *sums) add(key, plays, ms int64) {
	if key < 0 {
		return
	}
	if key >= int64(len(s.plays)) {
		more := make([]int64, max(key+1, int64(len(s.plays))*2, 1024)-int64(len(s.plays)))
		s.plays, s.ms = append(s.plays, more...), append(s.ms, more...)
	}
	s.plays[key] += plays
	s.ms[key] += ms
}

// addPack adds a pack of "KEY PLAYS MS" entries. It is triples with the adding inlined: a year
// of a busy server's item packs is some 8 MB, half the time of a year's statistics.
func (s *sums) addPack(_ int64, data []byte) error {
	var v [3]int64
	i, cur, digits := 0, int64(0), 0
	for j := 0; j <= len(data); j++ {
		if j < len(data) {
			if c := data[j]; c >= '0' && c <= '9' {
				cur = cur*10 + int64(c-'0')
				digits++
				continue
			} else if c != ' ' {
				return triples(data, s.add) // a minus sign, or garbage: the careful parser says which
			}
		} else if len(data) == 0 {
			break
		}
		if digits == 0 {
			return triples(data, s.add)
		}
		v[i], cur, digits = cur, 0, 0
		if i++; i == 3 {
			if k := v[0]; k < int64(len(s.plays)) {
				s.plays[k] += v[1]
				s.ms[k] += v[2]
			} else {
				s.add(k, v[1], v[2])
			}
			i = 0
		}
	}
	if i != 0 {
		return fmt.Errorf("statistics pack: an entry of %d numbers in %.40q", i, data)
	}
	return nil
}

// merge adds o's sums.
func (s *sums) merge(o *sums) {
	for k, p := range o.plays {
		if p != 0 || o.ms[k] != 0 {
			s.add(int64(k), p, o.ms[k])
		}
	}
}

// count is how many keys have a play.
func (s *sums) count() int {
	n := 0
	for _, p := range s.plays {
		if p > 0 {
			n++
		}
	}
	return n
}

// top returns the n keys with the most plays and the n with the most time, ties by key.
func (s *sums) top(n int) (byPlays, byTime []int64) {
	return topKeys(s.plays, s.ms, n), topKeys(s.ms, s.plays, n)
}

// topKeys returns the n keys with a play that are greatest by first, then second, then least key,
// keeping the best n seen in order as it goes: a pass over the keys, not a sort of them all.
func topKeys(first, second []int64, n int) []int64 {
	better := func(a, b int64) bool {
		return first[a] > first[b] || first[a] == first[b] && (second[a] > second[b] || second[a] == second[b] && a < b)
	}
	best := make([]int64, 0, n+1)
	for k := range first {
		key := int64(k)
		if first[k] <= 0 && second[k] <= 0 || len(best) == n && !better(key, best[n-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, key, func(e, t int64) int {
			if better(e, t) {
				return -1
			}
			return 1
		})
		best = slices.Insert(best, i, key)
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}

// halves splits the days [d1, d2) in two, for two goroutines to read.
func halves(d1, d2 int64) [2][2]int64 {
	if d1 >= d2 {
		return [2][2]int64{{0, 0}, {0, 0}}
	}
	mid := d1 + (d2-d1)/2
	return [2][2]int64{{d1, mid}, {mid, d2}}
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// hourSlot is the slot of plays in an hour (counted from 1970, UTC): at its middle.
func hourSlot(hour, plays, watchedMS int64) core.StatsSlot {
	return core.StatsSlot{At: time.Unix(hour*hourSecs+hourSecs/2, 0).UTC(), Plays: plays, Watched: ms(watchedMS)}
}

// edgeRow is a history row at a range's ends.
type edgeRow struct {
	UserID    string    `bun:"user_id"`
	ItemKey   int64     `bun:"item_key"`
	TitleKey  int64     `bun:"title_key"`
	LibraryID string    `bun:"library_id"`
	Method    string    `bun:"method"`
	StoppedAt time.Time `bun:"stopped_at"`
	WatchedMS int64     `bun:"watched_ms"`
}

// edgeRows reads the history rows of p's edges: one user's, with their titles, or everyone's.
func (s *Stats) edgeRows(ctx context.Context, p statsPlan, user string) ([]edgeRow, error) {
	if len(p.edges) == 0 {
		return nil, nil
	}
	where, args := p.edgeWhere()
	cols, join := "", ""
	if user != "" {
		where, args = "h.user_id = ? AND "+where, append([]any{user}, args...)
		cols, join = ", t.item_key AS title_key", " JOIN stats_items t ON t.item_id = h.title_id"
	}
	var rows []edgeRow
	err := s.db.R.NewRaw("SELECT h.user_id, k.item_key, h.library_id, h.method, h.stopped_at, h.watched_ms"+cols+
		" FROM play_history h JOIN stats_items k ON k.item_id = h.item_id"+join+" WHERE "+where, args...).Scan(ctx, &rows)
	return rows, wrap(err, "read the history at the range's ends")
}

// totals sums plays by key, in the order keys first come.
type totals struct {
	by    map[string]*core.StatsTotal
	order []string
}

func (t *totals) add(key string, plays, watchedMS int64) {
	if t.by == nil {
		t.by = map[string]*core.StatsTotal{}
	}
	e, ok := t.by[key]
	if !ok {
		e = &core.StatsTotal{Key: key}
		t.by[key] = e
		t.order = append(t.order, key)
	}
	e.Plays += plays
	e.Watched += ms(watchedMS)
}

// list returns the totals, labelled by label (when not nil).
func (t *totals) list(label map[string]string) []core.StatsTotal {
	out := make([]core.StatsTotal, 0, len(t.order))
	for _, k := range t.order {
		e := *t.by[k]
		if label != nil {
			e.Label = label[k]
		} else {
			e.Label = k
		}
		out = append(out, e)
	}
	return out
}

// ServerStats sums every user's plays of span.
func (s *Stats) ServerStats(ctx context.Context, span core.StatsSpan) (core.ServerStatsData, error) {
	p := planStats(span.From, span.To)
	var (
		out                     core.ServerStatsData
		edges                   []edgeRow
		items                   [3]sums // two halves of the days, and the hours at the ends
		users, methods, libs    totals
		userNames, libraryNames = map[string]string{}, map[string]string{}
	)
	g, gctx := errgroup.WithContext(ctx)
	// The item packs are most of the work: two goroutines read the days.
	for i, h := range halves(p.d1, p.d2) {
		g.Go(func() error {
			q, args := packsSQL("stats_packs", packItems, [][2]int64{h}, "")
			return s.readPacks(gctx, items[i].addPack, q, args...)
		})
	}
	g.Go(func() error {
		q, args := packsSQL("stats_packs", packItemsHour, p.hours, "")
		return s.readPacks(gctx, items[2].addPack, q, args...)
	})
	g.Go(func() error {
		// Plays by hour: every whole hour of the range, from the packs of the days they are in.
		q, args := packsSQL("stats_packs", packHours, [][2]int64{{floorDiv(p.h1, 24), -floorDiv(-p.h2, 24)}}, "")
		if err := s.readPacks(gctx, func(day int64, data []byte) error {
			return triples(data, func(h, pl, m int64) {
				if hour := day*24 + h; hour >= p.h1 && hour < p.h2 {
					out.Slots = append(out.Slots, hourSlot(hour, pl, m))
				}
			})
		}, q, args...); err != nil {
			return err
		}
		user := func(day int64, hours uint32) func(f [][]byte) error {
			return func(f [][]byte) error {
				var pl, m int64
				if err := nums(f[len(f)-2:], &pl, &m); err != nil {
					return err
				}
				mask := int64(hours)
				if len(f) == 4 {
					if err := nums(f[1:2], &mask); err != nil {
						return err
					}
				}
				name := string(f[0])
				out.Presence = append(out.Presence, core.StatsPresence{User: core.UserID(name), Day: day, Hours: uint32(mask)})
				users.add(name, pl, m)
				return nil
			}
		}
		q, args = packsSQL("stats_packs", packUsers, [][2]int64{{p.d1, p.d2}}, "")
		if err := s.readPacks(gctx, func(day int64, data []byte) error { return entries(data, 4, user(day, 0)) }, q, args...); err != nil {
			return err
		}
		q, args = packsSQL("stats_packs", packUsersHour, p.hours, "")
		if err := s.readPacks(gctx, func(hour int64, data []byte) error {
			day := floorDiv(hour, 24)
			return entries(data, 3, user(day, 1<<(hour-day*24)))
		}, q, args...); err != nil {
			return err
		}
		split := func(_ int64, data []byte) error {
			return entries(data, 4, func(f [][]byte) error {
				var pl, m int64
				if err := nums(f[2:], &pl, &m); err != nil {
					return err
				}
				methods.add(string(f[1]), pl, m)
				libs.add(string(f[0]), pl, m)
				return nil
			})
		}
		q, args = packsSQL("stats_packs", packSplit, [][2]int64{{p.d1, p.d2}}, "")
		if err := s.readPacks(gctx, split, q, args...); err != nil {
			return err
		}
		q, args = packsSQL("stats_packs", packSplitHour, p.hours, "")
		return s.readPacks(gctx, split, q, args...)
	})
	g.Go(func() error {
		var err error
		edges, err = s.edgeRows(gctx, p, "")
		return err
	})
	g.Go(func() error {
		var names []struct {
			Kind string `bun:"kind"`
			ID   string `bun:"id"`
			Name string `bun:"name"`
		}
		err := s.db.R.NewRaw("SELECT 'u' AS kind, id, username AS name FROM users UNION ALL SELECT 'l', id, name FROM libraries").Scan(gctx, &names)
		for _, n := range names {
			if n.Kind == "u" {
				userNames[n.ID] = n.Name
			} else {
				libraryNames[n.ID] = n.Name
			}
		}
		return wrap(err, "read user and library names")
	})
	if err := g.Wait(); err != nil {
		return core.ServerStatsData{}, err
	}
	all := &items[0]
	all.merge(&items[1])
	all.merge(&items[2])
	for _, r := range edges {
		out.Slots = append(out.Slots, core.StatsSlot{At: r.StoppedAt.UTC(), Plays: 1, Watched: ms(r.WatchedMS)})
		out.Presence = append(out.Presence, core.StatsPresence{User: core.UserID(r.UserID), At: r.StoppedAt.UTC()})
		users.add(r.UserID, 1, r.WatchedMS)
		methods.add(r.Method, 1, r.WatchedMS)
		libs.add(r.LibraryID, 1, r.WatchedMS)
		all.add(r.ItemKey, 1, r.WatchedMS)
	}
	out.Users, out.Methods, out.Libraries = users.list(userNames), methods.list(nil), libs.list(libraryNames)
	out.Items = all.count()
	var err error
	out.TopItems, err = s.labelItems(ctx, all, span.Top)
	return out, err
}

// labelItems ranks items and labels them with their titles and libraries.
func (s *Stats) labelItems(ctx context.Context, items *sums, n int) (core.StatsTop, error) {
	byPlays, byTime := items.top(n)
	out := core.StatsTop{ByPlays: []core.StatsTotal{}, ByTime: []core.StatsTotal{}}
	if len(byPlays) == 0 {
		return out, nil
	}
	var found []struct {
		Key     int64  `bun:"item_key"`
		ID      string `bun:"item_id"`
		Title   string `bun:"title"`
		Library string `bun:"library_id"`
	}
	if err := s.db.R.NewRaw("SELECT k.item_key, k.item_id, COALESCE(i.title, '') AS title, COALESCE(i.library_id, '') AS library_id"+
		" FROM stats_items k LEFT JOIN items i ON i.id = k.item_id WHERE k.item_key IN (?)", bun.List(append(byPlays, byTime...))).Scan(ctx, &found); err != nil {
		return out, wrap(err, "read the titles of the top items")
	}
	byKey := make(map[int64]int, len(found))
	for i, f := range found {
		byKey[f.Key] = i
	}
	for _, list := range []struct {
		keys []int64
		into *[]core.StatsTotal
	}{{byPlays, &out.ByPlays}, {byTime, &out.ByTime}} {
		for _, k := range list.keys {
			f := found[byKey[k]]
			*list.into = append(*list.into, core.StatsTotal{Key: f.ID, Label: f.Title, Library: core.LibraryID(f.Library),
				Plays: items.plays[k], Watched: ms(items.ms[k])})
		}
	}
	return out, nil
}

// UserStats sums one user's plays of span, and finds their play days up to its end.
func (s *Stats) UserStats(ctx context.Context, user core.UserID, span core.StatsSpan) (core.UserStatsData, error) {
	p := planStats(span.From, span.To)
	uid := string(user)
	toHour := floorDiv(span.To.Unix(), hourSecs) // the streaks count every hour before it, and the rest raw
	toHourAt := time.Unix(toHour*hourSecs, 0).UTC()
	var (
		out      core.UserStatsData
		edges    []edgeRow
		lastHour []time.Time
		items    [3]sums
		titles   [2]sums
	)
	g, gctx := errgroup.WithContext(ctx)
	for i, h := range halves(p.d1, p.d2) {
		g.Go(func() error {
			q, args := packsSQL("stats_user_packs", packItems, [][2]int64{h}, uid)
			return s.readPacks(gctx, items[i].addPack, q, args...)
		})
	}
	g.Go(func() error {
		q, args := packsSQL("stats_user_packs", packItemsHour, p.hours, uid)
		return s.readPacks(gctx, items[2].addPack, q, args...)
	})
	g.Go(func() error {
		q, args := packsSQL("stats_user_packs", packTitles, [][2]int64{{p.d1, p.d2}}, uid)
		if err := s.readPacks(gctx, titles[0].addPack, q, args...); err != nil {
			return err
		}
		q, args = packsSQL("stats_user_packs", packTitlesHour, p.hours, uid)
		return s.readPacks(gctx, titles[1].addPack, q, args...)
	})
	g.Go(func() error {
		// Every day up to To's, for the streaks; the range's whole hours for the charts.
		q, args := packsSQL("stats_user_packs", packHours, [][2]int64{{0, floorDiv(toHour, 24) + 1}}, uid)
		return s.readPacks(gctx, func(day int64, data []byte) error {
			var hours uint32
			err := triples(data, func(h, pl, m int64) {
				hour := day*24 + h
				if hour < toHour {
					hours |= 1 << h
				}
				if hour >= p.h1 && hour < p.h2 {
					out.Slots = append(out.Slots, hourSlot(hour, pl, m))
				}
			})
			if hours != 0 {
				out.Days = append(out.Days, core.StatsPresence{User: user, Day: day, Hours: hours})
			}
			return err
		}, q, args...)
	})
	g.Go(func() error {
		var err error
		edges, err = s.edgeRows(gctx, p, uid)
		return err
	})
	if toHourAt.Before(span.To) {
		g.Go(func() error {
			return wrap(s.db.R.NewRaw("SELECT h.stopped_at FROM play_history h WHERE h.user_id = ? AND h.stopped_at >= ? AND h.stopped_at < ?",
				uid, toHourAt, span.To.UTC()).Scan(gctx, &lastHour), "read the user's last hour")
		})
	}
	if err := g.Wait(); err != nil {
		return core.UserStatsData{}, err
	}
	all, allTitles := &items[0], &titles[0]
	all.merge(&items[1])
	all.merge(&items[2])
	allTitles.merge(&titles[1])
	for _, r := range edges {
		out.Slots = append(out.Slots, core.StatsSlot{At: r.StoppedAt.UTC(), Plays: 1, Watched: ms(r.WatchedMS)})
		all.add(r.ItemKey, 1, r.WatchedMS)
		allTitles.add(r.TitleKey, 1, r.WatchedMS)
	}
	for _, at := range lastHour {
		out.Days = append(out.Days, core.StatsPresence{User: user, At: at.UTC()})
	}
	out.Items = all.count()
	g, gctx = errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		out.TopItems, err = s.labelItems(gctx, all, span.Top)
		return err
	})
	g.Go(func() error {
		var err error
		out.TopGenres, out.TopPeople, err = s.titleGroups(gctx, allTitles, span.Top)
		return err
	})
	return out, g.Wait()
}

// titleGroups ranks the genres and the people of the titles played: each counts the plays of
// every title it is a genre of, or credited on. A genre is labelled with the first of its
// spellings, a person with their name.
func (s *Stats) titleGroups(ctx context.Context, titles *sums, n int) (genres, people core.StatsTop, err error) {
	var keys []int64
	for k, p := range titles.plays {
		if p > 0 {
			keys = append(keys, int64(k))
		}
	}
	tags, err := s.titles.lookup(ctx, s.db, keys)
	if err != nil {
		return genres, people, err
	}
	rank := func(group func(titleTags) []string, labels string) (core.StatsTop, error) {
		var t totals
		for _, k := range keys {
			for _, g := range group(tags[k]) {
				t.add(g, titles.plays[k], titles.ms[k])
			}
		}
		all := t.list(map[string]string{})
		top := core.StatsTop{ByPlays: rankTotals(all, n, false), ByTime: rankTotals(all, n, true)}
		var ids []string
		for _, e := range append(slices.Clone(top.ByPlays), top.ByTime...) {
			ids = append(ids, e.Key)
		}
		if len(ids) == 0 {
			return top, nil
		}
		var names []struct {
			Key  string `bun:"tkey"`
			Name string `bun:"name"`
		}
		if err := s.db.R.NewRaw(labels, bun.List(ids)).Scan(ctx, &names); err != nil {
			return core.StatsTop{}, err
		}
		label := map[string]string{}
		for _, nm := range names {
			label[nm.Key] = nm.Name
		}
		for _, list := range [][]core.StatsTotal{top.ByPlays, top.ByTime} {
			for i := range list {
				list[i].Label = label[list[i].Key]
			}
		}
		return top, nil
	}
	if genres, err = rank(func(t titleTags) []string { return t.genres },
		"SELECT value_key AS tkey, MIN(value) AS name FROM item_tags WHERE kind = 'genre' AND value_key IN (?) GROUP BY value_key"); err != nil {
		return genres, people, wrap(err, "name genres")
	}
	people, err = rank(func(t titleTags) []string { return t.people }, "SELECT id AS tkey, name FROM people WHERE id IN (?)")
	return genres, people, wrap(err, "name people")
}

// titleTags are a title's genres (folded) and people (ids).
type titleTags struct{ genres, people []string }

// titleIndex keeps the genres and people of the titles statistics have asked for, until this
// process writes items or metadata, or another's write shows (the list cache's generation), or
// for listTTL. A heavy user's year has thousands of titles: joining their credits again on every
// call is most of the call on SQLite.
type titleIndex struct {
	mu   sync.Mutex
	gen  uint64
	at   time.Time
	tags map[int64]titleTags
}

// titleIndexMax bounds the titles kept.
const titleIndexMax = 500_000

func (x *titleIndex) lookup(ctx context.Context, db *DB, keys []int64) (map[int64]titleTags, error) {
	gen := db.lists.gen.Load() // before the reads: a write meanwhile makes them stale
	out := make(map[int64]titleTags, len(keys))
	var missing []int64
	x.mu.Lock()
	if x.tags == nil || x.gen != gen || time.Since(x.at) > listTTL || len(x.tags) > titleIndexMax {
		x.tags, x.gen, x.at = map[int64]titleTags{}, gen, time.Now()
	}
	for _, k := range keys {
		if t, ok := x.tags[k]; ok {
			out[k] = t
		} else {
			missing = append(missing, k)
		}
	}
	x.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found := make(map[int64]titleTags, len(missing))
	for _, k := range missing {
		found[k] = titleTags{}
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	// Each reads (title, group) pairs from an index alone; CROSS JOIN keeps SQLite from scanning
	// every genre or credit and looking each up in the list of titles.
	for _, q := range []struct {
		sql    string
		people bool
	}{
		{"SELECT k.item_key, t.value_key FROM stats_items k CROSS JOIN item_tags t WHERE k.item_key IN (?) AND t.item_id = k.item_id AND t.kind = 'genre'", false},
		{"SELECT DISTINCT k.item_key, ip.person_id FROM stats_items k CROSS JOIN item_people ip WHERE k.item_key IN (?) AND ip.item_id = k.item_id", true},
	} {
		g.Go(func() error {
			rows, err := db.R.QueryContext(gctx, q.sql, bun.List(missing))
			if err != nil {
				return wrap(err, "read the genres and people of titles")
			}
			defer rows.Close()
			for rows.Next() {
				var title int64
				var key string
				if err := rows.Scan(&title, &key); err != nil {
					return wrap(err, "read the genres and people of titles")
				}
				mu.Lock()
				t := found[title]
				if q.people {
					t.people = append(t.people, key)
				} else {
					t.genres = append(t.genres, key)
				}
				found[title] = t
				mu.Unlock()
			}
			return wrap(rows.Err(), "read the genres and people of titles")
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	x.mu.Lock()
	keep := x.gen == gen && db.lists.gen.Load() == gen
	for k, t := range found {
		out[k] = t
		if keep {
			x.tags[k] = t
		}
	}
	x.mu.Unlock()
	return out, nil
}

// rankTotals returns the first n of all by plays (or by time), ties by key.
func rankTotals(all []core.StatsTotal, n int, byTime bool) []core.StatsTotal {
	out := slices.Clone(all)
	slices.SortFunc(out, func(a, b core.StatsTotal) int {
		if byTime {
			return cmp.Or(cmp.Compare(b.Watched, a.Watched), cmp.Compare(b.Plays, a.Plays), strings.Compare(a.Key, b.Key))
		}
		return cmp.Or(cmp.Compare(b.Plays, a.Plays), cmp.Compare(b.Watched, a.Watched), strings.Compare(a.Key, b.Key))
	})
	return out[:min(n, len(out))]
}
