// Package playback decides how a client plays a media file: as it is (direct play), with its
// streams copied into a new container (remux), or re-encoded (transcode), and why. Facades map
// their client profiles (Jellyfin's DeviceProfile, Plex's client profile) onto Capabilities and
// the Decision back onto their wire formats.
package playback

import (
	"slices"

	"github.com/walros/walros/core"
)

// Method is how a file reaches the client.
type Method string

// The methods, from cheapest to dearest.
const (
	// DirectPlay sends the file as it is.
	DirectPlay Method = "directplay"
	// Remux copies the video into the transcode target's container; audio is copied or encoded.
	// For audio-only files, the audio is copied.
	Remux Method = "remux"
	// Transcode encodes the video (or, for audio-only files, the audio).
	Transcode Method = "transcode"
	// Unplayable means the file has no audio or video stream.
	Unplayable Method = "unplayable"
)

// Reason is why a file cannot be direct played. The values are Jellyfin's TranscodeReason
// names, which its TranscodingUrl carries.
type Reason string

// The reasons. Each is a check of the source against the client that failed.
const (
	ContainerNotSupported        Reason = "ContainerNotSupported"        // container, or its mix of codecs
	VideoCodecNotSupported       Reason = "VideoCodecNotSupported"       // video codec, or unknown
	VideoProfileNotSupported     Reason = "VideoProfileNotSupported"     // "High 10", "High 4:4:4"...
	VideoLevelNotSupported       Reason = "VideoLevelNotSupported"       // level above VideoLimits.MaxLevel
	VideoBitDepthNotSupported    Reason = "VideoBitDepthNotSupported"    // 10-bit to an 8-bit client
	VideoRangeTypeNotSupported   Reason = "VideoRangeTypeNotSupported"   // HDR the client cannot show
	VideoResolutionNotSupported  Reason = "VideoResolutionNotSupported"  // larger than the client's or user's limit
	InterlacedVideoNotSupported  Reason = "InterlacedVideoNotSupported"  // interlaced to a progressive-only client
	AudioCodecNotSupported       Reason = "AudioCodecNotSupported"       // audio codec, or unknown
	AudioChannelsNotSupported    Reason = "AudioChannelsNotSupported"    // more channels than allowed
	AudioSampleRateNotSupported  Reason = "AudioSampleRateNotSupported"  // sample rate above AudioLimits.MaxSampleRate
	ContainerBitrateExceedsLimit Reason = "ContainerBitrateExceedsLimit" // file bitrate over the client's or user's cap
	SubtitleCodecNotSupported    Reason = "SubtitleCodecNotSupported"    // the subtitle must be burnt in
)

// SubtitleMode is how the chosen subtitle reaches the client.
type SubtitleMode string

// The subtitle modes.
const (
	SubtitleNone     SubtitleMode = ""         // no subtitle
	SubtitleExternal SubtitleMode = "external" // a separate file or HLS rendition, in Subtitle.Format
	SubtitleEmbedded SubtitleMode = "embedded" // left inside the direct-played file
	SubtitleBurn     SubtitleMode = "burn"     // drawn into the encoded video
)

// Decision is how a file is played.
type Decision struct {
	Method Method
	// Reasons say why not DirectPlay, in a fixed order. They are empty for DirectPlay, and when
	// the request turned direct play off and nothing else stood in the way.
	Reasons []Reason
	// Protocol is the transcode target's ("hls", "dash", "http"); empty for DirectPlay.
	Protocol string
	// Container is the source's short name for DirectPlay, else the target's ("fmp4", "ts"...).
	Container string
	Video     *VideoTarget // nil when the file has no video
	Audio     *AudioTarget // nil when the file has no audio
	Subtitle  SubtitleTarget
}

