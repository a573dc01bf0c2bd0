// Package logring keeps the server's most recent log records in memory, in a bounded ring fed by
// an slog handler, so that an admin can read them without access to the machine's stderr.
package logring

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Entry is one kept log record, with its attributes flattened to text ("group.key": "value").
type Entry struct {
	Time    time.Time
	Level   slog.Level
	Message string
	Attrs   map[string]string
}

// kept is a record as Handle stores it: rendering the attributes waits until someone reads them,
// so logging stays as cheap as a clone and a lock.
type kept struct {
	rec    slog.Record
	scope  *scope
	filled bool
}

// scope is what WithAttrs and WithGroup added to a handler: attributes with their group prefix,
// and the prefix for the record's own attributes.
type scope struct {
	attrs  []slog.Attr // keys already carry their group prefix
	prefix string
}

// Ring is a fixed-size buffer of the latest records; the oldest is overwritten first.
type Ring struct {
	mu   sync.Mutex
	buf  []kept
	next int
}

// New returns a ring that keeps the last size records; size must be positive.
func New(size int) *Ring {
	if size <= 0 {
		panic(fmt.Sprintf("logring: size %d, want > 0", size))
	}
	return &Ring{buf: make([]kept, size)}
}

// Handler returns an slog handler that keeps each record it handles in r, then passes it to next.
// Levels are next's: the ring holds what the server logs, no more.
func (r *Ring) Handler(next slog.Handler) slog.Handler {
	return &handler{ring: r, next: next, scope: &scope{}}
}

func (r *Ring) add(rec slog.Record, s *scope) {
	rec = rec.Clone() // the caller may reuse the record's attribute storage
	r.mu.Lock()
	r.buf[r.next] = kept{rec: rec, scope: s, filled: true}
	r.next = (r.next + 1) % len(r.buf)
	r.mu.Unlock()
}

// Recent returns up to limit of the latest records at min or above, oldest first.
func (r *Ring) Recent(limit int, min slog.Level) []Entry {
	r.mu.Lock()
	var picked []kept
	for i := 1; i <= len(r.buf) && len(picked) < limit; i++ {
		k := r.buf[(r.next-i+len(r.buf))%len(r.buf)]
		if !k.filled {
			break
		}
		if k.rec.Level >= min {
			picked = append(picked, k)
		}
	}
	r.mu.Unlock()
	slices.Reverse(picked)
	out := make([]Entry, len(picked))
	for i, k := range picked {
		out[i] = k.entry()
	}
	return out
}

func (k kept) entry() Entry {
	e := Entry{Time: k.rec.Time, Level: k.rec.Level, Message: k.rec.Message, Attrs: map[string]string{}}
	for _, a := range k.scope.attrs {
		flatten(e.Attrs, "", a)
	}
	k.rec.Attrs(func(a slog.Attr) bool {
		flatten(e.Attrs, k.scope.prefix, a)
		return true
	})
	return e
}

// flatten writes a as text under prefix+key, descending into groups as slog's text handler does.
func flatten(into map[string]string, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			flatten(into, p, g)
		}
		return
	}
	if a.Key == "" {
		return
	}
	into[prefix+a.Key] = v.String()
}

type handler struct {
	ring  *Ring
	next  slog.Handler
	scope *scope
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	h.ring.add(rec, h.scope)
	return h.next.Handle(ctx, rec)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	s := &scope{attrs: slices.Clip(h.scope.attrs), prefix: h.scope.prefix}
	for _, a := range attrs {
		a.Key = h.scope.prefix + a.Key
		s.attrs = append(s.attrs, a)
	}
	return &handler{ring: h.ring, next: h.next.WithAttrs(attrs), scope: s}
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &handler{ring: h.ring, next: h.next.WithGroup(name),
		scope: &scope{attrs: h.scope.attrs, prefix: h.scope.prefix + name + "."}}
}
