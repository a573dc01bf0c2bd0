package naming

import (
	"strings"
	"testing"
	"time"
)

// TestParseNameLinear checks the parser below the maxName cap: eight times a
// name may take about eight times as long, never sixty-four. Quadratic loops show
// here even on names short enough to parse quickly.
func TestParseNameLinear(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	for _, unit := range []string{
		"S01E01", "S01E01-", "S01E01-S01E01", "S01E01E", "s1e1s", "1x01-", "a.", "A.", "a-", "x264-", " - 1",
		" - 1-", "[a]", "[", "(", "2010 ", "2010.", "Episode 1 ", "E01 ", "Season 1 Episode ", "cd1.",
		"part.1.", "The.", "FRENCH.", "PROPER ", "1080p.", "Director's.Cut.", "2024.03.14.", "14.03.2024 ",
		"01 - ", "www.", "-trailer", "{edition-", "[imdbid-", "\xff", "千", "S.W.A.T.", "Show S2 - 1", "(flac ",
		"[24-96 ", "1-01 ", "2010 - ", "01_", "Artist - ", "a.15.03.09.", "(US) ", "a.US.", "(a) - 1 ", "a.E009.",
		"German.2009.", "S1958E13.", "(a 2014) ",
	} {
		small := strings.Repeat(unit, (8<<10)/len(unit))
		// 8 times the input: about 8 times the time if linear, 64 if quadratic. The threshold
		// sits between with room for a busy machine (a 4x step with a 10x threshold once failed
		// on a linear parser under a load of 10).
		large := strings.Repeat(unit, (64<<10)/len(unit))
		// A quadratic parser fails every time; a linear one on a busy machine (other processes
		// taking the cores for tens of milliseconds) fails once in a while: measure again before
		// calling it quadratic.
		var ts, tl time.Duration
		for range 3 {
			if ts, tl = timeName(small), timeName(large); tl <= 24*ts || tl <= 20*time.Millisecond {
				break
			}
		}
		if tl > 24*ts && tl > 20*time.Millisecond {
			t.Errorf("%q: 8 KiB in %v, 64 KiB in %v, three times: not linear", unit, ts, tl)
		}
	}
}

// timeName returns the best of three runs of the name parsers on s.
func timeName(s string) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		parseName(s, opts{weak: true, bare: bareAny})
		parseName(s, opts{weak: true, anime: true, bare: bareShort})
		seasonFolder(s)
		cutExtraSuffix(s)
		cutShow(s, s[:len(s)/2])
		parseAlbum(s, "")
		ParseTrack(s + "/" + s + "/" + s) // cut at maxName: a smoke test of the rest
		best = min(best, time.Since(start))
	}
	return best
}
