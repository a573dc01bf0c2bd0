package fetch

import (
	"container/list"
	"sync"
	"time"
)

// Cache keeps providers' successful answers in memory: at most a number of entries, the least
// recently used going first, each for a fixed time. It is safe for concurrent use, and a nil
// *Cache caches nothing.
type Cache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type entry struct {
	key     string
	body    []byte
	expires time.Time
}

// NewCache returns a Cache of at most maxEntries answers (default 1000), each kept for ttl
// (default 24 h).
func NewCache(maxEntries int, ttl time.Duration) *Cache {
	if maxEntries <= 0 {
		maxEntries = 1000
	}
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &Cache{max: maxEntries, ttl: ttl, order: list.New(), items: map[string]*list.Element{}}
}

// Len returns how many answers the cache holds, expired ones included until they are evicted.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *Cache) get(key string, now time.Time) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.body, true
}

func (c *Cache) put(key string, body []byte, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry)
		e.body, e.expires = body, now.Add(c.ttl)
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&entry{key: key, body: body, expires: now.Add(c.ttl)})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry).key)
	}
}
