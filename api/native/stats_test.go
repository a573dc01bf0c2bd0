package native

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestStats(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kids, adults := e.addLibrary("kids"), e.addLibrary("adults")
	movie := func(n int, lib string) core.ItemID {
		t.Helper()
		id := fmt.Sprintf("77777777-0000-7000-8000-%012d", n)
		if _, err := e.stores.Items.CreateItem(ctx, core.Item{ID: core.ItemID(id), Kind: core.KindMovie, Title: fmt.Sprintf("Movie %d", n),
			LibraryID: core.LibraryID(lib), Runtime: time.Hour, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.stores.Metadata.UpdateMetadata(ctx, core.ItemID(id), func(m *core.Metadata) error {
			m.Genres = []string{"Animation", fmt.Sprintf("Genre %d", n)}
			m.Credits = []core.Credit{{Name: "Voice Actor", Kind: core.PersonActor}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return core.ItemID(id)
	}
	a, b, c := movie(1, kids.ID), movie(2, kids.ID), movie(3, adults.ID)
	bob, bobUser := e.addUser("bob", kids.ID, adults.ID)
	carol, _ := e.addUser("carol", kids.ID)

	h := core.NewHistory(e.stores.History, core.NewItems(e.stores.Items, e.stores.Media, e.stores.Metadata), e.clock.Now)
	bobCaller := core.Caller{UserID: core.UserID(bobUser.ID), Libraries: []core.LibraryID{core.LibraryID(kids.ID), core.LibraryID(adults.ID)}}
	now := e.clock.Now()
	for i, p := range []struct {
		item   core.ItemID
		ago    time.Duration
		method core.PlayMethod
	}{{a, 2 * time.Hour, core.PlayDirect}, {b, 26 * time.Hour, core.PlayTranscode}, {c, 50 * time.Hour, core.PlayDirect}, {c, 3 * time.Hour, core.PlayRemux}} {
		if _, err := h.Record(ctx, bobCaller, core.HistoryEntry{Item: p.item, Stopped: now.Add(-p.ago), Watched: 30 * time.Minute, Method: p.method}); err != nil {
			t.Fatalf("play %d: %v", i, err)
		}
	}

	// The admin's view of the server.
	var s serverStatsDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/stats", nil)), &s)
	if s.Totals.Plays != 4 || s.Totals.Hours != 2 || s.Totals.ActiveUsers != 1 || s.Totals.Items != 3 || s.TimeZone != "UTC" {
		t.Fatalf("totals %+v in %s", s.Totals, s.TimeZone)
	}
	if len(s.Days.Plays) != 30 || len(s.Days.ActiveUsers) != 30 || len(s.HourOfDay.Hours) != 24 || len(s.DayOfWeek.Plays) != 7 ||
		s.DayOfWeek.Plays[0].Label != "Monday" || s.HourOfDay.Plays[13].Label != "13:00" {
		t.Errorf("series: %d days, %d hours, %d weekdays", len(s.Days.Plays), len(s.HourOfDay.Hours), len(s.DayOfWeek.Plays))
	}
	if top := s.TopItems.Plays[0]; top.Key != string(c) || top.Label != "Movie 3" || top.Value != 2 {
		t.Errorf("top item %+v", top)
	}
	if top := s.TopUsers.Hours[0]; top.Key != bobUser.ID || top.Label != "bob" || top.Value != 2 {
		t.Errorf("top user %+v", top)
	}
	var shares float64
	for _, m := range s.Methods.Plays {
		shares += *m.Share
	}
	if m := s.Methods.Plays[0]; m.Key != "direct" || m.Label != "Direct play" || m.Value != 2 || *m.Share != 0.5 || math.Abs(shares-1) > 1e-9 {
		t.Errorf("methods %+v", s.Methods.Plays)
	}
	if len(s.Libraries.Hours) != 2 || s.Libraries.Hours[0].Value != 1 || *s.Libraries.Hours[0].Share != 0.5 {
		t.Errorf("libraries %+v", s.Libraries.Hours)
	}
	var sum, users float64
	for i, d := range s.Days.Plays {
		sum += d.Value
		users = max(users, s.Days.ActiveUsers[i].Value)
	}
	if sum != 4 || users != 1 {
		t.Errorf("days sum to %v plays, at most %v users", sum, users)
	}

	// A range of dates, in a time zone.
	q := url.Values{"from": {now.AddDate(0, 0, -1).Format("2006-01-02")}, "to": {now.Format("2006-01-02")}, "timeZone": {"Asia/Tokyo"}, "top": {"1"}}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/stats?"+q.Encode(), nil)), &s)
	if s.TimeZone != "Asia/Tokyo" || len(s.Days.Plays) != 2 || len(s.TopItems.Plays) != 1 || s.From.Format("15:04 -0700") != "00:00 +0900" {
		t.Errorf("two days in Tokyo: from %s, %d days, %d top items", s.From, len(s.Days.Plays), len(s.TopItems.Plays))
	}

	// Admin routes answer 404 to others, as everywhere; and a member sees only their own.
	e.want(404, e.as(bob, "GET", "/api/v1/stats", nil))
	e.want(404, e.as(carol, "GET", "/api/v1/users/"+bobUser.ID+"/stats", nil))

	// Bob's own; the adults' library is taken from him: his plays there stay, untitled.
	var u userStatsDTO
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/users/me/stats", nil)), &u)
	if u.UserID != bobUser.ID || u.Totals.Plays != 4 || u.Totals.Days != 3 || u.Totals.Items != 3 || u.Streaks.Current.Days != 3 || u.Streaks.Longest.Days != 3 {
		t.Fatalf("bob's stats %+v %+v", u.Totals, u.Streaks)
	}
	if g := u.TopGenres.Plays[0]; g.Key != "animation" || g.Label != "Animation" || g.Value != 4 {
		t.Errorf("bob's top genre %+v", g)
	}
	if p := u.TopPeople.Hours[0]; p.Label != "Voice Actor" || p.Value != 2 {
		t.Errorf("bob's top person %+v", p)
	}
	e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+bobUser.ID, map[string]any{"libraryIds": []string{kids.ID}}))
	e.decode(e.want(200, e.as(bob, "GET", "/api/v1/users/"+bobUser.ID+"/stats", nil)), &u)
	if top := u.TopItems.Plays[0]; u.Totals.Plays != 4 || top.Key != string(c) || top.Label != "" {
		t.Errorf("bob's top item from a library he lost: %+v", top)
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/users/"+bobUser.ID+"/stats", nil)), &u)
	if top := u.TopItems.Plays[0]; top.Label != "Movie 3" {
		t.Errorf("bob's top item for the admin: %+v", top)
	}
	var carolStats userStatsDTO
	e.decode(e.want(200, e.as(carol, "GET", "/api/v1/users/me/stats", nil)), &carolStats)
	if carolStats.Totals.Plays != 0 || len(carolStats.TopItems.Plays) != 0 || carolStats.Streaks.Current.Days != 0 {
		t.Errorf("carol never played: %+v", carolStats)
	}
	e.want(404, e.as(e.admin, "GET", "/api/v1/users/0190c2a0-7e5a-7b3c-9d1e-2f3a4b5c6d7e/stats", nil))

	// An API key has no stats of its own.
	var key struct {
		Key string `json:"key"`
	}
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/apikeys", map[string]any{"name": "stats"})), &key)
	e.want(404, e.as(key.Key, "GET", "/api/v1/users/me/stats", nil))
	e.want(200, e.as(key.Key, "GET", "/api/v1/stats", nil))

	// Bad ranges, time zones and lists.
	for _, bad := range []string{
		"timeZone=Nowhere/City", "timeZone=Local", "from=yesterday", "from=2026-02-30", "to=2026-13-01",
		"from=" + url.QueryEscape(now.Format(time.RFC3339)) + "&to=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)),
		"from=" + now.AddDate(-3, 0, 0).Format("2006-01-02"), "from=1969-12-01&to=1970-01-02",
		"top=0", "top=101", "top=ten",
	} {
		p := problemOf(t, e.want(400, e.as(e.admin, "GET", "/api/v1/stats?"+bad, nil)))
		if p.Detail == "" {
			t.Errorf("%s: no detail", bad)
		}
		e.want(400, e.as(bob, "GET", "/api/v1/users/me/stats?"+bad, nil))
	}
}
