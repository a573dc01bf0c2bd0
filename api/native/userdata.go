package native

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// User data in the native API: what a user played, where to resume, what they like; the same
// core service, with the same rules, as the Jellyfin and Plex facades.

type userDataDTO struct {
	PositionMS     int64      `json:"positionMs"`
	PositionFileID *string    `json:"positionFileId"`
	Played         bool       `json:"played"`
	PlayCount      int        `json:"playCount"`
	LastPlayedAt   *time.Time `json:"lastPlayedAt"`
	Favorite       bool       `json:"favorite"`
	Likes          *bool      `json:"likes"`
	Rating         *float64   `json:"rating"`
	PlayedPercent  float64    `json:"playedPercent"`
	UnplayedCount  *int       `json:"unplayedCount,omitempty"`
}

func toUserData(d core.UserData) userDataDTO {
	var file *string
	if d.File != "" {
		file = new(string(d.File))
	}
	return userDataDTO{PositionMS: d.Position.Milliseconds(), PositionFileID: file, Played: d.Played, PlayCount: d.PlayCount, LastPlayedAt: d.LastPlayedAt,
		Favorite: d.Favorite, Likes: d.Likes, Rating: d.Rating, PlayedPercent: d.PlayedPercent, UnplayedCount: d.UnplayedCount}
}

// itemDataDTO is an item with the caller's data for it, as the personal lists show items.
type itemDataDTO struct {
	itemDTO
	UserData userDataDTO `json:"userData"`
}

// withUserData adds the caller's data to items, in one query.
func (h *Handler) withUserData(c *gin.Context, items []core.Item) ([]itemDataDTO, bool) {
	ids := make([]core.ItemID, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	data, err := h.UserData.Get(c.Request.Context(), callerOf(c), ids...)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	out := make([]itemDataDTO, len(items))
	for i, it := range items {
		out[i] = itemDataDTO{itemDTO: toItem(it), UserData: toUserData(data[it.ID])}
	}
	return out, true
}

// itemPage answers a page of items with the caller's data.
func (h *Handler) itemPage(c *gin.Context, items []core.Item, total int, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	out, ok := h.withUserData(c, items)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "total": total})
}

func (h *Handler) userDataOut(c *gin.Context, d core.UserData, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserData(d))
}

func (h *Handler) getUserData(c *gin.Context) {
	d, err := h.UserData.GetOne(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")))
	h.userDataOut(c, d, err)
}

// nullable is a JSON field that may be left out (Set false), null (Set, Value nil) or a value.
type nullable[T any] struct {
	Set   bool
	Value *T
}

func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	n.Value = new(T)
	return json.Unmarshal(b, n.Value)
}

