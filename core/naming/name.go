package naming

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Years outside [minYear, maxYear] are numbers in a title: "Blade Runner 2049".
const minYear = 1890

var maxYear = time.Now().Year() + 1

// bareMode says whether a name made of a number ("01.mkv", "03 - Pilot.mkv")
// is an episode number.
type bareMode uint8

const (
	bareNo    bareMode = iota
	bareShort          // "01" or "007" and nothing else: "Show/01.mkv" in a mixed library
	bareAny            // up to four digits, then text: in a season folder or a shows library
)

// opts is what the folders and the library type tell the name parser.
type opts struct {
	weak  bool     // accept weak episode markers: "Episode 5", "Show - 05", "show.102.hdtv"
	anime bool     // "Show - 1999" is episode 1999, not a year
	bare  bareMode // a leading number is an episode number
}

// nameInfo is what one path component says on its own.
type nameInfo struct {
	title, episodeTitle, country                   string
	year, part                                     int
	ep                                             *marker
	edition, resolution, source, codec, hdr, group string
	leadGroup                                      bool
}

var (
	reIDs         = regexp.MustCompile(`(?i)[\[{](?:tmdb|tvdb|imdb|anidb|tvmaze|tmdbid|tvdbid|imdbid|anidbid)[-=][^\]}]{0,64}[\]}]`)
	rePlexEdition = regexp.MustCompile(`(?i)\{edition-([^}]{0,128})\}`)
	reSite        = regexp.MustCompile(`(?i)^[\[(]?\s{0,4}www\.[^\s\])]{1,100}\s{0,4}[\])]?\s{0,4}-?\s{0,4}`)
	reGroupJunk   = regexp.MustCompile(`(?i)^(?:obfuscated|scrambled|postbot|xpost|rp|asrequested|buymore|rakuten|sample)$`)
)

// parseName reads one file or folder name, without its extension.
func parseName(s string, o opts) nameInfo {
	var n nameInfo
	s = strings.ReplaceAll(s, "_", " ")
	if strings.Contains(s, "{") {
		if m := rePlexEdition.FindStringSubmatchIndex(s); m != nil {
			n.edition = clean(s[m[2]:m[3]], 0)
			s = s[:m[0]] + " " + s[m[1]:]
		}
	}
	if strings.ContainsAny(s, "[{") && containsFold(s, "db") {
		s = reIDs.ReplaceAllString(s, " ")
	}
	if containsFold(s[:min(len(s), 8)], "www.") {
		s = reSite.ReplaceAllString(s, "")
	}
	s, n.group = cutLeadingGroup(s)
	n.leadGroup = n.group != ""
	if n.leadGroup {
		o.anime = true
	}
	toks := tokenize(s)
	ep := findMarker(s, toks, o)
	n.ep = ep

	markStart, markEnd := len(s), len(s)
	if ep != nil {
		markStart, markEnd = ep.start, ep.end
	}
	endIdx, endPos, yearIdx := titleEnd(toks, markStart, ep == nil)
	for i := 1; i < endIdx; i++ {
		if toks[i].norm == "aka" && !toks[i].bracket && i+1 < len(toks) {
			endPos = toks[i].start // Distant.Journey.AKA.Daleka.Cesta.1950: the first title
			break
		}
	}
	raw := s[:endPos]
	// The title stopped at its marker or year, not at a tag: what ends it is a qualifier.
	beforeMarker := ep != nil && endPos == markStart
	stopped := beforeMarker || yearIdx >= 0 && endIdx == yearIdx && endPos == toks[yearIdx].start
	raw, n.country = cutCountry(raw, stopped) // The.Office.US.S01E01, Drunk History (UK)
	if yearIdx >= 0 || ep != nil {
		raw = cutAltTitle(raw, beforeMarker) // Show ~Alt Title~ (2015), Movie - (Firstname LASTNAME) - 1948
	}
	n.title = cutTitlePrefix(clean(raw, byteAt(s, len(raw))))
	if yearIdx >= 0 {
		n.year = toks[yearIdx].year
	}
	if n.year == 0 && ep != nil && ep.season >= minYear && ep.season <= maxYear {
		n.year = ep.season // Looney.Tunes.S1958E13: a season numbered by its year
	}
	tagFrom := endIdx
	if ep != nil {
		k := len(toks)
		for i, t := range toks {
			if t.start >= markEnd {
				k = i
				break
			}
		}
		e := textEnd(toks, k, len(toks), true)
		pos := len(s)
		if e < len(toks) {
			pos = toks[e].start
		}
		if pos > markEnd {
			n.episodeTitle = clean(s[markEnd:pos], byteAt(s, pos))
		}
		if n.year == 0 && ep.date == "" {
			if y, lang := yearAfterMarker(toks, k, e); y != 0 {
				n.year, n.episodeTitle = y, "" // Show.S01E12.German.2014.DL.1080p
				if lang > k {
					n.episodeTitle = clean(s[markEnd:toks[lang].start], byteAt(s, toks[lang].start))
				}
			}
		}
		tagFrom = e
	}
	n.readTags(toks, tagFrom, yearIdx, markStart, markEnd)
	if !n.leadGroup {
		n.group = trailingGroup(toks, tagFrom)
	}
	return n
}

