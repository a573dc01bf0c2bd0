// Package musicbrainz is the metadata provider for MusicBrainz (WS/2, JSON): music artists,
// albums (release groups) and, by id only, tracks (recordings). It needs no key, but
// MusicBrainz allows one request a second per client and requires a User-Agent naming the
// application and a way to contact its operator; see ClientOptions.
package musicbrainz

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
	"github.com/walros/walros/core/metadata/match"
)

// DefaultBaseURL is the root of MusicBrainz's web service.
const DefaultBaseURL = "https://musicbrainz.org/ws/2"

// defaultContact is given in the User-Agent when the operator gives none.
const defaultContact = "https://github.com/walros/walros"

// searchLimit is how many candidates a search asks for.
const searchLimit = 10

// The ProviderIDs keys, as core/metadata/nfo reads Kodi's and Jellyfin's id elements.
const (
	keyArtist       = "musicbrainzartist"
	keyAlbumArtist  = "musicbrainzalbumartist"
	keyReleaseGroup = "musicbrainzreleasegroup"
	keyRelease      = "musicbrainzalbum" // Kodi's musicbrainzalbumid is a release, one edition
	keyRecording    = "musicbrainztrack" // Picard's "MusicBrainz Track Id" is a recording
)

// Options configures a Provider. Zero values pick the defaults.
type Options struct {
	BaseURL string // API root, without a trailing slash: DefaultBaseURL or a mirror's
}

// ClientOptions returns the fetch options MusicBrainz's rules call for: at most one request a
// second, one at a time (faster clients get 503s, and then a ban), and a User-Agent
// "Walros/<version> ( contact )": MusicBrainz throttles or blocks anonymous and generic agents.
// contact is a URL or an e-mail address of the server's operator; Walros's project page stands
// in when it is empty. Callers add a cache and a logger.
func ClientOptions(contact string) fetch.Options {
	version := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = strings.TrimPrefix(bi.Main.Version, "v")
	}
	contact = cmp.Or(strings.TrimSpace(contact), defaultContact)
	return fetch.Options{Rate: 1, Burst: 1, UserAgent: "Walros/" + version + " ( " + contact + " )"}
}

// Provider looks music up on MusicBrainz. It is safe for concurrent use.
type Provider struct {
	client *fetch.Client
	base   string
}

var _ core.Provider = (*Provider)(nil)

// New returns a Provider that asks MusicBrainz through client. Give it a client of its own,
// built from ClientOptions: the rate limit of a client covers every request made through it. A
// nil client gets ClientOptions("").
func New(client *fetch.Client, o Options) *Provider {
	if client == nil {
		client = fetch.New(ClientOptions(""))
	}
	return &Provider{client: client, base: strings.TrimRight(cmp.Or(o.BaseURL, DefaultBaseURL), "/")}
}

// Name returns "musicbrainz". Its ids go under several keys of Metadata.ProviderIDs, one per
// kind of entity: musicbrainzartist, musicbrainzreleasegroup, musicbrainztrack...
func (p *Provider) Name() string { return "musicbrainz" }

// Supports reports whether MusicBrainz knows items of kind: artists, albums and tracks.
func (p *Provider) Supports(kind core.ItemKind) bool {
	return kind == core.KindArtist || kind == core.KindAlbum || kind == core.KindTrack
}

// Lookup finds q on MusicBrainz. An artist is found by its musicbrainzartist id, else by name;
// an album by its musicbrainzreleasegroup id, its musicbrainzalbum (release) id, else by title
// (q.Title), album artist (q.SeriesTitle) and year; a track only by its musicbrainztrack
// (recording) id. A lookup by id scores 1. It returns core.ErrNotFound when nothing matches
// well enough; any other error is MusicBrainz's failure.
func (p *Provider) Lookup(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	switch q.Kind {
	case core.KindArtist:
		return p.lookupArtist(ctx, q)
	case core.KindAlbum:
		return p.lookupAlbum(ctx, q)
	case core.KindTrack:
		id, ok := mbid(q.ProviderIDs[keyRecording])
		if !ok {
			return core.Match{}, fmt.Errorf("musicbrainz track %q: no recording id: %w", q.Title, core.ErrNotFound)
		}
		var r recording
		if err := p.get(ctx, "recording/"+id, "artist-credits+genres", &r); err != nil {
			return core.Match{}, err
		}
		return core.Match{Metadata: recordingMetadata(r), Score: 1}, nil
	}
	return core.Match{}, fmt.Errorf("musicbrainz has no %s items: %w", q.Kind, core.ErrNotFound)
}

func (p *Provider) lookupArtist(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	score, ambiguous := 1.0, false
	id, ok := mbid(q.ProviderIDs[keyArtist])
	if !ok {
		var err error
		if id, score, ambiguous, err = p.searchArtist(ctx, q.Title, q.Year); err != nil {
			return core.Match{}, err
		}
	}
	var a artist
	err := p.get(ctx, "artist/"+id, "url-rels+genres", &a)
	if ok && errors.Is(err, core.ErrNotFound) && strings.TrimSpace(q.Title) != "" {
		// A stale or merged-away id, say from an old NFO: try the name.
		if id, score, ambiguous, err = p.searchArtist(ctx, q.Title, q.Year); err == nil {
			err = p.get(ctx, "artist/"+id, "url-rels+genres", &a)
		}
	}
	if err != nil {
		return core.Match{}, err
	}
	return core.Match{Metadata: artistMetadata(a), Score: score, Ambiguous: ambiguous}, nil
}

