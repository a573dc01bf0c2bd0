package subtitle

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asticode/go-astisub"
)

// cue is one WebVTT cue, ready to write.
type cue struct {
	start, end time.Duration
	settings   string // cue settings after the timings, such as "line:0"
	text       string // escaped payload: lines joined by "\n", never empty
}

// span is a run of text with one style.
type span struct {
	text            string // unescaped
	bold, ital, und bool
}

// spacePlaceholder stands for whitespace between two SRT tags, which astisub
// drops ("<i>Hello</i> <b>world</b>" would read "Helloworld"). It is a
// private-use character, so no real subtitle holds it.
const spacePlaceholder = "\uE000"

// errNoCues is wrapped when text parses but holds no cue at all.
var errNoCues = errors.New("no cues found")

var srtSpaceBetweenTags = regexp.MustCompile(`>[ \t]+<`)

// parse reads text in format f into sorted, deduplicated cues.
func parse(text, f string) (cues []cue, err error) {
	defer func() {
		// astisub indexes slices without checking on some malformed lines,
		// such as a timing line with nothing after "-->".
		if r := recover(); r != nil {
			cues, err = nil, fmt.Errorf("%w: %s: unparsable line (astisub: %v)", ErrInvalid, f, r)
		}
	}()
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var subs *astisub.Subtitles
	switch f {
	case formatSRT:
		text = srtSpaceBetweenTags.ReplaceAllString(text, ">"+spacePlaceholder+"<")
		subs, err = astisub.ReadFromSRT(strings.NewReader(text))
	case formatSSA:
		subs, err = astisub.ReadFromSSAWithOptions(strings.NewReader(text), astisub.SSAOptions{
			OnUnknownSectionName: func(string) {}, // fonts and graphics sections: not ours
			OnInvalidLine:        func(string) {},
		})
	case formatVTT:
		if !strings.HasPrefix(strings.TrimLeft(text, " \t\n"), "WEBVTT") {
			return nil, fmt.Errorf("%w: vtt: no WEBVTT header", ErrInvalid)
		}
		subs, err = astisub.ReadFromWebVTT(strings.NewReader(text))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, f, err)
	}
	if len(subs.Items) == 0 {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, f, errNoCues)
	}

	legacySSA := subs.Metadata != nil && subs.Metadata.SSAScriptType != "" &&
		!strings.Contains(subs.Metadata.SSAScriptType, "+")
	for _, it := range subs.Items {
		var c cue
		switch f {
		case formatSRT:
			c = srtCue(it)
		case formatSSA:
			c = ssaCue(it, legacySSA)
		case formatVTT:
			c = vttCue(it)
		}
		c.start, c.end = it.StartAt, it.EndAt
		if c.text == "" || c.end <= 0 || c.end <= c.start {
			continue // WebVTT needs end > start; an empty cue shows nothing
		}
		c.start = max(c.start, 0)
		cues = append(cues, c)
	}
	return sortCues(cues), nil
}

