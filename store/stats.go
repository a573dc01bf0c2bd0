package store

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
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
