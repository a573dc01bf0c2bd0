package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// jfBrowserProfile is what jellyfin-web on Chromium posts, abridged: H.264 in mp4 plays as it is,
// the rest goes through HLS with H.264 and AAC; subtitles come beside the video as WebVTT.
const jfBrowserProfile = `{
  "MaxStreamingBitrate": 120000000,
  "DirectPlayProfiles": [
    {"Container": "mp4,m4v", "Type": "Video", "VideoCodec": "h264,vp9,av1", "AudioCodec": "aac,mp3,opus,flac"},
    {"Container": "mp3", "Type": "Audio"}
  ],
  "TranscodingProfiles": [
    {"Container": "ts", "Type": "Video", "AudioCodec": "aac,mp3", "VideoCodec": "h264", "Context": "Streaming",
     "Protocol": "hls", "MaxAudioChannels": "2", "MinSegments": "1", "BreakOnNonKeyFrames": true}
  ],
  "CodecProfiles": [
    {"Type": "Video", "Codec": "h264", "Conditions": [
      {"Condition": "EqualsAny", "Property": "VideoProfile", "Value": "high|main|baseline|constrained baseline", "IsRequired": false},
      {"Condition": "LessThanEqual", "Property": "VideoLevel", "Value": "52", "IsRequired": false}]}
  ],
  "SubtitleProfiles": [{"Format": "vtt", "Method": "External"}]
}`

// jfClient is a Jellyfin client of the test server.
type jfClient struct {
	t     *testing.T
	base  string
	token string
}

// jfAuth is the header Jellyfin clients send.
func jfAuth(token string) string {
	return `MediaBrowser Client="Walros Test", Device="go", DeviceId="jf-test-1", Version="1.0", Token="` + token + `"`
}

