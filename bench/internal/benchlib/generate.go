package benchlib

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// generator writes the library through the store's own write paths: the scanner's ApplyFile for
// files and their items, SetMetadata for genres, overviews and posters, the user data service for
// what the admin watched.
type generator struct {
	st    store.Stores
	rng   *rand.Rand
	now   time.Time
	taken map[string]bool // match keys already used
	items int             // items created
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func generate(ctx context.Context, cache, data string) (int, error) {
	db, err := store.Open(ctx, "", data)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// ApplyFile finds an item by (library_id, match_key), but SQLite does not use the partial index
	// items_match_key (WHERE match_key <> '') for it: each file would scan its whole library, and
	// 100,000 files would take hours. A plain index, for the generation only, keeps it linear.
	if _, err := db.W.ExecContext(ctx, "CREATE INDEX IF NOT EXISTS bench_match_key ON items (library_id, match_key)"); err != nil {
		return 0, err
	}
	defer db.W.ExecContext(context.WithoutCancel(ctx), "DROP INDEX IF EXISTS bench_match_key")
	st := db.Stores()
	users := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions, Now: time.Now, NewID: newID})
	if _, err := users.Bootstrap(ctx, AdminUser, AdminPassword); err != nil {
		return 0, err
	}
	admin, err := st.Users.UserByName(ctx, AdminUser)
	if err != nil {
		return 0, err
	}
	// The folders do not exist: the server finds the libraries offline at start and so leaves
	// every item alone (core/scan: an unreachable root marks the library offline, deletes nothing).
	root := filepath.Join(cache, "offline-media")
	libs := core.NewLibraries(st.Libraries, time.Now, newID)
	operator := core.Caller{Admin: true, AllLibraries: true}
	var lib [3]core.Library
	for i, l := range []struct {
		name string
		typ  core.LibraryType
	}{{"Movies", core.LibraryMovies}, {"Shows", core.LibraryShows}, {"Music", core.LibraryMusic}} {
		if lib[i], err = libs.Create(ctx, operator, core.NewLibrary{Name: l.name, Type: l.typ,
			Paths: []string{filepath.Join(root, strings.ToLower(l.name))}}); err != nil {
			return 0, err
		}
	}
	g := &generator{st: st, rng: rand.New(rand.NewPCG(1, 2)), now: time.Now().UTC(), taken: map[string]bool{}}
	step := func(name string, f func() error) error {
		start := time.Now()
		before := g.items
		if err := f(); err != nil {
			return err
		}
		d := time.Since(start)
		fmt.Printf("  %-9s %6d items in %6.1f s (%.0f items/s)\n", name, g.items-before, d.Seconds(),
			float64(g.items-before)/d.Seconds())
		return ctx.Err()
	}
	var movieIDs, firstEpisodes []core.ItemID
	if err := step("movies", func() (err error) { movieIDs, err = g.movies(ctx, lib[0]); return }); err != nil {
		return 0, err
	}
	if err := step("shows", func() (err error) { firstEpisodes, err = g.shows(ctx, lib[1]); return }); err != nil {
		return 0, err
	}
	if err := step("music", func() error { return g.music(ctx, lib[2]) }); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := g.userData(ctx, admin.ID, movieIDs, firstEpisodes); err != nil {
		return 0, err
	}
	fmt.Printf("  user data: %d resume points, %d series started, in %.1f s\n", ResumeMovies, WatchedSeries, time.Since(start).Seconds())
	start = time.Now()
	hashed, err := g.blurHashes(ctx)
	if err != nil {
		return 0, err
	}
	fmt.Printf("  blurhashes: %d posters, in %.1f s\n", hashed, time.Since(start).Seconds())
	return g.items, nil
}

