package jellyfin

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) searchRoutes(r *router) {
	r.add("GET", "/Search/Hints", user, h.searchHints)
	r.add("GET", "/Genres", user, h.names(nameGenre))
	r.add("GET", "/Studios", user, h.names(nameStudio))
	r.add("GET", "/Persons", user, h.names(namePerson))
	r.add("GET", "/Genres/{name}", user, h.namedItem(nameGenre))
	r.add("GET", "/Studios/{name}", user, h.namedItem(nameStudio))
	r.add("GET", "/Persons/{name}", user, h.namedItem(namePerson))
}

var facetOf = map[nameKind]core.FacetKind{namePerson: core.FacetPerson, nameGenre: core.FacetGenre, nameStudio: core.FacetStudio}

var typeOf = map[nameKind]string{namePerson: "Person", nameGenre: "Genre", nameStudio: "Studio"}

// nameDto is a genre, studio or person as an item.
func (h *Handler) nameDto(kind nameKind, name string, count int, thumb string) baseItemDto {
	d := baseItemDto{Name: name, ServerId: h.ServerID, Id: nameID(kind, name), Type: typeOf[kind], IsFolder: kind != namePerson,
		LocationType: "FileSystem", MediaType: "Unknown", ImageTags: map[string]string{}, BackdropImageTags: []string{}}
	if count > 0 {
		d.ChildCount = ptr(count)
	}
	if thumb != "" {
		d.ImageTags["Primary"] = imageTag(core.Image{Kind: core.ImagePrimary, Path: thumb})
	}
	return d
}

// names is GET /Genres, /Studios and /Persons: the names the viewer's items carry, with counts.
func (h *Handler) names(kind nameKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		viewer, ok := h.viewer(c)
		if !ok {
			return
		}
		offset, limit := paging(c)
		sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
		if err != nil {
			h.fail(c, err)
			return
		}
		if sc.hidden || sc.parent != nil && sc.library == "" && !isFolder(sc.parent.Kind) {
			writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: []baseItemDto{}, StartIndex: offset})
			return
		}
		q := core.FacetQuery{Kind: facetOf[kind], Library: sc.library, Text: str(c, "searchTerm"), Offset: offset,
			Limit: min(limit, core.MaxPage)}
		if sc.parent != nil {
			q.Library = sc.parent.LibraryID
		}
		prefix := strings.ToLower(str(c, "nameStartsWith"))
		if q.Text == "" {
			q.Text = prefix
		}
		if q.Limit == 0 {
			q.Limit = core.MaxPage
		}
		fs, total, err := h.Items.Facets(ctx, viewer, q)
		if err != nil {
			h.fail(c, err)
			return
		}
		out := make([]baseItemDto, 0, len(fs))
		for _, f := range fs {
			if prefix != "" && !strings.HasPrefix(strings.ToLower(f.Name), prefix) {
				continue // Facets matches anywhere in the name
			}
			out = append(out, h.nameDto(kind, f.Name, f.Count, ""))
		}
		writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: out, TotalRecordCount: total, StartIndex: offset})
	}
}

// namedItem is GET /Genres/{name}, /Studios/{name} and /Persons/{name}.
func (h *Handler) namedItem(kind nameKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		if viewer, ok := h.viewer(c); ok {
			h.nameItem(c, viewer, kind, c.Param("name"))
		}
	}
}

// nameItem answers with a person, genre or studio the viewer's items carry, or 404.
func (h *Handler) nameItem(c *gin.Context, viewer core.Caller, kind nameKind, name string) {
	ctx := c.Request.Context()
	if kind == namePerson {
		p, err := h.Items.Person(ctx, viewer, name)
		if err != nil {
			h.fail(c, err)
			return
		}
		d := h.nameDto(kind, p.Name, p.Items, p.Thumb)
		writeJSON(c, http.StatusOK, d)
		return
	}
	f, ok, err := h.facet(ctx, viewer, facetOf[kind], name)
	switch {
	case err != nil:
		h.fail(c, err)
	case !ok:
		status(c, http.StatusNotFound)
	default:
		writeJSON(c, http.StatusOK, h.nameDto(kind, f.Name, f.Count, ""))
	}
}

// facet finds a genre or studio by name, ignoring case, among those of the viewer's items.
func (h *Handler) facet(ctx context.Context, viewer core.Caller, kind core.FacetKind, name string) (core.Facet, bool, error) {
	fs, _, err := h.Items.Facets(ctx, viewer, core.FacetQuery{Kind: kind, Text: name, Limit: core.MaxPage})
	if err != nil {
		return core.Facet{}, false, err
	}
	i := slices.IndexFunc(fs, func(f core.Facet) bool { return strings.EqualFold(f.Name, strings.TrimSpace(name)) })
	if i < 0 {
		return core.Facet{}, false, nil
	}
	return fs[i], true, nil
}

