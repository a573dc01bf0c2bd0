// Package fetch is the HTTP client every metadata provider shares: it rate-limits, retries with
// backoff (honouring Retry-After), caches successful answers, caps bodies and keeps API keys out
// of errors and logs. A failing provider must never fail a scan, so every failure is an error the
// caller can log and move past; only a 404 is core.ErrNotFound.
package fetch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/walros/walros/core"
)

// MaxBody is the largest response body GetJSON reads; a provider sending more is broken.
const MaxBody = 8 << 20

// maxWait caps how long a Retry-After or a rate-limit reset may hold a request back.
const maxWait = 60 * time.Second

// Sentinel errors, wrapped with the redacted URL.
var (
	// ErrMalformed means the provider answered with a body that is not the JSON asked for.
	ErrMalformed = errors.New("provider answered malformed data")
	// ErrTooLarge means the provider's answer is bigger than MaxBody.
	ErrTooLarge = errors.New("provider answer too large")
)

// Options configures a Client. Zero values pick the defaults.
type Options struct {
	HTTP      *http.Client // default: a client with a 15 s timeout
	Rate      float64      // requests per second; default 10, negative for no limit
	Burst     int          // requests allowed at once before spacing starts; default 1
	Retries   int          // retries after the first attempt; default 3, negative for none
	UserAgent string       // default "Walros"
	Cache     *Cache       // nil: no caching
	Log       *slog.Logger // default: discard
	Now       func() time.Time
	// Sleep waits for d or until ctx is done; tests inject one that records and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client fetches JSON from providers. It is safe for concurrent use; share one per provider so
// that its rate limit covers every request to that provider.
type Client struct {
	http    *http.Client
	retries int
	ua      string
	cache   *Cache
	log     *slog.Logger
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	bucket  *bucket
}

// New returns a Client configured by o.
func New(o Options) *Client {
	c := &Client{http: o.HTTP, retries: o.Retries, ua: o.UserAgent, cache: o.Cache, log: o.Log,
		now: o.Now, sleep: o.Sleep}
	if c.http == nil {
		c.http = &http.Client{Timeout: 15 * time.Second}
	}
	switch {
	case c.retries == 0:
		c.retries = 3
	case c.retries < 0:
		c.retries = 0
	}
	if c.ua == "" {
		c.ua = "Walros"
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	rate := o.Rate
	if rate == 0 {
		rate = 10
	}
	c.bucket = newBucket(rate, o.Burst, c.now, c.sleep)
	return c
}

// StatusError is an HTTP error status from a provider. A 404 is core.ErrNotFound.
type StatusError struct {
	Status  int
	URL     string // redacted
	Message string // the start of the body, redacted: TMDb explains a 401 there
}

// Error names the method, the redacted URL, the status and the provider's explanation.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, core.ErrNotFound) true for a 404.
func (e *StatusError) Is(target error) bool {
	return target == core.ErrNotFound && e.Status == http.StatusNotFound
}

// GetJSON fetches rawURL and decodes its JSON body into v. It waits for the rate limit, retries
// network errors, 429 and 5xx answers, and serves and fills the cache. headers may be nil.
func (c *Client) GetJSON(ctx context.Context, rawURL string, headers http.Header, v any) error {
	shown := redactURL(rawURL)
	key := cacheKey(rawURL)
	if body, ok := c.cache.get(key, c.now()); ok {
		return decode(body, shown, v)
	}
	secrets := secretsOf(rawURL, headers)
	for attempt := 0; ; attempt++ {
		if err := c.bucket.wait(ctx); err != nil {
			return fmt.Errorf("GET %s: wait for rate limit: %w", shown, err)
		}
		body, hint, retry, err := c.once(ctx, rawURL, shown, headers, secrets)
		if err == nil {
			if err := decode(body, shown, v); err != nil {
				return err
			}
			c.cache.put(key, body, c.now())
			return nil
		}
		if !retry || ctx.Err() != nil {
			return err
		}
		if attempt >= c.retries {
			if c.retries == 0 {
				return err
			}
			return fmt.Errorf("giving up after %d attempts: %w", attempt+1, err)
		}
		wait := hint
		if wait <= 0 {
			wait = backoff(attempt)
		}
		c.log.DebugContext(ctx, "provider request failed, retrying", "url", shown, "attempt", attempt+1,
			"wait", wait, "err", err)
		if serr := c.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("stopped before retrying: %w; last failure: %w", serr, err)
		}
	}
}

// once sends one request. It returns the body of a 2xx answer, or an error saying whether it is
// worth retrying and, when the provider said so, after how long.
func (c *Client) once(ctx context.Context, rawURL, shown string, headers http.Header, secrets []string) (body []byte, hint time.Duration, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, 0, false, fmt.Errorf("GET %s: %w", shown, redactErr(err, secrets))
	}
	for k, vs := range headers {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.ua)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, true, fmt.Errorf("GET %s: %w", shown, redactErr(err, secrets))
	}
	defer resp.Body.Close()
	c.noteRateHeaders(resp.Header)
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	switch {
	case err != nil:
		return nil, 0, true, fmt.Errorf("GET %s: read body: %w", shown, redactErr(err, secrets))
	case len(body) > MaxBody:
		return nil, 0, false, fmt.Errorf("GET %s: %w (over %d bytes)", shown, ErrTooLarge, MaxBody)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return body, 0, false, nil
	}
	serr := &StatusError{Status: resp.StatusCode, URL: shown, Message: excerpt(body, secrets)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		hint := c.retryAfter(resp.Header)
		if hint > 0 { // every worker sharing this client holds back, not only this one
			c.bucket.pauseUntil(c.now().Add(hint))
		}
		return nil, hint, true, serr
	default: // 404, and 401 for a bad key: asking again will not help
		return nil, 0, false, serr
	}
}

