package naming

import "strings"

// countries are the codes that tell apart shows sharing a title, as TVDB
// names them: "The Office (US)", "Utopia (AU)". The list is short on purpose:
// a longer one would eat title words such as "IT" or "DE".
var countries = map[string]bool{"US": true, "UK": true, "GB": true, "AU": true, "NZ": true, "CA": true, "IE": true}

// cutCountry takes a country qualifier from the end of a title's raw text:
// "The Office (US)", or "The.Office.US." when the title stopped at its
// episode marker or year (stopped). A bare code counts only in capitals, so
// "The.Last.of.Us.S01E01" keeps its title; nothing is cut that would leave
// the title empty ("US.S01E01").
func cutCountry(raw string, stopped bool) (rest, country string) {
	t := strings.TrimRight(raw, " .-_([")
	if t == "" {
		return raw, ""
	}
	var i int
	var code string
	if t[len(t)-1] == ')' {
		i = strings.LastIndexByte(t, '(')
		if i < 0 {
			return raw, ""
		}
		code = strings.ToUpper(strings.TrimSpace(t[i+1 : len(t)-1]))
	} else {
		if !stopped {
			return raw, ""
		}
		i = strings.LastIndexAny(t, " ._-") + 1
		if code = t[i:]; !allCaps(code) {
			return raw, ""
		}
	}
	if !countries[code] || strings.TrimRight(t[:i], " .-_([") == "" {
		return raw, ""
	}
	return t[:i], code
}
