package naming

import (
	"fmt"
	"strings"
	"time"
)

// findDate reads the air date of a daily show: 2024.03.14, 2024-03-14,
// 14.03.2024 (day first unless that cannot be), or 3rd Nov 2014.
func findDate(s string) *marker {
	if !strings.Contains(s, "19") && !strings.Contains(s, "20") {
		return nil // every date has its century
	}
	var found *marker
	ok := func(m []int) bool {
		return !(m[0] > 0 && isAlnum(s[m[0]-1])) && !(m[1] < len(s) && isAlnum(s[m[1]]))
	}
	eachMatch(reYMD, s, func(m []int) bool {
		if d := date(atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])); d != "" && ok(m) {
			found = &marker{start: m[0], end: m[1], season: -1, date: d}
		}
		return found != nil
	})
	if found != nil {
		return found
	}
	eachMatch(reDMY, s, func(m []int) bool {
		a, b, y := atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])
		d := date(y, b, a)
		if d == "" {
			d = date(y, a, b)
		}
		if d != "" && ok(m) {
			found = &marker{start: m[0], end: m[1], season: -1, date: d}
		}
		return found != nil
	})
	if found != nil {
		return found
	}
	eachMatch(reDMonY, s, func(m []int) bool {
		mon := months[strings.ToLower(s[m[4]:m[5]])]
		if !strings.HasPrefix(monthNames[mon-1], strings.ToLower(s[m[4]:m[1]-5])) {
			return false // "Mayhem", or "Mar" followed by other letters
		}
		if d := date(atoi(s[m[6]:m[7]]), mon, atoi(s[m[2]:m[3]])); d != "" && ok(m) {
			found = &marker{start: m[0], end: m[1], season: -1, date: d}
		}
		return found != nil
	})
	return found
}

// findShortDate reads a date written YY.MM.DD right after the title words,
// as scene releases of daily and site-rip videos write it:
// Site.15.03.09.Performer.Title. Only the first number after the title is
// tried, and only when it starts a valid date whose parts are two digits
// each, so that titles with numbers ("Ocean's.11", "11.22.63") stay.
func findShortDate(s string, toks []token) *marker {
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		if t.tag.anchor == anchorHard || t.year != 0 || t.bracket {
			return nil
		}
		if !isDigit(t.text[0]) {
			continue
		}
		p := t.start
		if !strings.ContainsFunc(toks[i-1].text, func(r rune) bool { return r < 0x80 && isLetter(byte(r)) }) ||
			p+8 > len(s) || !isShortDate(s[p:p+8]) || p+8 < len(s) && isAlnum(s[p+8]) ||
			p+9 < len(s) && strings.IndexByte(".-", s[p+8]) >= 0 && isDigit(s[p+9]) {
			return nil // 15.03.09.12 is no date
		}
		yy := atoi(s[p : p+2])
		y := 2000 + yy
		if y > maxYear {
			y -= 100
		}
		if d := date(y, atoi(s[p+3:p+5]), atoi(s[p+6:p+8])); d != "" {
			return &marker{start: p, end: p + 8, season: -1, date: d}
		}
		return nil
	}
	return nil
}

// isShortDate reports whether s is three pairs of digits with one separator
// between them: 15.03.09, 15-03-09.
func isShortDate(s string) bool {
	for _, i := range []int{0, 1, 3, 4, 6, 7} {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s[2] == s[5] && strings.IndexByte(". -", s[2]) >= 0
}

// months numbers the three-letter month names that reDMonY reads.
var months = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

var monthNames = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// date formats a valid calendar date, or returns "".
func date(y, m, d int) string {
	if m < 1 || m > 12 || d < 1 || y < minYear || y > maxYear {
		return ""
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
