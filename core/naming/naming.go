// Package naming turns the path of a media file into what the file holds: a
// movie (title, year), an episode (show, season, episodes, absolute number or
// air date) or an extra, with the release details of the file (resolution,
// source, codec, HDR, edition, part, group). It reads names only and never
// opens a file. Music is identified from tags; ParseTrack is its folder fallback.
//
// Folders count: "Show/Season 02/03 - Title.mkv" is episode 3 of season 2 of
// "Show", and "Movie (2010)/movie.mkv" is the 2010 movie "Movie".
package naming

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The values of Result.Type.
const (
	TypeMovie   = "movie"
	TypeEpisode = "episode"
	TypeExtra   = "extra"
	TypeUnknown = "unknown"
)

// Hint is what the library type says about its files; it breaks ties such as
// "Show/01.mkv", which in a shows library is episode 1.
type Hint uint8

// The hints.
const (
	HintNone    Hint = iota // a mixed library, or none
	HintMovie               // a movies library
	HintEpisode             // a shows library, anime included
)

// Result is the parser's verdict on one path. Empty fields are unknown.
type Result struct {
	Type  string `json:"type"` // movie, episode, extra or unknown
	Title string `json:"title,omitempty"`
	Year  int    `json:"year,omitempty"`
	// Country is the code that tells apart shows of one title ("US" of "The
	// Office (US)" or The.Office.US.S01E01), in capitals; Title is without it.
	Country string `json:"country,omitempty"`
	// Season is a pointer so that season 0, the specials, is not "no season".
	Season  *int `json:"season,omitempty"`
	Episode *int `json:"episode,omitempty"`
	// Episodes lists every episode of a multi-episode file (S01E02E03,
	// S01E02-E04, 1x02-03), Episode first; it is nil for a single episode.
	Episodes []int `json:"episodes,omitempty"`
	// Absolute is the number of an episode counted across seasons, as anime
	// releases number them ("[Group] Show - 123"). It is set instead of
	// Episode, unless a season folder says which season the file is in.
	Absolute     *int   `json:"absolute,omitempty"`
	Date         string `json:"date,omitempty"` // YYYY-MM-DD air date of a daily show
	Part         int    `json:"part,omitempty"` // cd1, disc2, part3, pt2
	Edition      string `json:"edition,omitempty"`
	Resolution   string `json:"resolution,omitempty"` // 480p ... 2160p
	Source       string `json:"source,omitempty"`     // BluRay, WEB-DL, WEBRip, HDTV, DVD, Remux...
	VideoCodec   string `json:"videoCodec,omitempty"` // x264, h264, x265, hevc, av1...
	HDR          string `json:"hdr,omitempty"`        // HDR, HDR10, HDR10+, DV, HLG; "DV HDR10" for both
	Group        string `json:"group,omitempty"`      // release group
	ExtraType    string `json:"extraType,omitempty"`  // see the Extra constants
	EpisodeTitle string `json:"episodeTitle,omitempty"`
}

// Parse parses a path with no hint from the library.
func Parse(path string) Result { return ParseWithHint(path, HintNone) }

