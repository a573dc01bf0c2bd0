package hls

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind is what a rendition carries.
type Kind string

// The rendition kinds: HLS fMP4 renditions are demuxed, one video or one audio track each.
const (
	Video Kind = "video"
	Audio Kind = "audio"
)

// Spec is one rendition of a file: its video copied or encoded to H.264 at a size and bitrate, or
// one of its audio tracks encoded to AAC. Its ID names it in URLs and parses back.
type Spec struct {
	Kind Kind
	// Video.
	Copy          bool
	Width, Height int
	Bitrate       int64 // bits per second, video or audio
	// Audio.
	Stream   int // the source stream index
	Channels int
}

// Limits on what a URL may ask for.
const (
	maxDimension    = 7680
	minVideoBitrate = 100_000
	maxVideoBitrate = 200_000_000
	minAudioBitrate = 32_000
	maxAudioBitrate = 640_000
	maxChannels     = 8
)

// ID returns the rendition's name in URLs: "v-copy", "v-h264-1280x720-2400k", "a1-aac-2ch-128k".
func (s Spec) ID() string {
	switch {
	case s.Kind == Video && s.Copy:
		return "v-copy"
	case s.Kind == Video:
		return fmt.Sprintf("v-h264-%dx%d-%dk", s.Width, s.Height, s.Bitrate/1000)
	default:
		return fmt.Sprintf("a%d-aac-%dch-%dk", s.Stream, s.Channels, s.Bitrate/1000)
	}
}

var (
	videoID = regexp.MustCompile(`^v-h264-(\d{2,4})x(\d{2,4})-(\d{3,6})k$`)
	audioID = regexp.MustCompile(`^a(\d{1,3})-aac-(\d)ch-(\d{2,3})k$`)
)

// ParseID reads a rendition ID back. It checks the ranges, not the source: see Check.
func ParseID(id string) (Spec, error) {
	bad := fmt.Errorf("rendition %q: %w", id, ErrBadRequest)
	if id == "v-copy" {
		return Spec{Kind: Video, Copy: true}, nil
	}
	if m := videoID.FindStringSubmatch(id); m != nil {
		w, _ := strconv.Atoi(m[1])
		h, _ := strconv.Atoi(m[2])
		kbps, _ := strconv.ParseInt(m[3], 10, 64)
		s := Spec{Kind: Video, Width: w, Height: h, Bitrate: kbps * 1000}
		if w < 16 || h < 16 || w > maxDimension || h > maxDimension || w%2 != 0 || h%2 != 0 ||
			s.Bitrate < minVideoBitrate || s.Bitrate > maxVideoBitrate {
			return Spec{}, bad
		}
		return s, nil
	}
	if m := audioID.FindStringSubmatch(id); m != nil {
		idx, _ := strconv.Atoi(m[1])
		ch, _ := strconv.Atoi(m[2])
		kbps, _ := strconv.ParseInt(m[3], 10, 64)
		s := Spec{Kind: Audio, Stream: idx, Channels: ch, Bitrate: kbps * 1000}
		if ch < 1 || ch > maxChannels || s.Bitrate < minAudioBitrate || s.Bitrate > maxAudioBitrate {
			return Spec{}, bad
		}
		return s, nil
	}
	return Spec{}, bad
}

// seconds formats d as ffmpeg reads times, to the microsecond.
func seconds(d time.Duration) string {
	s := strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}
