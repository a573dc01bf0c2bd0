package playback

import (
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// Streams the cases start from; each case copies and changes what it needs.
var (
	h264HD = core.Stream{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41,
		Width: 1920, Height: 1080, BitDepth: 8, PixelFormat: "yuv420p", Bitrate: 5_000_000}
	hevcHDR = core.Stream{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 153,
		Width: 3840, Height: 2160, BitDepth: 10, PixelFormat: "yuv420p10le", ColorTransfer: "smpte2084",
		HDR: core.HDR10, Bitrate: 40_000_000}
	aacStereo = core.Stream{Index: 1, Kind: core.StreamAudio, Codec: "aac", Channels: 2, SampleRate: 48000,
		Bitrate: 160_000, Default: true}
	ac3Surround = core.Stream{Index: 1, Kind: core.StreamAudio, Codec: "ac3", Channels: 6, SampleRate: 48000,
		Bitrate: 640_000, Default: true}
	srtSub = core.Stream{Index: 2, Kind: core.StreamSubtitle, Codec: "subrip", Language: "eng"}
	pgsSub = core.Stream{Index: 2, Kind: core.StreamSubtitle, Codec: "hdmv_pgs_subtitle", Language: "eng"}
)

// file is a request for a file with these streams; the container's bitrate is their sum.
func file(format, path string, streams ...core.Stream) Request {
	var bitrate int64
	for _, s := range streams {
		bitrate += s.Bitrate
	}
	return Request{Path: path, Info: core.MediaInfo{Container: format, Duration: time.Hour, Bitrate: bitrate, Streams: streams}}
}

const (
	mkv = "matroska,webm"
	mp4 = "mov,mp4,m4a,3gp,3g2,mj2"
)

// with returns a copy of s changed by f.
func with(s core.Stream, f func(*core.Stream)) core.Stream {
	f(&s)
	return s
}

// withReq returns r changed by f.
func withReq(r Request, f func(*Request)) Request {
	f(&r)
	return r
}

// withCaps returns Browser() changed by f.
func withCaps(f func(*Capabilities)) *Capabilities {
	c := Browser()
	f(&c)
	return &c
}

// tv is a living-room client: mkv and mp4 with HEVC (HDR10, HLG, 10-bit), H.264, AC-3 and
// E-AC-3, subtitles drawn from inside the file, HLS with HEVC first.
func tv() *Capabilities {
	return &Capabilities{
		DirectPlay: []DirectPlayProfile{{Kind: core.StreamVideo, Containers: []string{"mkv", "mp4"},
			VideoCodecs: []string{"h264", "hevc"}, AudioCodecs: []string{"aac", "ac3", "eac3"}}},
		Video: map[string]VideoLimits{
			"h264": {MaxBitDepth: 8, Interlaced: true},
			"hevc": {Profiles: []string{"main", "main10"}, MaxBitDepth: 10, HDR: []string{core.HDR10, core.HDRHLG}},
		},
		MaxAudioChannels:  6,
		SubtitleFormats:   []string{"srt", "ass", "pgssub"},
		ExternalSubtitles: true,
		EmbeddedSubtitles: true,
		Transcode: TranscodeTarget{Protocol: "hls", Container: "fmp4", VideoCodecs: []string{"hevc", "h264"},
			AudioCodecs: []string{"eac3", "ac3", "aac"}, MaxAudioChannels: 6},
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name    string
		req     Request
		caps    *Capabilities // nil: Browser()
		method  Method
		reasons []Reason
		check   func(t *testing.T, d Decision)
	}{
		{
			name: "h264 aac mp4 is direct played as it is",
			req:  file(mp4, "/m/a.mp4", h264HD, aacStereo), method: DirectPlay,
			check: func(t *testing.T, d Decision) {
				wantEq(t, "container", d.Container, "mp4")
				wantEq(t, "protocol", d.Protocol, "")
				wantEq(t, "video", *d.Video, VideoTarget{StreamIndex: 0, Copy: true, Codec: "h264", Width: 1920,
					Height: 1080, BitDepth: 8, Bitrate: 5_000_000})
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 1, Copy: true, Codec: "aac", Channels: 2, Bitrate: 160_000})
				wantEq(t, "subtitle mode", d.Subtitle.Mode, SubtitleNone)
			},
		},
		{
			name: "vp9 opus webm is direct played",
			req: file(mkv, "/m/a.webm", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile = "vp9", "Profile 0" }),
				with(aacStereo, func(s *core.Stream) { s.Codec = "opus" })),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "container", d.Container, "webm") },
		},
		{
			name:   "constrained baseline matches constrainedbaseline",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Profile = "Constrained Baseline" }), aacStereo),
			method: DirectPlay,
		},
		{
			name:   "mkv alone is remuxed with both streams copied",
			req:    file(mkv, "/m/a.mkv", h264HD, aacStereo),
			method: Remux, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "protocol", d.Protocol, "hls")
				wantEq(t, "container", d.Container, "fmp4")
				wantEq(t, "video copy", d.Video.Copy, true)
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name: "vp9 with aac in webm is remuxed: each is fine, not together",
			req: file(mkv, "/m/a.webm", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile = "vp9", "Profile 0" }),
				aacStereo),
			method: Remux, reasons: []Reason{ContainerNotSupported},
		},
		{
			name:   "hevc in mkv is transcoded to h264, aac copied",
			req:    file(mkv, "/m/a.mkv", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile = "hevc", "Main" }), aacStereo),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "video codec", d.Video.Codec, "h264")
				wantEq(t, "video copy", d.Video.Copy, false)
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name:   "only the audio codec unsupported: remux with the audio transcoded and downmixed",
			req:    file(mp4, "/m/a.mp4", h264HD, ac3Surround),
			method: Remux, reasons: []Reason{AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "video copy", d.Video.Copy, true)
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 1, Codec: "aac", Channels: 2, Bitrate: 192_000})
			},
		},
		{
			name:   "truehd 7.1 in mkv becomes stereo aac",
			req:    file(mkv, "/m/a.mkv", h264HD, with(ac3Surround, func(s *core.Stream) { s.Codec, s.Channels = "truehd", 8 })),
			method: Remux, reasons: []Reason{ContainerNotSupported, AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "audio codec", d.Audio.Codec, "aac")
				wantEq(t, "channels", d.Audio.Channels, 2)
			},
		},
		{
			name:   "5.1 aac is direct played by a browser, which downmixes itself",
			req:    file(mp4, "/m/a.mp4", h264HD, with(aacStereo, func(s *core.Stream) { s.Channels = 6 })),
			method: DirectPlay,
		},
		{
			name:   "5.1 aac over the client's channel cap is downmixed",
			req:    file(mp4, "/m/a.mp4", h264HD, with(aacStereo, func(s *core.Stream) { s.Channels = 6 })),
			caps:   withCaps(func(c *Capabilities) { c.MaxAudioChannels = 2 }),
			method: Remux, reasons: []Reason{AudioChannelsNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 1, Codec: "aac", Channels: 2, Bitrate: 192_000})
			},
		},
		{
			name: "the request's channel cap counts too",
			req: withReq(file(mp4, "/m/a.mp4", h264HD, with(aacStereo, func(s *core.Stream) { s.Channels = 6 })),
				func(r *Request) { r.MaxAudioChannels = 2 }),
			method: Remux, reasons: []Reason{AudioChannelsNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "channels", d.Audio.Channels, 2) },
		},
		{
			name:   "surround kept for a 5.1 client: eac3 6 channels at 640k",
			req:    file(mkv, "/m/a.mkv", h264HD, with(ac3Surround, func(s *core.Stream) { s.Codec, s.Channels = "dts", 8 })),
			caps:   tv(),
			method: Remux, reasons: []Reason{AudioCodecNotSupported, AudioChannelsNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 1, Codec: "eac3", Channels: 6, Bitrate: 640_000})
			},
		},
		{
			name: "high 10 h264 is transcoded to 8-bit",
			req: file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Profile, s.BitDepth = "High 10", 10 }),
				aacStereo),
			method: Transcode, reasons: []Reason{VideoProfileNotSupported, VideoBitDepthNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "bit depth", d.Video.BitDepth, 8)
				wantEq(t, "tone map", d.Video.ToneMap, false)
			},
		},
		{
			name: "10-bit SDR av1 to an 8-bit client is transcoded without tone mapping",
			req: file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile, s.BitDepth = "av1", "Main", 10 }),
				aacStereo),
			method: Transcode, reasons: []Reason{VideoBitDepthNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "codec", d.Video.Codec, "h264")
				wantEq(t, "bit depth", d.Video.BitDepth, 8)
				wantEq(t, "tone map", d.Video.ToneMap, false)
			},
		},
		{
			name:   "h264 level 6.2 is over the browser's 5.2",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Level = 62 }), aacStereo),
			method: Transcode, reasons: []Reason{VideoLevelNotSupported},
		},
		{
			name:   "h264 4:4:4 profile is not supported",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Profile = "High 4:4:4 Predictive" }), aacStereo),
			method: Transcode, reasons: []Reason{VideoProfileNotSupported},
		},
		{
			name:   "HDR10 hevc to an SDR browser is transcoded with tone mapping",
			req:    file(mkv, "/m/a.mkv", hevcHDR, aacStereo),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported, VideoRangeTypeNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "tone map", d.Video.ToneMap, true)
				wantEq(t, "hdr", d.Video.HDR, core.HDRNone)
				wantEq(t, "bit depth", d.Video.BitDepth, 8)
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{3840, 2160})
				wantEq(t, "bitrate", d.Video.Bitrate, int64(20_000_000))
			},
		},
		{
			name: "HDR av1 in mp4 to the browser: range and depth",
			req: file(mp4, "/m/a.mp4", with(hevcHDR, func(s *core.Stream) { s.Codec, s.Profile = "av1", "Main" }),
				aacStereo),
			method: Transcode, reasons: []Reason{VideoBitDepthNotSupported, VideoRangeTypeNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "tone map", d.Video.ToneMap, true) },
		},
		{
			name:   "HLG to an SDR client is tone mapped",
			req:    file(mkv, "/m/a.mkv", with(hevcHDR, func(s *core.Stream) { s.HDR, s.ColorTransfer = core.HDRHLG, "arib-std-b67" }), aacStereo),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported, VideoRangeTypeNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "tone map", d.Video.ToneMap, true) },
		},
		{
			name:   "HDR10 to an HDR10 TV is direct played",
			req:    file(mkv, "/m/a.mkv", hevcHDR, ac3Surround),
			caps:   tv(),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "hdr", d.Video.HDR, core.HDR10) },
		},
		{
			name:   "HDR10+ plays as HDR10 on an HDR10 TV",
			req:    file(mkv, "/m/a.mkv", with(hevcHDR, func(s *core.Stream) { s.HDR = core.HDR10Plus }), ac3Surround),
			caps:   tv(),
			method: DirectPlay,
		},
		{
			name:   "Dolby Vision with a PQ base layer plays as HDR10",
			req:    file(mkv, "/m/a.mkv", with(hevcHDR, func(s *core.Stream) { s.HDR = core.HDRDolbyVision }), ac3Surround),
			caps:   tv(),
			method: DirectPlay,
		},
		{
			name: "Dolby Vision profile 5 (no HDR10 base) is tone mapped",
			req: file(mkv, "/m/a.mkv", with(hevcHDR, func(s *core.Stream) { s.HDR, s.ColorTransfer = core.HDRDolbyVision, "" }),
				ac3Surround),
			caps:   tv(),
			method: Transcode, reasons: []Reason{VideoRangeTypeNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "codec", d.Video.Codec, "hevc")
				wantEq(t, "tone map", d.Video.ToneMap, true)
				wantEq(t, "bit depth", d.Video.BitDepth, 8)
			},
		},
		{
			name: "HDR10 over the bitrate limit to an HDR TV stays HDR10 in hevc",
			req:  withReq(file(mkv, "/m/a.mkv", hevcHDR, ac3Surround), func(r *Request) { r.MaxBitrate = 25_000_000 }),
			caps: tv(), method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "video", *d.Video, VideoTarget{Codec: "hevc", Width: 3840, Height: 2160, BitDepth: 10,
					HDR: core.HDR10, Bitrate: 20_000_000, MaxBitrate: 24_360_000})
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name:   "4K level 5.1 h264 to a 1080p client is scaled to 1080p",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Width, s.Height, s.Level = 3840, 2160, 51 }), aacStereo),
			caps:   new(Basic()),
			method: Transcode, reasons: []Reason{VideoLevelNotSupported, VideoResolutionNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{1920, 1080})
				wantEq(t, "container", d.Container, "ts")
			},
		},
		{
			name:   "the user's 720p limit scales 1080p down",
			req:    withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo), func(r *Request) { r.MaxHeight = 720 }),
			method: Transcode, reasons: []Reason{VideoResolutionNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{1280, 720})
			},
		},
		{
			name:   "interlaced h264 is deinterlaced",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Interlaced = true }), aacStereo),
			method: Transcode, reasons: []Reason{InterlacedVideoNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "deinterlace", d.Video.Deinterlace, true) },
		},
		{
			name:   "interlaced h264 is direct played by a client that takes it",
			req:    file(mkv, "/m/a.mkv", with(h264HD, func(s *core.Stream) { s.Interlaced = true }), ac3Surround),
			caps:   tv(),
			method: DirectPlay,
		},
		{
			name:   "a client bitrate cap of 5M picks 720p at 4M",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Bitrate = 10_000_000 }), aacStereo),
			caps:   withCaps(func(c *Capabilities) { c.MaxBitrate = 5_000_000 }),
			method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{1280, 720})
				wantEq(t, "bitrate", d.Video.Bitrate, int64(4_000_000))
				wantEq(t, "max bitrate", d.Video.MaxBitrate, int64(5_000_000-160_000))
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name: "a user cap of 3M picks 480p, under the client's 20M",
			req: withReq(file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Bitrate = 10_000_000 }), aacStereo),
				func(r *Request) { r.MaxBitrate = 3_000_000 }),
			caps:   withCaps(func(c *Capabilities) { c.MaxBitrate = 20_000_000 }),
			method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{854, 480})
				wantEq(t, "bitrate", d.Video.Bitrate, int64(1_500_000))
			},
		},
		{
			name:   "a file under the bitrate cap is direct played",
			req:    file(mp4, "/m/a.mp4", h264HD, aacStereo),
			caps:   withCaps(func(c *Capabilities) { c.MaxBitrate = 8_000_000 }),
			method: DirectPlay,
		},
		{
			name: "a scope film keeps its shape at 720p",
			req: file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Height, s.Bitrate = 800, 10_000_000 }),
				aacStereo),
			caps:   withCaps(func(c *Capabilities) { c.MaxBitrate = 5_000_000 }),
			method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{1280, 534})
			},
		},
		{
			name: "a below-ladder cap still gives the smallest rung, squeezed",
			req: withReq(file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Bitrate = 10_000_000 }), aacStereo),
				func(r *Request) { r.MaxBitrate = 300_000 }),
			method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{426, 240})
				wantEq(t, "bitrate", d.Video.Bitrate, int64(150_000))
			},
		},
		{
			name:   "transcoding lean hevc to h264 needs no more than the source in h264 terms",
			req:    file(mkv, "/m/a.mkv", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile, s.Bitrate = "hevc", "Main", 3_000_000 }), aacStereo),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "bitrate", d.Video.Bitrate, int64(5_000_000))
				wantEq(t, "max bitrate", d.Video.MaxBitrate, int64(7_500_000))
			},
		},
		{
			name:   "a PGS subtitle the browser cannot draw is burnt in",
			req:    withReq(file(mkv, "/m/a.mkv", h264HD, aacStereo, pgsSub), func(r *Request) { r.SubtitleStream = new(2) }),
			method: Transcode, reasons: []Reason{ContainerNotSupported, SubtitleCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "subtitle", d.Subtitle, SubtitleTarget{StreamIndex: 2, Mode: SubtitleBurn, Format: "pgssub"})
				wantEq(t, "video copy", d.Video.Copy, false)
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name:   "burning PGS into a direct-playable mp4 forces a transcode",
			req:    withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo, pgsSub), func(r *Request) { r.SubtitleStream = new(2) }),
			method: Transcode, reasons: []Reason{SubtitleCodecNotSupported},
		},
		{
			name: "PGS goes beside the video for a client that draws it",
			req:  withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo, pgsSub), func(r *Request) { r.SubtitleStream = new(2) }),
			caps: withCaps(func(c *Capabilities) { c.SubtitleFormats = []string{"vtt", "pgs"} }), method: DirectPlay,
			check: func(t *testing.T, d Decision) {
				wantEq(t, "subtitle", d.Subtitle, SubtitleTarget{StreamIndex: 2, Mode: SubtitleExternal, Format: "pgssub"})
			},
		},
		{
			name: "PGS stays inside the file for a player that reads it there",
			req:  withReq(file(mkv, "/m/a.mkv", h264HD, ac3Surround, pgsSub), func(r *Request) { r.SubtitleStream = new(2) }),
			caps: tv(), method: DirectPlay,
			check: func(t *testing.T, d Decision) { wantEq(t, "mode", d.Subtitle.Mode, SubtitleEmbedded) },
		},
		{
			name: "PGS on a remux is delivered apart, since HLS cannot carry it",
			req: withReq(file(mkv, "/m/a.mkv", h264HD, with(ac3Surround, func(s *core.Stream) { s.Codec = "dts" }), pgsSub),
				func(r *Request) { r.SubtitleStream = new(2) }),
			caps: tv(), method: Remux, reasons: []Reason{AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "mode", d.Subtitle.Mode, SubtitleExternal) },
		},
		{
			name:   "an embedded srt never forces a transcode: it goes out as WebVTT",
			req:    withReq(file(mkv, "/m/a.mkv", h264HD, aacStereo, srtSub), func(r *Request) { r.SubtitleStream = new(2) }),
			method: Remux, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "subtitle", d.Subtitle, SubtitleTarget{StreamIndex: 2, Mode: SubtitleExternal, Format: "vtt"})
				wantEq(t, "video copy", d.Video.Copy, true)
			},
		},
		{
			name: "a sidecar srt with a direct-played mp4 goes out as WebVTT",
			req: withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo,
				with(srtSub, func(s *core.Stream) { s.Index, s.External = 3, "/m/a.en.srt" })),
				func(r *Request) { r.SubtitleStream = new(3) }),
			method: DirectPlay,
			check: func(t *testing.T, d Decision) {
				wantEq(t, "subtitle", d.Subtitle, SubtitleTarget{StreamIndex: 3, Mode: SubtitleExternal, Format: "vtt"})
			},
		},
		{
			name: "ass goes out as ass to a client that draws it",
			req: withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo, with(srtSub, func(s *core.Stream) { s.Codec = "ass" })),
				func(r *Request) { r.SubtitleStream = new(2) }),
			caps:   withCaps(func(c *Capabilities) { c.SubtitleFormats = []string{"vtt", "ass", "ssa"} }),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "format", d.Subtitle.Format, "ass") },
		},
		{
			name: "text subtitles are burnt in for a client that takes no subtitle files",
			req:  withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo, srtSub), func(r *Request) { r.SubtitleStream = new(2) }),
			caps: withCaps(func(c *Capabilities) { c.ExternalSubtitles = false }), method: Transcode,
			reasons: []Reason{SubtitleCodecNotSupported},
			check:   func(t *testing.T, d Decision) { wantEq(t, "mode", d.Subtitle.Mode, SubtitleBurn) },
		},
		{
			name:   "a subtitle index that is not a subtitle shows none",
			req:    withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo), func(r *Request) { r.SubtitleStream = new(1) }),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "mode", d.Subtitle.Mode, SubtitleNone) },
		},
		{
			name:   "an mp3 track is direct played with no video",
			req:    file("mp3", "/music/a.mp3", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec = 0, "mp3" })),
			method: DirectPlay,
			check: func(t *testing.T, d Decision) {
				wantEq(t, "video", d.Video, (*VideoTarget)(nil))
				wantEq(t, "container", d.Container, "mp3")
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name: "an mp3 with cover art is still audio-only",
			req: file("mp3", "/music/a.mp3", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec = 0, "mp3" }),
				core.Stream{Index: 1, Kind: core.StreamAttachment, Codec: "mjpeg", Width: 500, Height: 500}),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "video", d.Video, (*VideoTarget)(nil)) },
		},
		{
			name:   "a flac track is direct played",
			req:    file("flac", "/music/a.flac", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec, s.Bitrate = 0, "flac", 900_000 })),
			method: DirectPlay,
		},
		{
			name:   "an alac m4a is transcoded to stereo aac",
			req:    file(mp4, "/music/a.m4a", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec, s.Bitrate = 0, "alac", 900_000 })),
			method: Transcode, reasons: []Reason{AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 0, Codec: "aac", Channels: 2, Bitrate: 192_000})
				wantEq(t, "container", d.Container, "fmp4")
				wantEq(t, "video", d.Video, (*VideoTarget)(nil))
			},
		},
		{
			name:   "a wma file is transcoded",
			req:    file("asf", "/music/a.wma", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec = 0, "wmav2" })),
			method: Transcode, reasons: []Reason{ContainerNotSupported, AudioCodecNotSupported},
		},
		{
			name: "flac over a 320k cap becomes aac that fits",
			req: withReq(file("flac", "/music/a.flac", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec, s.Bitrate = 0, "flac", 900_000 })),
				func(r *Request) { r.MaxBitrate = 128_000 }),
			method: Transcode, reasons: []Reason{ContainerBitrateExceedsLimit},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "audio", *d.Audio, AudioTarget{StreamIndex: 0, Codec: "aac", Channels: 2, Bitrate: 128_000})
			},
		},
		{
			name:   "opus in mka is remuxed, the audio copied",
			req:    file(mkv, "/music/a.mka", with(aacStereo, func(s *core.Stream) { s.Index, s.Codec = 0, "opus" })),
			method: Remux, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "audio copy", d.Audio.Copy, true) },
		},
		{
			name: "hi-res flac over a client's sample rate is transcoded",
			req: file("flac", "/music/a.flac", with(aacStereo, func(s *core.Stream) {
				s.Index, s.Codec, s.SampleRate, s.Bitrate = 0, "flac", 192_000, 3_000_000
			})),
			caps:   withCaps(func(c *Capabilities) { c.Audio = map[string]AudioLimits{"flac": {MaxSampleRate: 96_000}} }),
			method: Transcode, reasons: []Reason{AudioSampleRateNotSupported},
		},
		{
			name:   "a video without audio is direct played",
			req:    file(mp4, "/m/a.mp4", h264HD),
			method: DirectPlay,
			check:  func(t *testing.T, d Decision) { wantEq(t, "audio", d.Audio, (*AudioTarget)(nil)) },
		},
		{
			name:   "a video without audio in mkv is remuxed",
			req:    file(mkv, "/m/a.mkv", h264HD),
			method: Remux, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "audio", d.Audio, (*AudioTarget)(nil)) },
		},
		{
			name:   "a file of subtitles alone is unplayable",
			req:    file(mkv, "/m/a.mks", srtSub),
			method: Unplayable,
		},
		{
			name:   "an unknown video codec is transcoded",
			req:    file(mp4, "/m/a.mov", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile = "prores", "HQ" }), aacStereo),
			method: Transcode, reasons: []Reason{VideoCodecNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "container", d.Container, "fmp4") },
		},
		{
			name:   "an audio codec ffprobe could not name is transcoded",
			req:    file(mp4, "/m/a.mp4", h264HD, with(aacStereo, func(s *core.Stream) { s.Codec = "" })),
			method: Remux, reasons: []Reason{AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "audio codec", d.Audio.Codec, "aac") },
		},
		{
			name: "xvid avi: video transcoded, mp3 copied",
			req: file("avi", "/m/a.avi", with(h264HD, func(s *core.Stream) {
				s.Codec, s.Profile, s.Width, s.Height = "mpeg4", "Advanced Simple Profile", 720, 400
			}),
				with(aacStereo, func(s *core.Stream) { s.Codec = "mp3" })),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{720, 400})
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name:   "direct play turned off by the request: remux without reasons",
			req:    withReq(file(mp4, "/m/a.mp4", h264HD, aacStereo), func(r *Request) { r.DisableDirectPlay = true }),
			method: Remux,
		},
		{
			name:   "video copy turned off by the request: transcode",
			req:    withReq(file(mkv, "/m/a.mkv", h264HD, aacStereo), func(r *Request) { r.DisableVideoCopy = true }),
			method: Transcode, reasons: []Reason{ContainerNotSupported},
		},
		{
			name:   "audio copy turned off by the request: the audio is encoded",
			req:    withReq(file(mkv, "/m/a.mkv", h264HD, aacStereo), func(r *Request) { r.DisableAudioCopy = true }),
			method: Remux, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "audio copy", d.Audio.Copy, false) },
		},
		{
			name:   "a client that cannot remux gets a transcode",
			req:    file(mkv, "/m/a.mkv", h264HD, aacStereo),
			caps:   withCaps(func(c *Capabilities) { c.Transcode.NoRemux = true }),
			method: Transcode, reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) { wantEq(t, "audio copy", d.Audio.Copy, false) },
		},
		{
			name: "av1 cannot be copied into MPEG-TS segments",
			req: file(mkv, "/m/a.mkv", with(h264HD, func(s *core.Stream) { s.Codec, s.Profile = "av1", "Main" }),
				with(aacStereo, func(s *core.Stream) { s.Codec = "opus" })),
			caps: withCaps(func(c *Capabilities) { c.Transcode.Container = "ts" }), method: Transcode,
			reasons: []Reason{ContainerNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "video codec", d.Video.Codec, "h264")
				wantEq(t, "audio codec", d.Audio.Codec, "aac")
			},
		},
		{
			name:   "a client that says nothing gets HLS with MPEG-TS, h264 and aac",
			req:    file(mp4, "/m/a.mp4", with(h264HD, func(s *core.Stream) { s.Codec = "hevc" }), aacStereo),
			caps:   &Capabilities{},
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported, AudioCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "protocol/container", d.Protocol+"/"+d.Container, "hls/ts")
				wantEq(t, "video codec", d.Video.Codec, "h264")
				wantEq(t, "audio copy", d.Audio.Copy, true)
			},
		},
		{
			name: "an 8K source is brought down to the 2160p box",
			req: file(mkv, "/m/a.mkv", with(h264HD, func(s *core.Stream) {
				s.Codec, s.Width, s.Height, s.Bitrate = "hevc", 7680, 4320, 80_000_000
			}), aacStereo),
			method: Transcode, reasons: []Reason{ContainerNotSupported, VideoCodecNotSupported},
			check: func(t *testing.T, d Decision) {
				wantEq(t, "size", [2]int{d.Video.Width, d.Video.Height}, [2]int{3840, 2160})
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			caps := Browser()
			if tc.caps != nil {
				caps = *tc.caps
			}
			d := Decide(tc.req, caps)
			if d.Method != tc.method || !slices.Equal(d.Reasons, tc.reasons) {
				t.Fatalf("Decide = %s %v, want %s %v", d.Method, d.Reasons, tc.method, tc.reasons)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

// wantEq fails the test when got is not want.
func wantEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}
