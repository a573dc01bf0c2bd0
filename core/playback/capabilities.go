package playback

import "github.com/walros/walros/core"

// Capabilities is what a client can play: Jellyfin's DeviceProfile and Plex's client profile,
// reduced to what the decision needs. Codec names are ffmpeg's (see Codec), containers are short
// names (see Container), subtitle formats are Jellyfin's (see SubtitleFormat).
type Capabilities struct {
	// DirectPlay lists the files the client plays as they are.
	DirectPlay []DirectPlayProfile
	// Video holds the limits of each video codec, keyed by codec. A codec missing here has no
	// limits but one: it must be SDR.
	Video map[string]VideoLimits
	// Audio holds the limits of each audio codec, keyed by codec.
	Audio map[string]AudioLimits
	// MaxAudioChannels caps the channels of any audio stream; 0 means no cap.
	MaxAudioChannels int
	// SubtitleFormats are the subtitle formats the client draws itself: "vtt", "srt", "ass",
	// "pgssub"...
	SubtitleFormats []string
	// ExternalSubtitles says the client loads subtitles delivered beside the media: text ones as
	// WebVTT (or as they are, when it draws their format), image ones when it draws their format.
	ExternalSubtitles bool
	// EmbeddedSubtitles says the client's player reads subtitle tracks from inside the file it
	// direct plays (mpv, ExoPlayer, VLC do; browsers do not).
	EmbeddedSubtitles bool
	// MaxBitrate is the most the client takes, in bits per second; 0 means no limit.
	MaxBitrate int64
	// Transcode is what the client accepts when the file cannot be direct played.
	Transcode TranscodeTarget
}

// DirectPlayProfile is a set of files the client plays as they are, like Jellyfin's
// DirectPlayProfile. A file matches when its container, video codec and audio codec are all in
// one profile; an empty list matches anything.
type DirectPlayProfile struct {
	// Kind is core.StreamVideo for files with video and core.StreamAudio for audio-only files;
	// empty counts as video.
	Kind        core.StreamKind
	Containers  []string
	VideoCodecs []string
	AudioCodecs []string
}

// VideoLimits is what a client can decode of one video codec. Zero values mean no limit,
// except HDR (empty means SDR only) and Interlaced (false means progressive only).
type VideoLimits struct {
	// Profiles allowed, compared after Profile: "high", "main", "main10"...
	Profiles []string
	// MaxLevel in ffprobe's units: 41 for H.264 4.1, 153 for HEVC 5.1 (level × 30), the
	// seq_level_idx for AV1. Jellyfin's VideoLevel conditions use the same numbers.
	MaxLevel    int
	MaxBitDepth int
	// HDR lists the HDR types shown as HDR (core.HDR10, core.HDRHLG...); empty means SDR only.
	HDR                 []string
	MaxWidth, MaxHeight int
	Interlaced          bool
}

// AudioLimits is what a client can decode of one audio codec; zero values mean no limit.
type AudioLimits struct {
	MaxChannels   int
	MaxSampleRate int
}

// TranscodeTarget is what a client accepts when the server remuxes or transcodes. Empty fields
// take the most compatible value: HLS, MPEG-TS segments, H.264 and AAC.
type TranscodeTarget struct {
	// Protocol is "hls", "dash" or "http" (one progressive stream).
	Protocol string
	// Container is the segment container for HLS and DASH ("fmp4" or "ts"), or the stream's
	// container for http ("mkv", "mp3"...).
	Container string
	// VideoCodecs are the codecs the client plays in the target, in order of preference: the
	// first is what video is encoded to, any of them may be copied.
	VideoCodecs []string
	// AudioCodecs are the same for audio.
	AudioCodecs []string
	// MaxAudioChannels caps the channels of audio in the target, copied or not; 0 means no cap.
	MaxAudioChannels int
	// AudioBitrate is the bitrate of encoded audio; 0 picks one per codec and channel count.
	AudioBitrate int64
	// NoRemux says the client cannot play copied streams in the target (some TVs): every stream
	// is encoded.
	NoRemux bool
}

