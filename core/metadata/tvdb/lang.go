package tvdb

import "strings"

// languages maps ISO 639-1 codes, the first part of a BCP 47 tag, to the ISO 639-2 codes TVDB
// names its translations with.
var languages = map[string]string{
	"ar": "ara", "bg": "bul", "ca": "cat", "cs": "ces", "da": "dan", "de": "deu", "el": "ell",
	"en": "eng", "es": "spa", "et": "est", "fa": "fas", "fi": "fin", "fr": "fra", "he": "heb",
	"hi": "hin", "hr": "hrv", "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "ko": "kor",
	"lt": "lit", "lv": "lav", "ms": "msa", "nb": "nor", "nl": "nld", "nn": "nor", "no": "nor",
	"pl": "pol", "pt": "por", "ro": "ron", "ru": "rus", "sk": "slk", "sl": "slv", "sr": "srp",
	"sv": "swe", "th": "tha", "tr": "tur", "uk": "ukr", "vi": "vie", "zh": "zho",
}

// tvdbLanguage returns TVDB's code for lang, a BCP 47 tag ("fr-FR") or already a 3-letter code
// ("fra"), or "" when it knows none.
func tvdbLanguage(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	base, _, _ = strings.Cut(base, "_") // "fr_FR", as some configs spell it
	if len(base) == 3 {
		return base
	}
	return languages[base]
}

// countries maps the regions of BCP 47 tags to the ISO 3166-1 alpha-3 codes of TVDB's content
// ratings.
var countries = map[string]string{
	"AT": "aut", "AU": "aus", "BE": "bel", "BR": "bra", "CA": "can", "CH": "che", "DE": "deu",
	"DK": "dnk", "ES": "esp", "FI": "fin", "FR": "fra", "GB": "gbr", "IE": "irl", "IT": "ita",
	"JP": "jpn", "KR": "kor", "MX": "mex", "NL": "nld", "NO": "nor", "NZ": "nzl", "PL": "pol",
	"PT": "prt", "RU": "rus", "SE": "swe", "US": "usa",
}

// country returns the rating country of a BCP 47 tag ("fra" for "fr-FR"), "usa" when it names
// none.
func country(lang string) string {
	_, region, ok := strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-")
	if c := countries[strings.ToUpper(region)]; ok && c != "" {
		return c
	}
	return "usa"
}
