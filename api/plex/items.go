package plex

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// listView says how a list shows its items.
type listView struct {
	section *core.Library // the section they all come from; nil: each item's own
	parent  *core.Item    // the parent they all have (a children list)
	detail  bool          // everything: streams, credits, Guids
	guids   bool          // Guid children in a list (includeGuids=1)
	extra   []*node       // elements the container holds besides the items (a Meta block)
}

// itemNodes builds the elements of items, reading what they show for the whole page at once.
func (h *Handler) itemNodes(c *gin.Context, items []core.Item, v listView) ([]*node, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	b, data, err := h.readPage(ctx, caller, items, v)
	if err != nil {
		return nil, err
	}
	sections := map[core.LibraryID]core.Library{}
	if v.section != nil {
		sections[v.section.ID] = *v.section
	} else {
		libs, err := h.Libraries.List(ctx, caller)
		if err != nil {
			return nil, err
		}
		for _, l := range libs {
			sections[l.ID] = l
		}
	}
	out := make([]*node, 0, len(items))
	for _, it := range items {
		if _, ok := kinds[it.Kind]; !ok {
			continue
		}
		m, hasMeta := b.Metadata[it.ID]
		children := b.ChildCounts[it.ID]
		if it.Kind == core.KindCollection { // members are not children: count them
			if _, children, err = h.Items.List(ctx, caller, core.ItemQuery{Parent: it.ID, Limit: 1}); err != nil {
				return nil, err
			}
		}
		iv := itemView{meta: m, hasMeta: hasMeta, files: b.Files[it.ID], children: children,
			section: sections[it.LibraryID], detail: v.detail, withGuids: v.guids}
		if d, ok := data[it.ID]; ok {
			iv.data = &d
		}
		switch {
		case v.parent != nil:
			iv.parent = v.parent
			if gp, ok := b.Ancestors[v.parent.ParentID]; ok {
				iv.grand = &gp
			}
		case it.ParentID != "":
			if p, ok := b.Ancestors[it.ParentID]; ok {
				iv.parent = &p
				if gp, ok := b.Ancestors[p.ParentID]; ok {
					iv.grand = &gp
				}
			}
		}
		out = append(out, itemNode(it, iv))
	}
	return out, nil
}

// readPage reads what the elements of items show besides the items, for the whole page at once:
// metadata, files, ancestors and child counts, and the caller's data.
func (h *Handler) readPage(ctx context.Context, caller core.Caller, items []core.Item, v listView) (core.Batch, map[core.ItemID]core.UserData, error) {
	parts := core.BatchParts{Files: true, Ancestors: v.parent == nil || v.parent.ParentID != "", ChildCounts: true,
		Metadata: core.MetaColumns | core.MetaTags | core.MetaImages}
	if v.detail {
		parts.Metadata = core.MetaAll
	}
	b, err := h.Items.Batch(ctx, caller, items, parts)
	if err != nil {
		return core.Batch{}, nil, err
	}
	ids := make([]core.ItemID, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	data, err := h.UserData.Get(ctx, caller, ids...)
	return b, data, err
}
