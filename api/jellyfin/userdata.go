package jellyfin

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) userDataRoutes(r *router) {
	// Each route takes ?userId=; the legacy forms have it in the path.
	for _, p := range []struct{ played, favorite, rating, data string }{
		{"/UserPlayedItems/{itemId}", "/UserFavoriteItems/{itemId}", "/UserItems/{itemId}/Rating", "/UserItems/{itemId}/UserData"},
		{"/Users/{userId}/PlayedItems/{itemId}", "/Users/{userId}/FavoriteItems/{itemId}", "/Users/{userId}/Items/{itemId}/Rating",
			"/Users/{userId}/Items/{itemId}/UserData"},
	} {
		r.add("POST", p.played, user, h.setPlayed(true))
		r.add("DELETE", p.played, user, h.setPlayed(false))
		r.add("POST", p.favorite, user, h.setFavorite(true))
		r.add("DELETE", p.favorite, user, h.setFavorite(false))
		r.add("POST", p.rating, user, h.setRating(false))
		r.add("DELETE", p.rating, user, h.setRating(true))
		r.add("GET", p.data, user, h.getUserData)
		r.add("POST", p.data, user, h.updateUserData)
	}
}

// toUserData maps a user's data for an item to Jellyfin's UserItemDataDto. Key is the item id:
// Jellyfin keys user data by provider ids, which clients never read back.
func toUserData(d core.UserData) userItemDataDto {
	dto := userItemDataDto{PlaybackPositionTicks: toTicks(d.Position), PlayCount: d.PlayCount, IsFavorite: d.Favorite,
		Likes: d.Likes, Rating: d.Rating, LastPlayedDate: timePtrOf(d.LastPlayedAt), Played: d.Played, Key: jid(d.ItemID),
		ItemId: jid(d.ItemID)}
	if d.UnplayedCount != nil {
		// A folder: Jellyfin fills both from the items under it, 0 % included.
		dto.UnplayedItemCount = ptr(*d.UnplayedCount)
		dto.PlayedPercentage = ptr(d.PlayedPercent)
	} else if d.PlayedPercent > 0 {
		dto.PlayedPercentage = ptr(d.PlayedPercent) // only while in progress, as Jellyfin
	}
	return dto
}

// actingFor returns the caller a user data route acts for (see userCaller; the legacy routes have
// the userId in the path) and the item it names.
func (h *Handler) actingFor(c *gin.Context) (core.Caller, core.ItemID, bool) {
	item, ok := parseID(c.Param("itemId"))
	if !ok {
		status(c, http.StatusNotFound)
		return core.Caller{}, "", false
	}
	raw := c.Param("userId")
	if raw == "" {
		raw = str(c, "userId")
	}
	caller, ok := h.userCaller(c, raw)
	return caller, core.ItemID(item), ok
}

// userCaller returns the caller a request acts for when it names a user (userId): that may be
// left out or be the caller's own; another user's needs an admin (403 otherwise), and then the
// request acts for that user, with their library access, as Jellyfin does. An API key without a
// userId has no user data: its reads are empty and its changes 404 (core.UserDataService).
func (h *Handler) userCaller(c *gin.Context, userID string) (core.Caller, bool) {
	return h.actAs(c, userID)
}

// userDataResult answers with d, or maps err.
func (h *Handler) userDataResult(c *gin.Context, d core.UserData, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, toUserData(d))
}

// setPlayed is POST (played, at ?datePlayed= or now) and DELETE (unplayed) /UserPlayedItems/{itemId}.
// On a series, season, album or box set it marks every playable item under it.
func (h *Handler) setPlayed(played bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		caller, id, ok := h.actingFor(c)
		if !ok {
			return
		}
		var at *time.Time
		if s := str(c, "datePlayed"); played && s != "" {
			t, err := parseDate(s)
			if err != nil {
				status(c, http.StatusBadRequest)
				return
			}
			at = &t
		}
		d, err := h.UserData.SetPlayed(c.Request.Context(), caller, id, played, at)
		h.userDataResult(c, d, err)
	}
}

// parseDate reads a date as clients send it: ISO 8601 with or without a zone (UTC then).
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02T15:04:05.9999999", s)
}

func (h *Handler) setFavorite(fav bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		caller, id, ok := h.actingFor(c)
		if !ok {
			return
		}
		d, err := h.UserData.SetFavorite(c.Request.Context(), caller, id, fav)
		h.userDataResult(c, d, err)
	}
}

// setRating is POST /UserItems/{itemId}/Rating?likes=true|false, and DELETE (forget).
func (h *Handler) setRating(clear bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		caller, id, ok := h.actingFor(c)
		if !ok {
			return
		}
		likes := boolean(c, "likes")
		if !clear && likes == nil {
			status(c, http.StatusBadRequest)
			return
		}
		if clear {
			likes = nil
		}
		d, err := h.UserData.SetLikes(c.Request.Context(), caller, id, likes)
		h.userDataResult(c, d, err)
	}
}

// getUserData is GET /UserItems/{itemId}/UserData.
func (h *Handler) getUserData(c *gin.Context) {
	caller, id, ok := h.actingFor(c)
	if !ok {
		return
	}
	d, err := h.UserData.GetOne(c.Request.Context(), caller, id)
	h.userDataResult(c, d, err)
}

// updateUserItemData is Jellyfin's UpdateUserItemDataDto: every field is optional, and only
// those sent with a value change. null changes nothing, as in Jellyfin (clients send back the
// whole UserItemDataDto, nulls included); DELETE /UserItems/{itemId}/Rating forgets Likes.
type updateUserItemData struct {
	PlaybackPositionTicks *flexInt
	Played                *bool
	IsFavorite            *bool
	Likes                 *bool
	Rating                *float64
	LastPlayedDate        *jfTime
}

// updateUserData is POST /UserItems/{itemId}/UserData. It applies, in this order, Played (at
// LastPlayedDate when given), PlaybackPositionTicks (a playback report of that position, so the
// resume rules apply: under 5 % keeps none, past 90 % marks the item played), IsFavorite and
// Likes and Rating (0 to 10). PlayCount and the derived fields are not settable: core counts
// plays itself.
func (h *Handler) updateUserData(c *gin.Context) {
	caller, id, ok := h.actingFor(c)
	if !ok {
		return
	}
	var body updateUserItemData
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	d, err := h.UserData.GetOne(ctx, caller, id) // 404 before any change for an item the user may not see
	if err == nil && body.Played != nil {
		var at *time.Time
		if body.LastPlayedDate != nil {
			at = ptr(time.Time(*body.LastPlayedDate))
		}
		d, err = h.UserData.SetPlayed(ctx, caller, id, *body.Played, at)
	}
	// A folder has no position of its own, and an unchanged one is no report: clients send back
	// the whole UserItemDataDto they were given.
	if pos := body.PlaybackPositionTicks; err == nil && pos != nil && d.UnplayedCount == nil && int64(*pos) != toTicks(d.Position) {
		d, err = h.UserData.Progress(ctx, caller, id, fromTicks(max(int64(*pos), 0)), false)
	}
	if err == nil && body.IsFavorite != nil {
		d, err = h.UserData.SetFavorite(ctx, caller, id, *body.IsFavorite)
	}
	if err == nil && body.Likes != nil {
		d, err = h.UserData.SetLikes(ctx, caller, id, body.Likes)
	}
	if err == nil && body.Rating != nil {
		d, err = h.UserData.SetRating(ctx, caller, id, body.Rating)
	}
	h.userDataResult(c, d, err)
}
