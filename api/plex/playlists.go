package plex

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Playlists, as python-plexapi and Plex clients use them: items are named by a uri whose path
// ends in /library/metadata/{keys} (server://{machineIdentifier}/com.plexapp.plugins.library/
// library/metadata/42,43, or Plex Web's library://.../item/%2Flibrary%2Fmetadata%2F42); an entry
// is named by its playlistItemID. Mutations answer the playlist: plexjs fails on an empty body.

func (h *Handler) playlistRoutes(r *router) {
	r.add(http.MethodGet, "/playlists", false, h.playlists)
	r.add(http.MethodGet, "/playlists/all", false, h.playlists)
	r.add(http.MethodPost, "/playlists", false, h.createPlaylist)
	r.add(http.MethodGet, "/playlists/{key}", false, h.playlist)
	r.add(http.MethodPut, "/playlists/{key}", false, h.renamePlaylist)
	r.add(http.MethodDelete, "/playlists/{key}", false, h.deletePlaylist)
	r.add(http.MethodGet, "/playlists/{key}/items", false, h.playlistItems)
	r.add(http.MethodPut, "/playlists/{key}/items", false, h.addToPlaylist)
	r.add(http.MethodDelete, "/playlists/{key}/items/{entry}", false, h.removeFromPlaylist)
	r.add(http.MethodPut, "/playlists/{key}/items/{entry}/move", false, h.movePlaylistItem)
}

// playlistType is audio when every entry is a track, else video.
func playlistType(entries []core.PlaylistEntry) string {
	for _, e := range entries {
		if e.Item.Kind != core.KindTrack {
			return "video"
		}
	}
	if len(entries) == 0 {
		return "video"
	}
	return "audio"
}

// playlistNode is a playlist's element, as the caller sees it: entries they may not see count
// neither in its length nor in its duration.
func playlistNode(p core.Playlist, entries []core.PlaylistEntry) *node {
	key := strconv.FormatInt(p.Key, 10)
	return item("Playlist").set("ratingKey", key).set("key", "/playlists/"+key+"/items").
		set("guid", "com.plexapp.agents.none://"+string(p.ID)).set("type", "playlist").set("title", p.Name).
		set("summary", "").set("smart", false).set("playlistType", playlistType(entries)).
		set("duration", entriesDuration(entries).Milliseconds()).set("leafCount", len(entries)).
		set("addedAt", p.CreatedAt.Unix()).set("updatedAt", p.UpdatedAt.Unix())
}

// entriesDuration is the runtime of entries, as far as their items' runtimes are known.
func entriesDuration(entries []core.PlaylistEntry) time.Duration {
	var d time.Duration
	for _, e := range entries {
		d += e.Item.Runtime
	}
	return d
}

// writePlaylists answers playlists with what the caller sees of each.
func (h *Handler) writePlaylists(c *gin.Context, ps []core.Playlist, filter string) {
	mc := mediaContainer()
	for _, p := range ps {
		entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), p.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if filter != "" && playlistType(entries) != filter {
			continue
		}
		mc.add(playlistNode(p, entries))
	}
	mc.set("size", len(mc.kids))
	write(c, mc)
}

func (h *Handler) playlists(c *gin.Context) {
	ps, err := h.Playlists.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writePlaylists(c, ps, c.Query("playlistType"))
}

// playlistOf finds the playlist in the route.
func (h *Handler) playlistOf(c *gin.Context) (core.Playlist, bool) {
	key, err := strconv.ParseInt(c.Param("key"), 10, 64)
	if err != nil {
		fail(c, http.StatusNotFound)
		return core.Playlist{}, false
	}
	p, err := h.Playlists.GetByKey(c.Request.Context(), callerOf(c), key)
	if err != nil {
		h.fail(c, err)
		return core.Playlist{}, false
	}
	return p, true
}

func (h *Handler) playlist(c *gin.Context) {
	if p, ok := h.playlistOf(c); ok {
		h.writePlaylists(c, []core.Playlist{p}, "")
	}
}

// uriItems reads the items a uri names.
func (h *Handler) uriItems(c *gin.Context) ([]core.ItemID, bool) {
	raw := c.Query("uri")
	if u, err := url.PathUnescape(raw); err == nil {
		raw = u
	}
	_, keys, ok := strings.Cut(raw, "/library/metadata/")
	if !ok || keys == "" {
		fail(c, http.StatusBadRequest)
		return nil, false
	}
	keys, _, _ = strings.Cut(keys, "/") // .../library/metadata/42/children names 42's
	list, ok := parseKeys(keys)
	if !ok {
		fail(c, http.StatusBadRequest)
		return nil, false
	}
	var ids []core.ItemID
	for _, key := range list {
		it, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
		if err != nil {
			h.fail(c, err)
			return nil, false
		}
		ids = append(ids, it.ID)
	}
	return ids, true
}

