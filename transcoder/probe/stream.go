package probe

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
)

// toStream maps one entry of ffprobe's "streams".
func toStream(s stream) core.Stream {
	tags := lowerKeys(s.Tags)
	st := core.Stream{
		Index:           s.Index.int(),
		Kind:            kind(s),
		Codec:           s.CodecName.text(),
		Profile:         s.Profile.text(),
		Level:           s.Level.int(), // ffprobe says -99 when unknown; int() reads it as 0
		Bitrate:         s.BitRate.int64(),
		Language:        strings.TrimSpace(tags["language"]),
		Title:           strings.TrimSpace(tags["title"]),
		Default:         s.Disposition["default"].int() != 0,
		Forced:          s.Disposition["forced"].int() != 0,
		HearingImpaired: s.Disposition["hearing_impaired"].int() != 0,
		Width:           s.Width.int(),
		Height:          s.Height.int(),
		PixelFormat:     s.PixFmt.text(),
		Channels:        s.Channels.int(),
		ChannelLayout:   s.ChannelLayout.text(),
		SampleRate:      s.SampleRate.int(),
	}
	if strings.EqualFold(st.Language, "und") { // ISO 639-2 "undetermined": the mp4 and mkv default
		st.Language = ""
	}
	if st.Bitrate == 0 {
		// Matroska has no per-track bitrate; mkvmerge writes statistics tags instead,
		// "BPS" in recent versions and "BPS-eng" in older ones.
		st.Bitrate = value(tags["bps"]).int64()
		if st.Bitrate == 0 {
			st.Bitrate = value(tags["bps-eng"]).int64()
		}
	}
	st.BitDepth = s.BitsPerRawSample.int()
	switch st.Kind {
	case core.StreamVideo:
		st.FrameRate = frameRate(s.AvgFrameRate.ratio(), s.RFrameRate.ratio())
		if st.BitDepth == 0 {
			st.BitDepth = pixDepth(st.PixelFormat) // HEVC and VP9 streams often leave bits_per_raw_sample out
		}
		st.ColorSpace = s.ColorSpace.text()
		st.ColorTransfer = s.ColorTransfer.text()
		st.ColorPrimaries = s.ColorPrimaries.text()
		st.HDR = hdr(s, st.ColorTransfer)
		switch s.FieldOrder.text() {
		case "tt", "bb", "tb", "bt": // top or bottom field first, coded in either order
			st.Interlaced = true
		}
	case core.StreamAudio:
		if st.BitDepth == 0 {
			st.BitDepth = s.BitsPerSample.int() // PCM says it here; lossy codecs say 0
		}
	}
	return st
}

// kind maps codec_type. A video stream flagged attached_pic is cover art (mp3 APIC, mp4 covr,
// FLAC picture, a Matroska cover attachment) and is reported as an attachment.
func kind(s stream) core.StreamKind {
	switch s.CodecType.text() {
	case "video":
		if s.Disposition["attached_pic"].int() != 0 {
			return core.StreamAttachment
		}
		return core.StreamVideo
	case "audio":
		return core.StreamAudio
	case "subtitle":
		return core.StreamSubtitle
	case "attachment":
		return core.StreamAttachment
	default:
		return core.StreamData
	}
}

// frameRate picks between avg_frame_rate and r_frame_rate. mp4 timestamps make the average
// slightly off ("384000/16007" for 24000/1001 content), so r_frame_rate wins when the two agree
// within 1%; otherwise the average wins, since r_frame_rate is the field rate of interlaced
// video and can be a timebase guess in variable-frame-rate files.
func frameRate(avg, r float64) float64 {
	switch {
	case avg > 0 && r > 0 && math.Abs(avg-r) <= r/100:
		return r
	case avg > 0:
		return avg
	default:
		return r
	}
}

// wideFormats are pixel formats whose name does not end in their bit depth.
var wideFormats = map[string]int{
	"rgb48le": 16, "rgb48be": 16, "bgr48le": 16, "bgr48be": 16,
	"rgba64le": 16, "rgba64be": 16, "bgra64le": 16, "bgra64be": 16,
	"nv20le": 10, "nv20be": 10,
}

// pixDepth derives the bit depth from an ffmpeg pixel format name: formats deeper than 8 bits
// end in their depth and endianness ("yuv420p10le", "p010le", "gray12be"); the others are 8-bit
// ("yuv420p", "nv12", "yuvj420p"). It returns 0 for "" and for names it cannot read.
func pixDepth(pixFmt string) int {
	if pixFmt == "" {
		return 0
	}
	if d, ok := wideFormats[pixFmt]; ok {
		return d
	}
	base, ok := strings.CutSuffix(pixFmt, "le")
	if !ok {
		base, ok = strings.CutSuffix(pixFmt, "be")
	}
	if !ok {
		return 8
	}
	i := len(base)
	for i > 0 && base[i-1] >= '0' && base[i-1] <= '9' {
		i--
	}
	digits := base[i:]
	if len(digits) > 2 {
		digits = digits[len(digits)-2:] // p010 → 10, y210 → 10
	}
	if n, err := strconv.Atoi(digits); err == nil && n >= 9 && n <= 16 {
		return n
	}
	return 0
}

// dolbyVisionTags are the codec tags of Dolby Vision tracks in mp4 (HEVC and AVC, with and
// without parameter sets in the samples, and AV1).
var dolbyVisionTags = []string{"dvh1", "dvhe", "dva1", "dvav", "dav1"}

// hdr names the HDR type of a video stream. Dolby Vision wins over the base layer it may carry
// (profile 8.1 is also HDR10, 8.4 also HLG), and HDR10+ over plain HDR10.
func hdr(s stream, transfer string) string {
	var dovi, hdr10plus bool
	for _, sd := range s.SideData {
		t := strings.ToLower(sd.Type.text())
		switch {
		// ffprobe names: "DOVI configuration record" (stream), "Dolby Vision RPU Data",
		// "Dolby Vision Metadata" (frames).
		case strings.Contains(t, "dovi configuration"), strings.Contains(t, "dolby vision"):
			dovi = true
		// "HDR Dynamic Metadata SMPTE2094-40 (HDR10+)" (frames) and
		// "HDR10+ Dynamic Metadata (SMPTE 2094-40)" (packets).
		case strings.Contains(t, "2094-40"):
			hdr10plus = true
		}
	}
	if slices.Contains(dolbyVisionTags, strings.ToLower(s.CodecTag.text())) {
		dovi = true
	}
	switch {
	case dovi:
		return core.HDRDolbyVision
	case hdr10plus:
		return core.HDR10Plus
	case transfer == "smpte2084": // PQ
		return core.HDR10
	case transfer == "arib-std-b67":
		return core.HDRHLG
	default:
		return core.HDRNone
	}
}
