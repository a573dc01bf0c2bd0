package plex

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/hls"
)

// fakeStreams stands in for the HLS engine: its playlists name what they were asked for, and its
// segments are a small file. The engine itself is tested in transcoder/hls; real media through
// this facade in e2e (TestPlexAPI).
type fakeStreams struct{ dir string }

func (fakeStreams) Timeline(context.Context, hls.Source) (hls.Timeline, error) {
	return hls.Timeline{}, nil
}
func (fakeStreams) Check(hls.Source, hls.Timeline, hls.Spec) error { return nil }
func (fakeStreams) Master(_ context.Context, _ hls.Source, videos []hls.Spec, audios []hls.AudioTrack, _ []hls.SubtitleTrack, uri func(hls.Spec) string) ([]byte, error) {
	out := "#EXTM3U\n"
	for _, v := range videos {
		out += "#" + v.ID() + "\n" + uri(v) + "\n"
	}
	for _, a := range audios {
		out += "#" + a.Spec.ID() + "\n" + uri(a.Spec) + "\n"
	}
	return []byte(out), nil
}
func (fakeStreams) MediaPlaylist(_ context.Context, _ hls.Source, spec hls.Spec, uri func(string) string) ([]byte, error) {
	return []byte("#EXTM3U\n" + uri("0.ts") + "\n" + uri("12.ts") + "\n"), nil
}
func (f fakeStreams) Init(context.Context, hls.Source, hls.Spec, string) (*os.File, fs.FileInfo, error) {
	return f.open()
}
func (f fakeStreams) Segment(_ context.Context, _ hls.Source, _ hls.Spec, n int, _ string) (*os.File, fs.FileInfo, error) {
	return f.open()
}
func (f fakeStreams) open() (*os.File, fs.FileInfo, error) {
	file, err := os.Open(filepath.Join(f.dir, "seg"))
	if err != nil {
		return nil, nil, err
	}
	fi, err := file.Stat()
	return file, fi, err
}

