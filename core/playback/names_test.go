package playback

import "testing"

func TestContainer(t *testing.T) {
	for _, tc := range []struct{ format, path, want string }{
		{"matroska,webm", "/m/a.mkv", "mkv"},
		{"matroska,webm", "/m/a.webm", "webm"},
		{"matroska,webm", "/m/a.MKA", "mkv"},
		{"matroska,webm", "", "mkv"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/m/a.mp4", "mp4"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/m/a.m4v", "mp4"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/m/a.MOV", "mov"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/music/a.m4a", "m4a"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/books/a.m4b", "m4a"},
		{"mov,mp4,m4a,3gp,3g2,mj2", "/m/a.3gp", "3gp"},
		{"mpegts", "/m/a.ts", "ts"},
		{"mpegts", "/m/a.m2ts", "m2ts"},
		{"avi", "/m/a.avi", "avi"},
		{"mp3", "/music/a.mp3", "mp3"},
		{"flac", "/music/a.flac", "flac"},
		{"ogg", "/music/a.opus", "ogg"},
		{"asf", "/music/a.wma", "wma"},
		{"asf", "/m/a.wmv", "wmv"},
		{"mpeg", "/m/VTS_01_1.VOB", "vob"},
		{"wav", "/music/a.wav", "wav"},
		{"aiff", "/music/a.aif", "aiff"},
		{"hls,applehttp", "", "hls"},
		{"MKV", "", "mkv"},
		{"m4v", "", "mp4"},
		{"mov", "", "mov"},
		{"webm", "", "webm"},
		{"", "", ""},
	} {
		if got := Container(tc.format, tc.path); got != tc.want {
			t.Errorf("Container(%q, %q) = %q, want %q", tc.format, tc.path, got, tc.want)
		}
	}
}

func TestCodec(t *testing.T) {
	for in, want := range map[string]string{
		"h264": "h264", "AVC": "h264", "x264": "h264", "avc1": "h264",
		"hevc": "hevc", "h265": "hevc", "H265": "hevc", "x265": "hevc", "hvc1": "hevc",
		"av1": "av1", "av01": "av1", "vp9": "vp9", "mpeg2": "mpeg2video", "xvid": "mpeg4",
		"aac": "aac", "mp4a": "aac", "ac-3": "ac3", "ec-3": "eac3", "dca": "dts", "dts": "dts",
		"truehd": "truehd", " Opus ": "opus", "pcm_s24le": "pcm_s24le", "prores": "prores", "": "",
	} {
		if got := Codec(in); got != want {
			t.Errorf("Codec(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubtitleFormat(t *testing.T) {
	for _, tc := range []struct {
		codec, want string
		image       bool
	}{
		{"subrip", "srt", false}, {"srt", "srt", false}, {"webvtt", "vtt", false}, {"ass", "ass", false},
		{"mov_text", "mov_text", false}, {"hdmv_pgs_subtitle", "pgssub", true}, {"pgs", "pgssub", true},
		{"PGSSUB", "pgssub", true}, {"dvd_subtitle", "dvdsub", true}, {"dvb_subtitle", "dvbsub", true},
		{"eia_608", "eia_608", false},
	} {
		if got := SubtitleFormat(tc.codec); got != tc.want {
			t.Errorf("SubtitleFormat(%q) = %q, want %q", tc.codec, got, tc.want)
		}
		if got := ImageSubtitle(tc.codec); got != tc.image {
			t.Errorf("ImageSubtitle(%q) = %v, want %v", tc.codec, got, tc.image)
		}
	}
}

func TestProfile(t *testing.T) {
	for in, want := range map[string]string{
		"Constrained Baseline": "constrainedbaseline", "High": "high", "Main 10": "main10", " main ": "main",
	} {
		if got := Profile(in); got != want {
			t.Errorf("Profile(%q) = %q, want %q", in, got, want)
		}
	}
}
