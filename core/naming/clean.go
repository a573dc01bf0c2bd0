package naming

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a name, between separators.
type token struct {
	start, end int // byte offsets in the name
	text, norm string
	head       string // normalised text before the first hyphen of "264-GRP"
	bracket    bool   // inside (), [] or {}
	group      int    // which bracket pair holds the token, counted from 1; 0 outside
	tag        tagInfo
	year       int // the year the token is, if it is one
}

// isSep reports whether r separates words in a name.
func isSep(r rune) bool {
	switch r {
	case ' ', '.', '_', '(', ')', '[', ']', '{', '}', ',', '~', '|', '【', '】', '「', '」':
		return true
	}
	return unicode.IsSpace(r)
}

// tokenize splits a name into words, dropping words that are only hyphens
// (the spaced " - " of "Show - S01E02").
func tokenize(s string) []token {
	var toks []token
	depth, start, groups := 0, -1, 0
	add := func(start, end int) {
		text := s[start:end]
		t := token{start: start, end: end, text: text, norm: normalise(text), bracket: depth > 0, year: yearOf(text)}
		if t.bracket {
			t.group = groups
		}
		if h := strings.IndexByte(text, '-'); h > 0 {
			t.head = normalise(text[:h])
		}
		toks = append(toks, t)
	}
	emit := func(end int) {
		if start >= 0 && strings.Trim(s[start:end], "-") != "" {
			h := tagAfterHyphen(s[start:end])
			if h == 0 && end < len(s) && (s[end] == '(' || s[end] == '[') && end-start > 5 && s[end-5] == '-' && yearOf(s[end-4:end]) != 0 {
				h = end - 5 - start // Movie-2005(720p): a year, then release information
			}
			if h > 0 {
				add(start, start+h) // movie-cd1, S01E02-1080p
				start += h + 1
			}
			add(start, end)
		}
		start = -1
	}
	for i, r := range s {
		if !isSep(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		emit(i)
		switch r {
		case '(', '[', '{', '【', '「':
			if depth == 0 {
				groups++
			}
			depth++
		case ')', ']', '}', '】', '」':
			if depth > 0 {
				depth--
			}
		}
	}
	emit(len(s))
	for i := 0; i < len(toks); {
		info := classify(toks, i)
		if info.kind == kindNone {
			i++
			continue
		}
		for j := 0; j < info.words && i+j < len(toks); j++ {
			toks[i+j].tag = info
			if j > 0 {
				toks[i+j].tag.value = "" // the phrase counts once, at its first word
				toks[i+j].tag.kind = kindJunk
			}
		}
		i += max(info.words, 1)
	}
	return toks
}

// tagAfterHyphen returns the offset of the hyphen in "movie-cd1" or
// "grp-movie-1080p" after which a hard or soft tag starts, or 0. A token that
// is a tag as a whole ("WEB-DL") is not split.
func tagAfterHyphen(text string) int {
	if len(text) > 64 || !strings.Contains(text, "-") {
		return 0
	}
	if _, ok := singleTags[normalise(text)]; ok {
		return 0
	}
	for h := 1; h < len(text)-1; h++ {
		if text[h] != '-' {
			continue
		}
		rest := text[h+1:]
		if e := strings.IndexByte(rest, '-'); e > 0 {
			rest = rest[:e]
		}
		if a := classifyWord(rest, normalise(rest), false).anchor; a == anchorHard || a == anchorSoft {
			return h
		}
	}
	return 0
}

// yearOf returns the year a token stands for, or 0.
func yearOf(s string) int {
	if len(s) != 4 || !isDigits(s) {
		return 0
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	if y < minYear || y > maxYear {
		return 0
	}
	return y
}

// clean turns the raw text of a title into its display form: underscores and
// separating dots become spaces, while the dots of "S.W.A.T.", "Mr. Robot"
// and "2.0" stay. next is the byte that follows s in the name, 0 at its end.
func clean(s string, next byte) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			b.WriteByte(' ')
		case c != '.':
			b.WriteByte(c)
		case acronymDot(s, i):
			b.WriteByte('.')
			if i+1 < len(s) && s[i+1] != ' ' && !singleLetterAt(s, i+1) {
				b.WriteByte(' ') // L.A.Confidential
			}
		case i+1 < len(s) && isDigit(s[i+1]) && i > 0 && isDigit(s[i-1]):
			b.WriteByte('.') // 2.0, 11.22.63
		default:
			nx := next
			if i+1 < len(s) {
				nx = s[i+1]
			}
			if nx == ' ' || nx == 0 {
				b.WriteByte('.') // Mr. Robot, Jr.
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return trimTitle(strings.Join(strings.Fields(b.String()), " "))
}

// trimTitle drops the separators and unmatched brackets left at the ends of a title.
func trimTitle(s string) string {
	for {
		t := strings.TrimRightFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-_,;:([{~+–—|", r)
		})
		t = strings.TrimLeftFunc(t, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("-_,;:)]}~+–—|", r)
		})
		if t == s {
			return t
		}
		s = t
	}
}

// singleLetterAt reports whether s[i] is a letter standing alone between dots
// or separators, as each letter of S.W.A.T. does.
func singleLetterAt(s string, i int) bool {
	if i < 0 || i >= len(s) || !isLetter(s[i]) {
		return false
	}
	if i > 0 && !isWordSep(s[i-1]) {
		return false
	}
	return i+1 == len(s) || isWordSep(s[i+1])
}

// acronymDot reports whether the dot at s[i] belongs to an acronym: it follows
// a lone letter and another lone letter sits on its other side, or before.
func acronymDot(s string, i int) bool {
	if !singleLetterAt(s, i-1) {
		return false
	}
	if i+1 < len(s) && singleLetterAt(s, i+1) && (i+2 == len(s) || s[i+2] == '.') {
		return true
	}
	return i >= 3 && s[i-2] == '.' && singleLetterAt(s, i-3)
}

func isWordSep(c byte) bool {
	return c == '.' || c == ' ' || c == '_' || c == '-' || c == '(' || c == '['
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi reads a short run of digits; callers bound its length.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// hasInnerUpper reports whether an upper-case letter follows the first
// letter: FRENCH and iTALiAN, not French.
func hasInnerUpper(s string) bool {
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// hasUpper reports whether s has an upper-case letter.
func hasUpper(s string) bool {
	return strings.IndexFunc(s, unicode.IsUpper) >= 0
}

// Fold reduces a title to lower-case letters and digits separated by single
// spaces, for comparisons: "Ocean's Eleven" and "oceans.eleven" fold alike.
func Fold(s string) string { return fold(s) }

func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '&':
			if b.Len() > 0 {
				b.WriteString(" and")
			}
			space = true
		default:
			space = true
		}
	}
	return b.String()
}

// related reports whether two titles name the same thing, one perhaps
// shortened: "movie" in "Movie (2010)", "Show" and "Show US", "matrix
// reloaded" and "The Matrix Reloaded".
func related(a, b string) bool {
	fa, fb := strings.TrimPrefix(fold(a), "the "), strings.TrimPrefix(fold(b), "the ")
	if fa == "" || fb == "" {
		return false
	}
	return fa == fb || strings.HasPrefix(fb, fa+" ") || strings.HasPrefix(fa, fb+" ")
}

// genericTitles are file names that say nothing about what they hold.
var genericTitles = map[string]bool{
	"movie": true, "film": true, "video": true, "feature": true, "main": true, "title": true,
	"untitled": true, "main feature": true, "index": true, "vts 01 1": true,
}

// isGenericTitle reports whether a file's title should give way to its folder's.
func isGenericTitle(s string) bool {
	f := fold(s)
	return f == "" || genericTitles[f] || (isDigits(f) && len(f) <= 3) || looksObfuscated(s)
}

// looksObfuscated reports whether a title is a hash or random string, as
// some releases name their files: a long single word mixing letters and digits.
func looksObfuscated(s string) bool {
	if len(s) < 12 || strings.ContainsAny(s, " .-'") {
		return false
	}
	letters, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
			digits++
		case isLetter(s[i]):
			letters++
		default:
			return false
		}
	}
	return letters > 0 && digits > 0
}

// genericFolders are folder names that hold a library, not one title.
var genericFolders = map[string]bool{
	"movies": true, "movie": true, "films": true, "film": true, "tv": true, "tv shows": true, "tvshows": true,
	"tv series": true, "shows": true, "series": true, "anime": true, "media": true, "video": true,
	"videos": true, "downloads": true, "download": true, "complete": true, "completed": true,
	"library": true, "plex": true, "jellyfin": true, "emby": true, "data": true, "mnt": true, "srv": true,
	"home": true, "volumes": true, "share": true, "public": true, "documentaries": true, "kids": true,
	"music": true, "new": true, "incoming": true, "torrents": true, "4k": true, "uhd": true, "hd": true,
	"movies 4k": true, "4k movies": true, "kids movies": true, "cartoons": true, "animation": true,
}

// isGenericFolder reports whether a folder name is a library or mount, not a title.
func isGenericFolder(s string) bool {
	f := fold(s)
	return utf8.RuneCountInString(f) <= 1 || genericFolders[f] || strings.HasSuffix(s, ":")
}
