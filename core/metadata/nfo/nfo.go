// Package nfo reads the NFO sidecar files that Kodi, Jellyfin, Emby, tinyMediaManager, Sonarr and
// Radarr write next to media: XML documents such as movie.nfo, tvshow.nfo or an episode's .nfo, and
// the "URL NFO" that only holds a link to IMDb or TMDb. Real files are messy, so the parser forgives
// what it can: wrong or missing encodings, HTML entities, junk after the root element, truncation.
package nfo

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/walros/walros/core"
)

// Kind is what an NFO file describes, named after its root element.
type Kind string

// The kinds of NFO files.
const (
	KindMovie      Kind = "movie"
	KindShow       Kind = "tvshow"
	KindSeason     Kind = "season"
	KindEpisode    Kind = "episodedetails"
	KindArtist     Kind = "artist"
	KindAlbum      Kind = "album"
	KindMusicVideo Kind = "musicvideo"
)

// MaxSize is the largest NFO file Parse reads. Real ones are a few KiB; a big cast list with
// thumbs stays well under 1 MiB.
const MaxSize = 4 << 20

const (
	maxDepth = 8       // elements nested deeper are skipped: nothing Walros reads is that deep
	maxNest  = 256     // decoding stops at elements nested deeper: no NFO writer goes past ten
	maxNodes = 100_000 // elements and text runs kept per file, so hostile files stay small in memory
)

// Parse reads one NFO file, at most MaxSize bytes, and returns what it says about an item and which
// kind of item that is. The root element decides the Kind; for a URL NFO, the link does (a TMDb
// movie or TV link), and the Kind is empty when it cannot tell (an IMDb link).
//
// Parse is tolerant: a BOM, UTF-16, a Latin-1 or Windows-1252 file (declared or not), HTML
// entities, stray control characters, unknown elements and invalid values are all accepted, the
// invalid values being ignored. A provider link after the root element (Kodi's "IMDb URL on the last
// line") fills the provider ids the XML did not give. A file holding several roots, such as a
// multi-episode file with one <episodedetails> per episode, yields the first one only. A truncated
// file yields the elements that were complete before the break, and no error, as long as those say
// something. Anything that is neither an NFO document nor holds a provider link returns an error
// wrapping core.ErrInvalid.
func Parse(r io.Reader) (core.Metadata, Kind, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return core.Metadata{}, "", fmt.Errorf("read nfo: %w", err)
	}
	if len(data) > MaxSize {
		return core.Metadata{}, "", notNFO("larger than 4 MiB")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return core.Metadata{}, "", notNFO("empty")
	}
	text, err := toUTF8(data)
	if err != nil {
		return core.Metadata{}, "", err
	}
	doc := decode(text)
	if doc.root == nil {
		return fromLinks(text, "no XML root element and no provider link")
	}
	kind, known := kindOf(doc.root.name)
	if !known {
		return fromLinks(text, fmt.Sprintf("unexpected root element <%s>", shorten(doc.root.name)))
	}
	m := fill(doc.root, kind)
	if ids, _ := links(doc.trailing); len(ids) > 0 {
		if m.ProviderIDs == nil {
			m.ProviderIDs = map[string]string{}
		}
		for k, v := range ids {
			if m.ProviderIDs[k] == "" { // the XML wins, as in Jellyfin
				m.ProviderIDs[k] = v
			}
		}
	}
	if doc.err != nil && reflect.ValueOf(m).IsZero() {
		return core.Metadata{}, "", notNFO("broken XML (" + shorten(doc.err.Error()) + ")")
	}
	return m, kind, nil
}

// notNFO returns the ErrInvalid for a file that Parse cannot use.
func notNFO(reason string) error {
	return core.Invalid("", "not an NFO file: %s", reason)
}

// fromLinks reads a URL NFO, or any text with a provider link in it (scene release NFOs carry one),
// and fails with reason when there is none.
func fromLinks(text, reason string) (core.Metadata, Kind, error) {
	ids, kind := links(text)
	if len(ids) == 0 {
		return core.Metadata{}, "", notNFO(reason)
	}
	return core.Metadata{ProviderIDs: ids}, kind, nil
}

// kindOf maps a (lower-case) root element name to its Kind.
func kindOf(root string) (Kind, bool) {
	switch k := Kind(root); k {
	case KindMovie, KindShow, KindSeason, KindEpisode, KindArtist, KindAlbum, KindMusicVideo:
		return k, true
	}
	return "", false
}

// shorten cuts s to a length fit for an error message.
func shorten(s string) string {
	const limit = 60
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}

// node is an element of the document, or a run of text when name is "".
type node struct {
	name   string // lower-case local name
	attrs  []xml.Attr
	text   string // a text run's content
	kids   []*node
	closed bool // its end tag was read: a truncated element is not trusted
}

// document is a decoded NFO file: its first root element and the text after it.
type document struct {
	root     *node
	trailing string // text after the root element, where Kodi allows a provider link
	err      error  // the decoding error that cut the root element short, if any
}

// decode builds the tree of the first root element of text, which is valid UTF-8. It never fails:
// what was read before a syntax error is kept, and doc.err says the root was cut short.
func decode(text string) document {
	d := xml.NewDecoder(strings.NewReader(text))
	d.Strict = false             // bare "&" in titles, unquoted attributes, mismatched end tags
	d.Entity = xml.HTMLEntity    // &nbsp; &eacute;... from hand-edited or HTML-escaped plots
	d.AutoClose = []string{"br"} // a raw <br> in a plot must not swallow the rest of the file
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) {
		return in, nil // toUTF8 has already converted the file, whatever its declaration says
	}
	var (
		doc   document
		stack []*node // the open elements that are kept; shorter than depth below maxDepth
		depth int
		nodes int
		after bool // the root element is closed
		tail  strings.Builder
	)
	add := func(n *node) {
		if nodes < maxNodes && len(stack) == depth-1 && depth <= maxDepth {
			nodes++
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			if n.name != "" {
				stack = append(stack, n)
			}
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			if after && err != io.EOF { // junk after the root: keep the raw rest for links
				tail.WriteString(text[min(int(d.InputOffset()), len(text)):])
			} else if !after && doc.root != nil {
				doc.err = err
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxNest {
				if !after {
					doc.err = errors.New("elements nested too deep")
				}
				doc.trailing = tail.String()
				return doc
			}
			n := &node{name: strings.ToLower(t.Name.Local), attrs: t.Attr}
			switch {
			case doc.root == nil:
				doc.root, stack = n, []*node{n}
			case !after:
				add(n)
			}
		case xml.EndElement:
			if !after && len(stack) == depth {
				top := stack[len(stack)-1]
				top.closed = true
				stack = stack[:len(stack)-1]
				if top.name == "br" && len(stack) > 0 { // a line break in a plot written as HTML
					parent := stack[len(stack)-1]
					parent.kids = append(parent.kids, &node{text: "\n"})
				}
			}
			depth--
			if depth == 0 && doc.root != nil {
				after = true
			}
		case xml.CharData:
			switch {
			case after && depth == 0:
				tail.Write(t)
			case doc.root != nil && !after:
				depth++ // a text run sits one level below its element
				add(&node{text: string(t)})
				depth--
			}
		}
	}
	doc.trailing = tail.String()
	return doc
}
