package nfo

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/walros/walros/core"
)

// cp1252 maps the bytes 0x80-0x9F of Windows-1252 to Unicode. Every other byte is Latin-1, that
// is the code point of the same value. The five bytes Windows-1252 leaves unassigned keep their
// Latin-1 value, as browsers do.
var cp1252 = [32]rune{
	'\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021', // € ‚ ƒ „ … † ‡
	'\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f', // ˆ ‰ Š ‹ Œ Ž
	'\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014', // ‘ ’ “ ” • – —
	'\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178', // ˜ ™ š › œ ž Ÿ
}

// latin9 holds the eight code points where ISO-8859-15 differs from Latin-1.
var latin9 = map[byte]rune{
	0xa4: '\u20ac', 0xa6: '\u0160', 0xa8: '\u0161', 0xb4: '\u017d',
	0xb8: '\u017e', 0xbc: '\u0152', 0xbd: '\u0153', 0xbe: '\u0178',
}

// reEncoding finds the encoding named by an XML declaration.
var reEncoding = regexp.MustCompile(`^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']{1,40})["']`)

// toUTF8 turns the bytes of an NFO file into valid UTF-8 text without a BOM, in which the
// characters that XML forbids are spaces. The XML decoder then reads it whatever its declaration
// says; doing the conversion here rather than in a Decoder.CharsetReader lets the rest of Parse
// (links after the root, URL NFOs) see the same text as the decoder.
func toUTF8(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return sanitise(fromUTF16(b[2:], false)), nil
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return sanitise(fromUTF16(b[2:], true)), nil
	case len(b) >= 2 && b[0] == '<' && b[1] == 0: // UTF-16 without a BOM: "<?xml" or "<movie"
		return sanitise(fromUTF16(b, false)), nil
	case len(b) >= 2 && b[0] == 0 && b[1] == '<':
		return sanitise(fromUTF16(b, true)), nil
	}
	if utf8.Valid(b) {
		// Whatever the declaration says: Latin-1 text is hardly ever valid UTF-8 once it holds a
		// non-ASCII letter, while UTF-8 files that still declare ISO-8859-1 are common.
		return sanitise(string(b)), nil
	}
	var label string
	if m := reEncoding.FindSubmatch(b[:min(len(b), 512)]); m != nil {
		label = strings.ToLower(strings.TrimSpace(string(m[1])))
	}
	switch label {
	case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9", "l9":
		return sanitise(fromSingleByte(b, latin9)), nil
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252",
		"x-cp1252", "ansi", "us-ascii", "ascii",
		"", "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "ucs-2":
		// Like browsers, read Latin-1 as Windows-1252: files saved on Windows that say ISO-8859-1
		// use its quotes and dashes. Invalid UTF-8 that claims to be UTF-8, or claims nothing, is
		// most often a Windows editor's save of a UTF-8 file, so it gets the same treatment.
		return sanitise(fromSingleByte(b, nil)), nil
	}
	return "", core.Invalid("", "unsupported NFO encoding %q", shorten(label))
}

// fromSingleByte decodes Windows-1252, with the ISO-8859-15 differences in extra when not nil.
func fromSingleByte(b []byte, extra map[byte]rune) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		switch r, ok := extra[c]; {
		case ok:
			sb.WriteRune(r)
		case c >= 0x80 && c < 0xa0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// fromUTF16 decodes UTF-16 text; a lone surrogate or a trailing odd byte becomes U+FFFD.
func fromUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	s := string(utf16.Decode(u))
	if len(b)%2 == 1 {
		s += "\ufffd"
	}
	return s
}

// sanitise turns the characters XML 1.0 forbids into spaces: NUL padding, form feeds and other
// control characters that plots copied from the web carry, which would otherwise stop the decoder.
func sanitise(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
			return ' '
		}
		return r
	}, s)
}
