package jellyfin

import (
	"context"
	"strconv"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/warm"
)

// warmList starts reading the rest of a long list ahead in the background (core/warm) once a
// page of it was asked for with a total: its other pages are then served from the store's caches
// and the card cache, as when a client scrolls on or jumps. Only card lists are walked (what the
// walk builds is what they keep), only pages of at most core.MaxPage items, and not lists that
// depend on the user's data, which the store does not keep.
func (h *Handler) warmList(viewer core.Caller, q core.ItemQuery, o dtoOptions, total, offset, limit int) {
	if h.warm == nil || q.NoCount || limit <= 0 || limit > core.MaxPage || q.ReadsUserData() {
		return
	}
	cs, ok := h.cardsOf()
	if !ok {
		return
	}
	sig, ok := o.cardKey()
	if !ok {
		return
	}
	key, err := warm.Key(viewer, q, sig+"|"+strconv.FormatBool(o.userData))
	if err != nil {
		return
	}
	h.warm.Walk(key, total, limit, offset, func(ctx context.Context, off int) error {
		items, _, err := h.listPaged(ctx, viewer, q, off, limit)
		if err != nil {
			return err
		}
		_, _, _, err = h.cards(ctx, cs, viewer, items, o)
		return err
	})
}