// yearAfterMarker returns the show's year written after an episode marker
// behind a language, as German releases put it: Show.S01.E12.German.2014, or
// at the end of the episode's title (toks[k:e]), Show.E009.Title.German.2009.
// lang is the index of the language. A year right after the marker is more
// often an episode's title (Show.S02E21.1969.720p) and is not read.
func yearAfterMarker(toks []token, k, e int) (year, lang int) {
	i := k
	for i < len(toks) && i-k < 2 && languages[toks[i].norm] && !toks[i].bracket {
		i++
	}
	if i > k && i < len(toks) && toks[i].year != 0 && toks[i].tag.kind == kindNone {
		return toks[i].year, k
	}
	if e-2 > k && e <= len(toks) && toks[e-1].year != 0 && toks[e-1].tag.kind == kindNone &&
		languages[toks[e-2].norm] && !toks[e-2].bracket {
		return toks[e-1].year, e - 2
	}
	return 0, 0
}

// cutAltTitle drops what trails a title when a year or an episode marker
// follows it: an alternative title between tildes ("Dungeon ni Deai ~Familia
// Myth~"), or a credit in parentheses written "Firstname LASTNAME", as French
// releases name the director ("Movie - (Jean DUPONT) - 1948"). Right before
// an episode marker (beforeMarker), any name in parentheses is another name
// of the show: "World's End Harem (Shuumatsu no Harem) S01E08", "Mezzo(DSA) - 05".
func cutAltTitle(raw string, beforeMarker bool) string {
	t := strings.TrimRight(raw, " .-_([")
	if t == "" {
		return raw
	}
	var open byte
	switch t[len(t)-1] {
	case '~':
		open = '~'
	case ')':
		open = '('
	default:
		return raw
	}
	i := strings.LastIndexByte(t[:len(t)-1], open)
	if i <= 0 || strings.TrimRight(t[:i], " .-_") == "" {
		return raw
	}
	inner := t[i+1 : len(t)-1]
	if open == '(' && !isCredit(inner) && !(beforeMarker && isAltName(inner)) || open == '~' && strings.TrimSpace(inner) == "" {
		return raw
	}
	return t[:i]
}

// isCredit reports whether s is a name written "Firstname LASTNAME": two or
// three words, capitalised, the last in capitals. "(UK)" and "(Director's
// Cut)" are not.
func isCredit(s string) bool {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '.' || r == '_' })
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	for i, w := range words {
		if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
			return false
		}
		if last := i == len(words)-1; last != allCaps(w) || last && !isLetters(w) {
			return false
		}
	}
	return true
}

