package fetch

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestCacheLRU(t *testing.T) {
	c := NewCache(2, time.Hour)
	now := time.Now()
	c.put("a", []byte("1"), now)
	c.put("b", []byte("2"), now)
	if _, ok := c.get("a", now); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.put("c", []byte("3"), now)
	if _, ok := c.get("b", now); ok {
		t.Fatal("b should have been evicted")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k, now); !ok {
			t.Fatalf("%s missing", k)
		}
	}
	if c.Len() != 2 {
		t.Fatalf("len %d", c.Len())
	}
	if _, ok := c.get("a", now.Add(time.Hour)); ok {
		t.Fatal("a should have expired")
	}
	if c.Len() != 1 {
		t.Fatalf("len %d after expiry", c.Len())
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	c.put("a", nil, time.Now())
	if _, ok := c.get("a", time.Now()); ok || c.Len() != 0 {
		t.Fatal("a nil cache must cache nothing")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache(50, time.Hour)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprint((g * i) % 80)
				c.put(k, []byte(k), time.Now())
				c.get(k, time.Now())
			}
		})
	}
	wg.Wait()
	if c.Len() > 50 {
		t.Fatalf("len %d over max", c.Len())
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, shown, key string }{
		{"https://api.themoviedb.org/3/movie/1?api_key=abcd1234&language=en-US",
			"https://api.themoviedb.org/3/movie/1?api_key=REDACTED&language=en-US",
			"https://api.themoviedb.org/3/movie/1?language=en-US"},
		{"https://u:pw@example.com/x?b=2&a=1", "https://REDACTED@example.com/x?b=2&a=1", "https://example.com/x?a=1&b=2"},
	} {
		if got := redactURL(tc.in); got != tc.shown {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.shown)
		}
		if got := cacheKey(tc.in); got != tc.key {
			t.Errorf("cacheKey(%q) = %q, want %q", tc.in, got, tc.key)
		}
	}
	secrets := secretsOf("https://x/?api_key=abcd1234", http.Header{"Authorization": {"Bearer tok.en.value"}})
	if got := redactText("key abcd1234 token tok.en.value", secrets); got != "key REDACTED token REDACTED" {
		t.Errorf("redactText = %q", got)
	}
}
