package plex

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden pins the main shapes, in XML and JSON: a movie's detail (Media, Part, Streams,
// Genres, credits, Guids), an episode in a list, and the sections.
func TestGolden(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	idx := func(n int) *int { return &n }
	section := core.Library{ID: "lib-1", Key: 1, Name: "Movies", Type: core.LibraryMovies, Paths: []string{"/media/movies"},
		CreatedAt: at, UpdatedAt: at}
	shows := core.Library{ID: "lib-2", Key: 2, Name: "TV & Anime", Type: core.LibraryShows, Paths: []string{"/media/tv", "/mnt/anime"},
		CreatedAt: at, UpdatedAt: at}
	file := core.MediaFile{ID: "f1", Key: 7, Path: "/media/movies/The Matrix (1999)/The Matrix (1999).mkv", Size: 123456789,
		UpdatedAt: at, Info: core.MediaInfo{Container: "matroska,webm", Duration: 136 * time.Minute, Bitrate: 8_000_000,
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 150, Width: 3840, Height: 1600, FrameRate: 23.976, BitDepth: 10, Default: true},
				{Index: 1, Kind: core.StreamAudio, Codec: "eac3", Language: "eng", Channels: 6, ChannelLayout: "5.1", SampleRate: 48000, Default: true},
				{Index: 2, Kind: core.StreamSubtitle, Codec: "subrip", Language: "fre", Forced: true},
			}}}
	movie := core.Item{ID: "m1", Key: 42, Kind: core.KindMovie, Title: "The Matrix", SortTitle: "matrix", Year: 1999,
		LibraryID: "lib-1", Runtime: 136 * time.Minute, CreatedAt: at, UpdatedAt: at}
	meta := core.Metadata{Overview: `Neo <learns> "the truth" & more`, Tagline: "Free your mind", OfficialRating: "R",
		CommunityScore: 8.7, Premiere: time.Date(1999, 3, 31, 0, 0, 0, 0, time.UTC), Genres: []string{"Action", "Science Fiction"},
		Studios: []string{"Warner Bros."}, Images: []core.Image{{Kind: core.ImagePrimary, Path: "/media/movies/The Matrix (1999)/poster.jpg"}},
		ProviderIDs: map[string]string{"imdb": "tt0133093", "tmdb": "603"},
		Credits:     []core.Credit{{Name: "Keanu Reeves", Kind: core.PersonActor, Role: "Neo"}, {Name: "Lana Wachowski", Kind: core.PersonDirector}}}
	viewed := at.Add(time.Hour)
	series := core.Item{ID: "s1", Key: 50, Kind: core.KindSeries, Title: "Dark", LibraryID: "lib-2", CreatedAt: at, UpdatedAt: at}
	season := core.Item{ID: "s1-1", Key: 51, Kind: core.KindSeason, Title: "Season 1", IndexNumber: idx(1), ParentID: "s1", LibraryID: "lib-2", CreatedAt: at, UpdatedAt: at}
	episode := core.Item{ID: "e1", Key: 52, Kind: core.KindEpisode, Title: "Secrets", IndexNumber: idx(1), ParentIndex: idx(1),
		ParentID: "s1-1", LibraryID: "lib-2", AirDate: "2017-12-01", Runtime: 51 * time.Minute, CreatedAt: at, UpdatedAt: at}
	epFile := core.MediaFile{ID: "f2", Key: 8, Path: "/media/tv/Dark/Season 1/Dark S01E01.mp4", Size: 99, UpdatedAt: at,
		Info: core.MediaInfo{Container: "mov,mp4,m4a,3gp,3g2,mj2", Duration: 51 * time.Minute}}

	cases := []struct {
		name string
		mc   *node
	}{
		{"movie_detail", mediaContainer().set("size", 1).set("librarySectionID", 1).add(itemNode(movie, itemView{meta: meta, hasMeta: true,
			files: []core.MediaFile{file}, section: section, detail: true,
			data: &core.UserData{Position: 20 * time.Minute, PlayCount: 2, LastPlayedAt: &viewed}}))},
		{"episode_list", mediaContainer().set("size", 1).set("totalSize", 1).set("offset", 0).add(itemNode(episode, itemView{
			files: []core.MediaFile{epFile}, section: shows, parent: &season, grand: &series}))},
		{"sections", mediaContainer().set("size", 2).set("allowSync", false).set("title1", "Plex Library").add(sectionNode(section), sectionNode(shows))},
	}
	for _, tc := range cases {
		for _, asJSON := range []bool{false, true} {
			ext := ".xml"
			if asJSON {
				ext = ".json"
			}
			got := render(tc.mc, asJSON)
			if asJSON { // valid JSON, indented for review
				var buf bytes.Buffer
				if err := json.Indent(&buf, got, "", "  "); err != nil {
					t.Fatalf("%s: invalid JSON: %v: %s", tc.name, err, got)
				}
				got = append(buf.Bytes(), '\n')
			} else if err := xml.Unmarshal(got, new(struct{})); err != nil {
				t.Fatalf("%s: invalid XML: %v: %s", tc.name, err, got)
			}
			if strings.Contains(string(got), "_children") {
				t.Fatalf("%s%s holds _children", tc.name, ext)
			}
			path := filepath.Join("testdata", "golden", tc.name+ext)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update after checking):\n%s", tc.name+ext, path, got)
			}
		}
	}
}

// TestRenderEscapes checks hostile text in both formats: XML special characters, controls,
// invalid UTF-8 and JSON escapes.
func TestRenderEscapes(t *testing.T) {
	hostile := "a&b<c>\"d'\x01\x7f\n\r\t\xff\u2028end"
	mc := mediaContainer().set("title", hostile).add(newNode("Directory").set("x", hostile))
	var x struct {
		Title string `xml:"title,attr"`
	}
	if err := xml.Unmarshal(render(mc, false), &x); err != nil {
		t.Fatalf("XML: %v: %s", err, render(mc, false))
	}
	if !strings.HasPrefix(x.Title, "a&b<c>\"d'") || !strings.HasSuffix(x.Title, "end") {
		t.Errorf("XML title %q", x.Title)
	}
	var j struct{ MediaContainer struct{ Title string } }
	if err := json.Unmarshal(render(mc, true), &j); err != nil {
		t.Fatalf("JSON: %v: %s", err, render(mc, true))
	}
	if j.MediaContainer.Title != "a&b<c>\"d'\x01\x7f\n\r\t\ufffd\u2028end" {
		t.Errorf("JSON title %q", j.MediaContainer.Title)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("title", "x&y", int64(3))
	f.Fuzz(func(t *testing.T, name, value string, n int64) {
		mc := mediaContainer().set("title", value).set("n", n).add(item("Video").set("title", value).set("ok", n%2 == 0))
		if err := json.Unmarshal(render(mc, true), new(any)); err != nil {
			t.Fatalf("invalid JSON for %q: %v", value, err)
		}
		if err := xml.Unmarshal(render(mc, false), new(struct{})); err != nil {
			t.Fatalf("invalid XML for %q: %v", value, err)
		}
	})
}
