package plex

import (
	"context"
	"errors"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// Live play sessions, as /status/sessions lists them (Tautulli, the Plex dashboard): what each
// player reports through /:/timeline, kept per user and client identifier until it stops or goes
// quiet for sessionQuiet.
const (
	sessionQuiet   = 2 * time.Minute
	maxLive        = 4096
	maxLivePerUser = 16
)

type liveSession struct {
	key      int64 // sessionKey
	user     core.User
	item     core.Item
	state    string
	offset   time.Duration
	player   player
	address  string
	updated  time.Time
	transcod string // the universal transcoder's session, when the player streams through it
	started  time.Time
	playing  time.Duration // time spent in the playing state so far
}

// player is what the X-Plex-* headers (or query parameters) say about a client.
type player struct {
	id, product, platform, platformVersion, device, title, version string
}

func playerOf(c *gin.Context) player {
	get := func(name string) string {
		if v := c.GetHeader(name); v != "" {
			return v
		}
		return c.Query(name)
	}
	return player{id: get("X-Plex-Client-Identifier"), product: get("X-Plex-Product"), platform: get("X-Plex-Platform"),
		platformVersion: get("X-Plex-Platform-Version"), device: get("X-Plex-Device"), title: get("X-Plex-Device-Name"),
		version: get("X-Plex-Version")}
}

type liveSessions struct {
	mu   sync.Mutex
	m    map[string]*liveSession
	next int64
}

// report records a timeline report and returns the session, and the sessions it ended: this one
// when it stopped, the player's previous one when it moved to another item, those gone quiet.
func (l *liveSessions) report(u core.User, it core.Item, state string, offset time.Duration, p player, address, transcode string) (*liveSession, []liveSession) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*liveSession{}
	}
	id := string(u.ID) + "\x00" + p.id
	now := time.Now()
	ended := l.reapLocked(now)
	s := l.m[id]
	if s != nil && s.item.ID != it.ID {
		ended = append(ended, *s)
		s = nil
	}
	if s == nil {
		// A user's players beyond maxLivePerUser end their oldest session; a full table takes
		// nobody new.
		var mine []string
		for k, o := range l.m {
			if o.user.ID == u.ID {
				mine = append(mine, k)
			}
		}
		if len(mine) >= maxLivePerUser {
			oldest := mine[0]
			for _, k := range mine {
				if l.m[k].updated.Before(l.m[oldest].updated) {
					oldest = k
				}
			}
			ended = append(ended, *l.m[oldest])
			delete(l.m, oldest)
		}
		if len(l.m) >= maxLive {
			return nil, ended
		}
		l.next++
		s = &liveSession{key: l.next, started: now}
	} else if s.state == "playing" {
		s.playing += now.Sub(s.updated)
	}
	s.user, s.item, s.state, s.offset, s.player, s.address, s.updated = u, it, state, offset, p, address, now
	if transcode != "" {
		s.transcod = transcode
	}
	out := *s
	if state == "stopped" {
		delete(l.m, id)
		ended = append(ended, out)
	} else {
		l.m[id] = s
	}
	return &out, ended
}

// reap ends the sessions quiet for sessionQuiet (every one when all is set) and returns them.
func (l *liveSessions) reap(now time.Time, all bool) []liveSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	if all {
		now = now.Add(sessionQuiet + time.Nanosecond)
	}
	return l.reapLocked(now)
}

func (l *liveSessions) reapLocked(now time.Time) []liveSession {
	var ended []liveSession
	for k, s := range l.m {
		if now.Sub(s.updated) > sessionQuiet {
			ended = append(ended, *s)
			delete(l.m, k)
		}
	}
	return ended
}

// reaper records the sessions that went quiet, every half minute, until stop is closed; then it
// records those still open.
func (h *Handler) reaper(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(sessionQuiet / 4)
	defer t.Stop()
	for {
		select {
		case <-stop:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			h.record(ctx, h.live.reap(time.Now(), true))
			cancel()
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			h.record(ctx, h.live.reap(time.Now(), false))
			cancel()
		}
	}
}

