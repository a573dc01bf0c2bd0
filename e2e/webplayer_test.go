package e2e

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/testmedia"
)

// Names of the show, artist and album writePlayerMedia makes, and of the movie writeBurnMovie makes.
const (
	playerShow   = "Player Show"
	playerArtist = "Player Artist"
	playerAlbum  = "Player Album"
	burnMovie    = "Burn Test"
)

// artistTracks are the titles of playerArtist's tracks in play order: playerAlbum (2019), then
// Player Later (2021), whose two tracks are disc 1 track 2 and disc 2 track 1.
var artistTracks = []string{"Track 1", "Track 2", "Track 3", "Later A", "Later B"}

// TestWebPlayer drives the player of Walros's own web client with webplayer.mjs: the movies of
// TestWebClient (mkv, so streamed with hls.js) played, sought through the seek bar and its
// thumbnail preview and with the keyboard, subtitles turned on through the menu, the audio
// switched to French, DASH chosen; two mp4 episodes played as they are, the first one switched
// to French (streamed then: the element cannot change track) and its end counting down to the
// second; a movie with a PGS subtitle that the user has burnt in (a white box in the frame) and
// turns off again; an album played as a queue in the music bar; and the artist's Play all,
// whose queue is the same after a reload of the page. Screenshots go to the artifacts
// directory (web-player-*.png).
func TestWebPlayer(t *testing.T) {
	ff, _, artifacts, work, movies := webSetup(t)
	writeBurnMovie(t, ff, movies)
	shows, music := writePlayerMedia(t, ff, work)
	srv := startServer(t, buildWalros(t, work), artifacts)
	srv.addLibrary(t, movies)
	srv.addLibraryOf(t, "Shows", "shows", shows)
	srv.addLibraryOf(t, "Music", "music", music)

	play(t, srv, artifacts, "webplayer", "webplayer.mjs", "--origin", srv.base,
		"--username", "admin", "--password", adminPassword,
		"--movie", bigTest, "--show", playerShow, "--album", playerAlbum, "--burn-movie", burnMovie,
		"--burn-box", fmt.Sprintf("%d,%d,%d,%d", burnBox.Min.X, burnBox.Min.Y, burnBox.Max.X, burnBox.Max.Y),
		"--artist", playerArtist, "--artist-tracks", strings.Join(artistTracks, "|"),
		"--shots", artifacts, "--timeout", "30")
}

// writePlayerMedia writes, under root, what the browser plays as it is:
//
//	Shows/Player Show/Season 01/Player Show S01E0N.mp4: two 8 s episodes, 320x180 H.264 and
//	two AAC tracks (eng, fre) in mp4 with the index first (faststart);
//	Music/Player Artist/Player Album/0N Track N.mp3: three 5 s tagged MP3 tracks of 2019 (long
//	enough for a click on the bar to land before a track ends by itself on a busy machine);
//	Music/Player Artist/Player Later/Later A.mp3, Later B.mp3: two 2 s tracks of 2021 on two discs.
//
// It returns the Shows and Music folders.
func writePlayerMedia(t *testing.T, ff ffmpeg.Runner, root string) (string, string) {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	season := filepath.Join(root, "Shows", playerShow, "Season 01")
	album := filepath.Join(root, "Music", playerArtist, playerAlbum)
	later := filepath.Join(root, "Music", playerArtist, "Player Later")
	for _, d := range []string{season, album, later} {
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
			"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=44100:duration=5", 200*i),
			"-c:a", "libmp3lame", "-b:a", "64k",
			"-metadata", fmt.Sprintf("title=Track %d", i), "-metadata", "artist="+playerArtist,
			"-metadata", "album="+playerAlbum, "-metadata", fmt.Sprintf("track=%d", i), "-metadata", "date=2019",
			filepath.Join(album, fmt.Sprintf("%02d Track %d.mp3", i, i)))
	}
	// Named so that the file names sort against the play order: B is disc 2, track 1.
	for i, tr := range []struct{ title, disc, track string }{{"Later B", "2", "1"}, {"Later A", "1", "2"}} {
		run(ctx, t, ff, "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=44100:duration=2", 900+100*i),
			"-c:a", "libmp3lame", "-b:a", "64k",
			"-metadata", "title="+tr.title, "-metadata", "artist="+playerArtist, "-metadata", "album=Player Later",
			"-metadata", "disc="+tr.disc, "-metadata", "track="+tr.track, "-metadata", "date=2021",
			filepath.Join(later, tr.title+".mp3"))
	}
	t.Logf("generated the episodes and the album in %s", time.Since(start).Round(time.Millisecond))
	return filepath.Join(root, "Shows"), filepath.Join(root, "Music")
}

// burnBox is where writeBurnMovie's subtitle draws its white box on the 320x180 picture (the
// middle quarter); webplayer.mjs samples the middle of it.
var burnBox = image.Rect(80, 45, 240, 135)

// writeBurnMovie writes Movies/Burn Test (2022)/Burn Test (2022).mkv under movies: 20 s of a
// flat dark blue 320x180 H.264 picture (luma about 62), AAC, and an English PGS subtitle whose
// white box (burnBox) shows every second from k+0.5 s to k+1.45 s: drawn into the video, it
// makes the middle of the frame bright, which a canvas sample of the <video> tells without any
// OCR. One cue a second, as real subtitles come: an encoder run starting at a segment after a
// cue began does not draw that cue.
func writeBurnMovie(t *testing.T, ff ffmpeg.Runner, movies string) {
	t.Helper()
	start := time.Now()
	dir := filepath.Join(movies, burnMovie+" (2022)")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sup := filepath.Join(t.TempDir(), "box.sup")
	var cues []testmedia.Cue
	for k := range 19 {
		at := time.Duration(k)*time.Second + 500*time.Millisecond
		cues = append(cues, testmedia.Cue{Start: at, End: at + 950*time.Millisecond})
	}
	if err := os.WriteFile(sup, testmedia.PGS(320, 180, burnBox, cues...), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run(ctx, t, ff, "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "color=c=0x204080:size=320x180:rate=24:duration=20",
		"-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration=20",
		"-i", sup,
		"-map", "0:v", "-map", "1:a", "-map", "2:s",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "48",
		"-c:a", "aac", "-b:a", "64k", "-ac", "2", "-c:s", "copy",
		"-metadata:s:s:0", "language=eng",
		filepath.Join(dir, burnMovie+" (2022).mkv"))
	t.Logf("generated the burn-in movie in %s", time.Since(start).Round(time.Millisecond))
}
