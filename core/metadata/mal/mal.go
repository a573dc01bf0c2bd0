// Package mal is the metadata provider for MyAnimeList through Jikan (API v4), an unofficial,
// read-only MyAnimeList API that needs no key: anime series, anime films and their episodes.
package mal

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// Defaults for Options.
const (
	DefaultBaseURL  = "https://api.jikan.moe/v4"
	DefaultLanguage = "en"
)

// searchLimit is how many candidates a search asks for: the right one is nearly always among
// Jikan's first few, and larger pages cost MyAnimeList more.
const searchLimit = 10

// Options configures a Provider. Zero values pick the defaults.
type Options struct {
	BaseURL string // API root, without a trailing slash
	// Language picks the title, a BCP 47 tag: the English title for "en", the French one for
	// "fr"..., the Japanese one for "ja", else MyAnimeList's romanized default. A LookupQuery's
	// Language overrides it.
	Language string
}

// ClientOptions returns the fetch options Jikan's limits call for: 3 requests a second and 60 a
// minute, so at most 1 a second on average, one at a time. Callers add a cache, a logger and a
// User-Agent: fetch.New(mal.ClientOptions()) is a sound start.
func ClientOptions() fetch.Options {
	return fetch.Options{Rate: 1, Burst: 1}
}

// Provider looks anime up on MyAnimeList through Jikan. It is safe for concurrent use.
type Provider struct {
	client *fetch.Client
	base   string
	lang   string
}

var _ core.Provider = (*Provider)(nil)

// New returns a Provider that asks Jikan through client. Give it a client of its own, built
// from ClientOptions (Rate at most 1): the rate limit of a client covers every request made
// through it, and Jikan answers a faster pace with 429s. A nil client gets ClientOptions.
func New(client *fetch.Client, o Options) *Provider {
	if client == nil {
		client = fetch.New(ClientOptions())
	}
	p := &Provider{client: client, base: strings.TrimRight(o.BaseURL, "/"), lang: o.Language}
	if p.base == "" {
		p.base = DefaultBaseURL
	}
	if p.lang == "" {
		p.lang = DefaultLanguage
	}
	return p
}

// Name returns "mal", the key of MyAnimeList ids in Metadata.ProviderIDs.
func (p *Provider) Name() string { return "mal" }

// Supports reports whether MyAnimeList knows items of kind: anime series, films and episodes.
// It has no seasons: each season of an anime is an entry of its own.
func (p *Provider) Supports(kind core.ItemKind) bool {
	return kind == core.KindSeries || kind == core.KindMovie || kind == core.KindEpisode
}

// Lookup finds q on MyAnimeList: by its mal id (score 1), else by title and year among TV anime
// (series) or films (movies). Episodes are found through their anime, by absolute number. It
// returns core.ErrNotFound when nothing matches well enough; any other error is Jikan's or
// MyAnimeList's failure.
func (p *Provider) Lookup(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	lang := q.Language
	if lang == "" {
		lang = p.lang
	}
	switch q.Kind {
	case core.KindSeries:
		return p.identify(ctx, "tv", q, lang)
	case core.KindMovie:
		return p.identify(ctx, "movie", q, lang)
	case core.KindEpisode:
		return p.lookupEpisode(ctx, q)
	}
	return core.Match{}, fmt.Errorf("mal has no %s items: %w", q.Kind, core.ErrNotFound)
}

// resolved is a MyAnimeList id and how sure we are of it.
type resolved struct {
	id        string
	score     float64
	ambiguous bool
	known     bool // the id came from the query, not from a search
}

// identify resolves an anime of type ("tv" or "movie") and fetches its details.
func (p *Provider) identify(ctx context.Context, typ string, q core.LookupQuery, lang string) (core.Match, error) {
	r, err := p.resolve(ctx, typ, q.ProviderIDs, q.Title, q.Year)
	if err != nil {
		return core.Match{}, err
	}
	a, err := p.anime(ctx, r.id)
	if errors.Is(err, core.ErrNotFound) && r.known && strings.TrimSpace(q.Title) != "" {
		// A stale or mistyped id, say from an old NFO: try the title.
		if r, err = p.search(ctx, typ, q.Title, q.Year); err == nil {
			a, err = p.anime(ctx, r.id)
		}
	}
	if err != nil {
		return core.Match{}, err
	}
	return core.Match{Metadata: metadata(a, lang), Score: r.score, Ambiguous: r.ambiguous}, nil
}

// resolve finds the id of an anime: the known mal id, else the best title match.
func (p *Provider) resolve(ctx context.Context, typ string, ids map[string]string, title string, year int) (resolved, error) {
	if id := ids["mal"]; id != "" {
		if _, err := strconv.Atoi(id); err == nil {
			return resolved{id: id, score: 1, known: true}, nil
		}
	}
	if strings.TrimSpace(title) == "" {
		return resolved{}, fmt.Errorf("mal %s: no id nor title to look up: %w", typ, core.ErrNotFound)
	}
	return p.search(ctx, typ, title, year)
}

// search scores Jikan's candidates of type for title and year and returns the best. Jikan has
// no year filter, only dates, so the year is left to the scoring.
func (p *Provider) search(ctx context.Context, typ, title string, year int) (resolved, error) {
	params := url.Values{"q": {title}, "type": {typ}, "limit": {strconv.Itoa(searchLimit)}}
	var res searchResponse
	if err := p.client.GetJSON(ctx, p.base+"/anime?"+params.Encode(), nil, &res); err != nil {
		return resolved{}, fmt.Errorf("mal search %s %q: %w", typ, title, err)
	}
	best, score, ambiguous := pick(title, year, res.Data)
	if score < threshold {
		return resolved{}, fmt.Errorf("mal search %s %q (%d): no good match: %w", typ, title, year, core.ErrNotFound)
	}
	return resolved{id: strconv.Itoa(best.MalID), score: score, ambiguous: ambiguous}, nil
}

// anime fetches an anime's full record.
func (p *Provider) anime(ctx context.Context, id string) (anime, error) {
	var res fullResponse
	if err := p.client.GetJSON(ctx, p.base+"/anime/"+url.PathEscape(id)+"/full", nil, &res); err != nil {
		return anime{}, fmt.Errorf("mal anime %s: %w", id, err)
	}
	if res.Data.MalID == 0 {
		return anime{}, fmt.Errorf("mal anime %s: %w: no record in the answer", id, fetch.ErrMalformed)
	}
	return res.Data, nil
}
