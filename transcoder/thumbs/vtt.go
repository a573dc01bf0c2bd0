package thumbs

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// vtt is the WebVTT index of r: one cue per thumb, contiguous from 0, the
// last one ending at d (when d is known and later than its start).
func vtt(r Result, d time.Duration) []byte {
	var b bytes.Buffer
	b.WriteString("WEBVTT\n")
	perSheet := r.Columns * r.Rows
	for i := range r.Count {
		start := time.Duration(i) * r.Interval
		end := start + r.Interval
		if i == r.Count-1 && d > start {
			end = d // the last thumb also covers a tail its keyframe reaches into
		}
		cell := i % perSheet
		fmt.Fprintf(&b, "\n%s --> %s\n%s#xywh=%d,%d,%d,%d\n", timestamp(start), timestamp(end),
			sheetName(i/perSheet), cell%r.Columns*r.Width, cell/r.Columns*r.Height, r.Width, r.Height)
	}
	return b.Bytes()
}

// timestamp formats d as WebVTT's hh:mm:ss.ttt; hours may take more digits.
func timestamp(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// RewriteVTT returns a copy of the WebVTT index vtt in which every cue
// payload, a relative URL such as "sprite-0.jpg#xywh=0,0,320,180", becomes
// prefix + URL, with query (already escaped, without "?") added before the
// fragment: with prefix "/thumbs/42/" and query "token=abc",
// "/thumbs/42/sprite-0.jpg?token=abc#xywh=0,0,320,180". An API serves the
// index this way when sheets are fetched from a per-file path or need a token
// the player would not send. Header and timing lines are kept as they are.
func RewriteVTT(vtt []byte, prefix, query string) []byte {
	out := make([]byte, 0, len(vtt)+bytes.Count(vtt, []byte("-->"))*(len(prefix)+len(query)+1))
	inCue := false
	for len(vtt) > 0 {
		line, rest, found := bytes.Cut(vtt, []byte{'\n'})
		vtt = rest
		text := bytes.TrimSuffix(line, []byte{'\r'})
		switch {
		case len(bytes.TrimSpace(text)) == 0:
			inCue = false
		case bytes.Contains(text, []byte("-->")):
			inCue = true
		case inCue:
			url, frag, hasFrag := bytes.Cut(text, []byte{'#'})
			out = append(out, prefix...)
			out = append(out, url...)
			if query != "" {
				sep := byte('?')
				if bytes.IndexByte(url, '?') >= 0 {
					sep = '&'
				}
				out = append(append(out, sep), query...)
			}
			if hasFrag {
				out = append(append(out, '#'), frag...)
			}
			out = append(out, line[len(text):]...) // the \r, if any
			if found {
				out = append(out, '\n')
			}
			continue
		}
		out = append(out, line...)
		if found {
			out = append(out, '\n')
		}
	}
	return out
}

// String describes r in one line, for logs.
func (r Result) String() string {
	return "thumbs " + strconv.Itoa(r.Count) + " every " + r.Interval.String() + " in " +
		strconv.Itoa(len(r.Sprites)) + " sheets of " + strconv.Itoa(r.Columns) + "x" + strconv.Itoa(r.Rows) +
		" " + strconv.Itoa(r.Width) + "x" + strconv.Itoa(r.Height)
}
