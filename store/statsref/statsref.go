// Package statsref computes statistics straight from play_history by plain SQL aggregation, the
// way one would without rollups. Tests hold the rollups to its answers (so that they cannot drift
// from the history they sum), and bench/stats times both.
package statsref

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// hourSQL is the UTC hour a play_history row stopped in, counted from 1970.
func hourSQL(db *store.DB) string {
	if db.Dialect == store.Postgres {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM stopped_at) / 3600) AS BIGINT)"
	}
	return "(CAST(strftime('%s', stopped_at) AS INTEGER) / 3600)"
}

type hourRow struct {
	Hour  int64 `bun:"hour"`
	Plays int64 `bun:"plays"`
	MS    int64 `bun:"ms"`
}

type groupRow struct {
	Key     string `bun:"tkey"`
	Label   string `bun:"label"`
	Library string `bun:"library_id"`
	Plays   int64  `bun:"plays"`
	MS      int64  `bun:"ms"`
}

func (r groupRow) total() core.StatsTotal {
	return core.StatsTotal{Key: r.Key, Label: r.Label, Library: core.LibraryID(r.Library), Plays: r.Plays, Watched: time.Duration(r.MS) * time.Millisecond}
}

func totals(rows []groupRow) []core.StatsTotal {
	out := make([]core.StatsTotal, len(rows))
	for i, r := range rows {
		out[i] = r.total()
	}
	return out
}

// query runs one statement of the reference.
func query(ctx context.Context, db *store.DB, into any, q string, args ...any) error {
	if err := db.R.NewRaw(q, args...).Scan(ctx, into); err != nil {
		return fmt.Errorf("statsref: %w\n%s", err, q)
	}
	return nil
}

// top ranks the groups of a "SELECT ... tkey, label, library_id, plays, ms" by plays and by time.
func top(ctx context.Context, db *store.DB, groups string, n int, args ...any) (core.StatsTop, error) {
	var out core.StatsTop
	for _, o := range []struct {
		order string
		into  *[]core.StatsTotal
	}{{"plays DESC, ms DESC", &out.ByPlays}, {"ms DESC, plays DESC", &out.ByTime}} {
		var rows []groupRow
		if err := query(ctx, db, &rows, "SELECT * FROM ("+groups+") AS g ORDER BY "+o.order+", tkey LIMIT ?", append(args, n)...); err != nil {
			return out, err
		}
		*o.into = totals(rows)
	}
	return out, nil
}

// series buckets hour rows in the local days, hours and weekdays of r. An hour counts at its start:
// in whole-hour zones, the same as any moment in it.
func series(r core.StatsRange, hours []hourRow) core.StatsSeries {
	loc := r.From.Location()
	var s core.StatsSeries
	index := map[string]int{}
	for d := r.From; d.Before(r.To); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		index[d.Format(time.DateOnly)] = len(s.Days)
		s.Days = append(s.Days, core.StatsBucket{Key: d.Format(time.DateOnly)})
	}
	for h := range 24 {
		s.HourOfDay = append(s.HourOfDay, core.StatsBucket{Key: fmt.Sprintf("%02d", h)})
	}
	for _, w := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		s.DayOfWeek = append(s.DayOfWeek, core.StatsBucket{Key: w})
	}
	for _, h := range hours {
		t := time.Unix(h.Hour*3600, 0).In(loc)
		w := time.Duration(h.MS) * time.Millisecond
		for _, b := range []*core.StatsBucket{&s.Days[index[t.Format(time.DateOnly)]], &s.HourOfDay[t.Hour()], &s.DayOfWeek[(int(t.Weekday())+6)%7]} {
			b.Plays += h.Plays
			b.Watched += w
		}
	}
	return s
}

