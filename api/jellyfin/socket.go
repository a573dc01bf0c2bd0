package jellyfin

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

// Jellyfin's web socket timeouts (SessionWebSocketListener): a socket quiet for keepAliveAfter is
// sent ForceKeepAlive again, and one quiet for lostAfter is closed.
const (
	keepAliveAfter = 45 * time.Second
	lostAfter      = 60 * time.Second
)

// recheckAfter is how long a socket trusts its last check of its credential: pushes come in
// bursts (a scan, a subscription), and one check covers a burst.
const recheckAfter = time.Second

// socket is one open web socket: the server pushes changes and remote control commands through
// it, and jellyfin-web subscribes to the session list. It keeps the credential it was opened with
// and checks it again on keep-alive ticks and before pushing data (recheck), so that signing out,
// revocation, disabling and changed rights reach an open socket as they reach requests.
type socket struct {
	conn           *websocket.Conn
	token, address string         // the credential and the client's address, to authenticate again
	user           core.UserID    // a credential belongs to one user and one session for good
	sessionID      core.SessionID // "" for an API key
	session        string         // Jellyfin's id of the session; "" for an API key
	out            chan outgoing
	cancel         context.CancelFunc
	// lastRead is when the client last sent anything, in Unix nanoseconds.
	lastRead atomic.Int64
	ended    atomic.Bool // set when the socket is being closed: nothing more is written

	authMu  sync.Mutex // held while checking, so that concurrent checks share one
	caller  core.Caller
	checked time.Time // when caller was last authenticated

	mu       sync.Mutex
	sessions context.CancelFunc // stops the Sessions subscription, when one runs
}

// outgoing is a queued message. One that carries data is only written after the credential has
// been checked again, and only if allow (when set) accepts the caller as it stands then.
type outgoing struct {
	b     []byte
	data  bool
	allow func(core.Caller) bool
}

// envelope is every message, both ways.
type envelope struct {
	MessageType string
	Data        any    `json:",omitempty"`
	MessageId   string `json:",omitempty"`
}

// control queues a message that carries nothing of the user's: keep-alives.
func (s *socket) control(typ string, data any) { s.queue(typ, data, false, nil) }

// push queues a message with data for the caller: it is written if the credential still works and
// allow, when not nil, accepts the caller as the check returns it.
func (s *socket) push(typ string, data any, allow func(core.Caller) bool) {
	s.queue(typ, data, true, allow)
}

// queue queues a message. A client that does not read its messages is dropped rather than let
// them pile up.
func (s *socket) queue(typ string, data any, withData bool, allow func(core.Caller) bool) {
	b, err := json.Marshal(envelope{MessageType: typ, Data: data, MessageId: strings.ReplaceAll(uuid.NewString(), "-", "")})
	if err != nil {
		return
	}
	select {
	case s.out <- outgoing{b: b, data: withData, allow: allow}:
	default:
		s.cancel()
	}
}

// end closes the socket with a close frame telling why, without waiting for the client; nothing
// queued is written after it.
func (s *socket) end(code websocket.StatusCode, reason string) {
	if s.ended.Swap(true) {
		return
	}
	go func() {
		s.conn.Close(code, reason) // waits for the client's answer, a few seconds at most
		s.cancel()
	}()
}

// recheck returns the socket's caller as its credential stands now: authenticated again when the
// last check is older than recheckAfter. A credential that no longer works (signed out, revoked,
// disabled user, expired) ends the socket. ctx ending is no verdict on the credential.
func (h *Handler) recheck(ctx context.Context, s *socket) (core.Caller, bool) {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if s.ended.Load() {
		return core.Caller{}, false
	}
	if time.Since(s.checked) < recheckAfter {
		return s.caller, true
	}
	// Plain Authenticate, not the media check: that one trusts a credential for a while.
	c, err := h.Auth.Authenticate(ctx, s.token, s.address)
	if err == nil && (c.UserID != s.user || c.SessionID != s.sessionID) {
		err = core.ErrUnauthenticated // cannot happen with one credential; never push to another
	}
	if err != nil {
		if ctx.Err() == nil {
			if !errors.Is(err, core.ErrUnauthenticated) {
				h.Log.WarnContext(ctx, "jellyfin socket: authentication failed", "err", err)
			}
			s.end(websocket.StatusPolicyViolation, "authentication failed")
		}
		return core.Caller{}, false
	}
	s.caller, s.checked = c, time.Now()
	return c, true
}

