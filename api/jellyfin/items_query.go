package jellyfin

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// maxUnpaged bounds a list asked for without a limit: Jellyfin returns everything (Jellyseerr's
// library scan sends no Limit), Walros pages through core's MaxPage up to this many items, which
// covers any library a home server holds without letting one request build an unbounded answer.
const maxUnpaged = 20 * core.MaxPage

// viewer is whose view a request asks for: the caller's, or, for an admin or an API key, that of
// the user named by {userId} or ?userId= (Jellyseerr reads a user's items with the admin's key).
// Anyone else naming another user gets 403.
func (h *Handler) viewer(c *gin.Context) (core.Caller, bool) {
	raw := c.Param("userId")
	if raw == "" {
		raw = str(c, "userId")
	}
	return h.actAs(c, raw)
}

// actAs is the caller a request acts as when it names the user raw (empty: the caller): the
// caller for their own id; for an admin (or an API key), the named user, with that user's
// library access, as Jellyfin does. An id that is not a GUID is 400, another user's id named by a
// non-admin 403, a disabled user 403.
func (h *Handler) actAs(c *gin.Context, raw string) (core.Caller, bool) {
	caller := callerOf(c)
	if raw == "" {
		return caller, true
	}
	id, ok := parseID(raw)
	switch {
	case !ok:
		status(c, http.StatusBadRequest)
		return core.Caller{}, false
	case core.UserID(id) == caller.UserID:
		return caller, true
	case !caller.Admin:
		status(c, http.StatusForbidden)
		return core.Caller{}, false
	}
	u, err := h.Users.Get(c.Request.Context(), caller, core.UserID(id))
	if err != nil {
		h.fail(c, err)
		return core.Caller{}, false
	}
	if u.Disabled {
		status(c, http.StatusForbidden)
		return core.Caller{}, false
	}
	return core.CallerOf(u, ""), true
}

// paging reads startIndex and limit; limit 0 means everything (up to maxUnpaged).
func paging(c *gin.Context) (offset, limit int) {
	// Bounded, so that offset+limit cannot overflow anywhere below.
	return min(max(integer(c, "startIndex", 0), 0), maxOffset), min(max(integer(c, "limit", 0), 0), maxOffset)
}

// maxOffset bounds startIndex and limit: far past any library.
const maxOffset = 1 << 30

// totalWanted reads enableTotalRecordCount (default true): jellyfin-web's home rows and infinite
// scrolls send false, and counting the matches can cost more than reading the page. Without it,
// TotalRecordCount may be only StartIndex plus the number of items returned.
func totalWanted(c *gin.Context) bool {
	b := boolean(c, "enableTotalRecordCount")
	return b == nil || *b
}

// listPaged runs q for items offset to offset+limit (limit 0: all), through pages of at most
// core.MaxPage, and returns them with the number of matches.
func (h *Handler) listPaged(ctx context.Context, caller core.Caller, q core.ItemQuery, offset, limit int) ([]core.Item, int, error) {
	want := limit
	if want <= 0 || want > maxUnpaged {
		want = maxUnpaged
	}
	var out []core.Item
	total := 0
	for len(out) < want {
		q.Offset, q.Limit = offset+len(out), min(want-len(out), core.MaxPage)
		got, n, err := h.Items.List(ctx, caller, q)
		if err != nil {
			return nil, 0, err
		}
		if out == nil {
			out = got // most lists are one call: no copy
		} else {
			out = append(out, got...)
		}
		total = n
		if len(got) < q.Limit {
			break
		}
	}
	if out == nil {
		out = []core.Item{}
	}
	return out, total, nil
}