// Browser is the native web client on Chromium with hls.js: mp4, mov and webm files (not mkv,
// which browsers cannot open), 8-bit SDR H.264, VP9 and AV1, AAC, MP3, Opus and FLAC, WebVTT
// subtitles beside the video, and HLS with fMP4 segments, stereo AAC, when it cannot play a file.
func Browser() Capabilities {
	sdr8 := func(profiles ...string) VideoLimits { return VideoLimits{Profiles: profiles, MaxBitDepth: 8} }
	return Capabilities{
		DirectPlay: []DirectPlayProfile{
			{Kind: core.StreamVideo, Containers: []string{"mp4", "mov"},
				VideoCodecs: []string{"h264", "vp9", "av1"}, AudioCodecs: []string{"aac", "mp3", "opus", "flac"}},
			{Kind: core.StreamVideo, Containers: []string{"webm"},
				VideoCodecs: []string{"vp8", "vp9", "av1"}, AudioCodecs: []string{"opus", "vorbis"}},
			{Kind: core.StreamAudio, Containers: []string{"mp3"}, AudioCodecs: []string{"mp3"}},
			{Kind: core.StreamAudio, Containers: []string{"m4a", "mp4"}, AudioCodecs: []string{"aac", "mp3", "opus", "flac"}},
			{Kind: core.StreamAudio, Containers: []string{"aac"}, AudioCodecs: []string{"aac"}},
			{Kind: core.StreamAudio, Containers: []string{"flac"}, AudioCodecs: []string{"flac"}},
			{Kind: core.StreamAudio, Containers: []string{"ogg", "webm"}, AudioCodecs: []string{"opus", "vorbis", "flac"}},
			{Kind: core.StreamAudio, Containers: []string{"wav"}, AudioCodecs: []string{"pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_u8"}},
		},
		Video: map[string]VideoLimits{
			"h264": {Profiles: []string{"high", "main", "baseline", "constrainedbaseline"}, MaxLevel: 52, MaxBitDepth: 8},
			"vp8":  sdr8(),
			"vp9":  sdr8("profile0"),
			"av1":  sdr8("main"),
		},
		MaxAudioChannels:  8, // Chromium downmixes up to 7.1 itself
		SubtitleFormats:   []string{"vtt"},
		ExternalSubtitles: true,
		Transcode: TranscodeTarget{
			Protocol:  "hls",
			Container: "fmp4",
			// hls.js plays VP9 and AV1 in fMP4 segments, so those are copied rather than encoded.
			VideoCodecs:      []string{"h264", "av1", "vp9"},
			AudioCodecs:      []string{"aac", "opus", "mp3", "flac"},
			MaxAudioChannels: 2,
		},
	}
}

// Basic is what nearly every client plays, for a client that says nothing about itself: mp4
// with 1080p 8-bit SDR H.264 (High, level 4.1) and stereo AAC or MP3, MP3 and AAC music,
// WebVTT subtitles beside the video, and HLS with MPEG-TS segments otherwise.
func Basic() Capabilities {
	return Capabilities{
		DirectPlay: []DirectPlayProfile{
			{Kind: core.StreamVideo, Containers: []string{"mp4"}, VideoCodecs: []string{"h264"}, AudioCodecs: []string{"aac", "mp3"}},
			{Kind: core.StreamAudio, Containers: []string{"mp3"}, AudioCodecs: []string{"mp3"}},
			{Kind: core.StreamAudio, Containers: []string{"m4a", "mp4", "aac"}, AudioCodecs: []string{"aac"}},
		},
		Video: map[string]VideoLimits{
			"h264": {Profiles: []string{"high", "main", "baseline", "constrainedbaseline"}, MaxLevel: 41,
				MaxBitDepth: 8, MaxWidth: 1920, MaxHeight: 1080},
		},
		MaxAudioChannels:  2,
		SubtitleFormats:   []string{"vtt"},
		ExternalSubtitles: true,
		Transcode: TranscodeTarget{
			Protocol:         "hls",
			Container:        "ts",
			VideoCodecs:      []string{"h264"},
			AudioCodecs:      []string{"aac", "mp3"},
			MaxAudioChannels: 2,
		},
	}
}
