package segcache

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// content is what every producer writes for key: a reader can tell a torn or
// mixed-up segment from the right one.
func content(key string) string {
	return strings.Repeat(key+";", 1+len(key)%7)
}

func TestConcurrent(t *testing.T) {
	const (
		workers = 32
		ops     = 300
		keys    = 64
	)
	c := open(t, t.TempDir(), 2000) // room for ~20 of 64 keys: constant eviction
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range ops {
				key := fmt.Sprintf("r%d/v0/%05d.m4s", rng.IntN(2), rng.IntN(keys/2))
				switch rng.IntN(4) {
				case 0:
					if err := tryPut(c, key, content(key)); err != nil {
						errs <- fmt.Errorf("Put(%q): %w", key, err)
						return
					}
				case 1:
					c.Has(key)
					_ = c.Stats()
				default:
					got, err := get(c, key)
					switch {
					case errors.Is(err, ErrNotFound):
					case err != nil:
						errs <- fmt.Errorf("Get(%q): %w", key, err)
						return
					case got != content(key):
						errs <- fmt.Errorf("Get(%q) = %q, want %q", key, got, content(key))
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := c.Stats()
	if st.Bytes > st.MaxBytes {
		t.Errorf("Stats = %+v: over the bound", st)
	}
	if st.Evictions == 0 || st.Hits == 0 || st.Misses == 0 {
		t.Errorf("Stats = %+v: the test did not exercise eviction, hits and misses", st)
	}
	checkDisk(t, c)
}

func BenchmarkGetParallel(b *testing.B) {
	c, err := Open(b.TempDir(), 1<<30, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	keys := make([]string, 256)
	for i := range keys {
		keys[i] = fmt.Sprintf("0123456789abcdef/v0/%05d.m4s", i)
		put(b, c, keys[i], strings.Repeat("x", 4096))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			f, _, err := c.Get(keys[i%len(keys)])
			if err != nil {
				b.Error(err)
				return
			}
			_ = f.Close()
			i++
		}
	})
}
