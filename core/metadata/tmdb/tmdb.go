// Package tmdb is the metadata provider for The Movie Database (API v3): movies, series, seasons
// and episodes, with cast, crew, images, collections, certifications and IMDb/TVDB ids.
package tmdb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// Defaults for Options.
const (
	DefaultBaseURL      = "https://api.themoviedb.org/3"
	DefaultImageBaseURL = "https://image.tmdb.org/t/p/original"
	DefaultLanguage     = "en-US"
)

// Options configures a Provider. Zero values pick the defaults.
type Options struct {
	BaseURL      string // API root, without a trailing slash
	ImageBaseURL string // prefix of image paths such as "/abc.jpg"
	Language     string // BCP 47; its region ("US" in "en-US") picks the certification
}

// Provider looks items up on TMDb. It is safe for concurrent use.
type Provider struct {
	key    string
	bearer bool // a v4 read access token, sent as a header rather than as api_key
	client *fetch.Client
	base   string
	images string
	lang   string
}

var _ core.Provider = (*Provider)(nil)

// New returns a Provider that authenticates with apiKey: a v3 API key (32 hex digits) or a v4
// read access token (a JWT, longer and dotted). A nil client gets fetch's defaults.
func New(apiKey string, client *fetch.Client, o Options) *Provider {
	if client == nil {
		client = fetch.New(fetch.Options{})
	}
	p := &Provider{key: apiKey, client: client, base: o.BaseURL, images: o.ImageBaseURL, lang: o.Language}
	p.bearer = len(apiKey) > 40 && strings.Contains(apiKey, ".")
	if p.base == "" {
		p.base = DefaultBaseURL
	}
	if p.images == "" {
		p.images = DefaultImageBaseURL
	}
	if p.lang == "" {
		p.lang = DefaultLanguage
	}
	p.base = strings.TrimRight(p.base, "/")
	p.images = strings.TrimRight(p.images, "/")
	return p
}

// Name returns "tmdb", the key of TMDb ids in Metadata.ProviderIDs.
func (p *Provider) Name() string { return "tmdb" }

// Supports reports whether TMDb knows items of kind: movies, series, seasons and episodes.
func (p *Provider) Supports(kind core.ItemKind) bool {
	switch kind {
	case core.KindMovie, core.KindSeries, core.KindSeason, core.KindEpisode:
		return true
	}
	return false
}

// Lookup finds q on TMDb: by its tmdb id (score 1), else by its IMDb or TVDB id, else by title
// and year. Seasons and episodes are found through their series. It returns core.ErrNotFound
// when nothing matches well enough; any other error is TMDb's failure.
func (p *Provider) Lookup(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	lang := q.Language
	if lang == "" {
		lang = p.lang
	}
	switch q.Kind {
	case core.KindMovie:
		return p.identify(ctx, movies, q.ProviderIDs, q.Title, q.Year, lang, p.movie)
	case core.KindSeries:
		return p.identify(ctx, series, q.ProviderIDs, q.Title, q.Year, lang, p.series)
	case core.KindSeason:
		return p.lookupSeason(ctx, q, lang)
	case core.KindEpisode:
		return p.lookupEpisode(ctx, q, lang)
	}
	return core.Match{}, fmt.Errorf("tmdb has no %s items: %w", q.Kind, core.ErrNotFound)
}

// kind is what differs between looking up movies and series.
type kind struct {
	path      string   // "movie" or "tv" in API paths
	yearParam string   // the search parameter for the year
	external  []string // the ids /find resolves for this kind, in order of trust
}

var (
	movies = kind{path: "movie", yearParam: "year", external: []string{"imdb"}}
	series = kind{path: "tv", yearParam: "first_air_date_year", external: []string{"imdb", "tvdb"}}
)

// resolved is a TMDb id and how sure we are of it.
type resolved struct {
	id        string
	score     float64
	ambiguous bool
	known     bool // the id came from the query, not from TMDb
}

type detailsFunc func(ctx context.Context, id, lang string) (core.Metadata, error)

