package jellyfin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// browseRoutes registers the browsing part of the API: views, item lists and details, series,
// search, images and library maintenance. Both route families are served: the user-less ones with
// ?userId= (10.10+ clients) and the legacy /Users/{userId}/... ones (jellyfin-web's old client,
// Jellyseerr). Literal routes come before /Items/{itemId}, which would match them too.
func (h *Handler) browseRoutes(r *router) {
	var mine router
	h.addBrowseRoutes(&mine)
	// The router tries routes in the order they were added, and registerFallbacks skips paths an
	// earlier route matches: a fallback with a literal where these routes have a parameter
	// (GET /Items/Suggestions, taken by /Items/{itemId}) goes first, or it would answer 404.
	for _, f := range fallbackRoutes {
		if rt, _, _ := mine.match(http.MethodGet, f.path); rt != nil && rt.pattern != f.path {
			if prev, _, _ := r.match(http.MethodGet, f.path); prev == nil {
				r.add(http.MethodGet, f.path, user, f.handler)
			}
		}
	}
	for n, rts := range mine.bySegments {
		if r.bySegments == nil {
			r.bySegments = map[int][]*route{}
		}
		r.bySegments[n] = append(r.bySegments[n], rts...)
	}
}

func (h *Handler) addBrowseRoutes(r *router) {
	for _, p := range []string{"", "/Users/{userId}"} {
		r.add("GET", p+"/Items", user, h.getItems)
		r.add("GET", p+"/Items/Latest", user, h.latest)
		r.add("GET", p+"/Items/Root", user, h.root)
		r.add("GET", p+"/Items/{itemId}/Intros", user, h.intros)
		r.add("GET", p+"/Items/{itemId}/SpecialFeatures", user, h.extras(false))
		r.add("GET", p+"/Items/{itemId}/LocalTrailers", user, h.extras(true))
	}
	r.add("GET", "/Users/{userId}/Items/Resume", user, h.resume)
	r.add("GET", "/UserItems/Resume", user, h.resume)
	r.add("GET", "/Users/{userId}/Views", user, h.userViews)
	r.add("GET", "/UserViews", user, h.userViews)
	r.add("GET", "/Items/Filters", user, h.filters(false))
	r.add("GET", "/Items/Filters2", user, h.filters(true))
	r.add("GET", "/Items/Counts", user, h.counts)
	r.add("GET", "/Items/{itemId}", user, h.getItem)
	r.add("GET", "/Users/{userId}/Items/{itemId}", user, h.getItem)
	r.add("GET", "/Items/{itemId}/Similar", user, h.similar)
	r.add("GET", "/Items/{itemId}/Ancestors", user, h.ancestors)
	r.add("GET", "/Items/{itemId}/ThemeMedia", user, h.themeMedia)
	r.add("POST", "/Items/{itemId}/Refresh", user, h.admin, h.refreshItem)
	h.showRoutes(r)
	h.searchRoutes(r)
	h.libraryRoutes(r)
	h.imageRoutes(r)
}

