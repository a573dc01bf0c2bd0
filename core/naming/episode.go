package naming

import (
	"regexp"
	"strings"
)

// marker is where a name numbers an episode, and what it says.
type marker struct {
	start, end int // byte offsets in the name
	season     int // -1 when the marker gives none
	episodes   []int
	absolute   int
	isAbsolute bool // absolute holds the number: "Show - 00" is episode 0
	date       string
	bare       bool // a number alone: "205" in a season 2 folder is episode 5
	lone       bool // a lone E009 after a title, which a year may follow
}

// maxEpisodes bounds a multi-episode list, so "S01E01-E9999" stays small.
const maxEpisodes = 100

var (
	reSxE      = regexp.MustCompile(`(?i)s(\d{1,4})[ .\-]?e(\d{1,5})`) // S01E00493: a daily soap
	reNxN      = regexp.MustCompile(`(?i)(\d{1,2})x(\d{2,3})`)
	reSeasonEp = regexp.MustCompile(`(?i)season[ .\-]{0,3}(\d{1,4})[ .\-]{0,3}(?:episode|ep)[ .\-]{0,3}(\d{1,4})`)
	reAnimeS   = regexp.MustCompile(`(?i)(?:s|season )(\d{1,2}) - (?:episode |ep ?)?(\d{1,4})(?:v\d{1,2})?`)
	reYMD      = regexp.MustCompile(`((?:19|20)\d\d)[ .\-](\d\d)[ .\-](\d\d)`)
	reDMY      = regexp.MustCompile(`(\d\d)[ .\-](\d\d)[ .\-]((?:19|20)\d\d)`)
	reDMonY    = regexp.MustCompile(`(?i)(\d{1,2})(?:st|nd|rd|th)?[ .\-](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?[ .\-]((?:19|20)\d\d)`)
	reEpWord   = regexp.MustCompile(`(?i)(episode|ep|e)[ .]?(\d{1,4})(?:v\d{1,2})?`)
	reAbsolute = regexp.MustCompile(` - (\d{1,4})(?:v\d{1,2})?`)
	reBare     = regexp.MustCompile(`^(\d{1,4})(?:-(\d{1,4}))?`)
)

// eachMatch calls fn with the submatch offsets of each match of re in s, left
// to right, until fn returns true. After a rejected match the search resumes
// one byte further, so matches may overlap; the regexps here match a bounded
// length, so the work stays linear.
func eachMatch(re *regexp.Regexp, s string, fn func(m []int) bool) {
	for off := 0; off < len(s); {
		m := re.FindStringSubmatchIndex(s[off:])
		if m == nil {
			return
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += off
			}
		}
		if fn(m) {
			return
		}
		off = m[0] + 1
	}
}

