// Package tvdb is the metadata provider for TheTVDB (API v4): series, seasons and episodes in
// aired, DVD or absolute order, with translations, artwork, cast, networks, content ratings and
// IMDb/TMDb ids.
package tvdb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// Defaults for Options.
const (
	DefaultBaseURL      = "https://api4.thetvdb.com/v4"
	DefaultImageBaseURL = "https://artworks.thetvdb.com"
	DefaultLanguage     = "eng"
)

// The episode orders Options.Order accepts.
const (
	OrderAired = "aired" // TVDB's default season type, usually the aired order
	OrderDVD   = "dvd"
)

// Options configures a Provider. Zero values pick the defaults.
type Options struct {
	BaseURL      string // API root, without a trailing slash
	ImageBaseURL string // host of the artwork paths TVDB sends without one ("/banners/...")
	// Language is the language of titles and overviews: TVDB's 3-letter code ("eng", "fra") or
	// a BCP 47 tag ("fr-FR"). A LookupQuery's Language overrides it.
	Language string
	// Order numbers episodes: OrderAired (the default; any other value reads as it) or
	// OrderDVD, which falls back to the aired order for series without a DVD one. Absolute
	// numbers, without a season, always use TVDB's absolute order.
	Order string
	// HTTP sends the login, a POST that fetch.Client does not do; default: a 15 s timeout.
	HTTP *http.Client
}

// Provider looks items up on TheTVDB. It is safe for concurrent use.
type Provider struct {
	apiKey, pin string
	client      *fetch.Client
	base        string
	images      string
	lang        string
	order       string // the season type of episode numbers: "default" or "dvd"
	session     session
}

var _ core.Provider = (*Provider)(nil)

// New returns a Provider that logs in with apiKey, and pin for a user-supported key ("" for a
// project key). It logs in at its first lookup, not here. A nil client gets fetch's defaults.
func New(apiKey, pin string, client *fetch.Client, o Options) *Provider {
	if client == nil {
		client = fetch.New(fetch.Options{})
	}
	p := &Provider{apiKey: apiKey, pin: pin, client: client, base: o.BaseURL, images: o.ImageBaseURL,
		lang: tvdbLanguage(o.Language), order: "default"}
	if p.base == "" {
		p.base = DefaultBaseURL
	}
	if p.images == "" {
		p.images = DefaultImageBaseURL
	}
	if p.lang == "" {
		p.lang = DefaultLanguage
	}
	if strings.EqualFold(o.Order, OrderDVD) {
		p.order = "dvd"
	}
	p.base = strings.TrimRight(p.base, "/")
	p.images = strings.TrimRight(p.images, "/")
	p.session = session{sem: make(chan struct{}, 1), now: time.Now, httpClient: o.HTTP}
	if p.session.httpClient == nil {
		p.session.httpClient = &http.Client{Timeout: 15 * time.Second}
	}
	return p
}

// Name returns "tvdb", the key of TVDB ids in Metadata.ProviderIDs.
func (p *Provider) Name() string { return "tvdb" }

// Supports reports whether TVDB knows items of kind: series, seasons and episodes.
func (p *Provider) Supports(kind core.ItemKind) bool {
	return kind == core.KindSeries || kind == core.KindSeason || kind == core.KindEpisode
}

