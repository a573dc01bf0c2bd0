package jellyfin

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// browserProfile is an abridged jellyfin-web DeviceProfile: mp4 and webm direct play, HLS with
// MPEG-TS segments otherwise, WebVTT beside the video.
var browserProfile = map[string]any{
	"MaxStreamingBitrate": 120_000_000,
	"DirectPlayProfiles": []map[string]string{
		{"Container": "mp4,m4v", "Type": "Video", "VideoCodec": "h264,vp9,av1", "AudioCodec": "aac,mp3,opus,flac"},
		{"Container": "webm", "Type": "Video", "VideoCodec": "vp8,vp9,av1", "AudioCodec": "vorbis,opus"},
		{"Container": "mp3", "Type": "Audio"},
	},
	"TranscodingProfiles": []map[string]any{
		{"Container": "ts", "Type": "Audio", "AudioCodec": "aac", "Context": "Streaming", "Protocol": "hls", "MaxAudioChannels": "2"},
		{"Container": "ts", "Type": "Video", "AudioCodec": "aac,mp3", "VideoCodec": "h264", "Context": "Streaming",
			"Protocol": "hls", "MaxAudioChannels": "2", "MinSegments": "1", "BreakOnNonKeyFrames": true},
	},
	"CodecProfiles": []map[string]any{
		{"Type": "Video", "Codec": "h264", "Conditions": []map[string]any{
			{"Condition": "EqualsAny", "Property": "VideoProfile", "Value": "high|main|baseline|constrained baseline", "IsRequired": false},
			{"Condition": "LessThanEqual", "Property": "VideoLevel", "Value": "52", "IsRequired": false},
		}},
	},
	"SubtitleProfiles": []map[string]string{{"Format": "vtt", "Method": "External"}, {"Format": "ass", "Method": "External"}},
}

// findroidProfile is Findroid's "direct play all".
var findroidProfile = map[string]any{
	"Name": "Direct play all", "MaxStaticBitrate": 1_000_000_000, "MaxStreamingBitrate": "1000000000",
	"DirectPlayProfiles": []any{}, "TranscodingProfiles": []any{}, "CodecProfiles": []any{}, "ContainerProfiles": []any{},
	"SubtitleProfiles": []map[string]string{{"Format": "srt", "Method": "External"}, {"Format": "ass", "Method": "External"}},
}

type playbackInfoResult struct {
	MediaSources []struct {
		Id, Container, ETag                                           string
		SupportsDirectPlay, SupportsDirectStream, SupportsTranscoding bool
		TranscodingUrl, TranscodingSubProtocol, TranscodingContainer  string
		DefaultAudioStreamIndex, DefaultSubtitleStreamIndex           *int
		MediaStreams                                                  []struct {
			Type, Codec, DeliveryMethod, DeliveryUrl string
			Index                                    int
		}
	}
	PlaySessionId string
}

func (e *env) playbackInfo(id, token string, body any) playbackInfoResult {
	e.t.Helper()
	method := http.MethodPost
	if body == nil {
		method = http.MethodGet
	}
	var res playbackInfoResult
	e.decode(e.want(http.StatusOK, e.do(method, "/Items/"+id+"/PlaybackInfo", token, body)), &res)
	if len(res.MediaSources) != 1 || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(res.PlaySessionId) {
		e.t.Fatalf("PlaybackInfo = %+v", res)
	}
	return res
}