// isAltName reports whether the text of a parenthesis may be a name: it has
// a letter and holds no year ("Show (2005) S01E01" keeps its year).
func isAltName(s string) bool {
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return false
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if yearOf(w) != 0 {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}

// reTitlePrefix matches what some libraries and releases put before a title:
// a category in parentheses, a network or "IMAX" and " - ".
var reTitlePrefix = regexp.MustCompile(`^(?i:\((?:comedy|drama|horror|action|thriller|documentary|documentaries|animation|kids|family|romance|sci-fi|fantasy|western|crime|concert|stand-up|standup)\) ?)?(?i:(?:netflix|hbo|bbc|imax|amazon|prime video|disney\+?|hulu|pbs|national geographic|natgeo|nat geo|discovery|apple tv\+?)(?: originals?| presents| documentar(?:y|ies))? - )?`)

// cutTitlePrefix removes a leading category or network from a title: "(Comedy)
// Netflix Originals - Special", "IMAX - Journey", and the "BBC" of BBC
// documentaries ("BBC The Hunt"), unless one word is left ("BBC Proms").
func cutTitlePrefix(title string) string {
	if m := reTitlePrefix.FindStringIndex(title); m != nil && m[1] > 0 && m[1] < len(title) {
		title = title[m[1]:]
	}
	if rest, ok := strings.CutPrefix(title, "BBC "); ok && strings.Count(strings.TrimSpace(rest), " ") >= 1 {
		title = rest
	}
	return title
}

// titleEnd finds where the title stops: at the episode marker, the year, or
// the first release tag, less the weak tags just before it. It returns the
// index of the first token after the title, the byte offset where the title
// ends, and the index of the year token (-1 if none).
func titleEnd(toks []token, markStart int, noMarker bool) (endIdx, endPos, yearIdx int) {
	endIdx, endPos, yearIdx = len(toks), markStart, -1
	hard := len(toks)
	for i, t := range toks {
		if t.start >= markStart {
			endIdx, hard = i, i
			break
		}
		if t.tag.anchor == anchorHard {
			hard = i
			break
		}
	}
	for i := 1; i < hard; i++ {
		if toks[i].year != 0 && toks[i].tag.kind == kindNone {
			yearIdx = i
		}
	}
	if yearIdx < 0 && noMarker && hard > 0 {
		for i := hard + 1; i < len(toks) && i <= hard+2; i++ {
			if toks[i].year != 0 && toks[i].tag.kind == kindNone {
				yearIdx = i // The.English.Patient.BluRay.1996, Movie (CamRip / 2014)
				break
			}
			if toks[i].tag.kind == kindNone {
				break
			}
		}
	}
	soft := hard
	for i := 0; i < hard; i++ {
		if toks[i].tag.anchor == anchorSoft && (i > 0 || toks[i].tag.kind == kindPart) { // cd1.avi has no title
			soft = i
			break
		}
	}
	cut := min(hard, soft)
	if yearIdx >= 0 && yearIdx < cut {
		e := yearIdx
		for e > 1 && (toks[e-1].tag.anchor == anchorWeakEnd || toks[e-1].tag.anchor == anchorWeak && toks[e-1].tag.caps) && allCaps(toks[e-1].text) {
			e-- // Movie.UNCUT.GERMAN.1987, but Step.Up.3D.2010 and South.Park.Bigger.Longer.and.Uncut.1999
		}
		if e > 2 && e == yearIdx && languages[toks[e-1].norm] && capsTagAt(toks, e-2) {
			e -= 2 // Movie.UNCUT.German.2016: a language after a tag in capitals, not The.Good.German.2006
			for e > 1 && capsTagAt(toks, e-1) {
				e--
			}
		}
		if g := toks[e].group; g > 0 && e == yearIdx {
			k := e
			for k > 1 && toks[k-1].group == g {
				k--
			}
			if k < e && toks[k-1].group != g {
				e = k // Movie (unknown_release_type / 2014): the bracket holds release information
			}
		}
		return e, toks[e].start, yearIdx
	}
	if cut < len(toks) && (cut < endIdx || toks[cut].start < endPos) {
		endIdx, endPos = cut, toks[cut].start
		if cut == soft && cut > 1 && toks[cut].tag.kind == kindEdition && toks[cut-1].norm == "the" {
			endIdx, endPos = cut-1, toks[cut-1].start // The Final Cut
		}
	}
	if j := textEnd(toks, 1, endIdx, noMarker && endIdx == len(toks)); j < endIdx {
		endIdx, endPos = j, toks[j].start
	}
	return endIdx, endPos, yearIdx
}

// textEnd returns the index in toks[from:to] where free text ends: at the
// first hard or soft tag, less the weak tags just before it. When the text
// runs to the end of the name (atEnd), trailing edition words and release
// flags are cut too. from is never passed.
func textEnd(toks []token, from, to int, atEnd bool) int {
	e := to
	for i := from; i < to; i++ {
		if a := toks[i].tag.anchor; a == anchorHard || a == anchorSoft {
			e, atEnd = i, false
			break
		}
	}
	for e > from && e < len(toks) && toks[e].group > 0 && toks[e-1].group == toks[e].group {
		e-- // [BD 1080p]: the whole bracket is release information
	}
	for e > from {
		t := toks[e-1]
		a := t.tag.anchor
		if a == anchorWeakEnd && (atEnd || e < len(toks)) || a == anchorWeak && !atEnd && e < len(toks) ||
			a == anchorAfter && !atEnd && e < len(toks) && capsAfterTag(t) {
			e--
			continue
		}
		if t.group > 0 && (atEnd || e < len(toks)) {
			k, tagged := e-1, false
			for j := e; j < len(toks) && toks[j].group == t.group && !tagged; j++ {
				tagged = toks[j].tag.kind != kindNone // [JP.BD], its BD cut above
			}
			for ; k >= from && toks[k].group == t.group; k-- {
				tagged = tagged || toks[k].tag.kind != kindNone
			}
			if tagged && k >= from {
				e = k + 1 // Summer Wars [BD][720p]: a bracket of release information
				continue
			}
		}
		break
	}
	return e
}

// capsTagAt reports whether toks[i] is an edition word or a release flag
// written in capitals, which may end a title: UNCUT, PROPER, GERMAN.
func capsTagAt(toks []token, i int) bool {
	a := toks[i].tag.anchor
	return (a == anchorWeakEnd || a == anchorWeak && toks[i].tag.caps) && len(toks[i].text) >= 2 && allCaps(toks[i].text)
}

// capsAfterTag reports whether a tag that is also a common word (TS, CAM,
// WEB, DL) is written in capitals, so that it may end a title when a hard tag
// follows it: "Dracula.Untold.TS.XViD", not "Charlottes.Web.1080p". "IT" is a title.
func capsAfterTag(t token) bool {
	return t.tag.kind != kindPart && t.norm != "it" && len(t.text) >= 2 && allCaps(t.text)
}

// allCaps reports whether s has no lower-case ASCII letter.
func allCaps(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return false
		}
	}
	return true
}

