package mal

import (
	"fmt"
	"testing"
	"time"

	"github.com/walros/walros/core/metadata/match"
)

func TestSimplify(t *testing.T) {
	for in, want := range map[string]string{
		"Hunter × Hunter":          "hunter x hunter",
		"HUNTER x HUNTER":          "hunter x hunter",
		"Shōjo Kakumei Utena":      "shojo kakumei utena",
		"Shoujo Kakumei Utena":     "shojo kakumei utena",
		"Kyoukai no Kanata":        "kyokai no kanata",
		"The Melancholy of Haruhi": "melancholy of haruhi",
		"Re:Zero kara Hajimeru":    "re zero kara hajimeru",
		"JoJo's Bizarre Adventure": "jojos bizarre adventure",
		"進撃の巨人":                    "進撃の巨人",
	} {
		if got := romaji.Replace(match.Normalize(in)); got != want {
			t.Errorf("simplified %q = %q, want %q", in, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	aot := anime{MalID: 16498, Title: "Shingeki no Kyojin", TitleEnglish: "Attack on Titan", TitleSynonyms: []string{"AoT"}}
	aot.Aired.Prop.From.Year = 2013
	utena := anime{MalID: 440, Title: "Shoujo Kakumei Utena", Year: 1997}
	for _, tc := range []struct {
		title string
		year  int
		a     anime
		want  string
	}{
		{"Attack on Titan", 2013, aot, "1.00"},
		{"Shingeki no Kyoujin", 2013, aot, "1.00"}, // long vowels spelled out
		{"AoT", 0, aot, "0.85"},
		{"Attack on Titan", 2017, aot, "0.55"},
		{"Shojo Kakumei Utena", 1997, utena, "1.00"}, // the year of the season when aired.prop lacks it
	} {
		if _, s, _ := pick(tc.title, tc.year, []anime{tc.a}); fmt.Sprintf("%.2f", s) != tc.want {
			t.Errorf("score(%q, %d, %q) = %.2f, want %s", tc.title, tc.year, tc.a.Title, s, tc.want)
		}
	}
}

func TestPickIgnoresDuplicates(t *testing.T) {
	a := anime{MalID: 1, Title: "Cowboy Bebop"}
	b := anime{MalID: 2, Title: "Cowboy Bebop: Tengoku no Tobira"}
	if best, s, amb := pick("Cowboy Bebop", 0, []anime{a, a, b}); best.MalID != 1 || s != 0.85 || amb {
		t.Errorf("pick = %d %.2f %v", best.MalID, s, amb)
	}
	if _, s, _ := pick("Cowboy Bebop", 0, nil); s != 0 {
		t.Errorf("pick of nothing scored %v", s)
	}
}

func TestFieldParsers(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"24 min per ep": 24 * time.Minute,
		"2 hr 4 min":    2*time.Hour + 4*time.Minute,
		"1 hr":          time.Hour,
		"45 sec per ep": 45 * time.Second,
		"3 min 20 sec":  3*time.Minute + 20*time.Second,
		"Unknown":       0,
		"":              0,
	} {
		if got := parseDuration(in); got != want {
			t.Errorf("parseDuration(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"PG-13 - Teens 13 or older":      "PG-13",
		"R - 17+ (violence & profanity)": "R",
		"R+ - Mild Nudity":               "R+",
		"G - All Ages":                   "G",
		"":                               "",
	} {
		if got := ratingCode(in); got != want {
			t.Errorf("ratingCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"A story.\n\n[Written by MAL Rewrite]": "A story.",
		"A story. (Source: ANN)":               "A story. (Source: ANN)",
		"  A [bracketed] story.  ":             "A [bracketed] story.",
	} {
		if got := synopsis(in); got != want {
			t.Errorf("synopsis(%q) = %q, want %q", in, got, want)
		}
	}
}
