package naming_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core/naming"
)

// hostile are names built to find crashes and slow paths.
var hostile = []string{
	"", "/", "\\", ".", "..", ".mkv", "-", " - ", "[", "]", "[]", "【", "(((", "{edition-", "{edition-}",
	"S01E", "S01E01-", "S01E01-E", "1x", "1x01-", "1x01-1x", "- 1", "Show - ", "Show - 1-", "E", "Ep",
	"2010", "(2010)", "1917", "S.", "A.B.", ".A.", "A..B", "\xff\xfe", "S01E01\x00", "Show/Season /01.mkv",
	"Season 1/", "Specials/", "VIDEO_TS", "BDMV/x", "a/VIDEO_TS/VTS_01_1.VOB", "trailer", "-trailer",
	"sample-", "[Group]", "[Group] - 01", "Show S2 - ", "9999-99-99", "2024.02.30", "www.", "[ www.x ] -",
	"S9999E9999", "S01E01-E9999", "Season 9999 Episode 9999", "cd99", "part 0", "x264-", "-GRP", "a-b-c-d-e-f",
}

func FuzzParse(f *testing.F) {
	for _, r := range loadNames(f) {
		f.Add(r.path)
	}
	for _, s := range hostile {
		f.Add(s)
	}
	valid := map[string]bool{naming.TypeMovie: true, naming.TypeEpisode: true, naming.TypeExtra: true, naming.TypeUnknown: true}
	f.Fuzz(func(t *testing.T, path string) {
		for _, hint := range []naming.Hint{naming.HintNone, naming.HintMovie, naming.HintEpisode} {
			r := naming.ParseWithHint(path, hint)
			if !valid[r.Type] {
				t.Fatalf("%q: type %q", path, r.Type)
			}
			if strings.TrimSpace(r.Title) != r.Title || strings.TrimSpace(r.EpisodeTitle) != r.EpisodeTitle {
				t.Fatalf("%q: untrimmed title %q / episode title %q", path, r.Title, r.EpisodeTitle)
			}
			if r.Type == naming.TypeUnknown && r.Title != "" {
				t.Fatalf("%q: unknown with title %q", path, r.Title)
			}
			if len(r.Episodes) > 0 && (r.Episode == nil || r.Episodes[0] != *r.Episode || len(r.Episodes) > 100 || len(r.Episodes) == 1) {
				t.Fatalf("%q: episode %v, episodes %v", path, r.Episode, r.Episodes)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("%q: %v", path, err)
			}
		}
		tr := naming.ParseTrack(path)
		if strings.TrimSpace(tr.Title) != tr.Title || strings.TrimSpace(tr.Artist) != tr.Artist || strings.TrimSpace(tr.Album) != tr.Album {
			t.Fatalf("%q: untrimmed track %+v", path, tr)
		}
		groups := naming.GroupVersions([]string{path, path + ".mkv", "Movies/" + path})
		n := 0
		for _, g := range groups {
			n += len(g)
		}
		if n != 3 {
			t.Fatalf("%q: groups %q lose or add paths", path, groups)
		}
	})
}

// TestParseHuge checks that huge hostile paths are parsed quickly: components
// are cut at the longest name a file system allows, and splitting stays linear.
// TestParseNameLinear, inside the package, checks the parser below that cut.
func TestParseHuge(t *testing.T) {
	for _, unit := range []string{
		"S01E01-", "a.", "A.", "x264-", " - 1", "[", "2010 ", "Episode 1 ", "Season 1/", "S01/", "a/", "/",
		"Season 1 Episode ", "14.03.2024 ", "01 - ", "-trailer", "{edition-", "\xff", "千",
	} {
		s := strings.Repeat(unit, (1<<20)/len(unit))
		start := time.Now()
		naming.Parse(s)
		naming.ParseWithHint(s, naming.HintEpisode)
		naming.ParseTrack(s)
		naming.GroupVersions([]string{s, s})
		// Generous on purpose: this guards against quadratic blow-ups (hours on 1 MiB), not against a
		// slow CI machine; under -race on 2 busy cores "a/" takes about 3 s.
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%q: 1 MiB in %v", unit, d)
		}
	}
}
