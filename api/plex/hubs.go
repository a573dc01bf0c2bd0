package plex

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Hubs: the rows of a home screen (continue watching, on deck, recently added per section) and of
// a section's own screen, each a Hub holding its items.

func (h *Handler) hubRoutes(r *router) {
	r.add(http.MethodGet, "/hubs", false, h.homeHubs)
	r.add(http.MethodGet, "/hubs/home/continueWatching", false, h.continueWatching)
	r.add(http.MethodGet, "/hubs/continueWatching", false, h.continueWatching)
	r.add(http.MethodGet, "/hubs/home/onDeck", false, h.onDeck)
	r.add(http.MethodGet, "/hubs/sections/{section}", false, h.sectionHubs)
	r.add(http.MethodGet, "/:/prefs", false, h.prefs)
}

// hubCount is how many items a hub shows unless count= asks otherwise.
const hubCount = 12

func hubSize(c *gin.Context) int {
	if n, err := strconv.Atoi(c.Query("count")); err == nil && n > 0 {
		return min(n, 100)
	}
	return hubCount
}

// hub builds a Hub of items.
func (h *Handler) hub(c *gin.Context, key, identifier, title, typ string, items []core.Item, more bool) (*node, error) {
	nodes, err := h.itemNodes(c, items, listView{})
	if err != nil {
		return nil, err
	}
	n := newNode("Hub").set("hubKey", key).set("key", key).set("title", title).set("type", typ).
		set("hubIdentifier", identifier).set("context", "hub."+identifier).set("size", len(nodes)).set("more", more).
		set("style", "shelf").set("promoted", true)
	return n.add(nodes...), nil
}

// inProgress is what the user is in the middle of: resume points, then the next episodes.
func (h *Handler) inProgress(c *gin.Context, library core.LibraryID, limit int) ([]core.Item, error) {
	ctx, caller := c.Request.Context(), callerOf(c)
	resume, _, err := h.UserData.Resume(ctx, caller, core.ItemQuery{Library: library, Limit: limit})
	if err != nil {
		return nil, err
	}
	next, _, err := h.UserData.NextUp(ctx, caller, core.NextUpQuery{Library: library, Limit: limit})
	if err != nil {
		return nil, err
	}
	items := append(resume, next...)
	return items[:min(len(items), limit)], nil
}

func (h *Handler) continueWatching(c *gin.Context) {
	items, err := h.inProgress(c, "", hubSize(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	hub, err := h.hub(c, "/hubs/home/continueWatching", "home.continue", "Continue Watching", "mixed", items, false)
	if err != nil {
		h.fail(c, err)
		return
	}
	write(c, mediaContainer().set("size", 1).add(hub))
}

// homeHubs is the home screen: continue watching, then the newest items of each section.
func (h *Handler) homeHubs(c *gin.Context) {
	size := hubSize(c)
	items, err := h.inProgress(c, "", size)
	if err != nil {
		h.fail(c, err)
		return
	}
	hub, err := h.hub(c, "/hubs/home/continueWatching", "home.continue", "Continue Watching", "mixed", items, false)
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("allowSync", false).set("identifier", "com.plexapp.plugins.library").add(hub)
	libs, err := h.Libraries.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, l := range libs {
		hub, err := h.recentHub(c, l, size)
		if err != nil {
			h.fail(c, err)
			return
		}
		mc.add(hub)
	}
	mc.set("size", len(mc.kids))
	write(c, mc)
}

// recentHub is a section's newest items.
func (h *Handler) recentHub(c *gin.Context, l core.Library, size int) (*node, error) {
	kinds := []core.ItemKind{core.KindMovie}
	switch l.Type {
	case core.LibraryShows:
		kinds = []core.ItemKind{core.KindEpisode}
	case core.LibraryMusic:
		kinds = []core.ItemKind{core.KindAlbum}
	case core.LibraryMixed:
		kinds = []core.ItemKind{core.KindMovie, core.KindEpisode, core.KindAlbum}
	}
	items, total, err := h.Items.List(c.Request.Context(), callerOf(c), core.ItemQuery{Library: l.ID, Kinds: kinds, Sort: core.SortAdded,
		Desc: true, Limit: size})
	if err != nil {
		return nil, err
	}
	key := strconv.FormatInt(l.Key, 10)
	typ, _, _ := sectionType(l.Type)
	return h.hub(c, "/library/sections/"+key+"/recentlyAdded", typ+".recent."+key, "Recently Added in "+l.Name, typ, items, total > len(items))
}

// sectionHubs is a section's screen: what is in progress there, then its newest items.
func (h *Handler) sectionHubs(c *gin.Context) {
	l, ok := h.sectionOf(c)
	if !ok {
		return
	}
	size := hubSize(c)
	items, err := h.inProgress(c, l.ID, size)
	if err != nil {
		h.fail(c, err)
		return
	}
	key := strconv.FormatInt(l.Key, 10)
	typ, _, _ := sectionType(l.Type)
	cont, err := h.hub(c, "/hubs/sections/"+key+"/continueWatching", typ+".inprogress."+key, "Continue Watching", typ, items, false)
	if err != nil {
		h.fail(c, err)
		return
	}
	recent, err := h.recentHub(c, l, size)
	if err != nil {
		h.fail(c, err)
		return
	}
	write(c, mediaContainer().set("size", 2).set("librarySectionID", l.Key).set("librarySectionTitle", l.Name).add(cont, recent))
}

// prefs is the server's settings as Plex lists them; Walros's own are in its configuration, so
// these describe it and change nothing.
func (h *Handler) prefs(c *gin.Context) {
	mc := mediaContainer()
	for _, s := range []struct {
		id, label, typ string
		value          any
	}{
		{"FriendlyName", "Friendly name", "text", h.ServerName},
		{"MachineIdentifier", "Machine identifier", "text", h.ServerID},
		{"ManualPortMappingMode", "Manually specify public port", "bool", false},
		{"PublishServerOnPlexOnlineKey", "Publish server on plex.tv", "bool", false},
		{"FSEventLibraryUpdatesEnabled", "Scan my library automatically", "bool", true},
		{"ScheduledLibraryUpdatesEnabled", "Scan my library periodically", "bool", true},
		{"TranscoderQuality", "Transcoder quality", "int", 0},
		{"LogVerbose", "Verbose logging", "bool", false},
	} {
		mc.add(newNode("Setting").set("id", s.id).set("label", s.label).set("summary", "").set("type", s.typ).
			set("default", s.value).set("value", s.value).set("hidden", false).set("advanced", false).set("group", "general"))
	}
	mc.set("size", len(mc.kids))
	write(c, mc)
}
