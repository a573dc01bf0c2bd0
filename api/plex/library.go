package plex

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
)

func (h *Handler) serverRoutes(r *router) {
	r.add(http.MethodGet, "/identity", true, h.identity)
	r.add(http.MethodGet, "/", false, h.root)
}

func (h *Handler) libraryRoutes(r *router) {
	r.add(http.MethodGet, "/library", false, h.library)
	r.add(http.MethodGet, "/library/sections", false, h.sections)
	r.add(http.MethodGet, "/library/sections/all", false, h.sections)
	r.add(http.MethodGet, "/library/sections/{section}", false, h.section)
	r.add(http.MethodGet, "/library/sections/{section}/all", false, h.sectionAll)
	r.add(http.MethodGet, "/library/sections/{section}/recentlyAdded", false, h.recentlyAdded)
	r.add(http.MethodGet, "/library/sections/{section}/refresh", false, h.refresh)
	r.add(http.MethodPost, "/library/sections/{section}/refresh", false, h.refresh)
	r.add(http.MethodGet, "/library/recentlyAdded", false, h.recentlyAdded)
	r.add(http.MethodGet, "/library/onDeck", false, h.onDeck)
	r.add(http.MethodGet, "/library/metadata/{ids}", false, h.metadata)
	r.add(http.MethodGet, "/library/metadata/{id}/children", false, h.children)
	r.add(http.MethodGet, "/library/parts/{part}/{stamp}/{file}", false, h.part)
	r.add(http.MethodGet, "/hubs/search", false, h.search)
	r.add(http.MethodGet, "/search", false, h.search)
}

// identity is anonymous: clients and Sonarr read the version and machine id before signing in.
func (h *Handler) identity(c *gin.Context) {
	write(c, mediaContainer().set("size", 0).set("claimed", true).set("machineIdentifier", h.ServerID).set("version", Version))
}

func (h *Handler) root(c *gin.Context) {
	caller := callerOf(c)
	mc := mediaContainer().set("size", 1).
		set("allowCameraUpload", false).set("allowChannelAccess", false).set("allowMediaDeletion", false).
		set("allowSharing", false).set("allowSync", false).set("allowTuners", false).set("backgroundProcessing", false).
		set("certificate", false).set("companionProxy", false).set("eventStream", false).
		set("friendlyName", h.ServerName).set("hubSearch", true).set("itemClusters", false).set("livetv", 0).
		set("machineIdentifier", h.ServerID).set("mediaProviders", false).set("multiuser", true).
		set("musicAnalysis", 0).set("myPlex", false).set("myPlexSubscription", false).
		set("ownerFeatures", "").set("platform", "Linux").set("platformVersion", "").
		set("pluginHost", false).set("pushNotifications", false).set("readOnlyLibraries", false).
		set("streamingBrainABRVersion", 3).set("streamingBrainVersion", 2).set("sync", false).
		set("transcoderActiveVideoSessions", 0).set("transcoderAudio", true).set("transcoderLyrics", false).
		set("transcoderPhoto", false).set("transcoderSubtitles", true).set("transcoderVideo", true).
		set("transcoderVideoBitrates", "64,96,208,320,720,1500,2000,3000,4000,8000,10000,12000,20000").
		set("transcoderVideoQualities", "0,1,2,3,4,5,6,7,8,9,10,11,12").
		set("transcoderVideoResolutions", "128,128,160,240,320,480,768,720,720,1080,1080,1080,1080").
		set("updatedAt", h.start.Unix()).set("updater", false).set("version", Version).set("voiceSearch", false)
	if caller.Admin {
		mc.set("myPlexUsername", "")
	}
	mc.add(newNode("Directory").set("count", 1).set("key", "library").set("title", "library"))
	write(c, mc)
}

func (h *Handler) library(c *gin.Context) {
	mc := mediaContainer().set("size", 3).set("allowSync", false).set("identifier", "com.plexapp.plugins.library").
		set("mediaTagPrefix", "/system/bundle/media/flags/").set("mediaTagVersion", h.start.Unix()).set("title1", "Plex Library")
	for _, d := range [][2]string{{"sections", "Library Sections"}, {"recentlyAdded", "Recently Added Content"}, {"onDeck", "On Deck Content"}} {
		mc.add(newNode("Directory").set("key", d[0]).set("title", d[1]))
	}
	write(c, mc)
}