// do sends a request, with the client's token in the Authorization header unless noAuth, and
// checks the status.
func (j jfClient) do(method, path, body string, want int, headers ...string) (*http.Response, []byte) {
	j.t.Helper()
	req, err := http.NewRequest(method, j.base+path, strings.NewReader(body))
	if err != nil {
		j.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if j.token != "" {
		req.Header.Set("Authorization", jfAuth(j.token))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		j.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		j.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	return res, b
}

func jfLogin(t *testing.T, base, user, password string) jfClient {
	t.Helper()
	j := jfClient{t: t, base: base}
	_, b := j.do("POST", "/Users/AuthenticateByName", `{"Username":"`+user+`","Pw":"`+password+`"}`, http.StatusOK,
		"Authorization", jfAuth(""))
	var res struct{ AccessToken string }
	if err := json.Unmarshal(b, &res); err != nil || res.AccessToken == "" {
		t.Fatalf("login: %s", b)
	}
	j.token = res.AccessToken
	return j
}

type jfSource struct {
	Id, ETag, TranscodingUrl, TranscodingSubProtocol string
	SupportsDirectPlay                               bool
	MediaStreams                                     []struct {
		Type, DeliveryMethod, DeliveryUrl string
		Index                             int
	}
}

func (j jfClient) playbackInfo(id, body string) jfSource {
	j.t.Helper()
	_, b := j.do("POST", "/Items/"+id+"/PlaybackInfo", body, http.StatusOK)
	var res struct {
		MediaSources  []jfSource
		PlaySessionId string
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.MediaSources) != 1 || len(res.PlaySessionId) != 32 {
		j.t.Fatalf("PlaybackInfo: %v %s", err, b)
	}
	return res.MediaSources[0]
}

// TestJellyfinPlayback plays real media through the Jellyfin facade as its clients do: direct play
// of what the device takes, with ranges; HLS through TranscodingUrl with the token only in the
// URLs, decoded whole by ffmpeg; universal audio; subtitles; and nothing for who may not see it.
func TestJellyfinPlayback(t *testing.T) {
	ff := ffmpegtest.RequireFFmpeg(t)
	probe := ffmpegtest.RequireFFprobe(t)
	movies, music := t.TempDir(), t.TempDir()
	heat := filepath.Join(movies, "Heat (1995)", "Heat (1995).mp4")
	ronin := filepath.Join(movies, "Ronin (1998)", "Ronin (1998).mkv")
	song := filepath.Join(music, "Walros", "Tests", "01 - Tone.mp3")
	if err := testmedia.GenerateAll(context.Background(), ff, []testmedia.Spec{
		{Path: heat, Duration: 6 * time.Second, Width: 320, Height: 180, VideoCodec: "h264", AudioCodec: "aac"},
		{Path: ronin, Duration: 8 * time.Second, Width: 320, Height: 180, VideoCodec: "hevc", AudioCodec: "aac"},
		{Path: song, Duration: 5 * time.Second, AudioCodec: "mp3", Title: "Tone",
			Tags: map[string]string{"artist": "Walros", "album": "Tests", "track": "1"}},
	}, 0); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(movies, "Heat (1995)", "Heat (1995).en.srt"),
		[]byte("1\n00:00:01,000 --> 00:00:03,000\nThe <i>first</i> line\n\n2\n00:00:04,000 --> 00:00:05,500\nThe last line\n"))

	cfg := testConfig(t)
	cfg.Demo, cfg.Admin.Password, cfg.FFmpeg, cfg.FFprobe = false, "correct-horse", ff.Bin, probe.Bin
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.libraries.Create(ctx, operator, core.NewLibrary{Name: "Movies", Type: core.LibraryMovies, Paths: []string{movies}}); err != nil {
		t.Fatal(err)
	}
	musicLib, err := a.libraries.Create(ctx, operator, core.NewLibrary{Name: "Music", Type: core.LibraryMusic, Paths: []string{music}})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, func(a, _ string) { addrc <- a }) }()
	base := "http://" + <-addrc

	// Item ids, once the scan is done, through the native API.
	var tok struct{ AccessToken string }
	post(t, base+"/api/v1/auth/login", `{"username":"admin","password":"correct-horse"}`, "", http.StatusOK, &tok)
	post(t, base+"/api/v1/users", `{"username":"bob","password":"bob-password","allLibraries":false,"libraryIds":["`+string(musicLib.ID)+`"]}`,
		tok.AccessToken, http.StatusCreated, nil)
	ids := map[string]string{}
	for deadline := time.Now().Add(60 * time.Second); len(ids) < 3; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("scanned: %v", ids)
		}
		var page struct{ Items []struct{ ID, Title string } }
		get(t, base+"/api/v1/items?type=movie,track", tok.AccessToken, http.StatusOK, &page)
		for _, it := range page.Items {
			ids[it.Title] = strings.ReplaceAll(it.ID, "-", "")
		}
	}

	admin := jfLogin(t, base, "admin", "correct-horse")
	anon := jfClient{t: t, base: base}
	profile := `{"UserId":"x","IsPlayback":true,"AutoOpenLiveStream":true,"MaxStreamingBitrate":120000000,"SubtitleStreamIndex":2,"DeviceProfile":` + jfBrowserProfile + `}`

	// Direct play: the mp4 as it is, with ranges, the key in the URL as jellyfin-web puts it.
	src := admin.playbackInfo(ids["Heat"], profile)
	if !src.SupportsDirectPlay || src.TranscodingUrl != "" {
		t.Fatalf("Heat: %+v", src)
	}
	file, err := os.ReadFile(heat)
	if err != nil {
		t.Fatal(err)
	}
	streamURL := "/Videos/" + ids["Heat"] + "/stream.mp4?Static=true&mediaSourceId=" + src.Id + "&Tag=" + src.ETag + "&ApiKey=" + admin.token
	res, part := anon.do("GET", streamURL, "", http.StatusPartialContent, "Range", "bytes=100-1099")
	if !bytes.Equal(part, file[100:1100]) || res.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("range of the file: %d bytes, %v", len(part), res.Header)
	}
	if _, whole := anon.do("GET", streamURL, "", http.StatusOK); !bytes.Equal(whole, file) {
		t.Fatal("the stream is not the file")
	}
	// Its subtitle, where PlaybackInfo says.
	var subURL string
	for _, s := range src.MediaStreams {
		if s.Type == "Subtitle" && s.Index == 2 {
			subURL = s.DeliveryUrl
		}
	}
	if _, vtt := anon.do("GET", subURL, "", http.StatusOK); !strings.HasPrefix(string(vtt), "WEBVTT") ||
		!strings.Contains(string(vtt), "00:00:04.000 --> 00:00:05.500") {
		t.Fatalf("subtitle at %q: %s", subURL, vtt)
	}

	// HEVC in mkv: HLS, H.264 encoded, fetched with the token in the URLs only.
	src = admin.playbackInfo(ids["Ronin"], profile)
	if src.SupportsDirectPlay || src.TranscodingSubProtocol != "hls" ||
		!strings.HasPrefix(src.TranscodingUrl, "/videos/"+ids["Ronin"]+"/master.m3u8?") ||
		!strings.Contains(src.TranscodingUrl, "TranscodeReasons=ContainerNotSupported,VideoCodecNotSupported") {
		t.Fatalf("Ronin: %+v", src)
	}
	_, master := anon.do("GET", src.TranscodingUrl, "", http.StatusOK)
	variant := regexp.MustCompile(`(?m)^main\.m3u8\?\S+$`).FindString(string(master))
	if variant == "" || !strings.Contains(variant, "ApiKey=") {
		t.Fatalf("master playlist:\n%s", master)
	}
	_, media := anon.do("GET", "/videos/"+ids["Ronin"]+"/"+variant, "", http.StatusOK)
	segs := regexp.MustCompile(`(?m)^hls1/[^/]+/\d+\.ts\?\S+$`).FindAllString(string(media), -1)
	if len(segs) < 2 || !strings.Contains(string(media), "#EXT-X-ENDLIST") {
		t.Fatalf("media playlist:\n%s", media)
	}
	for _, s := range segs {
		if res, b := anon.do("GET", "/videos/"+ids["Ronin"]+"/"+s, "", http.StatusOK); res.Header.Get("Content-Type") != "video/mp2t" || len(b) == 0 {
			t.Fatalf("segment %s: %v", s, res.Header)
		}
	}
	decode := func(args ...string) int {
		t.Helper()
		var out bytes.Buffer
		full := append([]string{"-xerror", "-v", "error"}, args...)
		if err := ff.Run(context.Background(), append(full, "-f", "framecrc", "-"), &out); err != nil {
			t.Fatalf("ffmpeg %v: %v %s", args, err, stderrOf(err))
		}
		return strings.Count(out.String(), "\n0, ")
	}
	if n := decode("-i", base+src.TranscodingUrl, "-map", "0:v:0"); n != 8*24 {
		t.Fatalf("HLS (MPEG-TS): %d video frames, want %d", n, 8*24)
	}
	// The same as fMP4 segments: the audio is a rendition of its own, the init segment is -1.mp4.
	fmp4 := strings.Replace(src.TranscodingUrl, "SegmentContainer=ts", "SegmentContainer=mp4", 1)
	_, master = anon.do("GET", fmp4, "", http.StatusOK)
	if !strings.Contains(string(master), "TYPE=AUDIO") || !strings.Contains(string(master), "&Rendition=a") {
		t.Fatalf("fMP4 master playlist:\n%s", master)
	}
	_, media = anon.do("GET", "/videos/"+ids["Ronin"]+"/"+regexp.MustCompile(`(?m)^main\.m3u8\?\S+$`).FindString(string(master)), "", http.StatusOK)
	if !regexp.MustCompile(`#EXT-X-MAP:URI="hls1/[^/]+/-1\.mp4\?`).Match(media) {
		t.Fatalf("fMP4 media playlist:\n%s", media)
	}
	if n := decode("-i", base+fmp4, "-map", "0:v:0", "-map", "0:a:0"); n != 8*24 {
		t.Fatalf("HLS (fMP4): %d video frames, want %d", n, 8*24)
	}
	// A playlist asked for with the device token in its URL hands out a media token, never the
	// device token, in the URIs it lists.
	withDevice := regexp.MustCompile(`ApiKey=[^&]+`).ReplaceAllString(src.TranscodingUrl, "api_key="+admin.token)
	_, master = anon.do("GET", withDevice, "", http.StatusOK)
	if strings.Contains(string(master), admin.token) || !strings.Contains(string(master), "ApiKey=") {
		t.Fatalf("the device token leaked into the playlist's URIs:\n%s", master)
	}
	anon.do("GET", "/videos/"+ids["Ronin"]+"/"+strings.Replace(segs[0], "/0.ts", "/999.ts", 1), "", http.StatusNotFound)
	anon.do("GET", "/videos/"+ids["Ronin"]+"/hls1/v-h264-9999x180-400k/0.mp4?mediaSourceId="+src.Id+"&ApiKey="+admin.token, "", http.StatusBadRequest)
	admin.do("DELETE", "/Videos/ActiveEncodings?deviceId=jf-test-1&playSessionId=x", "", http.StatusNoContent)

	// Music through /Audio/{id}/universal: the file when its container is listed, else HLS.
	song1, err := os.ReadFile(song)
	if err != nil {
		t.Fatal(err)
	}
	universal := "/Audio/" + ids["Tone"] + "/universal?UserId=x&DeviceId=d&MaxStreamingBitrate=140000000&ApiKey=" + admin.token
	res, part = anon.do("GET", universal+"&Container=opus,mp3|mp3,aac", "", http.StatusPartialContent, "Range", "bytes=10-")
	if !bytes.Equal(part, song1[10:]) || res.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("universal direct: %d bytes, %v", len(part), res.Header)
	}
	hlsAudio := universal + "&Container=opus&TranscodingContainer=ts&TranscodingProtocol=hls&AudioCodec=aac"
	if _, m := anon.do("GET", hlsAudio, "", http.StatusOK); !strings.Contains(string(m), "main.m3u8?") {
		t.Fatalf("universal HLS:\n%s", m)
	}
	var out bytes.Buffer
	if err := probe.Run(context.Background(), []string{"-v", "error", "-f", "hls", "-i", base + hlsAudio, "-show_entries", "format=duration", "-of", "csv=p=0"}, &out); err != nil {
		t.Fatalf("ffprobe universal HLS: %v %s", err, stderrOf(err))
	}
	wav := filepath.Join(t.TempDir(), "tone.wav")
	if err := ff.Run(context.Background(), []string{"-v", "error", "-xerror", "-f", "hls", "-i", base + hlsAudio, wav}, nil); err != nil {
		t.Fatalf("decode universal HLS: %v %s", err, stderrOf(err))
	}
	if fi, err := os.Stat(wav); err != nil || fi.Size() < 4*44100*2*2 {
		t.Fatalf("universal HLS decoded to %v, %v", fi, err)
	}
	// Progressive, for players that want one stream.
	if res, b := anon.do("GET", universal+"&Container=opus&TranscodingContainer=aac&TranscodingProtocol=http", "", http.StatusOK); res.Header.Get("Content-Type") != "audio/aac" || len(b) < 1000 {
		t.Fatalf("universal progressive: %v, %d bytes", res.Header, len(b))
	}

	// Bob sees only the music: the movies do not exist for him, whatever the route. Without a
	// token, nothing plays.
	bob := jfLogin(t, base, "bob", "bob-password")
	bob.do("POST", "/Items/"+ids["Heat"]+"/PlaybackInfo", profile, http.StatusNotFound)
	bob.playbackInfo(ids["Tone"], `{}`)
	for _, p := range []string{
		"/Videos/" + ids["Heat"] + "/stream?static=true",
		"/Videos/" + ids["Ronin"] + "/master.m3u8?MediaSourceId=" + src.Id,
		subURL[:strings.Index(subURL, "?")],
	} {
		bob.do("GET", p, "", http.StatusNotFound)
		anon.do("GET", p, "", http.StatusUnauthorized)
	}
	anon.do("POST", "/Items/"+ids["Heat"]+"/PlaybackInfo", profile, http.StatusUnauthorized)

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
