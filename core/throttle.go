package core

import (
	"sync"
	"time"
)

// ThrottleConfig limits failed logins. After MaxFailures failures within Window, a key is locked for
// Lockout, doubling with each further failure up to MaxLockout.
type ThrottleConfig struct {
	MaxFailures int
	Window      time.Duration
	Lockout     time.Duration
	MaxLockout  time.Duration
}

// DefaultThrottle allows five wrong passwords per user and twenty per address before locking.
var DefaultThrottle = ThrottleConfig{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 30 * time.Second, MaxLockout: 15 * time.Minute}

// addressFactor lets one address try several accounts (a household behind one NAT) before it is locked.
const addressFactor = 4

// maxThrottleKeys bounds the memory an attacker can make the throttle use by cycling usernames.
const maxThrottleKeys = 100_000

type attempts struct {
	failures    int
	first       time.Time
	lockedUntil time.Time
}

// throttle counts failures per key ("u:name", "a:address") in memory: a restart forgets them, which is
// acceptable because a restart is slower than the lockout itself.
type throttle struct {
	cfg  ThrottleConfig
	mu   sync.Mutex
	keys map[string]*attempts
}

func newThrottle(cfg ThrottleConfig) *throttle {
	if cfg.MaxFailures <= 0 {
		cfg = DefaultThrottle
	}
	return &throttle{cfg: cfg, keys: make(map[string]*attempts)}
}

// check returns a ThrottledError when any key is locked at now.
func (t *throttle) check(now time.Time, keys ...string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if a := t.keys[k]; a != nil && a.lockedUntil.After(now) {
			wait = max(wait, a.lockedUntil.Sub(now))
		}
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait.Round(time.Second) + time.Second}
	}
	return nil
}

// fail records a failure against each key with its limit.
func (t *throttle) fail(now time.Time, userKey, addrKey string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.keys) >= maxThrottleKeys {
		t.prune(now)
	}
	t.failOne(now, userKey, t.cfg.MaxFailures)
	t.failOne(now, addrKey, t.cfg.MaxFailures*addressFactor)
}

func (t *throttle) failOne(now time.Time, key string, limit int) {
	if key == "" {
		return
	}
	a := t.keys[key]
	if a == nil || now.Sub(a.first) > t.cfg.Window && !a.lockedUntil.After(now) {
		a = &attempts{first: now}
		t.keys[key] = a
	}
	a.failures++
	if over := a.failures - limit; over >= 0 {
		lock := t.cfg.Lockout << min(over, 20)
		a.lockedUntil = now.Add(min(lock, t.cfg.MaxLockout))
	}
}

// succeed forgets the user's failures; the address keeps its count so spraying stays visible.
func (t *throttle) succeed(userKey string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, userKey)
}

func (t *throttle) prune(now time.Time) {
	for k, a := range t.keys {
		if now.Sub(a.first) > t.cfg.Window && !a.lockedUntil.After(now) {
			delete(t.keys, k)
		}
	}
	if len(t.keys) >= maxThrottleKeys { // still full of live entries: drop them rather than grow
		clear(t.keys)
	}
}