// sections lists the caller's libraries with their folders: Sonarr and Radarr match their root
// folders against Location.path (which must not end in a separator: Radarr appends one).
func (h *Handler) sections(c *gin.Context) {
	libs, err := h.Libraries.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("size", len(libs)).set("allowSync", false).set("title1", "Plex Library")
	for _, l := range libs {
		mc.add(sectionNode(l))
	}
	write(c, mc)
}

func sectionNode(l core.Library) *node {
	typ, agent, scanner := sectionType(l.Type)
	key := strconv.FormatInt(l.Key, 10)
	n := newNode("Directory").set("allowSync", false).set("art", "").set("composite", "").
		set("filters", true).set("refreshing", false).set("thumb", "").set("key", key).set("type", typ).
		set("title", l.Name).set("agent", agent).set("scanner", scanner).set("language", "en-US").
		set("uuid", string(l.ID)).set("updatedAt", l.UpdatedAt.Unix()).set("createdAt", l.CreatedAt.Unix()).
		set("scannedAt", l.UpdatedAt.Unix()).set("content", true).set("directory", true).
		set("contentChangedAt", l.UpdatedAt.Unix()).set("hidden", 0)
	for i, p := range l.Paths {
		n.add(newNode("Location").set("id", int(l.Key)*100+i).set("path", strings.TrimRight(p, "/")))
	}
	return n
}

// sectionOf finds the caller's library with the key in the route, or answers 404.
func (h *Handler) sectionOf(c *gin.Context) (core.Library, bool) {
	key, err := strconv.ParseInt(c.Param("section"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return core.Library{}, false
	}
	libs, err := h.Libraries.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return core.Library{}, false
	}
	for _, l := range libs {
		if l.Key == key {
			return l, true
		}
	}
	fail(c, http.StatusNotFound)
	return core.Library{}, false
}

func (h *Handler) section(c *gin.Context) {
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	typ, _, _ := sectionType(l.Type)
	mc := mediaContainer().set("size", 3).set("allowSync", false).set("content", "secondary").
		set("librarySectionID", l.Key).set("title1", l.Name).set("viewGroup", "secondary").set("viewMode", 65592)
	for _, d := range [][2]string{{"all", "All " + typ + "s"}, {"recentlyAdded", "Recently Added"}, {"onDeck", "On Deck"}} {
		mc.add(newNode("Directory").set("key", d[0]).set("title", d[1]))
	}
	write(c, mc)
}

// sectionAll pages through a section: type= picks the kind (movies, shows, seasons, episodes...),
// sort= the order, title=, year= and genre= filter.
func (h *Handler) sectionAll(c *gin.Context) {
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	p, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	kind := sectionKind(l.Type)
	if t := c.Query("type"); t != "" {
		n, err := strconv.Atoi(t)
		k, known := kindsOfType(n)
		if err != nil || !known {
			fail(c, http.StatusBadRequest)
			return
		}
		kind = k
	}
	q := core.ItemQuery{Library: l.ID, Kinds: []core.ItemKind{kind}, Sort: core.SortTitle, Offset: p.start,
		Limit: p.limit(pageSize), Text: c.Query("title"), Genre: c.Query("genre")}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n >= 0 { // python-plexapi's search(limit=)
		q.Limit = min(q.Limit, n)
	}
	switch c.Query("unwatched") {
	case "1":
		q.Played = new(false)
	case "0":
		q.Played = new(true)
	}
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fail(c, http.StatusBadRequest)
			return
		}
		q.Year = n
	}
	if !sortQuery(c.Query("sort"), &q) {
		fail(c, http.StatusBadRequest)
		return
	}
	var (
		items []core.Item
		total int
		err   error
	)
	if q.Limit == 0 { // Size=0: only the count
		q.Limit = 1
		_, total, err = h.Items.List(c.Request.Context(), callerOf(c), q)
	} else {
		items, total, err = h.Items.List(c.Request.Context(), callerOf(c), q)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	typ, _, _ := sectionType(l.Type)
	mc := mediaContainer().set("allowSync", false).set("librarySectionID", l.Key).set("librarySectionTitle", l.Name).
		set("librarySectionUUID", string(l.ID)).set("title1", l.Name).set("title2", "All "+typ+"s").
		set("viewGroup", kinds[kind].typ)
	paged(c, mc, p, len(items), total)
	if c.Query("includeMeta") == "1" {
		mc.add(metaNode(l))
	}
	v := listView{section: &l, guids: c.Query("includeGuids") == "1"}
	nodes, err := h.itemNodes(c, items, v)
	if err != nil {
		h.fail(c, err)
		return
	}
	mc.add(nodes...)
	write(c, mc)
	if len(items) > 0 {
		h.warmList(callerOf(c), q, v, total)
	}
}

