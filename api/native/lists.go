package native

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Watchlists and a user's own named lists in the native API.

type userListDTO struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Items     int       `json:"items"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func toList(l core.List) userListDTO {
	return userListDTO{ID: string(l.ID), Name: l.Name, Items: l.Items, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

type listEntryDTO struct {
	itemDataDTO
	AddedAt time.Time `json:"addedAt"`
}

// listPage reads ?order= (desc, the most recently added first, by default) and the page.
func (h *Handler) listPage(c *gin.Context) (core.ListPage, bool) {
	var p core.ListPage
	desc, ok := h.descQuery(c, true)
	if !ok {
		return p, false
	}
	p.Asc = !desc
	p.Limit, p.Offset, ok = h.pageQuery(c)
	return p, ok
}

// entriesOut answers a page of list entries with the caller's data for each item.
func (h *Handler) entriesOut(c *gin.Context, entries []core.ListEntry, total int, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]core.Item, len(entries))
	for i, e := range entries {
		items[i] = e.Item
	}
	withData, ok := h.withUserData(c, items)
	if !ok {
		return
	}
	out := make([]listEntryDTO, len(entries))
	for i, e := range entries {
		out[i] = listEntryDTO{itemDataDTO: withData[i], AddedAt: e.AddedAt}
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "total": total})
}

func (h *Handler) listWatchlist(c *gin.Context) {
	p, ok := h.listPage(c)
	if !ok {
		return
	}
	entries, total, err := h.Lists.Watchlist(c.Request.Context(), callerOf(c), p)
	h.entriesOut(c, entries, total, err)
}

func (h *Handler) addToWatchlist(c *gin.Context) {
	if err := h.Lists.AddToWatchlist(c.Request.Context(), callerOf(c), core.ItemID(c.Param("item"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) removeFromWatchlist(c *gin.Context) {
	if err := h.Lists.RemoveFromWatchlist(c.Request.Context(), callerOf(c), core.ItemID(c.Param("item"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listLists(c *gin.Context) {
	ls, err := h.Lists.Lists(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(ls, toList))
}

func (h *Handler) listOut(c *gin.Context, code int, l core.List, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(code, toList(l))
}

func (h *Handler) createList(c *gin.Context) {
	var req struct {
		Name  string   `json:"name"`
		Items []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.Lists.Create(c.Request.Context(), callerOf(c), req.Name, itemIDs(req.Items))
	h.listOut(c, http.StatusCreated, l, err)
}

func (h *Handler) getList(c *gin.Context) {
	l, err := h.Lists.Get(c.Request.Context(), callerOf(c), core.ListID(c.Param("id")))
	h.listOut(c, http.StatusOK, l, err)
}

func (h *Handler) renameList(c *gin.Context) {
	var req struct {
		Name string `json:"name"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.Lists.Rename(c.Request.Context(), callerOf(c), core.ListID(c.Param("id")), req.Name)
	h.listOut(c, http.StatusOK, l, err)
}

func (h *Handler) deleteList(c *gin.Context) {
	if err := h.Lists.Delete(c.Request.Context(), callerOf(c), core.ListID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listEntries(c *gin.Context) {
	p, ok := h.listPage(c)
	if !ok {
		return
	}
	entries, total, err := h.Lists.Entries(c.Request.Context(), callerOf(c), core.ListID(c.Param("id")), p)
	h.entriesOut(c, entries, total, err)
}

func (h *Handler) addToList(c *gin.Context) {
	var req struct {
		Items []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	l, err := h.Lists.Add(c.Request.Context(), callerOf(c), core.ListID(c.Param("id")), itemIDs(req.Items))
	h.listOut(c, http.StatusOK, l, err)
}

func (h *Handler) removeFromList(c *gin.Context) {
	if _, err := h.Lists.Remove(c.Request.Context(), callerOf(c), core.ListID(c.Param("id")), core.ItemID(c.Param("item"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// itemLists tells whether an item is on the caller's watchlist and which of their lists hold it.
func (h *Handler) itemLists(c *gin.Context) {
	on, lists, err := h.Lists.Containing(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]userListDTO, len(lists))
	for i, l := range lists {
		out[i] = toList(l)
	}
	c.JSON(http.StatusOK, gin.H{"watchlist": on, "lists": out})
}
