package jellyfin

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/walros/walros/core"
)

// boxSetService makes and changes admins' box sets (Jellyfin's collections).
type boxSetService interface {
	Create(ctx context.Context, c core.Caller, name string, lib core.LibraryID, members []core.ItemID) (core.Item, error)
	Add(ctx context.Context, c core.Caller, id core.ItemID, members []core.ItemID) error
	Remove(ctx context.Context, c core.Caller, id core.ItemID, members []core.ItemID) error
	Delete(ctx context.Context, c core.Caller, id core.ItemID) error
}

func (h *Handler) boxSetRoutes(r *router) {
	r.add("POST", "/Collections", user, h.admin, h.createBoxSet)
	r.add("POST", "/Collections/{itemId}/Items", user, h.admin, h.changeBoxSet(true))
	r.add("DELETE", "/Collections/{itemId}/Items", user, h.admin, h.changeBoxSet(false))
}

// createBoxSet is POST /Collections?name=...&ids=...&parentId=...: a box set in the library
// parentId names, or that of its first item; it answers CollectionCreationResult.
func (h *Handler) createBoxSet(c *gin.Context) {
	ids, ok := idList(list(c, "ids"))
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var lib core.LibraryID
	if raw := str(c, "parentId"); raw != "" {
		id, ok := parseID(raw)
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		lib = core.LibraryID(id)
	}
	set, err := h.BoxSets.Create(c.Request.Context(), callerOf(c), str(c, "name"), lib, ids)
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, map[string]string{"Id": jid(set.ID)})
}

// changeBoxSet is POST (add) and DELETE (remove) /Collections/{id}/Items?ids=...
func (h *Handler) changeBoxSet(add bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := itemParam(c)
		if !ok {
			return
		}
		ids, ok := idList(list(c, "ids"))
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		change := h.BoxSets.Remove
		if add {
			change = h.BoxSets.Add
		}
		if err := change(c.Request.Context(), callerOf(c), id, ids); err != nil {
			h.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// deleteBoxSet deletes the box set id for DELETE /Items/{itemId}; ok is false when id is no box set.
func (h *Handler) deleteBoxSet(ctx context.Context, caller core.Caller, id core.ItemID) (ok bool, err error) {
	if h.BoxSets == nil {
		return false, nil
	}
	err = h.BoxSets.Delete(ctx, caller, id)
	if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrForbidden) {
		return false, nil // a playlist, or a user's: the playlist path answers
	}
	return true, err
}
