package scan_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/store"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
	"github.com/walros/walros/transcoder/testmedia"
)

// The fixture library: tiny real media files, generated once per test run and copied per test.
var fixture = struct {
	once sync.Once
	dir  string
	err  error
}{}

// library copies the fixture into a new folder and returns it.
func library(t *testing.T) string {
	t.Helper()
	ff := ffmpegtest.RequireFFmpeg(t)
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "walros-scan-fixture-")
		if fixture.err == nil {
			fixture.err = testmedia.GenerateAll(context.Background(), ff, testmedia.Library(fixture.dir), 0)
		}
	})
	if fixture.err != nil {
		t.Fatalf("generate fixture: %v", fixture.err)
	}
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(fixture.dir)); err != nil {
		t.Fatal(err)
	}
	// Broken files, which must be recorded as failed without stopping the scan.
	write(t, filepath.Join(dst, "movies", "Empty (2000)", "Empty (2000).mkv"), nil)
	write(t, filepath.Join(dst, "movies", "Notes (2001).mp4"), []byte("not a video, just text\n"))
	heat, err := os.ReadFile(filepath.Join(dst, "movies", "Heat (1995)", "Heat (1995).mkv"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dst, "movies", "Cut (2002)", "Cut (2002).mkv"), heat[:len(heat)/20])
	return dst
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type env struct {
	t      *testing.T
	st     store.Stores
	s      *scan.Scanner
	admin  core.Caller
	libs   map[string]core.Library
	items  *core.Items
	ctx    context.Context
	grace  time.Duration
	prober *probe.Prober
}

func newEnv(t *testing.T, root string, grace time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, st: db.Stores(), admin: core.Caller{Admin: true}, libs: map[string]core.Library{}, ctx: ctx, grace: grace}
	e.items = core.NewItems(e.st.Items, e.st.Media, e.st.Metadata)
	ff := ffmpegtest.RequireFFprobe(t)
	e.prober = probe.New(ffmpeg.Runner{Bin: ff.Bin}, probe.Options{Parallel: 2})
	e.s = scan.New(e.st.Media, e.st.Libraries, e.prober, scan.Options{Parallel: 2, DeleteGrace: grace, Metadata: e.st.Metadata,
		NewID: func() string { return uuid.Must(uuid.NewV7()).String() }})
	t.Cleanup(e.s.Close)
	libs := core.NewLibraries(e.st.Libraries, time.Now, func() string { return uuid.Must(uuid.NewV7()).String() })
	for _, l := range []struct {
		name string
		typ  core.LibraryType
	}{{"movies", core.LibraryMovies}, {"shows", core.LibraryShows}, {"music", core.LibraryMusic}} {
		lib, err := libs.Create(ctx, e.admin, core.NewLibrary{Name: l.name, Type: l.typ, Paths: []string{filepath.Join(root, l.name)}})
		if err != nil {
			t.Fatal(err)
		}
		e.libs[l.name] = lib
	}
	return e
}

func (e *env) scan(name string) scan.Progress {
	e.t.Helper()
	lib, err := e.st.Libraries.Library(e.ctx, e.libs[name].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.s.Scan(e.ctx, lib, 0, nil)
	if err != nil {
		e.t.Fatalf("scan %s: %v", name, err)
	}
	return p
}

// tree renders a library's items as indented lines: "movie Heat (1995)", "  video Heat Trailer [trailer]".
func (e *env) tree(name string) string {
	e.t.Helper()
	items, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs[name].ID, Limit: core.MaxPage})
	if err != nil {
		e.t.Fatal(err)
	}
	children := map[core.ItemID][]core.Item{}
	for _, it := range items {
		children[it.ParentID] = append(children[it.ParentID], it)
	}
	var b strings.Builder
	var walk func(parent core.ItemID, depth int)
	walk = func(parent core.ItemID, depth int) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool { return kids[i].SortTitle < kids[j].SortTitle })
		for _, it := range kids {
			fmt.Fprintf(&b, "%s%s %s", strings.Repeat("  ", depth), it.Kind, it.Title)
			if it.Year > 0 {
				fmt.Fprintf(&b, " (%d)", it.Year)
			}
			if it.IndexNumber != nil {
				fmt.Fprintf(&b, " #%d", *it.IndexNumber)
			}
			if it.IndexEnd != nil {
				fmt.Fprintf(&b, "-%d", *it.IndexEnd)
			}
			if it.Absolute != nil {
				fmt.Fprintf(&b, " abs%d", *it.Absolute)
			}
			if it.ExtraType != "" {
				fmt.Fprintf(&b, " [%s]", it.ExtraType)
			}
			files, err := e.items.Files(e.ctx, e.admin, it.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			if len(files) > 1 {
				var versions []string
				for _, f := range files {
					versions = append(versions, f.Version)
				}
				fmt.Fprintf(&b, " versions=%s", strings.Join(versions, "|"))
			}
			b.WriteString("\n")
			walk(it.ID, depth+1)
		}
	}
	walk("", 0)
	return b.String()
}

