package nfo_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/nfo"
)

// hostile are inputs built to find crashes: broken XML, odd encodings, links cut short.
var hostile = []string{
	"", " ", "<", ">", "</", "<movie", "<movie>", "</movie>", "<movie/>", "<movie></movie>junk<", "<?xml", "<?xml?>",
	"<?xml version='1.0' encoding='latin1'?>", "<?xml encoding=\"utf-16\"?><movie/>", "\xef\xbb\xbf", "\xff\xfe", "\xfe\xff<",
	"\xff\xfe<\x00", "<\x00", "\x00<", "<movie><title>\xff</title></movie>", "<movie><ratings><rating max='0'><value>1",
	"<movie><thumb>file://</thumb><thumb>file:///</thumb><thumb>file://%zz</thumb></movie>", "<movie><set><name/></set></movie>",
	"<episodedetails><season>99999999999</season><episode>+</episode></episodedetails>", "<tvshow><episodeguide>{\"tvdb\":[1]}</episodeguide></tvshow>",
	"<tvshow><episodeguide>{\"tvdb\":1e400}</episodeguide></tvshow>", "<movie><rating>.</rating><rating>,5</rating><year>-</year></movie>",
	"https://www.imdb.com/title/tt", "imdb.com/title/tt0000000", "themoviedb.org/movie/0", "thetvdb.com/series/00000",
	"<movie>&nbsp;</movie>", "<movie><title>&#0;&#xD800;&bogus;&</title></movie>", "<movie><mpaa>Rated </mpaa><mpaa>US:</mpaa></movie>",
	"<movie><actor><name> </name><order>-1</order></actor><director> / </director></movie>", "<a:movie xmlns:a='x'><a:title>T</a:title></a:movie>",
}

// FuzzParse checks that Parse never panics, fails only with ErrInvalid, and returns trimmed,
// valid UTF-8 strings and values in their ranges.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.nfo"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range hostile {
		f.Add([]byte(s))
	}
	kinds := map[nfo.Kind]bool{"": true, nfo.KindMovie: true, nfo.KindShow: true, nfo.KindSeason: true,
		nfo.KindEpisode: true, nfo.KindArtist: true, nfo.KindAlbum: true, nfo.KindMusicVideo: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, kind, err := nfo.Parse(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, core.ErrInvalid) || !utf8.ValidString(err.Error()) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			return
		}
		if !kinds[kind] {
			t.Fatalf("kind %q", kind)
		}
		check := func(field, s string) {
			if !utf8.ValidString(s) || strings.TrimSpace(s) != s {
				t.Fatalf("%s = %q: invalid UTF-8 or untrimmed", field, s)
			}
		}
		for field, s := range map[string]string{"Title": m.Title, "OriginalTitle": m.OriginalTitle, "SortTitle": m.SortTitle,
			"Overview": m.Overview, "Tagline": m.Tagline, "OfficialRating": m.OfficialRating, "Collection": m.Collection} {
			check(field, s)
		}
		for _, list := range [][]string{m.Genres, m.Studios, m.Tags} {
			for _, s := range list {
				if s == "" {
					t.Fatalf("empty entry in %q", list)
				}
				check("list entry", s)
			}
		}
		for _, c := range m.Credits {
			if c.Name == "" || c.Kind == "" || c.Order < 0 {
				t.Fatalf("credit %+v", c)
			}
			check("credit name", c.Name)
			check("credit role", c.Role)
			check("credit thumb", c.Thumb)
		}
		for k, v := range m.ProviderIDs {
			if k == "" || v == "" || strings.ToLower(k) != k {
				t.Fatalf("provider id %q = %q", k, v)
			}
			check("provider id", v)
		}
		for _, img := range m.Images {
			if img.Kind == "" || (img.URL == "") == (img.Path == "") {
				t.Fatalf("image %+v", img)
			}
			check("image url", img.URL)
			check("image path", img.Path)
		}
		if m.Season != nil && *m.Season < 0 || m.Episode != nil && *m.Episode < 0 {
			t.Fatalf("season %v, episode %v", m.Season, m.Episode)
		}
		if m.CommunityScore < 0 || m.CommunityScore > 10 || m.CriticScore < 0 || m.CriticScore > 100 || m.Runtime < 0 || m.Year < 0 {
			t.Fatalf("out of range: %+v", m)
		}
	})
}
