package jellyfin

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// mediaSourceInfo is Jellyfin's MediaSourceInfo: one version (file) of an item. Its Id is the
// file's id, which clients pass back as mediaSourceId.
type mediaSourceInfo struct {
	Protocol                            string
	Id                                  string
	Path                                string `json:",omitempty"`
	Type                                string
	Container                           string
	Size                                int64 `json:",omitempty"`
	Name                                string
	IsRemote                            bool
	ETag                                string
	RunTimeTicks                        *int64 `json:",omitempty"`
	ReadAtNativeFramerate               bool
	IgnoreDts                           bool
	IgnoreIndex                         bool
	GenPtsInput                         bool
	SupportsTranscoding                 bool
	SupportsDirectStream                bool
	SupportsDirectPlay                  bool
	IsInfiniteStream                    bool
	UseMostCompatibleTranscodingProfile bool
	RequiresOpening                     bool
	RequiresClosing                     bool
	RequiresLooping                     bool
	SupportsProbing                     bool
	VideoType                           string `json:",omitempty"`
	MediaStreams                        []mediaStream
	MediaAttachments                    []any
	Formats                             []string
	Bitrate                             *int64 `json:",omitempty"`
	RequiredHttpHeaders                 map[string]string
	TranscodingUrl                      string `json:",omitempty"`
	TranscodingSubProtocol              string
	TranscodingContainer                string `json:",omitempty"`
	DefaultAudioStreamIndex             *int   `json:",omitempty"`
	DefaultSubtitleStreamIndex          *int   `json:",omitempty"`
	HasSegments                         bool
}

// mediaStream is Jellyfin's MediaStream. Index is the stream's index in the file (sidecar
// subtitles come after the file's own streams), as in the native API.
type mediaStream struct {
	Codec                  string
	CodecTag               string `json:",omitempty"`
	Language               string `json:",omitempty"`
	TimeBase               string `json:",omitempty"`
	Title                  string `json:",omitempty"`
	VideoRange             string `json:",omitempty"`
	VideoRangeType         string `json:",omitempty"`
	AudioSpatialFormat     string `json:",omitempty"`
	DisplayTitle           string `json:",omitempty"`
	IsInterlaced           bool
	IsAVC                  *bool  `json:",omitempty"`
	ChannelLayout          string `json:",omitempty"`
	BitRate                *int64 `json:",omitempty"`
	BitDepth               *int   `json:",omitempty"`
	Channels               *int   `json:",omitempty"`
	SampleRate             *int   `json:",omitempty"`
	IsDefault              bool
	IsForced               bool
	IsHearingImpaired      bool
	Height                 *int     `json:",omitempty"`
	Width                  *int     `json:",omitempty"`
	AverageFrameRate       *float64 `json:",omitempty"`
	RealFrameRate          *float64 `json:",omitempty"`
	Profile                string   `json:",omitempty"`
	Type                   string
	AspectRatio            string `json:",omitempty"`
	Index                  int
	IsExternal             bool
	DeliveryMethod         string `json:",omitempty"`
	DeliveryUrl            string `json:",omitempty"`
	IsExternalUrl          *bool  `json:",omitempty"`
	IsTextSubtitleStream   bool
	SupportsExternalStream bool
	Path                   string   `json:",omitempty"`
	PixelFormat            string   `json:",omitempty"`
	Level                  *float64 `json:",omitempty"`
	IsAnamorphic           *bool    `json:",omitempty"`
}

// streamType is Jellyfin's MediaStreamType.
func streamType(k core.StreamKind) string {
	switch k {
	case core.StreamVideo:
		return "Video"
	case core.StreamAudio:
		return "Audio"
	case core.StreamSubtitle:
		return "Subtitle"
	case core.StreamAttachment:
		return "Attachment"
	}
	return "Data"
}

// toMediaStream maps a probed stream.
func toMediaStream(s core.Stream) mediaStream {
	m := mediaStream{Codec: s.Codec, Language: s.Language, Title: s.Title, Type: streamType(s.Kind), Index: s.Index,
		IsDefault: s.Default, IsForced: s.Forced, IsHearingImpaired: s.HearingImpaired, Profile: s.Profile,
		IsExternal: s.External != "", IsInterlaced: s.Interlaced}
	if s.Bitrate > 0 {
		m.BitRate = ptr(s.Bitrate)
	}
	switch s.Kind {
	case core.StreamVideo:
		m.Width, m.Height = ptr(s.Width), ptr(s.Height)
		if s.BitDepth > 0 {
			m.BitDepth = ptr(s.BitDepth)
		}
		if s.FrameRate > 0 {
			m.AverageFrameRate, m.RealFrameRate = ptr(s.FrameRate), ptr(s.FrameRate)
		}
		if s.Level > 0 {
			m.Level = ptr(float64(s.Level))
		}
		m.IsAVC = ptr(s.Codec == "h264")
		m.PixelFormat = s.PixelFormat
		m.VideoRange, m.VideoRangeType = videoRange(s.HDR)
		m.AudioSpatialFormat = "None"
		m.DisplayTitle = videoTitle(s)
	case core.StreamAudio:
		if s.Channels > 0 {
			m.Channels = ptr(s.Channels)
		}
		if s.SampleRate > 0 {
			m.SampleRate = ptr(s.SampleRate)
		}
		m.ChannelLayout = s.ChannelLayout
		m.AudioSpatialFormat = "None"
		m.DisplayTitle = joinTitle(languageName(s.Language), strings.ToUpper(playback.Codec(s.Codec)), channelsName(s.Channels), flag(s.Default, "Default"))
	case core.StreamSubtitle:
		m.IsTextSubtitleStream = !playback.ImageSubtitle(s.Codec)
		m.SupportsExternalStream = m.IsTextSubtitleStream
		if s.External != "" {
			m.Path = s.External
		}
		m.DisplayTitle = joinTitle(languageName(s.Language), strings.ToUpper(playback.SubtitleFormat(s.Codec)),
			flag(s.Forced, "Forced"), flag(s.Default, "Default"), flag(s.External != "", "External"))
	}
	return m
}

