package testmedia

import (
	"path/filepath"
	"time"
)

// Library returns a small library of every kind Walros identifies, under root/movies, root/shows
// and root/music: a movie with an extra, two versions of one movie, a scene-named movie, a show
// with specials and a multi-episode file, an anime numbered absolutely, and two tagged tracks.
// The scanner's tests and the end-to-end tests share it.
func Library(root string) []Spec {
	video := func(path string) Spec {
		return Spec{Path: path, Duration: time.Second, VideoCodec: "h264", AudioCodec: "aac"}
	}
	m := func(p string) string { return filepath.Join(root, "movies", p) }
	s := func(p string) string { return filepath.Join(root, "shows", p) }
	u := func(p string) string { return filepath.Join(root, "music", p) }
	song := func(path, title, track string) Spec {
		return Spec{Path: path, Duration: time.Second, AudioCodec: "mp3",
			Tags: map[string]string{"artist": "The Testers", "album": "Signals", "title": title, "track": track, "date": "2021"}}
	}
	return []Spec{
		video(m("Heat (1995)/Heat (1995).mkv")),
		video(m("Heat (1995)/Trailers/Heat Trailer.mkv")),
		video(m("Blade Runner (1982)/Blade Runner (1982) - 1080p.mkv")),
		video(m("Blade Runner (1982)/Blade Runner (1982) - 2160p.mkv")),
		video(m("The.Matrix.1999.1080p.BluRay.x264-GRP.mp4")),
		video(s("Dark (2017)/Season 01/Dark - S01E01 - Secrets.mkv")),
		video(s("Dark (2017)/Season 01/Dark - S01E02E03.mkv")),
		video(s("Dark (2017)/Season 00/Dark - S00E01 - Making Of.mkv")),
		video(s("One Piece/[SubsPlease] One Piece - 1001 (1080p) [ABCD1234].mkv")),
		song(u("The Testers/Signals (2021)/01 - First.mp3"), "First", "1/2"),
		song(u("The Testers/Signals (2021)/02 - Second.mp3"), "Second", "2/2"),
	}
}
