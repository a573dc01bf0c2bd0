package subtitle

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func FuzzToWebVTT(f *testing.F) {
	for _, s := range []string{
		"1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> <b>world</b>\n",
		"1\r\n00:00:01,000 --> 00:00:02,000\r\n{\\an8}top\r\n",
		"1\n00:00:01,000 -->\nx\n",
		assHeader + "Dialogue: 0,0:00:01.23,0:00:03.45,Default,Bob,0,0,0,,{\\an8}Top\\Nsecond {\\b1}bold{\\p1}m 0 0{\\p0}\n",
		"WEBVTT\n\n00:01.000 --> 00:02.000 align:start line:10%\n<v Bob>Hi</v> <c.yellow>there</c>\n",
		"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\nREGION\nid:x\n\n00:01.000 --> 00:02.000 region:x\nx\n",
		"",
		"\xff\xfe1\x00",
	} {
		for _, format := range []string{"srt", "ass", "vtt", ""} {
			f.Add(s, format)
		}
	}
	f.Fuzz(func(t *testing.T, in, format string) {
		var out bytes.Buffer
		err := ToWebVTT(strings.NewReader(in), format, &out)
		if err != nil {
			if out.Len() != 0 {
				t.Fatalf("error %v, but wrote %q", err, out.String())
			}
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrImageSubtitle) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if err := validWebVTT(out.String()); err != nil {
			t.Fatalf("%v in output %q of input %q", err, out.String(), in)
		}
	})
}

var (
	timingLine = regexp.MustCompile(`^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})( [a-z]+:[^ ]+)*$`)
	tagRE      = regexp.MustCompile(`</?[a-z]*>`)
)

// validWebVTT checks the output contract: the header, an optional
// X-TIMESTAMP-MAP, then blocks of one timing line and one or more non-blank
// text lines, with start < end, starts in order, and only b/i/u tags.
func validWebVTT(s string) error {
	head, body, _ := strings.Cut(s, "\n\n")
	hl := strings.Split(strings.TrimSuffix(head, "\n"), "\n")
	if hl[0] != "WEBVTT" {
		return fmt.Errorf("header %q", hl[0])
	}
	if len(hl) > 2 || len(hl) == 2 && !strings.HasPrefix(hl[1], "X-TIMESTAMP-MAP=MPEGTS:") {
		return fmt.Errorf("header lines %q", hl)
	}
	if body == "" {
		return nil
	}
	if !strings.HasSuffix(body, "\n") {
		return errors.New("no final newline")
	}
	prev := ""
	for _, block := range strings.Split(strings.TrimSuffix(body, "\n"), "\n\n") {
		lines := strings.Split(block, "\n")
		m := timingLine.FindStringSubmatch(lines[0])
		if m == nil {
			return fmt.Errorf("timing line %q", lines[0])
		}
		start, end := pad(m[1:5]), pad(m[5:9])
		if start >= end || start < prev {
			return fmt.Errorf("timings %q after start %q", lines[0], prev)
		}
		prev = start
		if len(lines) < 2 {
			return fmt.Errorf("cue %q has no text", lines[0])
		}
		for _, l := range lines[1:] {
			if strings.TrimSpace(tagRE.ReplaceAllString(l, "")) == "" || strings.Contains(l, "-->") {
				return fmt.Errorf("text line %q", l)
			}
			for _, tag := range tagRE.FindAllString(l, -1) {
				switch tag {
				case "<b>", "</b>", "<i>", "</i>", "<u>", "</u>":
				default:
					return fmt.Errorf("tag %s in %q", tag, l)
				}
			}
			if strings.ContainsAny(tagRE.ReplaceAllString(l, ""), "<>") {
				return fmt.Errorf("unescaped < or > in %q", l)
			}
		}
	}
	return nil
}

// pad makes a timestamp comparable as a string.
func pad(p []string) string {
	return fmt.Sprintf("%012s:%s:%s.%s", p[0], p[1], p[2], p[3])
}
