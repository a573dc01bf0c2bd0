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
	// Burn is the index of a picture subtitle stream (PGS, VobSub) drawn into the encoded video;
	// 0 for none (stream 0 is never a subtitle).
	Burn int
	// TS makes a video rendition MPEG-TS segments with the audio muxed in (Stream, Channels and
	// AudioBitrate), for players that know neither fMP4 nor separate audio.
	TS           bool
	AudioBitrate int64
	// Audio, alone or muxed into TS.
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

// ID returns the rendition's name in URLs: "v-copy", "v-h264-1280x720-2400k" (with "-b5" when
// subtitle stream 5 is burnt in), "a1-aac-2ch-128k", and for TS "t-copy-a1-2ch-128k" or
// "t-h264-1280x720-2400k-a1-2ch-128k".
func (s Spec) ID() string {
	var id string
	switch {
	case s.Kind == Audio:
		return fmt.Sprintf("a%d-aac-%dch-%dk", s.Stream, s.Channels, s.Bitrate/1000)
	case s.Copy:
		id = "v-copy"
	default:
		id = fmt.Sprintf("v-h264-%dx%d-%dk", s.Width, s.Height, s.Bitrate/1000)
	}
	if s.TS {
		id = "t" + id[1:] + fmt.Sprintf("-a%d-%dch-%dk", s.Stream, s.Channels, s.AudioBitrate/1000)
	}
	if s.Burn > 0 {
		id += fmt.Sprintf("-b%d", s.Burn)
	}
	return id
}

var (
	videoID = regexp.MustCompile(`^([vt])-(?:(copy)|h264-(\d{2,4})x(\d{2,4})-(\d{3,6})k)(?:-a(\d{1,3})-(\d)ch-(\d{2,3})k)?(?:-b(\d{1,3}))?$`)
	audioID = regexp.MustCompile(`^a(\d{1,3})-aac-(\d)ch-(\d{2,3})k$`)
)

// ParseID reads a rendition ID back. It checks the ranges, not the source: see Check.
func ParseID(id string) (Spec, error) {
	bad := fmt.Errorf("rendition %q: %w", id, ErrBadRequest)
	if m := videoID.FindStringSubmatch(id); m != nil {
		s := Spec{Kind: Video, TS: m[1] == "t", Copy: m[2] != ""}
		if !s.Copy {
			s.Width, _ = strconv.Atoi(m[3])
			s.Height, _ = strconv.Atoi(m[4])
			kbps, _ := strconv.ParseInt(m[5], 10, 64)
			s.Bitrate = kbps * 1000
			if s.Width < 16 || s.Height < 16 || s.Width > maxDimension || s.Height > maxDimension || s.Width%2 != 0 ||
				s.Height%2 != 0 || s.Bitrate < minVideoBitrate || s.Bitrate > maxVideoBitrate {
				return Spec{}, bad
			}
		}
		if s.TS != (m[6] != "") { // TS renditions carry their audio; fMP4 ones do not
			return Spec{}, bad
		}
		if s.TS {
			s.Stream, _ = strconv.Atoi(m[6])
			s.Channels, _ = strconv.Atoi(m[7])
			kbps, _ := strconv.ParseInt(m[8], 10, 64)
			s.AudioBitrate = kbps * 1000
			if s.Channels < 1 || s.Channels > maxChannels || s.AudioBitrate < minAudioBitrate || s.AudioBitrate > maxAudioBitrate {
				return Spec{}, bad
			}
		}
		if m[9] != "" {
			s.Burn, _ = strconv.Atoi(m[9])
			if s.Burn < 1 || s.Copy { // burning in means encoding
				return Spec{}, bad
			}
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

// ext is the file extension of the rendition's media segments.
func (s Spec) ext() string {
	if s.TS {
		return ".ts"
	}
	return ".m4s"
}

// seconds formats d as ffmpeg reads times, to the microsecond.
func seconds(d time.Duration) string {
	s := strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}
