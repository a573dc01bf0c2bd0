package musicbrainz

import (
	"strings"

	"github.com/walros/walros/core/metadata/match"
)

// threshold is the lowest combined score a search candidate needs: an exact title that
// MusicBrainz ranks first scores 0.85.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// creditFloor is how close an album's credited artist must be to the query's album artist.
const creditFloor = 0.6

// luceneSpecial are the characters the Lucene query syntax gives a meaning to: + - && || ! ( )
// { } [ ] ^ " ~ * ? : \ /. Escaping each & and | alone also escapes && and ||.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/`

// escape makes s a literal for a Lucene query. It lower-cases s, since AND, OR and NOT are
// operators only in capitals and MusicBrainz's search ignores case, and escapes luceneSpecial,
// so that no title can change the query: `AC/DC: "Back (In) Black"` becomes
// `ac\/dc\: \"back \(in\) black\"`.
func escape(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Join(strings.Fields(s), " ")) {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// field returns a Lucene clause that looks for the words of s in field, in any order.
func field(name, s string) string {
	return name + ":(" + escape(s) + ")"
}

// rate combines how well titles and year match (match.Best) with MusicBrainz's own score for
// the candidate (0-100, the best result 100), which knows aliases and popularity of a name.
func rate(title string, year int, c match.Candidate, mbScore int) float64 {
	_, s, _ := match.Best(title, year, []match.Candidate{c}, match.Options{})
	return s * float64(min(max(mbScore, 0), 100)) / 100
}

// best returns the index of the highest score, the score, and whether the runner-up came within
// ambiguity. Ties keep MusicBrainz's order. The index is -1 below threshold.
func best(scores []float64) (int, float64, bool) {
	i, top, second := -1, -1.0, -1.0
	for j, s := range scores {
		switch {
		case s > top:
			i, top, second = j, s, top
		case s > second:
			second = s
		}
	}
	if i < 0 {
		return -1, 0, false
	}
	ambiguous := second >= 0 && top-second < ambiguity
	if top < threshold {
		return -1, top, ambiguous
	}
	return i, top, ambiguous
}

// artistCandidate is what an artist is known as: name, sort name ("Beatles, The") and aliases.
func artistCandidate(a artist) match.Candidate {
	c := match.Candidate{Titles: []string{a.Name, a.SortName}}
	for _, al := range a.Aliases {
		c.Titles = append(c.Titles, al.Name)
	}
	return c
}

// credited reports whether artist is one of the release group's credited artists, or the
// whole credit ("Simon & Garfunkel"); any artist when it is empty.
func credited(credits []credit, artist string) bool {
	if strings.TrimSpace(artist) == "" {
		return true
	}
	var whole strings.Builder
	for _, c := range credits {
		whole.WriteString(c.Name + c.JoinPhrase)
		if match.Similarity(c.Name, artist, nil) >= creditFloor ||
			match.Similarity(c.Artist.Name, artist, nil) >= creditFloor {
			return true
		}
	}
	return match.Similarity(whole.String(), artist, nil) >= creditFloor
}