// socket is GET /socket: the caller's web socket. The credential comes as for any route (the
// apiclient sends ?api_key=…&deviceId=…, the SDK ?ApiKey=…); without one the request has been
// answered 401 before the upgrade.
func (h *Handler) socket(c *gin.Context) {
	caller := callerOf(c)
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	session := ""
	if caller.SessionID != "" {
		ss, err := h.Auth.Sessions(ctx, caller, false)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, s := range ss {
			if s.ID == caller.SessionID {
				session = sessionID(s.Client, s.DeviceID)
			}
		}
	}
	// Any origin: the credential travels in the URL, not in a cookie a foreign page could borrow,
	// and jellyfin-web may be served from another origin than the API.
	conn, err := websocket.Accept(c.Writer, c.Request, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		c.Abort() // Accept has answered
		return
	}
	conn.SetReadLimit(64 << 10)
	s := &socket{conn: conn, token: authOf(c).Token, address: c.ClientIP(), user: caller.UserID,
		sessionID: caller.SessionID, session: session, out: make(chan outgoing, 64), cancel: cancel,
		caller: caller, checked: time.Now()}
	s.lastRead.Store(time.Now().UnixNano())
	keepAlive, lost := h.live.add(s)
	defer h.live.remove(s)
	go h.writeSocket(ctx, s)
	go h.watchKeepAlive(ctx, s, keepAlive, lost)
	s.control("ForceKeepAlive", int(math.Ceil(lost.Seconds())))
	h.readSocket(ctx, s)
	s.stopSessions()
	cancel()
	conn.CloseNow()
}

// writeSocket sends queued messages until ctx ends, checking the credential before those with data.
func (h *Handler) writeSocket(ctx context.Context, s *socket) {
	for {
		select {
		case m := <-s.out:
			if m.data {
				c, ok := h.recheck(ctx, s)
				if !ok {
					return
				}
				if m.allow != nil && !m.allow(c) {
					continue
				}
			}
			if s.ended.Load() {
				return
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := s.conn.Write(wctx, websocket.MessageText, m.b)
			cancel()
			if err != nil {
				s.cancel()
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// readSocket handles what the client sends until the socket closes.
func (h *Handler) readSocket(ctx context.Context, s *socket) {
	for {
		_, b, err := s.conn.Read(ctx)
		if err != nil {
			return
		}
		s.lastRead.Store(time.Now().UnixNano())
		var msg struct {
			MessageType string
			Data        json.RawMessage
		}
		if json.Unmarshal(b, &msg) != nil {
			continue // Jellyfin ignores what it cannot read
		}
		switch msg.MessageType {
		case "KeepAlive":
			s.control("KeepAlive", nil)
		case "SessionsStart":
			h.subscribeSessions(ctx, s, msg.Data)
		case "SessionsStop":
			s.stopSessions()
		}
	}
}

// watchKeepAlive asks a quiet client for a keep-alive, closes the socket of one quiet for lost,
// and checks the credential again at every tick.
func (h *Handler) watchKeepAlive(ctx context.Context, s *socket, keepAlive, lost time.Duration) {
	t := time.NewTicker(min(keepAlive, lost) / 4)
	defer t.Stop()
	var asked int64 // the lastRead the last ForceKeepAlive was sent for
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, ok := h.recheck(ctx, s); !ok {
				return
			}
			last := s.lastRead.Load()
			switch quiet := now.Sub(time.Unix(0, last)); {
			case quiet > lost:
				s.end(websocket.StatusPolicyViolation, "keep-alive lost")
				return
			case quiet > keepAlive && asked != last:
				asked = last
				s.control("ForceKeepAlive", int(math.Ceil(lost.Seconds())))
			}
		}
	}
}

// subscribeSessions starts sending the session list: after the first delay, then at every
// interval, given as Data "initialDelayMs,intervalMs" (jellyfin-web's dashboard sends "0,1500").
func (h *Handler) subscribeSessions(ctx context.Context, s *socket, data json.RawMessage) {
	var spec string
	if json.Unmarshal(data, &spec) != nil {
		spec = string(data)
	}
	first, every := time.Duration(0), 1500*time.Millisecond
	if a, b, ok := strings.Cut(spec, ","); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(a)); err == nil && n >= 0 {
			first = time.Duration(n) * time.Millisecond
		}
		if n, err := strconv.Atoi(strings.TrimSpace(b)); err == nil && n > 0 {
			every = time.Duration(n) * time.Millisecond
		}
	}
	every = max(every, 100*time.Millisecond)
	s.stopSessions()
	sctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.sessions = cancel
	s.mu.Unlock()
	go func() {
		wait := time.NewTimer(first)
		defer wait.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-wait.C:
			}
			// The list follows the caller as it stands: a demoted admin sees their own sessions only.
			caller, ok := h.recheck(sctx, s)
			if !ok {
				return
			}
			list, err := h.sessionList(sctx, caller)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					h.Log.WarnContext(sctx, "jellyfin socket: session list failed", "err", err)
				}
				return
			}
			s.push("Sessions", list, func(now core.Caller) bool { return now.Admin || !caller.Admin })
			wait.Reset(every)
		}
	}()
}

func (s *socket) stopSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions != nil {
		s.sessions()
		s.sessions = nil
	}
}

