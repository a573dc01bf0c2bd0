package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

var (
	t0      = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	testCfg = ThrottleConfig{MaxFailures: 3, Window: 10 * time.Minute, Lockout: 30 * time.Second, MaxLockout: 2 * time.Minute}
)

// retryAfter tries an attempt under keys and releases it. It returns 0 when the attempt was let
// through, the RetryAfter of a ThrottledError, or -1 for errBusy.
func retryAfter(t *testing.T, th *throttle, now time.Time, keys []throttleKey) time.Duration {
	t.Helper()
	at, err := th.begin(now, keys)
	var te *ThrottledError
	switch {
	case err == nil:
		at.done()
		return 0
	case errors.Is(err, errBusy):
		return -1
	case !errors.As(err, &te) || !errors.Is(err, ErrThrottled) || te.RetryAfter <= 0:
		t.Fatalf("begin error %v (%T), want a *ThrottledError with RetryAfter > 0", err, err)
	}
	return te.RetryAfter
}

// fail records n failed attempts under keys; each must be let through.
func fail(t *testing.T, th *throttle, now time.Time, keys []throttleKey, n int) {
	t.Helper()
	for i := range n {
		at, err := th.begin(now, keys)
		if err != nil {
			t.Fatalf("attempt %d of %d refused: %v", i+1, n, err)
		}
		at.fail(now)
	}
}

func TestThrottleLocksAtTheLimit(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fail(t, th, t0, bob, testCfg.MaxFailures-1)
	if w := retryAfter(t, th, t0, bob); w != 0 {
		t.Fatalf("locked under the limit: %v", w)
	}
	fail(t, th, t0, bob, 1)
	if w := retryAfter(t, th, t0, bob); w != testCfg.Lockout+time.Second {
		t.Fatalf("at the limit: retry after %v, want %v", w, testCfg.Lockout+time.Second)
	}
	if w := retryAfter(t, th, t0.Add(10*time.Second), bob); w != 21*time.Second {
		t.Fatalf("10s later: retry after %v, want 21s", w)
	}
	// The lock is on bob from that address only: neither bob elsewhere nor alice there is locked out.
	for _, keys := range [][]throttleKey{th.loginKeys("bob", "198.51.100.1"), th.loginKeys("alice", "192.0.2.1")} {
		if w := retryAfter(t, th, t0, keys); w != 0 {
			t.Fatalf("%s locked too: %v", keys[0].key, w)
		}
	}
}

// TestThrottleLetsOneAttemptAfterLockout: once a key's lock runs out, one attempt may go through
// (and a failure locks it again for twice as long); the key must not stay busy for its whole Window.
func TestThrottleLetsOneAttemptAfterLockout(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fail(t, th, t0, bob, testCfg.MaxFailures)
	// Each failure once the lock ends should double it: 30s, 1m, 2m, then MaxLockout (2m) again.
	now := t0
	for i, lock := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 2 * time.Minute} {
		if w := retryAfter(t, th, now, bob); w != lock+time.Second {
			t.Fatalf("lock %d: retry after %v, want %v", i+1, w, lock+time.Second)
		}
		now = now.Add(lock)
		at, err := th.begin(now, bob)
		if err != nil {
			t.Fatalf("lock %d ran out at +%v, yet begin = %v; want one more attempt let through", i+1, now.Sub(t0), err)
		}
		at.fail(now)
	}
}

func TestThrottleWindowResetsCount(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fail(t, th, t0, bob, testCfg.MaxFailures-1)
	later := t0.Add(testCfg.Window + time.Second)
	fail(t, th, later, bob, 1) // the first failure of a new window
	if a := th.keys[bob[0].key]; a == nil || a.failures != 1 || !a.first.Equal(later) {
		t.Fatalf("after the window: %+v, want 1 failure from %v", a, later)
	}
	fail(t, th, later, bob, testCfg.MaxFailures-2)
	if w := retryAfter(t, th, later, bob); w != 0 {
		t.Fatalf("old failures still count: %v", w)
	}
	fail(t, th, later, bob, 1)
	if w := retryAfter(t, th, later, bob); w <= 0 {
		t.Fatalf("a full count in the new window did not lock: %v", w)
	}
}

