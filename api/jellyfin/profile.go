package jellyfin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// optNum is a number of a request body. ASP.NET reads numbers from strings too
// (NumberHandling.AllowReadingFromString), and clients send both: "MaxAudioChannels":"2".
type optNum struct {
	V   int64
	Set bool
}

func (n *optNum) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64) // 1e9 is a valid JSON number for 1000000000
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	n.V, n.Set = int64(f), true
	return nil
}

// optBool is an optional boolean of a request body.
type optBool struct {
	V   bool
	Set bool
}

func (f *optBool) UnmarshalJSON(b []byte) error {
	switch strings.ToLower(string(bytes.Trim(b, `"`))) {
	case "true":
		*f = optBool{V: true, Set: true}
	case "false":
		*f = optBool{Set: true}
	case "null", "":
	default:
		return fmt.Errorf("%s is not a boolean", b)
	}
	return nil
}

// off reports whether the flag was set to false: Enable* and Allow* default to true.
func (f optBool) off() bool { return f.Set && !f.V }

// looseText is a string of a request body that may come as a number ("Value": 52 in a condition).
type looseText string

func (t *looseText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = looseText(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	*t = looseText(bytes.TrimSpace(b))
	return nil
}

// deviceProfile is Jellyfin's DeviceProfile, as clients post it with PlaybackInfo.
type deviceProfile struct {
	Name                string
	MaxStreamingBitrate optNum
	MaxStaticBitrate    optNum
	DirectPlayProfiles  []directPlayProfile
	TranscodingProfiles []transcodingProfile
	CodecProfiles       []codecProfile
	SubtitleProfiles    []subtitleProfile
}

type directPlayProfile struct {
	Container, AudioCodec, VideoCodec, Type string
}

type transcodingProfile struct {
	Container, Type, VideoCodec, AudioCodec, Protocol, Context string
	MaxAudioChannels                                           optNum
}

type codecProfile struct {
	Type, Codec, Container string
	Conditions             []profileCondition
	ApplyConditions        []profileCondition
}

type profileCondition struct {
	Condition, Property string
	Value               looseText
	IsRequired          optBool
}

type subtitleProfile struct {
	Format, Method, Language, Container string
}

// commaList splits a profile's comma list ("mp4,m4v"), dropping empty names.
func commaList(s string) []string {
	return splitList([]string{s}, ",")
}

// knownVideoCodecs and knownAudioCodecs are the codecs a profile condition without a codec applies
// to, and those given Jellyfin's default of no limits: Capabilities needs each codec named.
var (
	knownVideoCodecs = []string{"h264", "hevc", "av1", "vp9", "vp8", "mpeg2video", "mpeg4", "msmpeg4v3", "vc1",
		"wmv3", "mpeg1video", "prores", "theora"}
	knownAudioCodecs = []string{"aac", "mp3", "ac3", "eac3", "dts", "truehd", "opus", "vorbis", "flac", "alac", "mp2",
		"pcm_s16le", "pcm_s24le", "wmav2"}
	allHDR = []string{core.HDR10, core.HDR10Plus, core.HDRHLG, core.HDRDolbyVision}
)

// rangeTypes maps Jellyfin's VideoRangeType names to core's HDR types. A client that plays Dolby
// Vision with an HDR10 base layer plays HDR10 too.
var rangeTypes = map[string]string{
	"hdr10": core.HDR10, "hdr10plus": core.HDR10Plus, "hlg": core.HDRHLG, "dovi": core.HDRDolbyVision,
	"doviwithhdr10": core.HDR10, "doviwithhlg": core.HDRHLG, "doviwithhdr10plus": core.HDR10Plus,
	"doviwithel": core.HDRDolbyVision, "doviwithelhdr10plus": core.HDR10Plus,
}

// firstVideo returns the file's first video stream that is not cover art.
func firstVideo(info core.MediaInfo) *core.Stream {
	for i, s := range info.Streams {
		if s.Kind == core.StreamVideo && s.Codec != "mjpeg" && s.Codec != "png" {
			return &info.Streams[i]
		}
	}
	return nil
}

// chosenAudio returns the audio stream a play of f uses: the one asked for, else the default,
// else the first.
func chosenAudio(info core.MediaInfo, want *int) *core.Stream {
	var first *core.Stream
	for i, s := range info.Streams {
		if s.Kind != core.StreamAudio {
			continue
		}
		if want != nil && s.Index == *want {
			return &info.Streams[i]
		}
		if first == nil || s.Default && !first.Default {
			first = &info.Streams[i]
		}
	}
	return first
}

// capabilities maps the profile onto what core/playback decides with, for one file: the
// ApplyConditions of codec profiles are checked against the file's streams. A profile with
// neither direct-play nor transcoding profiles is Findroid's "direct play all": such a client
// plays everything itself. Conditions Walros has no counterpart for (RefFrames, IsAnamorphic,
// VideoBitrate per codec...) are ignored.
func (p *deviceProfile) capabilities(f core.MediaFile, audioIndex *int) playback.Capabilities {
	video, audioStream := firstVideo(f.Info), chosenAudio(f.Info, audioIndex)
	caps := playback.Capabilities{Video: map[string]playback.VideoLimits{}, Audio: map[string]playback.AudioLimits{},
		MaxBitrate: p.MaxStreamingBitrate.V, ExternalSubtitles: true}
	if len(p.DirectPlayProfiles) == 0 && len(p.TranscodingProfiles) == 0 {
		caps.DirectPlay = []playback.DirectPlayProfile{{Kind: core.StreamVideo}, {Kind: core.StreamAudio}}
	}
	videoCodecs, audioCodecs := slices.Clone(knownVideoCodecs), slices.Clone(knownAudioCodecs)
	for _, d := range p.DirectPlayProfiles {
		var kind core.StreamKind
		switch strings.ToLower(d.Type) {
		case "video":
			kind = core.StreamVideo
		case "audio":
			kind = core.StreamAudio
		default:
			continue // Photo
		}
		dp := playback.DirectPlayProfile{Kind: kind, Containers: commaList(d.Container),
			VideoCodecs: commaList(d.VideoCodec), AudioCodecs: commaList(d.AudioCodec)}
		caps.DirectPlay = append(caps.DirectPlay, dp)
		videoCodecs = append(videoCodecs, dp.VideoCodecs...)
		audioCodecs = append(audioCodecs, dp.AudioCodecs...)
	}
	for _, c := range videoCodecs {
		// Jellyfin sets no limit where no condition says one: any range, interlaced or not.
		caps.Video[playback.Codec(c)] = playback.VideoLimits{HDR: allHDR, Interlaced: true}
	}
	for _, c := range audioCodecs {
		caps.Audio[playback.Codec(c)] = playback.AudioLimits{}
	}
	audioType := "videoaudio"
	if video == nil {
		audioType = "audio"
	}
	for _, cp := range p.CodecProfiles {
		typ := strings.ToLower(cp.Type)
		codecs := commaList(cp.Codec)
		switch typ {
		case "video":
			if !conditionsHold(cp.ApplyConditions, video, audioStream) {
				continue
			}
			if len(codecs) == 0 {
				codecs = videoCodecs
			}
			for _, c := range codecs {
				c = playback.Codec(c)
				lim, ok := caps.Video[c]
				if !ok {
					lim = playback.VideoLimits{HDR: allHDR, Interlaced: true}
				}
				for _, cond := range cp.Conditions {
					lim = videoLimit(lim, cond)
				}
				caps.Video[c] = lim
			}
		case audioType:
			if !conditionsHold(cp.ApplyConditions, video, audioStream) {
				continue
			}
			if len(codecs) == 0 {
				for _, cond := range cp.Conditions {
					if n, ok := maxOf(cond); ok && strings.EqualFold(cond.Property, "AudioChannels") {
						caps.MaxAudioChannels = minPositive(caps.MaxAudioChannels, n)
					}
				}
				codecs = audioCodecs
			}
			for _, c := range codecs {
				c = playback.Codec(c)
				lim := caps.Audio[c]
				for _, cond := range cp.Conditions {
					if n, ok := maxOf(cond); ok {
						switch strings.ToLower(cond.Property) {
						case "audiochannels":
							lim.MaxChannels = minPositive(lim.MaxChannels, n)
						case "audiosamplerate":
							lim.MaxSampleRate = minPositive(lim.MaxSampleRate, n)
						}
					}
				}
				caps.Audio[c] = lim
			}
		}
	}
	for _, s := range p.SubtitleProfiles {
		format := playback.SubtitleFormat(s.Format)
		switch strings.ToLower(s.Method) {
		case "embed":
			caps.EmbeddedSubtitles = true
			caps.SubtitleFormats = append(caps.SubtitleFormats, format)
		case "external", "hls":
			if !playback.ImageSubtitle(format) { // pictures cannot be sent as files: they are burnt in
				caps.SubtitleFormats = append(caps.SubtitleFormats, format)
			}
		}
	}
	caps.Transcode = p.transcodeTarget(video != nil)
	return caps
}

// transcodeTarget is the first streaming TranscodingProfile of the media type (the first HLS one
// for video: Walros's engine streams video as HLS only), or HLS with MPEG-TS segments, H.264 and
// AAC when there is none. The engine encodes video to H.264 and HLS audio to AAC, so those come
// first; the client's other codecs may still be copied.
func (p *deviceProfile) transcodeTarget(isVideo bool) playback.TranscodeTarget {
	want := "audio"
	if isVideo {
		want = "video"
	}
	var tp *transcodingProfile
	for i, t := range p.TranscodingProfiles {
		if !strings.EqualFold(t.Type, want) || t.Context != "" && !strings.EqualFold(t.Context, "streaming") {
			continue
		}
		if tp == nil || isVideo && !strings.EqualFold(tp.Protocol, "hls") && strings.EqualFold(t.Protocol, "hls") {
			tp = &p.TranscodingProfiles[i]
		}
	}
	if tp == nil {
		if isVideo {
			return playback.TranscodeTarget{Protocol: "hls", Container: "ts", VideoCodecs: []string{"h264"},
				AudioCodecs: []string{"aac"}, MaxAudioChannels: 2}
		}
		return playback.TranscodeTarget{Protocol: "http", Container: "mp3", AudioCodecs: []string{"mp3"}, MaxAudioChannels: 2}
	}
	t := playback.TranscodeTarget{Protocol: "hls", MaxAudioChannels: int(tp.MaxAudioChannels.V)}
	if !isVideo && strings.EqualFold(tp.Protocol, "http") {
		t.Protocol, t.Container = "http", strings.ToLower(tp.Container)
		t.AudioCodecs = commaList(tp.AudioCodec)
		if len(t.AudioCodecs) == 0 {
			t.AudioCodecs = []string{t.Container}
		}
		return t
	}
	t.Container = "fmp4"
	if isVideo && strings.EqualFold(tp.Container, "ts") {
		t.Container = "ts"
	}
	t.VideoCodecs = []string{"h264"}
	for _, c := range commaList(tp.VideoCodec) {
		if c = playback.Codec(c); c != "h264" {
			t.VideoCodecs = append(t.VideoCodecs, c)
		}
	}
	t.AudioCodecs = []string{"aac"}
	return t
}

// videoLimit narrows lim by one condition.
func videoLimit(lim playback.VideoLimits, c profileCondition) playback.VideoLimits {
	op, v := strings.ToLower(c.Condition), string(c.Value)
	switch strings.ToLower(c.Property) {
	case "width":
		if n, ok := maxOf(c); ok {
			lim.MaxWidth = minPositive(lim.MaxWidth, n)
		}
	case "height":
		if n, ok := maxOf(c); ok {
			lim.MaxHeight = minPositive(lim.MaxHeight, n)
		}
	case "videolevel":
		if n, ok := maxOf(c); ok {
			lim.MaxLevel = minPositive(lim.MaxLevel, n)
		}
	case "videobitdepth":
		if n, ok := maxOf(c); ok {
			lim.MaxBitDepth = minPositive(lim.MaxBitDepth, n)
		}
	case "videoprofile":
		if op == "equals" || op == "equalsany" {
			lim.Profiles = nil
			for _, p := range strings.Split(v, "|") {
				if p = playback.Profile(p); p != "" {
					lim.Profiles = append(lim.Profiles, p)
				}
			}
		}
	case "videorangetype":
		if op == "equals" || op == "equalsany" {
			lim.HDR = nil
			for _, r := range strings.Split(v, "|") {
				if t, ok := rangeTypes[strings.ToLower(strings.TrimSpace(r))]; ok && !slices.Contains(lim.HDR, t) {
					lim.HDR = append(lim.HDR, t)
				}
			}
		}
	case "isinterlaced":
		if op == "notequals" && strings.EqualFold(v, "true") || op == "equals" && strings.EqualFold(v, "false") {
			lim.Interlaced = false
		}
	}
	return lim
}

// maxOf reads an upper bound: LessThanEqual n, or Equals n.
func maxOf(c profileCondition) (int, bool) {
	op := strings.ToLower(c.Condition)
	if op != "lessthanequal" && op != "equals" {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(string(c.Value)), 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return int(n), true
}

func minPositive(a, b int) int {
	if a <= 0 {
		return b
	}
	return min(a, b)
}

// conditionsHold checks a codec profile's ApplyConditions against the file's streams. Properties
// Walros does not know, and values the file does not tell, hold.
func conditionsHold(conds []profileCondition, video, audio *core.Stream) bool {
	for _, c := range conds {
		var have float64
		var known bool
		var str string
		switch p := strings.ToLower(c.Property); {
		case video != nil && p == "width":
			have, known = float64(video.Width), video.Width > 0
		case video != nil && p == "height":
			have, known = float64(video.Height), video.Height > 0
		case video != nil && p == "videobitdepth":
			have, known = float64(video.BitDepth), video.BitDepth > 0
		case video != nil && p == "videolevel":
			have, known = float64(video.Level), video.Level > 0
		case video != nil && p == "videoprofile":
			str, known = playback.Profile(video.Profile), video.Profile != ""
		case video != nil && p == "isinterlaced":
			str, known = strconv.FormatBool(video.Interlaced), true
		case audio != nil && p == "audiochannels":
			have, known = float64(audio.Channels), audio.Channels > 0
		case audio != nil && p == "audiosamplerate":
			have, known = float64(audio.SampleRate), audio.SampleRate > 0
		}
		if !known {
			continue
		}
		v := strings.TrimSpace(string(c.Value))
		if str != "" {
			match := slices.ContainsFunc(strings.Split(v, "|"), func(s string) bool { return playback.Profile(s) == str })
			switch strings.ToLower(c.Condition) {
			case "equals", "equalsany":
				if !match {
					return false
				}
			case "notequals":
				if match {
					return false
				}
			}
			continue
		}
		want, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		var ok bool
		switch strings.ToLower(c.Condition) {
		case "equals":
			ok = have == want
		case "notequals":
			ok = have != want
		case "lessthanequal":
			ok = have <= want
		case "greaterthanequal":
			ok = have >= want
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}
