package plex

import (
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
	sessionQuiet = 2 * time.Minute
	maxLive      = 4096
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

// report records a timeline report; a stopped state ends the session.
func (l *liveSessions) report(u core.User, it core.Item, state string, offset time.Duration, p player, address, transcode string) *liveSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*liveSession{}
	}
	id := string(u.ID) + "\x00" + p.id
	now := time.Now()
	for k, s := range l.m {
		if now.Sub(s.updated) > sessionQuiet {
			delete(l.m, k)
		}
	}
	s := l.m[id]
	if s == nil || s.item.ID != it.ID {
		if len(l.m) >= maxLive {
			return nil
		}
		l.next++
		s = &liveSession{key: l.next}
	}
	s.user, s.item, s.state, s.offset, s.player, s.address, s.updated = u, it, state, offset, p, address, now
	if transcode != "" {
		s.transcod = transcode
	}
	out := *s
	if state == "stopped" {
		delete(l.m, id)
	} else {
		l.m[id] = s
	}
	return &out
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
}
