// Package middleware holds the gin middleware every Walros facade shares: request ids, access logs,
// Prometheus metrics and request size limits.
package middleware

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

const requestIDKey = "walros.requestID"

// RequestID gives every request an id: the caller's, when it is short and plain, or a new one. It is
// echoed in the response and logged with the request, so a user's report can be found in the log.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !plainID(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header(RequestIDHeader, id)
		c.Next()
	}
}

// GetRequestID returns the request's id, or "" outside RequestID.
func GetRequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// AccessLog logs one line per request. Probes are logged at debug level so they do not drown the rest.
func AccessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		switch p := c.Request.URL.Path; {
		case p == "/healthz" || p == "/readyz" || p == "/metrics":
			level = slog.LevelDebug
		case c.Writer.Status() >= 500:
			level = slog.LevelError
		}
		log.Log(c.Request.Context(), level, "http request", "method", c.Request.Method, "route", route(c),
			"status", c.Writer.Status(), "duration", time.Since(start), "bytes", c.Writer.Size(),
			"client", c.ClientIP(), "requestId", GetRequestID(c))
	}
}

// Metrics records request latencies per facade, route, method and status.
type Metrics struct {
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "walros",
		Name:      "http_request_duration_seconds",
		Help:      "Latency of HTTP requests by facade, route template, method and status.",
		Buckets:   []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"facade", "route", "method", "status"})}
	if err := reg.Register(m.duration); err != nil {
		return nil, err
	}
	return m, nil
}

// Handler measures every request of one facade.
func (m *Metrics) Handler(facade string) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		m.duration.WithLabelValues(facade, route(c), c.Request.Method, strconv.Itoa(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

// RouteKey is where a facade that matches its own routes puts the matched route template.
const RouteKey = "walros.route"

// route is the route template, never the raw path: ids in paths would make labels unbounded.
func route(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	if r := c.GetString(RouteKey); r != "" { // a facade with its own router (Jellyfin's) names it here
		return r
	}
	return "unmatched"
}

// BodyLimit caps request bodies at n bytes (reading past it fails with *http.MaxBytesError) and
// gives them timeout to arrive: ReadHeaderTimeout covers only the headers, and a body trickled a
// byte at a time would otherwise hold its goroutine forever.
func BodyLimit(n int64, timeout time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		LimitBody(c, n, timeout)
		c.Next()
	}
}

// LimitBody is BodyLimit for one request, for a handler that picks the limit once it knows the
// route (the Jellyfin facade matches its routes itself, after the middleware has run).
func LimitBody(c *gin.Context, n int64, timeout time.Duration) {
	if c.Request.ContentLength != 0 {
		// Not every writer supports deadlines (httptest's does not); then there is nothing to set.
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(timeout))
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
}

// CORS lets browser-hosted clients of any origin call a facade, as Jellyfin and Plex Media Server
// do, and answers preflight requests itself.
func CORS(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	if c.Request.Method == http.MethodOptions {
		c.Header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
		if h := c.GetHeader("Access-Control-Request-Headers"); h != "" {
			c.Header("Access-Control-Allow-Headers", h)
		}
		c.Header("Access-Control-Max-Age", "86400")
		c.AbortWithStatus(http.StatusNoContent)
	}
}