// movies adds one file per movie: Title (Year)/Title (Year) 1080p.mkv; four in five have metadata
// (genres, overview, rating, poster and backdrop), as after a provider match.
func (g *generator) movies(ctx context.Context, lib core.Library) ([]core.ItemID, error) {
	ids := make([]core.ItemID, 0, Movies)
	for i := range Movies {
		var title string
		var year int
		for {
			title, year = g.title(1+g.rng.IntN(3), 0.2), 1950+g.rng.IntN(76)
			if key := fmt.Sprintf("movie:%s|%d", fold(title), year); !g.taken[key] {
				g.taken[key] = true
				break
			}
		}
		name := fmt.Sprintf("%s (%d)", title, year)
		dir := filepath.Join(lib.Paths[0], name)
		runtime := time.Duration(80+g.rng.IntN(80))*time.Minute + time.Duration(g.rng.IntN(60))*time.Second
		created := g.created()
		m := g.item(lib, core.KindMovie, fmt.Sprintf("movie:%s|%d", fold(title), year), title, created)
		m.Year, m.Path, m.Runtime = year, dir, runtime
		got, err := g.apply(ctx, lib, filepath.Join(dir, name+" 1080p.mkv"), videoInfo(runtime, 8_000_000, 1920, 1080), created, m)
		if err != nil {
			return nil, err
		}
		ids = append(ids, got[0])
		if i%5 != 4 {
			if err := g.st.Metadata.SetMetadata(ctx, got[0], g.metadata(title, year, runtime, dir, true)); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// shows adds 2,000 series of 25 episodes in 2 or 3 seasons, laid out as Series (Year)/Season
// 01/Series - S01E01 - Title.mkv; every series has metadata and a poster. It returns the first
// episode of each series.
func (g *generator) shows(ctx context.Context, lib core.Library) ([]core.ItemID, error) {
	var first []core.ItemID
	for range Series {
		var title string
		var year int
		for {
			title, year = g.title(1+g.rng.IntN(3), 0.15), 1960+g.rng.IntN(66)
			if key := fmt.Sprintf("series:%s|%d", fold(title), year); !g.taken[key] {
				g.taken[key] = true
				break
			}
		}
		seriesKey := fmt.Sprintf("series:%s|%d", fold(title), year)
		dir := filepath.Join(lib.Paths[0], fmt.Sprintf("%s (%d)", title, year))
		seasons := 2 + g.rng.IntN(2)
		created := g.created()
		var seriesID core.ItemID
		ep := 0
		for s := 1; s <= seasons; s++ {
			n := EpisodesPerShow / seasons
			if s <= EpisodesPerShow%seasons {
				n++
			}
			for e := 1; e <= n; e++ {
				ep++
				runtime := time.Duration(20+g.rng.IntN(40))*time.Minute + time.Duration(g.rng.IntN(60))*time.Second
				at := created.Add(time.Duration(ep) * time.Hour)
				sr := g.item(lib, core.KindSeries, seriesKey, title, at)
				sr.Year, sr.Path = year, dir
				seasonKey := fmt.Sprintf("%s:season:%d", seriesKey, s)
				sn := g.item(lib, core.KindSeason, seasonKey, fmt.Sprintf("Season %d", s), at)
				sn.IndexNumber, sn.SortTitle = new(s), fmt.Sprintf("%05d", s)
				epTitle := g.title(1+g.rng.IntN(3), 0.1)
				path := filepath.Join(dir, fmt.Sprintf("Season %02d", s), fmt.Sprintf("%s - S%02dE%02d - %s.mkv", title, s, e, epTitle))
				it := g.item(lib, core.KindEpisode, fmt.Sprintf("%s:episode:%d", seasonKey, e), epTitle, at)
				it.Path, it.Runtime, it.ParentIndex, it.IndexNumber = path, runtime, new(s), new(e)
				it.SortTitle = fmt.Sprintf("%05d %s %s", e, "", core.SortKey(epTitle)) // as the scanner writes it
				got, err := g.apply(ctx, lib, path, videoInfo(runtime, 4_000_000, 1920, 1080), at, sr, sn, it)
				if err != nil {
					return nil, err
				}
				if ep == 1 {
					seriesID = got[0]
					first = append(first, got[2])
				}
			}
		}
		if err := g.st.Metadata.SetMetadata(ctx, seriesID, g.metadata(title, year, 0, dir, true)); err != nil {
			return nil, err
		}
	}
	return first, nil
}

// music adds 1,000 artists with 2 albums of 10 MP3 tracks, Artist/Album/01 - Title.mp3, tagged;
// every album has a cover, half the artists a picture.
func (g *generator) music(ctx context.Context, lib core.Library) error {
	for a := range Artists {
		var artist string
		for {
			artist = g.title(1+g.rng.IntN(2), 0.3)
			if key := "artist:" + fold(artist); !g.taken[key] {
				g.taken[key] = true
				break
			}
		}
		var artistID core.ItemID
		for range AlbumsPerArtist {
			var album string
			for {
				album = g.title(1+g.rng.IntN(3), 0.1)
				if key := "album:" + fold(artist) + "|" + fold(album); !g.taken[key] {
					g.taken[key] = true
					break
				}
			}
			year := 1960 + g.rng.IntN(66)
			dir := filepath.Join(lib.Paths[0], artist, album)
			created := g.created()
			var albumID core.ItemID
			for t := 1; t <= TracksPerAlbum; t++ {
				title := g.title(1+g.rng.IntN(4), 0.05)
				rel := filepath.Join(artist, album, fmt.Sprintf("%02d - %s.mp3", t, title))
				runtime := time.Duration(150+g.rng.IntN(150)) * time.Second
				info := core.MediaInfo{Container: "mp3", Duration: runtime, Bitrate: 320_000,
					Streams: []core.Stream{{Index: 0, Kind: core.StreamAudio, Codec: "mp3", Bitrate: 320_000, Channels: 2,
						ChannelLayout: "stereo", SampleRate: 44100, Default: true}},
					Tags: map[string]string{"title": title, "artist": artist, "album_artist": artist, "album": album,
						"track": fmt.Sprintf("%d/%d", t, TracksPerAlbum), "date": fmt.Sprint(year), "genre": g.genres()[0]}}
				ar := g.item(lib, core.KindArtist, "artist:"+fold(artist), artist, created)
				al := g.item(lib, core.KindAlbum, "album:"+fold(artist)+"|"+fold(album), album, created)
				al.Year, al.Path = year, dir
				tr := g.item(lib, core.KindTrack, "track:"+rel, title, created)
				tr.Year, tr.Path, tr.Runtime, tr.IndexNumber = year, filepath.Join(lib.Paths[0], rel), runtime, new(t)
				tr.SortTitle = fmt.Sprintf("%03d %05d %s", 1, t, core.SortKey(title))
				got, err := g.apply(ctx, lib, filepath.Join(lib.Paths[0], rel), info, created, ar, al, tr)
				if err != nil {
					return err
				}
				artistID, albumID = got[0], got[1]
			}
			md := g.metadata(album, year, 0, dir, false)
			md.Overview = ""
			if err := g.st.Metadata.SetMetadata(ctx, albumID, md); err != nil {
				return err
			}
		}
		if a%2 == 0 {
			md := g.metadata(artist, 0, 0, filepath.Join(lib.Paths[0], artist), false)
			if err := g.st.Metadata.SetMetadata(ctx, artistID, md); err != nil {
				return err
			}
		}
	}
	return nil
}

// userData gives the admin resume points on some movies (stopped at 20-70%) and the first
// episode of some series played, each at another time, so that resume and next up have rows.
func (g *generator) userData(ctx context.Context, admin core.UserID, movieIDs, firstEpisodes []core.ItemID) error {
	clock := g.now.Add(-30 * 24 * time.Hour)
	svc := core.NewUserData(g.st.UserData, g.st.Items, core.DefaultUserDataConfig, func() time.Time { return clock })
	c := core.Caller{UserID: admin, Admin: true, AllLibraries: true}
	for i := range ResumeMovies {
		id := movieIDs[g.rng.IntN(len(movieIDs))]
		it, err := g.st.Items.Item(ctx, id)
		if err != nil {
			return err
		}
		clock = clock.Add(time.Duration(1+i) * time.Hour)
		pos := time.Duration(float64(it.Runtime) * (0.2 + 0.5*g.rng.Float64()))
		if _, err := svc.Progress(ctx, c, id, pos, true); err != nil {
			return err
		}
	}
	for i := range WatchedSeries {
		at := g.now.Add(-time.Duration(WatchedSeries-i) * 7 * time.Hour)
		if _, err := svc.SetPlayed(ctx, c, firstEpisodes[i*len(firstEpisodes)/WatchedSeries], true, &at); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) item(lib core.Library, kind core.ItemKind, key, title string, at time.Time) core.Item {
	return core.Item{ID: core.ItemID(newID()), Kind: kind, Title: title, LibraryID: lib.ID, MatchKey: key,
		CreatedAt: at, UpdatedAt: at}
}

// apply records one file and its items, top first, as a scan does, and returns the items' ids.
func (g *generator) apply(ctx context.Context, lib core.Library, path string, info core.MediaInfo, at time.Time, chain ...core.Item) ([]core.ItemID, error) {
	info.Size = info.Bitrate / 8 * int64(info.Duration/time.Second)
	f := core.MediaFile{ID: core.FileID(newID()), LibraryID: lib.ID, Path: path, Size: info.Size, ModTime: at,
		HeadHash: fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64()), Info: info, CreatedAt: at, UpdatedAt: at}
	_, ids, err := g.st.Media.ApplyFile(ctx, core.FileUpdate{File: f, Items: chain})
	if err != nil {
		return nil, err
	}
	if len(ids) != len(chain) {
		return nil, errors.New("ApplyFile returned fewer ids than items")
	}
	for i, id := range ids {
		if id == chain[i].ID { // new; an existing one keeps its id
			g.items++
		}
	}
	return ids, nil
}

// metadata is what a provider match gives: overview, genres, ratings and pictures (paths next to
// the media, which do not exist: lists only need their tags).
func (g *generator) metadata(title string, year int, runtime time.Duration, dir string, backdrop bool) core.Metadata {
	m := core.Metadata{Title: title, Year: year, Runtime: runtime, Genres: g.genres(),
		Overview:       strings.TrimSpace(g.title(12+g.rng.IntN(20), 0) + "."),
		CommunityScore: float64(30+g.rng.IntN(60)) / 10, OfficialRating: ratings[g.rng.IntN(len(ratings))],
		ProviderIDs: map[string]string{"tmdb": fmt.Sprint(1 + g.rng.IntN(900_000))},
		Images:      []core.Image{{Kind: core.ImagePrimary, Path: filepath.Join(dir, "poster.jpg")}}}
	if backdrop {
		m.Images = append(m.Images, core.Image{Kind: core.ImageBackdrop, Path: filepath.Join(dir, "fanart.jpg")})
	}
	if year > 0 {
		m.Premiere = time.Date(year, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	return m
}

// videoInfo is what ffprobe reports for an H.264 1080p Matroska file with AAC stereo and English
// subtitles.
func videoInfo(d time.Duration, bitrate int64, w, h int) core.MediaInfo {
	return core.MediaInfo{Container: "matroska,webm", Duration: d, Bitrate: bitrate + 192_000,
		Streams: []core.Stream{
			{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Bitrate: bitrate, Width: w,
				Height: h, FrameRate: 24000.0 / 1001, BitDepth: 8, PixelFormat: "yuv420p", ColorSpace: "bt709",
				ColorTransfer: "bt709", ColorPrimaries: "bt709", Default: true},
			{Index: 1, Kind: core.StreamAudio, Codec: "aac", Profile: "LC", Bitrate: 192_000, Language: "eng",
				Channels: 2, ChannelLayout: "stereo", SampleRate: 48000, Default: true},
			{Index: 2, Kind: core.StreamSubtitle, Codec: "subrip", Language: "eng", Title: "English"},
		},
		Chapters: []core.Chapter{{Start: 0, End: d / 2, Title: "Chapter 1"}, {Start: d / 2, End: d, Title: "Chapter 2"}}}
}

// created spreads creation dates over the last two years, so "latest" has an order.
func (g *generator) created() time.Time {
	return g.now.Add(-time.Duration(g.rng.Int64N(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Second)
}

// title makes a title of n capitalised words, starting with "The" with probability the.
func (g *generator) title(n int, the float64) string {
	var b strings.Builder
	if g.rng.Float64() < the {
		b.WriteString("The ")
	}
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := words[g.rng.IntN(len(words))]
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func (g *generator) genres() []string {
	n := 1 + g.rng.IntN(3)
	out := make([]string, 0, n)
	for _, i := range g.rng.Perm(len(genres))[:n] {
		out = append(out, genres[i])
	}
	return out
}

// fold is the scanner's form of a title in match keys (core/scan foldTitle).
func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

var (
	genres  = []string{"Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western"}
	ratings = []string{"G", "PG", "PG-13", "R", "NC-17", "TV-14", "TV-MA"}
	words   = strings.Fields(`
		night day river stone glass winter summer shadow light fire water iron silver golden crimson
		black white silent broken hidden lost last first long short dark bright wild quiet storm rain
		snow wind sea ocean island mountain valley city road bridge tower castle garden forest desert
		star moon sun sky cloud thunder heart soul mind dream memory secret promise lie truth war peace
		king queen prince knight soldier stranger friend lover enemy ghost angel devil child mother
		father brother sister house home room door window mirror clock letter song dance game chase
		escape return journey voyage road mile hour minute year century empire kingdom republic
		machine engine signal echo wave spark ember ash dust smoke blood bone steel paper velvet
		electric atomic cosmic lunar solar northern southern eastern western distant final second
		seven twelve hundred thousand million red blue green orange violet scarlet amber emerald
		midnight morning evening dawn dusk harbor station village empire frontier border horizon
		labyrinth paradise inferno fortune destiny legacy revenge rescue hunter runner rider pilot
		doctor detective captain general professor witness prisoner outlaw sheriff bandit pirate`)
)
