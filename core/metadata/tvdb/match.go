package tvdb

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
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
	if len(cs) == 0 {
		return candidate{}, 0, false
	}
	want := fold(title)
	scores := make([]float64, len(cs))
	order := make([]int, len(cs))
	for i, c := range cs {
		scores[i], order[i] = rate(want, year, c), i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	top := order[0]
	ambiguous := len(order) > 1 && scores[top]-scores[order[1]] < ambiguity
	return cs[top], scores[top], ambiguous
}

// rate scores a candidate from 0 to 1: its closest title weighs 0.85, the year the rest.
func rate(want string, year int, c candidate) float64 {
	sim := 0.0
	for _, t := range c.titles {
		if t = fold(t); t != "" {
			sim = max(sim, closeness(want, t))
		}
	}
	return min(max(0.85*sim+yearBonus(year, c.year), 0), 1)
}

// yearBonus rewards the right year, tolerates a year off (a pilot aired in December, a region
// that aired later), penalises more, and is neutral when either year is unknown.
func yearBonus(want, got int) float64 {
	if want == 0 || got == 0 {
		return 0
	}
	switch d := max(want-got, got-want); {
	case d == 0:
		return 0.15
	case d == 1:
		return 0.05
	case d <= 3:
		return -0.1 * float64(d-1)
	default:
		return -0.3
	}
}

// closeness is 1 minus the edit distance over the longer length, spaces ignored so that
// "Spider-Man" and "Spiderman" agree.
func closeness(a, b string) float64 {
	ra := []rune(strings.ReplaceAll(a, " ", ""))
	rb := []rune(strings.ReplaceAll(b, " ", ""))
	n := max(len(ra), len(rb))
	if n == 0 {
		return 0
	}
	return 1 - float64(editDistance(ra, rb))/float64(n)
}

func editDistance(a, b []rune) int {
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

// fold lowercases s, strips accents, spells "&" as "and", drops apostrophes and a leading
// English article, and turns other punctuation into single spaces.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&':
			b.WriteString(" and ")
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if plain, ok := accents[r]; ok {
				b.WriteString(plain)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && (words[0] == "the" || words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// accents maps the accented Latin letters of titles to plain ones, without golang.org/x/text.
var accents = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th"}
	for plain, marked := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "e": "èéêëēĕėęě", "g": "ĝğġģ", "i": "ìíîïĩīĭįı",
		"n": "ñńņň", "o": "òóôõöōŏő", "r": "ŕŗř", "s": "śŝşšș", "t": "ţťț", "u": "ùúûüũūŭůűų",
		"y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range marked {
			m[r] = plain
		}
	}
	return m
}()

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