// identify resolves a movie or series and fetches its details.
func (p *Provider) identify(ctx context.Context, k kind, ids map[string]string, title string, year int, lang string, details detailsFunc) (core.Match, error) {
	r, err := p.resolve(ctx, k, ids, title, year, lang)
	if err != nil {
		return core.Match{}, err
	}
	m, err := details(ctx, r.id, lang)
	if errors.Is(err, core.ErrNotFound) && r.known {
		// A stale or mistyped id, say from an old NFO: try the other ids and the title.
		rest := maps.Clone(ids)
		delete(rest, "tmdb")
		return p.identify(ctx, k, rest, title, year, lang, details)
	}
	if err != nil {
		return core.Match{}, err
	}
	return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
}

// resolve finds the TMDb id of a movie or series: the known tmdb id, else an external id through
// /find, else the best title match.
func (p *Provider) resolve(ctx context.Context, k kind, ids map[string]string, title string, year int, lang string) (resolved, error) {
	if id := ids["tmdb"]; id != "" {
		if _, err := strconv.Atoi(id); err == nil {
			return resolved{id: id, score: 1, known: true}, nil
		}
	}
	for _, src := range k.external {
		ext := ids[src]
		if ext == "" {
			continue
		}
		var res findResponse
		params := url.Values{"external_source": {src + "_id"}}
		if err := p.get(ctx, "/find/"+url.PathEscape(ext), params, lang, &res); err != nil {
			if errors.Is(err, core.ErrNotFound) {
				continue
			}
			return resolved{}, fmt.Errorf("tmdb find %s %s: %w", src, ext, err)
		}
		found := res.MovieResults
		if k.path == "tv" {
			found = res.TVResults
		}
		if len(found) > 0 {
			return resolved{id: strconv.Itoa(found[0].ID), score: 1}, nil
		}
	}
	if strings.TrimSpace(title) == "" {
		return resolved{}, fmt.Errorf("tmdb %s: no id nor title to look up: %w", k.path, core.ErrNotFound)
	}
	return p.search(ctx, k, title, year, lang)
}

// search scores TMDb's candidates for title and year and returns the best.
func (p *Provider) search(ctx context.Context, k kind, title string, year int, lang string) (resolved, error) {
	params := url.Values{"query": {title}, "include_adult": {"false"}}
	if year > 0 {
		params.Set(k.yearParam, strconv.Itoa(year))
	}
	var res searchResponse
	if err := p.get(ctx, "/search/"+k.path, params, lang, &res); err != nil {
		return resolved{}, fmt.Errorf("tmdb search %s %q: %w", k.path, title, err)
	}
	if len(res.Results) == 0 && year > 0 {
		// The year filter is strict: a file dated a year off finds nothing. Ask again without it
		// and let the scoring weigh the year.
		params.Del(k.yearParam)
		if err := p.get(ctx, "/search/"+k.path, params, lang, &res); err != nil {
			return resolved{}, fmt.Errorf("tmdb search %s %q: %w", k.path, title, err)
		}
	}
	best, score, ambiguous := pick(title, year, res.Results)
	if score < threshold {
		return resolved{}, fmt.Errorf("tmdb search %s %q (%d): no good match: %w", k.path, title, year, core.ErrNotFound)
	}
	return resolved{id: strconv.Itoa(best.ID), score: score, ambiguous: ambiguous}, nil
}

// get fetches path from the API with params, the language and the credentials.
func (p *Provider) get(ctx context.Context, path string, params url.Values, lang string, v any) error {
	q := url.Values{}
	maps.Copy(q, params)
	if lang != "" {
		q.Set("language", lang)
	}
	var h http.Header
	if p.bearer {
		h = http.Header{"Authorization": {"Bearer " + p.key}}
	} else if p.key != "" {
		q.Set("api_key", p.key)
	}
	return p.client.GetJSON(ctx, p.base+path+"?"+q.Encode(), h, v)
}

// image returns the full URL of an image path, or "" when TMDb has none.
func (p *Provider) image(path string) string {
	if path == "" {
		return ""
	}
	return p.images + path
}