// movieEnv has one movie, Heat, an mkv (H.264 High 4.1, AAC 5.1 and AC-3) with an English SubRip
// sidecar as stream 3.
func movieEnv(t *testing.T) (*env, core.Library, string) {
	e := newEnv(t)
	lib := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Heat (1995)/Heat (1995).en.srt")
	srt := filepath.Join(lib.Paths[0], "Heat (1995)", "Heat (1995).en.srt")
	if err := os.WriteFile(srt, []byte("1\n00:00:01,000 --> 00:00:03,000\nFirst\n\n2\n00:00:20,000 --> 00:00:22,500\nLast\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return e, lib, jid(e.item(core.KindMovie, "Heat").ID)
}

func TestPlaybackInfoDecisions(t *testing.T) {
	e, _, id := movieEnv(t)

	// Without a profile: the sources as they are.
	raw := e.playbackInfo(id, e.admin, nil)
	if ms := raw.MediaSources[0]; !ms.SupportsDirectPlay || !ms.SupportsDirectStream || !ms.SupportsTranscoding || ms.TranscodingUrl != "" || ms.Container != "mkv" {
		t.Fatalf("raw source = %+v", ms)
	}

	// Findroid plays everything itself, numbers as strings and all.
	fd := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": findroidProfile, "MaxStreamingBitrate": "1000000000"})
	ms := fd.MediaSources[0]
	if !ms.SupportsDirectPlay || ms.TranscodingUrl != "" {
		t.Fatalf("Findroid source = %+v", ms)
	}
	// It draws SubRip, not WebVTT: its subtitles come as SubRip.
	if sub := ms.MediaStreams[len(ms.MediaStreams)-1]; sub.DeliveryMethod != "External" ||
		!strings.HasPrefix(sub.DeliveryUrl, "/Videos/"+id+"/"+ms.Id+"/Subtitles/3/0/Stream.srt?ApiKey=") {
		t.Fatalf("Findroid subtitle = %+v", sub)
	}

	// A browser does not open mkv: HLS, the video copied (no allowVideoStreamCopy=false).
	br := e.playbackInfo(id, e.admin, map[string]any{"deviceprofile": browserProfile, "audioStreamIndex": 2, "subtitleStreamIndex": 3})
	ms = br.MediaSources[0]
	if ms.SupportsDirectPlay || ms.SupportsDirectStream || !ms.SupportsTranscoding || ms.TranscodingSubProtocol != "hls" || ms.TranscodingContainer != "ts" {
		t.Fatalf("browser source = %+v", ms)
	}
	u, err := url.Parse(ms.TranscodingUrl)
	if err != nil || u.Path != "/videos/"+id+"/master.m3u8" {
		t.Fatalf("TranscodingUrl = %s", ms.TranscodingUrl)
	}
	q := u.Query()
	want := map[string]string{"MediaSourceId": ms.Id, "VideoCodec": "h264", "AudioCodec": "aac", "AudioStreamIndex": "2",
		"SubtitleStreamIndex": "3", "SegmentContainer": "ts", "PlaySessionId": br.PlaySessionId, "TranscodingMaxAudioChannels": "2",
		"TranscodeReasons": "ContainerNotSupported,AudioCodecNotSupported", "DeviceId": "test-device", "Tag": ms.ETag}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q in %s", k, q.Get(k), v, ms.TranscodingUrl)
		}
	}
	if q.Has("allowVideoStreamCopy") || q.Has("SubtitleMethod") || *ms.DefaultAudioStreamIndex != 2 {
		t.Errorf("copy or burn asked for, or the wrong audio: %s, default audio %d", ms.TranscodingUrl, *ms.DefaultAudioStreamIndex)
	}
	// The URL's key is a media token for this item, not the admin's token: it opens its media
	// and nothing else.
	key := q.Get("ApiKey")
	if key == "" || key == e.admin {
		t.Fatalf("ApiKey = %q", key)
	}
	e.want(http.StatusOK, e.do("GET", "/Videos/"+id+"/stream?static=true&ApiKey="+key, "", nil))
	e.want(http.StatusUnauthorized, e.do("GET", "/Users/Me?ApiKey="+key, "", nil))
	if sub := ms.MediaStreams[len(ms.MediaStreams)-1]; sub.DeliveryMethod != "External" ||
		sub.DeliveryUrl != "/Videos/"+id+"/"+ms.Id+"/Subtitles/3/0/Stream.vtt?ApiKey="+key {
		t.Fatalf("browser subtitle = %+v", sub)
	}

	// Limits the file breaks: the video is encoded, and the URL says it may not be copied.
	lowLevel := clone(browserProfile)
	lowLevel["CodecProfiles"] = []map[string]any{{"Type": "Video", "Codec": "h264", "Conditions": []map[string]any{
		{"Condition": "LessThanEqual", "Property": "VideoLevel", "Value": 40}}}}
	lowLevel["DirectPlayProfiles"] = []map[string]string{{"Container": "mkv", "Type": "Video"}}
	ll := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": lowLevel})
	if ms := ll.MediaSources[0]; ms.SupportsDirectPlay || !strings.Contains(ms.TranscodingUrl, "TranscodeReasons=VideoLevelNotSupported&") ||
		!strings.HasSuffix(ms.TranscodingUrl, "&allowVideoStreamCopy=false") || !strings.Contains(ms.TranscodingUrl, "&MaxWidth=1920&MaxHeight=1080&") {
		t.Fatalf("level 4.0 client: %+v", ms)
	}

	// The same client without the level limit direct plays the mkv, unless it turns that off or
	// caps the bitrate below the file's.
	mkv := clone(browserProfile)
	mkv["DirectPlayProfiles"] = []map[string]string{{"Container": "mkv", "Type": "Video"}}
	if ms := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": mkv}).MediaSources[0]; !ms.SupportsDirectPlay || ms.TranscodingUrl != "" {
		t.Fatalf("mkv client: %+v", ms)
	}
	if ms := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": mkv, "EnableDirectPlay": false}).MediaSources[0]; ms.SupportsDirectPlay || ms.TranscodingUrl == "" {
		t.Fatalf("direct play off: %+v", ms)
	}
	capped := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": mkv, "MaxStreamingBitrate": "2000000"}).MediaSources[0]
	if capped.SupportsDirectPlay || !strings.Contains(capped.TranscodingUrl, "ContainerBitrateExceedsLimit") {
		t.Fatalf("2 Mb/s: %+v", capped)
	}
	if ms := e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": mkv, "EnableTranscoding": false, "MaxStreamingBitrate": 2000000}).MediaSources[0]; ms.SupportsTranscoding || ms.TranscodingUrl != "" {
		t.Fatalf("transcoding off: %+v", ms)
	}

	// The media source asked for, in any form; another one is 404.
	e.playbackInfo(id, e.admin, map[string]any{"MediaSourceId": raw.MediaSources[0].Id})
	e.want(http.StatusNotFound, e.do("POST", "/Items/"+id+"/PlaybackInfo", e.admin, map[string]any{"MediaSourceId": strings.Repeat("1", 32)}))
	e.want(http.StatusBadRequest, e.do("POST", "/Items/"+id+"/PlaybackInfo", e.admin, `{"MaxStreamingBitrate":"lots"}`))
}

