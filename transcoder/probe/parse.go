package probe

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/walros/walros/core"
)

// output is the part of ffprobe's JSON that Parse reads (-show_format -show_streams -show_chapters
// -show_error).
type output struct {
	Streams  []stream  `json:"streams"`
	Chapters []chapter `json:"chapters"`
	Format   format    `json:"format"`
	Error    *struct {
		Code   value `json:"code"`
		String value `json:"string"`
	} `json:"error"`
}

type format struct {
	FormatName value            `json:"format_name"`
	Duration   value            `json:"duration"`
	BitRate    value            `json:"bit_rate"`
	Size       value            `json:"size"`
	Tags       map[string]value `json:"tags"`
}

type stream struct {
	Index            value            `json:"index"`
	CodecType        value            `json:"codec_type"`
	CodecName        value            `json:"codec_name"`
	CodecTag         value            `json:"codec_tag_string"`
	Profile          value            `json:"profile"`
	Level            value            `json:"level"`
	BitRate          value            `json:"bit_rate"`
	Width            value            `json:"width"`
	Height           value            `json:"height"`
	AvgFrameRate     value            `json:"avg_frame_rate"`
	RFrameRate       value            `json:"r_frame_rate"`
	BitsPerRawSample value            `json:"bits_per_raw_sample"`
	BitsPerSample    value            `json:"bits_per_sample"`
	PixFmt           value            `json:"pix_fmt"`
	ColorSpace       value            `json:"color_space"`
	ColorTransfer    value            `json:"color_transfer"`
	ColorPrimaries   value            `json:"color_primaries"`
	FieldOrder       value            `json:"field_order"`
	Channels         value            `json:"channels"`
	ChannelLayout    value            `json:"channel_layout"`
	SampleRate       value            `json:"sample_rate"`
	Duration         value            `json:"duration"`
	Disposition      map[string]value `json:"disposition"`
	Tags             map[string]value `json:"tags"`
	SideData         []struct {
		Type value `json:"side_data_type"`
	} `json:"side_data_list"`
}

type chapter struct {
	StartTime value            `json:"start_time"`
	EndTime   value            `json:"end_time"`
	Tags      map[string]value `json:"tags"`
}

// value is a JSON scalar kept as text. ffprobe writes many numbers as strings ("sample_rate":
// "48000", "duration": "2.0") and others as numbers ("channels": 2), and the choice has changed
// between versions, so either is accepted. null, objects and arrays read as "".
type value string

// UnmarshalJSON implements json.Unmarshaler.
func (v *value) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || b[0] == 'n' || b[0] == '{' || b[0] == '[':
		*v = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = value(s)
	default:
		*v = value(b)
	}
	return nil
}

// text is v trimmed, with ffprobe's "N/A" and "unknown" placeholders read as "".
func (v value) text() string {
	s := strings.TrimSpace(string(v))
	if s == "N/A" || s == "unknown" {
		return ""
	}
	return s
}

