package native

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) listItems(c *gin.Context) {
	q := core.ItemQuery{Library: core.LibraryID(c.Query("library")), Parent: core.ItemID(c.Query("parent")),
		Text: c.Query("q"), Sort: core.ItemSort(c.Query("sort"))}
	for _, t := range strings.Split(c.Query("type"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			q.Kinds = append(q.Kinds, core.ItemKind(t))
		}
	}
	switch c.Query("order") {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		h.fail(c, core.Invalid("order", "must be asc or desc"))
		return
	}
	var ok bool
	if q.Limit, ok = h.intQuery(c, "limit", 100); !ok {
		return
	}
	if q.Offset, ok = h.intQuery(c, "offset", 0); !ok {
		return
	}
	if q.Limit == 0 {
		h.fail(c, core.Invalid("limit", "must be between 1 and %d", core.MaxPage))
		return
	}
	items, total, err := h.Items.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]itemDTO, len(items))
	for i, it := range items {
		out[i] = toItem(it)
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "total": total})
}

func (h *Handler) getItem(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	it, err := h.Items.Get(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	files, err := h.Items.Files(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]mediaFileDTO, len(files))
	for i, f := range files {
		out[i] = toMediaFile(f)
	}
	c.JSON(http.StatusOK, struct {
		itemDTO
		Files []mediaFileDTO `json:"files"`
	}{toItem(it), out})
}

func (h *Handler) intQuery(c *gin.Context, name string, def int) (int, bool) {
	s, ok := c.GetQuery(name)
	if !ok || s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		h.fail(c, core.Invalid(name, "must be an integer"))
		return 0, false
	}
	return n, true
}

// boolQuery reads an optional boolean query parameter, answering 400 when it is not one.
func (h *Handler) boolQuery(c *gin.Context, name string) (bool, bool) {
	s := c.Query(name)
	if s == "" {
		return false, true
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		h.fail(c, core.Invalid(name, "must be true or false"))
		return false, false
	}
	return b, true
}
