package plex

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestSubtitleStreams(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies)
	dir := filepath.Join(movies.Paths[0], "Heat (1995)")
	const srt = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"Heat (1995).mkv": "not really media", "Heat (1995).en.srt": srt} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.scanner.Scan(e.ctx, movies, 0, nil); err != nil {
		t.Fatal(err)
	}
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	heat := e.item(core.KindMovie, "Heat")
	m := e.getJSON("/library/metadata/"+strconv.FormatInt(heat.Key, 10), e.admin)["Metadata"].([]any)[0].(map[string]any)
	var key string
	for _, s := range m["Media"].([]any)[0].(map[string]any)["Part"].([]any)[0].(map[string]any)["Stream"].([]any) {
		s := s.(map[string]any)
		if s["streamType"] == float64(3) {
			key, _ = s["key"].(string)
			if s["format"] != "srt" || s["languageCode"] == nil {
				t.Errorf("subtitle stream %v", s)
			}
		}
	}
	if !strings.HasPrefix(key, "/library/streams/") {
		t.Fatalf("no sidecar subtitle key in %v", m)
	}
	rec := e.want(http.StatusOK, e.get(key, e.admin))
	if rec.Body.String() != srt || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/x-subrip") {
		t.Errorf("srt %q %q", rec.Body, rec.Header().Get("Content-Type"))
	}
	rec = e.want(http.StatusOK, e.get(key+"?format=vtt", e.admin))
	if !strings.HasPrefix(rec.Body.String(), "WEBVTT") || !strings.Contains(rec.Body.String(), "Hello") {
		t.Errorf("vtt %q", rec.Body)
	}
	ann := e.addUser("ann", shows.ID)
	e.want(http.StatusNotFound, e.get(key, ann))
	id, _ := strconv.ParseInt(strings.TrimPrefix(key, "/library/streams/"), 10, 64)
	for _, bad := range []string{"/library/streams/abc", "/library/streams/5", "/library/streams/" + strconv.FormatInt(id/1000*1000, 10),
		"/library/streams/" + strconv.FormatInt(id/1000*1000+999, 10)} {
		e.want(http.StatusNotFound, e.get(bad, e.admin)) // the video stream, a position past the end
	}
}
