package audio

import (
	"slices"
	"strconv"

	"github.com/walros/walros/core"
)

// Codec is an audio codec Walros encodes to.
type Codec string

// The codecs Transcoder encodes to.
const (
	CodecAAC  Codec = "aac"
	CodecOpus Codec = "opus"
	CodecMP3  Codec = "mp3"
)

// Container is how the encoded audio is packaged. Every container here can be
// written front to back to a pipe and played by a browser's <audio> element as
// it arrives.
type Container string

// The containers, with the codecs they carry.
const (
	ContainerADTS Container = "adts" // AAC frames with ADTS headers (.aac): every browser plays it
	ContainerMP4  Container = "mp4"  // AAC in fragmented MP4 (.m4a), for clients that want MP4
	ContainerOgg  Container = "ogg"  // Ogg Opus (.opus)
	ContainerWebM Container = "webm" // Opus in WebM (.webm), for Safari before 17 and MSE players
	ContainerMP3  Container = "mp3"  // MPEG audio with an ID3v2.3 tag (.mp3)
)

// Format is what a client asked for. Only Codec is required: a zero Container
// is the codec's default (ADTS, Ogg, MP3), a zero Bitrate depends on the
// channels, zero Channels means min(source, 2) and a zero SampleRate follows
// the source within what the codec takes.
type Format struct {
	Codec     Codec
	Container Container
	// Bitrate in bits per second: 32–512 kb/s for AAC, 32–320 kb/s for MP3,
	// 16–510 kb/s for Opus. Zero means 192 kb/s stereo (128 kb/s for Opus).
	Bitrate int
	// Channels is 1 (mono), 2 (stereo downmix) or 6 (5.1, not for MP3). It is
	// never more than the source has: asking 6 of a stereo file gives stereo.
	Channels int
	// SampleRate in Hz. Opus is always 48 kHz and MP3 at most 48 kHz; AAC
	// takes up to 96 kHz when asked, but follows the source only up to 48 kHz.
	SampleRate int
}

// codecSpec is what Format validation and the ffmpeg arguments need to know
// about one codec.
type codecSpec struct {
	encoder          string
	containers       []Container // the default first
	minRate, maxRate int         // bitrate bounds, bits per second
	maxChannels      int
	sampleRates      []int // the rates the encoder takes, ascending
}

var codecs = map[Codec]codecSpec{
	CodecAAC: {encoder: "aac", containers: []Container{ContainerADTS, ContainerMP4},
		minRate: 32_000, maxRate: 512_000, maxChannels: 6,
		sampleRates: []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000}},
	CodecOpus: {encoder: "libopus", containers: []Container{ContainerOgg, ContainerWebM},
		minRate: 16_000, maxRate: 510_000, maxChannels: 6, sampleRates: []int{48000}},
	CodecMP3: {encoder: "libmp3lame", containers: []Container{ContainerMP3},
		minRate: 32_000, maxRate: 320_000, maxChannels: 2,
		sampleRates: []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}},
}

// containerSpec is how one container is written and served.
type containerSpec struct {
	muxer       string
	muxArgs     []string
	ext         string
	contentType string
}

var containers = map[Container]containerSpec{
	ContainerADTS: {muxer: "adts", ext: ".aac", contentType: "audio/aac"},
	// frag_keyframe, the usual advice, never cuts an audio-only file: ffmpeg
	// only looks at video keyframes, so the whole file would arrive at the end.
	// Fragments of 1 s start playback at once and keep the overhead small.
	ContainerMP4: {muxer: "mp4", ext: ".m4a", contentType: "audio/mp4",
		muxArgs: []string{"-movflags", "empty_moov+default_base_moof", "-frag_duration", "1000000"}},
	ContainerOgg:  {muxer: "ogg", ext: ".opus", contentType: "audio/ogg"},
	ContainerWebM: {muxer: "webm", ext: ".webm", contentType: "audio/webm"},
	// ID3v2.3 is what most tag readers expect; v2.4 is ffmpeg's default.
	ContainerMP3: {muxer: "mp3", ext: ".mp3", contentType: "audio/mpeg", muxArgs: []string{"-id3v2_version", "3"}},
}

// maxAutoRate is the highest source sample rate kept when Format.SampleRate
// is zero: more is inaudible and only costs bandwidth.
const maxAutoRate = 48000

