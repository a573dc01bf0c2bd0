package nfo

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// value returns the text inside n and its descendants, cleaned.
func (n *node) value() string {
	var sb strings.Builder
	n.collect(&sb)
	return clean(sb.String())
}

func (n *node) collect(sb *strings.Builder) {
	sb.WriteString(n.text)
	for _, k := range n.kids {
		if k.closed || k.name == "" {
			k.collect(sb)
		}
	}
}

// elems returns n's complete child elements.
func (n *node) elems() []*node {
	var out []*node
	for _, k := range n.kids {
		if k.closed && k.name != "" {
			out = append(out, k)
		}
	}
	return out
}

// child returns n's first complete child element called name, or nil.
func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.closed && k.name == name {
			return k
		}
	}
	return nil
}

// childValue is the cleaned text of the first child called name, or "".
func (n *node) childValue(name string) string {
	if c := n.child(name); c != nil {
		return c.value()
	}
	return ""
}

// attr returns the cleaned value of n's attribute name, matched without regard to case.
func (n *node) attr(name string) string {
	for _, a := range n.attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return clean(a.Value)
		}
	}
	return ""
}

// isSpace is unicode.IsSpace, as a func(rune) bool for the strings package.
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// clean trims s and turns no-break spaces (&nbsp;) into plain ones.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	return strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
}

// split cuts a list written in one element, "Action / Sci-Fi", into its cleaned parts.
func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, " / ") {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// number returns the digits at the start of s, which may carry a sign and trailing junk:
// "1999 ", "136 min", "-1".
func number(s string) (int, bool) {
	s = clean(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == start || end-start > 9 { // more digits than any year, runtime or index has
		return 0, false
	}
	n, err := strconv.Atoi(s[:end])
	return n, err == nil
}

// decimal parses a non-negative decimal number at the start of s, with a point or, as some
// European tools write it, a comma: "7.9", "7,9", "8.1/10".
func decimal(s string) (float64, bool) {
	s = clean(s)
	end, point := 0, false
	for ; end < len(s) && end < 24; end++ {
		c := s[end]
		if (c == '.' || c == ',') && !point {
			point = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
	}
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimRight(s[:end], ".,"), ",", ".", 1), 64)
	return f, err == nil
}

// date parses the YYYY-MM-DD at the start of s; Kodi writes "2003-05-07", Jellyfin sometimes adds
// a time.
func date(s string) (time.Time, bool) {
	s = clean(s)
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil && t.Year() >= 1800
}

// truthy reports whether an NFO flag is set: "true", "1" or "yes".
func truthy(s string) bool {
	switch strings.ToLower(clean(s)) {
	case "true", "1", "yes":
		return true
	}
	return false
}
