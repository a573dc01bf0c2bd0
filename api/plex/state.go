package plex

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) stateRoutes(r *router) {
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		r.add(m, "/:/scrobble", false, h.scrobble(true))
		r.add(m, "/:/unscrobble", false, h.scrobble(false))
		r.add(m, "/:/progress", false, h.progress)
	}
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
		r.add(m, "/:/timeline", false, h.timeline)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		r.add(m, "/:/rate", false, h.rate)
	}
}

// itemParam finds the item a play-state call names, by ratingKey (timeline) or key (the others;
// python-plexapi sends a bare ratingKey, Plex Web a /library/metadata/... path).
func (h *Handler) itemParam(c *gin.Context, names ...string) (core.Item, bool) {
	for _, name := range names {
		v := strings.TrimPrefix(c.Query(name), "/library/metadata/")
		if v == "" {
			continue
		}
		key, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail(c, http.StatusBadRequest)
			return core.Item{}, false
		}
		it, err := h.Items.GetByKey(c.Request.Context(), callerOf(c), key)
		if err != nil {
			h.fail(c, err)
			return core.Item{}, false
		}
		return it, true
	}
	fail(c, http.StatusBadRequest)
	return core.Item{}, false
}

// scrobble marks an item (a show or season: every episode under it) played or unplayed.
func (h *Handler) scrobble(played bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		it, ok := h.itemParam(c, "key", "ratingKey")
		if !ok {
			return
		}
		now := time.Now()
		if _, err := h.UserData.SetPlayed(c.Request.Context(), callerOf(c), it.ID, played, &now); err != nil {
			h.fail(c, err)
			return
		}
		c.Status(http.StatusOK) // an empty body without a Content-Type: plex-api parses it as ''
	}
}

// rate is python-plexapi's rate(): rating=0..10 sets the user's rating, -1 clears it.
func (h *Handler) rate(c *gin.Context) {
	it, ok := h.itemParam(c, "key", "ratingKey")
	if !ok {
		return
	}
	r, err := strconv.ParseFloat(c.Query("rating"), 64)
	if err != nil {
		fail(c, http.StatusBadRequest)
		return
	}
	var rating *float64
	if r != -1 {
		rating = &r
	}
	if _, err := h.UserData.SetRating(c.Request.Context(), callerOf(c), it.ID, rating); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// position reads time= (milliseconds) and whether state= ends the playback.
func position(c *gin.Context) (time.Duration, bool, bool) {
	ms, err := strconv.ParseInt(c.Query("time"), 10, 64)
	if err != nil || ms < 0 {
		return 0, false, false
	}
	return time.Duration(ms) * time.Millisecond, c.Query("state") == "stopped", true
}

// progress is python-plexapi's updateProgress: the resume point, kept across devices.
func (h *Handler) progress(c *gin.Context) {
	it, ok := h.itemParam(c, "key", "ratingKey")
	if !ok {
		return
	}
	pos, stopped, ok := position(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	if _, err := h.UserData.Progress(c.Request.Context(), callerOf(c), it.ID, pos, stopped); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// timeline is what players report every few seconds while playing. It answers a MediaContainer:
// plexjs fails on an empty body here.
func (h *Handler) timeline(c *gin.Context) {
	it, ok := h.itemParam(c, "ratingKey", "key")
	if !ok {
		return
	}
	pos, stopped, ok := position(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	if _, err := h.UserData.Progress(c.Request.Context(), callerOf(c), it.ID, pos, stopped); err != nil {
		h.fail(c, err)
		return
	}
	if caller := callerOf(c); caller.UserID != "" && h.Users != nil {
		if u, err := h.Users.Me(c.Request.Context(), caller); err == nil {
			state := c.Query("state")
			switch state {
			case "playing", "paused", "buffering", "stopped":
			default:
				state = "playing"
			}
			var transcode string
			var tc *tcSession
			if id := sessionID(c); id != "" {
				if e, ok := h.sessions.get(id); ok && e.user == caller.UserID {
					transcode, tc = id, e
				}
			}
			h.notePlaying(c, it, state, playerOf(c), tc, pos)
			s, ended := h.live.report(u, it, state, pos, playerOf(c), c.ClientIP(), transcode)
			if s != nil {
				h.notifyPlaying(s)
			}
			h.record(context.WithoutCancel(c.Request.Context()), ended) // the player may be gone: they still count
		}
	}
	write(c, mediaContainer().set("size", 0))
}