// kindsOf reads includeItemTypes, excludeItemTypes, mediaTypes and the folder filters into kinds.
// Names Walros has no items of are dropped, as Jellyfin drops what it cannot parse (Jellyseerr
// sends "Series,Movie,Others"); none is true when what is left selects nothing at all, which is
// not the same as no restriction.
func kindsOf(c *gin.Context, filters []string) (kinds []core.ItemKind, none bool) {
	set := slices.Clone(core.ItemKinds)
	restricted := false
	if inc := list(c, "includeItemTypes"); len(inc) > 0 {
		restricted, set = true, nil
		for _, n := range inc {
			ks, _ := itemKinds(n)
			set = append(set, ks...)
		}
	}
	for _, n := range list(c, "excludeItemTypes") {
		ks, _ := itemKinds(n)
		for _, k := range ks {
			restricted, set = true, slices.DeleteFunc(set, func(x core.ItemKind) bool { return x == k })
		}
	}
	keep := func(ok func(core.ItemKind) bool) {
		restricted, set = true, slices.DeleteFunc(set, func(k core.ItemKind) bool { return !ok(k) })
	}
	if mts := list(c, "mediaTypes"); len(mts) > 0 {
		keep(func(k core.ItemKind) bool {
			return slices.ContainsFunc(mts, func(mt string) bool { return strings.EqualFold(mt, mediaType(k)) })
		})
	}
	for _, f := range filters {
		switch strings.ToLower(f) {
		case "isfolder":
			keep(isFolder)
		case "isnotfolder":
			keep(func(k core.ItemKind) bool { return !isFolder(k) })
		}
	}
	if b := boolean(c, "isFolder"); b != nil {
		keep(func(k core.ItemKind) bool { return isFolder(k) == *b })
	}
	if !restricted {
		return nil, false
	}
	set = slices.Compact(slices.Sorted(slices.Values(set)))
	return set, len(set) == 0
}

// sortOf maps sortBy and sortOrder: the first order Walros has wins; orders it lacks (Random,
// CommunityRating, Runtime...) fall back to the title, which is also what follows every order.
func sortOf(c *gin.Context, def core.ItemSort) (core.ItemSort, bool) {
	desc := false
	if orders := list(c, "sortOrder"); len(orders) > 0 {
		desc = strings.EqualFold(orders[0], "Descending")
	}
	for _, s := range list(c, "sortBy") {
		switch strings.ToLower(s) {
		case "sortname", "name", "seriessortname", "random", "communityrating", "criticrating", "runtime", "officialrating":
			return core.SortTitle, desc
		case "productionyear", "premieredate":
			return core.SortYear, desc
		case "datecreated", "datelastcontentadded":
			return core.SortAdded, desc
		case "dateplayed", "seriesdateplayed":
			return core.SortPlayed, desc
		case "indexnumber", "parentindexnumber", "airedepisodeorder":
			return core.SortIndex, desc
		}
	}
	return def, desc
}

// scope is where a list looks: a library, an item's children, or everything.
type scope struct {
	library core.LibraryID
	parent  *core.Item
	hidden  bool // parentId names nothing the viewer may see: the list is empty
}

// scopeOf reads parentId: a library id (a view) or an item id.
func (h *Handler) scopeOf(ctx context.Context, viewer core.Caller, raw string) (scope, error) {
	if raw == "" {
		return scope{}, nil
	}
	id, ok := parseID(raw)
	if !ok {
		return scope{hidden: true}, nil
	}
	if lib, err := h.Libraries.Get(ctx, viewer, core.LibraryID(id)); err == nil {
		return scope{library: lib.ID}, nil
	} else if !errors.Is(err, core.ErrNotFound) && !errors.Is(err, core.ErrForbidden) {
		return scope{}, err
	}
	it, err := h.Items.Get(ctx, viewer, core.ItemID(id))
	switch {
	case errors.Is(err, core.ErrNotFound):
		return scope{hidden: true}, nil
	case err != nil:
		return scope{}, err
	}
	return scope{parent: &it}, nil
}