// Server is core.Stats.Server's answer for r, top entries a list, from play_history.
func Server(ctx context.Context, db *store.DB, r core.StatsRange, n int) (core.ServerStats, error) {
	out := core.ServerStats{Range: r}
	in := "FROM play_history h WHERE h.stopped_at >= ? AND h.stopped_at < ?"
	from, to := r.From.UTC(), r.To.UTC()
	hour := hourSQL(db)

	var hours []hourRow
	if err := query(ctx, db, &hours, "SELECT "+hour+" AS hour, COUNT(*) AS plays, SUM(watched_ms) AS ms "+in+" GROUP BY "+hour, from, to); err != nil {
		return out, err
	}
	out.StatsSeries = series(r, hours)
	for _, h := range hours {
		out.Plays += h.Plays
		out.Watched += time.Duration(h.MS) * time.Millisecond
	}
	var active []struct {
		UserID string `bun:"user_id"`
		Hour   int64  `bun:"hour"`
	}
	if err := query(ctx, db, &active, "SELECT DISTINCT user_id, "+hour+" AS hour "+in, from, to); err != nil {
		return out, err
	}
	seen := map[string]bool{}
	for _, a := range active {
		day := time.Unix(a.Hour*3600, 0).In(r.From.Location()).Format(time.DateOnly)
		if !seen[a.UserID+day] {
			seen[a.UserID+day] = true
			for i := range out.Days {
				if out.Days[i].Key == day {
					out.Days[i].Users++
				}
			}
		}
	}
	if err := query(ctx, db, &out.ActiveUsers, "SELECT COUNT(DISTINCT user_id) "+in, from, to); err != nil {
		return out, err
	}
	if err := query(ctx, db, &out.Items, "SELECT COUNT(DISTINCT item_id) "+in, from, to); err != nil {
		return out, err
	}
	var methods []groupRow
	if err := query(ctx, db, &methods, "SELECT method AS tkey, method AS label, '' AS library_id, COUNT(*) AS plays, SUM(watched_ms) AS ms "+in+" GROUP BY method", from, to); err != nil {
		return out, err
	}
	for _, m := range []core.PlayMethod{core.PlayDirect, core.PlayRemux, core.PlayTranscode} {
		t := core.StatsTotal{Key: string(m), Label: string(m)}
		for _, g := range methods {
			if g.Key == string(m) {
				t = g.total()
			}
		}
		out.Methods = append(out.Methods, t)
	}
	var libs []groupRow
	if err := query(ctx, db, &libs, "SELECT h.library_id AS tkey, COALESCE(MIN(l.name), '') AS label, '' AS library_id, COUNT(*) AS plays, SUM(h.watched_ms) AS ms"+
		" FROM play_history h LEFT JOIN libraries l ON l.id = h.library_id WHERE h.stopped_at >= ? AND h.stopped_at < ? GROUP BY h.library_id", from, to); err != nil {
		return out, err
	}
	out.Libraries = totals(libs)
	slices.SortFunc(out.Libraries, func(a, b core.StatsTotal) int {
		return cmp.Or(cmp.Compare(b.Plays, a.Plays), cmp.Compare(b.Watched, a.Watched), strings.Compare(a.Key, b.Key))
	})
	var err error
	if out.TopUsers, err = top(ctx, db, "SELECT h.user_id AS tkey, COALESCE(MIN(u.username), '') AS label, '' AS library_id, COUNT(*) AS plays, SUM(h.watched_ms) AS ms"+
		" FROM play_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.stopped_at >= ? AND h.stopped_at < ? GROUP BY h.user_id", n, from, to); err != nil {
		return out, err
	}
	out.TopItems, err = top(ctx, db, "SELECT h.item_id AS tkey, COALESCE(MIN(i.title), '') AS label, COALESCE(MIN(i.library_id), '') AS library_id,"+
		" COUNT(*) AS plays, SUM(h.watched_ms) AS ms FROM play_history h LEFT JOIN items i ON i.id = h.item_id"+
		" WHERE h.stopped_at >= ? AND h.stopped_at < ? GROUP BY h.item_id", n, from, to)
	return out, err
}

