package plex

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Collections are Walros's box sets: a movie belongs to the one its metadata names (from NFO files,
// TMDb, or an admin). Plex's collection calls edit that name on the members, as an admin edit
// that rescans keep, and the box set follows.

func (h *Handler) collectionRoutes(r *router) {
	r.add(http.MethodGet, "/library/sections/{section}/collections", false, h.sectionCollections)
	r.add(http.MethodGet, "/library/collections/{id}", false, h.collection)
	r.add(http.MethodGet, "/library/collections/{id}/children", false, h.children)
	r.add(http.MethodGet, "/library/collections/{id}/items", false, h.children)
	r.add(http.MethodPost, "/library/collections", false, h.createCollection)
	r.add(http.MethodPut, "/library/collections/{id}/items", false, h.addToCollection)
	r.add(http.MethodDelete, "/library/collections/{id}/items/{item}", false, h.removeFromCollection)
	r.add(http.MethodDelete, "/library/collections/{id}", false, h.deleteCollection)
}

func (h *Handler) sectionCollections(c *gin.Context) {
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	p, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	q := core.ItemQuery{Library: l.ID, Kinds: []core.ItemKind{core.KindCollection}, Sort: core.SortTitle, Offset: p.start,
		Limit: p.limit(pageSize)}
	var extra []*node
	if c.Query("includeMeta") == "1" {
		extra = append(extra, metaNode(l))
	}
	h.writeList(c, q, p, listView{section: &l, extra: extra})
}

// collectionOf finds the box set in the route.
func (h *Handler) collectionOf(c *gin.Context) (core.Item, bool) {
	key, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return core.Item{}, false
	}
	it, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
	if err == nil && it.Kind != core.KindCollection {
		err = core.ErrNotFound
	}
	if err != nil {
		h.fail(c, err)
		return core.Item{}, false
	}
	return it, true
}

func (h *Handler) collection(c *gin.Context) {
	it, ok := h.collectionOf(c)
	if !ok {
		return
	}
	h.writeItems(c, []core.Item{it}, 1, page{all: true}, listView{detail: true})
}

// setCollection names the box set of movies (empty: none), as an admin's edit.
func (h *Handler) setCollection(c *gin.Context, ids []core.ItemID, name string) bool {
	for _, id := range ids {
		it, err := h.Items.Get(c.Request.Context(), callerOf(c), id)
		if err != nil {
			h.fail(c, err)
			return false
		}
		if it.Kind != core.KindMovie {
			fail(c, http.StatusBadRequest) // box sets hold movies
			return false
		}
		if _, err := h.Items.Edit(c.Request.Context(), callerOf(c), id, core.Metadata{Collection: name}, []string{"collection"}, nil); err != nil {
			h.fail(c, err)
			return false
		}
	}
	return true
}

// findCollection returns the box set named name in a library, once the edit made it.
func (h *Handler) findCollection(c *gin.Context, lib core.LibraryID, name string) (core.Item, bool) {
	items, _, err := h.Items.List(c.Request.Context(), callerOf(c), core.ItemQuery{Library: lib, Kinds: []core.ItemKind{core.KindCollection},
		Text: name, Limit: 100})
	if err != nil {
		h.fail(c, err)
		return core.Item{}, false
	}
	for _, it := range items {
		if strings.EqualFold(it.Title, name) {
			return it, true
		}
	}
	fail(c, http.StatusNotFound)
	return core.Item{}, false
}

// createCollection is POST /library/collections?type=1&title=...&sectionId=...&uri=...: a box set
// of those movies.
func (h *Handler) createCollection(c *gin.Context) {
	if c.Query("smart") == "1" {
		fail(c, http.StatusBadRequest) // smart collections are not offered
		return
	}
	title := strings.TrimSpace(c.Query("title"))
	if title == "" || len(title) > 200 {
		fail(c, http.StatusBadRequest)
		return
	}
	c.Params = append(c.Params, gin.Param{Key: "section", Value: c.Query("sectionId")})
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	ids, ok := h.uriItems(c)
	if !ok || !h.setCollection(c, ids, title) {
		return
	}
	if it, ok := h.findCollection(c, l.ID, title); ok {
		h.writeItems(c, []core.Item{it}, 1, page{all: true}, listView{section: &l})
	}
}

func (h *Handler) addToCollection(c *gin.Context) {
	col, ok := h.collectionOf(c)
	if !ok {
		return
	}
	ids, ok := h.uriItems(c)
	if !ok || !h.setCollection(c, ids, col.Title) {
		return
	}
	if it, ok := h.findCollection(c, col.LibraryID, col.Title); ok {
		h.writeItems(c, []core.Item{it}, 1, page{all: true}, listView{})
	}
}

func (h *Handler) removeFromCollection(c *gin.Context) {
	col, ok := h.collectionOf(c)
	if !ok {
		return
	}
	key, err := strconv.ParseInt(c.Param("item"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return
	}
	it, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
	if err != nil {
		h.fail(c, err)
		return
	}
	members, _, err := h.Items.List(c.Request.Context(), callerOf(c), core.ItemQuery{Parent: col.ID, Limit: core.MaxPage})
	if err != nil {
		h.fail(c, err)
		return
	}
	if !contains(members, it.ID) {
		fail(c, http.StatusNotFound)
		return
	}
	if !h.setCollection(c, []core.ItemID{it.ID}, "") {
		return
	}
	write(c, mediaContainer().set("size", 0))
}

func (h *Handler) deleteCollection(c *gin.Context) {
	col, ok := h.collectionOf(c)
	if !ok {
		return
	}
	members, _, err := h.Items.List(c.Request.Context(), callerOf(c), core.ItemQuery{Parent: col.ID, Limit: core.MaxPage})
	if err != nil {
		h.fail(c, err)
		return
	}
	ids := make([]core.ItemID, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	if h.setCollection(c, ids, "") {
		c.Status(http.StatusOK)
	}
}

func contains(items []core.Item, id core.ItemID) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}
