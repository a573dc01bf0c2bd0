package native

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) listItems(c *gin.Context) {
	q := core.ItemQuery{Library: core.LibraryID(c.Query("library")), Parent: core.ItemID(c.Query("parent")),
		Text: c.Query("q"), Sort: core.ItemSort(c.Query("sort")), Genre: c.Query("genre"), Person: c.Query("person"),
		Letter: c.Query("letter"), Studio: c.Query("studio"), Tag: c.Query("tag"), Collection: c.Query("collection")}
	for _, t := range strings.Split(c.Query("type"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			q.Kinds = append(q.Kinds, core.ItemKind(t))
		}
	}
	var ok bool
	if q.Desc, ok = h.descQuery(c, false); !ok {
		return
	}
	if q.Limit, q.Offset, ok = h.pageQuery(c); !ok {
		return
	}
	if q.Year, ok = h.intQuery(c, "year", 0); !ok {
		return
	}
	if r := c.Query("maxRating"); r != "" {
		level, known := core.RatingLevel(r)
		if !known {
			h.fail(c, core.Invalid("maxRating", "is not a rating Walros knows (such as PG-13, TV-14, FSK 16 or de/12)"))
			return
		}
		q.MaxRating = &level
	}
	if q.Played, ok = h.optBoolQuery(c, "played"); !ok {
		return
	}
	if q.Favorite, ok = h.optBoolQuery(c, "favorite"); !ok {
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

func (h *Handler) identifyItem(c *gin.Context) {
	var req struct {
		ProviderIDs map[string]string `json:"providerIds"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if _, err := h.Scans.Identify(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), req.ProviderIDs); err != nil {
		h.fail(c, err)
		return
	}
	h.itemDetail(c, http.StatusOK)
}

// facets lists genres, studios, tags, collections or people with their item counts.
func (h *Handler) facets(kind core.FacetKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := core.FacetQuery{Kind: kind, Library: core.LibraryID(c.Query("library")), Text: c.Query("q")}
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
		list, total, err := h.Items.Facets(c.Request.Context(), callerOf(c), q)
		if err != nil {
			h.fail(c, err)
			return
		}
		type facet struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		}
		out := make([]facet, len(list))
		for i, f := range list {
			out[i] = facet{f.Name, f.Count}
		}
		c.JSON(http.StatusOK, gin.H{"items": out, "total": total})
	}
}

// getPerson answers with a person credited in items the caller may see.
func (h *Handler) getPerson(c *gin.Context) {
	p, err := h.Items.Person(c.Request.Context(), callerOf(c), c.Param("name"))
	if err != nil {
		h.fail(c, err)
		return
	}
	kinds := make([]string, len(p.Kinds))
	for i, k := range p.Kinds {
		kinds[i] = string(k)
	}
	out := gin.H{"name": p.Name, "itemCount": p.Items, "kinds": kinds, "hasImage": p.Thumb != ""}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) getItem(c *gin.Context) {
	h.itemDetail(c, http.StatusOK)
}

// itemDetail answers with the item, its files and its metadata.
func (h *Handler) itemDetail(c *gin.Context, status int) {
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
	meta, err := h.Items.Metadata(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := toItemDetail(it, files, meta)
	h.blurHashes(ctx, it, meta.Images, d.Images)
	for i, im := range meta.Images {
		if h.Artwork != nil && h.Artwork.Uploaded(im) {
			d.Images[i].Source = "uploaded"
		}
	}
	c.JSON(status, d)
}

// blurHashNoter is told of a primary image's hash computed here that lists do not show yet
// (the artwork service passes it on to its background hasher; decision 0036).
type blurHashNoter interface {
	NoteBlurHash(item core.ItemID, img core.Image)
}

// blurHashes fills in the placeholders clients draw while an image loads. Each is computed once
// per image and cached; a remote image not downloaded yet gets none rather than delay the answer.
func (h *Handler) blurHashes(ctx context.Context, it core.Item, images []core.Image, out []imageDTO) {
	if h.Artwork == nil {
		return
	}
	primary := true // the first Primary image is the one lists show
	for i, im := range images {
		first := primary && im.Kind == core.ImagePrimary
		primary = primary && !first
		if im.Path == "" {
			continue
		}
		bctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if b, err := h.Artwork.BlurHash(bctx, im); err == nil {
			out[i].BlurHash = b
			if n, ok := h.Artwork.(blurHashNoter); ok && first && b != it.BlurHash {
				n.NoteBlurHash(it.ID, im)
			}
		}
		cancel()
	}
}

type itemEdit struct {
	Title          *string            `json:"title"`
	OriginalTitle  *string            `json:"originalTitle"`
	SortTitle      *string            `json:"sortTitle"`
	Overview       *string            `json:"overview"`
	Tagline        *string            `json:"tagline"`
	Year           *int               `json:"year"`
	Premiere       *string            `json:"premiere"`
	CommunityScore *float64           `json:"communityScore"`
	CriticScore    *float64           `json:"criticScore"`
	OfficialRating *string            `json:"officialRating"`
	Collection     *string            `json:"collection"`
	Genres         *[]string          `json:"genres"`
	Studios        *[]string          `json:"studios"`
	Tags           *[]string          `json:"tags"`
	ProviderIDs    *map[string]string `json:"providerIds"`
	Unlock         []string           `json:"unlock"`
}

func (h *Handler) editItem(c *gin.Context) {
	var req itemEdit
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	var m core.Metadata
	var fields []string
	set := func(name string, present bool, apply func()) {
		if present {
			apply()
			fields = append(fields, name)
		}
	}
	set("title", req.Title != nil, func() { m.Title = *req.Title })
	set("originalTitle", req.OriginalTitle != nil, func() { m.OriginalTitle = *req.OriginalTitle })
	set("sortTitle", req.SortTitle != nil, func() { m.SortTitle = *req.SortTitle })
	set("overview", req.Overview != nil, func() { m.Overview = *req.Overview })
	set("tagline", req.Tagline != nil, func() { m.Tagline = *req.Tagline })
	set("year", req.Year != nil, func() { m.Year = *req.Year })
	set("communityScore", req.CommunityScore != nil, func() { m.CommunityScore = *req.CommunityScore })
	set("criticScore", req.CriticScore != nil, func() { m.CriticScore = *req.CriticScore })
	set("officialRating", req.OfficialRating != nil, func() { m.OfficialRating = *req.OfficialRating })
	set("collection", req.Collection != nil, func() { m.Collection = *req.Collection })
	set("genres", req.Genres != nil, func() { m.Genres = *req.Genres })
	set("studios", req.Studios != nil, func() { m.Studios = *req.Studios })
	set("tags", req.Tags != nil, func() { m.Tags = *req.Tags })
	set("providerIds", req.ProviderIDs != nil, func() { m.ProviderIDs = *req.ProviderIDs })
	if req.Premiere != nil {
		t, err := time.Parse(time.DateOnly, *req.Premiere)
		if err != nil && *req.Premiere != "" {
			h.fail(c, core.Invalid("premiere", "must be a date like 2024-03-14"))
			return
		}
		m.Premiere, fields = t, append(fields, "premiere")
	}
	if _, err := h.Items.Edit(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), m, fields, req.Unlock); err != nil {
		h.fail(c, err)
		return
	}
	h.itemDetail(c, http.StatusOK)
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

// pageQuery reads limit (default 100, at least 1) and offset, answering 400 when they are wrong.
func (h *Handler) pageQuery(c *gin.Context) (limit, offset int, ok bool) {
	if limit, ok = h.intQuery(c, "limit", 100); !ok {
		return 0, 0, false
	}
	if offset, ok = h.intQuery(c, "offset", 0); !ok {
		return 0, 0, false
	}
	if limit == 0 {
		h.fail(c, core.Invalid("limit", "must be between 1 and %d", core.MaxPage))
		return 0, 0, false
	}
	return limit, offset, true
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

// optBoolQuery reads an optional true/false parameter: nil when absent; a bad value answers 400.
func (h *Handler) optBoolQuery(c *gin.Context, name string) (*bool, bool) {
	if c.Query(name) == "" {
		return nil, true
	}
	b, ok := h.boolQuery(c, name)
	if !ok {
		return nil, false
	}
	return &b, true
}

// descQuery reads ?order=asc|desc, def when absent; a bad value answers 400.
func (h *Handler) descQuery(c *gin.Context, def bool) (desc, ok bool) {
	switch c.Query("order") {
	case "":
		return def, true
	case "asc":
		return false, true
	case "desc":
		return true, true
	}
	h.fail(c, core.Invalid("order", "must be asc or desc"))
	return false, false
}
