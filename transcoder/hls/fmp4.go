package hls

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

var (
	// errBox is returned for a malformed fragmented MP4 file.
	errBox = errors.New("malformed fragmented MP4")
	// errNoMoof is returned for a media segment without a fragment.
	errNoMoof = fmt.Errorf("segment without moof: %w", errBox)
)

// box is one ISO BMFF box: its type and payload (after the header).
type box struct {
	typ  string
	data []byte
}

// boxes splits b into its top-level boxes.
func boxes(b []byte) ([]box, error) {
	var out []box
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, errBox
		}
		size, hdr := uint64(binary.BigEndian.Uint32(b)), uint64(8)
		switch size {
		case 1:
			if len(b) < 16 {
				return nil, errBox
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		case 0:
			size = uint64(len(b))
		}
		if size < hdr || size > uint64(len(b)) {
			return nil, errBox
		}
		out = append(out, box{typ: string(b[4:8]), data: b[hdr:size]})
		b = b[size:]
	}
	return out, nil
}

// child returns the first child box of type typ in b's payload.
func child(b []byte, typ string) ([]byte, bool) {
	kids, err := boxes(b)
	if err != nil {
		return nil, false
	}
	for _, k := range kids {
		if k.typ == typ {
			return k.data, true
		}
	}
	return nil, false
}

// trackInfo is what an init segment says about its one track.
type trackInfo struct {
	timescale       uint32
	defaultDuration uint32 // trex default_sample_duration
	mediaTime       int64  // the edit list's start in the media: presentation = decode + offset - mediaTime
}

// readInit reads the timescale and default sample duration of an init segment's first track.
func readInit(b []byte) (trackInfo, error) {
	moov, ok := child(b, "moov")
	if !ok {
		return trackInfo{}, fmt.Errorf("init segment without moov: %w", errBox)
	}
	var t trackInfo
	if trak, ok := child(moov, "trak"); ok {
		if edts, ok := child(trak, "edts"); ok {
			t.mediaTime = editStart(edts)
		}
		if mdia, ok := child(trak, "mdia"); ok {
			if mdhd, ok := child(mdia, "mdhd"); ok && len(mdhd) >= 24 {
				if mdhd[0] == 1 {
					if len(mdhd) < 32 {
						return trackInfo{}, errBox
					}
					t.timescale = binary.BigEndian.Uint32(mdhd[20:])
				} else {
					t.timescale = binary.BigEndian.Uint32(mdhd[12:])
				}
			}
		}
	}
	if mvex, ok := child(moov, "mvex"); ok {
		if trex, ok := child(mvex, "trex"); ok && len(trex) >= 16 {
			t.defaultDuration = binary.BigEndian.Uint32(trex[12:])
		}
	}
	if t.timescale == 0 {
		return trackInfo{}, fmt.Errorf("init segment without a timescale: %w", errBox)
	}
	return t, nil
}

// editStart returns the media time of an edit list's first non-empty edit.
func editStart(edts []byte) int64 {
	elst, ok := child(edts, "elst")
	if !ok || len(elst) < 8 {
		return 0
	}
	version, n, b := elst[0], int(binary.BigEndian.Uint32(elst[4:])), elst[8:]
	size := 12
	if version == 1 {
		size = 20
	}
	for i := 0; i < n && len(b) >= (i+1)*size; i++ {
		e := b[i*size:]
		var mt int64
		if version == 1 {
			mt = int64(binary.BigEndian.Uint64(e[8:]))
		} else {
			mt = int64(int32(binary.BigEndian.Uint32(e[4:])))
		}
		if mt >= 0 { // -1 is an empty edit
			return mt
		}
	}
	return 0
}

// fragmentSpan is the time span a media segment covers: from the presentation time of its first
// sample (its decode time plus composition offset, as B-frames shift them apart) to the decode end
// of its last sample plus that same offset.
type fragmentSpan struct {
	start, end time.Duration
	samples    int
}

