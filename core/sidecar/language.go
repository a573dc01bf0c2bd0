package sidecar

import (
	"strings"
)

// languageTable lists the languages subtitles come in, one a line: the ISO 639-2/B code first,
// then the ISO 639-1 code, the 639-2/T code where it differs, and English names. It is not the
// whole of ISO 639-2 on purpose: codes such as "new" (Newari), "war" or "sin" for rarely subtitled
// languages would turn title words into languages. A word missing here becomes part of the Title.
const languageTable = `
eng en english
fre fr fra french
ger de deu german
spa es spanish castilian
ita it italian
por pt portuguese
dut nl nld dutch flemish
swe sv swedish
nor no norwegian
nob nb bokmal
nno nn nynorsk
dan da danish
fin fi finnish
ice is isl icelandic
pol pl polish
cze cs ces czech
slo sk slk slovak
hun hu hungarian
rum ro ron romanian
bul bg bulgarian
gre el ell greek
rus ru russian
ukr uk ukrainian
bel be belarusian
srp sr serbian
hrv hr croatian
bos bs bosnian
slv sl slovenian slovene
mac mk mkd macedonian
alb sq sqi albanian
est et estonian
lav lv latvian
lit lt lithuanian
tur tr turkish
ara ar arabic
heb he iw hebrew
per fa fas persian farsi
hin hi hindi
ben bn bengali bangla
urd ur urdu
tam ta tamil
tel te telugu
mal ml malayalam
kan kn kannada
mar mr marathi
pan pa punjabi
guj gu gujarati
tha th thai
vie vi vietnamese
ind id indonesian
may ms msa malay
tgl tl tagalog
fil filipino
chi zh zho chinese
jpn ja japanese
kor ko korean
cat ca catalan
baq eu eus basque
glg gl galician
wel cy cym welsh
gle ga irish
geo ka kat georgian
arm hy hye armenian
kaz kk kazakh
mon mn mongolian
swa sw swahili
afr af afrikaans
lat la latin
epo eo esperanto
khm km khmer
lao lo lao
bur my mya burmese
nep ne nepali
sin si sinhala sinhalese
aze az azerbaijani
uzb uz uzbek
yid yi yiddish
ltz lb luxembourgish
tib bo bod tibetan
mao mi mri maori
kur ku kurdish
pus ps pashto
tgk tg tajik
`

// languages maps every code and name of languageTable, lower-cased, to its 639-2/B code.
var languages = func() map[string]string {
	m := make(map[string]string)
	for line := range strings.Lines(languageTable) {
		f := strings.Fields(line)
		for _, w := range f {
			m[w] = f[0]
		}
	}
	m["und"] = "" // ISO 639-2 "undetermined": known to mean nothing
	return m
}()

// variants are the language words and tags that say more than their language: OpenSubtitles
// writes "pob" for Brazilian Portuguese; BCP 47 tags carry a region or a script.
var variants = map[string]struct{ code, title string }{
	"pob": {"por", "Brazilian"}, "pb": {"por", "Brazilian"}, "brazilian": {"por", "Brazilian"},
	"pt-br": {"por", "Brazilian"}, "pt-pt": {"por", "European"},
	"zh-hans": {"chi", "Simplified"}, "zh-cn": {"chi", "Simplified"}, "zh-sg": {"chi", "Simplified"},
	"zh-hant": {"chi", "Traditional"}, "zh-tw": {"chi", "Traditional"}, "zh-hk": {"chi", "Hong Kong"},
	"es-419": {"spa", "Latin American"}, "es-la": {"spa", "Latin American"}, "es-mx": {"spa", "Latin American"},
	"es-es": {"spa", "Castilian"}, "fr-ca": {"fre", "Canadian"}, "fr-fr": {"fre", "European"},
}

// ParseLanguage returns the ISO 639-2/B code of a language code or English name, whatever its
// case: "en", "eng", "English" give "eng"; "fra" and "fre" give "fre"; "pt-BR" and "pt_BR" give
// "por". "und" gives "" and true: it is a code, and it says the language is unknown. Words that
// name no language give "" and false.
func ParseLanguage(s string) (code string, ok bool) {
	code, _, ok = parseTag(s)
	return code, ok
}

// parseTag is ParseLanguage that also returns what a variant adds, for a Title: "Brazilian" for
// "pt-BR", the tag as written for a region or script it has no name for ("en-US", "sr-Latn").
func parseTag(s string) (code, title string, ok bool) {
	w := strings.ToLower(strings.TrimSpace(s))
	if code, ok := languages[w]; ok {
		return code, "", true
	}
	norm := strings.ReplaceAll(w, "_", "-")
	if v, ok := variants[norm]; ok {
		return v.code, v.title, true
	}
	lang, sub, ok := strings.Cut(norm, "-")
	if !ok || len(lang) < 2 || len(lang) > 3 || len(sub) < 2 || len(sub) > 8 || !alnum(sub) {
		return "", "", false
	}
	if code, ok = languages[lang]; !ok || code == "" {
		return "", "", false
	}
	return code, strings.TrimSpace(s), true
}

// alnum reports whether s holds only ASCII letters and digits.
func alnum(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
