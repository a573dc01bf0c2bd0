package naming_test

import (
	"reflect"
	"testing"

	"github.com/walros/walros/core/naming"
)

func TestGroupVersions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
		want  [][]string
	}{{
		name: "jellyfin suffixes in a movie folder",
		paths: []string{
			"Movies/Movie (2010)/Movie (2010) - 1080p.mkv",
			"Movies/Movie (2010)/Movie (2010) - 4K.mkv",
			"Movies/Movie (2010)/Movie (2010) - Director's Cut.mkv",
			"Movies/Movie (2010)/Movie (2010) - My Own Label.mkv",
		},
		want: [][]string{{
			"Movies/Movie (2010)/Movie (2010) - 4K.mkv",
			"Movies/Movie (2010)/Movie (2010) - 1080p.mkv",
			"Movies/Movie (2010)/Movie (2010) - Director's Cut.mkv",
			"Movies/Movie (2010)/Movie (2010) - My Own Label.mkv",
		}},
	}, {
		name: "release names of one movie in a flat folder, and another movie",
		paths: []string{
			"Movies/Heat.1995.1080p.BluRay.x264-GRP.mkv",
			"Movies/Inception.2010.1080p.mkv",
			"Movies/Heat.1995.2160p.UHD.BluRay.HDR.x265-GRP.mkv",
			"Movies/Heat (1995) - Directors Cut.mkv",
		},
		want: [][]string{{
			"Movies/Heat.1995.2160p.UHD.BluRay.HDR.x265-GRP.mkv",
			"Movies/Heat.1995.1080p.BluRay.x264-GRP.mkv",
			"Movies/Heat (1995) - Directors Cut.mkv",
		}, {
			"Movies/Inception.2010.1080p.mkv",
		}},
	}, {
		name: "same title, other year, other folder; extras stay alone",
		paths: []string{
			"Movies/Halloween (1978)/Halloween (1978).mkv",
			"Movies/Halloween (2018)/Halloween (2018).mkv",
			"Movies/Halloween (1978)/Halloween (1978)-trailer.mkv",
			"Movies/Halloween (1978)/Halloween (1978) - 4K HDR.mkv",
		},
		want: [][]string{{
			"Movies/Halloween (1978)/Halloween (1978) - 4K HDR.mkv",
			"Movies/Halloween (1978)/Halloween (1978).mkv",
		}, {
			"Movies/Halloween (2018)/Halloween (2018).mkv",
		}, {
			"Movies/Halloween (1978)/Halloween (1978)-trailer.mkv",
		}},
	}, {
		name:  "parts stay together",
		paths: []string{"Movies/Movie (2010)/movie-cd2.avi", "Movies/Movie (2010)/movie-cd1.avi"},
		want:  [][]string{{"Movies/Movie (2010)/movie-cd1.avi", "Movies/Movie (2010)/movie-cd2.avi"}},
	}, {
		name:  "empty",
		paths: nil,
		want:  [][]string{},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := naming.GroupVersions(tc.paths); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestVersionLabelAndMovieKey(t *testing.T) {
	for _, tc := range []struct {
		path, label, key string
	}{
		{"Movie (2010)/Movie (2010) - 2160p HDR Director's Cut.mkv", "2160p HDR Director's Cut", "movie (2010)"},
		{"The.Matrix.1999.1080p.BluRay.x264-GRP.mkv", "1080p", "the matrix (1999)"},
		{"The Matrix (1999) - 4K DV.mkv", "2160p DV", "the matrix (1999)"},
		{"Ocean's Eleven (2001) - Extended.mkv", "Extended", "oceans eleven (2001)"},
		{"Movie.2010.DVDRip.mkv", "DVD", "movie (2010)"},
		{"Movie.mkv", "", "movie"},
	} {
		r := naming.Parse(tc.path)
		if got := naming.VersionLabel(r); got != tc.label {
			t.Errorf("VersionLabel(%q) = %q, want %q", tc.path, got, tc.label)
		}
		if got := naming.MovieKey(r); got != tc.key {
			t.Errorf("MovieKey(%q) = %q, want %q", tc.path, got, tc.key)
		}
	}
	if got := naming.MovieKey(naming.Result{}); got != "" {
		t.Errorf("MovieKey of nothing = %q", got)
	}
}
