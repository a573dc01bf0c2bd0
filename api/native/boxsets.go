package native

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/walros/walros/core"
)

// boxSetService makes and changes admins' box sets; they are listed as items of type collection,
// and their members as the items under them (GET /items?parent=).
type boxSetService interface {
	Create(ctx context.Context, c core.Caller, name string, lib core.LibraryID, members []core.ItemID) (core.Item, error)
	Add(ctx context.Context, c core.Caller, id core.ItemID, members []core.ItemID) error
	Remove(ctx context.Context, c core.Caller, id core.ItemID, members []core.ItemID) error
	Delete(ctx context.Context, c core.Caller, id core.ItemID) error
}

func (h *Handler) createBoxSet(c *gin.Context) {
	var req struct {
		Name    string   `json:"name"`
		Library string   `json:"library"`
		Items   []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	set, err := h.BoxSets.Create(c.Request.Context(), callerOf(c), req.Name, core.LibraryID(req.Library), itemIDs(req.Items))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toItem(set))
}

func (h *Handler) addToBoxSet(c *gin.Context) {
	var req struct {
		Items []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.BoxSets.Add(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), itemIDs(req.Items)); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) removeFromBoxSet(c *gin.Context) {
	err := h.BoxSets.Remove(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), []core.ItemID{core.ItemID(c.Param("item"))})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) deleteBoxSet(c *gin.Context) {
	if err := h.BoxSets.Delete(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
