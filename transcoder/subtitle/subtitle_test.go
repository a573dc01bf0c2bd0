package subtitle

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

const assHeader = `[Script Info]
ScriptType: v4.00+
PlayResX: 1920
PlayResY: 1080

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1
Style: Thoughts,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,-1,0,0,100,100,0,0,1,2,0,8,10,10,10,1
Style: Sign,Arial,40,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,2,0,5,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
`

func TestToWebVTT(t *testing.T) {
	for _, tc := range []struct {
		name, format, in string
		want             string // the whole output
		wantErr          error
	}{
		{
			name: "srt with html tags", format: "srt",
			in: "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> <b>world</b>\n<font color=\"red\">red</font> & <u>under</u>\n\n" +
				"2\n00:00:03,000 --> 00:00:04,000\n- a < b > c -> d\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<i>Hello</i> <b>world</b>\nred &amp; <u>under</u>\n\n" +
				"00:00:03.000 --> 00:00:04.000\n- a &lt; b &gt; c -&gt; d\n",
		},
		{
			name: "srt with BOM, CRLF and an alignment tag", format: "subrip",
			in:   "\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\n{\\an8}At the top\r\n\r\n2\r\n00:01:02,345 --> 01:00:00,000\r\nLine one\r\nLine two\r\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 line:0\nAt the top\n\n00:01:02.345 --> 01:00:00.000\nLine one\nLine two\n",
		},
		{
			name: "srt overlapping and unsorted cues", format: ".SRT",
			in: "1\n00:00:05,000 --> 00:00:08,000\nlater\n\n2\n00:00:01,000 --> 00:00:06,000\nearlier, overlapping\n\n" +
				"3\n00:00:01,000 --> 00:00:06,000\nearlier, overlapping\n\n4\n00:00:07,000 --> 00:00:07,000\nzero length\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\nearlier, overlapping\n\n00:00:05.000 --> 00:00:08.000\nlater\n",
		},
		{
			name: "srt in windows-1252", format: "srt",
			in:   "1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 \x93quoted\x94\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCafé “quoted”\n",
		},
		{
			name: "srt in utf-16", format: "srt",
			in:   utf16LE("1\r\n00:00:01,000 --> 00:00:02,000\r\nNaïve\r\n"),
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nNaïve\n",
		},
		{
			name: "ass with override tags and styles", format: "ass",
			in: assHeader +
				"Dialogue: 0,0:00:01.23,0:00:03.45,Default,Bob,0,0,0,,{\\an8}Top line\\Nsecond {\\b1}bold{\\b0} {\\i1}it{\\i0}\n" +
				"Dialogue: 0,0:00:02.00,0:00:04.00,Thoughts,,0,0,0,,I wonder{\\i0}... not{\\r} again\n" +
				"Dialogue: 1,0:00:02.00,0:00:04.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100 0 100{\\p0}\n" +
				"Comment: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,not shown\n" +
				"Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,{\\k20}Ka{\\k30}ra{\\fad(200,200)\\pos(10,10)}oke\\hend\n" +
				"Dialogue: 0,0:00:07.00,0:00:08.00,Sign,,0,0,0,,{\\an7\\b0}Left sign, not bold\n" +
				"Dialogue: 0,0:00:09.00,0:00:10.00,Default,,0,0,0,,outlined\n" +
				"Dialogue: 1,0:00:09.00,0:00:10.00,Default,,0,0,0,,outlined\n",
			want: "WEBVTT\n\n" +
				"00:00:01.230 --> 00:00:03.450 line:0\nTop line\nsecond <b>bold</b> <i>it</i>\n\n" +
				"00:00:02.000 --> 00:00:04.000 line:0\n<i>I wonder</i>... not<i> again</i>\n\n" +
				"00:00:05.000 --> 00:00:06.000\nKaraoke\u00a0end\n\n" +
				"00:00:07.000 --> 00:00:08.000 line:0 align:left\nLeft sign, not bold\n\n" +
				"00:00:09.000 --> 00:00:10.000\noutlined\n",
		},
		{
			name: "legacy ssa alignment", format: "ssa",
			in: "[Script Info]\nScriptType: v4.00\n\n[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" +
				"Dialogue: Marked=0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\a6}top\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 line:0\ntop\n",
		},
		{
			name: "webvtt keeps b i u and settings", format: "webvtt",
			in: "WEBVTT - title\n\nNOTE a comment\n\nid1\n00:01.000 --> 00:02.000 align:start line:10% position:50%\n<v Bob>Hi</v> <c.yellow>there</c> <i>you</i>\n\n" +
				"00:00:03.000 --> 00:00:04.000\nplain &amp; simple\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 line:10% position:50% align:start\nHi there <i>you</i>\n\n" +
				"00:00:03.000 --> 00:00:04.000\nplain &amp; simple\n",
		},
		{
			name: "sniffed ass", format: "",
			in:   assHeader + "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,sniffed\n",
			want: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nsniffed\n",
		},
		{name: "empty file", format: "srt", in: "", want: "WEBVTT\n"},
		{name: "blank file", format: "ass", in: "\uFEFF \r\n\r\n", want: "WEBVTT\n"},
		{name: "cues with only blank text", format: "srt", in: "1\n00:00:01,000 --> 00:00:02,000\n<i> </i>\n", want: "WEBVTT\n"},
		{name: "garbage", format: "srt", in: "this is not\na subtitle file\n", wantErr: ErrInvalid},
		{name: "binary", format: "srt", in: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", wantErr: ErrInvalid},
		{name: "bad srt timing", format: "srt", in: "1\n00:00:01,000 -->\nx\n", wantErr: ErrInvalid},
		{name: "bad srt time", format: "srt", in: "1\n00:00:aa,000 --> 00:00:02,000\nx\n", wantErr: ErrInvalid},
		{name: "vtt without header", format: "vtt", in: "00:01.000 --> 00:02.000\nx\n", wantErr: ErrInvalid},
		{name: "ass without format", format: "ass", in: "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x\n", wantErr: ErrInvalid},
		{name: "image codec", format: "hdmv_pgs_subtitle", in: "x", wantErr: ErrImageSubtitle},
		{name: "mov_text needs extraction", format: "mov_text", in: "x", wantErr: ErrUnsupported},
		{name: "unknown format", format: "ttml", in: "x", wantErr: ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := ToWebVTT(strings.NewReader(tc.in), tc.format, &out)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if out.Len() != 0 {
					t.Errorf("wrote %q on error", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			checkWebVTT(t, out.String())
		})
	}
}

func TestErrorsMatchCore(t *testing.T) {
	err := ToWebVTT(strings.NewReader("garbage"), "srt", io.Discard)
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, core.ErrInvalid) {
		t.Errorf("err = %v: want both ErrInvalid and core.ErrInvalid", err)
	}
}

func TestTooLarge(t *testing.T) {
	big := io.MultiReader(strings.NewReader("1\n00:00:01,000 --> 00:00:02,000\n"), strings.NewReader(strings.Repeat("x", MaxSize)))
	err := ToWebVTT(big, "srt", io.Discard)
	if !errors.Is(err, ErrTooLarge) || !errors.Is(err, core.ErrInvalid) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestConvertHLS(t *testing.T) {
	in := "1\n00:00:00,500 --> 00:00:01,500\ncut\n\n2\n00:00:01,000 --> 00:00:01,900\ngone\n\n3\n00:00:03,000 --> 00:00:04,000\nkept\n"
	m := HLSTimestampMap(1400 * time.Millisecond) // an MPEG-TS muxer's default delay
	var out bytes.Buffer
	if err := Convert(strings.NewReader(in), "srt", &out, Options{TimestampMap: &m, Shift: -time.Second}); err != nil {
		t.Fatal(err)
	}
	want := "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n" +
		"00:00:00.000 --> 00:00:00.500\ncut\n\n00:00:00.000 --> 00:00:00.900\ngone\n\n00:00:02.000 --> 00:00:03.000\nkept\n"
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	checkWebVTT(t, out.String())
}

func TestHLSTimestampMap(t *testing.T) {
	for _, tc := range []struct {
		start time.Duration
		want  int64
	}{
		{0, 0},
		{1400 * time.Millisecond, 126000},
		{10 * time.Second, 900000},
		{27 * time.Hour, 27*3600*90000 - 1<<33}, // past the 33-bit wrap at about 26.5 h
	} {
		if got := HLSTimestampMap(tc.start); got.MPEGTS != tc.want || got.Local != 0 {
			t.Errorf("HLSTimestampMap(%v) = %+v, want MPEGTS %d", tc.start, got, tc.want)
		}
	}
}

func TestCodecs(t *testing.T) {
	for _, c := range []string{"subrip", "ass", "ssa", "mov_text", "webvtt", "SubRip"} {
		if !IsText(c) || IsImage(c) {
			t.Errorf("%s: IsText %v, IsImage %v", c, IsText(c), IsImage(c))
		}
	}
	for _, c := range []string{"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle"} {
		if IsText(c) || !IsImage(c) {
			t.Errorf("%s: IsText %v, IsImage %v", c, IsText(c), IsImage(c))
		}
	}
	if IsText("h264") || IsImage("h264") {
		t.Error("h264 is a subtitle codec?")
	}
}

// checkWebVTT checks what browsers and hls.js need: the header, a blank line
// before each cue, well-formed increasing timings and no blank line or
// "-->" inside a cue.
func checkWebVTT(t *testing.T, s string) {
	t.Helper()
	if err := validWebVTT(s); err != nil {
		t.Errorf("%v in:\n%s", err, s)
	}
}

func utf16LE(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s { // the test strings hold only BMP characters
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
