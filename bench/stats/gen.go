package main

// The generated library and history the statistics bench measures.

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// gen makes the bench's users, libraries, items and history.
type gen struct {
	db  *store.DB
	st  store.Stores
	rng *rand.Rand
	now time.Time

	admin    core.UserID
	users    []core.UserID // the others, heaviest first
	names    map[core.UserID]string
	plays    map[core.UserID]int
	libs     []library
	playable []core.Item
	titles   map[core.ItemID]core.ItemID // the series of an episode, the artist of a track
}

// library is one library's playable items, most popular first, and its share of the plays.
type library struct {
	lib   core.Library
	items []core.Item
	share float64
	// watched draws how long a play lasts.
	watched func(r *rand.Rand) time.Duration
}

var (
	genres      = []string{"Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western"}
	musicGenres = []string{"Rock", "Pop", "Jazz", "Classical", "Electronic", "Hip-Hop", "Folk", "Metal", "Soul", "Blues"}
)

func (g *gen) seed(ctx context.Context, cfg config) error {
	g.names, g.plays, g.titles = map[core.UserID]string{}, map[core.UserID]int{}, map[core.ItemID]core.ItemID{}
	cheap := core.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	us := core.NewUsers(core.UsersDeps{Users: g.st.Users, Libraries: g.st.Libraries, Sessions: g.st.Sessions, Now: time.Now, NewID: newID, Password: cheap})
	if _, err := us.Bootstrap(ctx, "admin", password); err != nil {
		return err
	}
	a, err := g.st.Users.UserByName(ctx, "admin")
	if err != nil {
		return err
	}
	g.admin, g.names[a.ID] = a.ID, "admin"
	op := core.Caller{Admin: true, AllLibraries: true}
	for i := range cfg.users - 1 {
		u, err := us.Create(ctx, op, core.NewUser{Username: fmt.Sprintf("user%02d", i), Password: password, AllLibraries: true})
		if err != nil {
			return err
		}
		g.users = append(g.users, u.ID)
		g.names[u.ID] = u.Username
	}
	// The item counts of the shape, scaled to cfg.items: 4,000 movies, 12,000 episodes in
	// 150 series, 4,000 tracks on 200 albums of 100 artists, 500 children's movies.
	scale := float64(cfg.items) / 20_500
	count := func(n int) int { return max(1, int(math.Round(float64(n)*scale))) }
	people := make([]string, 5000)
	for i := range people {
		people[i] = fmt.Sprintf("Person %04d", i)
	}
	pick := func(list []string, n int) []string {
		var out []string
		for _, i := range g.rng.Perm(len(list))[:n] {
			out = append(out, list[i])
		}
		return out
	}
	credits := func(n int, director bool) []core.Credit {
		var cs []core.Credit
		for i, name := range pick(people[:min(len(people), 300+g.rng.IntN(4700))], n) {
			kind := core.PersonActor
			if director && i == 0 {
				kind = core.PersonDirector
			}
			cs = append(cs, core.Credit{Name: name, Kind: kind, Order: i})
		}
		return cs
	}
	mins := func(lo, hi int) func(r *rand.Rand) time.Duration {
		return func(r *rand.Rand) time.Duration {
			return time.Duration(lo)*time.Minute + time.Duration(r.Int64N(int64(time.Duration(hi-lo)*time.Minute)))
		}
	}
	for _, l := range []struct {
		name  string
		typ   core.LibraryType
		share float64
		w     func(r *rand.Rand) time.Duration
	}{{"Movies", core.LibraryMovies, .20, mins(15, 150)}, {"Shows", core.LibraryShows, .45, mins(5, 50)},
		{"Music", core.LibraryMusic, .30, mins(1, 6)}, {"Kids", core.LibraryMovies, .05, mins(10, 90)}} {
		lib := core.Library{ID: core.LibraryID(newID()), Name: l.name, Type: l.typ, Paths: []string{"/nonexistent/" + l.name}, CreatedAt: g.now, UpdatedAt: g.now}
		if err := g.st.Libraries.CreateLibrary(ctx, lib); err != nil {
			return err
		}
		g.libs = append(g.libs, library{lib: lib, share: l.share, watched: l.w})
	}
	add := func(it core.Item, meta *core.Metadata) (core.Item, error) {
		it.ID, it.CreatedAt, it.UpdatedAt = core.ItemID(newID()), g.now, g.now
		it, err := g.st.Items.CreateItem(ctx, it)
		if err != nil || meta == nil {
			return it, err
		}
		meta.Title = it.Title
		return it, g.st.Metadata.SetMetadata(ctx, it.ID, *meta)
	}
	movies := func(l *library, n int, kind string) error {
		for i := range n {
			m, err := add(core.Item{Kind: core.KindMovie, Title: fmt.Sprintf("%s %04d", kind, i), LibraryID: l.lib.ID, Runtime: 2 * time.Hour},
				&core.Metadata{Genres: pick(genres, 1+g.rng.IntN(3)), Credits: credits(7, true)})
			if err != nil {
				return err
			}
			l.items = append(l.items, m)
			g.titles[m.ID] = m.ID
		}
		return nil
	}
	if err := movies(&g.libs[0], count(4000), "Movie"); err != nil {
		return err
	}
	for s := range count(150) {
		show, err := add(core.Item{Kind: core.KindSeries, Title: fmt.Sprintf("Show %03d", s), LibraryID: g.libs[1].lib.ID},
			&core.Metadata{Genres: pick(genres, 1+g.rng.IntN(3)), Credits: credits(8, false)})
		if err != nil {
			return err
		}
		for n := 1; n <= 4; n++ {
			season, err := add(core.Item{Kind: core.KindSeason, Title: fmt.Sprintf("Season %d", n), LibraryID: show.LibraryID, ParentID: show.ID, IndexNumber: &n}, nil)
			if err != nil {
				return err
			}
			for e := 1; e <= 20; e++ {
				ep, err := add(core.Item{Kind: core.KindEpisode, Title: fmt.Sprintf("Show %03d %dx%02d", s, n, e), LibraryID: show.LibraryID,
					ParentID: season.ID, ParentIndex: &n, IndexNumber: &e, Runtime: 45 * time.Minute}, nil)
				if err != nil {
					return err
				}
				g.libs[1].items = append(g.libs[1].items, ep)
				g.titles[ep.ID] = show.ID
			}
		}
	}
	var artists []core.Item
	for a := range count(100) {
		artist, err := add(core.Item{Kind: core.KindArtist, Title: fmt.Sprintf("Artist %03d", a), LibraryID: g.libs[2].lib.ID},
			&core.Metadata{Genres: pick(musicGenres, 1+g.rng.IntN(2))})
		if err != nil {
			return err
		}
		artists = append(artists, artist)
	}
	for al := range count(200) {
		artist := artists[al%len(artists)]
		album, err := add(core.Item{Kind: core.KindAlbum, Title: fmt.Sprintf("Album %03d", al), LibraryID: artist.LibraryID, ParentID: artist.ID},
			&core.Metadata{Credits: []core.Credit{{Name: "Producer " + fmt.Sprint(al%40), Kind: "Producer"}}})
		if err != nil {
			return err
		}
		for tr := 1; tr <= 20; tr++ {
			track, err := add(core.Item{Kind: core.KindTrack, Title: fmt.Sprintf("Album %03d track %02d", al, tr), LibraryID: album.LibraryID,
				ParentID: album.ID, IndexNumber: &tr, Runtime: 4 * time.Minute}, nil)
			if err != nil {
				return err
			}
			g.libs[2].items = append(g.libs[2].items, track)
			g.titles[track.ID] = artist.ID
		}
	}
	if err := movies(&g.libs[3], count(500), "Kids movie"); err != nil {
		return err
	}
	for i := range g.libs {
		l := &g.libs[i]
		g.rng.Shuffle(len(l.items), func(a, b int) { l.items[a], l.items[b] = l.items[b], l.items[a] })
		g.playable = append(g.playable, l.items...)
	}
	return nil
}