// User is core.Stats.User's answer for c asking for user's statistics of r, from play_history.
func User(ctx context.Context, db *store.DB, c core.Caller, user core.UserID, r core.StatsRange, n int) (core.UserStats, error) {
	out := core.UserStats{Range: r, User: user}
	from, to, uid := r.From.UTC(), r.To.UTC(), string(user)
	hour := hourSQL(db)
	var hours []hourRow
	if err := query(ctx, db, &hours, "SELECT "+hour+" AS hour, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM play_history"+
		" WHERE user_id = ? AND stopped_at >= ? AND stopped_at < ? GROUP BY "+hour, uid, from, to); err != nil {
		return out, err
	}
	out.StatsSeries = series(r, hours)
	for _, h := range hours {
		out.Plays += h.Plays
		out.Watched += time.Duration(h.MS) * time.Millisecond
	}
	for _, d := range out.Days {
		if d.Plays > 0 {
			out.DaysPlayed++
		}
	}
	var ever []int64
	if err := query(ctx, db, &ever, "SELECT DISTINCT "+hour+" FROM play_history WHERE user_id = ? AND stopped_at < ?", uid, to); err != nil {
		return out, err
	}
	out.CurrentStreak, out.LongestStreak = streaks(ever, r)
	if err := query(ctx, db, &out.Items, "SELECT COUNT(DISTINCT item_id) FROM play_history WHERE user_id = ? AND stopped_at >= ? AND stopped_at < ?", uid, from, to); err != nil {
		return out, err
	}
	var err error
	if out.TopItems, err = top(ctx, db, "SELECT h.item_id AS tkey, COALESCE(MIN(i.title), '') AS label, COALESCE(MIN(i.library_id), '') AS library_id,"+
		" COUNT(*) AS plays, SUM(h.watched_ms) AS ms FROM play_history h LEFT JOIN items i ON i.id = h.item_id"+
		" WHERE h.user_id = ? AND h.stopped_at >= ? AND h.stopped_at < ? GROUP BY h.item_id", n, uid, from, to); err != nil {
		return out, err
	}
	for _, list := range [][]core.StatsTotal{out.TopItems.ByPlays, out.TopItems.ByTime} {
		for i := range list {
			if !c.CanSee(list[i].Library) {
				list[i].Label = ""
			}
		}
	}
	// The titles played (the series of an episode...), and their genres and people.
	played := "WITH u AS MATERIALIZED (SELECT title_id, COUNT(*) AS plays, SUM(watched_ms) AS ms FROM play_history" +
		" WHERE user_id = ? AND stopped_at >= ? AND stopped_at < ? GROUP BY title_id)"
	if out.TopGenres, err = top(ctx, db, played+" SELECT t.value_key AS tkey, (SELECT MIN(a.value) FROM item_tags a WHERE a.kind = 'genre' AND a.value_key = t.value_key) AS label,"+
		" '' AS library_id, SUM(u.plays) AS plays, SUM(u.ms) AS ms FROM u JOIN item_tags t ON t.item_id = u.title_id AND t.kind = 'genre' GROUP BY t.value_key", n, uid, from, to); err != nil {
		return out, err
	}
	out.TopPeople, err = top(ctx, db, played+", g AS (SELECT DISTINCT u.title_id, ip.person_id FROM u JOIN item_people ip ON ip.item_id = u.title_id)"+
		" SELECT g.person_id AS tkey, MIN(pe.name) AS label, '' AS library_id, SUM(u.plays) AS plays, SUM(u.ms) AS ms FROM g JOIN u ON u.title_id = g.title_id"+
		" JOIN people pe ON pe.id = g.person_id GROUP BY g.person_id", n, uid, from, to)
	return out, err
}

