// Package sidecar tells which files next to a media file belong to it: its NFO, its external
// subtitles and its artwork, following the naming rules Jellyfin, Kodi and Plex document. The
// matching works on names only; List is the one function that reads a folder.
package sidecar

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/walros/walros/core"
)

// Role is what a media file or a folder holds; it decides which names count.
type Role uint8

// The roles. The zero Role is none: folder functions find nothing for it.
const (
	RoleMovie Role = iota + 1
	RoleSeries
	RoleSeason
	RoleEpisode
	RoleAlbum
	RoleArtist
)

// Options tells ForMedia what its media file is.
type Options struct {
	// Role decides what "<basename>.jpg" is: the Thumb of an episode (Plex's episode still), the
	// Primary of anything else (Plex's and Kodi's movie poster).
	Role Role
	// OwnsFolder says the folder holds this one item, its versions and parts counted as one (a
	// Jellyfin movie folder): the folder's NFO and artwork then belong to it too. The caller knows
	// this from grouping the folder's media files; names alone cannot tell two versions of a movie
	// from two movies.
	OwnsFolder bool
}

// Sidecars are the files that belong to one media file.
type Sidecars struct {
	NFO       string // the path of its NFO, "" when there is none
	Subtitles []Subtitle
	// Images have Path set. Images of one kind come best first: a caller that keeps one Primary
	// takes the first; Backdrop may keep them all, in order.
	Images []core.Image
}

// ForMedia returns the sidecars of mediaPath among siblings, the base names of the files in its
// folder. Per-file sidecars start with the media file's name without its extension (the
// basename): "<basename>.nfo", "<basename>[.flags].srt" and the other subtitle formats, and
// "<basename>-poster.jpg" and the other art suffixes. With opts.OwnsFolder, folder-level files
// (FolderNFO, ForFolder) follow the per-file ones, which win: "<basename>.nfo" before "movie.nfo".
//
// The basename matches whatever its case, for shares from Windows, unless another media file's
// name differs from it only in case: then only the exact case counts. A sidecar whose name also
// starts with a longer media sibling's basename ("Movie.Extended.en.srt" next to "Movie.mkv" and
// "Movie.Extended.mkv") belongs to that one.
func ForMedia(mediaPath string, siblings []string, opts Options) Sidecars {
	dir, file := filepath.Split(mediaPath)
	stem, _ := splitExt(file)
	if stem == "" {
		return Sidecars{}
	}
	var longer []string // the basenames of media siblings that could claim our sidecars
	strict := false
	for _, name := range siblings {
		s, ext := splitExt(name)
		if !mediaExts[ext] || !validName(name) {
			continue
		}
		if len(s) > len(stem) && hasPrefixFold(s, stem) && !audioExts[ext] {
			longer = append(longer, s) // not "Movie.en.mka": Jellyfin's external audio is the movie's
		}
		if s != stem && strings.EqualFold(s, stem) {
			strict = true // "movie.mkv" next to "Movie.mkv" on a case-sensitive disk
		}
	}
	var (
		out    Sidecars
		images []candidate
		nfo    string
		seen   = make(map[string]bool)
	)
	for _, name := range siblings {
		base, ext := splitExt(name)
		if seen[name] || name == file || !validName(name) || mediaExts[ext] || len(name) <= len(stem) {
			continue
		}
		if prefix := name[:len(stem)]; prefix != stem && (strict || !strings.EqualFold(prefix, stem)) {
			continue
		}
		if claimed(name, longer) {
			continue
		}
		seen[name] = true
		rest := name[len(stem):] // ".nfo", ".en.forced.srt", "-poster.jpg"...
		mid := ""                // what lies between the basename and the extension: "en.forced", "poster"
		if len(base) > len(stem) {
			mid = base[len(stem)+1:]
		}
		switch {
		case rest[0] == '.' && mid == "" && ext == "nfo":
			if nfo == "" || betterNFO(name, nfo, stem) {
				nfo = name
			}
		case rest[0] == '.' && subtitleFormats[ext] != "":
			if ext == "idx" && !hasFold(siblings, base+".sub") {
				continue // VobSub needs both halves; a lone .sub is usually MicroDVD text
			}
			sub := parseFlags(strings.Split(mid, "."))
			sub.Path, sub.Format = filepath.Join(dir, name), subtitleFormats[ext]
			out.Subtitles = append(out.Subtitles, sub)
		case imageExts[ext] && rest[0] == '.' && mid == "":
			kind := core.ImagePrimary
			if opts.Role == RoleEpisode {
				kind = core.ImageThumb
			}
			images = append(images, candidate{kind: kind, prio: len(fileArt), name: name, path: filepath.Join(dir, name)})
		case imageExts[ext] && rest[0] == '-':
			if c, ok := matchArt(fileArt, mid); ok {
				c.name, c.path = name, filepath.Join(dir, name)
				images = append(images, c)
			}
		}
	}
	if nfo != "" {
		out.NFO = filepath.Join(dir, nfo)
	}
	slices.SortFunc(out.Subtitles, func(a, b Subtitle) int { return strings.Compare(a.Path, b.Path) })
	if opts.OwnsFolder {
		if out.NFO == "" {
			out.NFO = FolderNFO(dir, siblings, opts.Role)
		}
		for _, c := range folderCandidates(dir, siblings, opts.Role) {
			c.folder = true
			images = append(images, c)
		}
	}
	out.Images = sortImages(images)
	return out
}

