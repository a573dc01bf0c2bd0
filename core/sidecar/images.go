package sidecar

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
)

// AllSeasons asks SeasonImages for Kodi's "season-all" images, the art of the all-seasons entry.
const AllSeasons = -1

// imageExts are the picture types Jellyfin and Kodi read; tbn is Kodi's old name for a jpg.
var imageExts = toSet("jpg jpeg png webp gif tbn")

// imageExtOrder breaks ties between "poster.jpg" and "poster.png": the order Plex documents
// (jpg first), then the rest.
func imageExtOrder(a, b string) int {
	rank := func(name string) int {
		_, ext := splitExt(name)
		return strings.Index(" jpg jpeg png webp gif tbn", " "+ext)
	}
	return rank(a) - rank(b)
}

// art is one keyword of an image name and the kind it gives.
type art struct {
	word     string
	kind     core.ImageKind
	numbered bool // backdrops may come as "fanart1", "fanart-1"...
	roles    []Role
}

// folderArt are the folder-level names, each kind's best first. Primary follows Jellyfin's
// documented order (folder, poster, cover, default, movie), which differs from Kodi's habit of
// writing poster.jpg: Jellyfin saves folder.jpg itself, so it is the freshest when both exist.
var folderArt = []art{
	{word: "folder", kind: core.ImagePrimary},
	{word: "poster", kind: core.ImagePrimary},
	{word: "cover", kind: core.ImagePrimary},
	{word: "default", kind: core.ImagePrimary},
	{word: "movie", kind: core.ImagePrimary, roles: []Role{RoleMovie}},
	{word: "jacket", kind: core.ImagePrimary, roles: []Role{RoleAlbum}}, // Japanese releases
	{word: "backdrop", kind: core.ImageBackdrop, numbered: true},
	{word: "fanart", kind: core.ImageBackdrop, numbered: true},
	{word: "background", kind: core.ImageBackdrop, numbered: true},
	{word: "art", kind: core.ImageBackdrop, numbered: true},
	{word: "logo", kind: core.ImageLogo},
	{word: "clearlogo", kind: core.ImageLogo},
	{word: "banner", kind: core.ImageBanner},
	{word: "landscape", kind: core.ImageThumb},
	{word: "thumb", kind: core.ImageThumb},
	{word: "clearart", kind: core.ImageArt},
	{word: "disc", kind: core.ImageDisc},
	{word: "discart", kind: core.ImageDisc},
	{word: "cdart", kind: core.ImageDisc},
}

// fileArt are the suffixes of "<basename>-poster.jpg" (Kodi, Jellyfin, Plex's "-fanart"), and of
// Kodi's season images ("season01-poster.jpg"). "<basename>.jpg" ranks after all of them.
var fileArt = []art{
	{word: "poster", kind: core.ImagePrimary},
	{word: "fanart", kind: core.ImageBackdrop, numbered: true},
	{word: "backdrop", kind: core.ImageBackdrop, numbered: true},
	{word: "background", kind: core.ImageBackdrop, numbered: true},
	{word: "clearlogo", kind: core.ImageLogo},
	{word: "logo", kind: core.ImageLogo},
	{word: "banner", kind: core.ImageBanner},
	{word: "thumb", kind: core.ImageThumb},
	{word: "landscape", kind: core.ImageThumb},
	{word: "clearart", kind: core.ImageArt},
	{word: "discart", kind: core.ImageDisc},
	{word: "disc", kind: core.ImageDisc},
}

// matchArt finds what a keyword names in table, case-insensitively: "Poster", "fanart2",
// "backdrop-3". The candidate has no name or path yet.
func matchArt(table []art, word string) (candidate, bool) {
	word = strings.ToLower(word)
	for i, a := range table {
		rest, ok := strings.CutPrefix(word, a.word)
		if !ok {
			continue
		}
		num := 0
		if rest != "" {
			if !a.numbered {
				continue
			}
			if num = number(strings.TrimPrefix(rest, "-")); num < 0 {
				continue
			}
		}
		return candidate{kind: a.kind, prio: i, num: num}, true
	}
	return candidate{}, false
}

// number parses 1 to 4 ASCII digits, or returns -1.
func number(s string) int {
	if len(s) == 0 || len(s) > 4 || strings.Trim(s, "0123456789") != "" {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}

// ForFolder returns the folder-level artwork of dir for role, each kind's best first: poster,
// folder.jpg and their kin (Primary), fanart and backdrop with their numbered variants (Backdrop,
// several), banner, logo and clearlogo, clearart, landscape and thumb (Thumb), disc, discart and
// cdart (Disc). An album folder holding both folder.jpg and cover.jpg gives both, folder.jpg
// first. Episodes share their folder with other episodes, so RoleEpisode, like the zero Role,
// finds nothing. Kodi's extrafanart/ subfolder is the caller's to list.
func ForFolder(dir string, siblings []string, role Role) []core.Image {
	return sortImages(folderCandidates(dir, siblings, role))
}

func folderCandidates(dir string, siblings []string, role Role) []candidate {
	if role == 0 || role == RoleEpisode {
		return nil
	}
	var out []candidate
	for _, name := range siblings {
		stem, ext := splitExt(name)
		if !imageExts[ext] || !validName(name) {
			continue
		}
		c, ok := matchArt(folderArt, stem)
		if roles := folderArt[c.prio].roles; !ok || len(roles) > 0 && !slices.Contains(roles, role) {
			continue
		}
		c.name, c.path = name, filepath.Join(dir, name)
		out = append(out, c)
	}
	return out
}

// SeasonImages returns the images of one season kept in the series folder, Kodi's way:
// "season01-poster.jpg" (and "season1-poster.jpg", "Season01.jpg" for the poster alone),
// "season-specials-poster.jpg" or "season00-poster.jpg" for season 0, and "season-all-poster.jpg"
// for AllSeasons. The suffixes are those of "<basename>-poster.jpg". A season's own folder is
// ForFolder's, with RoleSeason.
func SeasonImages(seriesDir string, siblings []string, season int) []core.Image {
	if season < AllSeasons {
		return nil
	}
	var cs []candidate
	for _, name := range siblings {
		stem, ext := splitExt(name)
		if !imageExts[ext] || !validName(name) {
			continue
		}
		rest, ok := strings.CutPrefix(strings.ToLower(stem), "season")
		if !ok {
			continue
		}
		n := -2
		switch {
		case strings.HasPrefix(rest, "-specials"):
			n, rest = 0, rest[len("-specials"):]
		case strings.HasPrefix(rest, "-all"):
			n, rest = AllSeasons, rest[len("-all"):]
		default:
			end := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
			if end == 0 {
				continue // "season-poster.jpg" names no season
			}
			if n, rest = number(rest[:end]), rest[end:]; n < 0 {
				continue
			}
		}
		if n != season {
			continue
		}
		c := candidate{kind: core.ImagePrimary, prio: len(fileArt)}
		if rest != "" {
			word, ok := strings.CutPrefix(rest, "-")
			if !ok {
				continue
			}
			if c, ok = matchArt(fileArt, word); !ok {
				continue
			}
		}
		c.name, c.path = name, filepath.Join(seriesDir, name)
		cs = append(cs, c)
	}
	return sortImages(cs)
}
