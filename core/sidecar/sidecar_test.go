package sidecar_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/sidecar"
)

// img builds the expected image of name in dir.
func img(kind core.ImageKind, dir, name string) core.Image {
	return core.Image{Kind: kind, Path: filepath.Join(dir, name)}
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestForMediaJellyfinMovieFolder(t *testing.T) {
	dir := filepath.FromSlash("/media/Movies/Heat (1995)")
	siblings := []string{
		"Heat (1995).mkv", "Heat (1995).nfo", "movie.nfo", "poster.jpg", "fanart.jpg", "backdrop1.jpg",
		"logo.png", "clearart.png", "banner.jpg", "landscape.jpg", "disc.png",
		"Heat (1995).en.srt", "Heat (1995).eng.forced.srt", "Heat (1995).English.SDH.srt", "Heat (1995).fr.srt",
		"Heat (1995).de.default.ass", "Heat (1995).pt-BR.srt", "Heat (1995).en.commentary.srt",
		"Heat (1995).es.idx", "Heat (1995).es.sub", "Heat (1995).sub", "Heat (1995).sup",
		"Heat (1995)-trailer.mkv", "Heat (1995)-trailer.en.srt", "Heat (1995).en.mka",
		"._Heat (1995).en.srt", "notes.txt", "Heat (1995).en.srt", // listed twice: a caller's merge
	}
	sub := func(name, format, lang, title string, forced, def, hi bool) sidecar.Subtitle {
		return sidecar.Subtitle{Path: filepath.Join(dir, name), Format: format, Language: lang, Title: title,
			Forced: forced, Default: def, HearingImpaired: hi}
	}
	wantSubs := []sidecar.Subtitle{ // by path, byte order
		sub("Heat (1995).English.SDH.srt", "srt", "eng", "", false, false, true),
		sub("Heat (1995).de.default.ass", "ass", "ger", "", false, true, false),
		sub("Heat (1995).en.commentary.srt", "srt", "eng", "commentary", false, false, false),
		sub("Heat (1995).en.srt", "srt", "eng", "", false, false, false),
		sub("Heat (1995).eng.forced.srt", "srt", "eng", "", true, false, false),
		sub("Heat (1995).es.idx", "sub", "spa", "", false, false, false),
		sub("Heat (1995).fr.srt", "srt", "fre", "", false, false, false),
		sub("Heat (1995).pt-BR.srt", "srt", "por", "Brazilian", false, false, false),
		sub("Heat (1995).sup", "sup", "", "", false, false, false),
	}
	media := filepath.Join(dir, "Heat (1995).mkv")

	got := sidecar.ForMedia(media, siblings, sidecar.Options{Role: sidecar.RoleMovie, OwnsFolder: true})
	check(t, "nfo", got.NFO, filepath.Join(dir, "Heat (1995).nfo")) // before movie.nfo
	check(t, "subtitles", got.Subtitles, wantSubs)
	check(t, "images", got.Images, []core.Image{
		img(core.ImagePrimary, dir, "poster.jpg"),
		img(core.ImageBackdrop, dir, "fanart.jpg"),
		img(core.ImageBackdrop, dir, "backdrop1.jpg"),
		img(core.ImageLogo, dir, "logo.png"),
		img(core.ImageBanner, dir, "banner.jpg"),
		img(core.ImageThumb, dir, "landscape.jpg"),
		img(core.ImageArt, dir, "clearart.png"),
		img(core.ImageDisc, dir, "disc.png"),
	})

	// Without its folder, the movie keeps only what carries its name.
	got = sidecar.ForMedia(media, siblings, sidecar.Options{Role: sidecar.RoleMovie})
	check(t, "per-file nfo", got.NFO, filepath.Join(dir, "Heat (1995).nfo"))
	check(t, "per-file subtitles", got.Subtitles, wantSubs)
	check(t, "per-file images", got.Images, []core.Image(nil))

	// The trailer's subtitles are its own, not the movie's.
	got = sidecar.ForMedia(filepath.Join(dir, "Heat (1995)-trailer.mkv"), siblings, sidecar.Options{})
	check(t, "trailer subtitles", got.Subtitles, []sidecar.Subtitle{sub("Heat (1995)-trailer.en.srt", "srt", "eng", "", false, false, false)})

	// movie.nfo stands in when the movie has no NFO of its own.
	got = sidecar.ForMedia(media, []string{"Heat (1995).mkv", "Movie.NFO"}, sidecar.Options{Role: sidecar.RoleMovie, OwnsFolder: true})
	check(t, "movie.nfo", got.NFO, filepath.Join(dir, "Movie.NFO"))
}

func TestForMediaKodiFlatFolder(t *testing.T) {
	// Two movies in one folder: movie.nfo and poster.jpg belong to neither, and the caller, which
	// knows there are two, does not set OwnsFolder.
	dir := filepath.FromSlash("/media/Movies")
	siblings := []string{
		"Alien (1979).mkv", "Alien (1979)-poster.jpg", "Alien (1979)-fanart.jpg", "Alien (1979)-clearlogo.png",
		"Alien (1979)-discart.png", "Alien (1979)-banner.jpg", "Alien (1979).nfo", "Alien (1979).tbn",
		"Alien (1979)-fanart2.jpg", "Alien (1979)-fanart-1.jpg", "Alien (1979)-trailer.jpg",
		"Aliens (1986).mkv", "Aliens (1986)-Poster.PNG", "Aliens (1986).EN.SRT",
		"movie.nfo", "poster.jpg", "fanart.jpg",
	}
	opts := sidecar.Options{Role: sidecar.RoleMovie}
	alien := sidecar.ForMedia(filepath.Join(dir, "Alien (1979).mkv"), siblings, opts)
	check(t, "alien", alien, sidecar.Sidecars{
		NFO: filepath.Join(dir, "Alien (1979).nfo"),
		Images: []core.Image{
			img(core.ImagePrimary, dir, "Alien (1979)-poster.jpg"),
			img(core.ImagePrimary, dir, "Alien (1979).tbn"), // Kodi's thumb, after the poster
			img(core.ImageBackdrop, dir, "Alien (1979)-fanart.jpg"),
			img(core.ImageBackdrop, dir, "Alien (1979)-fanart-1.jpg"),
			img(core.ImageBackdrop, dir, "Alien (1979)-fanart2.jpg"),
			img(core.ImageLogo, dir, "Alien (1979)-clearlogo.png"),
			img(core.ImageBanner, dir, "Alien (1979)-banner.jpg"),
			img(core.ImageDisc, dir, "Alien (1979)-discart.png"),
		},
	})
	aliens := sidecar.ForMedia(filepath.Join(dir, "Aliens (1986).mkv"), siblings, opts)
	check(t, "aliens", aliens, sidecar.Sidecars{
		Subtitles: []sidecar.Subtitle{{Path: filepath.Join(dir, "Aliens (1986).EN.SRT"), Format: "srt", Language: "eng"}},
		Images:    []core.Image{img(core.ImagePrimary, dir, "Aliens (1986)-Poster.PNG")},
	})
}

func TestForMediaOwnership(t *testing.T) {
	dir := "lib"
	for _, tc := range []struct {
		name, media string
		siblings    []string
		want        []string // subtitle and image file names
	}{
		{"longer basename wins", "Movie.mkv",
			[]string{"Movie.mkv", "Movie.Extended.mkv", "Movie.en.srt", "Movie.Extended.en.srt", "Movie.Extended-poster.jpg", "Movie-poster.jpg"},
			[]string{"Movie.en.srt", "Movie-poster.jpg"}},
		{"the longer one", "Movie.Extended.mkv",
			[]string{"Movie.mkv", "Movie.Extended.mkv", "Movie.en.srt", "Movie.Extended.en.srt", "Movie.Extended-poster.jpg"},
			[]string{"Movie.Extended.en.srt", "Movie.Extended-poster.jpg"}},
		{"case differs, no rival", "Movie.mkv", []string{"Movie.mkv", "MOVIE.EN.SRT", "movie-FANART.jpg"},
			[]string{"MOVIE.EN.SRT", "movie-FANART.jpg"}},
		{"case rival: exact case only", "movie.mkv", []string{"movie.mkv", "Movie.mkv", "movie.en.srt", "Movie.fr.srt"},
			[]string{"movie.en.srt"}},
		{"case rival, the other one", "Movie.mkv", []string{"movie.mkv", "Movie.mkv", "movie.en.srt", "Movie.fr.srt"},
			[]string{"Movie.fr.srt"}},
		{"same basename, two containers", "Movie.mp4", []string{"Movie.mkv", "Movie.mp4", "Movie.en.srt"},
			[]string{"Movie.en.srt"}},
		{"media files are never sidecars", "Movie.mkv",
			[]string{"Movie.mkv", "Movie.en.mka", "Movie.srt.mkv", "Movie-poster.mp4", "Movie.jpg.avi"}, nil},
		{"prefix without separator", "Movie.mkv", []string{"MovieX.srt", "Movie2-poster.jpg", "Movie_en.srt"}, nil},
		{"lone idx or sub", "Movie.mkv", []string{"Movie.idx", "Movie.en.sub", "Movie.fr.IDX", "Movie.fr.Sub"},
			[]string{"Movie.fr.IDX"}},
		{"unknown art suffix", "Movie.mkv", []string{"Movie-trailer.jpg", "Movie-poster2.jpg", "Movie-.jpg", "Movie.en.jpg"}, nil},
		{"no extension", "Movie", []string{"Movie", "Movie.srt", "Movie-poster.jpg"}, []string{"Movie.srt", "Movie-poster.jpg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sidecar.ForMedia(filepath.Join(dir, tc.media), tc.siblings, sidecar.Options{})
			var got []string
			for _, sub := range s.Subtitles {
				got = append(got, filepath.Base(sub.Path))
			}
			for _, im := range s.Images {
				got = append(got, filepath.Base(im.Path))
			}
			check(t, "sidecars", got, tc.want)
		})
	}
}

func TestEpisodes(t *testing.T) {
	dir := filepath.FromSlash("/media/Shows/Breaking Bad (2008)/Season 01")
	ep1, ep2 := "Breaking Bad - S01E01 - Pilot", "Breaking Bad - S01E02 - Cat's in the Bag"
	siblings := []string{
		ep1 + ".mkv", ep1 + "-thumb.jpg", ep1 + ".en.srt", ep1 + ".nfo",
		ep2 + ".mkv", ep2 + ".jpg", ep2 + ".es.forced.srt",
		"season.nfo", "folder.jpg", "fanart.jpg",
	}
	opts := sidecar.Options{Role: sidecar.RoleEpisode}
	check(t, "episode 1", sidecar.ForMedia(filepath.Join(dir, ep1+".mkv"), siblings, opts), sidecar.Sidecars{
		NFO:       filepath.Join(dir, ep1+".nfo"),
		Subtitles: []sidecar.Subtitle{{Path: filepath.Join(dir, ep1+".en.srt"), Format: "srt", Language: "eng"}},
		Images:    []core.Image{img(core.ImageThumb, dir, ep1+"-thumb.jpg")},
	})
	check(t, "episode 2", sidecar.ForMedia(filepath.Join(dir, ep2+".mkv"), siblings, opts), sidecar.Sidecars{
		Subtitles: []sidecar.Subtitle{{Path: filepath.Join(dir, ep2+".es.forced.srt"), Format: "srt", Language: "spa", Forced: true}},
		Images:    []core.Image{img(core.ImageThumb, dir, ep2+".jpg")}, // Plex's episode still
	})
	// An episode never owns the season folder's files, even when told it does.
	opts.OwnsFolder = true
	check(t, "owning episode", sidecar.ForMedia(filepath.Join(dir, ep2+".mkv"), siblings, opts).Images,
		[]core.Image{img(core.ImageThumb, dir, ep2+".jpg")})
	check(t, "episode folder", sidecar.ForFolder(dir, siblings, sidecar.RoleEpisode), []core.Image(nil))
	check(t, "episode nfo", sidecar.FolderNFO(dir, siblings, sidecar.RoleEpisode), "")
	check(t, "season folder", sidecar.ForFolder(dir, siblings, sidecar.RoleSeason), []core.Image{
		img(core.ImagePrimary, dir, "folder.jpg"), img(core.ImageBackdrop, dir, "fanart.jpg"),
	})
	check(t, "season nfo", sidecar.FolderNFO(dir, siblings, sidecar.RoleSeason), filepath.Join(dir, "season.nfo"))
}

func TestSeries(t *testing.T) {
	dir := filepath.FromSlash("/media/Shows/Breaking Bad (2008)")
	siblings := []string{
		"tvshow.nfo", "poster.jpg", "fanart.jpg", "banner.jpg", "clearlogo.png", "logo.png", "landscape.jpg",
		"season01-poster.jpg", "season1-banner.jpg", "Season02-Poster.JPG", "season02.png",
		"season-specials-poster.jpg", "season00-fanart.jpg", "season0-poster.png", "season-all-poster.jpg",
		"season-poster.jpg", "season01poster.jpg", "season01-trailer.jpg", "season99999-poster.jpg", "season01-poster.nfo",
	}
	check(t, "series nfo", sidecar.FolderNFO(dir, siblings, sidecar.RoleSeries), filepath.Join(dir, "tvshow.nfo"))
	check(t, "no movie nfo", sidecar.FolderNFO(dir, siblings, sidecar.RoleMovie), "")
	check(t, "no role", sidecar.FolderNFO(dir, siblings, 0), "")
	check(t, "series art", sidecar.ForFolder(dir, siblings, sidecar.RoleSeries), []core.Image{
		img(core.ImagePrimary, dir, "poster.jpg"),
		img(core.ImageBackdrop, dir, "fanart.jpg"),
		img(core.ImageLogo, dir, "logo.png"),
		img(core.ImageLogo, dir, "clearlogo.png"),
		img(core.ImageBanner, dir, "banner.jpg"),
		img(core.ImageThumb, dir, "landscape.jpg"),
	})
	for _, tc := range []struct {
		season int
		want   []core.Image
	}{
		{1, []core.Image{img(core.ImagePrimary, dir, "season01-poster.jpg"), img(core.ImageBanner, dir, "season1-banner.jpg")}},
		{2, []core.Image{img(core.ImagePrimary, dir, "Season02-Poster.JPG"), img(core.ImagePrimary, dir, "season02.png")}},
		{0, []core.Image{img(core.ImagePrimary, dir, "season-specials-poster.jpg"), img(core.ImagePrimary, dir, "season0-poster.png"),
			img(core.ImageBackdrop, dir, "season00-fanart.jpg")}},
		{sidecar.AllSeasons, []core.Image{img(core.ImagePrimary, dir, "season-all-poster.jpg")}},
		{3, nil},
		{-2, nil},
	} {
		check(t, "season", sidecar.SeasonImages(dir, siblings, tc.season), tc.want)
	}
}

func TestMusicFolders(t *testing.T) {
	album := filepath.FromSlash("/media/Music/Pink Floyd/The Wall")
	siblings := []string{"01 - In the Flesh.flac", "02 - The Thin Ice.flac", "cover.jpg", "folder.jpg", "jacket.png",
		"cdart.png", "fanart.jpg", "album.nfo", "movie.jpg", "Folder.webp"}
	// folder.jpg first: Jellyfin's order (folder, poster, cover, default), then the album's jacket.
	check(t, "album art", sidecar.ForFolder(album, siblings, sidecar.RoleAlbum), []core.Image{
		img(core.ImagePrimary, album, "folder.jpg"),
		img(core.ImagePrimary, album, "Folder.webp"),
		img(core.ImagePrimary, album, "cover.jpg"),
		img(core.ImagePrimary, album, "jacket.png"),
		img(core.ImageBackdrop, album, "fanart.jpg"),
		img(core.ImageDisc, album, "cdart.png"),
	})
	check(t, "album nfo", sidecar.FolderNFO(album, siblings, sidecar.RoleAlbum), filepath.Join(album, "album.nfo"))
	check(t, "movie.jpg is a movie's", sidecar.ForFolder(album, []string{"movie.jpg", "jacket.jpg"}, sidecar.RoleMovie),
		[]core.Image{img(core.ImagePrimary, album, "movie.jpg")})

	artist := filepath.FromSlash("/media/Music/Pink Floyd")
	siblings = []string{"artist.nfo", "ARTIST.NFO", "folder.jpg", "backdrop.jpg", "backdrop2.jpg", "backdrop-1.jpg", "logo.png", "banner.jpg"}
	check(t, "artist nfo", sidecar.FolderNFO(artist, siblings, sidecar.RoleArtist), filepath.Join(artist, "artist.nfo"))
	check(t, "artist art", sidecar.ForFolder(artist, siblings, sidecar.RoleArtist), []core.Image{
		img(core.ImagePrimary, artist, "folder.jpg"),
		img(core.ImageBackdrop, artist, "backdrop.jpg"),
		img(core.ImageBackdrop, artist, "backdrop-1.jpg"),
		img(core.ImageBackdrop, artist, "backdrop2.jpg"),
		img(core.ImageLogo, artist, "logo.png"),
		img(core.ImageBanner, artist, "banner.jpg"),
	})
}

func TestSubtitleStream(t *testing.T) {
	s := sidecar.Subtitle{Path: "m.es.idx", Format: "sub", Language: "spa", Title: "x", Forced: true, HearingImpaired: true}
	check(t, "stream", s.Stream(), core.Stream{Kind: core.StreamSubtitle, Codec: "dvd_subtitle", Language: "spa",
		Title: "x", Forced: true, HearingImpaired: true, External: "m.es.idx"})
	check(t, "srt codec", sidecar.Subtitle{Format: "srt"}.Stream().Codec, "subrip")
}

func TestForMediaOwnsFolderNoDuplicates(t *testing.T) {
	// movie.jpg is the file's own "<basename>.jpg" and the folder's movie.jpg: listed once, first.
	siblings := []string{"movie.mkv", "movie-poster.jpg", "movie.jpg", "poster.jpg", "poster.jpg"}
	got := sidecar.ForMedia(filepath.Join("m", "movie.mkv"), siblings, sidecar.Options{Role: sidecar.RoleMovie, OwnsFolder: true})
	check(t, "images", got.Images, []core.Image{
		img(core.ImagePrimary, "m", "movie-poster.jpg"),
		img(core.ImagePrimary, "m", "movie.jpg"),
		img(core.ImagePrimary, "m", "poster.jpg"),
	})
}
