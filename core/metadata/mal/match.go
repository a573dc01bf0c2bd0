package mal

import (
	"cmp"
	"slices"
	"strings"

	"github.com/walros/walros/core/metadata/match"
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

// romaji spells long vowels the way file names do: MAL writes "Shingeki no Kyojin" but also
// "Kyoukai no Kanata" and "Shōjo", release groups write "Kyoukai", "Kyokai" or "Shoujo". It runs
// after match.Normalize, which has already folded the macrons.
var romaji = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u", "aa", "a", "ii", "i", "ee", "e")

// pick scores every candidate against title and year and returns the best, its score, and
// whether the runner-up came within ambiguity of it. Ties keep Jikan's order. Jikan sometimes
// lists an anime twice: a duplicate is not a rival.
func pick(title string, year int, results []anime) (anime, float64, bool) {
	var unique []anime
	for _, a := range results {
		if a.MalID != 0 && !slices.ContainsFunc(unique, func(u anime) bool { return u.MalID == a.MalID }) {
			unique = append(unique, a)
		}
	}
	return match.Pick(title, year, unique, func(a anime) match.Candidate {
		return match.Candidate{Titles: a.titles(), Year: a.year()}
	}, match.Options{Normalize: romaji.Replace, Threshold: threshold, Margin: ambiguity})
}
