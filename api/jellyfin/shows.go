package jellyfin

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) showRoutes(r *router) {
	r.add("GET", "/Shows/NextUp", user, h.nextUp)
	r.add("GET", "/Shows/{seriesId}/Seasons", user, h.seasons)
	r.add("GET", "/Shows/{seriesId}/Episodes", user, h.episodes)
}

// nextUp is GET /Shows/NextUp: for each series the viewer is watching, the next episode.
func (h *Handler) nextUp(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	o := listOptions(c)
	offset, limit := paging(c)
	q := core.NextUpQuery{Offset: offset, Limit: min(limit, core.MaxPage)}
	if raw := str(c, "seriesId"); raw != "" {
		id, ok := parseID(raw)
		if !ok {
			h.writeItems(c, viewer, nil, 0, offset, o)
			return
		}
		q.Series = core.ItemID(id)
	}
	sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
	if err != nil {
		h.fail(c, err)
		return
	}
	switch {
	case sc.hidden:
		h.writeItems(c, viewer, nil, 0, offset, o)
		return
	case sc.library != "":
		q.Library = sc.library
	case sc.parent != nil && sc.parent.Kind == core.KindSeries:
		q.Series = sc.parent.ID
	}
	// jellyfin-web sends the day (YYYY-MM-DD); the SDKs a full date and time.
	if s := str(c, "nextUpDateCutoff"); s != "" {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				q.Since = t
				break
			}
		}
	}
	items, total, err := h.UserData.NextUp(ctx, viewer, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writeItems(c, viewer, items, total, offset, o)
}

// series reads {seriesId} and returns the series if the viewer may see it (404 otherwise).
func (h *Handler) series(c *gin.Context) (core.Caller, core.Item, bool) {
	viewer, ok := h.viewer(c)
	if !ok {
		return viewer, core.Item{}, false
	}
	id, ok := parseID(c.Param("seriesId"))
	if !ok {
		status(c, http.StatusNotFound)
		return viewer, core.Item{}, false
	}
	it, err := h.Items.Get(c.Request.Context(), viewer, core.ItemID(id))
	if err == nil && it.Kind != core.KindSeries {
		err = core.ErrNotFound
	}
	if err != nil {
		h.fail(c, err)
		return viewer, core.Item{}, false
	}
	return viewer, it, true
}

// seasons is GET /Shows/{seriesId}/Seasons: in season order, specials (season 0) first.
func (h *Handler) seasons(c *gin.Context) {
	viewer, s, ok := h.series(c)
	if !ok {
		return
	}
	items, _, err := h.listPaged(c.Request.Context(), viewer, core.ItemQuery{Parent: s.ID,
		Kinds: []core.ItemKind{core.KindSeason}, Sort: core.SortIndex}, 0, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	if special := boolean(c, "isSpecialSeason"); special != nil {
		kept := items[:0]
		for _, it := range items {
			if (it.IndexNumber != nil && *it.IndexNumber == 0) == *special {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	h.writeItems(c, viewer, items, len(items), 0, listOptions(c))
}

// episodes is GET /Shows/{seriesId}/Episodes: one season's (seasonId or season number) or the
// whole series', in season then episode order; startItemId starts the list at an episode.
func (h *Handler) episodes(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, s, ok := h.series(c)
	if !ok {
		return
	}
	o := listOptions(c)
	offset, limit := paging(c)
	seasons, _, err := h.listPaged(ctx, viewer, core.ItemQuery{Parent: s.ID, Kinds: []core.ItemKind{core.KindSeason}, Sort: core.SortIndex}, 0, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	var only *core.ItemID
	if raw := str(c, "seasonId"); raw != "" {
		id, _ := parseID(raw)
		sid := core.ItemID(id)
		only = &sid
	} else if n := integer(c, "season", -1); n >= 0 {
		none := core.ItemID("")
		only = &none
		for _, se := range seasons {
			if se.IndexNumber != nil && *se.IndexNumber == n {
				only = &se.ID
			}
		}
	}
	// Episodes straight under the series (no season folder) come first, then each season's.
	parents := []core.ItemID{s.ID}
	for _, se := range seasons {
		parents = append(parents, se.ID)
	}
	var items []core.Item
	for _, p := range parents {
		if only != nil && p != *only {
			continue
		}
		eps, _, err := h.listPaged(ctx, viewer, core.ItemQuery{Parent: p, Kinds: []core.ItemKind{core.KindEpisode}, Sort: core.SortIndex}, 0, 0)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, e := range eps {
			if e.ExtraType == "" {
				items = append(items, e)
			}
		}
	}
	if raw := str(c, "startItemId"); raw != "" {
		if id, ok := parseID(raw); ok {
			for i, e := range items {
				if e.ID == core.ItemID(id) {
					items = items[i:]
					break
				}
			}
		}
	}
	total := len(items)
	h.writeItems(c, viewer, pageOf(items, offset, limit), total, offset, o)
}