// Lookup finds q on TVDB: by its tvdb id (score 1), else by title and year. Seasons and episodes
// are found through their series. It returns core.ErrNotFound when nothing matches well enough;
// any other error is TVDB's failure.
func (p *Provider) Lookup(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	lang := tvdbLanguage(q.Language)
	if lang == "" {
		lang = p.lang
	}
	switch q.Kind {
	case core.KindSeries:
		r, err := p.resolve(ctx, q.ProviderIDs, q.Title, q.Year)
		if err != nil {
			return core.Match{}, err
		}
		d, err := p.seriesRecord(ctx, r.id)
		if errors.Is(err, core.ErrNotFound) && r.known && strings.TrimSpace(q.Title) != "" {
			// A stale or mistyped id, say from an old NFO: try the title.
			if r, err = p.search(ctx, q.Title, q.Year); err == nil {
				d, err = p.seriesRecord(ctx, r.id)
			}
		}
		if err != nil {
			return core.Match{}, err
		}
		return core.Match{Metadata: p.seriesMetadata(d, lang, country(q.Language)), Score: r.score, Ambiguous: r.ambiguous}, nil
	case core.KindSeason:
		return p.lookupSeason(ctx, q)
	case core.KindEpisode:
		return p.lookupEpisode(ctx, q, lang)
	}
	return core.Match{}, fmt.Errorf("tvdb has no %s items: %w", q.Kind, core.ErrNotFound)
}

// resolved is a TVDB series id and how sure we are of it.
type resolved struct {
	id        string
	score     float64
	ambiguous bool
	known     bool // the id came from the query, not from a search
}

// resolve finds the TVDB id of a series: the known tvdb id, else the best title match.
func (p *Provider) resolve(ctx context.Context, ids map[string]string, title string, year int) (resolved, error) {
	if id := ids["tvdb"]; id != "" {
		if _, err := strconv.Atoi(id); err == nil {
			return resolved{id: id, score: 1, known: true}, nil
		}
	}
	if strings.TrimSpace(title) == "" {
		return resolved{}, fmt.Errorf("tvdb series: no id nor title to look up: %w", core.ErrNotFound)
	}
	return p.search(ctx, title, year)
}

// resolveSeries finds the series of a season or episode. The query's own title and year are the
// episode's, not the series', so the search uses neither.
func (p *Provider) resolveSeries(ctx context.Context, q core.LookupQuery) (resolved, error) {
	return p.resolve(ctx, q.SeriesProviderIDs, q.SeriesTitle, 0)
}

// search scores TVDB's series candidates for title and year and returns the best.
func (p *Provider) search(ctx context.Context, title string, year int) (resolved, error) {
	params := url.Values{"query": {title}, "type": {"series"}}
	if year > 0 {
		params.Set("year", strconv.Itoa(year))
	}
	var res envelope[[]searchResult]
	if err := p.get(ctx, "/search", params, &res); err != nil {
		return resolved{}, fmt.Errorf("tvdb search %q: %w", title, err)
	}
	if len(res.Data) == 0 && year > 0 {
		// The year filter is strict: a series dated a year off finds nothing. Ask again without
		// it and let the scoring weigh the year.
		params.Del("year")
		if err := p.get(ctx, "/search", params, &res); err != nil {
			return resolved{}, fmt.Errorf("tvdb search %q: %w", title, err)
		}
	}
	cs := make([]candidate, 0, len(res.Data))
	for _, r := range res.Data {
		if r.TVDBID != "" {
			cs = append(cs, r.candidate())
		}
	}
	c, score, ambiguous := best(title, year, cs)
	if score < threshold {
		return resolved{}, fmt.Errorf("tvdb search %q (%d): no good match: %w", title, year, core.ErrNotFound)
	}
	return resolved{id: c.id, score: score, ambiguous: ambiguous}, nil
}

// get fetches path with params and the bearer token into v. A token TVDB refuses (expired or
// revoked before its month is up) is renewed once.
func (p *Provider) get(ctx context.Context, path string, params url.Values, v any) error {
	u := p.base + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	tok, err := p.token(ctx, "")
	if err != nil {
		return err
	}
	err = p.client.GetJSON(ctx, u, bearer(tok), v)
	if !unauthorized(err) {
		return err
	}
	if tok, err = p.token(ctx, tok); err != nil {
		return err
	}
	return p.client.GetJSON(ctx, u, bearer(tok), v)
}

// image returns the URL of an artwork, which TVDB sends whole or as a path on its artwork host.
func (p *Provider) image(s string) string {
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		return s
	case strings.HasPrefix(s, "/"):
		return p.images + s
	}
	return p.images + "/" + s
}
