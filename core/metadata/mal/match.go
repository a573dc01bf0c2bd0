package mal

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// threshold is the lowest score a search candidate needs to be a match: an exact title alone
// scores 0.85, and the right year carries a title about half right.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// titles returns every name of a: the default (romanized) title, the English and Japanese
// ones, synonyms, and the other languages' titles.
func (a anime) titles() []string {
	out := []string{a.Title, a.TitleEnglish, a.TitleJapanese}
	out = append(out, a.TitleSynonyms...)
	for _, t := range a.Titles {
		out = append(out, t.Title)
	}
	return out
}

// year is the year a first aired.
func (a anime) year() int {
	return cmp.Or(a.Aired.Prop.From.Year, a.Year)
}

// pick scores every candidate against title and year and returns the best, its score, and
// whether the runner-up came within ambiguity of it. Ties keep Jikan's order. Jikan sometimes
// lists an anime twice: a duplicate is not a rival.
func pick(title string, year int, results []anime) (anime, float64, bool) {
	type scored struct {
		a anime
		s float64
	}
	want := simplify(title)
	var all []scored
	for _, a := range results {
		if a.MalID == 0 || slices.ContainsFunc(all, func(s scored) bool { return s.a.MalID == a.MalID }) {
			continue
		}
		all = append(all, scored{a, score(want, year, a)})
	}
	if len(all) == 0 {
		return anime{}, 0, false
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.s, a.s) })
	ambiguous := len(all) > 1 && all[0].s-all[1].s < ambiguity
	return all[0].a, all[0].s, ambiguous
}

// score rates a candidate from 0 to 1: its closest title weighs 0.85, the year the rest.
func score(want string, year int, a anime) float64 {
	sim := 0.0
	for _, t := range a.titles() {
		if t = simplify(t); t != "" {
			sim = max(sim, likeness(want, t))
		}
	}
	return min(max(0.85*sim+yearScore(year, a.year()), 0), 1)
}

// yearScore rewards the right year, tolerates a year off (a winter season that began in late
// December), penalises more, and is neutral when either year is unknown.
func yearScore(want, got int) float64 {
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

// likeness is 1 minus the edit distance over the longer length, spaces ignored.
func likeness(a, b string) float64 {
	ra := []rune(strings.ReplaceAll(a, " ", ""))
	rb := []rune(strings.ReplaceAll(b, " ", ""))
	n := max(len(ra), len(rb))
	if n == 0 {
		return 0
	}
	return 1 - float64(distance(ra, rb))/float64(n)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	next := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range a {
		next[0] = i + 1
		for j := range b {
			sub := prev[j]
			if a[i] != b[j] {
				sub++
			}
			next[j+1] = min(prev[j+1]+1, next[j]+1, sub)
		}
		prev, next = next, prev
	}
	return prev[len(b)]
}

// romaji spells long vowels the way file names do: MAL writes "Shingeki no Kyojin" but also
// "Kyoukai no Kanata" and "Shōjo", release groups write "Kyoukai", "Kyokai" or "Shoujo".
var romaji = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u", "aa", "a", "ii", "i", "ee", "e")

// simplify lowercases s, folds macrons and accents, reads "×" (Hunter × Hunter) as "x", drops
// apostrophes and a leading English article, turns other punctuation into spaces and shortens
// romanized long vowels.
func simplify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '×':
			b.WriteString(" x ")
		case r == '&':
			b.WriteString(" and ")
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if plain, ok := plainLetters[r]; ok {
				r = plain
			}
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && (words[0] == "the" || words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	return romaji.Replace(strings.Join(words, " "))
}

// plainLetters maps the macrons of Hepburn romanization and common accents to plain letters.
var plainLetters = func() map[rune]rune {
	m := map[rune]rune{}
	for plain, marked := range map[rune]string{
		'a': "āàáâäã", 'e': "ēèéêë", 'i': "īìíîï", 'o': "ōòóôöõø", 'u': "ūùúûü", 'c': "ç", 'n': "ñ",
	} {
		for _, r := range marked {
			m[r] = plain
		}
	}
	return m
}()
