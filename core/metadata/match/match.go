// Package match scores metadata search results against the title and year read from a file
// name, for every provider that has to pick one result among several.
package match

import (
	"strings"
	"unicode"
)

// Candidate is a search result reduced to what scoring needs.
type Candidate struct {
	// Titles are every name the result goes by (localized, original, aliases); empty ones are
	// skipped.
	Titles []string
	// Year is the year the result was first released or aired; 0 when unknown.
	Year int
}

// Options tunes Best for one provider.
type Options struct {
	// Normalize is extra provider-specific folding applied after the shared Normalize; may be nil.
	Normalize func(string) string
	// Threshold is the lowest score a candidate needs to be a match.
	Threshold float64
	// Margin is how close the runner-up may come before the match is ambiguous and an admin
	// should confirm it.
	Margin float64
}

// Best scores every candidate against title and year and returns the index of the best, its
// score, and whether the runner-up came within opts.Margin of it. Ties keep the order of cs,
// which is the provider's (popularity or relevance). The index is -1 when cs is empty or the
// best score is below opts.Threshold; the score is reported either way.
func Best(title string, year int, cs []Candidate, opts Options) (index int, score float64, ambiguous bool) {
	want := normalize(title, opts.Normalize)
	index, score, second := -1, -1.0, -1.0
	for i, c := range cs {
		switch s := rate(want, year, c, opts.Normalize); {
		case s > score:
			index, score, second = i, s, score
		case s > second:
			second = s
		}
	}
	if index < 0 {
		return -1, 0, false
	}
	ambiguous = second >= 0 && score-second < opts.Margin
	if score < opts.Threshold {
		index = -1
	}
	return index, score, ambiguous
}

// Pick is Best over a provider's own results: candidate reduces each to a Candidate, and the
// zero T stands for no match.
func Pick[T any](title string, year int, items []T, candidate func(T) Candidate, opts Options) (T, float64, bool) {
	cs := make([]Candidate, len(items))
	for i, it := range items {
		cs[i] = candidate(it)
	}
	i, score, ambiguous := Best(title, year, cs, opts)
	if i < 0 {
		var zero T
		return zero, score, ambiguous
	}
	return items[i], score, ambiguous
}

// rate scores c from 0 to 1 against the normalized title want: its closest title weighs 0.85,
// and the year adds or takes away the rest. A perfect title with no year scores 0.85, a year off
// 0.90, and the right year carries a title about half right past a 0.6 threshold.
func rate(want string, year int, c Candidate, norm func(string) string) float64 {
	sim := 0.0
	for _, t := range c.Titles {
		if t = normalize(t, norm); t != "" {
			sim = max(sim, ratio(want, t))
		}
	}
	return min(max(0.85*sim+YearAgreement(year, c.Year), 0), 1)
}

// YearAgreement rewards the right year, tolerates one year off (festival versus release, a
// December premiere dated January, a region that aired later), penalises more, and is neutral
// when either year is unknown.
func YearAgreement(want, got int) float64 {
	if want == 0 || got == 0 {
		return 0
	}
	switch d := max(want-got, got-want); d {
	case 0:
		return 0.15
	case 1:
		return 0.05
	case 2:
		return -0.1
	case 3:
		return -0.2
	}
	return -0.3
}

// Similarity compares two titles from 0 to 1 after Normalize and then norm (which may be nil).
func Similarity(a, b string, norm func(string) string) float64 {
	return ratio(normalize(a, norm), normalize(b, norm))
}

// ratio is 1 minus the edit distance over the longer length, spaces ignored so that
// "Spider-Man" and "Spiderman" agree.
func ratio(a, b string) float64 {
	ra := []rune(strings.ReplaceAll(a, " ", ""))
	rb := []rune(strings.ReplaceAll(b, " ", ""))
	n := max(len(ra), len(rb))
	if n == 0 {
		return 0
	}
	return 1 - float64(levenshtein(ra, rb))/float64(n)
}

// levenshtein is the edit distance between a and b, in one row.
func levenshtein(a, b []rune) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := range a {
		diag := row[0]
		row[0] = i + 1
		for j := range b {
			up := row[j+1]
			cost := 1
			if a[i] == b[j] {
				cost = 0
			}
			row[j+1] = min(up+1, row[j]+1, diag+cost)
			diag = up
		}
	}
	return row[len(b)]
}

// normalize is Normalize followed by the provider's extra folding, if any.
func normalize(s string, extra func(string) string) string {
	if s = Normalize(s); extra != nil {
		s = extra(s)
	}
	return s
}

// articles are the leading articles dropped before comparing: "The Matrix" is "Matrix, The" on
// some shelves and plain "Matrix" in some file names. Words that are also common nouns or verbs
// in English ("die", "de") are left alone.
var articles = map[string]bool{"the": true, "a": true, "an": true, "le": true, "la": true, "les": true,
	"l": true, "der": true, "das": true, "el": true, "il": true}

// Normalize lowercases s, folds accents and macrons, spells "&" as "and" and "×" (Hunter ×
// Hunter) as "x", drops apostrophes, turns other punctuation into single spaces and drops a
// leading (or ", The"-style trailing) article, unless it is the whole title.
func Normalize(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch plain, ok := accents[r]; {
		case ok:
			b.WriteString(plain)
		case r == '&':
			b.WriteString(" and ")
		case r == '×':
			b.WriteString(" x ")
		case r == '\'' || r == '’':
			// "Schindler's List" is "Schindlers.List" in a file name
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if n := len(words); n > 1 && articles[words[0]] {
		words = words[1:]
	} else if n > 1 && articles[words[n-1]] && strings.Contains(s, ", "+words[n-1]) {
		words = words[:n-1]
	}
	return strings.Join(words, " ")
}

// accents maps accented Latin letters to plain ones, so that "Amélie" matches "Amelie" and
// "Shōgun" "Shogun" without golang.org/x/text.
var accents = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ð': "d", 'đ': "d", 'ħ': "h", 'ł': "l", 'ø': "o"}
	for plain, marked := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņň", "o": "òóôõöōŏő", "r": "ŕŗř",
		"s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range marked {
			m[r] = plain
		}
	}
	return m
}()