// readSegment returns the span of a media segment's samples: the first moof's tfdt to the end of
// the last sample, in the init segment's timescale.
func readSegment(b []byte, t trackInfo) (fragmentSpan, error) {
	top, err := boxes(b)
	if err != nil {
		return fragmentSpan{}, err
	}
	var (
		span   fragmentSpan
		first  = true
		end    uint64
		offset int64 // the first sample's composition offset
	)
	for _, bx := range top {
		if bx.typ != "moof" {
			continue
		}
		traf, ok := child(bx.data, "traf")
		if !ok {
			return fragmentSpan{}, errBox
		}
		tfdt, ok := child(traf, "tfdt")
		if !ok || len(tfdt) < 8 {
			return fragmentSpan{}, errBox
		}
		var base uint64
		if tfdt[0] == 1 {
			if len(tfdt) < 12 {
				return fragmentSpan{}, errBox
			}
			base = binary.BigEndian.Uint64(tfdt[4:])
		} else {
			base = uint64(binary.BigEndian.Uint32(tfdt[4:]))
		}
		def := t.defaultDuration
		if tfhd, ok := child(traf, "tfhd"); ok && len(tfhd) >= 8 {
			flags := binary.BigEndian.Uint32(tfhd) & 0xffffff
			off := 8
			for _, f := range []uint32{0x01, 0x02} { // base data offset (8), sample description index (4)
				if flags&f != 0 {
					off += map[uint32]int{0x01: 8, 0x02: 4}[f]
				}
			}
			if flags&0x08 != 0 && len(tfhd) >= off+4 {
				def = binary.BigEndian.Uint32(tfhd[off:])
			}
		}
		dur, n, cts, err := trunDuration(traf, def)
		if err != nil {
			return fragmentSpan{}, err
		}
		if first {
			offset = cts - t.mediaTime
			span.start, first = ticks(uint64(max(0, int64(base)+offset)), t.timescale), false
		}
		end = base + dur
		span.samples += n
	}
	if first {
		return fragmentSpan{}, errNoMoof
	}
	span.end = ticks(uint64(max(0, int64(end)+offset)), t.timescale)
	return span, nil
}

// trunDuration adds up the sample durations of every trun in traf, and returns the composition
// offset of the first sample.
func trunDuration(traf []byte, def uint32) (total uint64, count int, firstCTS int64, err error) {
	kids, err := boxes(traf)
	if err != nil {
		return 0, 0, 0, err
	}
	firstSeen := false
	for _, k := range kids {
		if k.typ != "trun" {
			continue
		}
		b := k.data
		if len(b) < 8 {
			return 0, 0, 0, errBox
		}
		version := b[0]
		flags := binary.BigEndian.Uint32(b) & 0xffffff
		n := int(binary.BigEndian.Uint32(b[4:]))
		off := 8
		if flags&0x01 != 0 {
			off += 4
		}
		if flags&0x04 != 0 {
			off += 4
		}
		per := 0
		for _, f := range []uint32{0x100, 0x200, 0x400, 0x800} {
			if flags&f != 0 {
				per += 4
			}
		}
		if n < 0 || len(b) < off+n*per {
			return 0, 0, 0, errBox
		}
		for i := range n {
			d := def
			if flags&0x100 != 0 {
				d = binary.BigEndian.Uint32(b[off+i*per:])
			}
			total += uint64(d)
			if !firstSeen && flags&0x800 != 0 {
				raw := binary.BigEndian.Uint32(b[off+i*per+per-4:])
				if version == 1 {
					firstCTS = int64(int32(raw))
				} else {
					firstCTS = int64(raw)
				}
			}
			firstSeen = true
		}
		count += n
	}
	return total, count, firstCTS, nil
}

// ticks converts a count in timescale units to a duration.
func ticks(v uint64, timescale uint32) time.Duration {
	sec := v / uint64(timescale)
	rem := v % uint64(timescale)
	return time.Duration(sec)*time.Second + time.Duration(rem*uint64(time.Second)/uint64(timescale))
}
