package middleware

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestBodyLimit(t *testing.T) {
	gin.SetMode(gin.TestMode)
	e := gin.New()
	e.Use(BodyLimit(10, 300*time.Millisecond))
	e.POST("/", func(c *gin.Context) {
		_, err := io.ReadAll(c.Request.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			c.Status(http.StatusRequestEntityTooLarge)
		case err != nil:
			c.Status(http.StatusRequestTimeout)
		default:
			c.Status(http.StatusOK)
		}
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	for body, want := range map[string]int{"small": 200, "far too large a body": 413} {
		resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%q: status %d, want %d", body, resp.StatusCode, want)
		}
	}

	// A body that never finishes arriving is cut off at the deadline.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nabc")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	if resp.StatusCode != http.StatusRequestTimeout || time.Since(start) > 3*time.Second {
		t.Fatalf("stalled body: status %d after %s", resp.StatusCode, time.Since(start))
	}
}

func TestRequestIDAndMetrics(t *testing.T) {
	gin.SetMode(gin.TestMode)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.Use(RequestID(), m.Handler("test"))
	e.GET("/items/:id", func(c *gin.Context) { c.String(200, GetRequestID(c)) })
	for _, tc := range []struct{ sent, want string }{
		{"abc-123", "abc-123"},
		{"", ""},
		{"bad id with spaces", ""},
		{strings.Repeat("a", 65), ""},
	} {
		req := httptest.NewRequest("GET", "/items/42", nil)
		if tc.sent != "" {
			req.Header.Set(RequestIDHeader, tc.sent)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if got != rec.Body.String() || got == "" || tc.want != "" && got != tc.want || tc.want == "" && got == tc.sent {
			t.Errorf("sent %q: header %q, body %q", tc.sent, got, rec.Body.String())
		}
	}
	// Ids in paths must not become label values: the route template is the label.
	if n := testutil.CollectAndCount(reg); n != 1 {
		t.Fatalf("%d series, want 1 (route template, not path)", n)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Fatal("registering twice on one registry must fail")
	}
}
