package core

// The arithmetic of statistics: ordering totals, and turning instants into local days, hours and
// weekdays of a time zone, bucketed for charts.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// byPlays orders totals by plays, then time watched, most first, then by key.
func byPlays(a, b StatsTotal) int {
	return cmp.Or(cmp.Compare(b.Plays, a.Plays), cmp.Compare(b.Watched, a.Watched), strings.Compare(a.Key, b.Key))
}

// byTime orders totals by time watched, then plays, most first, then by key.
func byTime(a, b StatsTotal) int {
	return cmp.Or(cmp.Compare(b.Watched, a.Watched), cmp.Compare(b.Plays, a.Plays), strings.Compare(a.Key, b.Key))
}

// topOf returns the first n of all by plays and by time.
func topOf(all []StatsTotal, n int) StatsTop {
	p, t := slices.Clone(all), slices.Clone(all)
	slices.SortFunc(p, byPlays)
	slices.SortFunc(t, byTime)
	return StatsTop{ByPlays: p[:min(n, len(p))], ByTime: t[:min(n, len(t))]}
}

// zoneMap turns instants into local days and hours, remembering the zone's current offset and how
// long it holds, so that a year of hour buckets costs a few zone look-ups.
type zoneMap struct {
	loc    *time.Location
	lo, hi int64 // the offset holds for Unix seconds in [lo, hi)
	off    int64
}

func newZoneMap(loc *time.Location) *zoneMap { return &zoneMap{loc: loc, lo: 1, hi: 0} }

// local returns the local time of unix (seconds) as seconds since 1970-01-01 00:00 local.
func (z *zoneMap) local(unix int64) int64 {
	if unix < z.lo || unix >= z.hi {
		t := time.Unix(unix, 0).In(z.loc)
		_, off := t.Zone()
		start, end := t.ZoneBounds()
		z.off, z.lo, z.hi = int64(off), math.MinInt64, math.MaxInt64
		if !start.IsZero() {
			z.lo = start.Unix()
		}
		if !end.IsZero() {
			z.hi = end.Unix()
		}
	}
	return unix + z.off
}

// localDay is the local day of t, counted from 1970-01-01.
func (z *zoneMap) localDay(t time.Time) int64 { return floorDiv(z.local(t.Unix()), 86400) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// localDays calls f with each local day of p's plays, the same day possibly more than once. An
// hour bucket counts at its middle: in a zone whose offset is not whole hours, its plays may
// belong to the next local hour, or day, by up to half an hour (decision 0019).
func (p StatsPresence) localDays(z *zoneMap, f func(day int64)) {
	if p.Hours == 0 {
		f(z.localDay(p.At))
		return
	}
	last := int64(unknownLocalDay)
	for h := int64(0); h < 24; h++ {
		if p.Hours&(1<<h) == 0 {
			continue
		}
		unix := (p.Day*24+h)*3600 + int64(hourMiddle/time.Second)
		if d := floorDiv(z.local(unix), 86400); d != last {
			f(d)
			last = d
		}
	}
}

// buckets sums plays into the local days of a range, the hours of the day and the days of the week.
type buckets struct {
	z     *zoneMap
	first int64 // the range's first local day
	days  []StatsBucket
	hours [24]StatsBucket
	dows  [7]StatsBucket
}

var weekdays = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func newBuckets(z *zoneMap, r StatsRange) *buckets {
	first, last := z.localDay(r.From), z.localDay(r.To.Add(-time.Nanosecond))
	b := &buckets{z: z, first: first, days: make([]StatsBucket, last-first+1)}
	for i := range b.days {
		b.days[i].Key = time.Unix((first+int64(i))*86400, 0).UTC().Format(dateLayout)
	}
	for h := range b.hours {
		b.hours[h].Key = fmt.Sprintf("%02d", h)
	}
	for d := range b.dows {
		b.dows[d].Key = weekdays[d]
	}
	return b
}

func (b *buckets) add(at time.Time, plays int64, watched time.Duration) {
	ls := b.z.local(at.Unix())
	day := floorDiv(ls, 86400)
	for _, bk := range []*StatsBucket{b.day(day), &b.hours[(ls-day*86400)/3600], &b.dows[(int(day%7)+7+epochWeekday)%7]} {
		if bk != nil {
			bk.Plays += plays
			bk.Watched += watched
		}
	}
}

// day returns the bucket of a local day, or nil outside the range (which only an hour bucket's
// middle can reach, in a zone whose offset is not whole hours).
func (b *buckets) day(d int64) *StatsBucket {
	if i := d - b.first; i >= 0 && i < int64(len(b.days)) {
		return &b.days[i]
	}
	return nil
}

func (b *buckets) series() StatsSeries {
	return StatsSeries{Days: b.days, HourOfDay: b.hours[:], DayOfWeek: b.dows[:]}
}

// streaks finds the run of consecutive days that ends today or the day before, and the longest
// run, among days (unsorted, with repeats) up to today.
func streaks(days []int64, today int64) (current, longest Streak) {
	days = slices.DeleteFunc(days, func(d int64) bool { return d > today })
	slices.Sort(days)
	days = slices.Compact(days)
	date := func(d int64) string { return time.Unix(d*86400, 0).UTC().Format(dateLayout) }
	for i := 0; i < len(days); {
		j := i + 1
		for j < len(days) && days[j] == days[j-1]+1 {
			j++
		}
		run := Streak{Days: j - i, From: date(days[i]), To: date(days[j-1])}
		if run.Days > longest.Days {
			longest = run
		}
		if days[j-1] >= today-1 {
			current = run
		}
		i = j
	}
	return current, longest
}
