package plex

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// node is one element of a Plex answer, written as XML (the default) or JSON. Attribute values
// keep their type, since the two formats differ: a bool is "1"/"0" in XML and true/false in JSON,
// a number is a JSON number, a string (ratingKey and key included) a JSON string.
type node struct {
	tag    string // the XML element
	list   string // the JSON array it goes in: the tag, but "Metadata" for every library item
	attrs  []attr
	kids   []*node
	single bool // in JSON, one object under list rather than an array (notifications' Activity)
}

type attr struct {
	name string
	v    any // string, int, int64, float64 or bool
}

func newNode(tag string) *node { return &node{tag: tag, list: tag} }

// item is a library item's node: its XML tag depends on the kind, its JSON list is "Metadata".
func item(tag string) *node { return &node{tag: tag, list: "Metadata"} }

// set adds an attribute.
func (n *node) set(name string, v any) *node {
	n.attrs = append(n.attrs, attr{name, v})
	return n
}

// opt adds a string attribute unless it is empty, or a number unless it is zero.
func (n *node) opt(name string, v any) *node {
	switch x := v.(type) {
	case string:
		if x == "" {
			return n
		}
	case int:
		if x == 0 {
			return n
		}
	case int64:
		if x == 0 {
			return n
		}
	case float64:
		if x == 0 {
			return n
		}
	}
	return n.set(name, v)
}

// add appends children.
func (n *node) add(kids ...*node) *node {
	n.kids = append(n.kids, kids...)
	return n
}

// xmlHeader starts every XML answer, as Plex Media Server's.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// appendXML writes n and its children.
func (n *node) appendXML(b []byte) []byte {
	b = append(b, '<')
	b = append(b, n.tag...)
	for _, a := range n.attrs {
		b = append(b, ' ')
		b = append(b, a.name...)
		b = append(b, '=', '"')
		switch v := a.v.(type) {
		case string:
			b = appendXMLEscaped(b, v)
		case bool:
			if v {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
		default:
			b = appendNumber(b, v)
		}
		b = append(b, '"')
	}
	if len(n.kids) == 0 {
		return append(b, " />\n"...)
	}
	b = append(b, ">\n"...)
	for _, k := range n.kids {
		b = k.appendXML(b)
	}
	b = append(b, "</"...)
	b = append(b, n.tag...)
	return append(b, ">\n"...)
}

// appendJSON writes n as an object: its attributes, then one array per child list, in the order
// the lists first appear. A single child is still an array, as Plex writes it.
func (n *node) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, a := range n.attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, a.name)
		b = append(b, ':')
		switch v := a.v.(type) {
		case string:
			b = appendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			b = appendNumber(b, v)
		}
	}
	first := len(n.attrs) == 0
	done := map[string]bool{}
	for _, k := range n.kids {
		if done[k.list] {
			continue
		}
		done[k.list] = true
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, k.list)
		if k.single {
			b = append(b, ':')
			b = k.appendJSON(b)
			continue
		}
		b = append(b, ':', '[')
		sep := false
		for _, o := range n.kids {
			if o.list != k.list {
				continue
			}
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = o.appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendNumber(b []byte, v any) []byte {
	switch x := v.(type) {
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	}
	panic("plex: attribute of an unsupported type")
}

// appendXMLEscaped escapes an attribute value; characters XML cannot carry (controls but tab,
// newline and carriage return, invalid UTF-8) become U+FFFD.
func appendXMLEscaped(b []byte, s string) []byte {
	for i, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\n':
			b = append(b, "&#10;"...)
		case r == '\r':
			b = append(b, "&#13;"...)
		case r == '\t':
			b = append(b, "&#9;"...)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r == utf8.RuneError && isBadRune(s[i:])):
			b = append(b, "\uFFFD"...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// isBadRune reports whether s starts with invalid UTF-8 (rather than an actual U+FFFD).
func isBadRune(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return size <= 1
}

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
		case r == utf8.RuneError && isBadRune(s[i:]):
			b = append(b, "\uFFFD"...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// render writes a MediaContainer as JSON ({"MediaContainer":{...}}) or XML.
func render(mc *node, json bool) []byte {
	if json {
		var buf bytes.Buffer
		buf.Grow(512)
		b := append(buf.Bytes(), `{"MediaContainer":`...)
		b = mc.appendJSON(b)
		return append(b, '}')
	}
	b := append([]byte(xmlHeader), nil...)
	return mc.appendXML(b)
}