func TestThrottleLockSurvivesTheWindow(t *testing.T) {
	cfg := testCfg
	cfg.Lockout, cfg.MaxLockout = 20*time.Minute, 20*time.Minute // longer than the window
	th := newThrottle(cfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fail(t, th, t0, bob, cfg.MaxFailures)
	if w := retryAfter(t, th, t0.Add(cfg.Window+time.Minute), bob); w != 9*time.Minute+time.Second {
		t.Fatalf("after the window, during the lock: retry after %v, want 9m1s", w)
	}
}

func TestThrottleAddressLimitAcrossUsers(t *testing.T) {
	th := newThrottle(testCfg)
	limit := testCfg.MaxFailures * addressFactor
	for i := range limit - 1 {
		fail(t, th, t0, th.loginKeys(fmt.Sprintf("user%d", i), "203.0.113.9"), 1)
	}
	if w := retryAfter(t, th, t0, th.loginKeys("fresh", "203.0.113.9")); w != 0 {
		t.Fatalf("address locked after %d failures, limit %d: %v", limit-1, limit, w)
	}
	fail(t, th, t0, th.loginKeys("last", "203.0.113.9"), 1)
	if w := retryAfter(t, th, t0, th.loginKeys("fresh", "203.0.113.9")); w != testCfg.Lockout+time.Second {
		t.Fatalf("address at its limit: retry after %v, want %v", w, testCfg.Lockout+time.Second)
	}
	if w := retryAfter(t, th, t0, th.loginKeys("user0", "192.0.2.1")); w != 0 {
		t.Fatalf("a user of the spraying address is locked out elsewhere: %v", w)
	}
}

func TestThrottleUserLimitAcrossAddresses(t *testing.T) {
	th := newThrottle(testCfg)
	limit := testCfg.MaxFailures * userFactor
	per := testCfg.MaxFailures - 1 // stay under the per-address limit of bob at each address
	for i := range limit / per {
		fail(t, th, t0, th.loginKeys("bob", fmt.Sprintf("10.0.%d.%d", i/200, i%200)), per)
	}
	if w := retryAfter(t, th, t0, th.loginKeys("bob", "192.0.2.77")); w != testCfg.Lockout+time.Second {
		t.Fatalf("after %d failures from many addresses: retry after %v", limit, w)
	}
	if w := retryAfter(t, th, t0, th.loginKeys("alice", "192.0.2.77")); w != 0 {
		t.Fatalf("another user is locked: %v", w)
	}
}

func TestThrottleAddressKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"2001:db8::1", "2001:db8::ffff:1"},
		{"2001:db8:0:0:1:2:3:4", "2001:db8::"},
	} {
		if addressKey(tc.a) != addressKey(tc.b) {
			t.Errorf("%s and %s are in one /64 but have keys %q, %q", tc.a, tc.b, addressKey(tc.a), addressKey(tc.b))
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"2001:db8::1", "2001:db8:0:1::1"},
		{"192.0.2.1", "192.0.2.2"},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.2"},
		{"", "unix"},
	} {
		if addressKey(tc.a) == addressKey(tc.b) {
			t.Errorf("%s and %s share the key %q", tc.a, tc.b, addressKey(tc.a))
		}
	}
	th := newThrottle(testCfg)
	for i := range testCfg.MaxFailures * addressFactor {
		fail(t, th, t0, th.loginKeys(fmt.Sprintf("user%d", i), fmt.Sprintf("2001:db8::%x", i)), 1)
	}
	if w := retryAfter(t, th, t0, th.loginKeys("fresh", "2001:db8::beef")); w <= 0 {
		t.Fatal("failures spread over one /64 did not lock it")
	}
}

func TestThrottleSucceedClearsUserAtAddressOnly(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fail(t, th, t0, bob, testCfg.MaxFailures-1)
	at, err := th.begin(t0, bob)
	if err != nil {
		t.Fatal(err)
	}
	at.succeed()
	at.fail(t0) // too late: an attempt has one outcome
	if _, ok := th.keys[bob[0].key]; ok {
		t.Fatal("succeed kept bob's failures at this address")
	}
	for _, k := range bob[1:] {
		if a := th.keys[k.key]; a == nil || a.failures != testCfg.MaxFailures-1 || a.pending != 0 {
			t.Fatalf("succeed changed %s: %+v", k.key, a)
		}
	}
	fail(t, th, t0, bob, testCfg.MaxFailures-1) // bob starts again at this address
	if w := retryAfter(t, th, t0, bob); w != 0 {
		t.Fatalf("bob locked after succeed and %d failures: %v", testCfg.MaxFailures-1, w)
	}
}

