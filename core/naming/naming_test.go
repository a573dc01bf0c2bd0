package naming_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core/naming"
)

// row is one line of testdata/names.tsv.
type row struct {
	line   int
	path   string
	hint   naming.Hint
	want   naming.Result // Type, Title, Year, Season, Episode, Episodes, Absolute, Date
	fields map[string]string
}

func loadNames(tb testing.TB) []row {
	tb.Helper()
	f, err := os.Open("testdata/names.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 10 {
			tb.Fatalf("names.tsv:%d: %d columns, want 10", n, len(c))
		}
		for i := range c {
			if c[i] == "-" {
				c[i] = ""
			}
		}
		r := row{line: n, path: c[0], want: naming.Result{Type: c[2], Title: c[3], Date: c[8]}, fields: map[string]string{}}
		switch c[1] {
		case "movie":
			r.hint = naming.HintMovie
		case "episode":
			r.hint = naming.HintEpisode
		}
		r.want.Year = atoi(tb, n, c[4])
		if c[5] != "" {
			r.want.Season = ptr(atoi(tb, n, c[5]))
		}
		if c[6] != "" {
			for _, e := range strings.Split(c[6], ",") {
				r.want.Episodes = append(r.want.Episodes, atoi(tb, n, e))
			}
			r.want.Episode = ptr(r.want.Episodes[0])
			if len(r.want.Episodes) == 1 {
				r.want.Episodes = nil
			}
		}
		if c[7] != "" {
			r.want.Absolute = ptr(atoi(tb, n, c[7]))
		}
		for _, kv := range strings.Split(c[9], ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				r.fields[k] = v
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

func atoi(tb testing.TB, line int, s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("names.tsv:%d: %v", line, err)
	}
	return n
}

func ptr(n int) *int { return &n }

// identity is what the accuracy target counts: title, year, season and episodes,
// with the type, absolute number and date that stand in for them.
func identity(r naming.Result) string {
	show := func(p *int) string {
		if p == nil {
			return "-"
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprintf("%s|%q|%d|s%s|e%s%v|a%s|%s", r.Type, r.Title, r.Year, show(r.Season), show(r.Episode), r.Episodes, show(r.Absolute), r.Date)
}

// field returns a release field of r by its JSON name.
func field(r naming.Result, name string) (string, bool) {
	switch name {
	case "part":
		return strconv.Itoa(r.Part), true
	case "edition":
		return r.Edition, true
	case "resolution":
		return r.Resolution, true
	case "source":
		return r.Source, true
	case "videoCodec":
		return r.VideoCodec, true
	case "hdr":
		return r.HDR, true
	case "group":
		return r.Group, true
	case "extraType":
		return r.ExtraType, true
	case "episodeTitle":
		return r.EpisodeTitle, true
	case "country":
		return r.Country, true
	}
	return "", false
}

func TestParseNames(t *testing.T) {
	rows := loadNames(t)
	if len(rows) < 300 {
		t.Fatalf("names.tsv has %d names, want at least 300", len(rows))
	}
	for _, r := range rows {
		got := naming.ParseWithHint(r.path, r.hint)
		if g, w := identity(got), identity(r.want); g != w {
			t.Errorf("names.tsv:%d %q\n got %s\nwant %s", r.line, r.path, g, w)
		}
		for k, want := range r.fields {
			g, ok := field(got, k)
			if !ok {
				t.Fatalf("names.tsv:%d: unknown field %q", r.line, k)
			}
			if g != want {
				t.Errorf("names.tsv:%d %q: %s = %q, want %q", r.line, r.path, k, g, want)
			}
		}
	}
}

// TestAccuracy reports how many names of the table the parser gets exactly
// right on title, year, season and episode; the target is 95%.
func TestAccuracy(t *testing.T) {
	rows := loadNames(t)
	exact := 0
	for _, r := range rows {
		if identity(naming.ParseWithHint(r.path, r.hint)) == identity(r.want) {
			exact++
		}
	}
	rate := float64(exact) / float64(len(rows))
	t.Logf("accuracy: %d/%d names exactly right (%.1f%%)", exact, len(rows), 100*rate)
	if rate < 0.95 {
		t.Errorf("accuracy %.1f%%, want at least 95%%", 100*rate)
	}
}

func TestResultJSON(t *testing.T) {
	for _, tc := range []struct {
		path, want string
	}{
		{"Show/Season 0/Show - S00E01.mkv", `{"type":"episode","title":"Show","season":0,"episode":1}`},
		{"Movie (2010).mkv", `{"type":"movie","title":"Movie","year":2010}`},
		{"", `{"type":"unknown"}`},
		{"Show.S01E01E02.720p.mkv", `{"type":"episode","title":"Show","season":1,"episode":1,"episodes":[1,2],"resolution":"720p"}`},
		{"[Grp] Show - 12 [1080p].mkv", `{"type":"episode","title":"Show","absolute":12,"resolution":"1080p","group":"Grp"}`},
		{"Movie (2010)-trailer.mkv", `{"type":"extra","title":"Movie","year":2010,"extraType":"trailer"}`},
	} {
		b, err := json.Marshal(naming.Parse(tc.path))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.path, b, tc.want)
		}
	}
}

// TestHintsBreakTies pins what the library type changes, and what it does not.
func TestHintsBreakTies(t *testing.T) {
	for _, tc := range []struct {
		path string
		hint naming.Hint
		want string // Type
	}{
		{"Show/01.mkv", naming.HintEpisode, naming.TypeEpisode},
		{"Show/01.mkv", naming.HintMovie, naming.TypeMovie},
		{"Naruto - 500.mkv", naming.HintNone, naming.TypeEpisode},
		{"Naruto - 500.mkv", naming.HintMovie, naming.TypeMovie},
		{"Show/Season 1/Show - 05.mkv", naming.HintMovie, naming.TypeEpisode}, // a season folder outweighs the library
		{"Show.S01E01.mkv", naming.HintMovie, naming.TypeEpisode},             // so does S01E01
		{"Movie (2010).mkv", naming.HintEpisode, naming.TypeEpisode},
	} {
		if got := naming.ParseWithHint(tc.path, tc.hint); got.Type != tc.want {
			t.Errorf("%q with hint %d: type %s, want %s", tc.path, tc.hint, got.Type, tc.want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	rows := loadNames(b)
	paths := make([]string, len(rows))
	for i, r := range rows {
		paths[i] = r.path
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		naming.Parse(paths[i%len(paths)])
	}
}

func TestTypesAreKnown(t *testing.T) {
	for _, r := range loadNames(t) {
		if typ := naming.Parse(r.path).Type; !slices.Contains([]string{naming.TypeMovie, naming.TypeEpisode, naming.TypeExtra, naming.TypeUnknown}, typ) {
			t.Errorf("%q: type %q", r.path, typ)
		}
	}
}