// betterNFO reports whether NFO a beats b: the exact case of the basename first, then the
// smaller name, so that the order of the listing does not matter.
func betterNFO(a, b, stem string) bool {
	if ea, eb := strings.HasPrefix(a, stem), strings.HasPrefix(b, stem); ea != eb {
		return ea
	}
	return a < b
}

// FolderNFO returns the path of the folder-level NFO for role in dir: movie.nfo, tvshow.nfo,
// season.nfo, album.nfo or artist.nfo; "" when there is none, and always for RoleEpisode.
func FolderNFO(dir string, siblings []string, role Role) string {
	want := map[Role]string{RoleMovie: "movie.nfo", RoleSeries: "tvshow.nfo", RoleSeason: "season.nfo",
		RoleAlbum: "album.nfo", RoleArtist: "artist.nfo"}[role]
	if want == "" {
		return ""
	}
	best := ""
	for _, name := range siblings {
		if !strings.EqualFold(name, want) || !validName(name) {
			continue
		}
		if name == want {
			return filepath.Join(dir, name)
		}
		if best == "" || name < best { // the same answer whatever the order of siblings
			best = name
		}
	}
	if best == "" {
		return ""
	}
	return filepath.Join(dir, best)
}

// List returns the base names of the regular files in dir, and of the symbolic links that lead
// to one, sorted. It does not check where links lead: code that serves a sidecar checks that,
// as the scanner does for media files.
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list sidecars: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		switch {
		case e.Type().IsRegular():
		case e.Type()&fs.ModeSymlink != 0:
			fi, err := os.Stat(filepath.Join(dir, e.Name()))
			if errors.Is(err, fs.ErrNotExist) || err == nil && !fi.Mode().IsRegular() {
				continue // a dangling link, or one to a folder or a device
			}
			if err != nil {
				return nil, fmt.Errorf("list sidecars: %w", err)
			}
		default:
			continue
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names, nil
}

// mediaExts are the files that are media themselves, never sidecars, as the scanner and
// core/naming know them.
var mediaExts = toSet(`mkv mp4 m4v avi mov wmv ts m2ts mts webm mpg mpeg flv ogv 3gp vob iso strm divx
	xvid rmvb rm asf mk3d m2v f4v wtv mp3 flac m4a m4b aac ogg oga opus wav wma alac ape wv dsf dff aiff
	aif mka mpc`)

// audioExts are the media types that hold only sound: "Movie.en.mka" is an external audio track,
// not another movie with sidecars of its own.
var audioExts = toSet(`mp3 flac m4a m4b aac ogg oga opus wav wma alac ape wv dsf dff aiff aif mka mpc`)

func toSet(words string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// splitExt splits a name at its last dot into the part before it and the lower-cased extension.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return name, ""
	}
	return name[:i], strings.ToLower(name[i+1:])
}

// validName reports whether name can be a base name: a caller's bug or a hostile listing must not
// make a sidecar path point outside the folder.
func validName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsRune(name, '/') &&
		!strings.ContainsRune(name, filepath.Separator) && !strings.ContainsRune(name, 0)
}

// hasPrefixFold is strings.HasPrefix ignoring case. Cutting s at len(prefix) bytes may split a
// rune; EqualFold then sees an invalid rune and answers false, which is what a mismatch deserves.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// hasFold reports whether names holds name, ignoring case.
func hasFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}

// claimed reports whether one of the longer media basenames owns name: name starts with it,
// followed by a dot or a hyphen.
func claimed(name string, longer []string) bool {
	for _, s := range longer {
		if len(name) > len(s) && (name[len(s)] == '.' || name[len(s)] == '-') && hasPrefixFold(name, s) {
			return true
		}
	}
	return false
}

// candidate is an image found by name, with what orders it among the others.
type candidate struct {
	kind   core.ImageKind
	folder bool // a folder-level image, which comes after the file's own
	prio   int  // the keyword's rank in its kind: folder before poster before cover...
	num    int  // the number of "fanart2", 0 for none
	name   string
	path   string
}

// kindOrder ranks the kinds in the order core declares them.
var kindOrder = map[core.ImageKind]int{core.ImagePrimary: 0, core.ImageBackdrop: 1, core.ImageLogo: 2,
	core.ImageBanner: 3, core.ImageThumb: 4, core.ImageArt: 5, core.ImageDisc: 6}

// sortImages orders candidates by kind, the file's own before the folder's, number (so that
// fanart.jpg comes before backdrop1.jpg), keyword rank, extension and name, and returns them as
// images.
func sortImages(cs []candidate) []core.Image {
	slices.SortFunc(cs, func(a, b candidate) int {
		fa, fb := 0, 0
		if a.folder {
			fa = 1
		}
		if b.folder {
			fb = 1
		}
		return cmp.Or(cmp.Compare(kindOrder[a.kind], kindOrder[b.kind]), cmp.Compare(fa, fb),
			cmp.Compare(a.num, b.num), cmp.Compare(a.prio, b.prio), imageExtOrder(a.name, b.name),
			strings.Compare(a.name, b.name))
	})
	var out []core.Image
	seen := make(map[string]bool, len(cs))
	for _, c := range cs {
		if seen[c.path] { // "movie.jpg" can be movie.mkv's own and its folder's too
			continue
		}
		seen[c.path] = true
		out = append(out, core.Image{Kind: c.kind, Path: c.path})
	}
	return out
}
