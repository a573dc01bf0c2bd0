package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestHistory(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		h := core.NewHistory(e.st.History, e.items, e.clock.Now)
		movies, shows := e.library("Movies"), e.library("Shows")
		heat := e.add(core.Item{Kind: core.KindMovie, Title: "Heat", LibraryID: movies.ID, Runtime: 170 * time.Minute})
		_, _, eps := e.series(shows.ID, "Dark", 0, 1)
		ann := e.member("ann")
		bob := e.member("bob", movies.ID)

		start := e.clock.Now()
		rec, err := h.Record(e.ctx, ann, core.HistoryEntry{Item: heat.ID, DeviceID: "tv", DeviceName: "Living room", Client: "Plex Web",
			Started: start, Stopped: start.Add(2 * time.Hour), Watched: 3 * time.Hour, Position: 100 * time.Minute,
			Method: core.PlayTranscode, Reason: strings.Repeat("é", 300)})
		if err != nil {
			t.Fatal(err)
		}
		if rec.ID <= 0 || rec.User != ann.UserID || rec.Library != movies.ID || rec.Watched != 2*time.Hour || len(rec.Reason) > 200 {
			t.Fatalf("recorded %+v", rec)
		}
		e.clock.Add(3 * time.Hour)
		if _, err := h.Record(e.ctx, ann, core.HistoryEntry{Item: eps[1][0].ID, Watched: 40 * time.Minute, Method: "bogus"}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Record(e.ctx, bob, core.HistoryEntry{Item: heat.ID, Watched: time.Minute}); err != nil {
			t.Fatal(err)
		}
		// Bob may not record what he cannot see; an API key has no history.
		if _, err := h.Record(e.ctx, bob, core.HistoryEntry{Item: eps[1][0].ID}); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("bob records a hidden item: %v", err)
		}
		if _, err := h.Record(e.ctx, core.Caller{Admin: true, AllLibraries: true}, core.HistoryEntry{Item: heat.ID}); err == nil {
			t.Error("an API key recorded history")
		}
		// Each user sees their own, newest first; the admin everyone's, filtered.
		got, total, err := h.List(e.ctx, ann, core.HistoryQuery{User: bob.UserID})
		if err != nil || total != 2 || got[0].Item != eps[1][0].ID || got[0].Method != core.PlayDirect || got[1].Item != heat.ID {
			t.Fatalf("ann's history %+v (%d), %v", got, total, err)
		}
		if got, total, _ := h.List(e.ctx, e.admin, core.HistoryQuery{}); total != 3 || got[0].User != bob.UserID {
			t.Errorf("everyone's %+v", got)
		}
		if got, total, _ := h.List(e.ctx, e.admin, core.HistoryQuery{Libraries: []core.LibraryID{shows.ID}}); total != 1 || got[0].Item != eps[1][0].ID {
			t.Errorf("shows only %+v", got)
		}
		if _, total, _ := h.List(e.ctx, e.admin, core.HistoryQuery{Since: start.Add(time.Hour), Item: heat.ID, Asc: true, Limit: 1}); total != 2 {
			t.Errorf("since, item: %d", total)
		}
		// A user who lost a library no longer sees its history.
		if _, total, _ := h.List(e.ctx, core.Caller{UserID: ann.UserID, Libraries: []core.LibraryID{movies.ID}}, core.HistoryQuery{}); total != 1 {
			t.Errorf("restricted: %d", total)
		}
		if _, _, err := h.List(e.ctx, ann, core.HistoryQuery{Limit: -1}); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("bad limit: %v", err)
		}
	})
}
