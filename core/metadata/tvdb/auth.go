package tvdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/walros/walros/core/metadata/fetch"
)

// ErrUnauthorized means TVDB refused the API key or PIN: an admin must fix the configuration.
var ErrUnauthorized = errors.New("tvdb refused the API key or PIN")

// rejectedFor is how long a refused key is remembered: without it a scan of ten thousand files
// would send TVDB ten thousand logins with a key it already refused.
const rejectedFor = 10 * time.Minute

// maxLoginBody caps the login answer, which is a token of about a kilobyte.
const maxLoginBody = 64 << 10

// session is the bearer token and its renewal. sem lets one login run at a time while the
// others wait on it, watching their ctx; it guards every other field.
type session struct {
	sem        chan struct{}
	token      string
	refused    error // the last ErrUnauthorized answer, replayed until rejectedFor has passed
	refusedAt  time.Time
	now        func() time.Time
	httpClient *http.Client
}

// token returns the bearer token, logging in when there is none yet or when the one in hand
// is stale: the token a request was just refused with. Concurrent renewals log in once.
func (p *Provider) token(ctx context.Context, stale string) (string, error) {
	s := &p.session
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("tvdb login: %w", context.Cause(ctx))
	}
	defer func() { <-s.sem }()
	if s.token != "" && s.token != stale {
		return s.token, nil
	}
	if s.refused != nil && s.now().Sub(s.refusedAt) < rejectedFor {
		return "", s.refused
	}
	tok, err := p.login(ctx)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			s.refused, s.refusedAt = err, s.now()
		}
		s.token = ""
		return "", err
	}
	s.token, s.refused = tok, nil
	return tok, nil
}

// login trades the API key (and the PIN of a user-supported key) for a bearer token that lasts
// a month. fetch.Client only GETs, so this POST goes through its own client: neither the request
// body nor the credentials ever reach an error or a log.
func (p *Provider) login(ctx context.Context) (string, error) {
	body, err := json.Marshal(struct {
		APIKey string `json:"apikey"`
		PIN    string `json:"pin,omitempty"` // TVDB wants it absent, not empty, for project keys
	}{p.apiKey, p.pin})
	if err != nil {
		return "", fmt.Errorf("tvdb login: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/login", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("tvdb login: %w", p.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Walros")
	resp, err := p.session.httpClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("tvdb login: %w", p.redact(err))
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxLoginBody))
	if err != nil {
		return "", fmt.Errorf("tvdb login: read answer: %w", p.redact(err))
	}
	if resp.StatusCode != http.StatusOK {
		msg := p.explain(answer)
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return "", fmt.Errorf("tvdb login: %w: %d %s%s", ErrUnauthorized, resp.StatusCode, http.StatusText(resp.StatusCode), msg)
		}
		return "", fmt.Errorf("tvdb login: %d %s%s", resp.StatusCode, http.StatusText(resp.StatusCode), msg)
	}
	var res envelope[struct {
		Token string `json:"token"`
	}]
	if err := json.Unmarshal(answer, &res); err != nil {
		return "", fmt.Errorf("tvdb login: %w: %v", fetch.ErrMalformed, p.redact(err))
	}
	if res.Data.Token == "" {
		return "", fmt.Errorf("tvdb login: %w: no token in the answer", fetch.ErrMalformed)
	}
	return res.Data.Token, nil
}

// explain returns ": " and TVDB's message from an error answer, without the credentials, or ""
// when it gave none. HTML error pages from a proxy are skipped.
func (p *Provider) explain(answer []byte) string {
	var res struct {
		Message string `json:"message"`
	}
	msg := ""
	if json.Unmarshal(answer, &res) == nil {
		msg = res.Message
	} else if t := bytes.TrimSpace(answer); !bytes.HasPrefix(t, []byte("<")) {
		msg = string(t)
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	if msg = p.scrub(msg); msg != "" {
		return ": " + msg
	}
	return ""
}

// scrub replaces the credentials in s.
func (p *Provider) scrub(s string) string {
	for _, secret := range []string{p.apiKey, p.pin} {
		if len(secret) < 4 { // shorter values would blank out ordinary words
			continue
		}
		s = strings.ReplaceAll(s, secret, "REDACTED")
		s = strings.ReplaceAll(s, url.QueryEscape(secret), "REDACTED")
	}
	return s
}

// redact hides the credentials in err's text while keeping its chain for errors.Is.
func (p *Provider) redact(err error) error {
	if clean := p.scrub(err.Error()); clean != err.Error() {
		return &redacted{msg: clean, err: err}
	}
	return err
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

// unauthorized reports whether err is TVDB refusing a bearer token.
func unauthorized(err error) bool {
	var se *fetch.StatusError
	return errors.As(err, &se) && se.Status == http.StatusUnauthorized
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}