// ParseWithHint parses a path, folders included; hint comes from the type of
// the library the path is in. It accepts any string.
func ParseWithHint(path string, hint Hint) Result {
	parts := splitPath(path)
	if len(parts) == 0 {
		return Result{Type: TypeUnknown}
	}
	base, dirs := stripExt(parts[len(parts)-1]), parts[:len(parts)-1]
	if i := discRoot(dirs); i > 0 { // Movie (2010)/BDMV/STREAM/00001.m2ts
		base, dirs = dirs[i-1], dirs[:i-1]
	}
	partDir := 0
	if len(dirs) > 0 {
		if m := reDiscDir.FindStringSubmatch(dirs[len(dirs)-1]); m != nil { // Movie (2010)/CD1/movie-cd1.avi
			partDir, dirs = atoi(m[1]), dirs[:len(dirs)-1]
		}
	}
	extra, extraDir := "", false
	if len(dirs) > 0 {
		if extra = extraFolder(dirs[len(dirs)-1]); extra != "" {
			dirs, extraDir = dirs[:len(dirs)-1], true
		}
	}
	// Only a sample, or an extra outside an extras folder, is named after its movie;
	// "Trailers/Official Trailer.mkv" is named after itself.
	namedAfterMovie := !extraDir || extra == ExtraSample
	if namedAfterMovie {
		var x string
		base, x = cutExtraSuffix(base)
		extra = orStr(extra, x)
	} else if extraWords[strings.ToLower(strings.TrimSpace(base))] != "" {
		base = "" // Trailers/trailer.mkv is the movie's trailer; Trailers/Trailer 2.mkv is named
	}

	// The folder that names the title: the show above a season folder, or the parent.
	season, seasonDir := 0, false
	var owner *nameInfo
	if len(dirs) > 0 {
		ownerDir := dirs[len(dirs)-1]
		if s, show, ok := seasonFolder(ownerDir); ok {
			season, seasonDir, ownerDir = s, true, show
			if show == "" && len(dirs) > 1 {
				ownerDir = dirs[len(dirs)-2]
			}
		}
		if ownerDir != "" && !isGenericFolder(ownerDir) {
			info := parseName(ownerDir, opts{})
			owner = &info
		}
	}

	o := opts{weak: hint != HintMovie || seasonDir, anime: hint == HintEpisode || seasonDir}
	switch {
	case seasonDir || hint == HintEpisode:
		o.bare = bareAny
	case hint == HintNone && (owner == nil || owner.year == 0):
		o.bare = bareShort
	}
	n := parseName(base, o)
	if n.ep == nil && !seasonDir && extra == "" && owner != nil && owner.ep != nil {
		n = owner.merge(n) // Show.S01E01.720p-GRP/obfuscated.mkv
	}

	r := Result{
		Title: n.title, Year: n.year, Country: n.country, Part: n.part, Edition: n.edition, Resolution: n.resolution,
		Source: n.source, VideoCodec: n.codec, HDR: n.hdr, Group: n.group,
	}
	r.Part = orInt(r.Part, partDir)
	switch {
	case extra != "":
		r.Type, r.ExtraType = TypeExtra, extra
		switch {
		case owner == nil || owner.ep != nil:
		case r.Title == "" || namedAfterMovie && movieFromFolder(n, owner): // trailer.mkv, movie-trailer.mkv
			r.Title, r.Year, r.Country = owner.title, owner.year, owner.country
		case r.Year == owner.year:
			r.Title = preferCase(r.Title, owner.title)
		}
		if seasonDir {
			r.Season = &season
		}
	case n.ep != nil || seasonDir || hint == HintEpisode:
		r.Type = TypeEpisode
		r.setMarker(n.ep, seasonDir, season)
		r.EpisodeTitle = n.episodeTitle
		if owner == nil || owner.title == "" {
			break
		}
		if seasonDir || n.title == "" || n.ep == nil {
			if n.ep == nil && n.title != "" {
				r.EpisodeTitle = cutShow(n.title, owner.title) // Show/Specials/Show - The Special.mkv
			}
			r.Title, r.Year, r.Country = owner.title, orInt(owner.year, n.year), owner.country
		} else if related(n.title, owner.title) {
			r.Title, r.Year = preferCase(n.title, owner.title), orInt(n.year, owner.year)
			r.Country = orStr(n.country, owner.country)
		}
	default:
		r.Type = TypeMovie
		if owner != nil && owner.ep == nil && owner.title != "" && movieFromFolder(n, owner) {
			r.Title, r.Year, r.Country = owner.title, owner.year, owner.country
			r.fillTags(owner)
		} else if owner != nil && n.year == owner.year {
			r.Title = preferCase(r.Title, owner.title)
		}
		if r.Title == "" {
			r.Type = TypeUnknown
		}
	}
	return r
}

// setMarker copies an episode marker into r. In a season folder an absolute
// number is the episode number within that season.
func (r *Result) setMarker(m *marker, seasonDir bool, season int) {
	if m != nil {
		if m.season >= 0 {
			r.Season = intp(m.season)
		}
		if len(m.episodes) > 0 {
			r.Episode = intp(m.episodes[0])
		}
		if len(m.episodes) > 1 {
			r.Episodes = m.episodes
		}
		if m.bare && seasonDir && r.Episode != nil && *r.Episode >= 100 && *r.Episode/100 == season && *r.Episode%100 > 0 {
			r.Episode, r.Episodes = intp(*r.Episode%100), nil // Season 2/205.mkv
		}
		if m.isAbsolute {
			if seasonDir {
				r.Episode = intp(m.absolute)
			} else {
				r.Absolute = intp(m.absolute)
			}
		}
		r.Date = m.date
	}
	if r.Season == nil && seasonDir {
		r.Season = intp(season)
	}
}

