package testmedia

import (
	"bytes"
	"encoding/binary"
	"image"
	"time"
)

// Cue is when a PGS subtitle shows its box: from Start to End.
type Cue struct{ Start, End time.Duration }

// PGS returns a Blu-ray (PGS, .sup) subtitle stream for a width×height picture that shows one
// opaque white box for each cue: a display set that draws it at the cue's start and one that
// clears it at its end. Mux it into a file (ffmpeg -i movie -i box.sup -map 0 -map 1 -c copy) to
// get a picture subtitle whose presence in a decoded frame is a plain brightness check; no fonts
// or OCR needed. Like a real one, a subtitle seen from a seek point needs cues that start after
// it: an encoder that starts after a cue began does not draw that cue.
func PGS(width, height int, box image.Rectangle, cues ...Cue) []byte {
	var out bytes.Buffer
	seg := func(pts time.Duration, typ byte, payload []byte) {
		out.WriteString("PG")
		ts := uint32(pts.Seconds() * 90000)
		_ = binary.Write(&out, binary.BigEndian, ts) // presentation time
		_ = binary.Write(&out, binary.BigEndian, ts) // decoding time
		out.WriteByte(typ)
		_ = binary.Write(&out, binary.BigEndian, uint16(len(payload)))
		out.Write(payload)
	}
	be16 := func(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
	x, y, w, h := box.Min.X, box.Min.Y, box.Dx(), box.Dy()
	pcs := func(pts time.Duration, number int, objects bool) {
		p := append(be16(width), be16(height)...)
		p = append(p, 0x10)            // frame rate
		p = append(p, be16(number)...) // composition number
		p = append(p, 0x80, 0, 0)      // epoch start, no palette update, palette 0
		if objects {
			p = append(p, 1)          // one object
			p = append(p, 0, 0, 0, 0) // object 0, window 0, not cropped
			p = append(p, append(be16(x), be16(y)...)...)
		} else {
			p = append(p, 0)
		}
		seg(pts, 0x16, p)
		wds := []byte{1, 0}
		wds = append(wds, append(append(be16(x), be16(y)...), append(be16(w), be16(h)...)...)...)
		seg(pts, 0x17, wds)
	}
	var rle []byte
	for range h {
		rle = append(rle, 0, 0xc0|byte(w>>8), byte(w), 1, 0, 0) // w pixels of colour 1, end of line
	}
	ods := []byte{0, 0, 0, 0xc0} // object 0, version 0, first and last fragment
	n := len(rle) + 4
	ods = append(ods, byte(n>>16), byte(n>>8), byte(n))
	ods = append(ods, append(be16(w), be16(h)...)...)
	ods = append(ods, rle...)
	for i, c := range cues {
		pcs(c.Start, 2*i, true)
		seg(c.Start, 0x14, []byte{0, 0, 1, 235, 128, 128, 255}) // palette 0: entry 1 opaque white (Y 235)
		seg(c.Start, 0x15, ods)
		seg(c.Start, 0x80, nil) // end of display set
		pcs(c.End, 2*i+1, false)
		seg(c.End, 0x80, nil)
	}
	return out.Bytes()
}
