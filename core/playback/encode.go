package playback

import (
	"slices"

	"github.com/walros/walros/core"
)

// lossless codecs have no bitrate to set.
var lossless = []string{"flac", "alac", "truehd", "wavpack"}

// isLossless reports whether an audio codec is lossless.
func isLossless(codec string) bool {
	return slices.Contains(lossless, codec) || len(codec) > 4 && codec[:4] == "pcm_"
}

// maxChannels is the most channels each encoder writes.
var maxChannels = map[string]int{"mp3": 2, "mp2": 2, "ac3": 6, "aac": 8, "eac3": 8, "opus": 8, "vorbis": 8, "flac": 8}

// encodedAudio is the target of an audio stream that cannot be copied: the first codec the
// client takes that the container holds (a lossy one when an audio-only file must fit a
// bitrate), with the source's channels downmixed to every cap.
func encodedAudio(a core.Stream, caps Capabilities, req Request, t TranscodeTarget, audioOnly bool, limit int64) *AudioTarget {
	fitting := audioOnly && limit > 0
	codec := "aac"
	for _, c := range t.AudioCodecs {
		if carries(t.Container, c) && !(fitting && isLossless(c)) {
			codec = c
			break
		}
	}
	ch := a.Channels
	if ch <= 0 {
		ch = 2
	}
	for _, limit := range []int{t.MaxAudioChannels, caps.MaxAudioChannels, caps.Audio[codec].MaxChannels,
		req.MaxAudioChannels, maxChannels[codec]} {
		if limit > 0 {
			ch = min(ch, limit)
		}
	}
	bitrate := t.AudioBitrate
	if bitrate == 0 {
		bitrate = audioBitrate(codec, ch)
	}
	if isLossless(codec) {
		bitrate = 0
	}
	if fitting && bitrate > limit {
		bitrate = max(limit, 32_000) // below 32 kb/s even Opus stops being music
	}
	return &AudioTarget{StreamIndex: a.Index, Codec: codec, Channels: ch, Bitrate: bitrate}
}

// audioBitrate is the default bitrate for encoding audio: 192 kb/s stereo (128 kb/s for Opus),
// 64 kb/s a channel for surround AAC, Opus and Vorbis, 640 kb/s for surround AC-3 and E-AC-3.
func audioBitrate(codec string, channels int) int64 {
	switch {
	case isLossless(codec):
		return 0
	case channels <= 2 && codec == "opus":
		return 128_000
	case channels <= 2:
		return 192_000
	case codec == "ac3" || codec == "eac3":
		return 640_000
	}
	return int64(channels) * 64_000
}

// efficiency is the bitrate each video codec needs for the same quality, relative to H.264;
// Jellyfin scales bitrates between codecs with similar factors.
var efficiency = map[string]float64{
	"h264": 1, "hevc": 0.6, "vp9": 0.6, "av1": 0.5, "vp8": 1.2,
	"mpeg4": 1.5, "msmpeg4v3": 1.5, "vc1": 1.5, "wmv3": 1.5, "mpeg2video": 2, "mpeg1video": 2.5,
}

// codecEfficiency returns efficiency[codec], or 1 for codecs not listed.
func codecEfficiency(codec string) float64 {
	if e, ok := efficiency[codec]; ok {
		return e
	}
	return 1
}

// encodedVideo is the target of a video stream that cannot be copied: the client's first codec
// the container holds, the largest rung of Ladder within the size limits whose bitrate fits the
// bitrate limit less the audio, and no more bitrate than the source needs in the new codec.
// HDR stays HDR only when the client shows it in that codec; otherwise it is tone-mapped to
// 8-bit SDR.
func encodedVideo(v core.Stream, caps Capabilities, req Request, t TranscodeTarget, limit, audioBitrate int64) *VideoTarget {
	codec := "h264"
	for _, c := range t.VideoCodecs {
		if carries(t.Container, c) {
			codec = c
			break
		}
	}
	lim := caps.Video[codec]
	maxW, maxH := lim.MaxWidth, minLimit(lim.MaxHeight, req.MaxHeight)
	var videoCap int64
	if limit > 0 {
		videoCap = max(limit-audioBitrate, limit/2) // a tiny limit still leaves the video half
	}
	out := &VideoTarget{StreamIndex: v.Index, Codec: codec, Deinterlace: v.Interlaced, BitDepth: 8}

	var rung Rung
	found := false
	for _, r := range Ladder(v, videoCap) {
		if (maxW == 0 || r.Width <= maxW) && (maxH == 0 || r.Height <= maxH) {
			rung, found = r, true
			break
		}
	}
	if !found {
		// Nothing fits both: take the smallest rung, squeezed into the size limits and the bitrate.
		all := Ladder(v, 0)
		rung = all[len(all)-1]
		if maxW > 0 || maxH > 0 {
			rung.Width, rung.Height = within(rung.Width, rung.Height, maxW, maxH)
		}
		if videoCap > 0 {
			rung.Bitrate = min(rung.Bitrate, videoCap)
		}
	}
	if v.Width > 0 && v.Height > 0 {
		out.Width, out.Height = rung.Width, rung.Height
	}
	out.Bitrate = rung.Bitrate
	if src := videoBitrate(req.Info, v); src > 0 {
		need := int64(float64(src) * codecEfficiency(codec) / codecEfficiency(Codec(v.Codec)))
		out.Bitrate = min(out.Bitrate, need)
	}
	out.MaxBitrate = out.Bitrate * 3 / 2
	if videoCap > 0 {
		out.MaxBitrate = max(min(out.MaxBitrate, videoCap), out.Bitrate)
	}

	// HDR in H.264 is legal but hardly any decoder shows it, so H.264 output is always SDR.
	if codec != "h264" && (lim.MaxBitDepth == 0 || lim.MaxBitDepth >= 10) {
		out.HDR = shownAs(v, lim.HDR, false)
	}
	if out.HDR != core.HDRNone {
		out.BitDepth = max(v.BitDepth, 10)
	}
	out.ToneMap = v.HDR != core.HDRNone && out.HDR == core.HDRNone
	return out
}

// within scales w×h down to fit maxW×maxH (0: no limit on that side), keeping the aspect ratio.
func within(w, h, maxW, maxH int) (int, int) {
	scale := 1.0
	if maxW > 0 && w > maxW {
		scale = float64(maxW) / float64(w)
	}
	if maxH > 0 && h > maxH {
		scale = min(scale, float64(maxH)/float64(h))
	}
	return even(float64(w)*scale, w), even(float64(h)*scale, h)
}

// videoBitrate is a video stream's bitrate: its own, else the file's less its other streams';
// 0 when unknown.
func videoBitrate(info core.MediaInfo, v core.Stream) int64 {
	if v.Bitrate > 0 {
		return v.Bitrate
	}
	total := info.Bitrate
	if total <= 0 {
		return 0
	}
	for _, s := range info.Streams {
		if s.Index != v.Index {
			total -= s.Bitrate
		}
	}
	return max(total, 0)
}
