package mediaserve

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileName bounds a saved file's name, in bytes: most file systems stop at 255.
const maxFileName = 200

// SafeFileName makes name fit to save as a file on any system: no folders (slashes), no control
// or format characters, none of the characters Windows forbids, no leading dots or trailing dots
// and spaces, at most 200 bytes with its extension kept. What is left of an empty or hostile
// name is fallback.
func SafeFileName(name, fallback string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ') // no-break and other spaces
		default:
			b.WriteRune(r)
		}
	}
	s := strings.Trim(b.String(), " ")
	s = strings.TrimLeft(s, ".")
	s = strings.TrimRight(s, ". ")
	if strings.Trim(s, "_ ") == "" {
		return fallback
	}
	if len(s) > maxFileName {
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 16 {
			ext = s[i:]
		}
		cut := maxFileName - len(ext)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], ". ") + ext
	}
	return s
}

// Attachment is a Content-Disposition value that saves the response as a file named name
// (RFC 6266): name is made safe with SafeFileName; filename= holds an ASCII stand-in (non-ASCII
// characters as underscores) for old clients, and filename* the UTF-8 name when it differs.
func Attachment(name string) string {
	name = SafeFileName(name, "download")
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '%' {
			ascii.WriteRune('_')
			continue
		}
		ascii.WriteRune(r)
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if ascii.String() != name {
		v += "; filename*=UTF-8''" + extValue(name)
	}
	return v
}

// extValue percent-encodes s as RFC 8187 wants: its UTF-8 bytes, all but attr-char.
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
