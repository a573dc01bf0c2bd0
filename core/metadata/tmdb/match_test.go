package tmdb

import (
	"fmt"
	"testing"

	"github.com/walros/walros/core"
)

func TestScore(t *testing.T) {
	dune2021 := searchResult{ID: 1, Title: "Dune", OriginalTitle: "Dune", ReleaseDate: "2021-09-15"}
	for _, tc := range []struct {
		title string
		year  int
		r     searchResult
		want  string
	}{
		{"Dune", 2021, dune2021, "1.00"},
		{"Dune", 2022, dune2021, "0.90"},
		{"Dune", 0, dune2021, "0.85"},
		{"Dune", 2023, dune2021, "0.75"},
		{"Dune", 1984, dune2021, "0.55"}, // below the threshold
		{"Spiderman", 0, searchResult{Title: "Spider-Man"}, "0.85"},
		{"Amelie", 2001, searchResult{Title: "Amélie", ReleaseDate: "2001-04-25"}, "1.00"},
		{"Le Fabuleux Destin d'Amelie Poulain", 0, searchResult{Title: "Amélie", OriginalTitle: "Le Fabuleux Destin d'Amélie Poulain"}, "0.85"},
		{"Dune", 2021, searchResult{Title: "Dune: Part Two", ReleaseDate: "2024-02-27"}, "0.11"},
	} {
		if _, s, _ := pick(tc.title, tc.year, []searchResult{tc.r}); fmt.Sprintf("%.2f", s) != tc.want {
			t.Errorf("score(%q, %d, %q) = %.2f, want %s", tc.title, tc.year, tc.r.Title, s, tc.want)
		}
	}
}

func TestPick(t *testing.T) {
	results := []searchResult{
		{ID: 1, Title: "Dune", ReleaseDate: "2021-09-15"},
		{ID: 2, Title: "Dune", ReleaseDate: "1984-12-14"},
	}
	if best, s, amb := pick("Dune", 1984, results); best.ID != 2 || s != 1 || amb {
		t.Errorf("pick 1984 = %d %.2f %v", best.ID, s, amb)
	}
	if best, _, amb := pick("Dune", 0, results); best.ID != 1 || !amb {
		t.Errorf("pick without year = %d %v, want the first, ambiguous", best.ID, amb)
	}
	if _, s, _ := pick("Dune", 0, nil); s != 0 {
		t.Errorf("pick of nothing scored %v", s)
	}
}

func TestCreditsCap(t *testing.T) {
	p := New(testKey, nil, Options{})
	var cast []castMember
	for i := 30; i > 0; i-- { // TMDb's order, not the slice's, is the billing
		cast = append(cast, castMember{Name: fmt.Sprint("actor ", i), Order: i})
	}
	got := p.credits(cast, nil, core.PersonActor)
	if len(got) != maxActors || got[0].Name != "actor 1" || got[19].Name != "actor 20" || got[19].Order != 19 {
		t.Fatalf("%d credits, first %+v, last %+v", len(got), got[0], got[len(got)-1])
	}
}

func TestRegionAndLanguages(t *testing.T) {
	for _, tc := range []struct{ lang, region, images string }{
		{"en-US", "US", "en,null"},
		{"fr-FR", "FR", "fr,en,null"},
		{"de", "US", "de,en,null"},
		{"pt-br", "BR", "pt,en,null"},
	} {
		if r, i := region(tc.lang), imageLanguages(tc.lang); r != tc.region || i != tc.images {
			t.Errorf("%s: region %s images %s", tc.lang, r, i)
		}
	}
}
