package spotify

import (
	"context"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// maxWait caps how long a Retry-After may hold a request back: Spotify has asked for hours
// after abuse, and a scan would rather log a failure and move on.
const maxWait = 60 * time.Second

// tokens is the client-credentials token source, cached and refreshed before expiry by
// oauth2.ReuseTokenSource. reset drops the cached token: Spotify may revoke a token before its
// expiry, which only a 401 tells.
type tokens struct {
	mu  sync.Mutex
	cfg *clientcredentials.Config
	ctx context.Context // carries the HTTP client for the token endpoint, never a request's
	src oauth2.TokenSource
}

func newTokens(ctx context.Context, cfg *clientcredentials.Config) *tokens {
	return &tokens{cfg: cfg, ctx: ctx, src: cfg.TokenSource(ctx)}
}

// Token returns the cached token, fetching a new one when it is missing or expired.
func (t *tokens) Token() (*oauth2.Token, error) {
	t.mu.Lock()
	src := t.src
	t.mu.Unlock()
	return src.Token()
}

// reset makes the next Token call fetch a new token, unless bad is no longer the cached one
// (another request has already renewed it).
func (t *tokens) reset(bad string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok, err := t.src.Token(); err == nil && tok.AccessToken != bad {
		return
	}
	t.src = t.cfg.TokenSource(t.ctx)
}

// retryTransport sits above the oauth2 transport. It retries 429 and 5xx answers with backoff,
// honouring Retry-After, and renews the token once after a 401. zmb3/spotify's own WithRetry
// is not used: it retries 429 only, without a limit on attempts or on the wait.
type retryTransport struct {
	auth    http.RoundTripper // an *oauth2.Transport
	tokens  *tokens
	retries int
	sleep   func(ctx context.Context, d time.Duration) error
}

// RoundTrip sends req, retrying as described on retryTransport. Requests are GETs without
// bodies, so they can be sent again as they are.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	renewed := false
	for attempt := 0; ; {
		resp, err := t.auth.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized && !renewed:
			renewed = true
			bad := ""
			if tok, err := t.tokens.Token(); err == nil {
				bad = tok.AccessToken
			}
			discard(resp)
			t.tokens.reset(bad)
			continue
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if attempt >= t.retries {
				return resp, nil
			}
			wait := retryAfter(resp.Header)
			if wait <= 0 {
				wait = backoff(attempt)
			}
			discard(resp)
			if err := t.sleep(req.Context(), wait); err != nil {
				return nil, err
			}
			attempt++
			continue
		}
		return resp, nil
	}
}

func discard(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
}

// retryAfter reads Retry-After in seconds, as Spotify sends it, capped at maxWait.
func retryAfter(h http.Header) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || secs <= 0 {
		return 0
	}
	return min(time.Duration(secs)*time.Second, maxWait)
}

// backoff returns the wait before retry n+1: 500 ms doubling, capped at 30 s, with jitter.
func backoff(n int) time.Duration {
	d := min(500*time.Millisecond<<min(n, 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redactor scrubs the client secret from error texts: oauth2 quotes the token endpoint's
// answer in its errors, and a proxy or a broken endpoint may echo the request back.
type redactor []string

func newRedactor(id, secret string) redactor {
	if len(secret) < 4 { // shorter values would blank out ordinary words
		return nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
	return redactor{secret, basic}
}

func (r redactor) err(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range r {
		clean = strings.ReplaceAll(clean, s, "REDACTED")
	}
	if clean == msg {
		return err
	}
	return &redacted{msg: clean, err: err}
}

// redacted keeps the chain for errors.Is (core.ErrNotFound, timeouts) while hiding the text.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