// searchHint is Jellyfin's SearchHint.
type searchHint struct {
	ItemId, Id              string
	Name                    string
	MatchedTerm             string `json:",omitempty"`
	IndexNumber             *int   `json:",omitempty"`
	ProductionYear          *int   `json:",omitempty"`
	ParentIndexNumber       *int   `json:",omitempty"`
	PrimaryImageTag         string `json:",omitempty"`
	ThumbImageTag           string `json:",omitempty"`
	ThumbImageItemId        string `json:",omitempty"`
	BackdropImageTag        string `json:",omitempty"`
	BackdropImageItemId     string `json:",omitempty"`
	Type                    string
	IsFolder                bool
	RunTimeTicks            *int64 `json:",omitempty"`
	MediaType               string
	Series                  string   `json:",omitempty"`
	Album                   string   `json:",omitempty"`
	AlbumId                 string   `json:",omitempty"`
	AlbumArtist             string   `json:",omitempty"`
	Artists                 []string `json:",omitempty"`
	PrimaryImageAspectRatio *float64 `json:",omitempty"`
}

// searchHints is GET /Search/Hints: titles first, then people and genres (unless left out).
func (h *Handler) searchHints(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	term := strings.TrimSpace(str(c, "searchTerm"))
	offset, limit := paging(c)
	if limit == 0 {
		limit = 100
	}
	out := struct {
		SearchHints      []searchHint
		TotalRecordCount int
	}{SearchHints: []searchHint{}}
	if term == "" {
		writeJSON(c, http.StatusOK, out)
		return
	}
	include := func(name string) bool { b := boolean(c, name); return b == nil || *b }
	if include("includeMedia") {
		kinds, none := kindsOf(c, nil)
		sc, err := h.scopeOf(ctx, viewer, str(c, "parentId"))
		if err != nil {
			h.fail(c, err)
			return
		}
		if !none && !sc.hidden {
			q := core.ItemQuery{Text: term, Kinds: kinds, Library: sc.library, Offset: offset, Limit: min(limit, core.MaxPage)}
			if sc.parent != nil {
				q.Parent = sc.parent.ID
			}
			items, total, err := h.Items.List(ctx, viewer, q)
			if err != nil {
				h.fail(c, err)
				return
			}
			dtos, err := h.dtos(ctx, viewer, items, dtoOptions{fields: fieldSet{names: map[string]bool{"primaryimageaspectratio": true}}, images: true})
			if err != nil {
				h.fail(c, err)
				return
			}
			for _, d := range dtos {
				out.SearchHints = append(out.SearchHints, hintOf(d, term))
			}
			out.TotalRecordCount += total
		}
	}
	for _, k := range []struct {
		kind  nameKind
		param string
	}{{namePerson, "includePeople"}, {nameGenre, "includeGenres"}, {nameStudio, "includeStudios"}} {
		if !include(k.param) || len(list(c, "includeItemTypes")) > 0 {
			continue
		}
		fs, total, err := h.Items.Facets(ctx, viewer, core.FacetQuery{Kind: facetOf[k.kind], Text: term, Limit: min(limit, core.MaxPage)})
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, f := range fs {
			if len(out.SearchHints) < limit {
				out.SearchHints = append(out.SearchHints, hintOf(h.nameDto(k.kind, f.Name, f.Count, ""), term))
			}
		}
		out.TotalRecordCount += total
	}
	writeJSON(c, http.StatusOK, out)
}

func hintOf(d baseItemDto, term string) searchHint {
	s := searchHint{ItemId: d.Id, Id: d.Id, Name: d.Name, MatchedTerm: term, IndexNumber: d.IndexNumber,
		ProductionYear: d.ProductionYear, ParentIndexNumber: d.ParentIndexNumber, PrimaryImageTag: d.ImageTags["Primary"],
		Type: d.Type, IsFolder: d.IsFolder, RunTimeTicks: d.RunTimeTicks, MediaType: d.MediaType, Series: d.SeriesName,
		Album: d.Album, AlbumId: d.AlbumId, AlbumArtist: d.AlbumArtist, Artists: d.Artists,
		PrimaryImageAspectRatio: d.PrimaryImageAspectRatio}
	if t, ok := d.ImageTags["Thumb"]; ok {
		s.ThumbImageTag, s.ThumbImageItemId = t, d.Id
	}
	if len(d.BackdropImageTags) > 0 {
		s.BackdropImageTag, s.BackdropImageItemId = d.BackdropImageTags[0], d.Id
	} else if len(d.ParentBackdropImageTags) > 0 {
		s.BackdropImageTag, s.BackdropImageItemId = d.ParentBackdropImageTags[0], d.ParentBackdropItemId
	}
	return s
}