func TestScanIdentifiesTheLibrary(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, time.Hour)
	p := e.scan("movies")
	if p.Found != 8 || p.Probed != 8 || p.Failed != 3 {
		t.Errorf("movies: found %d, probed %d, failed %d; want 8, 8, 3", p.Found, p.Probed, p.Failed)
	}
	want := map[string]string{
		"movies": `movie Blade Runner (1982) versions=1080p|2160p
movie Heat (1995)
  video Heat Trailer [trailer]
movie The Matrix (1999)
`,
		"shows": `series Dark (2017)
  season Specials #0
    episode Making Of #1
  season Season 1 #1
    episode Secrets #1
    episode Episode 2 #2-3
series One Piece
  season Season 1 #1
    episode Episode 1001 #1001 abs1001
`,
		"music": `artist The Testers
  album Signals (2021)
    track First (2021) #1
    track Second (2021) #2
`,
	}
	e.scan("shows")
	e.scan("music")
	for name, w := range want {
		if got := e.tree(name); got != w {
			t.Errorf("%s library:\n%s\nwant:\n%s", name, got, w)
		}
	}
	files, err := e.st.Media.LibraryFiles(e.ctx, e.libs["movies"].ID)
	if err != nil {
		t.Fatal(err)
	}
	var broken []string
	for _, f := range files {
		if f.ProbeError != "" {
			broken = append(broken, filepath.Base(f.Path))
			if f.ItemID != "" {
				t.Errorf("broken file %s has an item", f.Path)
			}
		}
	}
	slices.Sort(broken)
	if !slices.Equal(broken, []string{"Cut (2002).mkv", "Empty (2000).mkv", "Notes (2001).mp4"}) {
		t.Errorf("broken files: %v", broken)
	}
}

func TestRescanIsIncremental(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, 0)
	e.scan("shows")
	before := e.tree("shows")
	ids := itemIDs(t, e, "shows")

	// Nothing changed: nothing is probed again.
	if p := e.scan("shows"); p.Unchanged != p.Found || p.Probed != 0 {
		t.Fatalf("unchanged rescan: %+v", p)
	}
	// A renamed file keeps its item; a new one appears; a deleted one goes, with its empty season.
	dark := filepath.Join(root, "shows", "Dark (2017)")
	must(t, os.Rename(filepath.Join(dark, "Season 01", "Dark - S01E01 - Secrets.mkv"),
		filepath.Join(dark, "Season 01", "Dark - S01E01 - Secrets (renamed).mkv")))
	must(t, os.RemoveAll(filepath.Join(dark, "Season 00")))
	copyFile(t, filepath.Join(dark, "Season 01", "Dark - S01E02E03.mkv"), filepath.Join(dark, "Season 02", "Dark - S02E01.mkv"))
	p := e.scan("shows")
	if p.Moved != 1 || p.Probed != 1 || p.Missing != 1 || p.Removed != 1 {
		t.Fatalf("after changes: moved %d, probed %d, missing %d, removed %d", p.Moved, p.Probed, p.Missing, p.Removed)
	}
	after := itemIDs(t, e, "shows")
	if after["episode Secrets"] != ids["episode Secrets"] || after["series Dark"] != ids["series Dark"] {
		t.Fatalf("the moved episode or its series changed id: %v -> %v", ids, after)
	}
	if _, ok := after["season Specials"]; ok {
		t.Fatalf("an empty season stayed:\n%s", e.tree("shows"))
	}
	if _, ok := after["episode Episode 1"]; !ok {
		t.Fatalf("the new episode is missing:\n%s\nbefore:\n%s", e.tree("shows"), before)
	}
}