// getItems is GET /Items and /Users/{userId}/Items: Jellyfin's general item query.
func (h *Handler) getItems(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	o := listOptions(c)
	offset, limit := paging(c)
	if raw := list(c, "ids"); len(raw) > 0 {
		ids := make([]core.ItemID, 0, len(raw))
		for _, s := range raw {
			if id, ok := parseID(s); ok {
				ids = append(ids, core.ItemID(id))
			}
		}
		items, err := h.getMany(ctx, viewer, ids)
		if err != nil {
			h.fail(c, err)
			return
		}
		h.writeItems(c, viewer, items, len(items), 0, o)
		return
	}
	if inc := list(c, "includeItemTypes"); h.Playlists != nil && (len(inc) == 1 && strings.EqualFold(inc[0], "Playlist") ||
		strings.EqualFold(strings.ReplaceAll(str(c, "parentId"), "-", ""), h.playlistsViewID())) {
		h.playlistsAsItems(c, viewer)
		return
	}
	if pid, ok := parseID(str(c, "parentId")); ok { // jellyfin-web plays a playlist by listing it as a parent
		if p, err := h.playlist(ctx, viewer, pid); err == nil {
			h.writeEntries(c, p)
			return
		}
	}
	sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds, none := kindsOf(c, list(c, "filters"))
	recursive := boolean(c, "recursive")
	switch {
	case sc.hidden || none:
		h.writeItems(c, viewer, nil, 0, offset, o)
		return
	case sc.library == "" && sc.parent == nil && (recursive == nil || !*recursive):
		h.viewsAsItems(c, viewer) // the user's root folder holds the views
		return
	}
	q := h.itemQuery(ctx, c, viewer)
	q.Kinds, q.Library, q.NoCount = kinds, sc.library, !totalWanted(c)
	def := core.SortTitle
	if sc.parent != nil {
		q.Parent, def = sc.parent.ID, core.SortIndex
	}
	q.Sort, q.Desc = sortOf(c, def)
	q.TopLevel = sc.library != "" && (recursive == nil || !*recursive)
	var (
		items []core.Item
		total int
	)
	providers := providerFilter(c)
	deep := recursive != nil && *recursive && sc.parent != nil && (sc.parent.Kind == core.KindSeries || sc.parent.Kind == core.KindArtist)
	if deep || len(providers) > 0 {
		// Filters core has no query for (descendants two levels down, provider ids) are applied
		// to the whole match, then paged here.
		items, err = h.wholeMatch(ctx, viewer, q, deep)
		if len(providers) > 0 {
			items = slices.DeleteFunc(items, func(it core.Item) bool { return !matchesProvider(it, providers) })
		}
		total = len(items)
		items = pageOf(items, offset, limit)
	} else {
		items, total, err = h.listPaged(ctx, viewer, q, offset, limit)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writeItems(c, viewer, items, total, offset, o)
	if !deep && len(providers) == 0 {
		h.warmList(viewer, q, o, total, offset, limit)
	}
}

// wholeMatch returns every item q matches (up to maxUnpaged); deep adds the grandchildren of
// q.Parent (the episodes of a series' seasons, the tracks of an artist's albums).
func (h *Handler) wholeMatch(ctx context.Context, viewer core.Caller, q core.ItemQuery, deep bool) ([]core.Item, error) {
	if !deep {
		items, _, err := h.listPaged(ctx, viewer, q, 0, 0)
		return items, err
	}
	kinds := q.Kinds
	q.Kinds, q.Sort, q.Desc = nil, core.SortIndex, false
	children, _, err := h.listPaged(ctx, viewer, q, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []core.Item
	for _, ch := range children {
		if len(kinds) == 0 || slices.Contains(kinds, ch.Kind) {
			out = append(out, ch)
		}
		if !isFolder(ch.Kind) {
			continue
		}
		sub := q
		sub.Parent, sub.Kinds = ch.ID, kinds
		grand, _, err := h.listPaged(ctx, viewer, sub, 0, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, grand...)
	}
	return out, nil
}

// pageOf returns items offset to offset+limit (limit 0: to the end).
func pageOf(items []core.Item, offset, limit int) []core.Item {
	if offset >= len(items) {
		return []core.Item{}
	}
	items = items[offset:]
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}

// writeItems answers with a QueryResult of items.
func (h *Handler) writeItems(c *gin.Context, viewer core.Caller, items []core.Item, total, offset int, o dtoOptions) {
	if cs, ok := h.cardsOf(); ok && h.writeCards(c, cs, viewer, items, total, offset, o) {
		return
	}
	out, err := h.dtos(c.Request.Context(), viewer, items, o)
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: out, TotalRecordCount: total, StartIndex: offset})
}

// itemParam reads {itemId}; a malformed id answers 404, like a missing item.
func itemParam(c *gin.Context) (core.ItemID, bool) {
	id, ok := parseID(c.Param("itemId"))
	if !ok {
		status(c, http.StatusNotFound)
	}
	return core.ItemID(id), ok
}

// getItem is GET /Items/{itemId} and /Users/{userId}/Items/{itemId}: every field. The id may also
// be a library's (jellyfin-web opens a view by its id) or a person's, genre's or studio's.
func (h *Handler) getItem(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	id, ok := itemParam(c)
	if !ok {
		return
	}
	it, err := h.Items.Get(ctx, viewer, id)
	if errors.Is(err, core.ErrNotFound) {
		h.notItem(c, viewer, string(id))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	out, err := h.dtos(ctx, viewer, []core.Item{it}, detailOptions())
	if err != nil {
		h.fail(c, err)
		return
	}
	d := out[0]
	if it.Kind == core.KindMovie || it.Kind == core.KindSeries || it.Kind == core.KindEpisode {
		trailers, features, err := h.extrasOf(ctx, viewer, it.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.LocalTrailerCount, d.SpecialFeatureCount = ptr(len(trailers)), ptr(len(features))
	}
	writeJSON(c, http.StatusOK, d)
}

// notItem answers GET /Items/{id} for an id that is no item: a library view, a person, a genre
// or a studio, or 404.
func (h *Handler) notItem(c *gin.Context, viewer core.Caller, id string) {
	ctx := c.Request.Context()
	if lib, err := h.Libraries.Get(ctx, viewer, core.LibraryID(id)); err == nil {
		writeJSON(c, http.StatusOK, h.viewDto(lib))
		return
	}
	if h.Playlists != nil && strings.EqualFold(strings.ReplaceAll(id, "-", ""), h.playlistsViewID()) {
		ps, err := h.Playlists.List(ctx, viewer)
		if err != nil {
			h.fail(c, err)
			return
		}
		writeJSON(c, http.StatusOK, h.playlistsView(len(ps)))
		return
	}
	if p, err := h.playlist(ctx, viewer, id); err == nil {
		entries, err := h.Playlists.Entries(ctx, viewer, p.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		writeJSON(c, http.StatusOK, h.playlistDto(p, entries, viewer))
		return
	}
	for _, kind := range []nameKind{namePerson, nameGenre, nameStudio} {
		if name, ok := nameOf(id, kind); ok {
			h.nameItem(c, viewer, kind, name)
			return
		}
	}
	status(c, http.StatusNotFound)
}
