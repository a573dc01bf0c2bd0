package core

import (
	"context"
	"time"
)

// StreamKind is what a stream in a media file carries.
type StreamKind string

// The stream kinds.
const (
	StreamVideo      StreamKind = "video"
	StreamAudio      StreamKind = "audio"
	StreamSubtitle   StreamKind = "subtitle"
	StreamAttachment StreamKind = "attachment" // fonts in Matroska, cover art...
	StreamData       StreamKind = "data"
)

// HDR types of a video stream.
const (
	HDRNone        = ""
	HDR10          = "HDR10"
	HDR10Plus      = "HDR10+"
	HDRHLG         = "HLG"
	HDRDolbyVision = "DolbyVision"
)

// Stream is one stream of a media file, as the prober reports it.
type Stream struct {
	Index           int // the stream's index in the container, as ffmpeg's -map 0:N takes it
	Kind            StreamKind
	Codec           string // ffmpeg's codec name: h264, hevc, aac, subrip, hdmv_pgs_subtitle...
	Profile         string
	Level           int
	Bitrate         int64 // bits per second, 0 when unknown
	Language        string
	Title           string
	Default         bool
	Forced          bool
	HearingImpaired bool
	// Video.
	Width, Height  int
	FrameRate      float64 // frames per second
	BitDepth       int
	PixelFormat    string
	ColorSpace     string
	ColorTransfer  string
	ColorPrimaries string
	HDR            string // one of the HDR constants
	Interlaced     bool
	// Audio.
	Channels      int
	ChannelLayout string
	SampleRate    int
	// External is the path of a sidecar file the stream comes from (subtitles next to the video).
	External string
}

// Chapter is a named point in a media file.
type Chapter struct {
	Start, End time.Duration
	Title      string
}

// MediaInfo is what probing a file tells about it.
type MediaInfo struct {
	Container string // ffprobe's format name, e.g. "matroska,webm", "mov,mp4,m4a,3gp,3g2,mj2"
	Duration  time.Duration
	Bitrate   int64
	Size      int64
	Streams   []Stream
	Chapters  []Chapter
	Tags      map[string]string // format-level tags, keys lower-cased: title, artist, album, track...
}

// Prober reads the technical facts of a media file. Implementations bound their own time and
// concurrency; a file that is not media, or is broken, gives an error that wraps ErrInvalid.
type Prober interface {
	Probe(ctx context.Context, path string) (MediaInfo, error)
}
