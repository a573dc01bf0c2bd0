package playback

import (
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

// TestPlayDefaultAudio checks Jellyfin's PlayDefaultAudioTrack: on, the track the file flags
// default wins over the preferred language; off, the language wins.
func TestPlayDefaultAudio(t *testing.T) {
	streams := []core.Stream{
		{Index: 0, Kind: core.StreamVideo, Codec: "h264"},
		{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "jpn", Default: true},
		{Index: 2, Kind: core.StreamAudio, Codec: "aac", Language: "eng"},
		{Index: 3, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Default: true},
	}
	for _, tc := range []struct {
		name      string
		lang      string
		preferDef bool
		want      int
	}{
		{"no preference: the default-flagged track", "", true, 1},
		{"the language over the flag", "en", false, 3},
		{"the flag over the language", "en", true, 3},
		{"the flag over an absent language", "fre", true, 1},
		{"the first flagged track when the language has none flagged", "jpn", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := core.User{Playback: core.PlaybackPrefs{AudioLanguage: tc.lang, PlayDefaultAudio: tc.preferDef}}
			r := Request{Info: core.MediaInfo{Streams: streams}}.ForUser(u)
			if a, _ := r.DefaultStreams(); a != tc.want {
				t.Fatalf("default audio = %d, want %d", a, tc.want)
			}
			if d := Decide(r, Browser()); d.Audio == nil || d.Audio.StreamIndex != tc.want {
				t.Fatalf("Decide picked audio %+v, want %d", d.Audio, tc.want)
			}
		})
	}
	// Without the flag, the preferred language beats the default-flagged Japanese track.
	u := core.User{Playback: core.PlaybackPrefs{AudioLanguage: "eng"}}
	streams[3].Default = false
	if a, _ := (Request{Info: core.MediaInfo{Streams: streams}}).ForUser(u).DefaultStreams(); a != 2 {
		t.Fatalf("language over flag = %d, want 2", a)
	}
	u.Playback.PlayDefaultAudio = true
	if a, _ := (Request{Info: core.MediaInfo{Streams: streams}}).ForUser(u).DefaultStreams(); a != 1 {
		t.Fatalf("flag over language = %d, want 1", a)
	}
}

// TestSubtitleModes checks Jellyfin's subtitle modes (MediaStreamSelector) on one file.
func TestSubtitleModes(t *testing.T) {
	video := core.Stream{Index: 0, Kind: core.StreamVideo, Codec: "h264"}
	eng := core.Stream{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Default: true}
	fre := core.Stream{Index: 2, Kind: core.StreamAudio, Codec: "aac", Language: "fre"}
	subEng := core.Stream{Index: 3, Kind: core.StreamSubtitle, Codec: "subrip", Language: "eng"}
	subFre := core.Stream{Index: 4, Kind: core.StreamSubtitle, Codec: "subrip", Language: "fre"}
	forcedEng := core.Stream{Index: 5, Kind: core.StreamSubtitle, Codec: "subrip", Language: "eng", Forced: true}
	flaggedGer := core.Stream{Index: 6, Kind: core.StreamSubtitle, Codec: "subrip", Language: "ger", Default: true}
	sidecarSpa := core.Stream{Index: 7, Kind: core.StreamSubtitle, Codec: "subrip", Language: "spa", External: "/m/a.es.srt"}

	all := []core.Stream{video, eng, fre, subEng, subFre, forcedEng, flaggedGer}
	for _, tc := range []struct {
		name    string
		streams []core.Stream
		mode    core.SubtitleMode
		lang    string
		audio   string // the preferred audio language
		pick    *int   // the client's own choice
		want    int
	}{
		{"none", all, core.SubtitlesNone, "fre", "", nil, -1},
		{"no user: none", all, "", "", "", nil, -1},
		{"default: forced in the audio's language first", all, core.SubtitlesDefault, "fre", "", nil, 5},
		{"default: a flagged one without forced", []core.Stream{video, eng, subEng, flaggedGer}, core.SubtitlesDefault, "", "", nil, 6},
		{"default: a sidecar file first", append(slices.Clone(all), sidecarSpa), core.SubtitlesDefault, "", "", nil, 7},
		{"default: nothing flagged, nothing shown", []core.Stream{video, eng, subEng, subFre}, core.SubtitlesDefault, "fre", "", nil, -1},
		{"always: full subtitles in the language", all, core.SubtitlesAlways, "fr", "", nil, 4},
		{"always: no such language, as default", all, core.SubtitlesAlways, "ita", "", nil, 5},
		{"only forced", all, core.SubtitlesOnlyForced, "fre", "", nil, 5},
		{"only forced: none there", []core.Stream{video, eng, subEng, flaggedGer}, core.SubtitlesOnlyForced, "", "", nil, -1},
		{"smart: audio understood, only forced", all, core.SubtitlesSmart, "eng", "", nil, 5},
		{"smart: audio not understood, the language", all, core.SubtitlesSmart, "fre", "", nil, 4},
		{"smart: French audio for a French reader", []core.Stream{video, eng, fre, subEng, subFre, flaggedGer},
			core.SubtitlesSmart, "fre", "fre", nil, -1},
		{"a client's choice beats the mode", all, core.SubtitlesAlways, "fre", "", new(3), 3},
		{"a client's -1 turns subtitles off", all, core.SubtitlesAlways, "fre", "", new(-1), -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := core.User{Playback: core.PlaybackPrefs{SubtitleMode: tc.mode, SubtitleLanguage: tc.lang, AudioLanguage: tc.audio}}
			r := Request{Info: core.MediaInfo{Streams: tc.streams}, SubtitleStream: tc.pick}.ForUser(u)
			if _, s := r.DefaultStreams(); s != tc.want {
				t.Fatalf("default subtitle = %d, want %d", s, tc.want)
			}
			d := Decide(r, Browser())
			switch {
			case tc.want < 0 && d.Subtitle.Mode != SubtitleNone:
				t.Fatalf("Decide shows subtitle %+v, want none", d.Subtitle)
			case tc.want >= 0 && (d.Subtitle.Mode == SubtitleNone || d.Subtitle.StreamIndex != tc.want):
				t.Fatalf("Decide shows subtitle %+v, want %d", d.Subtitle, tc.want)
			}
		})
	}
}

