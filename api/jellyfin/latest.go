package jellyfin

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// latest is GET /Items/Latest and /Users/{userId}/Items/Latest: a bare array, newest first. With
// groupItems (the default), several new episodes of a series come as the series, and several new
// tracks of an album as the album, with ChildCount = how many are new; a single one comes as itself.
func (h *Handler) latest(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	o := listOptions(c)
	limit := min(max(integer(c, "limit", 20), 1), core.MaxPage)
	sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds, none := kindsOf(c, nil)
	if sc.hidden || none {
		writeJSON(c, http.StatusOK, []baseItemDto{})
		return
	}
	if kinds == nil {
		kinds = core.PlayableKinds
	}
	group := true
	if b := boolean(c, "groupItems"); b != nil {
		group = *b
	}
	q := core.ItemQuery{Kinds: kinds, Library: sc.library, Sort: core.SortAdded, Desc: true, Played: boolean(c, "isPlayed"),
		NoCount: true} // a bare array: nothing to count
	if sc.parent != nil {
		q.Parent = sc.parent.ID
	}
	// Grouping folds several items into one entry: read ahead so that a page of new episodes
	// of one series still fills the row.
	q.Limit = limit
	if group {
		q.Limit = min(limit*5, core.MaxPage)
	}
	found, _, err := h.Items.List(ctx, viewer, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	var ancestors map[core.ItemID]core.Item
	if group {
		if ancestors, err = h.ancestorItems(ctx, viewer, found); err != nil {
			h.fail(c, err)
			return
		}
	}
	type entry struct {
		item  core.Item
		group *core.Item // the series or album it stands for
		count int
	}
	var entries []*entry
	byGroup := map[core.ItemID]*entry{}
	for _, it := range found {
		if it.ExtraType != "" {
			continue
		}
		var g *core.Item
		if group && (it.Kind == core.KindEpisode || it.Kind == core.KindTrack) {
			for _, anc := range ancestorsOf(it, ancestors) {
				if anc.Kind == core.KindSeries || anc.Kind == core.KindAlbum {
					g = &anc
					break
				}
			}
		}
		if g != nil {
			if e, ok := byGroup[g.ID]; ok {
				e.count++
				continue
			}
		}
		if len(entries) == limit {
			continue // still counting the groups already listed
		}
		e := &entry{item: it, group: g, count: 1}
		entries = append(entries, e)
		if g != nil {
			byGroup[g.ID] = e
		}
	}
	items := make([]core.Item, len(entries))
	for i, e := range entries {
		items[i] = e.item
		if e.count > 1 {
			items[i] = *e.group
		}
	}
	out, err := h.dtos(ctx, viewer, items, o)
	if err != nil {
		h.fail(c, err)
		return
	}
	for i, e := range entries {
		if e.count > 1 {
			out[i].ChildCount = ptr(e.count)
		}
	}
	writeJSON(c, http.StatusOK, out)
}

// ancestorItems returns the parents and grandparents of items (season and series, album and
// artist), without metadata: grouping needs only who they are.
func (h *Handler) ancestorItems(ctx context.Context, viewer core.Caller, items []core.Item) (map[core.ItemID]core.Item, error) {
	out := map[core.ItemID]core.Item{}
	level := items
	for range 2 {
		var ids []core.ItemID
		for _, it := range level {
			if _, ok := out[it.ParentID]; it.ParentID != "" && !ok {
				ids = append(ids, it.ParentID)
			}
		}
		if len(ids) == 0 {
			break
		}
		got, err := h.getMany(ctx, viewer, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range got {
			out[a.ID] = a
		}
		level = got
	}
	return out, nil
}

// resume is GET /UserItems/Resume and /Users/{userId}/Items/Resume: what the viewer started and
// did not finish, the most recently played first.
func (h *Handler) resume(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	o := listOptions(c)
	offset, limit := paging(c)
	sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds, none := kindsOf(c, nil)
	if sc.hidden || none {
		h.writeItems(c, viewer, nil, 0, offset, o)
		return
	}
	q := core.ItemQuery{Kinds: kinds, Library: sc.library, Text: str(c, "searchTerm"), Offset: offset,
		Limit: min(limit, core.MaxPage), NoCount: !totalWanted(c)}
	if sc.parent != nil {
		q.Parent = sc.parent.ID
	}
	items, total, err := h.UserData.Resume(ctx, viewer, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writeItems(c, viewer, items, total, offset, o)
}