// sortCues sorts cues by start time, as WebVTT requires, and drops exact
// duplicates: ASS draws outlines and shadows with copies of a line on
// several layers. Cues that start together keep their order.
func sortCues(cues []cue) []cue {
	slices.SortStableFunc(cues, func(a, b cue) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	seen := make(map[cue]bool, len(cues))
	return slices.DeleteFunc(cues, func(c cue) bool {
		dup := seen[c]
		seen[c] = true
		return dup
	})
}

// srtCue converts a SubRip item: <b>, <i> and <u> are kept, <font> is
// dropped, and an ASS alignment tag such as {\an8}, which many SRT files
// carry, becomes a cue setting.
func srtCue(it *astisub.Item) cue {
	var c cue
	align := 0
	var lines [][]span
	for _, l := range it.Lines {
		var spans []span
		for _, li := range l.Items {
			text, a := stripASSBlocks(strings.ReplaceAll(li.Text, spacePlaceholder, " "))
			if a != 0 && align == 0 {
				align = a
			}
			s := span{text: text}
			if st := li.InlineStyle; st != nil {
				s.bold, s.ital, s.und = st.SRTBold, st.SRTItalics, st.SRTUnderline
			}
			spans = append(spans, s)
		}
		lines = append(lines, spans)
	}
	c.text = render(lines)
	c.settings = alignSettings(align)
	return c
}

var assBlock = regexp.MustCompile(`\{[^{}]*\}`)
var assAlign = regexp.MustCompile(`\\an([1-9])`)

// stripASSBlocks removes {…} override blocks from SRT text and returns the
// numpad alignment of the first \anN among them, or 0.
func stripASSBlocks(s string) (string, int) {
	align := 0
	s = assBlock.ReplaceAllStringFunc(s, func(b string) string {
		if m := assAlign.FindStringSubmatch(b); m != nil && align == 0 {
			align = int(m[1][0] - '0')
		}
		return ""
	})
	return s, align
}

// assState is the style that ASS override tags change as a line goes on.
type assState struct {
	bold, ital, und bool
	drawing         bool // inside {\p1}…{\p0}: vector drawing commands, not text
}

// ssaCue converts an ASS/SSA dialogue event. The style gives the starting
// bold, italic, underline and alignment; override tags change them along the
// text. Drawings, karaoke and positioning tags are dropped; \h becomes a
// no-break space.
func ssaCue(it *astisub.Item, legacy bool) cue {
	var base assState
	align := 2
	if it.Style != nil && it.Style.InlineStyle != nil {
		st := it.Style.InlineStyle
		base.bold = st.SSABold != nil && *st.SSABold
		base.ital = st.SSAItalic != nil && *st.SSAItalic
		base.und = st.SSAUnderline != nil && *st.SSAUnderline
		if st.SSAAlignment != nil {
			if legacy {
				align = legacyAlign(*st.SSAAlignment)
			} else {
				align = *st.SSAAlignment
			}
		}
	}
	state := base
	var lines [][]span
	for _, l := range it.Lines {
		var spans []span
		for _, li := range l.Items {
			if li.InlineStyle != nil && li.InlineStyle.SSAEffect != "" {
				if a := applyOverrides(&state, base, li.InlineStyle.SSAEffect); a != 0 {
					align = a
				}
			}
			if state.drawing {
				continue
			}
			text := strings.NewReplacer(`\h`, "\u00A0", `\n`, " ").Replace(li.Text)
			spans = append(spans, span{text: text, bold: state.bold, ital: state.ital, und: state.und})
		}
		lines = append(lines, spans)
	}
	return cue{text: render(lines), settings: alignSettings(align)}
}

// applyOverrides applies the tags of one {…} block to s and returns the
// numpad alignment the block sets, or 0.
func applyOverrides(s *assState, base assState, block string) (align int) {
	for _, tag := range strings.Split(strings.Trim(block, "{}"), `\`) {
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		name, arg := tag[:1], tag[1:]
		if strings.HasPrefix(tag, "an") {
			name, arg = "an", tag[2:]
		}
		n, err := strconv.Atoi(arg)
		isNum := err == nil
		switch {
		case name == "i" && (arg == "" || isNum):
			s.ital = arg == "" && base.ital || n == 1
		case name == "b" && (arg == "" || isNum):
			s.bold = arg == "" && base.bold || n == 1 || n >= 600 // \b<weight>: 100..900
		case name == "u" && (arg == "" || isNum):
			s.und = arg == "" && base.und || n == 1
		case name == "p" && isNum:
			s.drawing = n > 0
		case name == "r": // \r or \rStyle: back to the line's style
			drawing := s.drawing
			*s = base
			s.drawing = drawing
		case name == "an" && isNum && n >= 1 && n <= 9:
			align = n
		case name == "a" && isNum:
			align = legacyAlign(n)
		}
	}
	return align
}

// legacyAlign converts SSA v4 alignment (1-3 bottom, 5-7 top, 9-11 middle)
// to the numpad alignment of ASS.
func legacyAlign(a int) int {
	h := (a-1)%4 + 1
	if a < 1 || a > 11 || h == 4 {
		return 2
	}
	switch {
	case a >= 9:
		return 3 + h
	case a >= 5:
		return 6 + h
	default:
		return h
	}
}

// alignSettings turns a numpad alignment into WebVTT cue settings. Bottom
// centre, the default of every player, needs none.
func alignSettings(a int) string {
	var s []string
	switch {
	case a >= 7 && a <= 9:
		s = append(s, "line:0")
	case a >= 4 && a <= 6:
		s = append(s, "line:50%")
	}
	switch a {
	case 1, 4, 7:
		s = append(s, "align:left")
	case 3, 6, 9:
		s = append(s, "align:right")
	}
	return strings.Join(s, " ")
}

var vttSetting = regexp.MustCompile(`^(-?\d+(\.\d+)?%?(,(start|center|end|line-left|line-right))?|start|center|end|left|right|line-left|line-right|rl|lr)$`)

// vttCue converts a WebVTT cue, keeping b, i and u tags and the cue settings
// astisub understood, when they are well formed. Regions, classes, voices,
// ruby and karaoke timestamps are dropped.
func vttCue(it *astisub.Item) cue {
	var lines [][]span
	for _, l := range it.Lines {
		var spans []span
		for _, li := range l.Items {
			s := span{text: li.Text}
			if li.InlineStyle != nil {
				for _, t := range li.InlineStyle.WebVTTTags {
					switch t.Name {
					case "b":
						s.bold = true
					case "i":
						s.ital = true
					case "u":
						s.und = true
					}
				}
			}
			spans = append(spans, s)
		}
		lines = append(lines, spans)
	}
	c := cue{text: render(lines)}
	if st := it.InlineStyle; st != nil {
		var set []string
		for _, kv := range [][2]string{{"vertical", st.WebVTTVertical}, {"line", st.WebVTTLine},
			{"position", st.WebVTTPosition}, {"size", st.WebVTTSize}, {"align", st.WebVTTAlign}} {
			if kv[1] != "" && vttSetting.MatchString(kv[1]) {
				set = append(set, kv[0]+":"+kv[1])
			}
		}
		c.settings = strings.Join(set, " ")
	}
	return c
}

var (
	vttEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	spaces     = regexp.MustCompile(`[ \t\x{00A0}]{2,}`)
)

// render writes lines of spans as a WebVTT cue payload: blank lines are
// dropped (a blank line would end the cue), text is escaped, so "-->" cannot
// appear, and each styled run gets its own balanced tags.
func render(lines [][]span) string {
	var out []string
	for _, spans := range lines {
		var b strings.Builder
		var plain strings.Builder
		spans = mergeSpans(spans)
		for i, s := range spans {
			t := cleanText(s.text)
			if i == 0 {
				t = strings.TrimLeft(t, " \t")
			}
			if i == len(spans)-1 {
				t = strings.TrimRight(t, " \t")
			}
			if t == "" {
				continue
			}
			plain.WriteString(t)
			open, closing := tags(s)
			b.WriteString(open)
			b.WriteString(vttEscaper.Replace(t))
			b.WriteString(closing)
		}
		if strings.TrimSpace(plain.String()) != "" {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, "\n")
}

// cleanText removes control characters and line breaks from one span and
// squeezes runs of spaces.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 || r == '\uFFFE' || r == '\uFFFF':
			return -1
		}
		return r
	}, s)
	return spaces.ReplaceAllStringFunc(s, func(m string) string {
		if strings.ContainsRune(m, '\u00A0') {
			return m // \h\h is an author's deliberate gap
		}
		return " "
	})
}

// mergeSpans joins neighbouring spans of the same style.
func mergeSpans(spans []span) []span {
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].bold == s.bold && out[n-1].ital == s.ital && out[n-1].und == s.und {
			out[n-1].text += s.text
			continue
		}
		out = append(out, s)
	}
	return out
}

// tags returns the opening and closing tags of a span's style.
func tags(s span) (open, closing string) {
	if s.bold {
		open, closing = open+"<b>", "</b>"+closing
	}
	if s.ital {
		open, closing = open+"<i>", "</i>"+closing
	}
	if s.und {
		open, closing = open+"<u>", "</u>"+closing
	}
	return open, closing
}

// writeVTT writes a complete WebVTT file.
func writeVTT(b *bytes.Buffer, cues []cue, opts Options) {
	b.WriteString("WEBVTT\n")
	if m := opts.TimestampMap; m != nil {
		// hls.js reads LOCAL and MPEGTS in either order; this is the order of RFC 8216's example.
		fmt.Fprintf(b, "X-TIMESTAMP-MAP=MPEGTS:%d,LOCAL:%s\n", m.MPEGTS, timestamp(max(m.Local, 0)))
	}
	for _, c := range cues {
		start, end := c.start+opts.Shift, c.end+opts.Shift
		if end <= 0 {
			continue
		}
		b.WriteString("\n")
		b.WriteString(timestamp(max(start, 0)))
		b.WriteString(" --> ")
		b.WriteString(timestamp(end))
		if c.settings != "" {
			b.WriteString(" ")
			b.WriteString(c.settings)
		}
		b.WriteString("\n")
		b.WriteString(c.text)
		b.WriteString("\n")
	}
}

// timestamp formats d as WebVTT's HH:MM:SS.mmm; hours grow past two digits.
func timestamp(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