func TestUniversalTranscode(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "seg"), []byte("segment bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.h.Streams = fakeStreams{dir}
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	heat := e.item(core.KindMovie, "Heat")
	start := "/video/:/transcode/universal/start.m3u8?path=%2Flibrary%2Fmetadata%2F" + strconv.FormatInt(heat.Key, 10) +
		"&mediaIndex=0&partIndex=0&protocol=hls&session=abc"

	master := e.want(http.StatusOK, e.get(start+"&directStream=0&videoResolution=1280x720&maxVideoBitrate=3000", e.admin))
	if ct := master.Header().Get("Content-Type"); ct != "application/vnd.apple.mpegurl" {
		t.Errorf("Content-Type %q", ct)
	}
	// One video variant, encoded to H.264 within 1280x720 (TS with its audio), at a relative
	// session URI that carries the session's secret, not the caller's token.
	m := regexp.MustCompile(`#(\S+)\n(session/abc/base/index\.m3u8\?k=(\S+))\n`).FindStringSubmatch(master.Body.String())
	if m == nil {
		t.Fatalf("master:\n%s", master.Body)
	}
	spec, err := hls.ParseID(m[1])
	if err != nil || spec.Copy || spec.Width > 1280 || spec.Height > 720 || !spec.TS || spec.Bitrate > 3_000_000 {
		t.Fatalf("rendition %s (%+v, %v)", m[1], spec, err)
	}
	tok, _ := url.QueryUnescape(m[3])
	if tok == e.admin || strings.Contains(master.Body.String(), e.admin) {
		t.Error("the device token is copied into the playlist URI")
	}
	base := "/video/:/transcode/universal/"
	media := e.want(http.StatusOK, e.get(base+m[2], ""))
	if !strings.Contains(media.Body.String(), "00000.ts?k="+tok) || !strings.Contains(media.Body.String(), "00012.ts?k="+tok) {
		t.Errorf("media playlist:\n%s", media.Body)
	}
	seg := e.want(http.StatusOK, e.get(base+"session/abc/base/00012.ts?k="+url.QueryEscape(tok), ""))
	if seg.Body.String() != "segment bytes" || seg.Header().Get("Content-Type") != "video/mp2t" {
		t.Errorf("segment %q %q", seg.Body, seg.Header().Get("Content-Type"))
	}
	// directStream=1 copies the H.264 video when it fits.
	copied := e.want(http.StatusOK, e.get(strings.Replace(start, "session=abc", "session=def", 1)+"&directStream=1", e.admin)).Body.String()
	if !strings.Contains(copied, "-copy-") {
		t.Errorf("directStream=1 did not copy:\n%s", copied)
	}

	// The owner's own token works too (clients that build the URL themselves).
	e.want(http.StatusOK, e.get(base+"session/abc/base/00000.ts", e.admin))
	// Session routes: no secret, a wrong one, another user's token, an unknown session.
	other := e.addUser("bob")
	for _, tc := range []struct {
		path string
		code int
	}{
		{base + "session/abc/base/index.m3u8", http.StatusUnauthorized},
		{base + "session/abc/base/index.m3u8?k=wrong", http.StatusUnauthorized},
		{base + "session/abc/base/00000.ts?X-Plex-Token=" + url.QueryEscape(other), http.StatusNotFound},
		{base + "session/def/base/00000.ts?k=" + url.QueryEscape(tok), http.StatusUnauthorized}, // another session's secret
		{base + "session/nope/base/index.m3u8?k=" + url.QueryEscape(tok), http.StatusNotFound},
		{base + "session/abc/base/00000.m4s?k=" + url.QueryEscape(tok), http.StatusNotFound},
		{base + "session/abc/base/x.ts?k=" + url.QueryEscape(tok), http.StatusNotFound},
	} {
		if rec := e.get(tc.path, ""); rec.Code != tc.code {
			t.Errorf("GET %s: %d, want %d", tc.path, rec.Code, tc.code)
		}
	}
	// Another user naming the same session gets a session of their own.
	theirs := e.want(http.StatusOK, e.get(start, other)).Body.String()
	if strings.Contains(theirs, "session/abc/") {
		t.Errorf("bob took over alice's session id:\n%s", theirs)
	}
	// Bad requests, and an item of a library the user may not see.
	limited := e.addUser("carol", movies.ID)
	dark := e.item(core.KindEpisode, "Episode 1")
	for _, tc := range []struct {
		path, token string
		code        int
	}{
		{strings.Replace(start, "protocol=hls", "protocol=dash", 1), e.admin, http.StatusBadRequest},
		{start + "&videoResolution=big", e.admin, http.StatusBadRequest},
		{start + "&maxVideoBitrate=-3", e.admin, http.StatusBadRequest},
		{base + "start.m3u8?path=nope", e.admin, http.StatusBadRequest},
		{strings.Replace(start, "mediaIndex=0", "mediaIndex=3", 1), e.admin, http.StatusNotFound},
		{base + "start.m3u8?path=/library/metadata/" + strconv.FormatInt(dark.Key, 10), limited, http.StatusNotFound},
		{start, "", http.StatusUnauthorized},
	} {
		if rec := e.get(tc.path, tc.token); rec.Code != tc.code {
			t.Errorf("GET %s: %d, want %d", tc.path, rec.Code, tc.code)
		}
	}

	// The decision, as plexjs and Plezy read it.
	mc := e.getJSON(base+"decision?path=/library/metadata/"+strconv.FormatInt(heat.Key, 10)+"&directStream=0", e.admin)
	md := mc["Metadata"].([]any)[0].(map[string]any)
	mediaNode := md["Media"].([]any)[0].(map[string]any)
	if mc["generalDecisionCode"] != float64(1001) || mediaNode["container"] != "mpegts" || mediaNode["protocol"] != "hls" || mediaNode["videoCodec"] != "h264" {
		t.Errorf("decision %v", mc)
	}

	// stop ends the session; ping then says it is gone.
	e.want(http.StatusOK, e.get(base+"ping?session=abc", e.admin))
	e.want(http.StatusOK, e.get(base+"stop?session=abc", e.admin))
	e.want(http.StatusNotFound, e.get(base+"ping?session=abc", e.admin))
	e.want(http.StatusNotFound, e.get(base+"session/abc/base/index.m3u8?k="+url.QueryEscape(tok), ""))

	// An API key's session carries no key in its URLs; a user who loses the grant loses the stream.
	_, key, err := e.auth.CreateAPIKey(e.ctx, e.operator, "tool")
	if err != nil {
		t.Fatal(err)
	}
	if body := e.want(http.StatusOK, e.get(start+"&session=keyed", key)).Body.String(); strings.Contains(body, key) {
		t.Errorf("the API key is in the playlist:\n%s", body)
	}
	carolTok := e.addUser("carol2", movies.ID)
	cm := regexp.MustCompile(`(session/\S+)\n`).FindStringSubmatch(e.want(http.StatusOK, e.get(start+"&session=carols", carolTok)).Body.String())
	e.want(http.StatusOK, e.get(base+cm[1], ""))
	carol, _ := e.stores.Users.UserByName(e.ctx, "carol2")
	if _, err := e.users.Update(e.ctx, e.operator, carol.ID, core.UserPatch{AllLibraries: new(false), LibraryIDs: &[]core.LibraryID{}}); err != nil {
		t.Fatal(err)
	}
	e.want(http.StatusNotFound, e.get(base+cm[1], ""))
}
