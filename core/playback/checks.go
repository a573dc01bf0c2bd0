package playback

import (
	"slices"

	"github.com/walros/walros/core"
)

// profileReasons checks the file against the direct-play profiles of its kind: nil when one
// profile takes its container, video codec and audio codec together. Otherwise each part no
// profile takes is a reason; parts each taken, but by different profiles, make the container
// the reason (VP9 with AAC is fine in mp4, but not in webm).
func profileReasons(profiles []DirectPlayProfile, container string, video, audio *core.Stream) []Reason {
	kind := core.StreamAudio
	if video != nil {
		kind = core.StreamVideo
	}
	var containerOK, videoOK, audioOK bool
	for _, p := range profiles {
		if k := p.Kind; k != kind && (k != "" || kind != core.StreamVideo) {
			continue
		}
		c := listed(p.Containers, container, func(s string) string { return Container(s, "") })
		v := video == nil || listed(p.VideoCodecs, Codec(video.Codec), Codec)
		a := audio == nil || listed(p.AudioCodecs, Codec(audio.Codec), Codec)
		if c && v && a {
			return nil
		}
		containerOK, videoOK, audioOK = containerOK || c, videoOK || v, audioOK || a
	}
	var reasons []Reason
	if !containerOK {
		reasons = append(reasons, ContainerNotSupported)
	}
	if !videoOK {
		reasons = append(reasons, VideoCodecNotSupported)
	}
	if !audioOK {
		reasons = append(reasons, AudioCodecNotSupported)
	}
	if len(reasons) == 0 {
		reasons = append(reasons, ContainerNotSupported)
	}
	return reasons
}

// listed reports whether name is in list once normalised by norm; an empty list takes anything.
func listed(list []string, name string, norm func(string) string) bool {
	if len(list) == 0 {
		return true
	}
	return slices.ContainsFunc(list, func(s string) bool { return norm(s) == name })
}

// videoReasons checks a video stream against the limits of its codec and the user's height.
// Unknown values (a level or profile ffprobe did not report) pass.
func videoReasons(v core.Stream, lim VideoLimits, maxHeight int) []Reason {
	var reasons []Reason
	if len(lim.Profiles) > 0 && v.Profile != "" && !listed(lim.Profiles, Profile(v.Profile), Profile) {
		reasons = append(reasons, VideoProfileNotSupported)
	}
	if lim.MaxLevel > 0 && v.Level > lim.MaxLevel {
		reasons = append(reasons, VideoLevelNotSupported)
	}
	if lim.MaxBitDepth > 0 && v.BitDepth > lim.MaxBitDepth {
		reasons = append(reasons, VideoBitDepthNotSupported)
	}
	if v.HDR != core.HDRNone && shownAs(v, lim.HDR, true) == core.HDRNone {
		reasons = append(reasons, VideoRangeTypeNotSupported)
	}
	if (lim.MaxWidth > 0 && v.Width > lim.MaxWidth) || (lim.MaxHeight > 0 && v.Height > lim.MaxHeight) ||
		(maxHeight > 0 && v.Height > maxHeight) {
		reasons = append(reasons, VideoResolutionNotSupported)
	}
	if v.Interlaced && !lim.Interlaced {
		reasons = append(reasons, InterlacedVideoNotSupported)
	}
	return reasons
}

// shownAs returns the HDR type a client that shows the types in allowed sees a video stream as,
// or core.HDRNone when it cannot show it. HDR10+ falls back to HDR10 (a display ignores the
// dynamic metadata) and Dolby Vision to the base layer its transfer function tells (PQ for
// profiles 7 and 8.1, HLG for 8.4). withDV false leaves Dolby Vision out, as encoders cannot
// write it.
func shownAs(v core.Stream, allowed []string, withDV bool) string {
	var types []string
	switch v.HDR {
	case core.HDRDolbyVision:
		if withDV {
			types = append(types, core.HDRDolbyVision)
		}
		switch v.ColorTransfer {
		case "smpte2084":
			types = append(types, core.HDR10)
		case "arib-std-b67":
			types = append(types, core.HDRHLG)
		}
	case core.HDR10Plus:
		types = []string{core.HDR10Plus, core.HDR10}
	default:
		types = []string{v.HDR}
	}
	for _, t := range types {
		if slices.Contains(allowed, t) {
			return t
		}
	}
	return core.HDRNone
}

// audioReasons checks an audio stream against the limits of its codec, the client's channel cap
// and the request's.
func audioReasons(a core.Stream, lim AudioLimits, maxChannels, reqChannels int) []Reason {
	var reasons []Reason
	if limit := minLimit(minLimit(maxChannels, reqChannels), lim.MaxChannels); limit > 0 && a.Channels > limit {
		reasons = append(reasons, AudioChannelsNotSupported)
	}
	if lim.MaxSampleRate > 0 && a.SampleRate > lim.MaxSampleRate {
		reasons = append(reasons, AudioSampleRateNotSupported)
	}
	return reasons
}

// subtitle decides how a subtitle stream reaches the client. The client's player reads it from
// the file when it direct plays it, reads such tracks and draws the format; otherwise text
// subtitles go beside the media (as WebVTT unless the client draws their format), image ones
// too when the client draws them; anything else is burnt in.
func subtitle(s *core.Stream, caps Capabilities, directPlay bool) SubtitleTarget {
	if s == nil {
		return SubtitleTarget{}
	}
	f := SubtitleFormat(s.Codec)
	draws := listed(caps.SubtitleFormats, f, SubtitleFormat) && len(caps.SubtitleFormats) > 0
	st := SubtitleTarget{StreamIndex: s.Index, Format: f}
	switch {
	case directPlay && s.External == "" && caps.EmbeddedSubtitles && draws:
		st.Mode = SubtitleEmbedded
	case caps.ExternalSubtitles && (draws || !ImageSubtitle(f)):
		st.Mode = SubtitleExternal
		if !draws {
			st.Format = "vtt"
		}
	default:
		st.Mode = SubtitleBurn
	}
	return st
}

// segmentCodecs lists the codecs each transcode container carries; containers missing here
// carry anything.
var segmentCodecs = map[string][]string{
	"ts":   {"h264", "hevc", "mpeg2video", "aac", "mp3", "mp2", "ac3", "eac3"},
	"fmp4": {"h264", "hevc", "av1", "vp9", "aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"},
	"mp4":  {"h264", "hevc", "av1", "vp9", "aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"},
	"webm": {"vp8", "vp9", "av1", "opus", "vorbis"},
	"mp3":  {"mp3"},
	"aac":  {"aac"},
	"ogg":  {"opus", "vorbis", "flac"},
	"flac": {"flac"},
}

// carries reports whether a transcode container can hold a codec.
func carries(container, codec string) bool {
	list, ok := segmentCodecs[container]
	return !ok || slices.Contains(list, codec)
}

// canCarry reports whether a codec can be copied into the target: the client lists it and the
// target's container holds it.
func canCarry(t TranscodeTarget, list []string, codec string) bool {
	return slices.Contains(list, codec) && carries(t.Container, codec)
}