func (h *Handler) createPlaylist(c *gin.Context) {
	if c.Query("smart") == "1" {
		fail(c, http.StatusBadRequest) // smart playlists are not offered
		return
	}
	var ids []core.ItemID
	if c.Query("uri") != "" {
		var ok bool
		if ids, ok = h.uriItems(c); !ok {
			return
		}
	}
	p, err := h.Playlists.Create(c.Request.Context(), callerOf(c), c.Query("title"), ids)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writePlaylists(c, []core.Playlist{p}, "")
}

func (h *Handler) renamePlaylist(c *gin.Context) {
	p, ok := h.playlistOf(c)
	if !ok {
		return
	}
	if title := c.Query("title"); title != "" {
		var err error
		if p, err = h.Playlists.Rename(c.Request.Context(), callerOf(c), p.ID, title); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.writePlaylists(c, []core.Playlist{p}, "")
}

func (h *Handler) deletePlaylist(c *gin.Context) {
	p, ok := h.playlistOf(c)
	if !ok {
		return
	}
	if err := h.Playlists.Delete(c.Request.Context(), callerOf(c), p.ID); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// playlistItems lists the entries, each item with its playlistItemID.
func (h *Handler) playlistItems(c *gin.Context) {
	p, ok := h.playlistOf(c)
	if !ok {
		return
	}
	pg, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	total := len(entries)
	page := entries[min(pg.start, total):]
	page = page[:min(pg.limit(pageSize), len(page))]
	items := make([]core.Item, len(page))
	for i, e := range page {
		items[i] = e.Item
	}
	nodes, err := h.itemNodes(c, items, listView{})
	if err != nil {
		h.fail(c, err)
		return
	}
	key := strconv.FormatInt(p.Key, 10)
	mc := mediaContainer().set("duration", entriesDuration(entries).Milliseconds()).set("leafCount", total).
		set("playlistType", playlistType(entries)).
		set("ratingKey", key).set("smart", false).set("title", p.Name)
	paged(c, mc, pg, len(nodes), total)
	for i, n := range nodes {
		mc.add(n.set("playlistItemID", page[i].ID))
	}
	write(c, mc)
}

// mutate answers a playlist change with the playlist.
func (h *Handler) mutate(c *gin.Context, change func(p core.Playlist) (core.Playlist, error)) {
	p, ok := h.playlistOf(c)
	if !ok {
		return
	}
	p, err := change(p)
	if errors.Is(err, errAnswered) {
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.writePlaylists(c, []core.Playlist{p}, "")
}

func (h *Handler) addToPlaylist(c *gin.Context) {
	h.mutate(c, func(p core.Playlist) (core.Playlist, error) {
		ids, ok := h.uriItems(c)
		if !ok {
			return p, errAnswered
		}
		return h.Playlists.Add(c.Request.Context(), callerOf(c), p.ID, ids)
	})
}

// errAnswered says the request was already answered (a bad parameter).
var errAnswered = errors.New("answered")

func entryParam(c *gin.Context, name string) (int64, bool) {
	v, err := strconv.ParseInt(c.Param(name), 10, 64)
	return v, err == nil
}

func (h *Handler) removeFromPlaylist(c *gin.Context) {
	h.mutate(c, func(p core.Playlist) (core.Playlist, error) {
		entry, ok := entryParam(c, "entry")
		if !ok {
			return p, core.ErrNotFound
		}
		return h.Playlists.Remove(c.Request.Context(), callerOf(c), p.ID, entry)
	})
}

func (h *Handler) movePlaylistItem(c *gin.Context) {
	h.mutate(c, func(p core.Playlist) (core.Playlist, error) {
		entry, ok := entryParam(c, "entry")
		if !ok {
			return p, core.ErrNotFound
		}
		var after int64
		if v := c.Query("after"); v != "" {
			var err error
			if after, err = strconv.ParseInt(v, 10, 64); err != nil {
				return p, core.Invalid("after", "must be a playlistItemID")
			}
		}
		return h.Playlists.Move(c.Request.Context(), callerOf(c), p.ID, entry, after)
	})
}
