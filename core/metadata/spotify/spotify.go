// Package spotify is the metadata provider for Spotify's Web API, through
// github.com/zmb3/spotify/v2: artwork and genres of music artists and albums. It signs in with
// the client-credentials flow, which needs a registered app's id and secret but no user.
package spotify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/zmb3/spotify/v2"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// Defaults for Options.
const (
	DefaultAPIBaseURL = "https://api.spotify.com/v1/"
	DefaultTokenURL   = "https://accounts.spotify.com/api/token"
)

// searchLimit is how many candidates a search asks for.
const searchLimit = 10

// Options configures a Provider. Zero values pick the defaults.
type Options struct {
	APIBaseURL string       // Web API root; tests point it at a fake server
	TokenURL   string       // the accounts service's token endpoint
	HTTP       *http.Client // default: a client with a 15 s timeout; its Transport carries every request
	Retries    int          // retries of a 429 or 5xx answer; default 3, negative for none
	// Sleep waits for d or until ctx is done; tests inject one that records and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Provider looks music artists and albums up on Spotify. It is safe for concurrent use.
type Provider struct {
	api    *spotify.Client
	http   *http.Client // authenticated, with retries: for what zmb3/spotify does not decode
	base   string
	redact redactor
}

var _ core.Provider = (*Provider)(nil)

// New returns a Provider that signs in as the Spotify app clientID. The token is fetched on
// the first request, cached until it expires and renewed after a 401. clientSecret never
// appears in errors.
func New(clientID, clientSecret string, o Options) *Provider {
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	base := cmp.Or(hc.Transport, http.DefaultTransport)
	retries := o.Retries
	switch {
	case retries == 0:
		retries = 3
	case retries < 0:
		retries = 0
	}
	cfg := &clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret,
		TokenURL: cmp.Or(o.TokenURL, DefaultTokenURL), AuthStyle: oauth2.AuthStyleInHeader}
	// The token endpoint is reached through the caller's transport and timeout too.
	tokenCtx := context.WithValue(context.Background(), oauth2.HTTPClient,
		&http.Client{Transport: base, Timeout: hc.Timeout})
	toks := newTokens(tokenCtx, cfg)
	rt := &retryTransport{auth: &oauth2.Transport{Source: toks, Base: base}, tokens: toks,
		retries: retries, sleep: o.Sleep}
	if rt.sleep == nil {
		rt.sleep = sleep
	}
	authed := &http.Client{Transport: rt, Timeout: hc.Timeout}
	apiBase := strings.TrimRight(cmp.Or(o.APIBaseURL, DefaultAPIBaseURL), "/") + "/"
	return &Provider{api: spotify.New(authed, spotify.WithBaseURL(apiBase)), http: authed, base: apiBase,
		redact: newRedactor(clientID, clientSecret)}
}

// Name returns "spotify", the key of Spotify ids in Metadata.ProviderIDs.
func (p *Provider) Name() string { return "spotify" }

// Supports reports whether Spotify knows items of kind: artists and albums.
func (p *Provider) Supports(kind core.ItemKind) bool {
	return kind == core.KindArtist || kind == core.KindAlbum
}

// Lookup finds q on Spotify: by its spotify id (score 1), else by name. For an album,
// q.Title is the album's title and q.SeriesTitle its album artist, as the scanner fills them
// for music; q.Year, when known, helps choose among editions. It returns core.ErrNotFound when
// nothing matches well enough; any other error is Spotify's failure.
func (p *Provider) Lookup(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	var m core.Match
	var err error
	switch q.Kind {
	case core.KindArtist:
		m, err = p.lookupArtist(ctx, q)
	case core.KindAlbum:
		m, err = p.lookupAlbum(ctx, q)
	default:
		return core.Match{}, fmt.Errorf("spotify has no %s items: %w", q.Kind, core.ErrNotFound)
	}
	return m, p.redact.err(err)
}

// knownID returns the Spotify id in ids, accepting a bare base-62 id or a spotify:kind:id URI.
func knownID(ids map[string]string, kind string) (spotify.ID, bool) {
	id := strings.TrimPrefix(strings.TrimSpace(ids["spotify"]), "spotify:"+kind+":")
	if len(id) != 22 { // Spotify ids are 22 base-62 digits
		return "", false
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return "", false
		}
	}
	return spotify.ID(id), true
}

// fallBack reports whether a failed lookup by id should be retried as a search: the id is
// stale or mistyped (an old NFO) and there is a title to search for.
func fallBack(err error, title string) bool {
	return errors.Is(err, core.ErrNotFound) && strings.TrimSpace(title) != ""
}

// classify wraps the errors of zmb3/spotify: a 404 becomes core.ErrNotFound and an undecodable
// answer fetch.ErrMalformed, so that callers test one set of sentinels for every provider.
func classify(err error) error {
	var se spotify.Error
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Status == http.StatusNotFound:
		return fmt.Errorf("%w: %v", core.ErrNotFound, err)
	case errors.As(err, &se):
		return fmt.Errorf("%d: %w", se.Status, err)
	case errors.As(err, &syn), errors.As(err, &typ), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %v", fetch.ErrMalformed, err)
	}
	return err
}

// fullAlbum is GET /albums/{id}. zmb3/spotify v2.4.3 does not decode the album's label, so it
// is fetched here, through the same authenticated client.
type fullAlbum struct {
	spotify.FullAlbum
	Label string `json:"label"`
}

// album fetches an album's full record.
func (p *Provider) album(ctx context.Context, id spotify.ID) (*fullAlbum, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"albums/"+string(id), nil)
	if err != nil {
		return nil, fmt.Errorf("spotify album %s: %w", id, err)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("spotify album %s: %w", id, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, fetch.MaxBody))
	if err != nil {
		return nil, fmt.Errorf("spotify album %s: read: %w", id, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error spotify.Error `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		e.Error.Status = resp.StatusCode
		e.Error.Message = cmp.Or(e.Error.Message, http.StatusText(resp.StatusCode))
		return nil, fmt.Errorf("spotify album %s: %w", id, classify(e.Error))
	}
	var a fullAlbum
	if err := json.Unmarshal(body, &a); err != nil || a.ID == "" {
		return nil, fmt.Errorf("spotify album %s: %w: %v", id, fetch.ErrMalformed, err)
	}
	return &a, nil
}