// add registers a socket and returns the keep-alive timeouts.
func (h *hub) add(s *socket) (keepAlive, lost time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sockets == nil {
		h.sockets = map[*socket]struct{}{}
	}
	h.sockets[s] = struct{}{}
	keepAlive, lost = h.keepAlive, h.lost
	if keepAlive <= 0 {
		keepAlive = keepAliveAfter
	}
	if lost <= 0 {
		lost = lostAfter
	}
	return keepAlive, lost
}

func (h *hub) remove(s *socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sockets, s)
}

// setTimeouts changes the keep-alive timeouts of sockets opened from now on.
func (h *hub) setTimeouts(keepAlive, lost time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keepAlive, h.lost = keepAlive, lost
}

// matching returns the open sockets that keep accepts.
func (h *hub) matching(keep func(*socket) bool) []*socket {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*socket
	for s := range h.sockets {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// socketsOf returns the open sockets of sessions with this Jellyfin id, whoever's they are:
// the id is made of what clients choose, so several users' sessions may share it.
func (h *hub) socketsOf(id string) []*socket {
	return h.matching(func(s *socket) bool { return s.session != "" && s.session == id })
}

// endSession closes the sockets of a session at once and forgets its live state: POST
// /Sessions/Logout calls it once core has ended the session.
func (h *hub) endSession(id core.SessionID) {
	if id == "" {
		return
	}
	for _, s := range h.matching(func(s *socket) bool { return s.sessionID == id }) {
		s.end(websocket.StatusNormalClosure, "signed out")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sessions, id)
}

// userDataChangeInfo is Jellyfin's UserDataChangeInfo.
type userDataChangeInfo struct {
	UserId       string
	UserDataList []userItemDataDto
}

// NotifyUserData pushes UserDataChanged to the user's sockets: clients refresh played marks and
// resume bars from it. It is core.UserDataService.OnChange's hook, and does not block: each
// socket's writer checks its credential before the message goes out.
func (h *Handler) NotifyUserData(user core.UserID, data []core.UserData) {
	socks := h.live.matching(func(s *socket) bool { return s.user != "" && s.user == user })
	if len(socks) == 0 {
		return
	}
	info := userDataChangeInfo{UserId: jid(user), UserDataList: make([]userItemDataDto, len(data))}
	for i, d := range data {
		info.UserDataList[i] = toUserData(d)
	}
	for _, s := range socks {
		s.push("UserDataChanged", info, func(c core.Caller) bool { return c.UserID == user })
	}
}

// libraryUpdateInfo is Jellyfin's LibraryUpdateInfo.
type libraryUpdateInfo struct {
	FoldersAddedTo     []string
	FoldersRemovedFrom []string
	ItemsAdded         []string
	ItemsRemoved       []string
	ItemsUpdated       []string
	CollectionFolders  []string
	IsEmpty            bool
}

// NotifyLibraryChanged pushes LibraryChanged to the sockets of callers who may see the library,
// as their rights stand when the message goes out (granted or withdrawn since the socket opened).
// The library's own view (its CollectionFolder item) is always listed as updated, so that
// clients that only look at the item lists still refresh.
func (h *Handler) NotifyLibraryChanged(lib core.LibraryID, added, updated, removed []core.ItemID) {
	socks := h.live.matching(func(*socket) bool { return true })
	if len(socks) == 0 {
		return
	}
	ids := func(in []core.ItemID) []string {
		out := make([]string, len(in))
		for i, id := range in {
			out[i] = jid(id)
		}
		return out
	}
	info := libraryUpdateInfo{FoldersAddedTo: []string{}, FoldersRemovedFrom: []string{}, ItemsAdded: ids(added),
		ItemsRemoved: ids(removed), ItemsUpdated: append(ids(updated), jid(lib)), CollectionFolders: []string{jid(lib)}}
	for _, s := range socks {
		s.push("LibraryChanged", info, func(c core.Caller) bool { return c.CanSee(lib) })
	}
}

// ScanFinished is scan.Options.OnFinish's hook: a scan that changed something tells clients the
// library changed. scan.Progress counts files, not items, so the message names the library
// rather than the items added, updated or removed.
func (h *Handler) ScanFinished(p scan.Progress) {
	if p.Probed+p.Moved+p.Missing+p.Removed == 0 {
		return // nothing new, changed or gone
	}
	h.NotifyLibraryChanged(p.Library, nil, nil, nil)
}

// Close stops reading lists ahead, tells connected clients the server is shutting down and closes
// their sockets: they outlive http.Server.Shutdown, which does not wait for hijacked connections.
// The messages go out in parallel, within one second in all: a client that does not read must not
// hold up shutdown.
func (h *Handler) Close() {
	h.warm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range h.live.matching(func(*socket) bool { return true }) {
		b, _ := json.Marshal(envelope{MessageType: "ServerShuttingDown", MessageId: strings.ReplaceAll(uuid.NewString(), "-", "")})
		wg.Go(func() {
			s.conn.Write(ctx, websocket.MessageText, b)
			s.cancel() // ends the socket's read, which closes the connection
		})
	}
	wg.Wait()
}