// int64 is v as a non-negative integer; 0 when it is missing, negative or not a number.
func (v value) int64() int64 {
	n, err := strconv.ParseInt(v.text(), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (v value) int() int { return int(min(v.int64(), math.MaxInt32)) }

// duration reads v as seconds ("2.023000"); 0 when it is missing, negative or absurd.
func (v value) duration() time.Duration {
	f, err := strconv.ParseFloat(v.text(), 64)
	if err != nil || !(f > 0) || f >= float64(math.MaxInt64)/float64(time.Second) {
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}

// ratio reads v as "num/den" ("24000/1001"); 0 when it is missing, "0/0" or not finite.
func (v value) ratio() float64 {
	num, den, ok := strings.Cut(v.text(), "/")
	if !ok {
		den = "1"
	}
	n, err1 := strconv.ParseFloat(num, 64)
	d, err2 := strconv.ParseFloat(den, 64)
	r := n / d
	if err1 != nil || err2 != nil || d == 0 || !(r > 0) || math.IsInf(r, 0) {
		return 0
	}
	return r
}

// Parse maps the JSON that ffprobe prints with -print_format json -show_format -show_streams
// -show_chapters (and optionally -show_error) to a MediaInfo. It fails with an error wrapping
// core.ErrInvalid when the JSON is unreadable, reports an ffprobe error, or describes something
// that is not playable media: no audio or video stream, a still image, a text file, or video
// that ffprobe could not decode a single frame of (a truncated or corrupt file).
func Parse(data []byte) (core.MediaInfo, error) {
	var out output
	if err := json.Unmarshal(data, &out); err != nil {
		return core.MediaInfo{}, core.Invalid("", "unreadable ffprobe output: %s", clean(err.Error()))
	}
	if out.Error != nil {
		reason := clean(string(out.Error.String))
		if reason == "" {
			reason = "ffprobe error " + clean(string(out.Error.Code))
		}
		return core.MediaInfo{}, core.Invalid("", "%s", reason)
	}
	info := core.MediaInfo{
		Container: out.Format.FormatName.text(),
		Duration:  out.Format.Duration.duration(),
		Bitrate:   out.Format.BitRate.int64(),
		Size:      out.Format.Size.int64(),
		Tags:      lowerKeys(out.Format.Tags),
	}
	fromStreams := info.Duration == 0 // some raw and broadcast streams only know it per stream
	for _, s := range out.Streams {
		st := toStream(s)
		info.Streams = append(info.Streams, st)
		if fromStreams && (st.Kind == core.StreamVideo || st.Kind == core.StreamAudio) {
			info.Duration = max(info.Duration, s.Duration.duration())
		}
	}
	if info.Container == "ogg" {
		// Ogg keeps Vorbis comments on the stream, not on the container.
		for i, s := range out.Streams {
			if info.Streams[i].Kind == core.StreamAudio {
				info.Tags = fillTags(info.Tags, lowerKeys(s.Tags))
				break
			}
		}
	}
	for _, c := range out.Chapters {
		info.Chapters = append(info.Chapters, core.Chapter{
			Start: c.StartTime.duration(),
			End:   c.EndTime.duration(),
			Title: lowerKeys(c.Tags)["title"],
		})
	}
	if reason := notMedia(info); reason != "" {
		return core.MediaInfo{}, core.Invalid("", "%s", reason)
	}
	return info, nil
}

// lowerKeys copies tags with lower-cased keys: tag names vary in case between formats and
// taggers (Vorbis "TITLE", APEv2 "Title", ID3 TXXX "REPLAYGAIN_TRACK_GAIN", Matroska "BPS").
// When two keys differ only in case, the lower-case one wins, else the first in sorted order,
// so the result does not depend on map order. It returns nil for no tags.
func lowerKeys(tags map[string]value) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		lk := strings.ToLower(k)
		if _, seen := m[lk]; !seen || k == lk {
			m[lk] = string(tags[k])
		}
	}
	return m
}

// fillTags adds to dst the keys of src it lacks.
func fillTags(dst, src map[string]string) map[string]string {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			if dst == nil {
				dst = map[string]string{}
			}
			dst[k] = v
		}
	}
	return dst
}

// notMedia says why info is not something Walros can play, or "" when it is.
func notMedia(info core.MediaInfo) string {
	var audio, video, undecoded int
	still := true
	for _, s := range info.Streams {
		switch s.Kind {
		case core.StreamAudio:
			audio++
		case core.StreamVideo:
			video++
			if !slices.Contains(imageCodecs, s.Codec) {
				still = false
			}
			if s.PixelFormat == "" {
				// ffprobe found the stream in the headers but could not decode a frame of it:
				// a truncated file (the first KiB of an mkv probe fine otherwise) or a corrupt one.
				undecoded++
			}
		}
	}
	switch {
	case info.Container == "tty": // ffmpeg's demuxer for text and ANSI art: any .txt or .nfo
		return "no audio or video stream (text file)"
	case audio+video == 0:
		return "no audio or video stream"
	case isImageFormat(info.Container):
		return "no audio or video stream (still image)"
	case audio == 0 && still && info.Duration < time.Second:
		// A lone picture in a video container; ffprobe gives a .jpg one frame (0.04 s) and
		// a .png or .webp no duration at all.
		return "no audio or video stream (still image)"
	case video > 0 && undecoded == video:
		return "video could not be decoded (truncated or corrupt file)"
	}
	return ""
}

// imageCodecs are the codecs of still pictures, whose lone stream ffprobe reports as video.
var imageCodecs = []string{"mjpeg", "png", "bmp", "webp", "gif", "tiff", "jpeg2000", "jpegls", "jpegxl", "ansi"}

// isImageFormat reports whether name is one of ffmpeg's picture demuxers: image2 (and
// image2pipe), the *_pipe family (png_pipe, webp_pipe, bmp_pipe...), and gif, whose animations
// are pictures to a media library.
func isImageFormat(name string) bool {
	return strings.HasPrefix(name, "image2") || strings.HasSuffix(name, "_pipe") || name == "gif" || name == "apng"
}

// maxReason caps the length of a reason taken from ffprobe's output.
const maxReason = 200

// clean makes s safe to put in an error text: valid UTF-8, one line, at most maxReason bytes.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.TrimSpace(s)
	if len(s) <= maxReason {
		return s
	}
	cut := maxReason - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