// noteRateHeaders pauses the limiter when the provider says the window is spent. TMDb and others
// send X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds, or seconds from now).
func (c *Client) noteRateHeaders(h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	if d := c.resetIn(h); d > 0 {
		c.bucket.pauseUntil(c.now().Add(d))
	}
}

// retryAfter reads how long the provider asked to wait: Retry-After (seconds or an HTTP date),
// else X-RateLimit-Reset, capped at maxWait. Zero means it did not say.
func (c *Client) retryAfter(h http.Header) time.Duration {
	var d time.Duration
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil {
			d = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = t.Sub(c.now())
		}
	}
	if d <= 0 {
		d = c.resetIn(h)
	}
	return min(max(d, 0), maxWait)
}

func (c *Client) resetIn(h http.Header) time.Duration {
	v, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || v <= 0 {
		return 0
	}
	d := time.Duration(v) * time.Second
	if v > 1e9 { // an epoch time, not a delay
		d = time.Unix(v, 0).Sub(c.now())
	}
	return min(max(d, 0), maxWait)
}

func decode(body []byte, shown string, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w: %v", shown, ErrMalformed, err)
	}
	return nil
}

// excerpt returns the start of an error body for the error message, without secrets.
func excerpt(body []byte, secrets []string) string {
	var m struct {
		StatusMessage string `json:"status_message"` // TMDb
		Message       string `json:"message"`
		Error         string `json:"error"`
	}
	s := ""
	if json.Unmarshal(body, &m) == nil {
		s = cmp.Or(m.StatusMessage, m.Message, m.Error)
	}
	if s == "" && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) { // skip HTML error pages
		s = string(bytes.TrimSpace(body))
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return redactText(s, secrets)
}

// backoff returns the wait before retry n+1: 500 ms doubling, capped at 30 s, with jitter so
// that parallel workers do not retry in step.
func backoff(n int) time.Duration {
	d := min(500*time.Millisecond<<min(n, 6), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redactErr hides secrets in err. A *url.Error repeats the full URL, api_key included: callers
// already name the redacted URL, so only its cause is kept.
func redactErr(err error, secrets []string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if len(secrets) == 0 {
		return err
	}
	msg := err.Error()
	if clean := redactText(msg, secrets); clean != msg {
		return &redacted{msg: clean, err: err}
	}
	return err
}

// redacted keeps the chain for errors.Is (timeouts, cancellation) while hiding the text.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
