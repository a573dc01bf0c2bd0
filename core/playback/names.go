package playback

import (
	"path/filepath"
	"strings"
)

// Container maps ffprobe's format name ("matroska,webm", "mov,mp4,m4a,3gp,3g2,mj2", "mpegts") to
// the short name clients use in their profiles (mkv, webm, mp4, mov, m4a, ts...). One demuxer
// serves several formats, so the file extension of path settles the ambiguous ones. Short names
// map to themselves, so client lists can go through it too.
func Container(format, path string) string {
	format = strings.ToLower(strings.TrimSpace(format))
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "matroska,webm", "matroska", "mkv", "mka", "mk3d":
		if ext == "webm" || ext == "weba" {
			return "webm"
		}
		return "mkv"
	case "webm":
		return "webm"
	case "mov,mp4,m4a,3gp,3g2,mj2", "mp4", "m4v", "mov", "m4a", "m4b", "3gp", "3g2":
		switch ext {
		case "mov", "qt":
			return "mov"
		case "m4a", "m4b", "m4r":
			return "m4a"
		case "3gp", "3g2":
			return "3gp"
		}
		switch format {
		case "mov", "m4a", "3gp":
			return format
		case "m4b":
			return "m4a"
		case "3g2":
			return "3gp"
		}
		return "mp4"
	case "mpegts", "ts", "m2ts", "mts":
		if ext == "m2ts" || ext == "mts" || format == "m2ts" || format == "mts" {
			return "m2ts"
		}
		return "ts"
	case "asf", "wmv", "wma":
		switch {
		case ext == "wmv" || format == "wmv":
			return "wmv"
		case ext == "wma" || format == "wma":
			return "wma"
		}
		return "asf"
	case "mpeg", "mpg", "vob":
		if ext == "vob" || format == "vob" {
			return "vob"
		}
		return "mpeg"
	case "ogg", "oga", "ogv", "opus":
		return "ogg"
	case "wav", "w64":
		return "wav"
	case "aiff", "aif":
		return "aiff"
	}
	if first, _, ok := strings.Cut(format, ","); ok {
		return first
	}
	return format
}

// codecAliases maps the names clients and containers use to ffmpeg's codec names.
var codecAliases = map[string]string{
	"h265": "hevc", "x265": "hevc", "hvc1": "hevc", "hev1": "hevc", "dvh1": "hevc", "dvhe": "hevc",
	"x264": "h264", "avc": "h264", "avc1": "h264", "avc3": "h264",
	"vp09": "vp9", "av01": "av1", "vp08": "vp8",
	"mpeg2": "mpeg2video", "mpeg-2": "mpeg2video", "mp2v": "mpeg2video",
	"xvid": "mpeg4", "divx": "mpeg4", "mp4v": "mpeg4",
	"vc-1": "vc1",
	"mp4a": "aac", "ac-3": "ac3", "a52": "ac3", "ec-3": "eac3", "ec3": "eac3", "e-ac3": "eac3",
	"dca": "dts", "mlp": "truehd", "mp3float": "mp3", "mpeg3": "mp3", "libopus": "opus",
	"libvorbis": "vorbis",
}

// Codec maps a codec name, from ffprobe or from a client profile, to ffmpeg's name: "h265" and
// "x265" become "hevc", Plex's "dca" becomes "dts", "ec-3" becomes "eac3". Names it does not
// know are lower-cased and kept, so "pcm_s16le" and "prores" pass through.
func Codec(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if c, ok := codecAliases[name]; ok {
		return c
	}
	return name
}

// subtitleFormats maps ffmpeg subtitle codec names and their aliases to the format names of
// Jellyfin's SubtitleProfile.
var subtitleFormats = map[string]string{
	"subrip": "srt", "srt": "srt",
	"webvtt": "vtt", "vtt": "vtt",
	"ass": "ass", "ssa": "ssa",
	"mov_text": "mov_text", "tx3g": "mov_text",
	"hdmv_pgs_subtitle": "pgssub", "pgs": "pgssub", "pgssub": "pgssub", "sup": "pgssub",
	"dvd_subtitle": "dvdsub", "dvdsub": "dvdsub", "vobsub": "dvdsub",
	"dvb_subtitle": "dvbsub", "dvbsub": "dvbsub",
	"xsub":         "xsub",
	"dvb_teletext": "teletext",
}

// imageFormats are subtitle formats made of pictures: they cannot become WebVTT, so a client
// that does not draw them gets them burnt into the video.
var imageFormats = map[string]bool{"pgssub": true, "dvdsub": true, "dvbsub": true, "xsub": true, "teletext": true}

// SubtitleFormat maps a subtitle codec name, ffmpeg's or a client's, to Jellyfin's format name:
// subrip → "srt", webvtt → "vtt", hdmv_pgs_subtitle and "pgs" → "pgssub", dvd_subtitle → "dvdsub".
// Unknown names are lower-cased and kept.
func SubtitleFormat(codec string) string {
	codec = strings.ToLower(strings.TrimSpace(codec))
	if f, ok := subtitleFormats[codec]; ok {
		return f
	}
	return codec
}

// ImageSubtitle reports whether a subtitle codec draws pictures (PGS, VobSub, DVB) rather than
// text.
func ImageSubtitle(codec string) bool {
	return imageFormats[SubtitleFormat(codec)]
}

// Profile normalises a codec profile name the way Jellyfin compares them: lower case without
// spaces, so ffprobe's "Constrained Baseline" and a client's "constrainedbaseline" match, as do
// "Main 10" and "main10".
func Profile(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", ""))
}
