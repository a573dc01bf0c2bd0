package hls

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/probe"
)

// pgs writes a Blu-ray (PGS) subtitle stream showing a white box from start to end on a
// width×height picture: one display set that draws it, one that clears it.
func pgs(width, height int, box [4]int, start, end time.Duration) []byte {
	var out bytes.Buffer
	seg := func(pts time.Duration, typ byte, payload []byte) {
		out.WriteString("PG")
		ts := uint32(pts.Seconds() * 90000)
		binary.Write(&out, binary.BigEndian, ts)
		binary.Write(&out, binary.BigEndian, ts)
		out.WriteByte(typ)
		binary.Write(&out, binary.BigEndian, uint16(len(payload)))
		out.Write(payload)
	}
	be16 := func(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
	x, y, w, h := box[0], box[1], box[2], box[3]
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
	pcs(start, 0, true)
	seg(start, 0x14, []byte{0, 0, 1, 235, 128, 128, 255}) // palette 0: entry 1 opaque white
	var rle []byte
	for range h {
		rle = append(rle, 0, 0xc0|byte(w>>8), byte(w), 1, 0, 0) // w pixels of colour 1, end of line
	}
	ods := []byte{0, 0, 0, 0xc0} // object 0, version 0, first and last fragment
	n := len(rle) + 4
	ods = append(ods, byte(n>>16), byte(n>>8), byte(n))
	ods = append(ods, append(be16(w), be16(h)...)...)
	seg(start, 0x15, append(ods, rle...))
	seg(start, 0x80, nil)
	pcs(end, 1, false)
	seg(end, 0x80, nil)
	return out.Bytes()
}

// TestBurnPictureSubtitles muxes a PGS subtitle into the fixture and checks that a rendition
// burning it in shows its white box where and when the subtitle says, and one without does not.
func TestBurnPictureSubtitles(t *testing.T) {
	src := source(t)
	ff := ffmpegtest.RequireFFmpeg(t)
	dir := t.TempDir()
	sup := filepath.Join(dir, "subs.sup")
	if err := os.WriteFile(sup, pgs(640, 360, [4]int{40, 40, 200, 100}, 4*time.Second, 9*time.Second), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "with-pgs.mkv")
	if err := ff.Run(context.Background(), []string{"-v", "error", "-i", src.Path, "-i", sup, "-map", "0", "-map", "1", "-c", "copy", "-copyts", path}, nil); err != nil {
		t.Fatalf("mux PGS: %v %s", err, stderr(err))
	}
	info, err := probe.New(ffmpegtest.RequireFFprobe(t), probe.Options{}).Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	sub := -1
	for _, s := range info.Streams {
		if s.Kind == core.StreamSubtitle && s.Codec == "hdmv_pgs_subtitle" {
			sub = s.Index
		}
	}
	if sub < 0 {
		t.Fatalf("no PGS stream in %+v", info.Streams)
	}
	fi, _ := os.Stat(path)
	pgsSrc := Source{ID: "pgs", Path: path, Size: fi.Size(), ModTime: fi.ModTime(), Info: info}
	e := newManager(t, Options{})

	// Segment 3 spans 6-8 s, while the box is shown; the box covers x 40-240, y 40-140 of
	// 640x360, so at 320x180 the middle of it is around (70, 45).
	brightness := func(spec Spec) float64 {
		t.Helper()
		data := append(e.fetch(t, pgsSrc, spec, -1), e.fetch(t, pgsSrc, spec, 3)...)
		in := filepath.Join(t.TempDir(), "seg.mp4")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var raw bytes.Buffer
		if err := ff.Run(context.Background(), []string{"-v", "error", "-i", in, "-frames:v", "1",
			"-vf", "crop=60:30:40:30,format=gray", "-f", "rawvideo", "-"}, &raw); err != nil {
			t.Fatalf("decode: %v %s", err, stderr(err))
		}
		sum := 0
		for _, b := range raw.Bytes() {
			sum += int(b)
		}
		return float64(sum) / float64(max(1, raw.Len()))
	}
	burnt := brightness(Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000, Burn: sub})
	plain := brightness(Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000})
	if burnt < 200 || burnt < plain+40 {
		t.Fatalf("mean luma in the subtitle's box: %.0f burnt in, %.0f without; want a white box", burnt, plain)
	}
	// A text or missing stream cannot be burnt in.
	if _, _, err := e.m.Segment(context.Background(), src, Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 400_000, Burn: 1}, 0, "u"); err == nil {
		t.Fatal("burning in an audio stream was accepted")
	}
}
