package jellyfin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// filters is GET /Items/Filters (legacy: names only) and /Items/Filters2 (genres with ids): what
// the filter dialog of a library offers, from the items the viewer may see there. Genres and tags
// come from core's facet counts; years and official ratings from the first core.MaxPage items
// of the scope, which is every item of all but the largest libraries.
func (h *Handler) filters(withIDs bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		viewer, ok := h.viewer(c)
		if !ok {
			return
		}
		sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
		if err != nil {
			h.fail(c, err)
			return
		}
		genres, tags, years, ratings := []string{}, []string{}, []int{}, []string{}
		kinds, none := kindsOf(c, nil)
		if !sc.hidden && !none {
			lib := sc.library
			if sc.parent != nil {
				lib = sc.parent.LibraryID
			}
			for _, f := range []struct {
				kind core.FacetKind
				dst  *[]string
			}{{core.FacetGenre, &genres}, {core.FacetTag, &tags}} {
				fs, _, err := h.Items.Facets(ctx, viewer, core.FacetQuery{Kind: f.kind, Library: lib, Limit: core.MaxPage})
				if err != nil {
					h.fail(c, err)
					return
				}
				for _, x := range fs {
					*f.dst = append(*f.dst, x.Name)
				}
			}
			q := core.ItemQuery{Library: sc.library, Kinds: kinds, Limit: core.MaxPage}
			if sc.parent != nil {
				q.Parent = sc.parent.ID
			}
			items, _, err := h.Items.List(ctx, viewer, q)
			if err != nil {
				h.fail(c, err)
				return
			}
			b, err := h.batch(ctx, viewer, items, core.BatchParts{})
			if err != nil {
				h.fail(c, err)
				return
			}
			for _, it := range items {
				if it.Year > 0 && !slices.Contains(years, it.Year) {
					years = append(years, it.Year)
				}
				if r := b.Metadata[it.ID].OfficialRating; r != "" && !slices.Contains(ratings, r) {
					ratings = append(ratings, r)
				}
			}
			slices.Sort(years)
			slices.SortFunc(ratings, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		}
		if withIDs {
			writeJSON(c, http.StatusOK, gin.H{"Genres": namePairs(nameGenre, genres), "Tags": tags})
			return
		}
		writeJSON(c, http.StatusOK, gin.H{"Genres": genres, "Tags": tags, "OfficialRatings": ratings, "Years": years})
	}
}
