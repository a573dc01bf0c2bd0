package jellyfin

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/walros/walros/core"
)

// Genres, studios and people have no item id in Walros, but Jellyfin gives them one (GenreItems,
// Studios, People[].Id) and clients send it back: jellyfin-web loads a cast member's picture from
// /Items/{personId}/Images/Primary and filters with personIds=, genreIds=, studioIds=. The id is
// the MD5 of the kind and the folded name, so it is stable across restarts and servers.

// nameKind is what a name-derived id names.
type nameKind string

const (
	namePerson nameKind = "person"
	nameGenre  nameKind = "genre"
	nameStudio nameKind = "studio"
)

// nameRef is a name and what it names.
type nameRef struct {
	kind nameKind
	name string
}

// nameIDs remembers the names behind the ids this process has handed out, so that an id coming
// back finds its name without a search. It is a memo of a pure function's inverse, shared by every
// Handler; it forgets everything past maxNameIDs entries, and a miss falls back to a search
// (see personByID).
var (
	nameIDs    sync.Map // id (N format) → nameRef
	nameIDSize atomic.Int64
)

const maxNameIDs = 100_000

// nameID returns the id of a person, genre or studio, and remembers it.
func nameID(kind nameKind, name string) string {
	sum := md5.Sum([]byte("walros:" + string(kind) + ":" + strings.ToLower(strings.TrimSpace(name))))
	id := hex.EncodeToString(sum[:])
	if _, loaded := nameIDs.LoadOrStore(id, nameRef{kind, name}); !loaded {
		if nameIDSize.Add(1) > maxNameIDs {
			nameIDs.Clear()
			nameIDSize.Store(0)
		}
	}
	return id
}

// nameOf returns the name behind an id (any GUID form) that nameID gave out.
func nameOf(id string, kind nameKind) (string, bool) {
	v, ok := nameIDs.Load(jid(strings.ToLower(id)))
	if !ok {
		return "", false
	}
	ref := v.(nameRef)
	return ref.name, ref.kind == kind
}

// providerNames are Jellyfin's spellings of provider ids (MetadataProvider.cs); Walros stores
// them in lower case. Seerr and Sonarr read ProviderIds.Tmdb, .Imdb and .Tvdb exactly.
var providerNames = map[string]string{
	"tmdb": "Tmdb", "imdb": "Imdb", "tvdb": "Tvdb", "tvmaze": "TvMaze", "tvrage": "TvRage", "anidb": "AniDB",
	"anilist": "AniList", "mal": "MyAnimeList", "kitsu": "Kitsu", "zap2it": "Zap2It", "spotify": "Spotify",
	"musicbrainzartist": "MusicBrainzArtist", "musicbrainzalbumartist": "MusicBrainzAlbumArtist",
	"musicbrainzalbum": "MusicBrainzAlbum", "musicbrainzreleasegroup": "MusicBrainzReleaseGroup",
	"musicbrainztrack": "MusicBrainzTrack", "musicbrainzrecording": "MusicBrainzRecording",
	"tmdbcollection": "TmdbCollection",
}

// providerIDs maps stored provider ids to Jellyfin's names; unknown providers get a capital.
func providerIDs(ids map[string]string) map[string]string {
	out := make(map[string]string, len(ids))
	for k, v := range ids {
		if v == "" {
			continue
		}
		name, ok := providerNames[strings.ToLower(k)]
		if !ok && k != "" {
			name = strings.ToUpper(k[:1]) + k[1:]
		}
		out[name] = v
	}
	return out
}

// providerKey is the stored (lower-case) name of a provider as clients spell it ("Tmdb", "tmdb").
func providerKey(name string) string {
	l := strings.ToLower(name)
	for k, v := range providerNames {
		if strings.EqualFold(v, name) {
			return k
		}
	}
	return l
}

// externalURLs are the links Jellyfin shows under an item, from its provider ids.
func externalURLs(kind core.ItemKind, ids map[string]string) []externalURL {
	out := []externalURL{}
	tmdbPath := "movie"
	if kind == core.KindSeries || kind == core.KindSeason || kind == core.KindEpisode {
		tmdbPath = "tv"
	}
	if id := ids["imdb"]; id != "" {
		out = append(out, externalURL{Name: "IMDb", Url: "https://www.imdb.com/title/" + id})
	}
	if id := ids["tmdb"]; id != "" {
		out = append(out, externalURL{Name: "TheMovieDb", Url: "https://www.themoviedb.org/" + tmdbPath + "/" + id})
	}
	if id := ids["tvdb"]; id != "" && kind == core.KindSeries {
		out = append(out, externalURL{Name: "TheTVDB", Url: "https://thetvdb.com/?tab=series&id=" + id})
	}
	if id := ids["musicbrainzartist"]; id != "" {
		out = append(out, externalURL{Name: "MusicBrainz", Url: "https://musicbrainz.org/artist/" + id})
	}
	return out
}