func clone(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestStaticStreams(t *testing.T) {
	e, _, id := movieEnv(t)
	for _, p := range []string{"/Videos/" + id + "/stream?static=true", "/videos/" + id + "/stream.mkv", "/Items/" + id + "/File",
		"/Audio/" + id + "/stream?static=true"} {
		rec := e.want(http.StatusOK, e.do("GET", p, e.admin, nil))
		if rec.Body.String() != "not really media" || rec.Header().Get("Accept-Ranges") != "bytes" {
			t.Fatalf("%s: %q %v", p, rec.Body, rec.Header())
		}
	}
	// Players send the key in the query and ask for ranges.
	rec := e.want(http.StatusPartialContent, e.do("GET", "/Videos/"+id+"/stream?static=true&api_key="+e.admin, "", nil, "Range", "bytes=4-9"))
	if rec.Body.String() != "really" || rec.Header().Get("Content-Type") != "video/x-matroska" {
		t.Fatalf("range: %q %v", rec.Body, rec.Header())
	}
	rec = e.want(http.StatusRequestedRangeNotSatisfiable, e.do("GET", "/Videos/"+id+"/stream", e.admin, nil, "Range", "bytes=100-"))
	if rec.Body.String() != errorBody {
		t.Fatalf("416 body %q", rec.Body)
	}
	if rec := e.want(http.StatusOK, e.do("HEAD", "/Videos/"+id+"/stream", e.admin, nil)); rec.Header().Get("Content-Length") != "16" {
		t.Fatalf("HEAD: %v", rec.Header())
	}
	rec = e.want(http.StatusOK, e.do("GET", "/Items/"+id+"/Download?ApiKey="+e.admin, "", nil))
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="Heat (1995).mkv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	// The media source is the file id, N format; the item's own id means its first file.
	ms := e.playbackInfo(id, e.admin, nil).MediaSources[0].Id
	e.want(http.StatusOK, e.do("GET", "/Videos/"+id+"/stream?static=true&mediaSourceId="+ms, e.admin, nil))
	e.want(http.StatusOK, e.do("GET", "/Videos/"+id+"/stream?static=true&mediaSourceId="+id, e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Videos/"+id+"/stream?mediaSourceId="+strings.Repeat("2", 32), e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Videos/"+id+"/stream?mediaSourceId=nope", e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Videos/not-an-id/stream", e.admin, nil))
	// Engine-less (this test's server): playlists are 404, never 500.
	e.want(http.StatusBadRequest, e.do("GET", "/Videos/"+id+"/master.m3u8", e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Videos/"+id+"/master.m3u8?mediaSourceId="+ms, e.admin, nil))
	e.want(http.StatusBadRequest, e.do("GET", "/Videos/"+id+"/master.m3u8?mediaSourceId="+ms+"&SegmentContainer=avi", e.admin, nil))
	e.want(http.StatusNoContent, e.do("DELETE", "/Videos/ActiveEncodings?deviceId=d&playSessionId=p", e.admin, nil))
}

func TestMediaAccess(t *testing.T) {
	e, _, id := movieEnv(t)
	other := e.library("Other", core.LibraryMovies, "Ronin (1998)/Ronin (1998).mkv")
	bob, _ := e.addUser("bob", other.ID)
	ms := e.playbackInfo(id, e.admin, nil).MediaSources[0].Id
	for _, p := range []string{
		"/Items/" + id + "/PlaybackInfo",
		"/Videos/" + id + "/stream?static=true",
		"/Audio/" + id + "/universal",
		"/Items/" + id + "/Download",
		"/Videos/" + id + "/master.m3u8?mediaSourceId=" + ms,
		"/Videos/" + id + "/main.m3u8?mediaSourceId=" + ms,
		"/Videos/" + id + "/hls1/main/0.ts?mediaSourceId=" + ms,
		"/Videos/" + id + "/" + ms + "/Subtitles/3/0/Stream.vtt",
	} {
		e.want(http.StatusUnauthorized, e.do("GET", p, "", nil))
		e.want(http.StatusNotFound, e.do("GET", p, bob, nil))
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		e.want(http.StatusNotFound, e.do("GET", p+sep+"ApiKey="+bob, "", nil))
	}
}

func TestSubtitleFiles(t *testing.T) {
	e, _, id := movieEnv(t)
	ms := e.playbackInfo(id, e.admin, nil).MediaSources[0].Id
	base := "/Videos/" + id + "/" + ms + "/Subtitles/"
	rec := e.want(http.StatusOK, e.do("GET", base+"3/0/Stream.vtt?ApiKey="+e.admin, "", nil))
	if !strings.HasPrefix(rec.Body.String(), "WEBVTT") || !strings.Contains(rec.Body.String(), "00:00:20.000 --> 00:00:22.500") ||
		rec.Header().Get("Content-Type") != "text/vtt; charset=utf-8" {
		t.Fatalf("vtt: %s", rec.Body)
	}
	// From 10 s on: the first cue goes, the last counts from there.
	rec = e.want(http.StatusOK, e.do("GET", base+"3/100000000/Stream.vtt", e.admin, nil))
	if strings.Contains(rec.Body.String(), "First") || !strings.Contains(rec.Body.String(), "00:00:10.000 --> 00:00:12.500") {
		t.Fatalf("vtt from 10 s: %s", rec.Body)
	}
	if rec := e.want(http.StatusOK, e.do("GET", base+"3/Stream.srt", e.admin, nil)); !strings.HasPrefix(rec.Body.String(), "1\n00:00:01,000 --> 00:00:03,000\nFirst") {
		t.Fatalf("srt: %s", rec.Body)
	}
	if rec := e.want(http.StatusOK, e.do("GET", base+"3/100000000/Stream.srt", e.admin, nil)); rec.Body.String() != "1\n00:00:10,000 --> 00:00:12,500\nLast\n\n" {
		t.Fatalf("srt from 10 s: %q", rec.Body)
	}
	rec = e.want(http.StatusOK, e.do("GET", base+"3/subtitles.m3u8?ApiKey="+e.admin, "", nil))
	if !strings.Contains(rec.Body.String(), "\n0/Stream.vtt?ApiKey=") {
		t.Fatalf("subtitle playlist: %s", rec.Body)
	}
	e.want(http.StatusNotFound, e.do("GET", base+"1/0/Stream.vtt", e.admin, nil)) // audio, not a subtitle
	e.want(http.StatusNotFound, e.do("GET", base+"9/0/Stream.vtt", e.admin, nil))
	e.want(http.StatusBadRequest, e.do("GET", base+"3/0/Stream.pdf", e.admin, nil))
	e.want(http.StatusBadRequest, e.do("GET", base+"3/soon/Stream.vtt", e.admin, nil))
}

func TestVTTToSRT(t *testing.T) {
	vtt := "WEBVTT\n\nNOTE a note\n\n1\n00:01.000 --> 00:02.500 align:start\n<i>one</i>\n\n01:00:00.000 --> 01:00:01.000\ntwo\nlines\n"
	if got := string(vttToSRT([]byte(vtt))); got != "1\n00:00:01,000 --> 00:00:02,500\n<i>one</i>\n\n2\n01:00:00,000 --> 01:00:01,000\ntwo\nlines\n\n" {
		t.Fatalf("srt = %q", got)
	}
}