// TestDefaultSubtitleBurnsIn checks that a subtitle the mode picks is delivered like one asked
// for: a forced picture subtitle the browser cannot draw is burnt in, so the file is transcoded.
func TestDefaultSubtitleBurnsIn(t *testing.T) {
	forcedPGS := with(pgsSub, func(s *core.Stream) { s.Forced = true })
	r := file(mp4, "/m/a.mp4", h264HD, aacStereo, forcedPGS)
	if d := Decide(r, Browser()); d.Method != DirectPlay {
		t.Fatalf("without a user: %s, want directplay", d.Method)
	}
	u := core.User{Playback: core.DefaultPlaybackPrefs}
	d := Decide(r.ForUser(u), Browser())
	if d.Method != Transcode || d.Subtitle.Mode != SubtitleBurn || !slices.Contains(d.Reasons, SubtitleCodecNotSupported) {
		t.Fatalf("default mode: %+v, want the forced PGS burnt in", d)
	}
	u.Playback.SubtitleMode = core.SubtitlesNone
	if d := Decide(r.ForUser(u), Browser()); d.Method != DirectPlay {
		t.Fatalf("mode none: %s, want directplay", d.Method)
	}
}

// TestBitrateCap checks that a user's cap lowers the client's limit: a file above it is
// transcoded under it, one below still plays directly.
func TestBitrateCap(t *testing.T) {
	r := file(mp4, "/m/a.mp4", h264HD, aacStereo) // 5.16 Mb/s
	if d := Decide(r, Browser()); d.Method != DirectPlay {
		t.Fatalf("no cap: %s, want directplay", d.Method)
	}
	capped := core.User{MaxBitrate: 3_000_000}
	d := Decide(r.ForUser(capped), Browser())
	if d.Method != Transcode || !slices.Contains(d.Reasons, ContainerBitrateExceedsLimit) || d.Video == nil ||
		d.Video.Bitrate+d.Audio.Bitrate > 3_000_000 {
		t.Fatalf("capped at 3 Mb/s: %+v, want a transcode under the cap", d)
	}
	// The lower of the client's limit and the user's cap applies.
	client := r
	client.MaxBitrate = 2_000_000
	if got := client.ForUser(capped).MaxBitrate; got != 2_000_000 {
		t.Fatalf("client 2 Mb/s, user 3 Mb/s: limit %d", got)
	}
	client.MaxBitrate = 20_000_000
	if got := client.ForUser(capped).MaxBitrate; got != 3_000_000 {
		t.Fatalf("client 20 Mb/s, user 3 Mb/s: limit %d", got)
	}
	if d := Decide(r.ForUser(core.User{MaxBitrate: 8_000_000}), Browser()); d.Method != DirectPlay {
		t.Fatalf("a file under the cap: %s, want directplay", d.Method)
	}
}
