// Package subtitle turns text subtitles (SubRip, ASS/SSA, WebVTT, and the text
// streams embedded in media files) into WebVTT, the one subtitle format that
// browsers, hls.js and native HLS players all accept.
//
// Parsing is done by github.com/asticode/go-astisub; the WebVTT is written here,
// so that the output is always valid whatever the input holds: a "WEBVTT"
// header, HH:MM:SS.mmm timestamps, cues sorted by start time, escaped text,
// and only the <b>, <i> and <u> tags. ASS styling, positioning and drawing
// commands are dropped; alignment to the top or middle of the picture is kept
// as a cue setting.
package subtitle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/walros/walros/core"
)

// MaxSize is the largest subtitle file ToWebVTT reads. A feature film's
// subtitles take well under 1 MiB, even as ASS with karaoke effects.
const MaxSize = 16 << 20

// Sentinel errors. ErrInvalid and ErrTooLarge also match core.ErrInvalid, so a
// facade maps them like any other broken file.
var (
	// ErrInvalid is wrapped by the errors for input that cannot be parsed.
	ErrInvalid error = &kindError{"malformed subtitles", core.ErrInvalid}
	// ErrTooLarge is wrapped when the input is larger than MaxSize.
	ErrTooLarge error = &kindError{fmt.Sprintf("subtitles larger than %d MiB", MaxSize>>20), core.ErrInvalid}
	// ErrImageSubtitle is wrapped for image-based subtitles (PGS, VobSub, DVB):
	// they hold pictures, not text, and must be burned into the video.
	ErrImageSubtitle = errors.New("image-based subtitles cannot be converted to text")
	// ErrUnsupported is wrapped for a text format this package does not read.
	ErrUnsupported = errors.New("unsupported subtitle format")
)

// kindError is a sentinel that also matches a more general one through Unwrap.
type kindError struct {
	msg  string
	base error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.base }

// Text subtitle codecs by ffmpeg name, and the parser each needs once
// extracted. mov_text lives only inside mp4 files: Extract reads it.
var textCodecs = map[string]bool{
	"subrip": true, "srt": true, "ass": true, "ssa": true, "webvtt": true, "mov_text": true, "text": true,
}

// Image subtitle codecs by ffmpeg name.
var imageCodecs = map[string]bool{
	"hdmv_pgs_subtitle": true, "dvd_subtitle": true, "dvb_subtitle": true, "xsub": true, "dvb_teletext": true,
}

// IsText reports whether codec, an ffmpeg codec name such as core.Stream.Codec,
// is a text subtitle codec that Extract can convert.
func IsText(codec string) bool { return textCodecs[strings.ToLower(codec)] }

// IsImage reports whether codec, an ffmpeg codec name, is an image-based
// subtitle codec: it cannot become WebVTT and must be burned in.
// dvb_teletext counts as one because ffmpeg decodes it to pictures by default.
func IsImage(codec string) bool { return imageCodecs[strings.ToLower(codec)] }

// TimestampMap is the X-TIMESTAMP-MAP header of a WebVTT file served in an
// HLS subtitle playlist (RFC 8216, section 3.5): the cue time Local is shown
// with the media sample whose presentation time is MPEGTS, in 90 kHz units.
type TimestampMap struct {
	MPEGTS int64
	Local  time.Duration
}

// HLSTimestampMap returns the map for cues that count from the start of the
// file when the HLS media segments give that start the presentation time
// mediaStart. It is 0 for fMP4 segments that start at 0; the source's start
// time for segments cut with -copyts; 1.4 s more for MPEG-TS segments muxed
// without -muxdelay 0. The value wraps at 2^33, as MPEG-TS timestamps do.
//
// hls.js adds (MPEGTS - initPTS) / 90000 - LOCAL to every cue, where initPTS
// is the presentation time of the first media sample, at playlist time 0; it
// takes a missing header as MPEGTS:0, LOCAL:0, as RFC 8216 says clients must.
func HLSTimestampMap(mediaStart time.Duration) TimestampMap {
	ts := mediaStart.Nanoseconds() / 1e3 * 9 / 100 // µs to 90 kHz without overflowing
	return TimestampMap{MPEGTS: ts & (1<<33 - 1)}
}

