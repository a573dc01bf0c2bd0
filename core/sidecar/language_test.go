package sidecar_test

import (
	"testing"

	"github.com/walros/walros/core/sidecar"
)

func TestParseLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"en", "eng", true}, {"eng", "eng", true}, {"English", "eng", true}, {"english", "eng", true}, {"ENG", "eng", true},
		{"fre", "fre", true}, {"fra", "fre", true}, {"French", "fre", true}, {"fr", "fre", true},
		{"de", "ger", true}, {"deu", "ger", true}, {"ger", "ger", true},
		{"pt-BR", "por", true}, {"pt_br", "por", true}, {"pob", "por", true}, {"Brazilian", "por", true},
		{"zh-Hans", "chi", true}, {"zh", "chi", true}, {"zho", "chi", true}, {"zh-Hant", "chi", true},
		{"es-419", "spa", true}, {"en-US", "eng", true}, {"sr-Latn", "srp", true},
		{"iw", "heb", true}, {"farsi", "per", true}, {"nb", "nob", true}, {"hi", "hin", true},
		{" en ", "eng", true},
		{"und", "", true}, {"UND", "", true},
		{"commentary", "", false}, {"xx", "", false}, {"new", "", false}, {"war", "", false}, {"sdh", "", false},
		{"", "", false}, {"en-", "", false}, {"-BR", "", false}, {"und-US", "", false}, {"english-us", "", false},
		{"en-B R", "", false}, {"en-toolongtag", "", false}, {"e", "", false}, {"\xff", "", false},
	} {
		got, ok := sidecar.ParseLanguage(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseLanguage(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSubtitleFlags(t *testing.T) {
	for _, tc := range []struct {
		flags string // between "M." and ".srt"
		want  sidecar.Subtitle
	}{
		{"", sidecar.Subtitle{}},
		{"en", sidecar.Subtitle{Language: "eng"}},
		{"eng.forced", sidecar.Subtitle{Language: "eng", Forced: true}},
		{"English.SDH", sidecar.Subtitle{Language: "eng", HearingImpaired: true}},
		{"fre.default", sidecar.Subtitle{Language: "fre", Default: true}},
		{"fra.Foreign", sidecar.Subtitle{Language: "fre", Forced: true}},
		{"en.cc", sidecar.Subtitle{Language: "eng", HearingImpaired: true}},
		{"pt-BR", sidecar.Subtitle{Language: "por", Title: "Brazilian"}},
		{"pt-PT.forced", sidecar.Subtitle{Language: "por", Title: "European", Forced: true}},
		{"zh-Hans", sidecar.Subtitle{Language: "chi", Title: "Simplified"}},
		{"zh-TW", sidecar.Subtitle{Language: "chi", Title: "Traditional"}},
		{"en-US", sidecar.Subtitle{Language: "eng", Title: "en-US"}},
		{"und", sidecar.Subtitle{}},
		{"en.commentary", sidecar.Subtitle{Language: "eng", Title: "commentary"}},
		{"Director's Commentary.en", sidecar.Subtitle{Language: "eng", Title: "Director's Commentary"}},
		{"2.en", sidecar.Subtitle{Language: "eng", Title: "2"}},
		{"signs.songs.en", sidecar.Subtitle{Language: "eng", Title: "signs songs"}},
		// "hi" is Hindi alone, the hearing-impaired flag beside another language.
		{"hi", sidecar.Subtitle{Language: "hin"}},
		{"en.hi", sidecar.Subtitle{Language: "eng", HearingImpaired: true}},
		{"hi.en", sidecar.Subtitle{Language: "eng", HearingImpaired: true}},
		{"hin.hi", sidecar.Subtitle{Language: "hin", HearingImpaired: true}},
		{"en-sdh", sidecar.Subtitle{Language: "eng", HearingImpaired: true}},
		{"eng_forced_sdh", sidecar.Subtitle{Language: "eng", Forced: true, HearingImpaired: true}},
		{"en.fr", sidecar.Subtitle{Language: "fre"}}, // the last language wins, as in Jellyfin
		{"en..forced", sidecar.Subtitle{Language: "eng", Forced: true}},
		{"cc", sidecar.Subtitle{HearingImpaired: true}},
		{"no", sidecar.Subtitle{Language: "nor"}},
		{"x-rated", sidecar.Subtitle{Title: "x-rated"}},
		{"line\nbreak\t.en", sidecar.Subtitle{Language: "eng", Title: "line break"}},
		{"bad\xffutf8", sidecar.Subtitle{Title: "badutf8"}},
	} {
		got := sidecar.ForMedia("M.mkv", []string{"M.mkv", "M." + tc.flags + ".srt"}, sidecar.Options{})
		if tc.flags == "" {
			got = sidecar.ForMedia("M.mkv", []string{"M.mkv", "M.srt"}, sidecar.Options{})
		}
		if len(got.Subtitles) != 1 {
			t.Errorf("%q: %d subtitles", tc.flags, len(got.Subtitles))
			continue
		}
		sub := got.Subtitles[0]
		sub.Path, sub.Format = "", ""
		if sub != tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.flags, sub, tc.want)
		}
	}
}

func TestLongTitle(t *testing.T) {
	long := ""
	for range 100 {
		long += "é" + "\x01"
	}
	got := sidecar.ForMedia("M.mkv", []string{"M." + long + ".srt"}, sidecar.Options{})
	if len(got.Subtitles) != 1 || len(got.Subtitles[0].Title) > 200 {
		t.Fatalf("got %+v", got.Subtitles)
	}
}
