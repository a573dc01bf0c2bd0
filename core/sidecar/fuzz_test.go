package sidecar_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/sidecar"
)

// FuzzForMedia feeds hostile names to every matcher. siblings are separated by NUL, which no
// file name can hold.
func FuzzForMedia(f *testing.F) {
	seeds := [][2]string{
		{"Heat (1995).mkv", "Heat (1995).en.srt\x00Heat (1995).nfo\x00poster.jpg\x00Heat (1995)-fanart2.jpg"},
		{"Movie.mkv", "Movie.Extended.mkv\x00Movie.Extended.en.srt\x00movie.en.srt\x00Movie.es.idx\x00Movie.es.sub"},
		{"movie.mkv", "Movie.mkv\x00MOVIE.EN.SRT\x00movie.pt-BR.hi.forced.srt"},
		{"Show - S01E01.mkv", "Show - S01E01.jpg\x00season01-poster.jpg\x00season-all-fanart3.png\x00tvshow.nfo"},
		{".mkv", ".srt\x00..srt\x00.\x00..\x00/\x00a/b.srt"},
		{"M\n.mkv", "M\n.en\n.srt\x00M\n-poster.jpg"},
		{"日本語.mkv", "日本語.ja.srt\x00日本語-poster.webp\x00\xff\xfe.srt"},
		{"K.mkv", "\u212a.en.srt\x00k.en.srt"}, // the Kelvin sign folds to k
		{"M.mkv", "M." + strings.Repeat("en.", 80) + "srt\x00M-" + strings.Repeat("fanart", 40) + ".jpg"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	formats := map[string]bool{"srt": true, "ass": true, "ssa": true, "vtt": true, "sup": true, "sub": true, "smi": true, "ttml": true}
	kinds := map[core.ImageKind]bool{core.ImagePrimary: true, core.ImageBackdrop: true, core.ImageLogo: true,
		core.ImageBanner: true, core.ImageThumb: true, core.ImageArt: true, core.ImageDisc: true}
	f.Fuzz(func(t *testing.T, media, list string) {
		siblings := strings.Split(list, "\x00")
		dir := filepath.Dir(media)
		valid := func(p string) bool { // a sidecar is a listed name, in the media file's folder
			return filepath.Dir(p) == dir && slices.Contains(siblings, filepath.Base(p)) && filepath.Base(p) != filepath.Base(media)
		}
		for _, role := range []sidecar.Role{0, sidecar.RoleMovie, sidecar.RoleEpisode, sidecar.RoleAlbum} {
			opts := sidecar.Options{Role: role, OwnsFolder: role != sidecar.RoleEpisode}
			got := sidecar.ForMedia(media, siblings, opts)
			if got.NFO != "" && (!valid(got.NFO) || !strings.EqualFold(filepath.Ext(got.NFO), ".nfo")) {
				t.Fatalf("nfo %q", got.NFO)
			}
			for _, s := range got.Subtitles {
				if !valid(s.Path) || !formats[s.Format] {
					t.Fatalf("subtitle %+v", s)
				}
				if s.Language != "" && (len(s.Language) != 3 || strings.ToLower(s.Language) != s.Language) {
					t.Fatalf("language %q", s.Language)
				}
				if !utf8.ValidString(s.Title) || strings.TrimSpace(s.Title) != s.Title || len(s.Title) > 200 ||
					strings.ContainsFunc(s.Title, unicode.IsControl) {
					t.Fatalf("title %q", s.Title)
				}
			}
			for _, im := range got.Images {
				if !valid(im.Path) || !kinds[im.Kind] || im.URL != "" {
					t.Fatalf("image %+v", im)
				}
			}
			// The answer does not depend on the order of the listing.
			rev := slices.Clone(siblings)
			slices.Reverse(rev)
			if again := sidecar.ForMedia(media, rev, opts); !reflect.DeepEqual(again, got) {
				t.Fatalf("order matters:\n%+v\n%+v", got, again)
			}
			if role != 0 {
				_ = sidecar.FolderNFO(dir, siblings, role)
			}
		}
		for _, season := range []int{sidecar.AllSeasons, 0, 1, 12} {
			for _, im := range sidecar.SeasonImages(dir, siblings, season) {
				if filepath.Dir(im.Path) != dir || !kinds[im.Kind] {
					t.Fatalf("season image %+v", im)
				}
			}
		}
		_, _ = sidecar.ParseLanguage(media)
	})
}