func TestVanishedFilesWaitForTheGracePeriod(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, time.Hour)
	e.scan("music")
	must(t, os.Remove(filepath.Join(root, "music", "The Testers", "Signals (2021)", "02 - Second.mp3")))
	if p := e.scan("music"); p.Missing != 1 || p.Removed != 0 {
		t.Fatalf("within the grace period: missing %d, removed %d", p.Missing, p.Removed)
	}
	if !strings.Contains(e.tree("music"), "Second") {
		t.Fatal("the track went before its grace period")
	}
}

func TestUnreachableRootDeletesNothing(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, 0)
	e.scan("movies")
	before := e.tree("movies")
	// Unmounted: the folder is there but empty, as a mount point is.
	moved := root + "-elsewhere"
	must(t, os.Rename(filepath.Join(root, "movies"), moved))
	must(t, os.Mkdir(filepath.Join(root, "movies"), 0o755))
	p := e.scan("movies")
	if len(p.Offline) != 1 || p.Removed != 0 {
		t.Fatalf("unmounted: offline %v, removed %d", p.Offline, p.Removed)
	}
	lib, _ := e.st.Libraries.Library(e.ctx, e.libs["movies"].ID)
	if lib.OfflineSince == nil {
		t.Fatal("library not marked offline")
	}
	if got := e.tree("movies"); got != before {
		t.Fatalf("items changed while offline:\n%s", got)
	}
	// Gone entirely: the same.
	must(t, os.Remove(filepath.Join(root, "movies")))
	if p := e.scan("movies"); len(p.Offline) != 1 || p.Removed != 0 {
		t.Fatalf("missing root: offline %v, removed %d", p.Offline, p.Removed)
	}
	// Back: online again, and nothing to probe.
	must(t, os.Rename(moved, filepath.Join(root, "movies")))
	p = e.scan("movies")
	lib, _ = e.st.Libraries.Library(e.ctx, e.libs["movies"].ID)
	if len(p.Offline) != 0 || lib.OfflineSince != nil || p.Probed != 0 {
		t.Fatalf("back online: %+v, offline since %v", p, lib.OfflineSince)
	}
}

func TestScanStaysInsideTheLibrary(t *testing.T) {
	root := library(t)
	outside := t.TempDir()
	copyFile(t, filepath.Join(root, "movies", "Heat (1995)", "Heat (1995).mkv"), filepath.Join(outside, "Secret (2020).mkv"))
	must(t, os.Symlink(filepath.Join(outside, "Secret (2020).mkv"), filepath.Join(root, "movies", "Secret (2020).mkv")))
	must(t, os.Symlink(outside, filepath.Join(root, "movies", "Linked Folder")))
	must(t, os.Symlink(filepath.Join(root, "movies", "Heat (1995)", "Heat (1995).mkv"), filepath.Join(root, "movies", "Heat Again (1995).mkv")))
	e := newEnv(t, root, 0)
	e.scan("movies")
	tree := e.tree("movies")
	if strings.Contains(tree, "Secret") {
		t.Fatalf("a file outside the library was scanned:\n%s", tree)
	}
	if !strings.Contains(tree, "Heat Again") {
		t.Fatalf("a symlink within the library was not followed:\n%s", tree)
	}
}

func TestOnlyAdminsScan(t *testing.T) {
	e := newEnv(t, t.TempDir(), 0)
	user := core.Caller{UserID: "u", AllLibraries: true}
	if _, err := e.s.Start(e.ctx, user, e.libs["movies"].ID); err == nil {
		t.Fatal("a user started a scan")
	}
	if _, err := e.s.Status(user, e.libs["movies"].ID); err == nil {
		t.Fatal("a user read a scan's status")
	}
	if _, err := e.s.Status(e.admin, e.libs["movies"].ID); err == nil {
		t.Fatal("status of a library never scanned")
	}
}