// searchArtist returns the id of the artist that best matches name (and the year it began,
// when known).
func (p *Provider) searchArtist(ctx context.Context, name string, year int) (string, float64, bool, error) {
	if strings.TrimSpace(name) == "" {
		return "", 0, false, fmt.Errorf("musicbrainz artist: no id nor name to look up: %w", core.ErrNotFound)
	}
	var res artistSearch
	if err := p.search(ctx, "artist", field("artist", name), &res); err != nil {
		return "", 0, false, err
	}
	scores := make([]float64, len(res.Artists))
	for i, a := range res.Artists {
		c := artistCandidate(a)
		c.Year = year4(a.LifeSpan.Begin)
		scores[i] = rate(name, year, c, a.Score)
	}
	i, score, ambiguous := best(scores)
	if i < 0 {
		return "", 0, false, fmt.Errorf("musicbrainz search artist %q: no good match: %w", name, core.ErrNotFound)
	}
	return res.Artists[i].ID, score, ambiguous, nil
}

func (p *Provider) lookupAlbum(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	score, ambiguous := 1.0, false
	id, known := mbid(q.ProviderIDs[keyReleaseGroup])
	if rel, ok := mbid(q.ProviderIDs[keyRelease]); !known && ok {
		var r release
		err := p.get(ctx, "release/"+rel, "release-groups", &r)
		switch {
		case err == nil && r.ReleaseGroup.ID != "":
			id, known = r.ReleaseGroup.ID, true
		case err != nil && !errors.Is(err, core.ErrNotFound):
			return core.Match{}, err
		}
	}
	var err error
	if !known {
		if id, score, ambiguous, err = p.searchAlbum(ctx, q); err != nil {
			return core.Match{}, err
		}
	}
	const inc = "genres+artist-credits+url-rels"
	var rg releaseGroup
	err = p.get(ctx, "release-group/"+id, inc, &rg)
	if known && errors.Is(err, core.ErrNotFound) && strings.TrimSpace(q.Title) != "" {
		if id, score, ambiguous, err = p.searchAlbum(ctx, q); err == nil {
			err = p.get(ctx, "release-group/"+id, inc, &rg)
		}
	}
	if err != nil {
		return core.Match{}, err
	}
	return core.Match{Metadata: releaseGroupMetadata(rg), Score: score, Ambiguous: ambiguous}, nil
}

// searchAlbum returns the id of the release group that best matches q's title and year among
// those credited to q.SeriesTitle.
func (p *Provider) searchAlbum(ctx context.Context, q core.LookupQuery) (string, float64, bool, error) {
	if strings.TrimSpace(q.Title) == "" {
		return "", 0, false, fmt.Errorf("musicbrainz album: no id nor title to look up: %w", core.ErrNotFound)
	}
	query := field("releasegroup", q.Title)
	if strings.TrimSpace(q.SeriesTitle) != "" {
		query += " AND " + field("artist", q.SeriesTitle)
	}
	var res releaseGroupSearch
	if err := p.search(ctx, "release-group", query, &res); err != nil {
		return "", 0, false, err
	}
	scores := make([]float64, len(res.ReleaseGroups))
	for i, rg := range res.ReleaseGroups {
		scores[i] = -1 // by someone else: not a candidate
		if credited(rg.ArtistCredit, q.SeriesTitle) {
			c := match.Candidate{Titles: []string{rg.Title}, Year: year4(rg.FirstReleaseDate)}
			scores[i] = rate(q.Title, q.Year, c, rg.Score)
			if rg.PrimaryType != "" && rg.PrimaryType != "Album" {
				// An album folder most often holds the album: its single of the same title
				// and year ranks just below it, rather than tying.
				scores[i] *= 0.9
			}
		}
	}
	i, score, ambiguous := best(scores)
	if i < 0 {
		return "", 0, false, fmt.Errorf("musicbrainz search album %q by %q (%d): no good match: %w",
			q.Title, q.SeriesTitle, q.Year, core.ErrNotFound)
	}
	return res.ReleaseGroups[i].ID, score, ambiguous, nil
}

// get fetches one entity with its inc= subqueries.
func (p *Provider) get(ctx context.Context, path, inc string, v any) error {
	// inc is written as the documentation spells it, "url-rels+genres": a literal + is read as
	// a space, which MusicBrainz takes as the separator.
	if err := p.client.GetJSON(ctx, p.base+"/"+path+"?fmt=json&inc="+inc, nil, v); err != nil {
		return fmt.Errorf("musicbrainz %s: %w", path, err)
	}
	return nil
}

// search runs a Lucene query against entity's index.
func (p *Provider) search(ctx context.Context, entity, query string, v any) error {
	params := url.Values{"query": {query}, "limit": {strconv.Itoa(searchLimit)}, "fmt": {"json"}}
	if err := p.client.GetJSON(ctx, p.base+"/"+entity+"?"+params.Encode(), nil, v); err != nil {
		return fmt.Errorf("musicbrainz search %s %q: %w", entity, query, err)
	}
	return nil
}

// mbid returns s as a MusicBrainz id, a lower-case UUID, if it is one.
func mbid(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 36 {
		return "", false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return "", false
			}
		case !('0' <= r && r <= '9' || 'a' <= r && r <= 'f'):
			return "", false
		}
	}
	return s, true
}
