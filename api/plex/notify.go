package plex

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

// /:/websockets/notifications: Plex's event stream (Tautulli, python-plexapi's AlertListener).
// Each message is one JSON NotificationContainer: "playing" when a player reports its state,
// "activity" when a library scan ends. A socket that cannot keep up loses messages rather than
// holding up the others; pings are answered by the reader (Tautulli drops a silent server).

const (
	maxSockets        = 256
	maxSocketsPerUser = 8
	socketQueue       = 64
	socketRecheck     = time.Minute // how often a socket's token is checked again
)

type notifySocket struct {
	who    string      // whose socket: the user, or the API key
	caller core.Caller // as of the last check; guarded by notifier.mu
	out    chan []byte
}

type notifier struct {
	mu      sync.Mutex
	sockets map[*notifySocket]struct{}
	recheck time.Duration // socketRecheck; tests shorten it
}

// add registers a socket unless the server or its owner has too many.
func (n *notifier) add(s *notifySocket) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sockets == nil {
		n.sockets = map[*notifySocket]struct{}{}
	}
	mine := 0
	for o := range n.sockets {
		if o.who == s.who {
			mine++
		}
	}
	if len(n.sockets) >= maxSockets || mine >= maxSocketsPerUser {
		return false
	}
	n.sockets[s] = struct{}{}
	return true
}

func (n *notifier) remove(s *notifySocket) {
	n.mu.Lock()
	delete(n.sockets, s)
	n.mu.Unlock()
}

func (h *Handler) notifyRoutes(r *router) {
	r.add(http.MethodGet, "/:/websockets/notifications", false, h.notifications)
	r.add(http.MethodGet, "/:/websocket/notifications", false, h.notifications)
}

func (h *Handler) notifications(c *gin.Context) {
	n, caller, token, address := &h.notify, callerOf(c), plexToken(c), c.ClientIP()
	s := &notifySocket{who: string(caller.UserID) + "/" + string(caller.APIKeyID), caller: caller, out: make(chan []byte, socketQueue)}
	if !n.add(s) {
		fail(c, http.StatusServiceUnavailable)
		return
	}
	defer n.remove(s)
	conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept answered the client
	}
	recheck := n.recheck
	if recheck <= 0 {
		recheck = socketRecheck
	}
	tick := time.NewTicker(recheck)
	defer tick.Stop()
	// The reader answers pings and notices the client leaving; clients send nothing else.
	ctx := conn.CloseRead(context.WithoutCancel(c.Request.Context()))
	for {
		select {
		case <-ctx.Done():
			conn.CloseNow()
			return
		case <-tick.C:
			// A token unlinked or revoked, a user disabled, or grants changed since it opened.
			fresh, err := h.Auth.Authenticate(ctx, token, address)
			if err != nil {
				go conn.Close(websocket.StatusPolicyViolation, "authentication failed")
				return
			}
			n.mu.Lock()
			s.caller = fresh
			n.mu.Unlock()
		case b, ok := <-s.out:
			if !ok { // the close handshake may wait for a client that reads nothing: not here
				go conn.Close(websocket.StatusGoingAway, "server shutting down")
				return
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		}
	}
}

// send queues a container for the sockets whose caller to accepts.
func (n *notifier) send(mc *node, to func(core.Caller) bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.sockets) == 0 {
		return
	}
	b := append(append([]byte(`{"NotificationContainer":`), mc.appendJSON(nil)...), '}')
	for s := range n.sockets {
		if !to(s.caller) {
			continue
		}
		select {
		case s.out <- b:
		default: // a slow client loses this one
		}
	}
}

// close ends every socket, telling clients the server is going away.
func (n *notifier) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for s := range n.sockets {
		close(s.out)
	}
	n.sockets = map[*notifySocket]struct{}{}
}

// notifyPlaying tells the player's user and the admins what a session is doing.
func (h *Handler) notifyPlaying(s *liveSession) {
	mc := newNode("NotificationContainer").set("type", "playing").set("size", 1)
	mc.add(newNode("PlaySessionStateNotification").set("sessionKey", strconv.FormatInt(s.key, 10)).
		set("clientIdentifier", s.player.id).set("guid", "").set("ratingKey", strconv.FormatInt(s.item.Key, 10)).
		set("url", "").set("key", metadataKey(s.item)).set("viewOffset", s.offset.Milliseconds()).
		set("playQueueItemID", 1).set("state", s.state).set("transcodeSession", s.transcod))
	h.notify.send(mc, func(c core.Caller) bool {
		return (c.Admin || c.UserID == s.user.ID) && c.CanSeeItem(s.item)
	})
}

// ScanFinished is scan.Options.OnFinish's hook: the end of a scan goes out as Plex's
// library.update.section activity, to those who may see the library.
func (h *Handler) ScanFinished(p scan.Progress) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	libs, err := h.Libraries.List(ctx, core.Caller{Admin: true, AllLibraries: true})
	if err != nil {
		return
	}
	for _, l := range libs {
		if l.ID != p.Library {
			continue
		}
		activity := newNode("Activity").set("uuid", string(l.ID)).set("type", "library.update.section").
			set("cancellable", false).set("userID", 1).set("title", "Scanning "+l.Name).set("subtitle", "").set("progress", 100)
		// Activity and its Context are single objects, not lists, in Plex's messages.
		activity.add(object("Context", newNode("Context").set("librarySectionID", strconv.FormatInt(l.Key, 10))))
		an := newNode("ActivityNotification").set("event", "ended").set("uuid", string(l.ID)).add(object("Activity", activity))
		mc := newNode("NotificationContainer").set("type", "activity").set("size", 1).add(an)
		h.notify.send(mc, func(c core.Caller) bool { return c.CanSee(l.ID) })
	}
}

// object marks n as written in JSON as one object named name, not in an array.
func object(name string, n *node) *node {
	n.list, n.single = name, true
	return n
}

// Close stops reading lists ahead, ends the notification sockets (http.Server.Shutdown does not
// wait for them) and records the play sessions still open in the history.
func (h *Handler) Close() {
	h.closing.Do(func() {
		h.warm.Close()
		h.notify.close()
		close(h.quit)
		<-h.stopped
	})
}