// sortQuery reads Plex's sort= ("titleSort", "addedAt:desc", "year", "originallyAvailableAt").
func sortQuery(s string, q *core.ItemQuery) bool {
	if s == "" {
		return true
	}
	// "movie.addedAt:desc:nullsLast,titleSort": the first key rules; the type prefix and null
	// placement (python-plexapi sends both) change nothing here.
	s, _, _ = strings.Cut(s, ",")
	field, dir, _ := strings.Cut(s, ":")
	dir, _, _ = strings.Cut(dir, ":")
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	switch field {
	case "titleSort", "title":
		q.Sort = core.SortTitle
	case "addedAt":
		q.Sort = core.SortAdded
	case "year", "originallyAvailableAt":
		q.Sort = core.SortYear
	case "index":
		q.Sort = core.SortIndex
	case "lastViewedAt", "viewCount":
		q.Sort = core.SortPlayed
	default:
		return false
	}
	switch dir {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		return false
	}
	return true
}

func (h *Handler) recentlyAdded(c *gin.Context) {
	p, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	q := core.ItemQuery{Kinds: []core.ItemKind{core.KindMovie, core.KindEpisode, core.KindAlbum}, Sort: core.SortAdded,
		Desc: true, Offset: p.start, Limit: p.limit(50)}
	var section *core.Library
	if c.Param("section") != "" {
		l, ok := h.sectionOf(c)
		if !ok {
			return
		}
		section, q.Library = &l, l.ID
	}
	h.writeList(c, q, p, listView{section: section})
}

// writeList answers with a page of a list query.
func (h *Handler) writeList(c *gin.Context, q core.ItemQuery, p page, v listView) {
	countOnly := q.Limit == 0 // Size=0: the total alone
	if countOnly {
		q.Limit = 1
	}
	items, total, err := h.Items.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	if countOnly {
		items = nil
	}
	h.writeItems(c, items, total, p, v)
}

func (h *Handler) writeItems(c *gin.Context, items []core.Item, total int, p page, v listView) {
	nodes, err := h.itemNodes(c, items, v)
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("allowSync", false)
	paged(c, mc, p, len(items), total)
	mc.add(v.extra...)
	mc.add(nodes...)
	write(c, mc)
}

// onDeck is what the user is in the middle of: movies and episodes with a resume point, then the
// next episode of each series they watch.
func (h *Handler) onDeck(c *gin.Context) {
	items, err := h.inProgress(c, "", 50)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writeItems(c, items, len(items), page{all: true}, listView{})
}

