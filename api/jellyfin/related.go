package jellyfin

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// visibleItem reads {itemId} and returns the item if the viewer may see it; otherwise it answers
// (404 for a missing or hidden item) and ok is false.
func (h *Handler) visibleItem(c *gin.Context) (viewer core.Caller, it core.Item, ok bool) {
	if viewer, ok = h.viewer(c); !ok {
		return
	}
	id, ok := itemParam(c)
	if !ok {
		return
	}
	it, err := h.Items.Get(c.Request.Context(), viewer, id)
	if err != nil {
		h.fail(c, err)
		return viewer, it, false
	}
	return viewer, it, true
}

// similar is GET /Items/{itemId}/Similar: items of the same kind sharing the item's first genre.
func (h *Handler) similar(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, it, ok := h.visibleItem(c)
	if !ok {
		return
	}
	limit := min(max(integer(c, "limit", 12), 1), core.MaxPage-1)
	m, err := h.Items.Metadata(ctx, viewer, it.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := []core.Item{}
	if len(m.Genres) > 0 {
		found, _, err := h.Items.List(ctx, viewer, core.ItemQuery{Kinds: []core.ItemKind{it.Kind}, Genre: m.Genres[0], Limit: limit + 1})
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, f := range found {
			if f.ID != it.ID && len(items) < limit {
				items = append(items, f)
			}
		}
	}
	h.writeItems(c, viewer, items, len(items), 0, listOptions(c))
}

// ancestors is GET /Items/{itemId}/Ancestors: the parents up to the library's view, nearest first.
func (h *Handler) ancestors(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, it, ok := h.visibleItem(c)
	if !ok {
		return
	}
	var chain []core.Item
	for id := it.ParentID; id != "" && len(chain) < 8; {
		p, err := h.Items.Get(ctx, viewer, id)
		if err != nil {
			h.fail(c, err)
			return
		}
		chain = append(chain, p)
		id = p.ParentID
	}
	out, err := h.dtos(ctx, viewer, chain, listOptions(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	if lib, err := h.Libraries.Get(ctx, viewer, it.LibraryID); err == nil {
		out = append(out, h.viewDto(lib))
	}
	writeJSON(c, http.StatusOK, out)
}

// extrasOf lists an item's extras: trailers, and the rest (featurettes, deleted scenes...).
func (h *Handler) extrasOf(ctx context.Context, viewer core.Caller, id core.ItemID) (trailers, features []core.Item, err error) {
	kids, _, err := h.Items.List(ctx, viewer, core.ItemQuery{Parent: id, Kinds: []core.ItemKind{core.KindVideo}, Limit: core.MaxPage})
	if err != nil {
		return nil, nil, err
	}
	trailers, features = []core.Item{}, []core.Item{}
	for _, k := range kids {
		switch {
		case k.ExtraType == "":
		case strings.EqualFold(k.ExtraType, "trailer"):
			trailers = append(trailers, k)
		default:
			features = append(features, k)
		}
	}
	return trailers, features, nil
}

// extras is GET /Items/{itemId}/LocalTrailers (trailers) or /SpecialFeatures (the other
// extras): bare arrays.
func (h *Handler) extras(trailersOnly bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		viewer, it, ok := h.visibleItem(c)
		if !ok {
			return
		}
		trailers, features, err := h.extrasOf(ctx, viewer, it.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		items := features
		if trailersOnly {
			items = trailers
		}
		o := listOptions(c)
		o.fields = allFields // Jellyfin returns extras complete: the web plays them from here
		out, err := h.dtos(ctx, viewer, items, o)
		if err != nil {
			h.fail(c, err)
			return
		}
		type extraDto struct {
			baseItemDto
			ExtraType string
		}
		res := make([]extraDto, len(items))
		for i, ex := range items {
			res[i] = extraDto{out[i], extraType(ex.ExtraType)}
		}
		writeJSON(c, http.StatusOK, res)
	}
}

// extraType is Jellyfin's ExtraType name of a naming extra type.
func extraType(t string) string {
	switch strings.ToLower(strings.NewReplacer("-", "", "_", "", " ", "").Replace(t)) {
	case "trailer":
		return "Trailer"
	case "featurette":
		return "Featurette"
	case "behindthescenes":
		return "BehindTheScenes"
	case "deletedscene", "deleted":
		return "DeletedScene"
	case "interview":
		return "Interview"
	case "scene":
		return "Scene"
	case "short":
		return "Short"
	case "sample":
		return "Sample"
	case "themesong":
		return "ThemeSong"
	case "themevideo":
		return "ThemeVideo"
	}
	return "Unknown"
}

// intros is GET /Items/{itemId}/Intros: Walros plays no intros (cinema mode).
func (h *Handler) intros(c *gin.Context) {
	if _, _, ok := h.visibleItem(c); !ok {
		return
	}
	writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: []baseItemDto{}})
}

// themeMedia is GET /Items/{itemId}/ThemeMedia: Walros has no theme songs or videos.
func (h *Handler) themeMedia(c *gin.Context) {
	_, it, ok := h.visibleItem(c)
	if !ok {
		return
	}
	type themeResult struct {
		Items            []baseItemDto
		TotalRecordCount int
		StartIndex       int
		OwnerId          string
	}
	empty := themeResult{Items: []baseItemDto{}, OwnerId: jid(it.ID)}
	writeJSON(c, http.StatusOK, gin.H{"ThemeVideosResult": empty, "ThemeSongsResult": empty, "SoundtrackSongsResult": empty})
}
