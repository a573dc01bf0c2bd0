package tvdb

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestRate(t *testing.T) {
	bb := searchResult{TVDBID: "81189", Name: "Breaking Bad", Year: "2008"}
	dw := searchResult{TVDBID: "78804", Name: "Doctor Who (2005)", FirstAirTime: "2005-03-26"}
	op := searchResult{TVDBID: "81797", Name: "ワンピース", Aliases: []string{"OP"}, Translations: map[string]string{"eng": "One Piece"}}
	for _, tc := range []struct {
		title string
		year  int
		r     searchResult
		want  string
	}{
		{"Breaking Bad", 2008, bb, "1.00"},
		{"Breaking Bad", 2009, bb, "0.90"},
		{"Breaking Bad", 0, bb, "0.85"},
		{"Breaking Bad", 2010, bb, "0.75"},
		{"Breaking Bad", 1990, bb, "0.55"}, // below the threshold
		{"Doctor Who", 2005, dw, "1.00"},   // the qualifier is dropped; the year read from first_air_time
		{"One Piece", 1999, op, "0.85"},    // through the English translation; no year known
		{"Breaking", 2008, bb, "0.77"},
	} {
		if _, s, _ := best(tc.title, tc.year, []candidate{tc.r.candidate()}); fmt.Sprintf("%.2f", s) != tc.want {
			t.Errorf("rate(%q, %d, %q) = %.2f, want %s", tc.title, tc.year, tc.r.Name, s, tc.want)
		}
	}
}

func TestBest(t *testing.T) {
	cs := []candidate{
		{id: "1", titles: []string{"Doctor Who"}, year: 2005},
		{id: "2", titles: []string{"Doctor Who"}, year: 1963},
	}
	if c, s, amb := best("Doctor Who", 1963, cs); c.id != "2" || s != 1 || amb {
		t.Errorf("best 1963 = %s %.2f %v", c.id, s, amb)
	}
	if c, _, amb := best("Doctor Who", 0, cs); c.id != "1" || !amb {
		t.Errorf("best without year = %s %v, want the first, ambiguous", c.id, amb)
	}
	if _, s, _ := best("Doctor Who", 0, nil); s != 0 {
		t.Errorf("best of nothing scored %v", s)
	}
}

func TestLanguageCodes(t *testing.T) {
	for _, tc := range []struct{ in, lang, country string }{
		{"en-US", "eng", "usa"},
		{"fr-FR", "fra", "fra"},
		{"de", "deu", "usa"},
		{"ja_JP", "jpn", "jpn"},
		{"pt-BR", "por", "bra"},
		{"eng", "eng", "usa"},
		{"", "", "usa"},
		{"xx-YY", "", "usa"},
	} {
		if l, c := tvdbLanguage(tc.in), country(tc.in); l != tc.lang || c != tc.country {
			t.Errorf("%q: language %q country %q, want %q %q", tc.in, l, c, tc.lang, tc.country)
		}
	}
}

func TestFlexString(t *testing.T) {
	var v struct{ A, B, C flexString }
	if err := json.Unmarshal([]byte(`{"A":"tt0903747","B":1396,"C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "tt0903747" || v.B != "1396" || v.C != "" {
		t.Errorf("%+v", v)
	}
	if err := json.Unmarshal([]byte(`{"A":true}`), &v); err == nil {
		t.Error("a boolean id decoded")
	}
}
