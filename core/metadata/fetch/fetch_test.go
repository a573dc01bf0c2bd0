package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// clock is a fake time source whose Sleep moves time forward and records what was asked.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// newTest returns a client on a fake clock with no rate limit unless o sets one.
func newTest(o Options) (*Client, *clock) {
	clk := newClock()
	o.Now, o.Sleep = clk.Now, clk.Sleep
	if o.Rate == 0 {
		o.Rate = -1
	}
	return New(o), clk
}

// script answers each request with the next handler, repeating the last one.
func script(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

var ok = status(http.StatusOK, `{"title":"Heat"}`)

type movie struct {
	Title string `json:"title"`
}

func TestRetryOn500ThenSuccess(t *testing.T) {
	srv, n := script(t, status(500, "oops"), status(502, "bad gateway"), ok)
	c, clk := newTest(Options{})
	var m movie
	if err := c.GetJSON(context.Background(), srv.URL+"/movie/1", nil, &m); err != nil {
		t.Fatal(err)
	}
	if m.Title != "Heat" || n.Load() != 3 {
		t.Fatalf("title %q after %d requests, want Heat after 3", m.Title, n.Load())
	}
	sleeps := clk.Sleeps()
	if len(sleeps) != 2 || sleeps[0] < 250*time.Millisecond || sleeps[0] > 500*time.Millisecond ||
		sleeps[1] < 500*time.Millisecond || sleeps[1] > time.Second {
		t.Fatalf("backoff sleeps %v, want about 0.5 s then 1 s with jitter", sleeps)
	}
}

func TestRetryAfter(t *testing.T) {
	clkNow := newClock().Now()
	for _, tc := range []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"http date", http.Header{"Retry-After": {clkNow.Add(12 * time.Second).Format(http.TimeFormat)}}, 12 * time.Second},
		{"capped", http.Header{"Retry-After": {"3600"}}, 60 * time.Second},
		{"tmdb reset epoch", http.Header{"X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset": {fmt.Sprint(clkNow.Add(3 * time.Second).Unix())}}, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limited := func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				w.WriteHeader(http.StatusTooManyRequests)
				fmt.Fprint(w, `{"status_code":25,"status_message":"Your request count (41) is over the allowed limit of (40)."}`)
			}
			srv, n := script(t, limited, ok)
			c, clk := newTest(Options{})
			var m movie
			if err := c.GetJSON(context.Background(), srv.URL, nil, &m); err != nil {
				t.Fatal(err)
			}
			if n.Load() != 2 || m.Title != "Heat" {
				t.Fatalf("%d requests, title %q", n.Load(), m.Title)
			}
			// The reset header also pauses the limiter; both waits must be the asked duration.
			for _, d := range clk.Sleeps() {
				if d != tc.want {
					t.Fatalf("slept %v, want %v", clk.Sleeps(), tc.want)
				}
			}
			if len(clk.Sleeps()) == 0 {
				t.Fatal("did not wait")
			}
		})
	}
}

func TestGivesUpAfterRetries(t *testing.T) {
	srv, n := script(t, status(503, "down"))
	c, clk := newTest(Options{Retries: 2})
	err := c.GetJSON(context.Background(), srv.URL+"?api_key=sekrit123", nil, &movie{})
	if err == nil || errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v, want a provider failure", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 503 {
		t.Fatalf("err = %v, want a 503 StatusError", err)
	}
	if n.Load() != 3 || len(clk.Sleeps()) != 2 {
		t.Fatalf("%d requests and %d sleeps, want 3 and 2", n.Load(), len(clk.Sleeps()))
	}
	if strings.Contains(err.Error(), "sekrit123") || !strings.Contains(err.Error(), "giving up after 3 attempts") {
		t.Fatalf("err = %q", err)
	}
}

func TestNotFound(t *testing.T) {
	srv, n := script(t, status(404, `{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}`))
	c, _ := newTest(Options{})
	err := c.GetJSON(context.Background(), srv.URL+"/movie/0", nil, &movie{})
	if !errors.Is(err, core.ErrNotFound) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want ErrNotFound after 1", err, n.Load())
	}
}

func TestUnauthorizedRedactsKey(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	var logs strings.Builder
	srv, n := script(t, status(401, `{"status_code":7,"status_message":"Invalid API key: You must be granted a valid key.","success":false}`))
	c, clk := newTest(Options{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	hdr := http.Header{"Authorization": {"Bearer eyJhbGciOiJIUzI1NiJ9.tok.sig"}}
	err := c.GetJSON(context.Background(), srv.URL+"/movie/1?api_key="+key+"&language=en-US", hdr, &movie{})
	if err == nil || errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != 1 || len(clk.Sleeps()) != 0 {
		t.Fatalf("%d requests, %d sleeps: a 401 must not be retried", n.Load(), len(clk.Sleeps()))
	}
	msg := err.Error()
	for _, want := range []string{"401", "Invalid API key", "api_key=REDACTED", "language=en-US"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg+logs.String(), key) || strings.Contains(msg+logs.String(), "eyJhbGci") {
		t.Fatalf("secret leaked: %q / %q", msg, logs.String())
	}
}

func TestSecretEchoedInBodyIsRedacted(t *testing.T) {
	const key = "echoedsecretkey42"
	srv, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "bad request for %s", r.URL.RequestURI())
	})
	c, _ := newTest(Options{})
	err := c.GetJSON(context.Background(), srv.URL+"/x?api_key="+key, nil, &movie{})
	if err == nil || strings.Contains(err.Error(), key) {
		t.Fatalf("err = %v", err)
	}
}