// VideoTarget is the video the client gets. When Copy is set, the fields describe the source.
type VideoTarget struct {
	StreamIndex   int
	Copy          bool
	Codec         string
	Width, Height int
	BitDepth      int
	HDR           string // the HDR type sent: one of core's HDR constants, core.HDRNone for SDR
	// Bitrate is the average to encode at and MaxBitrate the peak (ffmpeg's -b:v and -maxrate);
	// for a copy, Bitrate is the source's when known and MaxBitrate is 0.
	Bitrate, MaxBitrate int64
	ToneMap             bool // HDR source, SDR output
	Deinterlace         bool
}

// AudioTarget is the audio the client gets. When Copy is set, the fields describe the source.
type AudioTarget struct {
	StreamIndex int
	Copy        bool
	Codec       string
	Channels    int   // fewer than the source's means a downmix
	Bitrate     int64 // 0 for lossless codecs and unknown source bitrates
}

// SubtitleTarget is the subtitle the client gets.
type SubtitleTarget struct {
	StreamIndex int // meaningful unless Mode is SubtitleNone
	Mode        SubtitleMode
	// Format is what an external subtitle is delivered as: the source's format when the client
	// draws it ("ass", "pgssub"), else "vtt". It is the source's format for the other modes.
	Format string
}

// Decide chooses how the client described by caps plays the request's file. It prefers direct
// play, then a remux that copies the video, then a transcode, and records every reason direct
// play failed.
func Decide(req Request, caps Capabilities) Decision {
	t := target(caps.Transcode)
	video, audio, sub := req.videoStream(), req.audioStream(), req.subtitleStream()
	d := Decision{Container: Container(req.Info.Container, req.Path)}
	if video == nil && audio == nil {
		d.Method = Unplayable
		return d
	}
	limit := minLimit(caps.MaxBitrate, req.MaxBitrate)
	overLimit := limit > 0 && sourceBitrate(req.Info) > limit

	var vReasons, aReasons []Reason
	if video != nil {
		vReasons = videoReasons(*video, caps.Video[Codec(video.Codec)], req.MaxHeight)
	}
	if audio != nil {
		aReasons = audioReasons(*audio, caps.Audio[Codec(audio.Codec)], caps.MaxAudioChannels, req.MaxAudioChannels)
	}
	reasons := profileReasons(caps.DirectPlay, d.Container, video, audio)
	reasons = append(reasons, vReasons...)
	reasons = append(reasons, aReasons...)
	if overLimit {
		reasons = append(reasons, ContainerBitrateExceedsLimit)
	}
	if len(reasons) == 0 && !req.DisableDirectPlay {
		st := subtitle(sub, caps, true)
		if st.Mode == SubtitleBurn && video == nil {
			st = SubtitleTarget{} // nothing to draw on: music with a lyrics track
		}
		if st.Mode != SubtitleBurn {
			d.Method = DirectPlay
			d.Subtitle = st
			d.Video = sourceVideo(video)
			d.Audio = sourceAudio(audio)
			return d
		}
	}

	// Not direct play: build the transcode target, copying what the client takes as it is.
	d.Protocol, d.Container = t.Protocol, t.Container
	d.Subtitle = subtitle(sub, caps, false)
	if video == nil && d.Subtitle.Mode == SubtitleBurn {
		d.Subtitle = SubtitleTarget{} // nothing to draw on: music with a lyrics track
	}
	if d.Subtitle.Mode == SubtitleBurn {
		reasons = append(reasons, SubtitleCodecNotSupported)
	}
	videoCopy := video != nil && !t.NoRemux && !req.DisableVideoCopy &&
		len(vReasons) == 0 && !overLimit && d.Subtitle.Mode != SubtitleBurn &&
		canCarry(t, t.VideoCodecs, Codec(video.Codec))
	audioCopy := audio != nil && !t.NoRemux && !req.DisableAudioCopy &&
		len(aReasons) == 0 && !(overLimit && video == nil) &&
		canCarry(t, t.AudioCodecs, Codec(audio.Codec)) &&
		(t.MaxAudioChannels == 0 || audio.Channels <= t.MaxAudioChannels)

	var audioBitrate int64
	if audio != nil {
		if audioCopy {
			d.Audio = sourceAudio(audio)
		} else {
			d.Audio = encodedAudio(*audio, caps, req, t, video == nil, limit)
		}
		audioBitrate = d.Audio.Bitrate
		if audioBitrate == 0 {
			audioBitrate = 192_000 // lossless or unknown: leave room for a typical track
		}
	}
	switch {
	case video != nil && videoCopy:
		d.Method = Remux
		d.Video = sourceVideo(video)
	case video != nil:
		d.Method = Transcode
		d.Video = encodedVideo(*video, caps, req, t, limit, audioBitrate)
	case audioCopy:
		d.Method = Remux
	default:
		d.Method = Transcode
	}
	d.Reasons = ordered(reasons)
	return d
}

