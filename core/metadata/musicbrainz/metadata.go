package musicbrainz

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// maxGenres is how many genres an item keeps: MusicBrainz lists every genre an editor voted
// for, and the tail is noise.
const maxGenres = 5

func artistMetadata(a artist) core.Metadata {
	m := core.Metadata{Title: a.Name, Year: year4(a.LifeSpan.Begin), Genres: topGenres(a.Genres),
		ProviderIDs: map[string]string{keyArtist: a.ID}}
	if a.SortName != a.Name {
		m.SortTitle = a.SortName
	}
	linkIDs(m.ProviderIDs, a.Relations, "artist", "artist")
	return m
}

func releaseGroupMetadata(rg releaseGroup) core.Metadata {
	m := core.Metadata{Title: rg.Title, Year: year4(rg.FirstReleaseDate), Premiere: date(rg.FirstReleaseDate),
		Genres: topGenres(rg.Genres), ProviderIDs: map[string]string{keyReleaseGroup: rg.ID}}
	if len(rg.ArtistCredit) > 0 && rg.ArtistCredit[0].Artist.ID != "" {
		m.ProviderIDs[keyAlbumArtist] = rg.ArtistCredit[0].Artist.ID
	}
	linkIDs(m.ProviderIDs, rg.Relations, "album", "master")
	return m
}

func recordingMetadata(r recording) core.Metadata {
	return core.Metadata{Title: r.Title, Year: year4(r.FirstReleaseDate), Premiere: date(r.FirstReleaseDate),
		Runtime: time.Duration(r.Length) * time.Millisecond, Genres: topGenres(r.Genres),
		ProviderIDs: map[string]string{keyRecording: r.ID}}
}

// topGenres returns the most voted genres first, at most maxGenres of them.
func topGenres(gs []genre) []string {
	gs = slices.Clone(gs)
	slices.SortStableFunc(gs, func(a, b genre) int { return cmp.Compare(b.Count, a.Count) })
	var out []string
	for _, g := range gs {
		if name := strings.TrimSpace(g.Name); name != "" && len(out) < maxGenres {
			out = append(out, name)
		}
	}
	return out
}

// linkIDs adds the ids that url relationships give away: open.spotify.com/{spotifyKind}/ID,
// www.discogs.com/{discogsKind}/ID and www.wikidata.org/wiki/QID. Other kinds of links (a
// Spotify track, a Discogs release) are not the item's own.
func linkIDs(ids map[string]string, rels []relation, spotifyKind, discogsKind string) {
	for _, r := range rels {
		if r.TargetType != "url" {
			continue
		}
		u, err := url.Parse(r.URL.Resource)
		if err != nil {
			continue
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) != 2 || parts[1] == "" {
			continue
		}
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		switch {
		case host == "open.spotify.com" && parts[0] == spotifyKind:
			ids["spotify"] = parts[1]
		case host == "discogs.com" && parts[0] == discogsKind:
			ids["discogs"] = parts[1]
		case host == "wikidata.org" && parts[0] == "wiki" && strings.HasPrefix(parts[1], "Q"):
			ids["wikidata"] = parts[1]
		}
	}
}

// year4 reads the year of a partial date ("1973", "1973-11", "1973-11-05").
func year4(d string) int {
	if len(d) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(d[:4])
	return y
}

// date reads a partial date. A month alone is dated the first of the month; a year alone gives
// no date, only Year, rather than inventing 1 January.
func date(d string) time.Time {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, d); err == nil {
			return t
		}
	}
	return time.Time{}
}