func itemIDs(t *testing.T, e *env, name string) map[string]core.ItemID {
	t.Helper()
	items, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs[name].ID, Limit: core.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]core.ItemID{}
	for _, it := range items {
		out[string(it.Kind)+" "+it.Title] = it.ID
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, 0) // not the same content: a copy, not a move
	write(t, to, b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestWatchPicksUpNewFiles copies files into a watched library, into an existing folder and into a
// new one, and waits for their items: the 2-second target is measured, not asserted, because CI
// machines are noisy; the test fails only if the item never comes.
func TestWatchPicksUpNewFiles(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, 0)
	e.scan("movies")
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- e.s.Watch(ctx, scan.WatchOptions{Debounce: 200 * time.Millisecond}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(300 * time.Millisecond) // let the watches be set up
	heat := filepath.Join(root, "movies", "Heat (1995)", "Heat (1995).mkv")
	for _, tc := range []struct{ path, title string }{
		{filepath.Join(root, "movies", "Heat (1995)", "Heat (1995) - Director's Cut.mkv"), ""},
		{filepath.Join(root, "movies", "Ronin (1998)", "Ronin (1998).mkv"), "Ronin"},
	} {
		start := time.Now()
		copyFile(t, heat, tc.path)
		for {
			files, err := e.st.Media.LibraryFiles(e.ctx, e.libs["movies"].ID)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(files, func(f core.MediaFile) bool { return f.Path == tc.path && f.ItemID != "" }) {
				break
			}
			if time.Since(start) > 20*time.Second {
				t.Fatalf("%s never became an item:\n%s", tc.path, e.tree("movies"))
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("%s: an item %s after it was written", filepath.Base(tc.path), time.Since(start).Round(time.Millisecond))
		if tc.title != "" && !strings.Contains(e.tree("movies"), tc.title) {
			t.Fatalf("no %s in:\n%s", tc.title, e.tree("movies"))
		}
	}
}

// TestSidecars puts NFOs, artwork and subtitles next to the media, as Kodi, Jellyfin and
// tinyMediaManager leave them, plus a broken NFO, and checks what the scan makes of them.
func TestSidecars(t *testing.T) {
	root := library(t)
	heat := filepath.Join(root, "movies", "Heat (1995)")
	write(t, filepath.Join(heat, "Heat (1995).nfo"), []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<movie>
  <title>Heat</title>
  <plot>A group of professional bank robbers...</plot>
  <genre>Crime</genre><genre>Thriller</genre>
  <uniqueid type="tmdb" default="true">949</uniqueid><uniqueid type="imdb">tt0113277</uniqueid>
  <actor><name>Al Pacino</name><role>Vincent Hanna</role><order>0</order></actor>
  <director>Michael Mann</director>
</movie>`))
	write(t, filepath.Join(heat, "poster.jpg"), []byte("jpeg"))
	write(t, filepath.Join(heat, "fanart.jpg"), []byte("jpeg"))
	write(t, filepath.Join(heat, "Heat (1995).en.forced.srt"), []byte("1\n00:00:01,000 --> 00:00:02,000\nHi\n"))
	write(t, filepath.Join(heat, "Heat (1995).fre.srt"), []byte("1\n00:00:01,000 --> 00:00:02,000\nSalut\n"))
	dark := filepath.Join(root, "shows", "Dark (2017)")
	write(t, filepath.Join(dark, "tvshow.nfo"), []byte(`<tvshow><title>Dark</title><genre>Mystery</genre><studio>Netflix</studio></tvshow>`))
	write(t, filepath.Join(dark, "season01-poster.jpg"), []byte("jpeg"))
	write(t, filepath.Join(root, "movies", "Blade Runner (1982)", "movie.nfo"), []byte("<movie><title>Blade Runner</title><genre>Sci-Fi</genre"))

	e := newEnv(t, root, 0)
	e.scan("movies")
	e.scan("shows")
	item := func(lib, kind, title string) core.Item {
		t.Helper()
		items, _, err := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs[lib].ID, Kinds: []core.ItemKind{core.ItemKind(kind)}, Text: title})
		if err != nil || len(items) == 0 {
			t.Fatalf("no %s %q: %v", kind, title, err)
		}
		return items[0]
	}
	movie := item("movies", "movie", "Heat")
	m, err := e.items.Metadata(e.ctx, e.admin, movie.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Overview == "" || !slices.Equal(m.Genres, []string{"Crime", "Thriller"}) || m.ProviderIDs["tmdb"] != "949" ||
		len(m.Credits) != 2 || m.Credits[0].Role != "Vincent Hanna" {
		t.Fatalf("Heat's metadata from its NFO: %+v", m)
	}
	kinds := map[core.ImageKind]int{}
	for _, im := range m.Images {
		kinds[im.Kind]++
	}
	if kinds[core.ImagePrimary] != 1 || kinds[core.ImageBackdrop] != 1 {
		t.Fatalf("Heat's images: %+v", m.Images)
	}
	files, _ := e.items.Files(e.ctx, e.admin, movie.ID)
	var subs []string
	for _, s := range files[0].Info.Streams {
		if s.External != "" {
			subs = append(subs, fmt.Sprintf("%s %s forced=%v", s.Codec, s.Language, s.Forced))
		}
	}
	slices.Sort(subs)
	if !slices.Equal(subs, []string{"subrip eng forced=true", "subrip fre forced=false"}) {
		t.Fatalf("external subtitles: %v", subs)
	}
	if m, _ := e.items.Metadata(e.ctx, e.admin, item("movies", "movie", "Blade Runner").ID); len(m.Genres) != 0 {
		t.Fatalf("a broken NFO gave genres: %v", m.Genres)
	}
	series := item("shows", "series", "Dark")
	if m, _ := e.items.Metadata(e.ctx, e.admin, series.ID); !slices.Equal(m.Studios, []string{"Netflix"}) {
		t.Fatalf("Dark's tvshow.nfo: %+v", m)
	}
	season := item("shows", "season", "Season 1")
	if m, _ := e.items.Metadata(e.ctx, e.admin, season.ID); len(m.Images) != 1 {
		t.Fatalf("season 1's poster: %+v", m.Images)
	}

	// An NFO edited later is read at the next scan, though the media did not change.
	time.Sleep(10 * time.Millisecond)
	write(t, filepath.Join(heat, "Heat (1995).nfo"), []byte(`<movie><title>Heat</title><genre>Drama</genre></movie>`))
	if p := e.scan("movies"); p.Probed == 0 {
		t.Fatal("a changed NFO was not noticed")
	}
	if m, _ := e.items.Metadata(e.ctx, e.admin, movie.ID); !slices.Equal(m.Genres, []string{"Drama"}) {
		t.Fatalf("genres after the NFO changed: %v", m.Genres)
	}
}

// fakeProvider answers lookups from a table, or fails: enough to test what the scan does with
// answers, which the providers' own packages test against recorded wire data.
type fakeProvider struct {
	answers map[string]core.Match
	err     error
	mu      sync.Mutex
	asked   []core.LookupQuery
}

func (p *fakeProvider) Name() string                  { return "fake" }
func (p *fakeProvider) Supports(k core.ItemKind) bool { return k != core.KindTrack }
func (p *fakeProvider) Lookup(_ context.Context, q core.LookupQuery) (core.Match, error) {
	p.mu.Lock()
	p.asked = append(p.asked, q)
	p.mu.Unlock()
	if p.err != nil {
		return core.Match{}, p.err
	}
	m, ok := p.answers[string(q.Kind)+" "+q.Title]
	if !ok {
		return core.Match{}, core.ErrNotFound
	}
	return m, nil
}

func TestEnrichment(t *testing.T) {
	root := library(t)
	e := newEnv(t, root, 0)
	p := &fakeProvider{answers: map[string]core.Match{
		"movie Heat":         {Score: 0.97, Metadata: core.Metadata{Overview: "Hanna hunts McCauley.", ProviderIDs: map[string]string{"tmdb": "949"}, Genres: []string{"Crime"}}},
		"movie Blade Runner": {Ambiguous: true, Score: 0.8, Metadata: core.Metadata{Title: "Blade Runner 2049"}},
		"series Dark":        {Score: 1, Metadata: core.Metadata{Overview: "Time travel in Winden.", ProviderIDs: map[string]string{"tmdb": "70523"}}},
	}}
	e.s = scan.New(e.st.Media, e.st.Libraries, e.prober, scan.Options{Parallel: 2, Metadata: e.st.Metadata, Providers: []core.Provider{p},
		Items: e.st.Items,
		NewID: func() string { return uuid.Must(uuid.NewV7()).String() }})
	t.Cleanup(e.s.Close)
	e.scan("movies")
	e.scan("shows")
	find := func(lib string, kind core.ItemKind, title string) core.Item {
		items, _, _ := e.items.List(e.ctx, e.admin, core.ItemQuery{Library: e.libs[lib].ID, Kinds: []core.ItemKind{kind}, Text: title})
		if len(items) == 0 {
			t.Fatalf("no %s %s", kind, title)
		}
		return items[0]
	}
	heat, _ := e.items.Metadata(e.ctx, e.admin, find("movies", core.KindMovie, "Heat").ID)
	if heat.Overview == "" || heat.ProviderIDs["tmdb"] != "949" {
		t.Fatalf("Heat not enriched: %+v", heat)
	}
	br := find("movies", core.KindMovie, "Blade Runner")
	if br.Review == "" || br.Title != "Blade Runner" {
		t.Fatalf("an ambiguous match was applied or not flagged: %+v", br)
	}
	// An admin settles the ambiguous one by id: the provider's answer is applied and the flag cleared.
	p.answers["movie Blade Runner"] = core.Match{Score: 1, Metadata: core.Metadata{Overview: "Deckard.", ProviderIDs: map[string]string{"tmdb": "78"}}}
	if _, err := e.s.Identify(e.ctx, core.Caller{UserID: "u"}, br.ID, map[string]string{"tmdb": "78"}); err == nil {
		t.Fatal("a user identified an item")
	}
	m, err := e.s.Identify(e.ctx, e.admin, br.ID, map[string]string{"tmdb": "78"})
	if err != nil || m.Overview != "Deckard." {
		t.Fatalf("identify: %+v, %v", m, err)
	}
	if br = find("movies", core.KindMovie, "Blade Runner"); br.Review != "" || br.ProviderIDs["tmdb"] != "78" {
		t.Fatalf("after identify: %+v", br)
	}
	// Episodes are asked with their series' ids, found first.
	var sawEpisode bool
	for _, q := range p.asked {
		if q.Kind == core.KindEpisode && q.SeriesProviderIDs["tmdb"] == "70523" && q.SeriesTitle == "Dark" {
			sawEpisode = true
		}
	}
	if !sawEpisode {
		t.Fatalf("no episode lookup carried the series' id: %+v", p.asked)
	}
	// Albums are asked with their artist, as music providers need.
	e.scan("music")
	var sawAlbum bool
	for _, q := range p.asked {
		sawAlbum = sawAlbum || q.Kind == core.KindAlbum && q.Title == "Signals" && q.SeriesTitle == "The Testers"
	}
	if !sawAlbum {
		t.Fatalf("no album lookup carried its artist: %+v", p.asked)
	}
	// A rescan with nothing new asks nothing; a failing provider never fails a scan.
	p.mu.Lock()
	p.asked, p.err = nil, errors.New("tmdb: 503 Service Unavailable")
	p.mu.Unlock()
	e.scan("movies")
	if len(p.asked) != 0 {
		t.Fatalf("an unchanged rescan asked the provider %d times", len(p.asked))
	}
	copyFile(t, filepath.Join(root, "movies", "Heat (1995)", "Heat (1995).mkv"), filepath.Join(root, "movies", "Ronin (1998)", "Ronin (1998).mkv"))
	if p := e.scan("movies"); p.Err != "" {
		t.Fatalf("a failing provider failed the scan: %s", p.Err)
	}
}