// readTags fills the release fields from the tokens after the title.
func (n *nameInfo) readTags(toks []token, from, yearIdx, markStart, markEnd int) {
	var editions, hdr []string
	for i := from; i < len(toks); i++ {
		t := toks[i]
		if i == yearIdx || t.tag.kind == kindNone || t.tag.value == "" || t.start < markEnd && t.end > markStart {
			continue
		}
		v := t.tag.value
		switch t.tag.kind {
		case kindResolution:
			if n.resolution == "" {
				n.resolution = v
			}
		case kindSource:
			if n.source == "" || v == "Remux" {
				n.source = v
			}
		case kindCodec:
			if n.codec == "" {
				n.codec = v
			}
		case kindHDR:
			hdr = appendNew(hdr, v)
		case kindEdition:
			editions = appendNew(editions, v)
		case kindPart:
			if n.part == 0 {
				n.part = atoi(v)
			}
		}
	}
	if n.edition == "" {
		n.edition = strings.Join(editions, " ")
	}
	n.hdr = strings.Join(hdr, " ")
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// cutLeadingGroup takes the "[Group]" that anime releases start with.
func cutLeadingGroup(s string) (rest, group string) {
	t := strings.TrimLeft(s, " ")
	if !strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "【") {
		return s, ""
	}
	closer := "]"
	if t[0] != '[' {
		closer = "】"
	}
	end := strings.Index(t, closer)
	if end < 0 {
		return s, ""
	}
	open := 1
	if t[0] != '[' {
		open = len("【")
	}
	g := strings.TrimSpace(t[open:end])
	rest = strings.TrimLeft(t[end+len(closer):], " -")
	if g == "" || strings.TrimSpace(rest) == "" || len(g) > 64 || yearOf(g) != 0 || isDigits(g) {
		return s, ""
	}
	if info := classifyWord(g, normalise(g), true); info.kind != kindNone {
		return s, ""
	}
	return rest, g
}

// trailingGroup returns the release group of "x264-GRP": the part after the
// last hyphen of the last unbracketed token, when that token is among the
// release tags (toks[from:]) and is not a tag itself (WEB-DL).
func trailingGroup(toks []token, from int) string {
	last := -1
	for i := len(toks) - 1; i >= from && i >= 0; i-- {
		if !toks[i].bracket {
			last = i
			break
		}
	}
	if last < 0 || last < from || !strings.Contains(toks[last].text, "-") {
		return ""
	}
	text := toks[last].text
	parts := strings.Split(strings.Trim(text, "-"), "-")
	for len(parts) > 1 && reGroupJunk.MatchString(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	if len(parts) < 2 && !(text[0] == '-' && last > 0 && toks[last-1].bracket) {
		return "" // a lone "-GRP" counts only after brackets: "[x264]-GRP"
	}
	g := parts[len(parts)-1]
	if len(g) > 32 || isDigits(g) || singleTags[normalise(toks[last].text)].kind != kindNone {
		return "" // WEB-DL, DTS-HD
	}
	if classifyWord(g, normalise(g), false).kind != kindNone {
		return ""
	}
	return g
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}
