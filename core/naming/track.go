package naming

import (
	"regexp"
	"strings"
)

// Track is what a music file's path says when its tags say nothing. For a
// compilation ("Various Artists/..."), Artist is the track's artist when the
// file names one.
type Track struct {
	Artist string `json:"artist,omitempty"`
	Album  string `json:"album,omitempty"`
	Year   int    `json:"year,omitempty"`
	Disc   int    `json:"disc,omitempty"`
	Number int    `json:"number,omitempty"`
	Title  string `json:"title,omitempty"`
}

var (
	reDiscDir   = regexp.MustCompile(`(?i)^(?:cd|disc|disk)[ ._-]{0,3}(\d{1,2})(?:$|[^0-9])`)
	reDiscTrack = regexp.MustCompile(`^(\d{1,2})[-.](\d{1,3})(?:[ ._]{0,3}-?[ ._]{0,3}|$)`)
	reTrackNum  = regexp.MustCompile(`^\(?(\d{1,2})\)?(?:[ _]{0,3}[-.)][ _]{0,3}|[ _]{1,3}|$)|^(\d{3})[ _]{0,3}[-.][ _]{0,3}`)
	reYearParen = regexp.MustCompile(`[\[(]((?:19|20)\d\d)[\])]`)
	reYearLead  = regexp.MustCompile(`^((?:19|20)\d\d)\s{0,3}[-.–]\s{0,3}`)
	reAlbumJunk = regexp.MustCompile(`(?i)\s{0,3}[\[(][^\])]{0,64}\b(?:flac|mp3|320|256|v0|v2|aac|alac|ogg|opus|wav|24bit|16bit|24-\d{2,3}|16-44|web|cd|vinyl|lossless|hi-?res|kbps|khz)\b[^\])]{0,64}[\])]`)
)

// compilations are artist folders that hold albums by many artists.
var compilations = map[string]bool{"various artists": true, "various": true, "va": true, "compilations": true, "soundtracks": true}

// ParseTrack reads a music file's path: "Artist/Album (Year)/01 - Title.flac",
// "Artist - Album/1-03 Title.mp3" (disc 1, track 3), "Album/CD2/05 Title.mp3".
// It accepts any string.
func ParseTrack(path string) Track {
	parts := splitPath(path)
	if len(parts) == 0 {
		return Track{}
	}
	var t Track
	file, dirs := musicClean(stripExt(parts[len(parts)-1])), parts[:len(parts)-1]
	if len(dirs) > 0 {
		if m := reDiscDir.FindStringSubmatch(strings.TrimSpace(dirs[len(dirs)-1])); m != nil {
			t.Disc, dirs = atoi(m[1]), dirs[:len(dirs)-1]
		}
	}
	folderArtist := ""
	if len(dirs) > 1 && !isGenericFolder(dirs[len(dirs)-2]) {
		folderArtist = musicClean(dirs[len(dirs)-2])
	}
	if len(dirs) > 0 && !isGenericFolder(dirs[len(dirs)-1]) {
		t.Artist, t.Album, t.Year = parseAlbum(dirs[len(dirs)-1], folderArtist)
	}
	if t.Artist == "" {
		t.Artist = folderArtist
	}
	compilation := compilations[fold(t.Artist)]

	if m := reDiscTrack.FindStringSubmatchIndex(file); m != nil && m[1] < len(file) {
		t.Disc, t.Number, file = atoi(file[m[2]:m[3]]), atoi(file[m[4]:m[5]]), file[m[1]:]
	} else if m := reTrackNum.FindStringSubmatchIndex(file); m != nil && m[1] < len(file) {
		if m[2] >= 0 {
			t.Number = atoi(file[m[2]:m[3]])
		} else if n := atoi(file[m[4]:m[5]]); n > 100 && n%100 > 0 && t.Disc == 0 {
			t.Disc, t.Number = n/100, n%100 // 101 - Title: disc 1, track 1
		} else {
			t.Number = n
		}
		file = file[m[1]:]
	}
	segs := strings.Split(file, " - ")
	if t.Number == 0 && len(segs) >= 3 { // Artist - Album - 01 - Title, Artist - 01 - Title
		for i := 1; i < len(segs)-1 && i <= 2; i++ {
			if s := strings.TrimSpace(segs[i]); isDigits(s) && len(s) <= 3 {
				t.Number = atoi(s)
				if t.Artist == "" || compilation {
					t.Artist = trimTitle(segs[0])
				}
				if i == 2 && t.Album == "" {
					t.Album = trimTitle(segs[1])
				}
				segs = segs[i+1:]
				break
			}
		}
	}
	if len(segs) >= 2 {
		switch first := trimTitle(segs[0]); {
		case t.Artist == "" || compilation:
			t.Artist, segs = first, segs[1:]
		case fold(first) == fold(t.Artist):
			segs = segs[1:]
		}
	}
	t.Title = trimTitle(strings.Join(segs, " - "))
	return t
}

// parseAlbum reads an album folder: "Album (2010)", "2010 - Album",
// "Artist - Album (2010) [FLAC]", "Artist - 2010 - Album". The folder holds an
// artist only when no artist folder is above it, or when it repeats that one.
func parseAlbum(dir, folderArtist string) (artist, album string, year int) {
	d := musicClean(dir)
	for range 4 {
		if loc := reAlbumJunk.FindStringIndex(d); loc != nil {
			d = d[:loc[0]] + d[loc[1]:]
		}
	}
	if m := reYearParen.FindStringSubmatchIndex(d); m != nil {
		year, d = atoi(d[m[2]:m[3]]), d[:m[0]]+d[m[1]:]
	} else if m := reYearLead.FindStringSubmatchIndex(d); m != nil {
		year, d = atoi(d[m[2]:m[3]]), d[m[1]:]
	}
	parts := strings.Split(d, " - ")
	if year == 0 && len(parts) >= 2 {
		if y := yearOf(strings.TrimSpace(parts[1])); y != 0 {
			if len(parts) == 2 {
				return "", trimTitle(parts[0]), y // Album - 2010
			}
			return trimTitle(parts[0]), trimTitle(strings.Join(parts[2:], " - ")), y // Artist - 2010 - Album
		}
	}
	if len(parts) >= 2 {
		if first := trimTitle(parts[0]); folderArtist == "" || fold(first) == fold(folderArtist) {
			return first, trimTitle(strings.Join(parts[1:], " - ")), year
		}
	}
	return "", trimTitle(d), year
}

// musicClean turns underscores into spaces and collapses spaces. Dots stay:
// music names do not use them as separators ("Mr. Brightside").
func musicClean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "_", " ")), " ")
}
