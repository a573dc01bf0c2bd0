package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
)

// Names of the show and album writePlayerMedia makes.
const (
	playerShow  = "Player Show"
	playerAlbum = "Player Album"
)

// TestWebPlayer drives the player of Walros's own web client with webplayer.mjs: the movies of
// TestWebClient (mkv, so streamed with hls.js) played, sought through the seek bar and its
// thumbnail preview and with the keyboard, subtitles turned on through the menu, the audio
// switched to French, DASH chosen; two mp4 episodes played as they are, the first one switched
// to French (streamed then: the element cannot change track) and its end counting down to the
// second; and an album played as a queue in the music bar. Screenshots go
// to the artifacts directory (web-player-*.png).
func TestWebPlayer(t *testing.T) {
	requireTools(t, true, "playwright-core") // the client brings its own hls.js and dash.js
	requireWebBuild(t)
	ff := ffmpegtest.RequireFFmpeg(t)
	ffmpegtest.RequireFFprobe(t)
	artifacts := artifactsDir(t)
	work := t.TempDir()
	movies := writeMovies(t, ff, work)
	shows, music := writePlayerMedia(t, ff, work)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	srv.addLibraryOf(t, "Shows", "shows", shows)
	srv.addLibraryOf(t, "Music", "music", music)

	play(t, srv, artifacts, "webplayer", "webplayer.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword,
		"--movie", bigTest, "--show", playerShow, "--album", playerAlbum,
		"--shots", artifacts, "--timeout", "30")
}

// writePlayerMedia writes, under root, what the browser plays as it is:
//
//	Shows/Player Show/Season 01/Player Show S01E0N.mp4: two 8 s episodes, 320x180 H.264 and
//	two AAC tracks (eng, fre) in mp4 with the index first (faststart);
//	Music/Player Artist/Player Album/0N Track N.mp3: three 3 s tagged MP3 tracks.
//
// It returns the Shows and Music folders.
func writePlayerMedia(t *testing.T, ff ffmpeg.Runner, root string) (string, string) {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	season := filepath.Join(root, "Shows", playerShow, "Season 01")
	album := filepath.Join(root, "Music", "Player Artist", playerAlbum)
	for _, d := range []string{season, album} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 2; i++ {
		run(ctx, t, ff, "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=8",
			"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=48000:duration=8", 300*i),
			"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=48000:duration=8", 600*i),
			"-map", "0:v", "-map", "1:a", "-map", "2:a",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "48",
			"-c:a", "aac", "-b:a", "64k", "-ac", "2", "-movflags", "+faststart",
			"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fre",
			filepath.Join(season, fmt.Sprintf("%s S01E%02d.mp4", playerShow, i)))
	}
	for i := 1; i <= 3; i++ {
		run(ctx, t, ff, "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=44100:duration=3", 200*i),
			"-c:a", "libmp3lame", "-b:a", "64k",
			"-metadata", fmt.Sprintf("title=Track %d", i), "-metadata", "artist=Player Artist",
			"-metadata", "album="+playerAlbum, "-metadata", fmt.Sprintf("track=%d", i),
			filepath.Join(album, fmt.Sprintf("%02d Track %d.mp3", i, i)))
	}
	t.Logf("generated the episodes and the album in %s", time.Since(start).Round(time.Millisecond))
	return filepath.Join(root, "Shows"), filepath.Join(root, "Music")
}