// normalize checks f against its codec and fills in the default container. It
// does not depend on the source, so the cache key can be made from its result.
func normalize(f Format) (Format, error) {
	c, ok := codecs[f.Codec]
	if !ok {
		return f, core.Invalid("codec", "%q is not aac, opus or mp3", f.Codec)
	}
	if f.Container == "" {
		f.Container = c.containers[0]
	}
	if !slices.Contains(c.containers, f.Container) {
		return f, core.Invalid("container", "%s cannot be carried in %q", f.Codec, f.Container)
	}
	if f.Bitrate != 0 && (f.Bitrate < c.minRate || f.Bitrate > c.maxRate) {
		return f, core.Invalid("bitrate", "%d b/s is outside %d–%d for %s", f.Bitrate, c.minRate, c.maxRate, f.Codec)
	}
	switch {
	case f.Channels != 0 && f.Channels != 1 && f.Channels != 2 && f.Channels != 6:
		return f, core.Invalid("channels", "%d is not 1, 2 or 6", f.Channels)
	case f.Channels > c.maxChannels:
		return f, core.Invalid("channels", "%s holds at most %d channels", f.Codec, c.maxChannels)
	}
	if f.SampleRate != 0 && !slices.Contains(c.sampleRates, f.SampleRate) {
		return f, core.Invalid("sampleRate", "%d Hz is not a rate %s takes", f.SampleRate, f.Codec)
	}
	return f, nil
}

// encoding is a normalized Format resolved against the source stream: every
// value ffmpeg is given.
type encoding struct {
	Format
	encoder string
}

// resolve fills in the defaults of the normalized f that depend on the source
// stream s.
func resolve(f Format, s core.Stream) encoding {
	c := codecs[f.Codec]
	src := s.Channels
	if src <= 0 {
		src = 2 // unknown: ffmpeg will downmix or upmix to stereo
	}
	if f.Channels == 0 || f.Channels > src {
		f.Channels = min(src, 2)
	}
	if f.Bitrate == 0 {
		f.Bitrate = defaultBitrate(f.Codec, f.Channels)
	}
	if f.SampleRate == 0 {
		f.SampleRate = autoRate(c.sampleRates, s.SampleRate)
	}
	return encoding{Format: f, encoder: c.encoder}
}

// defaultBitrate follows core/playback: 192 kb/s stereo (128 kb/s for Opus),
// half that for mono, 64 kb/s a channel for 5.1.
func defaultBitrate(c Codec, channels int) int {
	perChannel := 96_000
	switch {
	case channels > 2:
		perChannel = 64_000
	case c == CodecOpus:
		perChannel = 64_000
	}
	return perChannel * channels
}

// autoRate is the output rate for a source at src Hz (0 when unknown): src
// when the encoder takes it and it is at most maxAutoRate, else 44.1 kHz for
// the CD family (88.2, 176.4 kHz) and 48 kHz for everything else.
func autoRate(rates []int, src int) int {
	switch {
	case len(rates) == 1:
		return rates[0]
	case src > 0 && src <= maxAutoRate && slices.Contains(rates, src):
		return src
	case src > 0 && src%11025 == 0:
		return 44100
	default:
		return 48000
	}
}

// args is the ffmpeg command line that encodes stream index of the file at
// path to e, written to stdout.
func args(path string, index int, e encoding) []string {
	cs := containers[e.Container]
	a := []string{
		"-nostats", "-loglevel", "error", // the stderr tail then holds only what went wrong
		// A file that decodes to nothing would otherwise exit 0 with a header
		// and no audio, and be cached.
		"-abort_on", "empty_output_stream",
		// A playlist-like file (m3u8, concat) must not make ffmpeg open URLs.
		"-protocol_whitelist", "file",
		// file: stops ffmpeg from reading a "name:" prefix as a protocol.
		"-i", "file:" + path,
		"-map", "0:" + strconv.Itoa(index), "-vn", "-sn", "-dn", // -vn also drops mapped cover art
		"-map_metadata", "0", // title, artist, album... for music players
		"-c:a", e.encoder,
		"-b:a", strconv.Itoa(e.Bitrate),
		"-ac", strconv.Itoa(e.Channels),
		"-ar", strconv.Itoa(e.SampleRate),
	}
	a = append(a, cs.muxArgs...)
	return append(a, "-f", cs.muxer, "pipe:1")
}

// ContentType is the MIME type to serve f with, or "" when f is not valid.
func ContentType(f Format) string {
	f, err := normalize(f)
	if err != nil {
		return ""
	}
	return containers[f.Container].contentType
}

// Extension is the file extension of f, with its dot (".aac", ".m4a", ".opus",
// ".webm", ".mp3"), or "" when f is not valid.
func Extension(f Format) string {
	f, err := normalize(f)
	if err != nil {
		return ""
	}
	return containers[f.Container].ext
}