// itemQuery reads the filters of /Items into a core query (scope and kinds aside).
func (h *Handler) itemQuery(ctx context.Context, c *gin.Context, viewer core.Caller) core.ItemQuery {
	var q core.ItemQuery
	q.Text = str(c, "searchTerm")
	filters := list(c, "filters")
	for _, f := range filters {
		switch strings.ToLower(f) {
		case "isfavorite", "isfavoriteorlikes":
			q.Favorite = ptr(true)
		case "isplayed":
			q.Played = ptr(true)
		case "isunplayed":
			q.Played = ptr(false)
		case "isresumable":
			q.Resumable = true
		}
	}
	if b := boolean(c, "isPlayed"); b != nil {
		q.Played = b
	}
	if b := boolean(c, "isFavorite"); b != nil {
		q.Favorite = b
	}
	// core filters on one genre, studio, tag and person: the first named is used, so a
	// multi-genre filter shows the first genre's items rather than failing.
	q.Genre = h.firstName(ctx, c, viewer, "genres", "genreIds", nameGenre)
	q.Studio = h.firstName(ctx, c, viewer, "studios", "studioIds", nameStudio)
	if tags := pipeList(c, "tags"); len(tags) > 0 {
		q.Tag = tags[0]
	}
	q.Person = str(c, "person")
	if q.Person == "" {
		q.Person = h.firstName(ctx, c, viewer, "", "personIds", namePerson)
	}
	// One year filters; several are not one core filter, and a larger answer is safer for the
	// tools that send them (Sonarr sends one) than a smaller one.
	if years := list(c, "years"); len(years) == 1 {
		q.Year, _ = strconv.Atoi(years[0])
	}
	if p := strings.TrimSpace(str(c, "nameStartsWith")); p != "" {
		if r := []rune(p); len(r) == 1 && unicode.IsLetter(r[0]) {
			q.Letter = p
		} else if q.Text == "" {
			q.Text = p // best effort: a title containing it
		}
	}
	return q
}

// firstName returns the first of a pipe list of names, or the name behind the first of a list
// of name ids.
func (h *Handler) firstName(ctx context.Context, c *gin.Context, viewer core.Caller, names, ids string, kind nameKind) string {
	if names != "" {
		if ns := pipeList(c, names); len(ns) > 0 {
			return ns[0]
		}
	}
	if is := list(c, ids); len(is) > 0 {
		if n, ok := h.nameByID(ctx, viewer, is[0], kind); ok {
			return n
		}
		return "\x00" // an id that names nothing matches nothing
	}
	return ""
}

// nameByID finds the name behind a name-derived id: from memory, or else by going through the
// names the viewer may see.
func (h *Handler) nameByID(ctx context.Context, viewer core.Caller, id string, kind nameKind) (string, bool) {
	if n, ok := nameOf(id, kind); ok {
		return n, true
	}
	facet := map[nameKind]core.FacetKind{namePerson: core.FacetPerson, nameGenre: core.FacetGenre, nameStudio: core.FacetStudio}[kind]
	// An id this process never handed out (it restarted): look among the first page of names
	// only, so that made-up ids cannot make every request scan every name.
	want := jid(strings.ToLower(id))
	fs, _, err := h.Items.Facets(ctx, viewer, core.FacetQuery{Kind: facet, Limit: core.MaxPage})
	if err != nil {
		return "", false
	}
	for _, f := range fs {
		if nameID(kind, f.Name) == want {
			return f.Name, true
		}
	}
	return "", false
}

// providerFilter reads anyProviderIdEquals ("tmdb.603", "Imdb.tt0133093").
func providerFilter(c *gin.Context) map[string]string {
	out := map[string]string{}
	for _, p := range list(c, "anyProviderIdEquals") {
		if k, v, ok := strings.Cut(p, "."); ok && v != "" {
			out[providerKey(k)] = v
		}
	}
	return out
}

// matchesProvider reports whether the item has any of ids.
func matchesProvider(it core.Item, ids map[string]string) bool {
	for k, v := range ids {
		if strings.EqualFold(it.ProviderIDs[k], v) {
			return true
		}
	}
	return false
}
