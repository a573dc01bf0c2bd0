package scan

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/naming"
)

// identity is what a file turned out to be: the chain of items it belongs to, top first.
type identity struct {
	items   []core.Item
	part    int
	version string
}

// identifier turns a probed file into items, by the library's type, the path and the tags.
type identifier struct {
	lib   core.Library
	now   time.Time
	newID func() string
}

func (id identifier) item(kind core.ItemKind, key, title string) core.Item {
	return core.Item{ID: core.ItemID(id.newID()), Kind: kind, Title: title, LibraryID: id.lib.ID, MatchKey: key,
		CreatedAt: id.now, UpdatedAt: id.now}
}

// identify names the file at path, found under root, with what probing told about it.
func (id identifier) identify(root, path string, info core.MediaInfo) identity {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		rel = filepath.Base(path)
	}
	audio := audioExtensions[strings.ToLower(filepath.Ext(path))] || !hasVideo(info)
	switch id.lib.Type {
	case core.LibraryMusic:
		return id.track(root, rel, info)
	case core.LibraryMovies:
		return id.movie(root, rel, info, naming.ParseWithHint(rel, naming.HintMovie))
	case core.LibraryShows:
		return id.episode(root, rel, info, naming.ParseWithHint(rel, naming.HintEpisode))
	}
	if audio { // a mixed library
		return id.track(root, rel, info)
	}
	if r := naming.Parse(rel); r.Type == "episode" {
		return id.episode(root, rel, info, r)
	}
	return id.movie(root, rel, info, naming.ParseWithHint(rel, naming.HintMovie))
}

func hasVideo(info core.MediaInfo) bool {
	for _, s := range info.Streams {
		if s.Kind == core.StreamVideo {
			return true
		}
	}
	return false
}

// movie is one movie per title and year in a library, whatever folder its versions are in, as Plex
// merges them; its extras hang below it.
func (id identifier) movie(root, rel string, info core.MediaInfo, r naming.Result) identity {
	if r.Type == "extra" {
		owner := naming.ParseWithHint(ownerPath(rel), naming.HintMovie)
		movie := id.movieItem(owner, root, filepath.Join(root, filepath.Dir(ownerPath(rel))))
		extra := id.item(core.KindVideo, "extra:"+rel, extraTitle(rel, r))
		extra.ExtraType, extra.Path, extra.Runtime = r.ExtraType, filepath.Join(root, rel), info.Duration
		return identity{items: []core.Item{movie, extra}}
	}
	movie := id.movieItem(r, root, filepath.Join(root, filepath.Dir(rel)))
	movie.Runtime = info.Duration
	if movie.Title == "" {
		movie.Title = strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
	}
	return identity{items: []core.Item{movie}, part: r.Part, version: naming.VersionLabel(r)}
}

func (id identifier) movieItem(r naming.Result, root, dir string) core.Item {
	title := r.Title
	if title == "" {
		title = filepath.Base(dir)
	}
	m := id.item(core.KindMovie, fmt.Sprintf("movie:%s|%d", foldTitle(title), r.Year), title)
	m.Year, m.Path = r.Year, dir
	if dir == root {
		m.Path = ""
	}
	return m
}

// ownerPath is the path whose name says which movie an extra belongs to: the folder above a
// "Trailers"-style folder, or the extra's own folder for "Movie-trailer.mkv".
func ownerPath(rel string) string {
	dir := filepath.Dir(rel)
	if isExtrasFolder(filepath.Base(dir)) {
		dir = filepath.Dir(dir)
	}
	if dir == "." {
		return rel
	}
	return filepath.Join(dir, filepath.Base(dir)+".mkv")
}

// ownsFolder reports whether the movie file at path is the only movie in its folder (its versions
// and parts aside), so that the folder's movie.nfo and poster are its own. Extras do not count.
func ownsFolder(root, path string, siblings []string, key string) bool {
	dir := filepath.Dir(path)
	if dir == root {
		return false
	}
	for _, name := range siblings {
		ext := strings.ToLower(filepath.Ext(name))
		if !mediaExtensions[ext] || audioExtensions[ext] {
			continue
		}
		r := naming.ParseWithHint(filepath.Join(filepath.Base(dir), name), naming.HintMovie)
		if r.Type == naming.TypeExtra {
			continue
		}
		if fmt.Sprintf("movie:%s|%d", foldTitle(r.Title), r.Year) != key {
			return false
		}
	}
	return true
}

// isExtrasFolder reports the folder names Jellyfin and Plex read as extras of the movie above.
func isExtrasFolder(name string) bool {
	switch strings.ToLower(name) {
	case "extras", "trailers", "featurettes", "behind the scenes", "deleted scenes", "interviews", "scenes",
		"shorts", "samples", "clips", "other", "specials", "bonus", "bonus features":
		return true
	}
	return false
}

func extraTitle(rel string, r naming.Result) string {
	if r.Title != "" {
		return r.Title
	}
	return strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
}

