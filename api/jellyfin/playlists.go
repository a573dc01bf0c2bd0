package jellyfin

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Playlists, as jellyfin-web and the SDK use them (PlaylistsController): a playlist is also an
// item (Type Playlist, a folder of its entries) that /Items lists and /Items/{id} opens; its
// entries carry a PlaylistItemId, which removing and moving name.

func (h *Handler) playlistRoutes(r *router) {
	r.add("POST", "/Playlists", user, h.createPlaylist)
	r.add("GET", "/Playlists/{playlistId}", user, h.getPlaylist)
	r.add("POST", "/Playlists/{playlistId}", user, h.updatePlaylist)
	r.add("GET", "/Playlists/{playlistId}/Items", user, h.playlistItems)
	r.add("POST", "/Playlists/{playlistId}/Items", user, h.addToPlaylist)
	r.add("DELETE", "/Playlists/{playlistId}/Items", user, h.removeFromPlaylist)
	r.add("POST", "/Playlists/{playlistId}/Items/{entryId}/Move/{newIndex}", user, h.movePlaylistItem)
	r.add("GET", "/Playlists/{playlistId}/Users", user, h.playlistUsers)
	r.add("GET", "/Playlists/{playlistId}/Users/{userId}", user, h.playlistUser)
	r.add("POST", "/Playlists/{playlistId}/Users/{userId}", user, h.sharePlaylist(true))
	r.add("DELETE", "/Playlists/{playlistId}/Users/{userId}", user, h.sharePlaylist(false))
	r.add("DELETE", "/Items/{itemId}", user, h.deleteItem)
}

// playlist returns the playlist with id if the caller may see it (ErrNotFound without a
// playlist service).
func (h *Handler) playlist(ctx context.Context, viewer core.Caller, id string) (core.Playlist, error) {
	if h.Playlists == nil {
		return core.Playlist{}, core.ErrNotFound
	}
	return h.Playlists.Get(ctx, viewer, core.PlaylistID(id))
}

