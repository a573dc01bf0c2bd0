package core_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// server is a library as two servers may both have it: the same movies and show under other ids.
type server struct {
	e                   *env
	heat, ronin, amelie core.Item
	dark                core.Item
	eps                 [][]core.Item
	user                core.Caller
	lists               *core.Lists
	pl                  *core.Playlists
	history             *core.History
	transfer            *core.Transfer
}

func newServer(e *env, name string) *server {
	s := &server{e: e}
	movies, shows := e.library("Movies"), e.library("Shows")
	// Heat is known by its TMDb id, Ronin by title and year alone; Amélie's title is spelled
	// with its accent on one server only.
	s.heat = e.add(core.Item{Kind: core.KindMovie, Title: "Heat", Year: 1995, LibraryID: movies.ID, Runtime: 170 * time.Minute,
		ProviderIDs: map[string]string{"tmdb": "949"}})
	e.add(core.Item{Kind: core.KindMovie, Title: "Heat", Year: 1986, LibraryID: movies.ID, Runtime: 100 * time.Minute})
	s.ronin = e.add(core.Item{Kind: core.KindMovie, Title: "Ronin", Year: 1998, LibraryID: movies.ID, Runtime: 122 * time.Minute})
	title := "Amelie"
	if name == "b" {
		title = "Amélie"
	}
	s.amelie = e.add(core.Item{Kind: core.KindMovie, Title: title, Year: 2001, LibraryID: movies.ID, Runtime: 122 * time.Minute})
	s.dark, _, s.eps = e.series(shows.ID, "Dark", 0, 3, 2)
	s.user = e.member("ann-" + name)
	s.lists = core.NewLists(e.st.Lists, e.items, e.clock.Now, newID)
	s.pl = core.NewPlaylists(e.st.Playlists, e.items, e.clock.Now, newID)
	s.history = core.NewHistory(e.st.History, e.items, e.clock.Now)
	s.transfer = core.NewTransfer(core.TransferDeps{Store: e.st.Transfer, Users: e.st.Users, Items: e.items, History: e.st.History,
		Lists: e.st.Lists, Playlists: e.st.Playlists, Now: e.clock.Now, NewID: newID})
	return s
}

func TestExportImportAcrossServers(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{"sqlite": func(*testing.T) string { return "" }, "postgres": pgSchema} {
		t.Run(name, func(t *testing.T) { exportImport(t, newEnvOn(t, dsn(t)), dsn(t)) })
	}
}

