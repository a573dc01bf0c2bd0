package native

import (
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Statistics in the native API: server-wide for admins, a user's own for them, as JSON ready for
// charts: each series is a list of {key, label, value} points.

// statsPointDTO is one point of a chart: a day, an hour, an item, a method...
type statsPointDTO struct {
	Key   string  `json:"key"`
	Label string  `json:"label"` // a title or name; empty when unknown or hidden
	Value float64 `json:"value"`
	// Share is Value's part of the whole, from 0 to 1: play methods and libraries only.
	Share *float64 `json:"share,omitempty"`
}

// statsMeasuresDTO is one series counted twice: in plays, and in hours watched. A top list is
// ranked by each.
type statsMeasuresDTO struct {
	Plays []statsPointDTO `json:"plays"`
	Hours []statsPointDTO `json:"hours"`
}

type statsDaysDTO struct {
	Plays       []statsPointDTO `json:"plays"`
	Hours       []statsPointDTO `json:"hours"`
	ActiveUsers []statsPointDTO `json:"activeUsers,omitempty"` // server-wide only
}

type serverStatsDTO struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	TimeZone string    `json:"timeZone"`
	Totals   struct {
		Plays       int64   `json:"plays"`
		Hours       float64 `json:"hours"`
		ActiveUsers int     `json:"activeUsers"`
		Items       int     `json:"items"`
	} `json:"totals"`
	TopItems  statsMeasuresDTO `json:"topItems"`
	TopUsers  statsMeasuresDTO `json:"topUsers"`
	Methods   statsMeasuresDTO `json:"methods"`
	Libraries statsMeasuresDTO `json:"libraries"`
	HourOfDay statsMeasuresDTO `json:"hourOfDay"`
	DayOfWeek statsMeasuresDTO `json:"dayOfWeek"`
	Days      statsDaysDTO     `json:"days"`
}

type streakDTO struct {
	Days int    `json:"days"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

type userStatsDTO struct {
	UserID   string    `json:"userId"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	TimeZone string    `json:"timeZone"`
	Totals   struct {
		Plays int64   `json:"plays"`
		Hours float64 `json:"hours"`
		Items int     `json:"items"`
		Days  int     `json:"days"`
	} `json:"totals"`
	Streaks struct {
		Current streakDTO `json:"current"`
		Longest streakDTO `json:"longest"`
	} `json:"streaks"`
	TopItems  statsMeasuresDTO `json:"topItems"`
	TopGenres statsMeasuresDTO `json:"topGenres"`
	TopPeople statsMeasuresDTO `json:"topPeople"`
	HourOfDay statsMeasuresDTO `json:"hourOfDay"`
	DayOfWeek statsMeasuresDTO `json:"dayOfWeek"`
	Days      statsDaysDTO     `json:"days"`
}

// hours is d in hours, to the millisecond's worth of precision a chart needs (three decimals).
func hours(d time.Duration) float64 { return math.Round(d.Hours()*1000) / 1000 }

var (
	methodLabels  = map[string]string{"direct": "Direct play", "remux": "Remux", "transcode": "Transcode"}
	weekdayLabels = map[string]string{"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
		"sat": "Saturday", "sun": "Sunday"}
)

func topDTO(t core.StatsTop) statsMeasuresDTO {
	out := statsMeasuresDTO{Plays: make([]statsPointDTO, 0, len(t.ByPlays)), Hours: make([]statsPointDTO, 0, len(t.ByTime))}
	for _, e := range t.ByPlays {
		out.Plays = append(out.Plays, statsPointDTO{Key: e.Key, Label: e.Label, Value: float64(e.Plays)})
	}
	for _, e := range t.ByTime {
		out.Hours = append(out.Hours, statsPointDTO{Key: e.Key, Label: e.Label, Value: hours(e.Watched)})
	}
	return out
}

// sharesDTO is totals in their order, each with its share of all.
func sharesDTO(ts []core.StatsTotal, labels map[string]string) statsMeasuresDTO {
	var plays int64
	var watched time.Duration
	for _, t := range ts {
		plays, watched = plays+t.Plays, watched+t.Watched
	}
	share := func(part, whole float64) *float64 {
		s := 0.0
		if whole > 0 {
			s = math.Round(part/whole*10000) / 10000
		}
		return &s
	}
	out := statsMeasuresDTO{Plays: make([]statsPointDTO, 0, len(ts)), Hours: make([]statsPointDTO, 0, len(ts))}
	for _, t := range ts {
		label := t.Label
		if l, ok := labels[t.Key]; ok {
			label = l
		}
		out.Plays = append(out.Plays, statsPointDTO{Key: t.Key, Label: label, Value: float64(t.Plays), Share: share(float64(t.Plays), float64(plays))})
		out.Hours = append(out.Hours, statsPointDTO{Key: t.Key, Label: label, Value: hours(t.Watched), Share: share(float64(t.Watched), float64(watched))})
	}
	return out
}