// metadata answers one item, or several (comma-separated keys), with everything about them.
func (h *Handler) metadata(c *gin.Context) {
	keys, ok := parseKeys(c.Param("ids"))
	if !ok {
		fail(c, http.StatusNotFound)
		return
	}
	var items []core.Item
	for _, key := range keys {
		it, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
		if err != nil {
			h.fail(c, err)
			return
		}
		items = append(items, it)
	}
	nodes, err := h.itemNodes(c, items, listView{detail: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("size", len(items)).set("allowSync", false)
	if len(items) == 1 {
		if l, ok := h.libraryOf(c, items[0].LibraryID); ok {
			mc.set("librarySectionID", l.Key).set("librarySectionTitle", l.Name).set("librarySectionUUID", string(l.ID))
		}
	}
	mc.add(nodes...)
	write(c, mc)
}

// children lists an item's children: a show's seasons, a season's episodes, an album's tracks.
func (h *Handler) children(c *gin.Context) {
	key, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return
	}
	parent, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	q := core.ItemQuery{Parent: parent.ID, Sort: core.SortIndex, Offset: p.start, Limit: p.limit(pageSize)}
	items, total, err := h.Items.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	nodes, err := h.itemNodes(c, items, listView{parent: &parent})
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("allowSync", false).set("key", strconv.FormatInt(parent.Key, 10)).
		set("parentRatingKey", strconv.FormatInt(parent.Key, 10)).set("parentTitle", parent.Title).
		set("title1", parent.Title).set("viewGroup", "")
	if len(items) > 0 {
		mc.set("viewGroup", kinds[items[0].Kind].typ)
	}
	paged(c, mc, p, len(items), total)
	mc.add(nodes...)
	write(c, mc)
}

// part sends a file's bytes, with ranges; ?download=1 names the file.
func (h *Handler) part(c *gin.Context) {
	key, err := strconv.ParseInt(c.Param("part"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return
	}
	f, err := h.Items.FileByKey(c.Request.Context(), callerOf(c), key)
	if err != nil {
		h.fail(c, err)
		return
	}
	if c.Query("download") == "1" {
		// Streaming the part stays allowed: only saving it is the user's downloads.
		if callerOf(c).RequireDownloads() != nil {
			fail(c, http.StatusForbidden)
			return
		}
		c.Header("Content-Disposition", mediaserve.Attachment(filepath.Base(f.Path)))
	}
	if err := mediaserve.File(c, f, func(code int) { fail(c, code) }); err != nil {
		h.fail(c, err)
	}
}

// search is /hubs/search and /search: one Hub per kind of item matching query.
func (h *Handler) search(c *gin.Context) {
	text := strings.TrimSpace(c.Query("query"))
	if text == "" {
		fail(c, http.StatusBadRequest)
		return
	}
	limit := 10
	if v, err := strconv.Atoi(c.Query("limit")); err == nil && v > 0 {
		limit = min(v, 100)
	}
	q := core.ItemQuery{Text: text, Sort: core.SortTitle, Limit: limit}
	if s := c.Query("sectionId"); s != "" {
		c.Params = append(c.Params, gin.Param{Key: "section", Value: s})
		l, ok := h.sectionOf(c)
		if !ok {
			return
		}
		q.Library = l.ID
	}
	hubs := c.Request.URL.Path == "/hubs/search"
	mc := mediaContainer()
	n := 0
	for _, kind := range []core.ItemKind{core.KindMovie, core.KindSeries, core.KindEpisode, core.KindArtist, core.KindAlbum, core.KindTrack} {
		q.Kinds = []core.ItemKind{kind}
		items, total, err := h.Items.List(c.Request.Context(), callerOf(c), q)
		if err != nil {
			h.fail(c, err)
			return
		}
		if len(items) == 0 {
			continue
		}
		nodes, err := h.itemNodes(c, items, listView{})
		if err != nil {
			h.fail(c, err)
			return
		}
		if !hubs {
			mc.add(nodes...)
			n += len(items)
			continue
		}
		typ := kinds[kind].typ
		hub := newNode("Hub").set("title", strings.ToUpper(typ[:1])+typ[1:]+"s").set("type", typ).
			set("hubIdentifier", typ).set("context", "").set("size", len(items)).set("more", total > len(items)).set("style", "shelf")
		hub.add(nodes...)
		mc.add(hub)
		n++
	}
	mc.set("size", n)
	write(c, mc)
}

// refresh scans a section again: Sonarr and Radarr call it with the folder they changed.
func (h *Handler) refresh(c *gin.Context) {
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	if _, err := h.Scans.Start(c.Request.Context(), callerOf(c), l.ID); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// libraryOf returns the caller's library with id.
func (h *Handler) libraryOf(c *gin.Context, id core.LibraryID) (core.Library, bool) {
	libs, err := h.Libraries.List(c.Request.Context(), callerOf(c))
	if err != nil {
		return core.Library{}, false
	}
	for _, l := range libs {
		if l.ID == id {
			return l, true
		}
	}
	return core.Library{}, false
}
