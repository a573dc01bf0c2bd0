package core

import (
	"strconv"
	"strings"
)

// Parental ratings are mapped onto one scale, the age from which a rating allows an item: G and
// FSK 0 are 0, PG-13 is 13, TV-MA is 17, FSK 18 and R18+ are 18. It is the scale Jellyfin 10.9
// and later use for MaxParentalRating, so its clients' settings need no conversion.

// MaxRatingLevel is the top of the scale.
const MaxRatingLevel = 21

// ratingSystems maps a country's ratings (upper case, spaces and dashes removed) to the scale.
var ratingSystems = map[string]map[string]int{
	"US": {"G": 0, "PG": 10, "PG13": 13, "R": 17, "NC17": 18, "X": 18,
		"TVY": 0, "TVG": 0, "TVY7": 7, "TVY7FV": 7, "TVPG": 10, "TV14": 14, "TVMA": 17},
	"DE": {"0": 0, "6": 6, "12": 12, "16": 16, "18": 18, "FSK0": 0, "FSK6": 6, "FSK12": 12, "FSK16": 16, "FSK18": 18,
		"AB0": 0, "AB6": 6, "AB12": 12, "AB16": 16, "AB18": 18},
	"GB": {"U": 0, "UC": 0, "PG": 8, "12": 12, "12A": 12, "15": 15, "18": 18, "R18": 18},
	"FR": {"U": 0, "TP": 0, "10": 10, "12": 12, "16": 16, "18": 18},
	"AU": {"G": 0, "PG": 8, "M": 15, "MA15+": 15, "MA15": 15, "MA": 15, "R18+": 18, "R18": 18, "R": 18, "X18+": 18, "X18": 18,
		"P": 0, "C": 0},
	"CA": {"G": 0, "PG": 8, "14A": 14, "18A": 18, "R": 18, "A": 18, "C": 0, "C8": 8, "14+": 14, "18+": 18},
	"NL": {"AL": 0, "6": 6, "9": 9, "12": 12, "14": 14, "16": 16, "18": 18},
	"JP": {"G": 0, "PG12": 12, "R15+": 15, "R15": 15, "R18+": 18, "R18": 18},
	"KR": {"ALL": 0, "12": 12, "15": 15, "18": 18, "19": 18},
	"BR": {"L": 0, "10": 10, "12": 12, "14": 14, "16": 16, "18": 18},
	"IE": {"G": 0, "PG": 8, "12A": 12, "15A": 15, "16": 16, "18": 18},
	"NZ": {"G": 0, "PG": 8, "M": 16, "R13": 13, "R15": 15, "R16": 16, "R18": 18},
	"ES": {"A": 0, "APTA": 0, "TP": 0, "7": 7, "12": 12, "16": 16, "18": 18},
	"IT": {"T": 0, "VM14": 14, "VM18": 18, "6+": 6, "14+": 14, "18+": 18},
	"SE": {"BTL": 0, "7": 7, "11": 11, "15": 15},
	"DK": {"A": 0, "7": 7, "11": 11, "15": 15},
	"NO": {"A": 0, "6": 6, "9": 9, "12": 12, "15": 15, "18": 18},
	"RU": {"0+": 0, "6+": 6, "12+": 12, "16+": 16, "18+": 18},
}

// anyCountry holds the ratings read without a country: the US systems, which NFO files and TMDb
// use by default, then the others' unambiguous names.
var anyCountry = func() map[string]int {
	m := map[string]int{}
	for _, sys := range []string{"RU", "IT", "JP", "DE", "GB", "AU", "CA", "US"} { // later ones win
		for k, v := range ratingSystems[sys] {
			m[k] = v
		}
	}
	for _, k := range []string{"M", "A", "C", "P", "L", "T"} { // one letter means too many things
		delete(m, k)
	}
	return m
}()

// ratingAliases are the prefixes of rating systems named instead of their country.
var ratingAliases = map[string]string{"MPAA": "US", "BBFC": "GB", "FSK": "DE", "CSA": "FR", "UK": "GB", "ACB": "AU",
	"KIJKWIJZER": "NL", "EIRIN": "JP", "CNC": "FR"}

// RatingLevel maps an official rating ("PG-13", "TV-MA", "FSK 16", "de/12", "gb/15", "16+") onto
// the one scale; ok is false for an unrated or unknown rating ("NR", "Unrated", "", "Approved").
func RatingLevel(rating string) (level int, ok bool) {
	s := strings.ToUpper(strings.TrimSpace(rating))
	if len(s) > 40 {
		return 0, false
	}
	s = strings.TrimPrefix(s, "RATED ")
	sys := ""
	// "de/12", "DE-12", "DE:12", "FSK 16", "BBFC 15".
	if i := strings.IndexAny(s, "/: -"); i > 0 {
		head := s[:i]
		if a, ok := ratingAliases[head]; ok {
			sys = a
		} else if _, ok := ratingSystems[head]; ok && len(head) == 2 && !isRatingName(s) {
			sys = head
		}
		if sys != "" {
			s = strings.TrimLeft(s[i:], "/: -")
			if head == "FSK" {
				s = "FSK" + s
			}
		}
	}
	key := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(s)
	if sys != "" {
		if v, ok := ratingSystems[sys][key]; ok {
			return v, true
		}
	} else if v, ok := anyCountry[key]; ok {
		return v, true
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(key, "+")); err == nil && n >= 0 && n <= MaxRatingLevel {
		return n, true // a bare age: "16", "12+"
	}
	return 0, false
}

// isRatingName reports whether s is a whole rating whose first part looks like a country ("TV-14"
// is not Tuvalu).
func isRatingName(s string) bool {
	_, ok := anyCountry[strings.NewReplacer(" ", "", "-", "").Replace(s)]
	return ok
}

// RatingNames lists the ratings of the scale's common systems with their levels, for clients that
// offer a choice (Jellyfin's /Localization/ParentalRatings).
func RatingNames() []RatingName {
	return []RatingName{
		{"G", 0}, {"TV-Y", 0}, {"TV-G", 0}, {"FSK 0", 0}, {"U", 0},
		{"FSK 6", 6}, {"TV-Y7", 7},
		{"PG", 10}, {"TV-PG", 10},
		{"FSK 12", 12}, {"12A", 12},
		{"PG-13", 13},
		{"TV-14", 14},
		{"15", 15},
		{"FSK 16", 16},
		{"R", 17}, {"TV-MA", 17},
		{"NC-17", 18}, {"FSK 18", 18}, {"18", 18},
	}
}

// RatingName is a rating and its level.
type RatingName struct {
	Name  string
	Level int
}
