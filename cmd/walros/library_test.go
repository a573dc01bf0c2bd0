package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// TestServeScansALibrary runs the server on the shared test library, with sidecars and broken
// files, and checks what a client sees through the native API, then copies a file in and waits
// for it to show up.
func TestServeScansALibrary(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	media := t.TempDir()
	if err := testmedia.GenerateAll(context.Background(), ff, testmedia.Library(media), 0); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(media, "movies", "Heat (1995)", "Heat (1995).nfo"), []byte(`<movie><title>Heat</title><genre>Crime</genre></movie>`))
	write(t, filepath.Join(media, "movies", "Heat (1995)", "Heat (1995).en.srt"), []byte("1\n00:00:00,500 --> 00:00:01,000\nHi\n"))
	write(t, filepath.Join(media, "movies", "Empty (2000)", "Empty (2000).mkv"), nil)

	cfg := testConfig(t)
	cfg.Demo, cfg.Admin.Password, cfg.FFmpeg = false, "correct-horse", ff.Bin
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct {
		name string
		typ  core.LibraryType
	}{{"movies", core.LibraryMovies}, {"shows", core.LibraryShows}, {"music", core.LibraryMusic}} {
		if _, err := a.libraries.Create(context.Background(), operator, core.NewLibrary{Name: l.name, Type: l.typ,
			Paths: []string{filepath.Join(media, l.name)}}); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, func(a, _ string) { addrc <- a }) }()
	base := "http://" + <-addrc
	var tok struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"correct-horse"}`, "", http.StatusOK, &tok)

	type item struct {
		ID, Type, Title   string
		Year, IndexNumber *int
		IndexEnd          *int
		ParentIndex       *int `json:"parentIndexNumber"`
		AbsoluteNumber    *int
		ExtraType         string
		ParentID          *string
	}
	list := func() []item {
		var page struct{ Items []item }
		get(t, base+"/api/v1/items?limit=1000&sort=index", tok.AccessToken, http.StatusOK, &page)
		return page.Items
	}
	describe := func(items []item) []string {
		var out []string
		for _, it := range items {
			s := it.Type + " " + it.Title
			if it.Year != nil {
				s += fmt.Sprintf(" (%d)", *it.Year)
			}
			if it.ParentIndex != nil {
				s += fmt.Sprintf(" s%d", *it.ParentIndex)
			}
			if it.IndexNumber != nil {
				s += fmt.Sprintf(" #%d", *it.IndexNumber)
			}
			if it.IndexEnd != nil {
				s += fmt.Sprintf("-%d", *it.IndexEnd)
			}
			if it.ExtraType != "" {
				s += " [" + it.ExtraType + "]"
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	want := []string{
		"album Signals (2021)", "artist The Testers", "episode Episode 1001 s1 #1001", "episode Episode 2 s1 #2-3",
		"episode Making Of s0 #1", "episode Secrets s1 #1", "movie Blade Runner (1982)", "movie Heat (1995)",
		"movie The Matrix (1999)", "season Season 1 #1", "season Season 1 #1", "season Specials #0", "series Dark (2017)",
		"series One Piece", "track First (2021) #1", "track Second (2021) #2", "video Heat Trailer [trailer]",
	}
	deadline := time.Now().Add(60 * time.Second)
	var got []string
	for {
		if got = describe(list()); slices.Equal(got, want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("items through the API:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Detail: versions, the NFO's genre, the external subtitle.
	var heat, br string
	for _, it := range list() {
		switch it.Title {
		case "Heat":
			heat = it.ID
		case "Blade Runner":
			br = it.ID
		}
	}
	var detail struct {
		Genres []string
		Files  []struct {
			Version string
			Streams []struct{ Type, Codec, Language, External string }
		}
	}
	get(t, base+"/api/v1/items/"+heat, tok.AccessToken, http.StatusOK, &detail)
	if !slices.Equal(detail.Genres, []string{"Crime"}) || len(detail.Files) != 1 ||
		!slices.ContainsFunc(detail.Files[0].Streams, func(s struct{ Type, Codec, Language, External string }) bool {
			return s.Type == "subtitle" && s.Codec == "subrip" && s.Language == "eng" && s.External != ""
		}) {
		t.Fatalf("Heat: %+v", detail)
	}
	get(t, base+"/api/v1/items/"+br, tok.AccessToken, http.StatusOK, &detail)
	if len(detail.Files) != 2 || detail.Files[0].Version != "1080p" || detail.Files[1].Version != "2160p" {
		t.Fatalf("Blade Runner's versions: %+v", detail.Files)
	}

	// A file copied in later becomes an item: the watcher sees it.
	heatFile, err := os.ReadFile(filepath.Join(media, "movies", "Heat (1995)", "Heat (1995).mkv"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	write(t, filepath.Join(media, "movies", "Ronin (1998)", "Ronin (1998).mkv"), append(heatFile, 0))
	for !slices.Contains(describe(list()), "movie Ronin (1998)") {
		if time.Since(start) > 30*time.Second {
			t.Fatal("a copied-in file never became an item")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("a file copied in was an item through the API %s later", time.Since(start).Round(time.Millisecond))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