// reasonOrder is the order Decision.Reasons come in.
var reasonOrder = []Reason{
	ContainerNotSupported, VideoCodecNotSupported, VideoProfileNotSupported, VideoLevelNotSupported,
	VideoBitDepthNotSupported, VideoRangeTypeNotSupported, VideoResolutionNotSupported,
	InterlacedVideoNotSupported, AudioCodecNotSupported, AudioChannelsNotSupported,
	AudioSampleRateNotSupported, ContainerBitrateExceedsLimit, SubtitleCodecNotSupported,
}

// ordered returns the distinct reasons in reasonOrder.
func ordered(reasons []Reason) []Reason {
	var out []Reason
	for _, r := range reasonOrder {
		if slices.Contains(reasons, r) {
			out = append(out, r)
		}
	}
	return out
}

// target fills the empty fields of a transcode target with the most compatible values.
func target(t TranscodeTarget) TranscodeTarget {
	if t.Protocol == "" {
		t.Protocol = "hls"
	}
	if t.Container == "" {
		t.Container = "ts"
		if t.Protocol == "http" {
			t.Container = "mkv"
		}
	}
	t.VideoCodecs = codecs(t.VideoCodecs, "h264")
	t.AudioCodecs = codecs(t.AudioCodecs, "aac")
	return t
}

// codecs normalises a list of codec names, or returns def alone for an empty list.
func codecs(list []string, def string) []string {
	if len(list) == 0 {
		return []string{def}
	}
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = Codec(c)
	}
	return out
}

// minLimit returns the smaller of two limits where 0 means none.
func minLimit[T int | int64](a, b T) T {
	switch {
	case a <= 0:
		return max(b, 0)
	case b <= 0:
		return a
	}
	return min(a, b)
}

// sourceBitrate is the file's overall bitrate: the container's, else the sum of its streams',
// else its size over its duration; 0 when nothing tells.
func sourceBitrate(info core.MediaInfo) int64 {
	if info.Bitrate > 0 {
		return info.Bitrate
	}
	var sum int64
	for _, s := range info.Streams {
		sum += s.Bitrate
	}
	if sum > 0 {
		return sum
	}
	if info.Size > 0 && info.Duration > 0 {
		return int64(float64(info.Size*8) / info.Duration.Seconds())
	}
	return 0
}

// sourceVideo describes a video stream sent as it is.
func sourceVideo(s *core.Stream) *VideoTarget {
	if s == nil {
		return nil
	}
	return &VideoTarget{StreamIndex: s.Index, Copy: true, Codec: Codec(s.Codec), Width: s.Width,
		Height: s.Height, BitDepth: s.BitDepth, HDR: s.HDR, Bitrate: s.Bitrate}
}

// sourceAudio describes an audio stream sent as it is.
func sourceAudio(s *core.Stream) *AudioTarget {
	if s == nil {
		return nil
	}
	return &AudioTarget{StreamIndex: s.Index, Copy: true, Codec: Codec(s.Codec), Channels: s.Channels, Bitrate: s.Bitrate}
}