// history inserts n plays over the 365 days before now: users by a Zipf-like weight (the first
// plays about a tenth), each with their own taste of libraries, items by popularity within a
// library (Zipf), evenings and weekends busier, two thirds direct play.
func (g *gen) history(ctx context.Context, n int) error {
	userW := make([]float64, len(g.users))
	for i := range userW {
		userW[i] = 1 / math.Pow(float64(i+1), 0.8)
	}
	userCum := cumulative(userW)
	taste := make([][]float64, len(g.users)) // per user, cumulative library weights
	for i := range taste {
		w := make([]float64, len(g.libs))
		for j, l := range g.libs {
			w[j] = l.share * (0.2 + g.rng.Float64()*1.6)
		}
		taste[i] = cumulative(w)
	}
	zipf := make([]*rand.Zipf, len(g.libs))
	for i, l := range g.libs {
		zipf[i] = rand.NewZipf(g.rng, 1.1, 8, uint64(len(l.items)-1))
	}
	hourW := []float64{3, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 4, 5, 5, 5, 5, 6, 7, 9, 12, 14, 14, 11, 6}
	hourCum := cumulative(hourW)
	clients := []string{"Jellyfin Web", "Infuse", "Plex for Android TV", "Swiftfin", "Plexamp", "Finamp"}
	start := g.now.AddDate(0, 0, -365)
	// Rows go in 100 at a time through a prepared statement, 100,000 to a transaction.
	const batch = 100
	cols := []string{"user_id", "item_id", "library_id", "file_id", "device_id", "device_name", "client", "started_at", "stopped_at",
		"watched_ms", "position_ms", "method", "reason", "title_id"}
	var marks []string
	for r := range batch {
		var m []string
		for c := range cols {
			if g.db.Dialect == store.Postgres {
				m = append(m, fmt.Sprintf("$%d", r*len(cols)+c+1))
			} else {
				m = append(m, "?")
			}
		}
		marks = append(marks, "("+strings.Join(m, ", ")+")")
	}
	insert := "INSERT INTO play_history (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(marks, ", ")
	rows := make([]any, 0, batch*len(cols))
	var tx *sql.Tx
	var stmt *sql.Stmt
	flush := func() error {
		var err error
		if tx == nil {
			if tx, err = g.db.W.DB.BeginTx(ctx, nil); err != nil {
				return err
			}
			if stmt, err = tx.PrepareContext(ctx, insert); err != nil {
				return err
			}
		}
		_, err = stmt.ExecContext(ctx, rows...)
		rows = rows[:0]
		return err
	}
	commit := func() error {
		if tx == nil {
			return nil
		}
		stmt.Close()
		err := tx.Commit()
		tx = nil
		return err
	}
	for i := range n {
		u := search(userCum, g.rng.Float64())
		l := search(taste[u], g.rng.Float64())
		lib := &g.libs[l]
		it := lib.items[zipf[l].Uint64()]
		day := start.Add(time.Duration(g.rng.IntN(365)) * 24 * time.Hour).Truncate(24 * time.Hour)
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && g.rng.IntN(3) == 0 {
			day = day.Add(24 * time.Hour) // weekends a little busier
		}
		stop := day.Add(time.Duration(search(hourCum, g.rng.Float64()))*time.Hour + time.Duration(g.rng.Int64N(int64(time.Hour))))
		if !stop.Before(g.now) || stop.Before(start) {
			stop = start.Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(start)))))
		}
		watched := lib.watched(g.rng)
		method, reason := "direct", ""
		switch r := g.rng.IntN(100); {
		case r < 10:
			method, reason = "remux", "container"
		case r < 35:
			method, reason = "transcode", "video codec"
		}
		// Times as the store writes them (bun's format), so that SQLite compares them as text alike.
		at := func(t time.Time) any {
			if g.db.Dialect == store.Postgres {
				return t.UTC()
			}
			return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
		}
		rows = append(rows, string(g.users[u]), string(it.ID), string(lib.lib.ID), "", fmt.Sprintf("device-%d-%d", u, i%3), "Bench device",
			clients[(u+i%2)%len(clients)], at(stop.Add(-watched-time.Duration(g.rng.IntN(300))*time.Second)), at(stop), watched.Milliseconds(),
			watched.Milliseconds(), method, reason, string(g.titles[it.ID]))
		g.plays[g.users[u]]++
		if len(rows) == batch*len(cols) {
			if err := flush(); err != nil {
				return err
			}
			if (i+1)%100_000 == 0 {
				if err := commit(); err != nil {
					return err
				}
			}
		}
	}
	if err := commit(); err != nil {
		return err
	}
	// What is left: one row at a time.
	for len(rows) > 0 {
		if _, err := g.db.W.NewRaw("INSERT INTO play_history ("+strings.Join(cols, ", ")+") VALUES (?)", bun.List(rows[:len(cols)])).Exec(ctx); err != nil {
			return err
		}
		rows = rows[len(cols):]
	}
	return nil
}

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	sum := 0.0
	for i, x := range w {
		sum += x
		out[i] = sum
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// search returns the first index whose cumulative weight reaches x.
func search(cum []float64, x float64) int {
	for i, c := range cum {
		if x <= c {
			return i
		}
	}
	return len(cum) - 1
}
