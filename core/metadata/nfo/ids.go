package nfo

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// linkPatterns find provider ids in links. Each starts at its site's domain, which links looks
// for first, and matches lower-case text; its first group is the id.
var linkPatterns = []struct {
	domain string
	re     *regexp.Regexp
	key    string
	kind   Kind // what a link of this form points to, if it says
}{
	{"imdb.com/", regexp.MustCompile(`^imdb\.com/(?:[a-z]{2}/)?title/(tt\d{5,10})`), "imdb", ""},
	{"themoviedb.org/", regexp.MustCompile(`^themoviedb\.org/(?:[a-z]{2}(?:-[a-z]{2})?/)?movie/(\d{1,10})`), "tmdb", KindMovie},
	{"themoviedb.org/", regexp.MustCompile(`^themoviedb\.org/(?:[a-z]{2}(?:-[a-z]{2})?/)?tv/(\d{1,10})`), "tmdb", KindShow},
	// The old ?tab=series&id= page, the dereferrer, and the API URLs of Kodi's <episodeguide>
	// before Kodi 20: api/KEY/series/ID/all/en.zip, then login?{"apikey":"KEY","id":ID}.
	{"thetvdb.com/", regexp.MustCompile(`^thetvdb\.com/(?:\?tab=series&(?:amp;)?id=|(?:dereferrer/)?series/|api/\w{1,40}/series/|login\?\{[^}]{0,100}"id":\s?"?)(\d{1,10})`), "tvdb", KindShow},
	{"anidb.net/", regexp.MustCompile(`^anidb\.net/(?:anime/|a|perl-bin/animedb\.pl\?show=anime&(?:amp;)?aid=)(\d{1,10})`), "anidb", ""},
	{"myanimelist.net/", regexp.MustCompile(`^myanimelist\.net/anime/(\d{1,10})`), "mal", ""},
}

// maxLinkTries bounds the domain mentions links looks at per pattern, so that a file full of
// "imdb.com/" stays fast.
const maxLinkTries = 100

// links returns the provider ids that links in text point to, the first link of each provider
// winning, and the Kind that the first link to say one names.
func links(text string) (map[string]string, Kind) {
	var (
		ids   map[string]string
		kind  Kind
		first = len(text) + 1
		lower = asciiLower(text) // same byte offsets as text, unlike strings.ToLower
	)
	for _, p := range linkPatterns {
		if ids[p.key] != "" {
			continue
		}
		for off, tries := 0, 0; tries < maxLinkTries; tries++ {
			i := strings.Index(lower[off:], p.domain)
			if i < 0 {
				break
			}
			at := off + i
			off = at + len(p.domain)
			m := p.re.FindStringSubmatch(lower[at:min(len(lower), at+120)])
			if m == nil {
				continue
			}
			id, ok := providerValue(p.key, m[1])
			if !ok {
				continue
			}
			ids = put(ids, p.key, id)
			if p.kind != "" && at < first {
				kind, first = p.kind, at
			}
			break
		}
	}
	return ids, kind
}

// asciiLower lower-cases the ASCII letters of s only.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// legacyIDs maps the id elements that predate <uniqueid>, as Kodi, Jellyfin, Emby, Sonarr and
// Radarr write them, to Walros's provider names.
var legacyIDs = map[string]string{
	"imdbid": "imdb", "imdb_id": "imdb", "tmdbid": "tmdb", "tvdbid": "tvdb", "tvmazeid": "tvmaze",
	"tvrageid": "tvrage", "anidbid": "anidb", "anilistid": "anilist", "malid": "mal",
	"tmdbcolid": "tmdbcollection", "collectionnumber": "tmdbcollection",
	"musicbrainzartistid": "musicbrainzartist", "musicbrainzalbumartistid": "musicbrainzalbumartist",
	"musicbrainzalbumid": "musicbrainzalbum", "musicbrainzreleasegroupid": "musicbrainzreleasegroup",
	"musicbrainztrackid": "musicbrainztrack", "audiodbartistid": "audiodbartist", "audiodbalbumid": "audiodbalbum",
}

// providerKey turns a provider name from <uniqueid type>, <ratings name> or episodeguide JSON into
// Walros's lower-case key. It returns "" for a name that is not one.
func providerKey(name string) string {
	k := strings.ToLower(clean(name))
	switch k {
	case "themoviedb":
		return "tmdb"
	case "thetvdb":
		return "tvdb"
	case "unknown", "": // Kodi's type when the scraper did not say
		return ""
	}
	if legacy, ok := legacyIDs[k]; ok {
		return legacy
	}
	if len(k) > 32 {
		return ""
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' && r != '.' {
			return ""
		}
	}
	return k
}

// numericIDs are the providers whose ids are positive numbers.
var numericIDs = map[string]bool{
	"tmdb": true, "tvdb": true, "tvmaze": true, "tvrage": true, "anidb": true, "anilist": true,
	"mal": true, "tmdbcollection": true,
}

// providerValue checks and normalises the id v of provider key; "0", "tt" or an id with spaces in
// it is not one.
func providerValue(key, v string) (string, bool) {
	v = clean(v)
	switch {
	case v == "" || len(v) > 100 || strings.ContainsFunc(v, isSpace):
		return "", false
	case key == "imdb":
		v = strings.ToLower(v)
		return v, len(v) > 2 && strings.HasPrefix(v, "tt") && digits(v[2:]) && strings.Trim(v[2:], "0") != ""
	case numericIDs[key]:
		v = strings.TrimLeft(v, "0")
		return v, digits(v)
	}
	return v, true
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// id reads the old <id>: an IMDb id, a TheTVDB id in tvshow.nfo, or ids in attributes
// (<id IMDB="tt0133093" TMDB="603"/>) as old Emby versions wrote them.
func (b *builder) id(e *node) {
	for _, k := range []string{"imdb", "tmdb", "tvdb"} {
		b.legacyID(k, e.attr(k))
	}
	switch v := e.value(); {
	case len(v) > 2 && strings.EqualFold(v[:2], "tt"):
		b.legacyID("imdb", v)
	case digits(v) && b.kind == KindShow:
		b.legacyID("tvdb", v)
	}
}

// episodeGuide reads tvshow.nfo's <episodeguide>: JSON ids since Kodi 20, a TheTVDB API URL before.
func (b *builder) episodeGuide(v string) {
	var ids map[string]any
	d := json.NewDecoder(strings.NewReader(v))
	d.UseNumber()
	if err := d.Decode(&ids); err != nil {
		found, _ := links(v)
		for k, id := range found {
			b.legacyID(k, id)
		}
		return
	}
	for _, k := range slices.Sorted(maps.Keys(ids)) { // sorted: "tmdb" and "themoviedb" are one key
		switch id := ids[k].(type) {
		case string:
			b.legacyID(providerKey(k), id)
		case json.Number:
			b.legacyID(providerKey(k), id.String())
		}
	}
}

func (b *builder) legacyID(key, v string) {
	if v, ok := providerValue(key, v); ok && key != "" && b.legacy[key] == "" {
		b.legacy = put(b.legacy, key, v)
	}
}
