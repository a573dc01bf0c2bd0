package nfo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/nfo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestParseFixtures parses the files of testdata and compares the results with the golden JSON
// beside each (name.json for name.nfo), where empty fields are left out.
func TestParseFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		kind nfo.Kind
		err  string // a substring of the error; "" when the file parses
	}{
		{"movie-full.nfo", nfo.KindMovie, ""},
		{"movie-old.nfo", nfo.KindMovie, ""},
		{"movie-legacy.nfo", nfo.KindMovie, ""},
		{"tvshow.nfo", nfo.KindShow, ""},
		{"season.nfo", nfo.KindSeason, ""},
		{"episode.nfo", nfo.KindEpisode, ""},
		{"multi-episode.nfo", nfo.KindEpisode, ""},
		{"artist.nfo", nfo.KindArtist, ""},
		{"album.nfo", nfo.KindAlbum, ""},
		{"latin1.nfo", nfo.KindMovie, ""},
		{"cp1252-undeclared.nfo", nfo.KindMovie, ""},
		{"bom.nfo", nfo.KindMovie, ""},
		{"utf16.nfo", nfo.KindMovie, ""},
		{"nbsp.nfo", nfo.KindMovie, ""},
		{"trailing-url.nfo", nfo.KindMovie, ""},
		{"url-imdb.nfo", "", ""},
		{"url-tmdb.nfo", nfo.KindMovie, ""},
		{"url-tmdb-tv.nfo", nfo.KindShow, ""},
		{"scene.nfo", "", ""},
		{"truncated.nfo", nfo.KindMovie, ""},
		{"truncated-early.nfo", "", "not an NFO file: broken XML"},
		{"garbage.nfo", "", "not an NFO file: no XML root"},
		{"empty.nfo", "", "not an NFO file: empty"},
		{"text.nfo", "", "not an NFO file: no XML root"},
		{"html.nfo", "", "not an NFO file: unexpected root element <html>"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			m, kind, err := nfo.Parse(bytes.NewReader(data))
			if tc.err != "" {
				if !errors.Is(err, core.ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrInvalid with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kind != tc.kind {
				t.Errorf("kind = %q, want %q", kind, tc.kind)
			}
			golden(t, strings.TrimSuffix(tc.file, ".nfo")+".json", m)
		})
	}
}

// golden compares m with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, m core.Metadata) {
	t.Helper()
	got := compact(t, m)
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("metadata differs from %s:\ngot:\n%s", path, got)
	}
}

