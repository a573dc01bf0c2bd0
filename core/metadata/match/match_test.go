package match

import (
	"fmt"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"The Matrix", "matrix"},
		{"Matrix, The", "matrix"},
		{"The Office", "office"},
		{"The Melancholy of Haruhi", "melancholy of haruhi"},
		{"The", "the"},           // an article alone is the whole title
		{"Die Hard", "die hard"}, // "die" is English too
		{"Amélie", "amelie"},
		{"Le Fabuleux Destin d'Amélie Poulain", "fabuleux destin damelie poulain"},
		{"Schindler's List", "schindlers list"},
		{"Grey’s Anatomy", "greys anatomy"},
		{"Fast & Furious", "fast and furious"},
		{"Hunter × Hunter", "hunter x hunter"},
		{"HUNTER x HUNTER", "hunter x hunter"},
		{"Spider-Man: No Way Home", "spider man no way home"},
		{"Re:Zero kara Hajimeru", "re zero kara hajimeru"},
		{"Marvel's Agents of S.H.I.E.L.D.", "marvels agents of s h i e l d"},
		{"  ŁÓDŹ   Ærø  ", "lodz aero"},
		{"Straße", "strasse"},
		{"Shōgun", "shogun"},
		{"Æon Flux", "aeon flux"},
		{"千と千尋の神隠し", "千と千尋の神隠し"},
		{"ワンピース", "ワンピース"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		norm func(string) string
		want string
	}{
		{"Dune", "Dune", nil, "1.00"},
		{"Spiderman", "Spider-Man", nil, "1.00"}, // spaces ignored
		{"The Matrix", "Matrix", nil, "1.00"},
		{"Breaking", "Breaking Bad", nil, "0.73"},
		{"Dune", "Dune: Part Two", nil, "0.36"},
		{"", "", nil, "0.00"},
		{"Kyoukai", "Kyokai", nil, "0.86"},
		{"Kyoukai", "Kyokai", func(s string) string { return strings.ReplaceAll(s, "ou", "o") }, "1.00"},
	} {
		if got := fmt.Sprintf("%.2f", Similarity(tc.a, tc.b, tc.norm)); got != tc.want {
			t.Errorf("Similarity(%q, %q) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestYearAgreement(t *testing.T) {
	for _, tc := range []struct {
		want, got int
		score     float64
	}{
		{2021, 2021, 0.15},
		{2021, 2022, 0.05},
		{2022, 2021, 0.05},
		{2021, 2023, -0.1},
		{2021, 2018, -0.2},
		{2021, 1984, -0.3},
		{0, 2021, 0},
		{2021, 0, 0},
	} {
		if got := YearAgreement(tc.want, tc.got); got != tc.score {
			t.Errorf("YearAgreement(%d, %d) = %v, want %v", tc.want, tc.got, got, tc.score)
		}
	}
}

func TestBest(t *testing.T) {
	opts := Options{Threshold: 0.6, Margin: 0.05}
	dune := Candidate{Titles: []string{"Dune"}, Year: 2021}
	dune84 := Candidate{Titles: []string{"", "Dune"}, Year: 1984}
	amelie := Candidate{Titles: []string{"Amélie", "Le Fabuleux Destin d'Amélie Poulain"}}
	for _, tc := range []struct {
		name      string
		title     string
		year      int
		cs        []Candidate
		opts      Options
		index     int
		score     string
		ambiguous bool
	}{
		{"right year", "Dune", 2021, []Candidate{dune}, opts, 0, "1.00", false},
		{"a year off", "Dune", 2022, []Candidate{dune}, opts, 0, "0.90", false},
		{"no year", "Dune", 0, []Candidate{dune}, opts, 0, "0.85", false},
		{"two years off", "Dune", 2023, []Candidate{dune}, opts, 0, "0.75", false},
		{"below the threshold", "Dune", 1984, []Candidate{dune}, opts, -1, "0.55", false},
		{"sequel", "Dune", 2021, []Candidate{{Titles: []string{"Dune: Part Two"}, Year: 2024}}, opts, -1, "0.11", false},
		{"the year decides", "Dune", 1984, []Candidate{dune, dune84}, opts, 1, "1.00", false},
		{"a tie keeps the order", "Dune", 0, []Candidate{dune, dune84}, opts, 0, "0.85", true},
		{"original title", "Le Fabuleux Destin d'Amelie Poulain", 0, []Candidate{amelie}, opts, 0, "0.85", false},
		{"accents", "Amelie", 0, []Candidate{amelie}, opts, 0, "0.85", false},
		{"nothing", "Dune", 0, nil, opts, -1, "0.00", false},
		{"no threshold", "Dune", 1984, []Candidate{dune}, Options{}, 0, "0.55", false},
		{"provider folding", "Shoujo", 0, []Candidate{{Titles: []string{"Shōjo"}}},
			Options{Normalize: func(s string) string { return strings.ReplaceAll(s, "ou", "o") }, Threshold: 0.6}, 0, "0.85", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, s, amb := Best(tc.title, tc.year, tc.cs, tc.opts)
			if i != tc.index || fmt.Sprintf("%.2f", s) != tc.score || amb != tc.ambiguous {
				t.Errorf("Best = %d %.2f %v, want %d %s %v", i, s, amb, tc.index, tc.score, tc.ambiguous)
			}
		})
	}
}

func TestPick(t *testing.T) {
	type result struct {
		id    int
		title string
	}
	rs := []result{{1, "Heat"}, {2, "The Heat"}, {3, "Hea"}}
	cand := func(r result) Candidate { return Candidate{Titles: []string{r.title}} }
	opts := Options{Threshold: 0.6, Margin: 0.05}
	if r, s, amb := Pick("Heat", 0, rs, cand, opts); r.id != 1 || s != 0.85 || !amb { // "The Heat" is "heat" too
		t.Errorf("Pick = %+v %.2f %v", r, s, amb)
	}
	if r, s, _ := Pick("Ronin", 0, rs, cand, opts); r != (result{}) || s >= 0.6 {
		t.Errorf("Pick without a match = %+v %.2f", r, s)
	}
}