// list returns the live sessions user may see (all of them for an admin), oldest first.
func (l *liveSessions) list(c core.Caller) []liveSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []liveSession
	now := time.Now()
	for _, s := range l.m {
		if now.Sub(s.updated) <= sessionQuiet && (c.Admin || s.user.ID == c.UserID) && c.CanSee(s.item.LibraryID) {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// userNumber is a user's number for Plex, which names accounts by integer: stable, from the id.
func userNumber(id core.UserID) int64 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int64(h.Sum32()&0x7fffffff) + 1
}

func userNode(u core.User) *node {
	return newNode("User").set("id", strconv.FormatInt(userNumber(u.ID), 10)).set("title", u.Username).set("thumb", "")
}

// statusSessions lists what is playing now.
func (h *Handler) statusSessions(c *gin.Context) {
	live := h.live.list(callerOf(c))
	items := make([]core.Item, len(live))
	for i, s := range live {
		items[i] = s.item
	}
	nodes, err := h.itemNodes(c, items, listView{})
	if err != nil {
		h.fail(c, err)
		return
	}
	mc := mediaContainer().set("size", len(nodes))
	for i, n := range nodes {
		s := live[i]
		n.set("sessionKey", strconv.FormatInt(s.key, 10)).set("viewOffset", s.offset.Milliseconds())
		n.add(userNode(s.user))
		n.add(newNode("Player").set("address", s.address).set("machineIdentifier", s.player.id).set("platform", s.player.platform).
			set("platformVersion", s.player.platformVersion).set("product", s.player.product).set("device", s.player.device).
			set("title", s.player.title).set("version", s.player.version).set("state", s.state).set("local", true).
			set("userID", userNumber(s.user.ID)))
		n.add(newNode("Session").set("id", strconv.FormatInt(s.key, 10)).set("bandwidth", 0).set("location", "lan"))
		if s.transcod != "" {
			n.add(newNode("TranscodeSession").set("key", "/transcode/sessions/"+s.transcod).set("throttled", false).
				set("complete", false).set("videoDecision", "transcode").set("audioDecision", "transcode").set("protocol", "hls"))
		}
		mc.add(n)
	}
	write(c, mc)
}

func (h *Handler) statusRoutes(r *router) {
	r.add(http.MethodGet, "/status/sessions", false, h.statusSessions)
	r.add(http.MethodGet, "/status/sessions/history/all", false, h.history)
}

// record stores ended sessions in the play history, as their users (the session's caller may be
// someone else's report ending them by going quiet).
func (h *Handler) record(ctx context.Context, ended []liveSession) {
	if h.History == nil {
		return
	}
	for _, s := range ended {
		method := core.PlayDirect
		if s.transcod != "" {
			method = core.PlayTranscode
		}
		c := core.CallerOf(s.user, "")
		if _, err := h.History.Record(ctx, c, core.HistoryEntry{Item: s.item.ID, DeviceID: s.player.id, DeviceName: s.player.title,
			Client: s.player.product, Started: s.started, Stopped: s.updated, Watched: s.playing, Position: s.offset,
			Method: method}); err != nil && ctx.Err() == nil {
			h.Log.WarnContext(ctx, "record play history", "item", s.item.ID, "err", err)
		}
	}
}

// history is /status/sessions/history/all: what was played, newest first (sort=viewedAt:desc,
// the only order clients ask), filtered by accountID, librarySectionID, metadataItemID and
// viewedAt>=/viewedAt<= (python-plexapi sends the operator inside the key).
func (h *Handler) history(c *gin.Context) {
	p, ok := pageOf(c)
	if !ok {
		fail(c, http.StatusBadRequest)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	q := core.HistoryQuery{Offset: p.start, Limit: p.limit(100), Asc: c.Query("sort") == "viewedAt:asc"}
	countOnly := q.Limit == 0 // Size=0: the total alone
	if countOnly {
		q.Limit = 1
	}
	query := c.Request.URL.Query()
	num := func(name string) (int64, bool, bool) {
		v := query.Get(name)
		if v == "" {
			return 0, false, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, true, err == nil
	}
	if n, set, ok := num("accountID"); !ok {
		fail(c, http.StatusBadRequest)
		return
	} else if set {
		users, err := h.Users.List(ctx, caller)
		if err != nil && !errors.Is(err, core.ErrForbidden) {
			h.fail(c, err)
			return
		}
		q.User = "none"
		for _, u := range users {
			if userNumber(u.ID) == n {
				q.User = u.ID
			}
		}
		if n == userNumber(caller.UserID) {
			q.User = caller.UserID
		}
	}
	if n, set, ok := num("librarySectionID"); !ok {
		fail(c, http.StatusBadRequest)
		return
	} else if set {
		c.Params = append(c.Params, gin.Param{Key: "section", Value: strconv.FormatInt(n, 10)})
		l, ok := h.sectionOf(c)
		if !ok {
			return
		}
		q.Libraries = []core.LibraryID{l.ID}
	}
	if n, set, ok := num("metadataItemID"); !ok {
		fail(c, http.StatusBadRequest)
		return
	} else if set {
		it, err := h.Items.GetByKey(ctx, caller, n)
		if err != nil {
			h.fail(c, err)
			return
		}
		q.Item = it.ID
	}
	for key, into := range map[string]*time.Time{"viewedAt>": &q.Since, "viewedAt<": &q.Until} {
		if n, set, ok := num(key); !ok {
			fail(c, http.StatusBadRequest)
			return
		} else if set {
			*into = time.Unix(n, 0)
		}
	}
	entries, total, err := h.History.List(ctx, caller, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	if countOnly {
		entries = nil
	}
	ids := make([]core.ItemID, len(entries))
	for i, e := range entries {
		ids[i] = e.Item
	}
	items, err := h.Items.GetMany(ctx, caller, ids)
	if err != nil {
		h.fail(c, err)
		return
	}
	byID := map[core.ItemID]core.Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	mc := mediaContainer()
	n := 0
	for _, e := range entries {
		it, ok := byID[e.Item]
		if !ok {
			continue // deleted since: Plex drops those too
		}
		ki := kinds[it.Kind]
		el := item(ki.tag).set("historyKey", "/status/sessions/history/"+strconv.FormatInt(e.ID, 10)).
			set("key", metadataKey(it)).set("ratingKey", strconv.FormatInt(it.Key, 10)).set("title", it.Title).
			set("type", ki.typ).set("viewedAt", e.Stopped.Unix()).set("accountID", userNumber(e.User)).set("deviceID", e.DeviceID)
		if l, ok := h.libraryOf(c, it.LibraryID); ok {
			el.set("librarySectionID", strconv.FormatInt(l.Key, 10))
		}
		mc.add(el)
		n++
	}
	paged(c, mc, p, n, total)
	write(c, mc)
}