// hasPair reports whether two adjacent bytes of s satisfy f.
func hasPair(s string, f func(a, b byte) bool) bool {
	for i := 0; i+1 < len(s); i++ {
		if f(s[i], s[i+1]) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word sub, in any case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// wordBefore reports whether s[i-1] continues a word, so a match at i is not
// at a word start. Bytes of multi-byte letters count as boundaries, so that
// Japanese titles may touch their markers.
func wordBefore(s string, i int) bool { return i > 0 && isAlnum(s[i-1]) }

// findMarker finds the episode marker of a name, strongest form first.
func findMarker(s string, toks []token, o opts) *marker {
	for _, find := range []func(string) *marker{findSxE, findNxN, findSeasonEp, findAnimeSeason, findDate} {
		if m := find(s); m != nil {
			return m
		}
	}
	if m := findShortDate(s, toks); m != nil {
		return m
	}
	if m := findSeasonPack(toks); m != nil {
		return m
	}
	if o.bare != bareNo {
		if m := findBare(s, o.bare); m != nil {
			return m
		}
	}
	if !o.weak {
		return nil
	}
	for _, find := range []func(string, []token, opts) *marker{findEpisodeWord, findAbsolute, findSceneNumber} {
		if m := find(s, toks, o); m != nil && (m.lone || !yearAfter(toks, m.end)) {
			return m
		}
	}
	return nil
}

// findSxE reads S01E02, s01e02e03, S01E02-E03, S01E02-03 and S01.E02.
func findSxE(s string) *marker {
	if !hasPair(s, func(a, b byte) bool { return a|0x20 == 's' && isDigit(b) }) {
		return nil // most names: skip the regexp
	}
	var found *marker
	eachMatch(reSxE, s, func(m []int) bool {
		if wordBefore(s, m[0]) || m[1] < len(s) && isDigit(s[m[1]]) {
			return false
		}
		season := atoi(s[m[2]:m[3]])
		eps, end := moreEpisodes(s, m[1], atoi(s[m[4]:m[5]]), season, 'e')
		found = &marker{start: m[0], end: end, season: season, episodes: eps}
		return true
	})
	return found
}

// findNxN reads 1x02, 01x02-03 and 1x02x03.
func findNxN(s string) *marker {
	if !hasPair(s, func(a, b byte) bool { return isDigit(a) && b|0x20 == 'x' }) {
		return nil
	}
	var found *marker
	eachMatch(reNxN, s, func(m []int) bool {
		if wordBefore(s, m[0]) {
			return false
		}
		season := atoi(s[m[2]:m[3]])
		eps, end := moreEpisodes(s, m[1], atoi(s[m[4]:m[5]]), season, 'x')
		if end < len(s) && isAlnum(s[end]) {
			return false // 1x02p, 12x345678
		}
		found = &marker{start: m[0], end: end, season: season, episodes: eps}
		return true
	})
	return found
}

// moreEpisodes reads what follows a first episode number at s[i:]: further
// episodes ("E03", "x03"), or a range ("-E05", "-05", "-S01E05"), which it
// expands. It returns the episodes and the offset after the last one.
func moreEpisodes(s string, i, first, season int, sep byte) ([]int, int) {
	eps, end := []int{first}, i
	for len(eps) < maxEpisodes {
		j, isRange := end, false
		if j < len(s) && s[j] == '-' {
			j, isRange = j+1, true
		}
		if isRange && j < len(s) && (s[j]|0x20) == 's' { // S01E02-S01E03
			k := j + 1
			for k < len(s) && k-j <= 4 && isDigit(s[k]) {
				k++
			}
			if k == j+1 || k >= len(s) || (s[k]|0x20) != 'e' || atoi(s[j+1:k]) != season {
				break
			}
			j = k
		}
		if isRange && sep == 'x' { // 1x02-1x03
			k := j
			for k < len(s) && k-j < 2 && isDigit(s[k]) {
				k++
			}
			if k > j && k < len(s) && (s[k]|0x20) == 'x' {
				if atoi(s[j:k]) != season {
					break
				}
				j = k
			}
		}
		marked := false
		if j < len(s) && (s[j]|0x20) == sep {
			j, marked = j+1, true
		}
		if !isRange && !marked {
			break
		}
		k := j
		for k < len(s) && k-j < 4 && isDigit(s[k]) {
			k++
		}
		if k == j || k < len(s) && isDigit(s[k]) || !marked && k < len(s) && isLetter(s[k]) && (s[k]|0x20) != sep {
			break // "-GRP", "-1080p"
		}
		n, last := atoi(s[j:k]), eps[len(eps)-1]
		switch {
		case isRange && n > last && n-last < maxEpisodes:
			for e := last + 1; e <= n && len(eps) < maxEpisodes; e++ {
				eps = append(eps, e)
			}
		case n != last:
			eps = append(eps, n)
		}
		end = k
	}
	return eps, end
}

// findSeasonPack reads the season of a whole-season release: the S02 of
// "Show.S02.1080p.BluRay-GRP", "Show S01-S03", "Show.S01S02.COMPLETE",
// "Show.S01D02" (disc 2), "Show (2005) Series 1 Disk 2". It never starts a
// name, and a lone S02 or "Season 2" must come before a release tag, a year, a
// further season or the end of the name, so that "Series 7 The Contenders"
// stays a title. Its marker has a season and no episode, unless "Episode 5"
// follows it.
func findSeasonPack(toks []token) *marker {
	for i := 1; i < len(toks); i++ {
		t, end := toks[i], i+1
		season, ok := packSeason(t.norm)
		if !ok && (t.norm == "season" || t.norm == "series") && end < len(toks) && toks[end].start == t.end+1 &&
			isDigits(toks[end].norm) && len(toks[end].norm) <= 2 { // not "The Final Season - 01"
			season, ok, end = atoi(toks[end].norm), true, end+1
		}
		if !ok || t.tag.kind != kindNone {
			continue
		}
		if end+1 < len(toks) && (toks[end].norm == "episode" || toks[end].norm == "ep") && isDigits(toks[end+1].norm) && len(toks[end+1].norm) <= 4 {
			ep := toks[end+1] // Show S01 Episode 5
			return &marker{start: t.start, end: ep.end, season: season, episodes: []int{atoi(ep.norm)}}
		}
		if end < len(toks) && (t.norm == "season" || t.norm == "series" || isDigits(t.norm[1:])) {
			next := toks[end]
			if _, more := packSeason(next.norm); !more && next.tag.kind == kindNone && next.year == 0 && next.norm != "complete" {
				continue
			}
		}
		return &marker{start: t.start, end: toks[end-1].end, season: season}
	}
	return nil
}

// packSeason reads a season token of a season pack: s02, s01s03 (S01-S03),
// s01d02 (disc 2), s04dvd7. It returns the first season.
func packSeason(norm string) (int, bool) {
	if len(norm) < 2 || norm[0] != 's' || !isDigit(norm[1]) {
		return 0, false
	}
	i := 1
	for i < len(norm) && i <= 3 && isDigit(norm[i]) {
		i++
	}
	season, rest := atoi(norm[1:i]), norm[i:]
	switch {
	case rest == "":
	case rest[0] == 's':
		if _, ok := packSeason(rest); !ok {
			return 0, false
		}
	case strings.HasPrefix(rest, "dvd") && isDigits(rest[3:]) && len(rest) <= 5,
		rest[0] == 'd' && isDigits(rest[1:]) && len(rest) <= 3:
	default:
		return 0, false
	}
	return season, true
}

// findSeasonEp reads "Season 1 Episode 2".
func findSeasonEp(s string) *marker {
	if !containsFold(s, "season") {
		return nil
	}
	var found *marker
	eachMatch(reSeasonEp, s, func(m []int) bool {
		if wordBefore(s, m[0]) || m[1] < len(s) && isDigit(s[m[1]]) {
			return false
		}
		found = &marker{start: m[0], end: m[1], season: atoi(s[m[2]:m[3]]), episodes: []int{atoi(s[m[4]:m[5]])}}
		return true
	})
	return found
}

// findAnimeSeason reads the "Show S2 - 05" of anime releases.
func findAnimeSeason(s string) *marker {
	if !strings.Contains(s, " - ") {
		return nil
	}
	var found *marker
	eachMatch(reAnimeS, s, func(m []int) bool {
		if m[0] == 0 || s[m[0]-1] != ' ' || !endsNumber(s, m[1]) {
			return false
		}
		found = &marker{start: m[0], end: m[1], season: atoi(s[m[2]:m[3]]), episodes: []int{atoi(s[m[4]:m[5]])}}
		return true
	})
	return found
}

// findBare reads a name that starts with its episode number: "03 - Pilot",
// "05", "01-02". A four-digit number that is a year is not one in a short mode.
func findBare(s string, mode bareMode) *marker {
	m := reBare.FindStringSubmatchIndex(s)
	if m == nil || !endsNumber(s, m[1]) && (m[1] >= len(s) || s[m[1]] != '.') {
		return nil
	}
	digits := s[m[2]:m[3]]
	if mode == bareShort && (len(digits) > 2 && digits[0] != '0' || len(digits) > 3 || strings.TrimSpace(s[m[1]:]) != "") {
		return nil // only "01" or "007" on its own: not "300" or "24 Hours to Live"
	}
	first := atoi(digits)
	eps := []int{first}
	if m[4] >= 0 {
		if last := atoi(s[m[4]:m[5]]); last > first && last-first < maxEpisodes {
			for e := first + 1; e <= last; e++ {
				eps = append(eps, e)
			}
		}
	}
	return &marker{start: m[0], end: m[1], season: -1, episodes: eps, bare: true}
}

// endsNumber reports whether a number ending at s[i] stands alone.
func endsNumber(s string, i int) bool {
	return i == len(s) || strings.IndexByte(" -[(", s[i]) >= 0
}

// findEpisodeWord reads "Episode 5", "Ep.05" and a lone "E05".
func findEpisodeWord(s string, _ []token, _ opts) *marker {
	var found *marker
	eachMatch(reEpWord, s, func(m []int) bool {
		if wordBefore(s, m[0]) || m[1] < len(s) && isAlnum(s[m[1]]) {
			return false
		}
		if m[3]-m[2] == 1 && (m[5]-m[4] < 2 || m[4] != m[3]) {
			return false // "E05" alone is an episode; "E 5" and WALL-E.2008 are not
		}
		// A lone E009 names an episode even when a year follows, as German anime
		// releases write it (Show.E009.Title.German.2009); "Episode.4.1977" is a film.
		lone := m[3]-m[2] == 1 && m[0] > 0
		found = &marker{start: m[0], end: m[1], season: -1, episodes: []int{atoi(s[m[4]:m[5]])}, lone: lone}
		return true
	})
	return found
}

// findAbsolute reads the absolute number of "Show - 123": anime releases and
// long-running shows number episodes across seasons. Without an anime hint, a
// year, or a number that is one, makes it a movie: "Movie (2010) - 2".
func findAbsolute(s string, toks []token, o opts) *marker {
	if !strings.Contains(s, " - ") {
		return nil
	}
	var found *marker
	eachMatch(reAbsolute, s, func(m []int) bool {
		if m[0] == 0 || s[m[0]-1] == ' ' || !endsNumber(s, m[1]) || m[1] < len(s) && s[m[1]] == '-' {
			return false
		}
		n := atoi(s[m[2]:m[3]])
		if !o.anime && (yearOf(s[m[2]:m[3]]) != 0 || yearBefore(toks, m[0])) {
			return true // a movie: stop looking
		}
		found = &marker{start: m[0], end: m[1], season: -1, absolute: n, isAbsolute: true}
		return true
	})
	return found
}

// tvTags follow the three-digit episode number of old scene releases.
var tvTags = map[string]bool{
	"hdtv": true, "pdtv": true, "dsr": true, "web": true, "webrip": true, "webdl": true, "480p": true,
	"720p": true, "1080p": true, "x264": true, "xvid": true, "hdrip": true, "h264": true, "proper": true, "repack": true,
}

// findSceneNumber reads the 102 of "show.name.102.hdtv-lol": season 1,
// episode 2. Only episodes 1 to 30 count, so "Fahrenheit.451.720p" stays a movie.
func findSceneNumber(_ string, toks []token, _ opts) *marker {
	for i := 1; i+1 < len(toks); i++ {
		t := toks[i]
		if next := toks[i+1]; len(t.text) != 3 || !isDigits(t.text) || t.bracket || !tvTags[next.norm] && !tvTags[next.head] {
			continue
		}
		n := atoi(t.text)
		if n/100 >= 1 && n%100 >= 1 && n%100 <= 30 {
			return &marker{start: t.start, end: t.end, season: n / 100, episodes: []int{n % 100}}
		}
	}
	return nil
}

// yearAfter reports whether a year follows offset i before any hard tag:
// "Star.Wars.Episode.4.1977" is a movie title, not episode 4.
func yearAfter(toks []token, i int) bool {
	for _, t := range toks {
		if t.start < i {
			continue
		}
		if t.tag.anchor == anchorHard {
			return false
		}
		if t.year != 0 {
			return true
		}
	}
	return false
}

// yearBefore reports whether a year, not first in the name, precedes offset i.
func yearBefore(toks []token, i int) bool {
	for k, t := range toks {
		if t.start >= i {
			return false
		}
		if k > 0 && t.year != 0 {
			return true
		}
	}
	return false
}

var (
	reSeasonDir = regexp.MustCompile(`(?i)^(?:season|series|saison|staffel|temporada|stagione|seizoen|sezon|sezona|säsong|sæson|kausi)[ ._-]{0,3}(\d{1,4})(?:$|[^0-9])`)
	reSDir      = regexp.MustCompile(`(?i)^s(\d{1,4})$`)
	reSpecials  = regexp.MustCompile(`(?i)^(?:specials?|season[ ._-]{0,3}specials?)$`)
)

// seasonFolder reads a season folder: "Season 02", "S01", "Specials" (season
// 0), "Staffel 3", or a season pack such as "Show.Name.S02.1080p.BluRay-GRP",
// which also names the show.
func seasonFolder(dir string) (season int, show string, ok bool) {
	d := strings.TrimSpace(dir)
	if m := reSeasonDir.FindStringSubmatch(d); m != nil {
		return atoi(m[1]), "", true
	}
	if m := reSDir.FindStringSubmatch(d); m != nil {
		return atoi(m[1]), "", true
	}
	if reSpecials.MatchString(d) {
		return 0, "", true
	}
	s := strings.ReplaceAll(d, "_", " ")
	if findSxE(s) != nil || findNxN(s) != nil {
		return 0, "", false // an episode's folder, not a season's
	}
	toks := tokenize(s)
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case len(t.norm) >= 2 && len(t.norm) <= 5 && t.norm[0] == 's' && isDigits(t.norm[1:]):
		case t.norm == "season" && i+1 < len(toks) && isDigits(toks[i+1].norm) && len(toks[i+1].norm) <= 4:
			t.text = toks[i+1].text
		default:
			continue
		}
		n := atoi(strings.TrimLeft(strings.ToLower(t.text), "s"))
		raw, country := cutCountry(s[:t.start], true)
		if title := clean(raw, byteAt(s, len(raw))); title != "" {
			if country != "" {
				title += " (" + country + ")" // the folder's show is parsed again: keep its qualifier
			}
			return n, title, true
		}
	}
	return 0, "", false
}
