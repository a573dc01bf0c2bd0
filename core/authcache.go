package core

import (
	"sync"
	"time"
)

// mediaCacheTTL is how long a credential checked on a media route is trusted without looking at
// the database again: a player asks for a segment or a range every few hundred milliseconds, and
// three queries each time cost more than serving the bytes. Signing out and revoking clear it;
// disabling a user or changing their libraries takes effect on media routes within this delay.
const mediaCacheTTL = 2 * time.Second

// callerCache remembers the callers of recently checked credentials.
type callerCache struct {
	mu      sync.Mutex
	entries map[string]cachedCaller
}

type cachedCaller struct {
	caller Caller
	claims *accessClaims // a limited token's claims, checked again for each resource; nil for full credentials
	until  time.Time
}

func (c *callerCache) get(cred string, r *resource, now time.Time) (Caller, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[cred]
	if !ok || now.After(e.until) || e.claims != nil && !r.opens(*e.claims) {
		return Caller{}, false
	}
	return e.caller, true
}

func (c *callerCache) put(cred string, e cachedCaller) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= 4096 {
		c.entries = map[string]cachedCaller{} // bounded: start over rather than track ages
	}
	c.entries[cred] = e
}

func (c *callerCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}

// sessionCache remembers the sessions of recently checked device tokens, by token hash.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedSession
	cleared uint64 // clears so far: a session read before a clear is not kept
}

type cachedSession struct {
	s     Session
	until time.Time
}

// get returns the kept session of hash, or the clear count to pass put after reading it.
func (c *sessionCache) get(hash string, now time.Time) (s Session, epoch uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.After(e.until) {
		return Session{}, c.cleared, false
	}
	return e.s, c.cleared, true
}

// put keeps s unless the cache was cleared since get returned epoch (a logout during the read).
func (c *sessionCache) put(hash string, s Session, epoch uint64, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.cleared {
		return
	}
	if c.entries == nil || len(c.entries) >= 4096 {
		c.entries = map[string]cachedSession{} // bounded: start over rather than track ages
	}
	c.entries[hash] = cachedSession{s, until}
}

// update replaces a kept session (after a touch), keeping its expiry; a cleared one stays cleared.
func (c *sessionCache) update(hash string, s Session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		c.entries[hash] = cachedSession{s, e.until}
	}
}

func (c *sessionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
	c.cleared++
}
