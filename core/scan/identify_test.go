package scan

import (
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestSeriesKeys checks which episode files are grouped into one series: a country qualifier keeps
// two shows of one title apart, in the folder or in the file name, and a season numbered by its
// year does not make each season a show.
func TestSeriesKeys(t *testing.T) {
	video := core.MediaInfo{Streams: []core.Stream{{Kind: core.StreamVideo}}}
	for _, tc := range []struct {
		name      string
		lib       core.LibraryType
		a, b      string // two files, relative to the library's root
		same      bool
		wantTitle string // the series title of a
	}{
		{"US and UK folders", core.LibraryShows, "The Office (US)/Season 1/The.Office.US.S01E01.mkv",
			"The Office (UK)/Season 1/The.Office.UK.S01E01.mkv", false, "The Office (US)"},
		{"US and UK files", core.LibraryShows, "The.Office.US.S07E03.720p.mkv", "The.Office.UK.S02E01.720p.mkv", false, "The Office (US)"},
		{"mixed library", core.LibraryMixed, "The.Office.US.S07E03.720p.mkv", "The.Office.UK.S02E01.720p.mkv", false, "The Office (US)"},
		{"qualified file, plain folder", core.LibraryShows, "The Office/Season 2/The.Office.US.S02E01.mkv",
			"The Office/Season 3/The Office - S03E01.mkv", true, "The Office"},
		{"no qualifier", core.LibraryShows, "Show.S01E01.mkv", "Show.S02E01.mkv", true, "Show"},
		{"seasons numbered by year", core.LibraryShows, "Looney.Tunes.S1958E13.mkv", "Looney.Tunes.S1959E01.mkv", true, "Looney Tunes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			id := identifier{lib: core.Library{ID: "lib", Type: tc.lib}, now: time.Now(), newID: func() string { n++; return string(rune('a' + n)) }}
			a := id.identify("/media", "/media/"+tc.a, video)
			b := id.identify("/media", "/media/"+tc.b, video)
			if len(a.items) < 3 || len(b.items) < 3 {
				t.Fatalf("not episodes: %+v / %+v", a.items, b.items)
			}
			sa, sb := a.items[0], b.items[0]
			if sa.Kind != core.KindSeries || sa.Title != tc.wantTitle {
				t.Errorf("series of %q: %s %q, want series %q", tc.a, sa.Kind, sa.Title, tc.wantTitle)
			}
			if same := sa.MatchKey == sb.MatchKey; same != tc.same {
				t.Errorf("keys %q and %q: same = %v, want %v", sa.MatchKey, sb.MatchKey, same, tc.same)
			}
		})
	}
}