// episode files go under series > season. The series is the first folder under the library's
// root, as Jellyfin and Plex expect shows to be laid out; a file right under the root names its
// series itself.
func (id identifier) episode(root, rel string, info core.MediaInfo, r naming.Result) identity {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	seriesTitle, seriesYear, country, seriesPath := r.Title, r.Year, r.Country, ""
	if r.Season != nil && *r.Season == r.Year {
		seriesYear = 0 // Show.S1958E13: the season's year, not the show's, or each season would be a show
	}
	if len(parts) > 1 {
		folder := naming.ParseWithHint(parts[0]+"/", naming.HintMovie)
		seriesTitle, seriesYear, country, seriesPath = folder.Title, folder.Year, folder.Country, filepath.Join(root, parts[0])
		if seriesTitle == "" {
			seriesTitle = parts[0]
		}
	}
	if seriesTitle != "" && country != "" {
		// naming keeps the title clean; the series is named as TVDB names it, so that "The Office"
		// of the US and of the UK stay two shows.
		seriesTitle += " (" + country + ")"
	}
	if seriesTitle == "" {
		seriesTitle = strings.TrimSuffix(parts[len(parts)-1], filepath.Ext(rel))
	}
	seriesKey := "series:" + foldTitle(seriesTitle)
	if seriesYear > 0 {
		seriesKey += fmt.Sprintf("|%d", seriesYear)
	}
	series := id.item(core.KindSeries, seriesKey, seriesTitle)
	series.Year, series.Path = seriesYear, seriesPath

	season := 1 // an anime numbered absolutely, or an episode with no season, goes in season 1
	switch {
	case r.Season != nil:
		season = *r.Season
	case r.Date != "":
		season, _ = strconv.Atoi(r.Date[:4]) // daily shows get a season per year
	}
	seasonKey := fmt.Sprintf("%s:season:%d", seriesKey, season)
	seasonItem := id.item(core.KindSeason, seasonKey, seasonTitle(season))
	seasonItem.IndexNumber = ptr(season)
	seasonItem.SortTitle = fmt.Sprintf("%05d", season)

	ep := id.item(core.KindEpisode, "", r.EpisodeTitle)
	ep.Path, ep.Runtime, ep.ParentIndex, ep.Absolute, ep.AirDate = filepath.Join(root, rel), info.Duration, ptr(season), r.Absolute, r.Date
	switch {
	case r.Episode != nil:
		ep.IndexNumber = ptr(*r.Episode)
		if n := len(r.Episodes); n > 1 {
			ep.IndexEnd = ptr(r.Episodes[n-1])
		}
		ep.MatchKey = fmt.Sprintf("%s:episode:%d", seasonKey, *r.Episode)
	case r.Absolute != nil:
		ep.IndexNumber = ptr(*r.Absolute)
		ep.MatchKey = fmt.Sprintf("%s:episode:%d", seasonKey, *r.Absolute)
	case r.Date != "":
		ep.MatchKey = seasonKey + ":date:" + r.Date
	default: // nothing says which episode: one item per file, so nothing is merged by mistake
		ep.Kind, ep.MatchKey = core.KindVideo, "video:"+rel
	}
	if ep.Title == "" {
		ep.Title = episodeTitle(ep)
	}
	ep.SortTitle = fmt.Sprintf("%05d %s %s", deref(ep.IndexNumber), ep.AirDate, core.SortKey(ep.Title))
	return identity{items: []core.Item{series, seasonItem, ep}, part: r.Part, version: naming.VersionLabel(r)}
}

func seasonTitle(n int) string {
	if n == 0 {
		return "Specials"
	}
	return fmt.Sprintf("Season %d", n)
}

func episodeTitle(ep core.Item) string {
	switch {
	case ep.IndexNumber != nil:
		return fmt.Sprintf("Episode %d", *ep.IndexNumber)
	case ep.AirDate != "":
		return ep.AirDate
	}
	return strings.TrimSuffix(filepath.Base(ep.Path), filepath.Ext(ep.Path))
}

// track files go under artist > album, from their tags, or from the folders when tags are missing.
func (id identifier) track(root, rel string, info core.MediaInfo) identity {
	t := naming.ParseTrack(rel)
	tag := func(keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(info.Tags[k]); v != "" {
				return v
			}
		}
		return ""
	}
	artist := firstNonEmpty(tag("album_artist", "albumartist", "album artist"), tag("artist"), t.Artist, "Unknown Artist")
	if tag("compilation") == "1" && tag("album_artist", "albumartist", "album artist") == "" {
		artist = "Various Artists"
	}
	albumTitle := firstNonEmpty(tag("album"), t.Album, "Unknown Album")
	title := firstNonEmpty(tag("title"), t.Title, strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel)))
	year := firstInt(leadingInt(tag("date", "year", "originaldate")), t.Year)
	number := firstInt(leadingInt(tag("track", "tracknumber")), t.Number)
	disc := firstInt(leadingInt(tag("disc", "discnumber")), t.Disc)

	artistKey := "artist:" + foldTitle(artist)
	a := id.item(core.KindArtist, artistKey, artist)
	album := id.item(core.KindAlbum, "album:"+foldTitle(artist)+"|"+foldTitle(albumTitle), albumTitle)
	album.Year, album.Path = year, filepath.Join(root, filepath.Dir(rel))
	tr := id.item(core.KindTrack, "track:"+rel, title)
	tr.Year, tr.Path, tr.Runtime = year, filepath.Join(root, rel), info.Duration
	if number > 0 {
		tr.IndexNumber = ptr(number)
	}
	if disc > 0 {
		tr.ParentIndex = ptr(disc)
	}
	tr.SortTitle = fmt.Sprintf("%03d %05d %s", max(disc, 1), number, core.SortKey(title))
	if v := tag("artist"); v != "" && v != artist {
		tr.OriginalTitle = v // the track's own artist on a compilation
	}
	return identity{items: []core.Item{a, album, tr}}
}

// foldTitle is the form of a title used in match keys: case and spacing do not make another item.
func foldTitle(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstInt(v ...int) int {
	for _, n := range v {
		if n > 0 {
			return n
		}
	}
	return 0
}

// leadingInt reads "3/12" as 3 and "2019-05-01" as 2019.
func leadingInt(s string) int {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:min(end, 9)])
	return n
}

func ptr[T any](v T) *T { return &v }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
