package native

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Playlists and play history in the native API: the same core services the Jellyfin and Plex
// facades map.

type playlistDTO struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Owner      string    `json:"ownerId"`
	OwnerName  string    `json:"ownerName"`
	SharedWith []string  `json:"sharedWith"`
	Entries    int       `json:"entries"`
	DurationMS int64     `json:"durationMs"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// toPlaylist shows a playlist as its entries visible to the caller make it.
func toPlaylist(p core.Playlist, visible []core.PlaylistEntry, names map[core.UserID]string) playlistDTO {
	shared := make([]string, len(p.SharedWith))
	for i, u := range p.SharedWith {
		shared[i] = string(u)
	}
	var d time.Duration
	for _, e := range visible {
		d += e.Item.Runtime
	}
	return playlistDTO{ID: string(p.ID), Name: p.Name, Owner: string(p.Owner), OwnerName: names[p.Owner], SharedWith: shared, Entries: len(visible),
		DurationMS: d.Milliseconds(), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

type entryDTO struct {
	ID   int64   `json:"entryId"`
	Item itemDTO `json:"item"`
}

// playlistOut answers one playlist as the caller sees it.
func (h *Handler) playlistOut(c *gin.Context, code int, p core.Playlist) {
	entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), p.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	names, err := h.Users.Names(c.Request.Context(), []core.UserID{p.Owner})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(code, toPlaylist(p, entries, names))
}

func (h *Handler) listPlaylists(c *gin.Context) {
	ps, err := h.Playlists.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	owners := make([]core.UserID, len(ps))
	for i, p := range ps {
		owners[i] = p.Owner
	}
	names, err := h.Users.Names(c.Request.Context(), owners)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]playlistDTO, len(ps))
	for i, p := range ps {
		entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), p.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		out[i] = toPlaylist(p, entries, names)
	}
	c.JSON(http.StatusOK, listDTO[playlistDTO]{Items: out})
}

func itemIDs(ids []string) []core.ItemID {
	out := make([]core.ItemID, len(ids))
	for i, id := range ids {
		out[i] = core.ItemID(id)
	}
	return out
}

func (h *Handler) createPlaylist(c *gin.Context) {
	var req struct {
		Name  string   `json:"name"`
		Items []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	p, err := h.Playlists.Create(c.Request.Context(), callerOf(c), req.Name, itemIDs(req.Items))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.playlistOut(c, http.StatusCreated, p)
}

func (h *Handler) getPlaylist(c *gin.Context) {
	p, err := h.Playlists.Get(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.playlistOut(c, http.StatusOK, p)
}

// updatePlaylist renames a playlist or sets whom it is shared with.
func (h *Handler) updatePlaylist(c *gin.Context) {
	var req struct {
		Name       *string   `json:"name"`
		SharedWith *[]string `json:"sharedWith"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id"))
	p, err := h.Playlists.Get(ctx, caller, id)
	if err == nil && req.Name != nil {
		p, err = h.Playlists.Rename(ctx, caller, id, *req.Name)
	}
	if err == nil && req.SharedWith != nil {
		users := make([]core.UserID, len(*req.SharedWith))
		for i, u := range *req.SharedWith {
			users[i] = core.UserID(u)
		}
		p, err = h.Playlists.Share(ctx, caller, id, users)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.playlistOut(c, http.StatusOK, p)
}

func (h *Handler) deletePlaylist(c *gin.Context) {
	if err := h.Playlists.Delete(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) playlistEntries(c *gin.Context) {
	entries, err := h.Playlists.Entries(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]entryDTO, len(entries))
	for i, e := range entries {
		out[i] = entryDTO{ID: e.ID, Item: toItem(e.Item)}
	}
	c.JSON(http.StatusOK, listDTO[entryDTO]{Items: out})
}

func (h *Handler) addToPlaylist(c *gin.Context) {
	var req struct {
		Items []string `json:"items"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	p, err := h.Playlists.Add(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id")), itemIDs(req.Items))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.playlistOut(c, http.StatusOK, p)
}

func entryParam(c *gin.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("entry"), 10, 64)
	if err != nil {
		return 0, core.ErrNotFound
	}
	return n, nil
}

func (h *Handler) removeFromPlaylist(c *gin.Context) {
	entry, err := entryParam(c)
	if err == nil {
		_, err = h.Playlists.Remove(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id")), entry)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// movePlaylistEntry puts an entry right after another ({"after": 0}: first).
func (h *Handler) movePlaylistEntry(c *gin.Context) {
	var req struct {
		After int64 `json:"after"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	entry, err := entryParam(c)
	var p core.Playlist
	if err == nil {
		p, err = h.Playlists.Move(c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id")), entry, req.After)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.playlistOut(c, http.StatusOK, p)
}

type historyDTO struct {
	ID         int64     `json:"id"`
	UserID     string    `json:"userId"`
	ItemID     string    `json:"itemId"`
	LibraryID  string    `json:"libraryId"`
	FileID     string    `json:"fileId"`
	DeviceID   string    `json:"deviceId"`
	DeviceName string    `json:"deviceName"`
	Client     string    `json:"client"`
	StartedAt  time.Time `json:"startedAt"`
	StoppedAt  time.Time `json:"stoppedAt"`
	WatchedMS  int64     `json:"watchedMs"`
	PositionMS int64     `json:"positionMs"`
	Method     string    `json:"method"`
	Reason     string    `json:"reason"`
}

// listHistory is the caller's play history (anyone's, or everyone's, for an admin), newest first.
func (h *Handler) listHistory(c *gin.Context) {
	q := core.HistoryQuery{User: core.UserID(c.Query("user")), Item: core.ItemID(c.Query("item"))}
	if l := c.Query("library"); l != "" {
		q.Libraries = []core.LibraryID{core.LibraryID(l)}
	}
	for name, into := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				h.fail(c, core.Invalid(name, "must be an RFC 3339 time"))
				return
			}
			*into = t
		}
	}
	var ok bool
	if q.Limit, q.Offset, ok = h.pageQuery(c); !ok {
		return
	}
	entries, total, err := h.History.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]historyDTO, len(entries))
	for i, e := range entries {
		out[i] = historyDTO{ID: e.ID, UserID: string(e.User), ItemID: string(e.Item), LibraryID: string(e.Library),
			FileID: string(e.File), DeviceID: e.DeviceID, DeviceName: e.DeviceName, Client: e.Client, StartedAt: e.Started,
			StoppedAt: e.Stopped, WatchedMS: e.Watched.Milliseconds(), PositionMS: e.Position.Milliseconds(),
			Method: string(e.Method), Reason: e.Reason}
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "total": total})
}