func TestThrottlePendingCountsAgainstLimit(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	var open []*attempt
	for range testCfg.MaxFailures {
		at, err := th.begin(t0, bob)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, at)
	}
	if _, err := th.begin(t0, bob); !errors.Is(err, errBusy) {
		t.Fatalf("a burst past the limit: err = %v, want errBusy", err)
	}
	open[0].done()
	open[0].done() // releasing twice must not free a second place
	if _, err := th.begin(t0, bob); err != nil {
		t.Fatalf("after done: %v", err)
	}
	if _, err := th.begin(t0, bob); !errors.Is(err, errBusy) {
		t.Fatalf("done released twice: err = %v, want errBusy", err)
	}
}

func TestThrottleAcquire(t *testing.T) {
	th := newThrottle(testCfg)
	bob := th.loginKeys("bob", "192.0.2.1")
	fixed := func() time.Time { return t0 } // the clock stands still: acquire waits in real time
	var open []*attempt
	for range testCfg.MaxFailures {
		at, err := th.acquire(context.Background(), fixed, bob)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, at)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		open[0].succeed()
	}()
	if _, err := th.acquire(context.Background(), fixed, bob); err != nil { // the budget is full again
		t.Fatalf("acquire did not wait for the attempt under way: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := th.acquire(ctx, fixed, bob); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled acquire: %v", err)
	}
	var calls int
	jumpy := func() time.Time { calls++; return t0.Add(time.Duration(calls) * 3 * time.Second) }
	_, err := th.acquire(context.Background(), jumpy, bob)
	var te *ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != time.Second {
		t.Fatalf("after 10s of waiting: err = %v, want a ThrottledError of 1s", err)
	}
}

func TestThrottleRefreshKeys(t *testing.T) {
	th := newThrottle(testCfg)
	keys := th.refreshKeys("2001:db8::1")
	if len(keys) != 1 || keys[0].key != "r:2001:db8::/64" || keys[0].limit != testCfg.MaxFailures*addressFactor {
		t.Fatalf("refreshKeys = %+v", keys)
	}
	if keys[0].key == th.loginKeys("x", "2001:db8::1")[1].key {
		t.Fatal("refresh and login failures share the address budget")
	}
}

func TestThrottlePrune(t *testing.T) {
	th := newThrottle(testCfg)
	stale := t0.Add(-testCfg.Window - time.Second)
	for i := range maxThrottleKeys {
		th.keys[fmt.Sprintf("ua:stale%d", i)] = &attempts{failures: 2, first: stale}
	}
	th.keys["ua:locked"] = &attempts{failures: 9, first: stale, lockedUntil: t0.Add(time.Minute)}
	th.keys["ua:pending"] = &attempts{pending: 1, first: stale}
	fail(t, th, t0, th.loginKeys("new", "192.0.2.1"), 1)
	if len(th.keys) != 5 {
		t.Fatalf("after pruning expired keys: %d keys, want locked, pending and the 3 new ones", len(th.keys))
	}
	// Full of live keys: half are weak (one failure), half must be kept (more failures, a lock, an
	// attempt under way).
	th.keys = make(map[string]*attempts)
	for i := range maxThrottleKeys {
		a := &attempts{failures: 1, first: t0}
		switch i % 6 {
		case 1:
			a.failures = 2
		case 3:
			a.lockedUntil = t0.Add(time.Minute)
		case 5:
			a.pending = 1
		}
		th.keys[fmt.Sprintf("ua:live%d", i)] = a
	}
	fail(t, th, t0, th.loginKeys("new", "192.0.2.1"), 1)
	if n := len(th.keys); n >= maxThrottleKeys*9/10+3 || n < maxThrottleKeys*8/10 {
		t.Fatalf("a map full of live keys pruned to %d keys, want a tenth freed, not more", n)
	}
	for i := range maxThrottleKeys {
		if i%2 == 1 && th.keys[fmt.Sprintf("ua:live%d", i)] == nil {
			t.Fatalf("prune dropped ua:live%d, which has a lock, 2 failures or an attempt under way", i)
		}
	}
	if th.keys["ua:new\x00192.0.2.1"] == nil {
		t.Error("prune dropped the key being failed")
	}
}

func TestNewThrottleDefaults(t *testing.T) {
	if got := newThrottle(ThrottleConfig{}).cfg; got != DefaultThrottle {
		t.Fatalf("zero config gives %+v, want DefaultThrottle", got)
	}
	if got := newThrottle(testCfg).cfg; got != testCfg {
		t.Fatalf("config %+v became %+v", testCfg, got)
	}
}