func bucketsDTO(bs []core.StatsBucket, labels map[string]string) statsMeasuresDTO {
	out := statsMeasuresDTO{Plays: make([]statsPointDTO, 0, len(bs)), Hours: make([]statsPointDTO, 0, len(bs))}
	for _, b := range bs {
		label := b.Key
		if l, ok := labels[b.Key]; ok {
			label = l
		}
		out.Plays = append(out.Plays, statsPointDTO{Key: b.Key, Label: label, Value: float64(b.Plays)})
		out.Hours = append(out.Hours, statsPointDTO{Key: b.Key, Label: label, Value: hours(b.Watched)})
	}
	return out
}

func hourLabels() map[string]string {
	out := make(map[string]string, 24)
	for h := range 24 {
		k := time.Date(2000, 1, 1, h, 0, 0, 0, time.UTC).Format("15")
		out[k] = k + ":00"
	}
	return out
}

var hourOfDayLabels = hourLabels()

func daysDTO(bs []core.StatsBucket, users bool) statsDaysDTO {
	m := bucketsDTO(bs, nil)
	out := statsDaysDTO{Plays: m.Plays, Hours: m.Hours}
	if users {
		out.ActiveUsers = make([]statsPointDTO, 0, len(bs))
		for _, b := range bs {
			out.ActiveUsers = append(out.ActiveUsers, statsPointDTO{Key: b.Key, Label: b.Key, Value: float64(b.Users)})
		}
	}
	return out
}

// statsQuery reads from, to (an RFC 3339 time, or a YYYY-MM-DD date in timeZone: from its start,
// to its end), timeZone and top, answering 400 when one is wrong.
func (h *Handler) statsQuery(c *gin.Context) (core.StatsQuery, bool) {
	q := core.StatsQuery{TimeZone: c.Query("timeZone")}
	for _, p := range []struct {
		name string
		at   *time.Time
		date *string
	}{{"from", &q.From, &q.FromDate}, {"to", &q.To, &q.ToDate}} {
		v := c.Query(p.name)
		switch {
		case v == "":
		case len(v) == len("2006-01-02"):
			*p.date = v // core checks it, in the time zone
		default:
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				h.fail(c, core.Invalid(p.name, "must be an RFC 3339 time or a YYYY-MM-DD date"))
				return q, false
			}
			*p.at = t
		}
	}
	var ok bool
	q.Top, ok = h.intQuery(c, "top", 0)
	if ok && q.Top == 0 && c.Query("top") != "" {
		h.fail(c, core.Invalid("top", "must be between 1 and %d", core.MaxStatsTop))
		return q, false
	}
	return q, ok
}

// serverStats is the server-wide statistics; admins only.
func (h *Handler) serverStats(c *gin.Context) {
	q, ok := h.statsQuery(c)
	if !ok {
		return
	}
	s, err := h.Stats.Server(c.Request.Context(), callerOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	var out serverStatsDTO
	out.From, out.To, out.TimeZone = s.Range.From, s.Range.To, s.Range.TimeZone
	out.Totals.Plays, out.Totals.Hours, out.Totals.ActiveUsers, out.Totals.Items = s.Plays, hours(s.Watched), s.ActiveUsers, s.Items
	out.TopItems, out.TopUsers = topDTO(s.TopItems), topDTO(s.TopUsers)
	out.Methods, out.Libraries = sharesDTO(s.Methods, methodLabels), sharesDTO(s.Libraries, nil)
	out.HourOfDay, out.DayOfWeek = bucketsDTO(s.HourOfDay, hourOfDayLabels), bucketsDTO(s.DayOfWeek, weekdayLabels)
	out.Days = daysDTO(s.Days, true)
	c.JSON(http.StatusOK, out)
}

// myStats is the caller's own statistics.
func (h *Handler) myStats(c *gin.Context) { h.userStatsOf(c, "") }

// userStats is a user's statistics: admins may ask for anyone's, others for their own.
func (h *Handler) userStats(c *gin.Context) { h.userStatsOf(c, core.UserID(c.Param("id"))) }

func (h *Handler) userStatsOf(c *gin.Context, user core.UserID) {
	q, ok := h.statsQuery(c)
	if !ok {
		return
	}
	s, err := h.Stats.User(c.Request.Context(), callerOf(c), user, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	var out userStatsDTO
	out.UserID, out.From, out.To, out.TimeZone = string(s.User), s.Range.From, s.Range.To, s.Range.TimeZone
	out.Totals.Plays, out.Totals.Hours, out.Totals.Items, out.Totals.Days = s.Plays, hours(s.Watched), s.Items, s.DaysPlayed
	out.Streaks.Current = streakDTO{Days: s.CurrentStreak.Days, From: s.CurrentStreak.From, To: s.CurrentStreak.To}
	out.Streaks.Longest = streakDTO{Days: s.LongestStreak.Days, From: s.LongestStreak.From, To: s.LongestStreak.To}
	out.TopItems, out.TopGenres, out.TopPeople = topDTO(s.TopItems), topDTO(s.TopGenres), topDTO(s.TopPeople)
	out.HourOfDay, out.DayOfWeek = bucketsDTO(s.HourOfDay, hourOfDayLabels), bucketsDTO(s.DayOfWeek, weekdayLabels)
	out.Days = daysDTO(s.Days, false)
	c.JSON(http.StatusOK, out)
}