// Options change what Convert writes. The zero value writes plain WebVTT.
type Options struct {
	// TimestampMap, when set, is written as an X-TIMESTAMP-MAP header line.
	TimestampMap *TimestampMap
	// Shift is added to every cue time. Cues that then end at or before 0
	// are dropped and cues that start before 0 are cut to start at 0.
	Shift time.Duration
}

// ToWebVTT reads subtitles in format from r and writes them to w as WebVTT.
//
// format is a file extension or an ffmpeg codec name: srt or subrip, ass or
// ssa, vtt or webvtt, case-insensitive, with or without a leading dot. An
// empty format is sniffed from the content. Image codecs give an error
// wrapping ErrImageSubtitle; other formats wrap ErrUnsupported.
//
// The input may be UTF-8 (with or without BOM), UTF-16 with a BOM, or, when it
// is not valid UTF-8, Windows-1252, as many old SRT files are. Empty input
// gives a WebVTT file without cues; input with text but no cue wraps
// ErrInvalid, as does any input the parser rejects. Nothing is written to w
// when an error is returned.
func ToWebVTT(r io.Reader, format string, w io.Writer) error {
	return Convert(r, format, w, Options{})
}

// Convert is ToWebVTT with options, for WebVTT served in an HLS playlist.
func Convert(r io.Reader, format string, w io.Writer, opts Options) error {
	f, err := normalizeFormat(format)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return fmt.Errorf("read subtitles: %w", err)
	}
	if len(data) > MaxSize {
		return fmt.Errorf("read subtitles: %w", ErrTooLarge)
	}
	return convert(data, f, w, opts, false)
}

// convert is Convert once the input is read. allowEmpty makes a file with
// headers but no cue valid, as ffmpeg writes for a stream without events.
func convert(data []byte, f string, w io.Writer, opts Options, allowEmpty bool) error {
	text, err := decodeText(data)
	if err != nil {
		return err
	}
	if f == "" {
		f = sniff(text)
	}
	cues, err := parse(text, f)
	if err != nil && !(allowEmpty && errors.Is(err, errNoCues)) {
		return err
	}
	var out bytes.Buffer
	writeVTT(&out, cues, opts)
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("write webvtt: %w", err)
	}
	return nil
}

// The formats parse knows.
const (
	formatSRT = "srt"
	formatSSA = "ssa"
	formatVTT = "vtt"
)

// normalizeFormat maps an extension or codec name to one of the format constants.
func normalizeFormat(format string) (string, error) {
	f := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(format), "."))
	switch f {
	case "":
		return "", nil
	case "srt", "subrip":
		return formatSRT, nil
	case "ass", "ssa":
		return formatSSA, nil
	case "vtt", "webvtt":
		return formatVTT, nil
	}
	if IsImage(f) || f == "sup" || f == "sub" || f == "idx" {
		return "", fmt.Errorf("subtitle format %q: %w", format, ErrImageSubtitle)
	}
	if f == "mov_text" {
		return "", fmt.Errorf("subtitle format %q exists only inside mp4 files, use Extract: %w", format, ErrUnsupported)
	}
	return "", fmt.Errorf("subtitle format %q: %w", format, ErrUnsupported)
}

// sniff guesses the format of text from its first bytes.
func sniff(text string) string {
	head := strings.TrimLeft(text[:min(len(text), 4096)], " \t\n")
	switch {
	case strings.HasPrefix(head, "WEBVTT"):
		return formatVTT
	case strings.Contains(head, "[Script Info]") || strings.Contains(head, "[Events]") ||
		strings.Contains(strings.ToLower(head), "styles]"):
		return formatSSA
	default:
		return formatSRT
	}
}

// decodeText returns data as UTF-8 without BOM, with "\n" line ends.
func decodeText(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		d, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: bad UTF-16: %v", ErrInvalid, err)
		}
		s = string(d)
	case utf8.Valid(data):
		s = string(data)
	default:
		d, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: not UTF-8 or Windows-1252: %v", ErrInvalid, err)
		}
		s = string(d)
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("%w: binary data, not text", ErrInvalid)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}