func videoRange(hdr string) (rng, typ string) {
	switch hdr {
	case core.HDR10, core.HDR10Plus:
		return "HDR", "HDR10"
	case core.HDRHLG:
		return "HDR", "HLG"
	case core.HDRDolbyVision:
		return "HDR", "DOVI"
	}
	return "SDR", "SDR"
}

func videoTitle(s core.Stream) string {
	res := ""
	switch h := s.Height; {
	case h >= 2000 || s.Width >= 3800:
		res = "4K"
	case h > 0:
		res = fmt.Sprintf("%dp", standardHeight(s.Width, h))
	}
	rng, _ := videoRange(s.HDR)
	return joinTitle(res, strings.ToUpper(playback.Codec(s.Codec)), rng)
}

// standardHeight rounds a frame height to the usual names: a 1920×800 film is "1080p".
func standardHeight(w, h int) int {
	for _, std := range []struct{ w, h int }{{1920, 1080}, {1280, 720}, {720, 576}, {720, 480}} {
		if w >= std.w-16 || h >= std.h {
			return std.h
		}
	}
	return h
}

func channelsName(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "Mono"
	case 2:
		return "Stereo"
	case 6:
		return "5.1"
	case 8:
		return "7.1"
	}
	return fmt.Sprintf("%d ch", n)
}

func flag(on bool, s string) string {
	if on {
		return s
	}
	return ""
}

func joinTitle(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " - ")
}

// toMediaSource maps one file of an item. name is what tells it from its siblings.
func toMediaSource(f core.MediaFile, name string) mediaSourceInfo {
	container := playback.Container(f.Info.Container, f.Path)
	ms := mediaSourceInfo{Protocol: "File", Id: jid(f.ID), Path: f.Path, Type: "Default", Container: container,
		Size: f.Size, Name: name, ETag: etag(f), SupportsTranscoding: true, SupportsDirectStream: true,
		SupportsDirectPlay: true, SupportsProbing: true, MediaStreams: []mediaStream{}, MediaAttachments: []any{},
		Formats: []string{}, RequiredHttpHeaders: map[string]string{}, TranscodingSubProtocol: "http"}
	if ms.Name == "" {
		ms.Name = strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
	}
	if f.Info.Duration > 0 {
		ms.RunTimeTicks = ptr(toTicks(f.Info.Duration))
	}
	if f.Info.Bitrate > 0 {
		ms.Bitrate = ptr(f.Info.Bitrate)
	}
	hasVideo := false
	for _, s := range f.Info.Streams {
		if s.Kind == core.StreamAttachment || s.Kind == core.StreamData {
			continue
		}
		ms.MediaStreams = append(ms.MediaStreams, toMediaStream(s))
		hasVideo = hasVideo || s.Kind == core.StreamVideo
	}
	// Without a user, Jellyfin's defaults pick the tracks; PlaybackInfo applies the user's.
	req := playback.ForFile(f).ForUser(core.User{Playback: core.DefaultPlaybackPrefs})
	setDefaultStreams(&ms, req)
	if hasVideo {
		ms.VideoType = "VideoFile"
	}
	return ms
}

// etag changes whenever the file does: clients pass it back as Tag= for caching.
func etag(f core.MediaFile) string {
	return fmt.Sprintf("%x", fmt.Sprintf("%s-%d-%d", f.ID, f.Size, f.ModTime.UnixNano()))[:32]
}

// languageName turns a language code into the English name clients show; unknown codes stay.
func languageName(code string) string {
	if n, ok := languageNames[strings.ToLower(code)]; ok {
		return n
	}
	return code
}

var languageNames = map[string]string{
	"eng": "English", "en": "English", "fre": "French", "fra": "French", "fr": "French", "ger": "German", "deu": "German",
	"de": "German", "spa": "Spanish", "es": "Spanish", "ita": "Italian", "it": "Italian", "jpn": "Japanese", "ja": "Japanese",
	"por": "Portuguese", "pt": "Portuguese", "rus": "Russian", "ru": "Russian", "chi": "Chinese", "zho": "Chinese",
	"zh": "Chinese", "kor": "Korean", "ko": "Korean", "dut": "Dutch", "nld": "Dutch", "nl": "Dutch", "swe": "Swedish",
	"sv": "Swedish", "nor": "Norwegian", "no": "Norwegian", "dan": "Danish", "da": "Danish", "fin": "Finnish", "fi": "Finnish",
	"pol": "Polish", "pl": "Polish", "ara": "Arabic", "ar": "Arabic", "hin": "Hindi", "hi": "Hindi", "und": "",
}