// deleteItem is DELETE /Items/{itemId}: jellyfin-web deletes a playlist so. Walros deletes no
// media through the API: any other id is 404.
func (h *Handler) deleteItem(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	if done, err := h.deleteBoxSet(ctx, caller, id); done || err != nil {
		if err != nil {
			h.fail(c, err)
		} else {
			c.Status(http.StatusNoContent)
		}
		return
	}
	p, err := h.playlist(ctx, caller, string(id))
	if err == nil {
		err = h.Playlists.Delete(ctx, caller, p.ID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// playlistDto is a playlist as an item: a folder of the entries the caller may see.
func (h *Handler) playlistDto(p core.Playlist, entries []core.PlaylistEntry, viewer core.Caller) baseItemDto {
	media := "Audio"
	var runtime time.Duration
	for _, e := range entries {
		if e.Item.Kind != core.KindTrack {
			media = "Video"
		}
		runtime += e.Item.Runtime
	}
	if len(entries) == 0 {
		media = "Video"
	}
	created := jfTime(p.CreatedAt)
	return baseItemDto{Name: p.Name, ServerId: h.ServerID, Id: jid(p.ID), Type: "Playlist", IsFolder: true, MediaType: media,
		ChildCount: ptr(len(entries)), RunTimeTicks: ptr(toTicks(runtime)), DateCreated: &created, SortName: p.Name,
		CanDelete: ptr(viewer.Admin || viewer.UserID == p.Owner), LocationType: "FileSystem", PlayAccess: "Full",
		ImageTags: map[string]string{}, BackdropImageTags: []string{}, LockedFields: []string{}}
}

// playlistParam finds the playlist in the route, or answers 404.
func (h *Handler) playlistParam(c *gin.Context) (core.Playlist, bool) {
	id, ok := parseID(c.Param("playlistId"))
	if !ok {
		status(c, http.StatusNotFound)
		return core.Playlist{}, false
	}
	p, err := h.Playlists.Get(c.Request.Context(), callerOf(c), core.PlaylistID(id))
	if err != nil {
		h.fail(c, err)
		return core.Playlist{}, false
	}
	return p, true
}

// idList reads item ids from a comma list; malformed ones are a 404, as a missing item.
func idList(raw []string) ([]core.ItemID, bool) {
	out := make([]core.ItemID, 0, len(raw))
	for _, s := range raw {
		id, ok := parseID(s)
		if !ok {
			return nil, false
		}
		out = append(out, core.ItemID(id))
	}
	return out, true
}

// createPlaylist is POST /Playlists with Name, Ids and MediaType in the query or in a
// CreatePlaylistDto body; it answers {"Id": ...}.
func (h *Handler) createPlaylist(c *gin.Context) {
	var body struct {
		Name  string
		Ids   []string
		Users []struct{ UserId string }
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	name := str(c, "name")
	if name == "" {
		name = body.Name
	}
	raw := list(c, "ids")
	if len(raw) == 0 {
		raw = body.Ids
	}
	ids, ok := idList(raw)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	p, err := h.Playlists.Create(ctx, caller, name, ids)
	if err == nil && len(body.Users) > 0 {
		users := make([]core.UserID, 0, len(body.Users))
		for _, u := range body.Users {
			if id, ok := parseID(u.UserId); ok {
				users = append(users, core.UserID(id))
			}
		}
		_, err = h.Playlists.Share(ctx, caller, p.ID, users)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, struct{ Id string }{jid(p.ID)})
}

// getPlaylist is GET /Playlists/{playlistId}: Jellyfin's PlaylistDto.
func (h *Handler) getPlaylist(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = jid(e.Item.ID)
	}
	writeJSON(c, http.StatusOK, struct {
		OpenAccess bool
		Shares     []playlistShare
		ItemIds    []string
	}{false, shares(p), ids})
}

type playlistShare struct {
	UserId  string
	CanEdit bool
}

func shares(p core.Playlist) []playlistShare {
	out := make([]playlistShare, len(p.SharedWith))
	for i, u := range p.SharedWith {
		out[i] = playlistShare{UserId: jid(u)}
	}
	return out
}

// updatePlaylist is POST /Playlists/{playlistId} (UpdatePlaylistDto): a new name, the users it is
// shared with.
func (h *Handler) updatePlaylist(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	var body struct {
		Name  *string
		Ids   *[]string
		Users *[]struct{ UserId string }
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	var err error
	if body.Name != nil {
		_, err = h.Playlists.Rename(ctx, caller, p.ID, *body.Name)
	}
	if err == nil && body.Ids != nil { // the new list of items, replacing the entries
		ids, ok := idList(*body.Ids)
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		var entries []core.PlaylistEntry
		if entries, err = h.Playlists.Entries(ctx, caller, p.ID); err == nil {
			old := make([]int64, len(entries))
			for i, e := range entries {
				old[i] = e.ID
			}
			if _, err = h.Playlists.Remove(ctx, caller, p.ID, old...); err == nil && len(ids) > 0 {
				_, err = h.Playlists.Add(ctx, caller, p.ID, ids)
			}
		}
	}
	if err == nil && body.Users != nil {
		users := make([]core.UserID, 0, len(*body.Users))
		for _, u := range *body.Users {
			if id, ok := parseID(u.UserId); ok {
				users = append(users, core.UserID(id))
			}
		}
		_, err = h.Playlists.Share(ctx, caller, p.ID, users)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// playlistItems is GET /Playlists/{playlistId}/Items: the entries the caller may see, each item
// with its PlaylistItemId.
func (h *Handler) playlistItems(c *gin.Context) {
	if p, ok := h.playlistParam(c); ok {
		h.writeEntries(c, p)
	}
}

// writeEntries answers a page of a playlist's entries; it is also /Items?ParentId={playlistId},
// which jellyfin-web plays a playlist with.
func (h *Handler) writeEntries(c *gin.Context, p core.Playlist) {
	ctx, caller := c.Request.Context(), callerOf(c)
	entries, err := h.Playlists.Entries(ctx, caller, p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	offset, limit := paging(c)
	page := entries[min(offset, len(entries)):]
	if limit > 0 {
		page = page[:min(limit, len(page))]
	}
	items := make([]core.Item, len(page))
	for i, e := range page {
		items[i] = e.Item
	}
	out, err := h.dtos(ctx, caller, items, listOptions(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	for i := range out {
		out[i].PlaylistItemId = strconv.FormatInt(page[i].ID, 10)
	}
	writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: out, TotalRecordCount: len(entries), StartIndex: offset})
}

func (h *Handler) addToPlaylist(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	ids, ok := idList(list(c, "ids"))
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	if _, err := h.Playlists.Add(c.Request.Context(), callerOf(c), p.ID, ids); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// removeFromPlaylist is DELETE /Playlists/{playlistId}/Items?entryIds=...
func (h *Handler) removeFromPlaylist(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	var entries []int64
	for _, s := range list(c, "entryIds") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			status(c, http.StatusNotFound)
			return
		}
		entries = append(entries, n)
	}
	if _, err := h.Playlists.Remove(c.Request.Context(), callerOf(c), p.ID, entries...); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// movePlaylistItem is POST /Playlists/{playlistId}/Items/{entryId}/Move/{newIndex}: the entry
// goes to that place among the playlist's entries.
func (h *Handler) movePlaylistItem(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	entry, err1 := strconv.ParseInt(c.Param("entryId"), 10, 64)
	index, err2 := strconv.Atoi(c.Param("newIndex"))
	if err1 != nil || err2 != nil || index < 0 {
		status(c, http.StatusNotFound)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	entries, err := h.Playlists.Entries(ctx, caller, p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	var others []int64
	for _, e := range entries {
		if e.ID != entry {
			others = append(others, e.ID)
		}
	}
	var after int64
	if index > 0 && len(others) > 0 {
		after = others[min(index, len(others))-1]
	}
	if _, err := h.Playlists.Move(ctx, caller, p.ID, entry, after); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// playlistUser is GET /Playlists/{playlistId}/Users/{userId}: jellyfin-web asks it whether the
// user may edit (its owner and admins may; a user it is shared with may not).
func (h *Handler) playlistUser(c *gin.Context) {
	p, ok := h.playlistParam(c)
	if !ok {
		return
	}
	uid, ok := parseID(c.Param("userId"))
	switch caller := callerOf(c); {
	case !ok:
		status(c, http.StatusNotFound)
	case core.UserID(uid) == p.Owner || caller.Admin && core.UserID(uid) == caller.UserID:
		writeJSON(c, http.StatusOK, playlistShare{UserId: jid(uid), CanEdit: true})
	case slices.Contains(p.SharedWith, core.UserID(uid)):
		writeJSON(c, http.StatusOK, playlistShare{UserId: jid(uid)})
	default:
		status(c, http.StatusNotFound)
	}
}

func (h *Handler) playlistUsers(c *gin.Context) {
	if p, ok := h.playlistParam(c); ok {
		writeJSON(c, http.StatusOK, shares(p))
	}
}

// sharePlaylist is POST (share) and DELETE (unshare) /Playlists/{playlistId}/Users/{userId}.
func (h *Handler) sharePlaylist(share bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := h.playlistParam(c)
		if !ok {
			return
		}
		uid, ok := parseID(c.Param("userId"))
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		users := []core.UserID{}
		for _, u := range p.SharedWith {
			if u != core.UserID(uid) {
				users = append(users, u)
			}
		}
		if share {
			users = append(users, core.UserID(uid))
		}
		if _, err := h.Playlists.Share(c.Request.Context(), callerOf(c), p.ID, users); err != nil {
			h.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// playlistsAsItems answers /Items?IncludeItemTypes=Playlist: the caller's playlists as items.
func (h *Handler) playlistsAsItems(c *gin.Context, viewer core.Caller) {
	ctx := c.Request.Context()
	ps, err := h.Playlists.List(ctx, viewer)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]baseItemDto, 0, len(ps))
	for _, p := range ps {
		entries, err := h.Playlists.Entries(ctx, viewer, p.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		out = append(out, h.playlistDto(p, entries, viewer))
	}
	offset, limit := paging(c)
	total := len(out)
	out = out[min(offset, total):]
	if limit > 0 {
		out = out[:min(limit, len(out))]
	}
	writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: out, TotalRecordCount: total, StartIndex: offset})
}
