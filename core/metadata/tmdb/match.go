package tmdb

import "github.com/walros/walros/core/metadata/match"

// threshold is the lowest score a search candidate needs to be a match: a perfect title with no
// year scores 0.85, a perfect title a year off 0.90, and the right year carries a title about
// half right.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// pick scores every result against title and year and returns the best, its score, and whether
// the runner-up came within ambiguity of it. Ties keep TMDb's order (popularity).
func pick(title string, year int, results []searchResult) (searchResult, float64, bool) {
	return match.Pick(title, year, results, func(r searchResult) match.Candidate {
		return match.Candidate{Titles: r.titles(), Year: r.year()} // localized or original title
	}, match.Options{Threshold: threshold, Margin: ambiguity})
}