// streaks finds the current and longest runs of local days among the UTC hours with a play.
func streaks(hours []int64, r core.StatsRange) (current, longest core.Streak) {
	loc := r.From.Location()
	last := r.To.Add(-time.Nanosecond).In(loc)
	today := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	var days []time.Time
	for _, h := range hours {
		t := time.Unix(h*3600, 0).In(loc)
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if !d.After(today) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	days = slices.Compact(days)
	for i := 0; i < len(days); {
		j := i + 1
		for j < len(days) && days[j].Equal(days[j-1].AddDate(0, 0, 1)) {
			j++
		}
		run := core.Streak{Days: j - i, From: days[i].Format(time.DateOnly), To: days[j-1].Format(time.DateOnly)}
		if run.Days > longest.Days {
			longest = run
		}
		if !days[j-1].Before(today.AddDate(0, 0, -1)) {
			current = run
		}
		i = j
	}
	return current, longest
}

// DiffServer lists how got differs from want, whose top lists have at most n entries; nothing when
// they agree. Entries of a top list tied with others may come in any order, and when the list is
// full the last ones tied may differ.
func DiffServer(got, want core.ServerStats, n int) []string {
	d := differ{n: n}
	d.eq("range", got.Range, want.Range)
	d.eq("totals", [4]any{got.Plays, got.Watched, got.ActiveUsers, got.Items}, [4]any{want.Plays, want.Watched, want.ActiveUsers, want.Items})
	d.eq("methods", got.Methods, want.Methods)
	d.eq("libraries", got.Libraries, want.Libraries)
	d.top("top items", got.TopItems, want.TopItems)
	d.top("top users", got.TopUsers, want.TopUsers)
	d.series(got.StatsSeries, want.StatsSeries)
	return d.out
}

// DiffUser is DiffServer for a user's statistics.
func DiffUser(got, want core.UserStats, n int) []string {
	d := differ{n: n}
	d.eq("range", got.Range, want.Range)
	d.eq("totals", [5]any{got.User, got.Plays, got.Watched, got.Items, got.DaysPlayed}, [5]any{want.User, want.Plays, want.Watched, want.Items, want.DaysPlayed})
	d.eq("streaks", [2]core.Streak{got.CurrentStreak, got.LongestStreak}, [2]core.Streak{want.CurrentStreak, want.LongestStreak})
	d.top("top items", got.TopItems, want.TopItems)
	d.top("top genres", got.TopGenres, want.TopGenres)
	d.top("top people", got.TopPeople, want.TopPeople)
	d.series(got.StatsSeries, want.StatsSeries)
	return d.out
}

type differ struct {
	n   int
	out []string
}

func (d *differ) eq(what string, got, want any) {
	if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
		d.out = append(d.out, fmt.Sprintf("%s:\n  got  %s\n  want %s", what, g, w))
	}
}

func (d *differ) series(got, want core.StatsSeries) {
	d.eq("days", got.Days, want.Days)
	d.eq("hours of the day", got.HourOfDay, want.HourOfDay)
	d.eq("days of the week", got.DayOfWeek, want.DayOfWeek)
}

func (d *differ) top(what string, got, want core.StatsTop) {
	d.list(what+" by plays", got.ByPlays, want.ByPlays)
	d.list(what+" by time", got.ByTime, want.ByTime)
}

// list compares two top lists: the same values in the same order, and the same entries within
// each run of tied values but the last (which the limit may cut anywhere).
func (d *differ) list(what string, got, want []core.StatsTotal) {
	value := func(t core.StatsTotal) string { return fmt.Sprintf("%d/%s", t.Plays, t.Watched) }
	var gv, wv []string
	for _, t := range got {
		gv = append(gv, value(t))
	}
	for _, t := range want {
		wv = append(wv, value(t))
	}
	if !slices.Equal(gv, wv) {
		d.eq(what+" (values)", gv, wv)
		return
	}
	for i := 0; i < len(got); {
		j := i
		for j < len(got) && gv[j] == gv[i] {
			j++
		}
		if j < len(got) || len(got) < d.n {
			d.eq(what+" (entries)", entries(got[i:j]), entries(want[i:j]))
		}
		i = j
	}
}

func entries(ts []core.StatsTotal) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Key+"="+t.Label+"@"+string(t.Library))
	}
	slices.SortFunc(s, func(a, b string) int { return cmp.Compare(a, b) })
	return strings.Join(s, " ")
}