// exportImport exports from a server on e and imports into another on the database dsn names.
func exportImport(t *testing.T, e *env, dsn string) {
	a := newServer(e, "a")
	// The other server: a struct hides *testing.T, so that it does not call t.Parallel twice.
	b := newServer(newEnvOn(struct{ testing.TB }{t}, dsn), "b")
	ctx, ann := e.ctx, a.user

	// Ann's life on server a.
	if _, err := e.ud.Progress(ctx, ann, a.ronin.ID, 30*time.Minute, true); err != nil {
		t.Fatal(err)
	}
	e.watch(ann, a.heat)
	e.watch(ann, a.eps[1][0])
	e.watch(ann, a.eps[1][1])
	for _, f := range []func() (core.UserData, error){
		func() (core.UserData, error) { return e.ud.SetFavorite(ctx, ann, a.amelie.ID, true) },
		func() (core.UserData, error) { return e.ud.SetRating(ctx, ann, a.heat.ID, ptr(8.5)) },
		func() (core.UserData, error) { return e.ud.SetLikes(ctx, ann, a.dark.ID, ptr(true)) },
	} {
		if _, err := f(); err != nil {
			t.Fatal(err)
		}
	}
	for _, it := range []core.Item{a.heat, a.eps[1][0]} {
		if _, err := a.history.Record(ctx, ann, core.HistoryEntry{Item: it.ID, Watched: time.Hour, Method: core.PlayTranscode, Client: "web"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour)
	}
	for _, it := range []core.Item{a.amelie, a.dark} {
		if err := a.lists.AddToWatchlist(ctx, ann, it.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
	}
	if _, err := a.lists.Create(ctx, ann, "Crime", []core.ItemID{a.heat.ID, a.ronin.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.pl.Create(ctx, ann, "Marathon", []core.ItemID{a.eps[2][0].ID, a.heat.ID, a.eps[2][0].ID}); err != nil {
		t.Fatal(err)
	}

	doc, err := a.transfer.Export(ctx, ann, "")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != core.TransferFormat || doc.Version != 1 || len(doc.History) != 2 || len(doc.Watchlist) != 2 ||
		len(doc.Lists) != 1 || len(doc.Playlists) != 1 || len(doc.Playlists[0].Items) != 3 {
		t.Fatalf("export %+v", doc)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	// A member may not export someone else's data; an admin may.
	if _, err := a.transfer.Export(ctx, ann, e.admin.UserID); err == nil {
		t.Fatal("ann exported the admin's data")
	}
	if got, err := a.transfer.Export(ctx, e.admin, ann.UserID); err != nil || len(got.UserData) != len(doc.UserData) {
		t.Fatalf("admin export: %d entries, %v", len(got.UserData), err)
	}

	// On server b, where every id differs.
	bob := b.user
	imp := func() core.ImportReport {
		t.Helper()
		parsed, err := core.ParseTransfer(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := b.transfer.Import(ctx, bob, "", parsed)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := imp()
	if rep.Items.Unmatched != 0 || len(rep.UnmatchedItems) != 0 {
		t.Fatalf("unmatched %+v", rep.UnmatchedItems)
	}
	if rep.History.Imported != 2 || rep.Watchlist.Imported != 2 || rep.Lists.Imported != 1 || rep.ListItems.Imported != 2 ||
		rep.Playlists.Imported != 1 || rep.PlaylistEntries.Imported != 3 || rep.UserData.Imported != len(doc.UserData) {
		t.Fatalf("report %+v", rep)
	}
	be := b.e
	got, err := be.ud.Get(ctx, bob, b.heat.ID, b.ronin.ID, b.amelie.ID, b.dark.ID, b.eps[1][1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := got[b.heat.ID]; !d.Played || d.PlayCount != 1 || d.Rating == nil || *d.Rating != 8.5 {
		t.Errorf("heat %+v", d)
	}
	if d := got[b.ronin.ID]; d.Played || d.Position != 30*time.Minute {
		t.Errorf("ronin %+v", d)
	}
	if d := got[b.amelie.ID]; !d.Favorite {
		t.Errorf("amélie %+v", d)
	}
	if d := got[b.dark.ID]; d.Likes == nil || !*d.Likes || d.UnplayedCount == nil || *d.UnplayedCount != 3 {
		t.Errorf("dark %+v", d)
	}
	// Next up follows the imported played state.
	next, _, err := be.ud.NextUp(ctx, bob, core.NextUpQuery{})
	if err != nil || len(next) != 1 || next[0].ID != b.eps[1][2].ID {
		t.Fatalf("next up %v, %v", next, err)
	}
	resume, _, err := be.ud.Resume(ctx, bob, core.ItemQuery{})
	if err != nil || len(resume) != 1 || resume[0].ID != b.ronin.ID {
		t.Fatalf("resume %v, %v", resume, err)
	}
	hist, total, err := b.history.List(ctx, bob, core.HistoryQuery{Asc: true})
	if err != nil || total != 2 || hist[0].Item != b.heat.ID || hist[0].Method != core.PlayTranscode || hist[1].Item != b.eps[1][0].ID {
		t.Fatalf("history %+v (%d), %v", hist, total, err)
	}
	wl, _, _ := b.lists.Watchlist(ctx, bob, core.ListPage{})
	if len(wl) != 2 || wl[0].Item.ID != b.dark.ID || wl[1].Item.ID != b.amelie.ID {
		t.Fatalf("watchlist %v", entryTitles(t, wl))
	}
	pls, _ := b.pl.List(ctx, bob)
	if len(pls) != 1 || pls[0].Name != "Marathon" || pls[0].Entries != 3 {
		t.Fatalf("playlists %+v", pls)
	}

	// Again: nothing new.
	rep = imp()
	if rep.History.Imported != 0 || rep.History.Existing != 2 || rep.Watchlist.Existing != 2 || rep.Lists.Existing != 1 ||
		rep.ListItems.Existing != 2 || rep.Playlists.Existing != 1 || rep.PlaylistEntries.Existing != 3 || rep.PlaylistEntries.Imported != 0 {
		t.Fatalf("second report %+v", rep)
	}
	if _, total, _ := b.history.List(ctx, bob, core.HistoryQuery{}); total != 2 {
		t.Fatalf("history after the second import: %d", total)
	}
	if pls, _ := b.pl.List(ctx, bob); len(pls) != 1 || pls[0].Entries != 3 {
		t.Fatalf("playlists after the second import %+v", pls)
	}
	after, _ := be.ud.Get(ctx, bob, b.heat.ID)
	if after[b.heat.ID].PlayCount != 1 {
		t.Fatalf("heat after the second import %+v", after[b.heat.ID])
	}
}

func TestImportRefusesBadDocuments(t *testing.T) {
	e := newEnv(t)
	s := newServer(e, "a")
	ann := s.user
	good := func() core.TransferDoc {
		return core.TransferDoc{Format: core.TransferFormat, Version: 1,
			Items:     []core.TransferItem{{ID: "x1", Kind: core.KindMovie, Title: "Heat", Year: 1995}},
			UserData:  []core.TransferData{{Item: "x1", Favorite: true}},
			Watchlist: []core.TransferEntry{{Item: "x1", AddedAt: e.clock.Now()}}}
	}
	for name, bad := range map[string]func(d *core.TransferDoc){
		"version":      func(d *core.TransferDoc) { d.Version = 2 },
		"format":       func(d *core.TransferDoc) { d.Format = "other" },
		"unknown item": func(d *core.TransferDoc) { d.UserData[0].Item = "x2" },
		"rating":       func(d *core.TransferDoc) { d.UserData[0].Rating = ptr(11.0) },
		"kind":         func(d *core.TransferDoc) { d.Items[0].Kind = "book" },
		"backwards": func(d *core.TransferDoc) {
			d.History = []core.TransferPlay{{Item: "x1", StartedAt: e.clock.Now(), StoppedAt: e.clock.Now().Add(-time.Hour)}}
		},
		"list name":        func(d *core.TransferDoc) { d.Lists = []core.TransferList{{Name: " "}} },
		"twice in a list":  func(d *core.TransferDoc) { d.Lists = []core.TransferList{{Name: "a"}, {Name: "a"}} },
		"a long watchlist": func(d *core.TransferDoc) { d.Watchlist = slices.Repeat(d.Watchlist, core.MaxListItems+1) },
		// The second playlist's entries pass the first check but not the store's bound.
		"entries": func(d *core.TransferDoc) {
			d.Playlists = []core.TransferPlaylist{{Name: "p", Items: slices.Repeat([]core.ItemID{"x1"}, core.MaxPlaylistEntries+1)}}
		},
	} {
		doc := good()
		bad(&doc)
		if _, err := s.transfer.Import(e.ctx, ann, "", doc); err == nil {
			t.Errorf("%s: imported", name)
		}
	}
	// Nothing was written by any of them.
	if d, _ := e.ud.Get(e.ctx, ann, s.heat.ID); d[s.heat.ID].Favorite {
		t.Error("a refused document marked heat a favorite")
	}
	if _, total, _ := s.lists.Watchlist(e.ctx, ann, core.ListPage{}); total != 0 {
		t.Error("a refused document filled the watchlist")
	}
	for _, raw := range []string{"", "{", `{"format": 1}`, `{"format":"walros-user-data","version":1} {}`} {
		if _, err := core.ParseTransfer(bytes.NewReader([]byte(raw))); err == nil {
			t.Errorf("parsed %q", raw)
		}
	}
	// A store bound breaks the whole import: the watchlist entry before it is not kept. Ann owns
	// a playlist, and the document's five fill her playlists past their bound in all.
	doc := good()
	for i := range core.MaxPlaylistEntriesUser / core.MaxPlaylistEntries {
		doc.Playlists = append(doc.Playlists, core.TransferPlaylist{Name: fmt.Sprint("p", i), Items: slices.Repeat([]core.ItemID{"x1"}, core.MaxPlaylistEntries)})
	}
	doc.Items[0].ProviderIDs = map[string]string{"tmdb": "949"}
	if _, err := s.pl.Create(e.ctx, ann, "mine", []core.ItemID{s.heat.ID}); err != nil {
		t.Fatal(err)
	}
	_, err := s.transfer.Import(e.ctx, ann, "", doc)
	wantErr(t, "past the bound of a user's playlists", err, core.ErrInvalid)
	if _, total, _ := s.lists.Watchlist(e.ctx, ann, core.ListPage{}); total != 0 {
		t.Error("a failed import kept its watchlist")
	}
	if pls, _ := s.pl.List(e.ctx, ann); len(pls) != 1 {
		t.Errorf("a failed import kept %d playlists", len(pls))
	}
}
