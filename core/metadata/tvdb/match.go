package tvdb

import (
	"maps"
	"slices"
	"strings"

	"github.com/walros/walros/core/metadata/match"
)

// threshold is the lowest score a search candidate needs to be a match: an exact title alone
// scores 0.85, and the right year carries a title about half right.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// candidate is a search result reduced to what scoring needs.
type candidate struct {
	id     string
	titles []string // name, aliases and translations
	year   int
}

func (r searchResult) candidate() candidate {
	c := candidate{id: string(r.TVDBID)}
	names := append([]string{r.Name}, r.Aliases...)
	for _, lang := range slices.Sorted(maps.Keys(r.Translations)) { // a stable order for ties
		names = append(names, r.Translations[lang])
	}
	for _, n := range names {
		c.titles = append(c.titles, n)
		// TVDB tells apart series of one name with a qualifier: "Doctor Who (2005)",
		// "The Office (US)". File names rarely carry it.
		if i := strings.LastIndex(n, " ("); i > 0 && strings.HasSuffix(n, ")") {
			c.titles = append(c.titles, n[:i])
		}
	}
	c.year = yearOf(string(r.Year))
	if c.year == 0 {
		c.year = yearOf(r.FirstAirTime)
	}
	return c
}

// best scores every candidate against title and year and returns the best, its score, and
// whether the runner-up came within ambiguity of it. Ties keep TVDB's order (relevance).
func best(title string, year int, cs []candidate) (candidate, float64, bool) {
	return match.Pick(title, year, cs, func(c candidate) match.Candidate {
		return match.Candidate{Titles: c.titles, Year: c.year}
	}, match.Options{Threshold: threshold, Margin: ambiguity})
}

// yearOf reads the year at the start of "2008" or "2008-01-20"; 0 when there is none.
func yearOf(s string) int {
	if len(s) < 4 {
		return 0
	}
	y := 0
	for _, r := range s[:4] {
		if r < '0' || r > '9' {
			return 0
		}
		y = y*10 + int(r-'0')
	}
	return y
}
