package core

import (
	"context"
	"errors"
	"net/netip"
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

// DefaultThrottle allows five wrong passwords for one user from one address before locking.
var DefaultThrottle = ThrottleConfig{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 30 * time.Second, MaxLockout: 15 * time.Minute}

// Failures are counted under three keys, each with its own limit (a multiple of MaxFailures):
//   - one user from one address: the common case of a guessed password, locked quickly;
//   - one address, any user: spraying many accounts, with room for a household behind one NAT;
//   - one user, any address: a distributed guess, with a limit high enough that a lone attacker
//     cannot lock the owner out from elsewhere.
const (
	addressFactor = 4
	userFactor    = 20
)

// maxThrottleKeys bounds the memory an attacker can make the throttle use by cycling usernames.
const maxThrottleKeys = 100_000

type attempts struct {
	failures    int
	pending     int // attempts under way: counted against the limit so a burst cannot slip through
	first       time.Time
	lockedUntil time.Time
}

// throttle counts failures per key in memory: a restart forgets them, which is acceptable because a
// restart is slower than the lockout itself.
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

type throttleKey struct {
	key   string
	limit int
}

// attempt is one reserved try; exactly one of fail or succeed should follow, and done always.
type attempt struct {
	t    *throttle
	keys []throttleKey
	open bool
}

// loginKeys returns the keys a login attempt for user (already folded) from address is counted under.
func (t *throttle) loginKeys(user, address string) []throttleKey {
	addr := addressKey(address)
	return []throttleKey{
		{"ua:" + user + "\x00" + addr, t.cfg.MaxFailures},
		{"a:" + addr, t.cfg.MaxFailures * addressFactor},
		{"u:" + user, t.cfg.MaxFailures * userFactor},
	}
}

// refreshKeys are the keys a refresh attempt from address is counted under: refresh tokens cannot
// be guessed, so only floods of bad ones from one address are limited.
func (t *throttle) refreshKeys(address string) []throttleKey {
	return []throttleKey{{"r:" + addressKey(address), t.cfg.MaxFailures * addressFactor}}
}

// addressKey groups IPv6 addresses by /64, the block one subscriber usually gets.
func addressKey(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil || ip.Is4() || ip.Is4In6() {
		return address
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// errBusy means a key's remaining budget is taken by attempts under way: their outcome decides
// whether there is room for this one.
var errBusy = errors.New("attempts under way")

// acquire reserves an attempt, waiting while the budget is taken by attempts under way: a burst of
// guesses is checked a few at a time instead of all at once, and legitimate parallel logins queue.
func (t *throttle) acquire(ctx context.Context, now Clock, keys []throttleKey) (*attempt, error) {
	deadline := time.Now().Add(10 * time.Second) // real time: this is how long a request waits
	for {
		at, err := t.begin(now(), keys)
		if !errors.Is(err, errBusy) {
			return at, err
		}
		if time.Now().After(deadline) {
			return nil, &ThrottledError{RetryAfter: time.Second}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// begin reserves an attempt under every key. It returns a ThrottledError when a key is locked, and
// errBusy when a key already has as many failures and attempts under way as its limit.
func (t *throttle) begin(now time.Time, keys []throttleKey) (*attempt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var (
		wait time.Duration
		busy bool
	)
	for _, k := range keys {
		a := t.live(now, k.key)
		switch {
		case a == nil:
		case a.lockedUntil.After(now):
			wait = max(wait, a.lockedUntil.Sub(now))
		case a.pending > 0 && a.failures+a.pending >= k.limit:
			busy = true // after a lock runs out, one attempt at a time: a failure locks again, longer
		}
	}
	switch {
	case wait > 0:
		return nil, &ThrottledError{RetryAfter: wait.Round(time.Second) + time.Second}
	case busy:
		return nil, errBusy
	}
	if len(t.keys) >= maxThrottleKeys {
		t.prune(now)
	}
	for _, k := range keys {
		a := t.live(now, k.key)
		if a == nil {
			a = &attempts{first: now}
			t.keys[k.key] = a
		}
		a.pending++
	}
	return &attempt{t: t, keys: keys, open: true}, nil
}

// live returns the key's record, forgetting it once its window has passed and it is not locked.
func (t *throttle) live(now time.Time, key string) *attempts {
	a := t.keys[key]
	if a != nil && a.pending == 0 && now.Sub(a.first) > t.cfg.Window && !a.lockedUntil.After(now) {
		delete(t.keys, key)
		return nil
	}
	return a
}

// close ends the attempt once: it releases its reservation under every key and lets each still
// present record be updated by f (i is the key's position in the attempt).
func (at *attempt) close(f func(i int, k throttleKey, a *attempts)) {
	t := at.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if !at.open {
		return
	}
	at.open = false
	for i, k := range at.keys {
		if a := t.keys[k.key]; a != nil {
			a.pending--
			f(i, k, a)
		}
	}
}

// fail records a failure under every key of the attempt, locking those that reach their limit.
func (at *attempt) fail(now time.Time) {
	cfg := at.t.cfg
	at.close(func(_ int, k throttleKey, a *attempts) {
		a.failures++
		if over := a.failures - k.limit; over >= 0 {
			lock := cfg.Lockout
			for ; over > 0 && lock < cfg.MaxLockout; over-- {
				lock *= 2
			}
			a.lockedUntil = now.Add(min(lock, cfg.MaxLockout))
		}
	})
}

// succeed forgets the failures of this user from this address; the address and user totals keep
// theirs, so spraying stays visible.
func (at *attempt) succeed() {
	at.close(func(i int, k throttleKey, a *attempts) {
		if i == 0 && a.pending == 0 {
			delete(at.t.keys, k.key)
		}
	})
}

// done releases the reservation of an attempt that neither failed nor succeeded (an internal error).
func (at *attempt) done() {
	at.close(func(int, throttleKey, *attempts) {})
}

// prune drops expired records; if the map is still full of live ones, it drops the unlocked ones
// with the fewest failures rather than grow, and never a lock.
func (t *throttle) prune(now time.Time) {
	for k := range t.keys {
		t.live(now, k)
	}
	for k, a := range t.keys {
		if len(t.keys) < maxThrottleKeys*9/10 {
			return
		}
		if a.pending == 0 && !a.lockedUntil.After(now) && a.failures <= 1 {
			delete(t.keys, k)
		}
	}
}