// compact renders m as indented JSON without its empty fields, with readable dates and durations.
func compact(t *testing.T, m core.Metadata) []byte {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if v == nil || (v == "" || v == 0.0 || v == false) && k != "Season" && k != "Episode" {
			delete(fields, k)
		}
	}
	delete(fields, "Premiere")
	if !m.Premiere.IsZero() {
		fields["Premiere"] = m.Premiere.Format(time.DateOnly)
	}
	if m.Runtime != 0 {
		fields["Runtime"] = m.Runtime.String()
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // "Tom & Jerry", not "Tom \u0026 Jerry"
	enc.SetIndent("", "  ")
	if err := enc.Encode(fields); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func ptr(n int) *int { return &n }

// TestParseValues pins how single elements are read, one rule per case.
func TestParseValues(t *testing.T) {
	movie := func(body string) string { return "<movie>" + body + "</movie>" }
	for _, tc := range []struct {
		name string
		in   string
		kind nfo.Kind
		want core.Metadata
	}{
		{"default rating wins", movie(`<rating>7</rating><ratings><rating name="imdb"><value>8.7</value></rating>` +
			`<rating name="themoviedb" default="true"><value>8.2</value></rating></ratings>`),
			nfo.KindMovie, core.Metadata{CommunityScore: 8.2}},
		{"plain rating before a non-default one", movie(`<ratings><rating name="imdb"><value>8.7</value></rating></ratings><rating>7.5</rating>`),
			nfo.KindMovie, core.Metadata{CommunityScore: 7.5}},
		{"rating scaled by max", movie(`<ratings><rating name="trakt" max="5"><value>4</value></rating></ratings>`),
			nfo.KindMovie, core.Metadata{CommunityScore: 8}},
		{"rating above its max", movie(`<ratings><rating name="trakt" max="5"><value>8</value></rating></ratings>`),
			nfo.KindMovie, core.Metadata{}},
		{"zero is unrated", movie(`<rating>0.0</rating><criticrating>0</criticrating>`), nfo.KindMovie, core.Metadata{}},
		{"decimal comma", movie(`<rating> 7,9 </rating>`), nfo.KindMovie, core.Metadata{CommunityScore: 7.9}},
		{"rating without value element", movie(`<ratings><rating name="imdb" default="true">6.1</rating></ratings>`),
			nfo.KindMovie, core.Metadata{CommunityScore: 6.1}},
		{"tomatometer is the critic score", movie(`<ratings><rating name="tomatometerallcritics" max="100"><value>88</value></rating>` +
			`<rating name="tomatometerallaudience" max="100"><value>85</value></rating></ratings>`),
			nfo.KindMovie, core.Metadata{CriticScore: 88}},
		{"criticrating wins", movie(`<ratings><rating name="metacritic" max="100"><value>70</value></rating></ratings><criticrating>91</criticrating>`),
			nfo.KindMovie, core.Metadata{CriticScore: 91}},
		{"rated prefix", movie(`<mpaa>Rated PG-13 for intense action</mpaa>`), nfo.KindMovie, core.Metadata{OfficialRating: "PG-13"}},
		{"country prefix", movie(`<mpaa>DE:FSK 12</mpaa>`), nfo.KindMovie, core.Metadata{OfficialRating: "FSK 12"}},
		{"tinyMediaManager certification", movie(`<mpaa/><certification>US:PG-13 / US:PG13</certification>`),
			nfo.KindMovie, core.Metadata{OfficialRating: "PG-13"}},
		{"bad numbers", movie(`<year>abc</year><year>99</year><runtime>-5</runtime><runtime>0</runtime><rating>great</rating>`),
			nfo.KindMovie, core.Metadata{}},
		{"first valid value wins", movie(`<year>n/a</year><year>2001</year><year>2002</year>`), nfo.KindMovie, core.Metadata{Year: 2001}},
		{"year from the date", movie(`<premiered>2001-02-30</premiered><aired>2001-03-12 00:00:00</aired>`),
			nfo.KindMovie, core.Metadata{Year: 2001, Premiere: time.Date(2001, 3, 12, 0, 0, 0, 0, time.UTC)}},
		{"set with collection id", movie(`<set tmdbcolid="2344">The Matrix Collection</set>`),
			nfo.KindMovie, core.Metadata{Collection: "The Matrix Collection", ProviderIDs: map[string]string{"tmdbcollection": "2344"}}},
		{"uniqueid wins over legacy ids", movie(`<tmdbid>1</tmdbid><imdbid>tt0133093</imdbid><uniqueid type="TheMovieDb">0603</uniqueid>`),
			nfo.KindMovie, core.Metadata{ProviderIDs: map[string]string{"tmdb": "603", "imdb": "tt0133093"}}},
		{"invalid ids", movie(`<uniqueid type="imdb">603</uniqueid><uniqueid type="unknown">x</uniqueid><uniqueid type="tvdb">abc</uniqueid>` +
			`<uniqueid type="tmdb">0</uniqueid><uniqueid type="bad key!">1</uniqueid><uniqueid>2</uniqueid><id>12345</id>`),
			nfo.KindMovie, core.Metadata{}},
		{"numeric id of a show is tvdb", `<tvshow><id>81189</id></tvshow>`, nfo.KindShow,
			core.Metadata{ProviderIDs: map[string]string{"tvdb": "81189"}}},
		{"thumbs", movie(`<thumb>poster.jpg</thumb><thumb aspect="characterart">https://x/c.png</thumb><thumb>nfs://nas/p.jpg</thumb>` +
			`<thumb aspect="banner" preview="https://x/b.jpg"></thumb><thumb aspect="poster">file:///C:/Movies/folder.jpg</thumb>`),
			nfo.KindMovie, core.Metadata{Images: []core.Image{{Kind: core.ImagePrimary, Path: "poster.jpg"},
				{Kind: core.ImageBanner, URL: "https://x/b.jpg"}, {Kind: core.ImagePrimary, Path: "C:/Movies/folder.jpg"}}}},
		{"episode numbers", `<episodedetails><season>0</season><episode>-1</episode><episode>3</episode></episodedetails>`,
			nfo.KindEpisode, core.Metadata{Season: ptr(0), Episode: ptr(3)}},
		{"show counts are not numbers", `<tvshow><season>5</season><episode>62</episode></tvshow>`, nfo.KindShow, core.Metadata{}},
		{"lockdata", movie(`<lockdata> TRUE </lockdata>`), nfo.KindMovie, core.Metadata{Locked: true}},
		{"actors", movie(`<actor><name>A</name></actor><actor><name>B</name><type>Guest Star</type><order>7</order></actor><actor>C</actor>`),
			nfo.KindMovie, core.Metadata{Credits: []core.Credit{{Name: "A", Kind: core.PersonActor},
				{Name: "B", Kind: core.PersonGuestStar, Order: 7}, {Name: "C", Kind: core.PersonActor, Order: 2}}}},
		{"people lists", movie(`<director>A / B</director><writer>C</writer><composer>D</composer>`),
			nfo.KindMovie, core.Metadata{Credits: []core.Credit{{Name: "A", Kind: core.PersonDirector},
				{Name: "B", Kind: core.PersonDirector}, {Name: "C", Kind: core.PersonWriter}, {Name: "D", Kind: core.PersonComposer}}}},
		{"control characters", movie("<plot>A\x0bB\x00C</plot>"), nfo.KindMovie, core.Metadata{Overview: "A B C"}},
		{"html in a plot", movie(`<plot>One<br>Two <b>bold</b></plot>`), nfo.KindMovie, core.Metadata{Overview: "One\nTwo bold"}},
		{"root in capitals", `<Movie><Title>X</Title></Movie>`, nfo.KindMovie, core.Metadata{Title: "X"}},
		{"music video", `<musicvideo><title>Around the World</title><artist>Daft Punk</artist></musicvideo>`,
			nfo.KindMusicVideo, core.Metadata{Title: "Around the World"}},
		{"empty root", `<movie/>`, nfo.KindMovie, core.Metadata{}},
		{"latin-9", "<?xml version='1.0' encoding='ISO-8859-15'?><movie><title>\xa4 \xbd</title></movie>",
			nfo.KindMovie, core.Metadata{Title: "€ œ"}},
		{"utf-16 big endian without a BOM", "\x00<\x00m\x00o\x00v\x00i\x00e\x00>\x00<\x00t\x00i\x00t\x00l\x00e\x00>\x00X" +
			"\x00<\x00/\x00t\x00i\x00t\x00l\x00e\x00>\x00<\x00/\x00m\x00o\x00v\x00i\x00e\x00>", nfo.KindMovie, core.Metadata{Title: "X"}},
		{"elements named like HTML void elements", movie(`<link>x</link><meta>y</meta><title>T</title>`),
			nfo.KindMovie, core.Metadata{Title: "T"}},
		{"Kodi 20 episodeguide", `<tvshow><episodeguide>{"themoviedb": 1396, "tmdb": "1", "IMDB": "tt0903747"}</episodeguide></tvshow>`,
			nfo.KindShow, core.Metadata{ProviderIDs: map[string]string{"tmdb": "1396", "imdb": "tt0903747"}}},
		{"Kodi 19 episodeguide", `<tvshow><episodeguide><url post="yes" cache="auth.json">https://api.thetvdb.com/login?` +
			`{&quot;apikey&quot;:&quot;439DFEBA9D3059C6&quot;,&quot;id&quot;:81189}|Content-Type=application/json</url></episodeguide></tvshow>`,
			nfo.KindShow, core.Metadata{ProviderIDs: map[string]string{"tvdb": "81189"}}},
		{"old tvdb episodeguide", `<tvshow><episodeguide><url>http://thetvdb.com/api/1D62F2F90030C444/series/81189/all/en.zip</url></episodeguide></tvshow>`,
			nfo.KindShow, core.Metadata{ProviderIDs: map[string]string{"tvdb": "81189"}}},
		{"mismatched end tag", movie(`<year>1999</year><title>X</titel><plot>lost</plot>`),
			nfo.KindMovie, core.Metadata{Title: "X", Year: 1999}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, kind, err := nfo.Parse(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if kind != tc.kind {
				t.Errorf("kind = %q, want %q", kind, tc.kind)
			}
			if got, want := compact(t, m), compact(t, tc.want); !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestParseErrors checks the failures that no fixture shows.
func TestParseErrors(t *testing.T) {
	big := "<movie><title>X</title>" + strings.Repeat(" ", nfo.MaxSize) + "</movie>"
	if _, _, err := nfo.Parse(strings.NewReader(big)); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("larger than MaxSize: err = %v, want ErrInvalid", err)
	}
	fits := big[:nfo.MaxSize-len("</movie>")] + "</movie>"
	if m, _, err := nfo.Parse(strings.NewReader(fits)); err != nil || m.Title != "X" {
		t.Errorf("MaxSize: title %q, err %v", m.Title, err)
	}
	for name, in := range map[string]string{
		"whitespace":           " \r\n\t ",
		"unsupported encoding": "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><movie><title>\x83e\x83X\x83g</title></movie>",
		"unknown root":         "<rss><channel><title>X</title></channel></rss>",
	} {
		if _, _, err := nfo.Parse(strings.NewReader(in)); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	broken := errors.New("disk on fire")
	if _, _, err := nfo.Parse(failingReader{broken}); !errors.Is(err, broken) || errors.Is(err, core.ErrInvalid) {
		t.Errorf("read error: err = %v, want it wrapped, not ErrInvalid", err)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// TestParseHuge checks that hostile files of the largest size parse quickly.
func TestParseHuge(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	fill := func(head, unit, tail string) string {
		return head + strings.Repeat(unit, (nfo.MaxSize-len(head)-len(tail))/len(unit)) + tail
	}
	for name, in := range map[string]string{
		"deep":       fill("<movie>", "<a>", ""),
		"wide":       fill("<movie>", "<genre>g</genre>", "</movie>"),
		"actors":     fill("<movie>", "<actor><name>n</name><role>r</role></actor>", "</movie>"),
		"entities":   fill("<movie><plot>", "&nbsp;", "</plot></movie>"),
		"text":       fill("<movie><plot>", "a", "</plot></movie>"),
		"links":      fill("", "https://www.imdb.com/title/ ", ""),
		"latin1":     fill("<movie><plot>", "\xe9", "</plot></movie>"),
		"attributes": fill("<movie><thumb ", "a='b' ", "/></movie>"),
	} {
		start := time.Now()
		m, _, _ := nfo.Parse(strings.NewReader(in))
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: 4 MiB in %v", name, d)
		}
		if len(m.Genres) > 100_000 || len(m.Credits) > 100_000 {
			t.Errorf("%s: %d genres, %d credits", name, len(m.Genres), len(m.Credits))
		}
	}
}
