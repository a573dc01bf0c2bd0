package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// Reading packs: the range plan, the parsing, and the sums statistics are made of (see stats.go).

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