// updateUserData changes what the body names, in this order: played (at playedAt, or now),
// positionMs (a playback report of that position, so the resume rules apply: under 5 % keeps
// none, past the played threshold marks the item played), favorite, likes and rating (null
// forgets them). The order and rules are those of Jellyfin's UpdateUserItemData.
func (h *Handler) updateUserData(c *gin.Context) {
	var req struct {
		Played     *bool             `json:"played"`
		PlayedAt   *time.Time        `json:"playedAt"`
		PositionMS *int64            `json:"positionMs"`
		Favorite   *bool             `json:"favorite"`
		Likes      nullable[bool]    `json:"likes"`
		Rating     nullable[float64] `json:"rating"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	d, err := h.UserData.GetOne(ctx, caller, id) // 404 before any change for an item the caller may not see
	if err == nil && req.Played != nil {
		d, err = h.UserData.SetPlayed(ctx, caller, id, *req.Played, req.PlayedAt)
	}
	if err == nil && req.PositionMS != nil {
		if *req.PositionMS < 0 {
			err = core.Invalid("positionMs", "must not be negative")
		} else if d.UnplayedCount != nil {
			err = core.Invalid("positionMs", "a folder has no position of its own")
		} else if time.Duration(*req.PositionMS)*time.Millisecond != d.Position {
			d, err = h.UserData.Progress(ctx, caller, id, time.Duration(*req.PositionMS)*time.Millisecond, false)
		}
	}
	if err == nil && req.Favorite != nil {
		d, err = h.UserData.SetFavorite(ctx, caller, id, *req.Favorite)
	}
	if err == nil && req.Likes.Set {
		d, err = h.UserData.SetLikes(ctx, caller, id, req.Likes.Value)
	}
	if err == nil && req.Rating.Set {
		d, err = h.UserData.SetRating(ctx, caller, id, req.Rating.Value)
	}
	h.userDataOut(c, d, err)
}

// markPlayed is POST (played, at playedAt or now) and DELETE (unplayed) /items/{id}/played. On a
// series, season, album or box set it marks every playable item under it.
func (h *Handler) markPlayed(played bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req struct {
			PlayedAt *time.Time `json:"playedAt"`
		}
		if played && c.Request.ContentLength != 0 {
			if err := bind(c, &req); err != nil {
				h.fail(c, err)
				return
			}
		}
		d, err := h.UserData.SetPlayed(c.Request.Context(), callerOf(c), core.ItemID(c.Param("id")), played, req.PlayedAt)
		h.userDataOut(c, d, err)
	}
}

// playMethods are the play methods a report may name.
var playMethods = []core.PlayMethod{core.PlayDirect, core.PlayRemux, core.PlayTranscode}

// reportProgress is the native player's playback report: where it is, and whether it stopped.
// Every report moves the resume point that the user's other devices (and the facades) resume
// from, except one at 0 that is not a stop; a stop without a position counts as played to the
// end, as in Jellyfin. A stop also
// records the play session in the history, with the time the player says it spent playing.
func (h *Handler) reportProgress(c *gin.Context) {
	var req struct {
		PositionMS *int64          `json:"positionMs"`
		Stopped    bool            `json:"stopped"`
		FileID     string          `json:"fileId"`
		WatchedMS  int64           `json:"watchedMs"`
		Method     core.PlayMethod `json:"method"`
		Reason     string          `json:"reason"`
		Paused     bool            `json:"paused"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), core.ItemID(c.Param("id"))
	switch {
	case req.PositionMS == nil && !req.Stopped:
		h.fail(c, core.Invalid("positionMs", "is required unless the player stopped"))
		return
	case req.PositionMS != nil && *req.PositionMS < 0, req.WatchedMS < 0:
		h.fail(c, core.Invalid("positionMs", "positions and durations must not be negative"))
		return
	case req.Method != "" && !slices.Contains(playMethods, req.Method):
		h.fail(c, core.Invalid("method", "must be direct, remux or transcode"))
		return
	}
	it, err := h.Items.Get(ctx, caller, id)
	if err == nil && req.FileID != "" {
		// The version must be one of the item's: the resume point remembers it.
		if _, err = h.Items.PlayableFile(ctx, caller, id, core.FileID(req.FileID)); errors.Is(err, core.ErrNotFound) {
			err = core.Invalid("fileId", "is not a version of this item")
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	pos := it.Runtime
	if req.PositionMS != nil {
		pos = time.Duration(*req.PositionMS) * time.Millisecond
	}
	var d core.UserData
	if pos == 0 && !req.Stopped {
		// A player reports 0 as it starts, before seeking to the resume point: as Jellyfin does
		// with a start at 0, that report leaves the resume point alone.
		d, err = h.UserData.GetOne(ctx, caller, id)
	} else {
		d, err = h.UserData.ProgressOn(ctx, caller, id, core.FileID(req.FileID), pos, req.Stopped)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.notePlaying(caller, it, core.FileID(req.FileID), pos, req.Paused, req.Stopped, req.Method)
	if req.Stopped && h.History != nil {
		e := core.HistoryEntry{Item: id, File: core.FileID(req.FileID), Watched: time.Duration(req.WatchedMS) * time.Millisecond,
			Position: pos, Method: req.Method, Reason: req.Reason}
		if sessions, err := h.Auth.Sessions(ctx, caller, false); err == nil {
			for _, s := range sessions {
				if s.ID == caller.SessionID {
					e.DeviceID, e.DeviceName, e.Client = s.DeviceID, s.DeviceName, s.Client
				}
			}
		}
		if _, err := h.History.Record(ctx, caller, e); err != nil {
			h.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, toUserData(d))
}

// kindsQuery reads ?type= (comma-separated item types).
func kindsQuery(c *gin.Context) []core.ItemKind {
	var out []core.ItemKind
	for _, t := range strings.Split(c.Query("type"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, core.ItemKind(t))
		}
	}
	return out
}

// listResume is "continue watching": what the caller started and did not finish, the most
// recently played first.
func (h *Handler) listResume(c *gin.Context) {
	q := core.ItemQuery{Kinds: kindsQuery(c), Library: core.LibraryID(c.Query("library")), Parent: core.ItemID(c.Query("parent"))}
	var ok bool
	if q.Limit, q.Offset, ok = h.pageQuery(c); !ok {
		return
	}
	items, total, err := h.UserData.Resume(c.Request.Context(), callerOf(c), q)
	h.itemPage(c, items, total, err)
}

// listNextUp is, for each series the caller watches, the next episode to watch.
func (h *Handler) listNextUp(c *gin.Context) {
	q := core.NextUpQuery{Series: core.ItemID(c.Query("series")), Library: core.LibraryID(c.Query("library"))}
	if v := c.Query("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			h.fail(c, core.Invalid("since", "must be an RFC 3339 time"))
			return
		}
		q.Since = t
	}
	var ok bool
	if q.Limit, q.Offset, ok = h.pageQuery(c); !ok {
		return
	}
	items, total, err := h.UserData.NextUp(c.Request.Context(), callerOf(c), q)
	h.itemPage(c, items, total, err)
}

// listFavorites is the caller's favorites, by title unless ?sort= says otherwise.
func (h *Handler) listFavorites(c *gin.Context) {
	q := core.ItemQuery{Kinds: kindsQuery(c), Library: core.LibraryID(c.Query("library")), Sort: core.ItemSort(c.Query("sort")),
		Favorite: new(true)}
	var ok bool
	if q.Desc, ok = h.descQuery(c, false); !ok {
		return
	}
	if q.Limit, q.Offset, ok = h.pageQuery(c); !ok {
		return
	}
	caller := callerOf(c)
	if !caller.IsUser() {
		h.itemPage(c, []core.Item{}, 0, nil) // an API key has no favorites (its filter would see none)
		return
	}
	items, total, err := h.Items.List(c.Request.Context(), caller, q)
	h.itemPage(c, items, total, err)
}
