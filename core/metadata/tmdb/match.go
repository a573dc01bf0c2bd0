package tmdb

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// threshold is the lowest score a search candidate needs to be a match: a perfect title with no
// year scores 0.85, a perfect title a year off 0.90, and the right year carries a title about
// half right.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// pick scores every candidate against title and year and returns the best, its score, and
// whether the runner-up came within ambiguity of it. Ties keep TMDb's order (popularity).
func pick(title string, year int, results []searchResult) (searchResult, float64, bool) {
	type scored struct {
		r searchResult
		s float64
	}
	want := normalize(title)
	all := make([]scored, 0, len(results))
	for _, r := range results {
		all = append(all, scored{r, score(want, year, r)})
	}
	if len(all) == 0 {
		return searchResult{}, 0, false
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return 0
	})
	ambiguous := len(all) > 1 && all[0].s-all[1].s < ambiguity
	return all[0].r, all[0].s, ambiguous
}

// score rates a candidate from 0 to 1: the best title similarity (localized or original title)
// weighs 0.85, and the year adds or takes away the rest.
func score(want string, year int, r searchResult) float64 {
	sim := 0.0
	for _, t := range r.titles() {
		if t != "" {
			sim = max(sim, similarity(want, normalize(t)))
		}
	}
	return min(max(0.85*sim+yearAgreement(year, r.year()), 0), 1)
}

// yearAgreement rewards the right year, tolerates one year off (festival versus release, or a
// December release dated January), penalises more, and is neutral when either year is unknown.
func yearAgreement(want, got int) float64 {
	if want == 0 || got == 0 {
		return 0
	}
	switch d := max(want-got, got-want); {
	case d == 0:
		return 0.15
	case d == 1:
		return 0.05
	case d == 2:
		return -0.1
	case d == 3:
		return -0.2
	default:
		return -0.3
	}
}

// similarity is 1 minus the edit distance over the longer length, spaces ignored so that
// "Spider-Man" and "Spiderman" agree.
func similarity(a, b string) float64 {
	ra := []rune(strings.ReplaceAll(a, " ", ""))
	rb := []rune(strings.ReplaceAll(b, " ", ""))
	n := max(len(ra), len(rb))
	if n == 0 {
		return 0
	}
	return 1 - float64(levenshtein(ra, rb))/float64(n)
}

func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// articles are the leading articles dropped before comparing: "The Matrix" is "Matrix, The" on
// some shelves and plain "Matrix" in some file names. Words that are also common nouns or verbs
// in English ("die", "de") are left alone.
var articles = map[string]bool{"the": true, "a": true, "an": true, "le": true, "la": true, "les": true,
	"l": true, "der": true, "das": true, "el": true, "il": true}

// normalize lowercases s, folds accents, spells "&" as "and", drops apostrophes, turns other
// punctuation into spaces and drops a leading (or ", The"-style trailing) article.
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		if f, ok := folds[r]; ok {
			b.WriteString(f)
			continue
		}
		switch {
		case r == '&':
			b.WriteString(" and ")
		case r == '\'' || r == '’':
			// "Schindler's List" is "Schindlers.List" in a file name
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && articles[words[0]] {
		words = words[1:]
	} else if len(words) > 1 && articles[words[len(words)-1]] && strings.Contains(s, ", "+words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// folds maps accented Latin letters to their plain forms, so that "Amélie" matches "Amelie"
// without golang.org/x/text.
var folds = func() map[rune]string {
	const (
		accented = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšșţťŧțùúûüũūŭůűųŵýÿŷźżžð"
		plain    = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssssttttuuuuuuuuuuwyyyzzzd"
	)
	a, p := []rune(accented), []rune(plain)
	if len(a) != len(p) {
		panic("tmdb: fold tables differ in length: " + strconv.Itoa(len(a)) + " and " + strconv.Itoa(len(p)))
	}
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th"}
	for i, r := range a {
		m[r] = string(p[i])
	}
	return m
}()