func TestTimeout(t *testing.T) {
	const key = "timeoutsecretkey"
	srv, n := script(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	c, clk := newTest(Options{HTTP: &http.Client{Timeout: 50 * time.Millisecond}, Retries: 1})
	err := c.GetJSON(context.Background(), srv.URL+"?api_key="+key, nil, &movie{})
	if err == nil || errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != 2 || len(clk.Sleeps()) != 1 {
		t.Fatalf("%d requests, want a timeout to be retried once", n.Load())
	}
	if !strings.Contains(err.Error(), "Timeout") && !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err = %q, want it to say it timed out", err)
	}
	if strings.Contains(err.Error(), key) {
		t.Fatalf("key leaked: %q", err)
	}
}

func TestMalformedJSON(t *testing.T) {
	srv, n := script(t, status(200, `{"title": "Heat",`))
	cache := NewCache(10, time.Hour)
	c, _ := newTest(Options{Cache: cache})
	err := c.GetJSON(context.Background(), srv.URL, nil, &movie{})
	if !errors.Is(err, ErrMalformed) || errors.Is(err, core.ErrNotFound) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want ErrMalformed after 1", err, n.Load())
	}
	if !strings.Contains(err.Error(), "malformed") || cache.Len() != 0 {
		t.Fatalf("err %q, %d cached", err, cache.Len())
	}
}

func TestOversizedBody(t *testing.T) {
	srv, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"title":"`+strings.Repeat("x", MaxBody)+`"}`)
	})
	c, _ := newTest(Options{})
	err := c.GetJSON(context.Background(), srv.URL, nil, &movie{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestCache(t *testing.T) {
	srv, n := script(t, ok)
	c, clk := newTest(Options{Cache: NewCache(10, time.Hour)})
	ctx := context.Background()
	for i, key := range []string{"first", "second"} { // another key asks the same thing
		var m movie
		if err := c.GetJSON(ctx, srv.URL+"/movie/1?api_key="+key+"&language=en", nil, &m); err != nil || m.Title != "Heat" {
			t.Fatalf("request %d: %v, %q", i, err, m.Title)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests, want the second served from cache", n.Load())
	}
	clk.Sleep(ctx, 2*time.Hour) // past the TTL
	if err := c.GetJSON(ctx, srv.URL+"/movie/1?language=en&api_key=x", nil, &movie{}); err != nil || n.Load() != 2 {
		t.Fatalf("err %v, %d requests: an expired entry must be fetched again", err, n.Load())
	}
}

func TestRateLimitSpacesRequests(t *testing.T) {
	srv, n := script(t, ok)
	c, clk := newTest(Options{Rate: 2, Burst: 1})
	for range 3 {
		if err := c.GetJSON(context.Background(), srv.URL, nil, &movie{}); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}
	if got := clk.Sleeps(); n.Load() != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sleeps %v, want %v", got, want)
	}
}

func TestBurst(t *testing.T) {
	srv, _ := script(t, ok)
	c, clk := newTest(Options{Rate: 1, Burst: 3})
	for range 4 {
		if err := c.GetJSON(context.Background(), srv.URL, nil, &movie{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := clk.Sleeps(); len(got) != 1 || got[0] != time.Second {
		t.Fatalf("sleeps %v, want one of 1 s after a burst of 3", got)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	srv, n := script(t, ok)
	c := New(Options{Rate: 0.1}) // real clock: the second request must wait 10 s
	if err := c.GetJSON(context.Background(), srv.URL, nil, &movie{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.GetJSON(ctx, srv.URL, nil, &movie{})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %v, want the deadline quickly", err, time.Since(start))
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests, want the cancelled one never sent", n.Load())
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv, n := script(t, status(500, "oops"))
	ctx, cancel := context.WithCancel(context.Background())
	c := New(Options{Rate: -1, Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}})
	err := c.GetJSON(ctx, srv.URL, nil, &movie{})
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
}

func TestTooManyRequestsHoldsBackOtherWorkers(t *testing.T) {
	srv, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
	}, ok)
	c, clk := newTest(Options{Retries: -1})
	if err := c.GetJSON(context.Background(), srv.URL, nil, &movie{}); err == nil {
		t.Fatal("want the 429")
	}
	// Another worker's request, even to another URL, waits out the provider's pause.
	if err := c.GetJSON(context.Background(), srv.URL+"/other", nil, &movie{}); err != nil {
		t.Fatal(err)
	}
	if got := clk.Sleeps(); len(got) != 1 || got[0] != 5*time.Second {
		t.Fatalf("sleeps %v, want 5 s before the next request", got)
	}
}
