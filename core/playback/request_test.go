package playback

import (
	"testing"

	"github.com/walros/walros/core"
)

func TestAudioStream(t *testing.T) {
	streams := []core.Stream{
		{Index: 0, Kind: core.StreamVideo, Codec: "h264"},
		{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng"},
		{Index: 2, Kind: core.StreamAudio, Codec: "ac3", Language: "fre", Default: true},
		{Index: 3, Kind: core.StreamAudio, Codec: "aac", Language: "jpn"},
		{Index: 4, Kind: core.StreamAudio, Codec: "aac", Language: "jpn", Default: true},
		{Index: 5, Kind: core.StreamSubtitle, Codec: "subrip", Language: "eng"},
	}
	for _, tc := range []struct {
		name  string
		pick  *int
		langs []string
		want  int
	}{
		{"the default-flagged stream by default", nil, nil, 2},
		{"the one asked for", new(3), nil, 3},
		{"an index that is not audio falls back to the default", new(5), nil, 2},
		{"a missing index falls back to the default", new(9), nil, 2},
		{"a preferred language, written in ISO 639-1", nil, []string{"en"}, 1},
		{"a preferred language, 639-2/T with a region", nil, []string{"fra-CA"}, 2},
		{"the default-flagged stream among those of the language", nil, []string{"ja"}, 4},
		{"the first language found wins", nil, []string{"ger", "jpn", "eng"}, 4},
		{"no stream in the language: the default", nil, []string{"ita"}, 2},
		{"an explicit choice beats the languages", new(1), []string{"jpn"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Request{Info: core.MediaInfo{Streams: streams}, AudioStream: tc.pick, AudioLanguages: tc.langs}
			got := r.audioStream()
			if got == nil || got.Index != tc.want {
				t.Fatalf("audioStream() = %+v, want index %d", got, tc.want)
			}
			if d := Decide(r, Browser()); d.Audio == nil || d.Audio.StreamIndex != tc.want {
				t.Errorf("Decide picked audio %+v, want index %d", d.Audio, tc.want)
			}
		})
	}
	none := Request{Info: core.MediaInfo{Streams: streams[:1]}}
	if got := none.audioStream(); got != nil {
		t.Errorf("audioStream() with no audio = %+v, want nil", got)
	}
	first := Request{Info: core.MediaInfo{Streams: streams[:2]}}
	if got := first.audioStream(); got == nil || got.Index != 1 {
		t.Errorf("audioStream() with no default = %+v, want the first, index 1", got)
	}
}

func TestForFile(t *testing.T) {
	f := core.MediaFile{Path: "/m/a.webm", Size: 1000, Info: core.MediaInfo{Container: "matroska,webm"}}
	r := ForFile(f)
	if r.Path != f.Path || r.Info.Size != 1000 {
		t.Errorf("ForFile = %+v, want the path and size of the file", r)
	}
	if d := Decide(r, Browser()); d.Method != Unplayable {
		t.Errorf("Decide on a file with no streams = %s, want %s", d.Method, Unplayable)
	}
}

func TestSourceBitrate(t *testing.T) {
	for _, tc := range []struct {
		name string
		info core.MediaInfo
		want int64
	}{
		{"the container's", core.MediaInfo{Bitrate: 5, Streams: []core.Stream{{Bitrate: 9}}}, 5},
		{"the streams' sum", core.MediaInfo{Streams: []core.Stream{{Bitrate: 3}, {Bitrate: 4}}}, 7},
		{"size over duration", core.MediaInfo{Size: 1_000_000, Duration: 8e9}, 1_000_000},
		{"unknown", core.MediaInfo{}, 0},
	} {
		if got := sourceBitrate(tc.info); got != tc.want {
			t.Errorf("%s: sourceBitrate = %d, want %d", tc.name, got, tc.want)
		}
	}
}
