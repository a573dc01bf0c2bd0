package jellyfin

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:generate go run ./internal/genfallback -spec ../../../shared/api/jellyfin-openapi-10.11.json -out fallback_table.go

// A client may call any of Jellyfin's ~390 operations; many belong to features Walros does not have
// (Live TV, plugins, SyncPlay, channels...). Those that answer a list get an empty list, which is
// the truth (there are no channels), so that pages render instead of failing; the rest answer 404.
// Only GET operations: answering 204 to a change Walros does not make would be a lie.

type fallbackRoute struct {
	path    string
	handler gin.HandlerFunc
}

func emptyArray(c *gin.Context) { writeJSON(c, http.StatusOK, []any{}) }

func emptyQueryResult(c *gin.Context) {
	writeJSON(c, http.StatusOK, queryResult[any]{Items: []any{}, StartIndex: integer(c, "startIndex", 0)})
}

// registerFallbacks registers the list operations of fallbackRoutes that no other route serves; it
// must come last in New, as the router tries routes in the order they were added.
func (h *Handler) registerFallbacks(r *router) {
	for _, f := range fallbackRoutes {
		if rt, _, _ := r.match(http.MethodGet, f.path); rt != nil {
			continue
		}
		r.add(http.MethodGet, f.path, user, f.handler)
	}
}