// movieFromFolder reports whether a movie's folder names it better than its
// file: "Movie (2010)/movie.mkv", "Movie (2010)/cd1.avi", a release folder
// holding an obfuscated file, "Death Race 2000 (1975)/Death Race 2000.mkv".
func movieFromFolder(n nameInfo, owner *nameInfo) bool {
	switch {
	case isGenericTitle(n.title):
		return true
	case n.year == 0 && owner.year != 0:
		return related(n.title, owner.title) || owner.resolution != "" || owner.source != "" || owner.codec != ""
	case n.year != 0 && owner.year != 0 && n.year != owner.year:
		return fold(n.title+" "+strconv.Itoa(n.year)) == fold(owner.title)
	}
	return false
}

// fillTags copies the release details r lacks from a folder's name.
func (r *Result) fillTags(f *nameInfo) {
	r.Resolution = orStr(r.Resolution, f.resolution)
	r.Source = orStr(r.Source, f.source)
	r.VideoCodec = orStr(r.VideoCodec, f.codec)
	r.HDR = orStr(r.HDR, f.hdr)
	r.Group = orStr(r.Group, f.group)
	r.Edition = orStr(r.Edition, f.edition)
}

// merge returns the folder's verdict with the file's release details on top.
func (f *nameInfo) merge(file nameInfo) nameInfo {
	out := *f
	out.resolution = orStr(file.resolution, f.resolution)
	out.source = orStr(file.source, f.source)
	out.codec = orStr(file.codec, f.codec)
	out.hdr = orStr(file.hdr, f.hdr)
	out.edition = orStr(file.edition, f.edition)
	out.part = orInt(file.part, f.part)
	return out
}

// cutShow removes a leading show name from an episode title: "Show - Pilot".
// It walks the folded show name once, so it stays linear.
func cutShow(title, show string) string {
	f := fold(show)
	if f == "" {
		return title
	}
	pos := 0
	words := strings.Fields(title)
	for i, w := range words {
		fw := fold(w)
		if fw == "" {
			continue
		}
		if pos > 0 {
			if f[pos] != ' ' {
				return title
			}
			pos++
		}
		if !strings.HasPrefix(f[pos:], fw) {
			return title
		}
		if pos += len(fw); pos == len(f) {
			if t := trimTitle(strings.Join(words[i+1:], " ")); t != "" {
				return t
			}
			return title
		}
	}
	return title
}

// preferCase keeps a file's title unless it is all lower case and its folder
// spells the same title with capitals.
func preferCase(file, folder string) string {
	if !hasUpper(file) && hasUpper(folder) && fold(file) == fold(folder) {
		return folder
	}
	return file
}

// maxName bounds the bytes of one path component that the parser reads. No
// file system allows longer names (NAME_MAX is 255 bytes on ext4, APFS and
// NTFS), so only hostile input is cut, and a huge name costs no more than this.
const maxName = 1024

// capName cuts s to at most maxName bytes, at a character boundary.
func capName(s string) string {
	if len(s) <= maxName {
		return s
	}
	i := maxName
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// splitPath splits on both slashes, dropping empty and "." components, and
// caps each component at maxName bytes.
func splitPath(p string) []string {
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' })
	out := parts[:0]
	for _, s := range parts {
		if s = strings.TrimSpace(capName(s)); s != "" && s != "." && s != ".." {
			out = append(out, s)
		}
	}
	return out
}

// mediaExts are the extensions stripExt removes; others may be part of a
// release name ("...x264-GRP").
var mediaExts = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`mkv mp4 m4v avi mov wmv mpg mpeg m2ts mts ts vob iso webm flv ogm ogv
		divx xvid 3gp rmvb rm asf strm mk3d m2v f4v wtv img tp trp mp3 flac m4a aac ogg oga opus wav wma
		alac ape wv aiff aif dsf dff mka m4b mpc srt ass ssa sub idx vtt sup nfo torrent`) {
		mediaExts[e] = true
	}
}

// stripExt removes a known media extension.
func stripExt(file string) string {
	if i := strings.LastIndexByte(file, '.'); i > 0 && i >= len(file)-8 && mediaExts[strings.ToLower(file[i+1:])] {
		return file[:i]
	}
	return file
}

// discRoot returns the index of a VIDEO_TS or BDMV folder, or -1.
func discRoot(dirs []string) int {
	for i := len(dirs) - 1; i >= 0; i-- {
		if d := strings.ToUpper(dirs[i]); d == "VIDEO_TS" || d == "BDMV" {
			return i
		}
	}
	return -1
}

func intp(n int) *int { return &n }

// orInt returns a if it is set, else b.
func orInt(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
