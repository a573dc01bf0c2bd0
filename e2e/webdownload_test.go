package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/probe"
)

// TestWebDownload drives the web client's downloads with webdownload.mjs: a movie's original
// file (its name and size must be the server's), the same movie as an MP4 at 240p (ffprobe must
// read an H.264 video 240 pixels high, and ffmpeg decode it whole), and a season's two episodes
// with Download all, with the progress the page shows recorded. Screenshots are kept as
// web-download-*.png, the files the browser saved in the artifacts' downloads folder.
func TestWebDownload(t *testing.T) {
	ff, ffprobe, artifacts, work, movies := webSetup(t)
	movie := filepath.Join(movies, "Big Test (2020)", "Big Test (2020).mkv")
	shows := writeShow(t, ff, work, movie)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibraryOf(t, "Movies", "movies", movies)
	srv.addLibraryOf(t, "Shows", "shows", shows)

	fi, err := os.Stat(movie)
	if err != nil {
		t.Fatal(err)
	}
	var seasons struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	srv.call(t, http.MethodGet, "/api/v1/items?type=season", nil, http.StatusOK, &seasons)
	if len(seasons.Items) != 1 {
		t.Fatalf("seasons after the scan: %+v", seasons)
	}
	season := filepath.Join(shows, "Test Show", "Season 01")
	names := []string{"Test Show S01E01.mkv", "Test Show S01E02.mkv"}
	var sizes []string
	for _, n := range names {
		st, err := os.Stat(filepath.Join(season, n))
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, strconv.FormatInt(st.Size(), 10))
	}
	// A user whose downloads are off (the admin's "Allow downloads" unticked).
	srv.call(t, http.MethodPost, "/api/v1/users", map[string]any{"username": "nod", "password": "nod-password-1",
		"allowDownloads": false}, http.StatusCreated, nil)
	out := filepath.Join(artifacts, "downloads")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}

	play(t, srv, artifacts, "webdownload", "webdownload.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword,
		"--movie", srv.movie(t, bigTest).ID, "--movie-name", filepath.Base(movie), "--movie-size", strconv.FormatInt(fi.Size(), 10),
		"--quality", "240p", "--season", seasons.Items[0].ID, "--season-names", strings.Join(names, ","),
		"--season-sizes", strings.Join(sizes, ","), "--no-downloads-user", "nod", "--no-downloads-password", "nod-password-1", "--out", out, "--shots", artifacts, "--timeout", "60")

	// The transcoded download is a real 240p H.264 MP4 of the whole movie.
	mp4 := filepath.Join(out, "transcode.mp4")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := probe.New(ffprobe, probe.Options{}).Probe(ctx, mp4)
	if err != nil {
		t.Fatalf("ffprobe %s: %v", mp4, err)
	}
	var video *core.Stream
	for i, s := range info.Streams {
		if s.Kind == core.StreamVideo {
			video = &info.Streams[i]
		}
	}
	if video == nil || video.Codec != "h264" || video.Height != 240 {
		t.Fatalf("the 240p download probes as %+v", info.Streams)
	}
	if d := info.Duration; d < (movieSeconds-1)*time.Second || d > (movieSeconds+1)*time.Second {
		t.Fatalf("the 240p download lasts %v, want about %ds", d, movieSeconds)
	}
	if err := ff.Run(ctx, []string{"-xerror", "-i", mp4, "-f", "null", "-"}, nil); err != nil {
		t.Fatalf("decoding the 240p download: %v", err)
	}
}
