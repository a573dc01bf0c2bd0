package plex

import (
	"context"
	"strconv"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/warm"
)

// stamper is the item service's view of the store's write generation (core.Items forwards the
// store's card stamp), which says when what a walk read is dropped.
type stamper interface {
	CardStamp() (gen uint64, ok bool)
}

// newWalker returns the walker of long lists when d asks for one and the item service has caches.
func newWalker(d Deps) *warm.Walker {
	st, ok := d.Items.(stamper)
	if !ok || !d.WarmLists {
		return nil
	}
	return warm.New(warm.Options{Stamp: st.CardStamp, Log: d.Log})
}

// warmList starts reading the rest of a section's list ahead in the background (core/warm) once
// a page of it was served: its other pages then come from the store's caches, as when a client
// scrolls on or jumps. Lists that depend on the user's data are not kept, so not walked.
func (h *Handler) warmList(caller core.Caller, q core.ItemQuery, v listView, total int) {
	if h.warm == nil || q.Limit <= 0 || q.Limit > core.MaxPage || q.ReadsUserData() {
		return
	}
	key, err := warm.Key(caller, q, strconv.FormatBool(v.guids))
	if err != nil {
		return
	}
	size := q.Limit
	h.warm.Walk(key, total, size, q.Offset, func(ctx context.Context, off int) error {
		pq := q
		pq.Offset, pq.Limit = off, size
		items, _, err := h.Items.List(ctx, caller, pq)
		if err != nil {
			return err
		}
		_, _, err = h.readPage(ctx, caller, items, v)
		return err
	})
}
