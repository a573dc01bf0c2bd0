package probe

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// sec converts seconds to a Duration without float rounding surprises in the tables.
func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

const ntsc = 24000.0 / 1001

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseFixtures checks Parse on hand-written ffprobe 5.1 output, field by field.
func TestParseFixtures(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    core.MediaInfo
	}{
		{"hdr10_hevc.json", core.MediaInfo{
			Container: "matroska,webm", Duration: sec(10.016), Bitrate: 16543403, Size: 20712345,
			Tags: map[string]string{"title": "Sample HDR10", "encoder": "libebml v1.4.4 + libmatroska v1.7.1",
				"creation_time": "2024-03-02T18:01:07.000000Z"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 153, Bitrate: 15875412,
					Default: true, Width: 3840, Height: 2160, FrameRate: ntsc, BitDepth: 10, PixelFormat: "yuv420p10le",
					ColorSpace: "bt2020nc", ColorTransfer: "smpte2084", ColorPrimaries: "bt2020", HDR: core.HDR10},
				{Index: 1, Kind: core.StreamAudio, Codec: "eac3", Bitrate: 640000, Language: "eng", Default: true,
					Channels: 6, ChannelLayout: "5.1(side)", SampleRate: 48000},
			},
		}},
		{"hdr10plus_hevc.json", core.MediaInfo{
			Container: "matroska,webm", Duration: sec(5.005), Bitrate: 15786486, Size: 9876543,
			Tags: map[string]string{"encoder": "Lavf60.16.100"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 153, Default: true,
					Width: 3840, Height: 2160, FrameRate: ntsc, BitDepth: 10, PixelFormat: "yuv420p10le",
					ColorSpace: "bt2020nc", ColorTransfer: "smpte2084", ColorPrimaries: "bt2020", HDR: core.HDR10Plus},
			},
		}},
		{"hlg_hevc.json", core.MediaInfo{
			Container: "mov,mp4,m4a,3gp,3g2,mj2", Duration: sec(3.005), Bitrate: 14165602, Size: 5321010,
			Tags: map[string]string{"major_brand": "mp42", "minor_version": "0", "compatible_brands": "isommp42",
				"creation_time": "2024-06-01T10:00:00.000000Z"},
			Streams: []core.Stream{
				// avg_frame_rate 18000/601 is within 1% of r_frame_rate 30/1: the exact rate wins.
				{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 150, Bitrate: 14023111,
					Default: true, Width: 1920, Height: 1080, FrameRate: 30, BitDepth: 10, PixelFormat: "yuv420p10le",
					ColorSpace: "bt2020nc", ColorTransfer: "arib-std-b67", ColorPrimaries: "bt2020", HDR: core.HDRHLG},
				{Index: 1, Kind: core.StreamAudio, Codec: "aac", Profile: "LC", Bitrate: 128000, Default: true,
					Channels: 2, ChannelLayout: "stereo", SampleRate: 44100},
			},
		}},
		{"dolby_vision.json", core.MediaInfo{
			Container: "mov,mp4,m4a,3gp,3g2,mj2", Duration: sec(10.016), Bitrate: 25835045, Size: 32345678,
			Tags: map[string]string{"major_brand": "mp42", "minor_version": "1", "compatible_brands": "isommp42dby1",
				"title": "Dolby Vision Sample"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "hevc", Profile: "Main 10", Level: 153, Bitrate: 25011304,
					Default: true, Width: 3840, Height: 1608, FrameRate: ntsc, BitDepth: 10, PixelFormat: "yuv420p10le",
					ColorSpace: "bt2020nc", ColorTransfer: "smpte2084", ColorPrimaries: "bt2020", HDR: core.HDRDolbyVision},
				{Index: 1, Kind: core.StreamAudio, Codec: "eac3", Bitrate: 768000, Language: "eng", Default: true,
					Channels: 6, ChannelLayout: "5.1(side)", SampleRate: 48000},
			},
		}},
		{"matroska_tracks.json", core.MediaInfo{
			Container: "matroska,webm", Duration: sec(6751.104), Bitrate: 10725867, Size: 9051234567,
			Tags: map[string]string{"title": "Movie", "encoder": "libebml v1.4.4 + libmatroska v1.7.1",
				"creation_time": "2023-11-05T20:14:39.000000Z", "comment": "Remuxed"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Bitrate: 9864512,
					Title: "Main Feature", Default: true, Width: 1920, Height: 1080, FrameRate: ntsc, BitDepth: 8,
					PixelFormat: "yuv420p", ColorSpace: "bt709", ColorTransfer: "bt709", ColorPrimaries: "bt709"},
				{Index: 1, Kind: core.StreamAudio, Codec: "eac3", Bitrate: 640000, Language: "eng", Title: "English 5.1",
					Default: true, Channels: 6, ChannelLayout: "5.1(side)", SampleRate: 48000},
				{Index: 2, Kind: core.StreamAudio, Codec: "aac", Profile: "LC", Bitrate: 192000, Language: "jpn",
					Channels: 2, ChannelLayout: "stereo", SampleRate: 48000},
				{Index: 3, Kind: core.StreamAudio, Codec: "ac3", Bitrate: 192000, Language: "fre", Title: "Audiodescription",
					Channels: 2, ChannelLayout: "stereo", SampleRate: 48000},
				{Index: 4, Kind: core.StreamSubtitle, Codec: "subrip", Bitrate: 64, Language: "eng", Default: true},
				{Index: 5, Kind: core.StreamSubtitle, Codec: "subrip", Bitrate: 2, Language: "eng", Title: "Forced", Forced: true},
				{Index: 6, Kind: core.StreamSubtitle, Codec: "hdmv_pgs_subtitle", Title: "SDH", HearingImpaired: true,
					Width: 1920, Height: 1080},
				{Index: 7, Kind: core.StreamAttachment, Codec: "ttf"},
			},
		}},
		{"mp3_id3.json", core.MediaInfo{
			Container: "mp3", Duration: sec(240.103184), Bitrate: 324197, Size: 9730153,
			Tags: map[string]string{"title": "Song", "artist": "Band", "album": "Album", "album_artist": "Band",
				"track": "3/12", "disc": "1/1", "date": "2019", "genre": "Rock", "compilation": "1", "tso2": "Band, The",
				"artists": "Singer; Guitarist", "replaygain_track_gain": "-6.52 dB",
				"musicbrainz album id": "5b11f4ce-a62d-471e-81fc-a69a8278c7da"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamAudio, Codec: "mp3", Bitrate: 320000, Channels: 2, ChannelLayout: "stereo",
					SampleRate: 44100},
				{Index: 1, Kind: core.StreamAttachment, Codec: "mjpeg", Profile: "Baseline", Title: "cover",
					Width: 600, Height: 600, BitDepth: 8, PixelFormat: "yuvj420p"},
			},
		}},
		{"flac_cover.json", core.MediaInfo{
			Container: "flac", Duration: sec(180), Bitrate: 2908093, Size: 65432109,
			Tags: map[string]string{"title": "Track", "artist": "Band", "album_artist": "Band", "album": "Album",
				"track": "1", "disc": "1", "date": "2021", "totaltracks": "10", "encoder": "Lavf59.27.100"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamAudio, Codec: "flac", BitDepth: 24, Channels: 2, ChannelLayout: "stereo",
					SampleRate: 96000},
				{Index: 1, Kind: core.StreamAttachment, Codec: "png", Width: 1000, Height: 1000, PixelFormat: "rgb24"},
			},
		}},
		{"chapters.json", core.MediaInfo{
			Container: "mov,mp4,m4a,3gp,3g2,mj2", Duration: sec(600), Bitrate: 2635390, Size: 197654321,
			Tags: map[string]string{"major_brand": "isom", "minor_version": "512", "compatible_brands": "isomiso2avc1mp41",
				"title": "With chapters", "encoder": "Lavf59.27.100"},
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 31, Bitrate: 2500000,
					Default: true, Width: 1280, Height: 720, FrameRate: 25, BitDepth: 8, PixelFormat: "yuv420p"},
				{Index: 1, Kind: core.StreamAudio, Codec: "aac", Profile: "LC", Bitrate: 128000, Language: "eng",
					Default: true, Channels: 2, ChannelLayout: "stereo", SampleRate: 48000},
				{Index: 2, Kind: core.StreamData, Codec: "bin_data", Bitrate: 1, Language: "eng"},
			},
			Chapters: []core.Chapter{
				{Start: 0, End: sec(90.5), Title: "Opening"},
				{Start: sec(90.5), End: sec(540), Title: "Part One"},
				{Start: sec(540), End: sec(600)},
			},
		}},
		{"interlaced_ts.json", core.MediaInfo{
			Container: "mpegts", Duration: sec(3.008), Bitrate: 15621447, Size: 5873664,
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "mpeg2video", Profile: "Main", Level: 4, Bitrate: 15000000,
					Default: true, Width: 1920, Height: 1080, FrameRate: 25, BitDepth: 8, PixelFormat: "yuv420p",
					Interlaced: true},
				{Index: 1, Kind: core.StreamAudio, Codec: "ac3", Bitrate: 448000, Language: "deu", Channels: 2,
					ChannelLayout: "stereo", SampleRate: 48000},
				{Index: 2, Kind: core.StreamSubtitle, Codec: "dvb_subtitle", Language: "deu", HearingImpaired: true},
			},
		}},
	} {
		t.Run(strings.TrimSuffix(tc.fixture, ".json"), func(t *testing.T) {
			got, err := Parse(readFixture(t, tc.fixture))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got.Tags, tc.want.Tags) {
				t.Errorf("Tags:\n got %q\nwant %q", got.Tags, tc.want.Tags)
			}
			if len(got.Streams) != len(tc.want.Streams) {
				t.Fatalf("%d streams, want %d: %+v", len(got.Streams), len(tc.want.Streams), got.Streams)
			}
			for i := range got.Streams {
				if !reflect.DeepEqual(got.Streams[i], tc.want.Streams[i]) {
					t.Errorf("stream %d:\n got %+v\nwant %+v", i, got.Streams[i], tc.want.Streams[i])
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("MediaInfo:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestParseRejects checks the files Parse refuses and the reason it gives.
func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"jpg as image2", string(readFixture(t, "image_jpg.json")), "no audio or video stream (still image)"},
		{"png as png_pipe", string(readFixture(t, "image_png.json")), "no audio or video stream (still image)"},
		{"text read by tty", string(readFixture(t, "text_tty.json")), "no audio or video stream (text file)"},
		{"subtitle only", string(readFixture(t, "subtitle_only.json")), "no audio or video stream"},
		{"truncated mkv", string(readFixture(t, "truncated_mkv.json")), "video could not be decoded (truncated or corrupt file)"},
		{"show_error", string(readFixture(t, "error.json")), "Invalid data found when processing input"},
		{"empty error", `{"error": {}}`, "ffprobe error"},
		{"lone mjpeg frame in a video container", `{"streams": [{"codec_type": "video", "codec_name": "mjpeg",
			"pix_fmt": "yuvj420p"}], "format": {"format_name": "avi", "duration": "0.040000"}}`,
			"no audio or video stream (still image)"},
		{"cover art only", `{"streams": [{"codec_type": "video", "codec_name": "png", "pix_fmt": "rgb24",
			"disposition": {"attached_pic": 1}}], "format": {"format_name": "mp3"}}`, "no audio or video stream"},
		{"empty object", `{}`, "no audio or video stream"},
		{"null", `null`, "no audio or video stream"},
		{"not JSON", `Invalid data found`, "unreadable ffprobe output"},
		{"wrong shape", `{"streams": {"index": 0}}`, "unreadable ffprobe output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data))
			if !errors.Is(err, core.ErrInvalid) {
				t.Fatalf("err = %v, want one wrapping core.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestParseLenient checks the shapes other ffprobe versions write: numbers as strings or
// numbers, N/A placeholders, no format section, a duration only on the stream.
func TestParseLenient(t *testing.T) {
	data := `{"streams": [
		{"index": "0", "codec_type": "audio", "codec_name": "opus", "sample_rate": 48000, "channels": "2",
		 "bit_rate": "N/A", "duration": "12.5", "disposition": {"default": "1"}, "tags": {"LANGUAGE": "UND",
		 "TITLE": "x", "encoder": "Lavc libopus", "ARTIST": "From the stream"}},
		{"index": 1, "codec_type": "video", "codec_name": "vp9", "pix_fmt": "yuv420p", "width": 320.0, "duration": "12.75",
		 "r_frame_rate": "30/0", "avg_frame_rate": "0/0", "level": -99, "profile": "unknown"}
	], "format": {"format_name": "ogg", "bit_rate": null, "tags": {"ARTIST": "From the container"}}}`
	got, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := core.MediaInfo{
		Container: "ogg", Duration: sec(12.75), // the longest stream's, as the container has none
		// Ogg keeps Vorbis comments on the stream: they fill in what the container lacks.
		Tags: map[string]string{"artist": "From the container", "language": "UND", "title": "x", "encoder": "Lavc libopus"},
		Streams: []core.Stream{
			{Index: 0, Kind: core.StreamAudio, Codec: "opus", Title: "x", Default: true, Channels: 2, SampleRate: 48000},
			{Index: 1, Kind: core.StreamVideo, Codec: "vp9", BitDepth: 8, PixelFormat: "yuv420p"}, // 320.0 is no int
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", got, want)
	}
}

func TestPixDepth(t *testing.T) {
	for in, want := range map[string]int{
		"": 0, "yuv420p": 8, "yuvj420p": 8, "nv12": 8, "rgb24": 8, "pal8": 8, "yuv420p10le": 10, "yuv420p10be": 10,
		"p010le": 10, "p016le": 16, "yuv444p12le": 12, "gray16le": 16, "x2rgb10le": 10, "y210le": 10,
		"rgb48le": 16, "nv20le": 10, "rgb565le": 0, "rgbaf32le": 0,
	} {
		if got := pixDepth(in); got != want {
			t.Errorf("pixDepth(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestFrameRate(t *testing.T) {
	for _, tc := range []struct {
		avg, r, want string
		wantRate     float64
	}{
		{"24000/1001", "24000/1001", "", ntsc},
		{"384000/16007", "24000/1001", "mp4 average within 1%", ntsc},
		{"25/1", "50/1", "interlaced: r_frame_rate counts fields", 25},
		{"0/0", "25/1", "no average", 25},
		{"0/0", "0/0", "audio", 0},
		{"1/0", "x", "garbage", 0},
	} {
		if got := frameRate(value(tc.avg).ratio(), value(tc.r).ratio()); got != tc.wantRate {
			t.Errorf("frameRate(%s, %s) = %v, want %v (%s)", tc.avg, tc.r, got, tc.wantRate, tc.want)
		}
	}
}

func TestHDR(t *testing.T) {
	side := func(types ...string) (s stream) {
		for _, ty := range types {
			s.SideData = append(s.SideData, struct {
				Type value `json:"side_data_type"`
			}{value(ty)})
		}
		return s
	}
	tagged := func(tag string) stream { return stream{CodecTag: value(tag)} }
	for _, tc := range []struct {
		name     string
		s        stream
		transfer string
		want     string
	}{
		{"SDR", stream{}, "bt709", core.HDRNone},
		{"PQ", stream{}, "smpte2084", core.HDR10},
		{"HLG", stream{}, "arib-std-b67", core.HDRHLG},
		{"HDR10+ frame side data (ffprobe 5.1 name)", side("HDR Dynamic Metadata SMPTE2094-40 (HDR10+)"), "smpte2084", core.HDR10Plus},
		{"HDR10+ packet side data", side("HDR10+ Dynamic Metadata (SMPTE 2094-40)"), "smpte2084", core.HDR10Plus},
		{"mastering display alone is HDR10", side("Mastering display metadata", "Content light level metadata"), "smpte2084", core.HDR10},
		{"DV profile 5 in mkv: record only", side("DOVI configuration record"), "", core.HDRDolbyVision},
		{"DV over HDR10+", side("HDR10+ Dynamic Metadata (SMPTE 2094-40)", "DOVI configuration record"), "smpte2084", core.HDRDolbyVision},
		{"dvh1", tagged("dvh1"), "smpte2084", core.HDRDolbyVision},
		{"dvhe", tagged("dvhe"), "", core.HDRDolbyVision},
		{"DV 8.4 over HLG", tagged("dvh1"), "arib-std-b67", core.HDRDolbyVision},
		{"hvc1 is not DV", tagged("hvc1"), "smpte2084", core.HDR10},
	} {
		if got := hdr(tc.s, tc.transfer); got != tc.want {
			t.Errorf("%s: hdr = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLowerKeys(t *testing.T) {
	got := lowerKeys(map[string]value{"TITLE": "upper", "Title": "mixed", "title": "lower", "ARTIST": "A", "Artist": "B"})
	want := map[string]string{"title": "lower", "artist": "A"} // lower case wins, then sorted order
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lowerKeys = %q, want %q", got, want)
	}
	if lowerKeys(nil) != nil {
		t.Error("lowerKeys(nil) is not nil")
	}
}

func TestClean(t *testing.T) {
	long := strings.Repeat("é", 300)
	got := clean(long)
	if len(got) > maxReason || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("clean(300 × é) = %q (%d bytes)", got, len(got))
	}
	if got := clean(" a\nb\x00c\xff "); got != "a b c\uFFFD" {
		t.Errorf("clean = %q", got)
	}
}
