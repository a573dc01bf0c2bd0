package fetch

import (
	"context"
	"math"
	"sync"
	"time"
)

// bucket is a token bucket: rate tokens a second, at most burst saved up. A caller reserves a
// token, which may drive the balance negative, and sleeps until the debt is repaid; reservations
// therefore queue fairly without a wake-up storm. A provider's "window spent" answer pauses it.
type bucket struct {
	mu        sync.Mutex
	rate      float64 // tokens per second; +Inf: no limit
	burst     float64
	tokens    float64
	last      time.Time
	notBefore time.Time // a pause the provider asked for
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
}

func newBucket(rate float64, burst int, now func() time.Time, sleep func(context.Context, time.Duration) error) *bucket {
	if rate < 0 {
		rate = math.Inf(1)
	}
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now(), now: now, sleep: sleep}
}

// wait blocks until a request may go, or ctx is done.
func (b *bucket) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := b.reserve()
	if d <= 0 {
		return nil
	}
	if err := b.sleep(ctx, d); err != nil {
		b.cancel()
		return err
	}
	return nil
}

// reserve takes a token and returns how long to wait before using it.
func (b *bucket) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	wait := b.notBefore.Sub(now)
	if math.IsInf(b.rate, 1) {
		return wait
	}
	b.refill(now)
	b.tokens--
	if b.tokens < 0 {
		wait = max(wait, time.Duration(-b.tokens/b.rate*float64(time.Second)))
	}
	return wait
}

// cancel gives back the token of a caller that stopped waiting.
func (b *bucket) cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !math.IsInf(b.rate, 1) {
		b.tokens = min(b.tokens+1, b.burst)
	}
}

func (b *bucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
}

// pauseUntil holds every request back until t.
func (b *bucket) pauseUntil(t time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.After(b.notBefore) {
		b.notBefore = t
	}
}
