package jellyfin

import (
	"slices"
	"sync"
	"time"

	"github.com/walros/walros/core"
)

// hub is the facade's live state, kept in memory as Jellyfin keeps its sessions: what each
// signed-in session reported playing, the capabilities it announced, and the open web sockets.
// A restart forgets it; clients announce themselves again, report again and reconnect. It is
// keyed by core's session id, which the server chooses; Jellyfin's ids are made of what clients
// send, and are only looked up among the sessions a caller may see (remoteTarget).
type hub struct {
	mu       sync.Mutex
	sessions map[core.SessionID]*liveSession
	sockets  map[*socket]struct{}
	// keepAlive and lost are the web socket timeouts (45 s and 60 s when zero): a socket quiet for
	// keepAlive is asked for a keep-alive again, and one quiet for lost is closed.
	keepAlive, lost time.Duration
	pruned          time.Time // when idle sessions were last forgotten
}

// liveSession is what one session told the facade since the server started.
type liveSession struct {
	user    core.UserID
	playing *nowPlaying
	caps    *clientCapabilities
	// created is when the entry was made, touched when the session last reported anything.
	created, touched time.Time
}

// nowPlaying is the item a session plays, as its last report left it.
type nowPlaying struct {
	item                   core.Item // only what sessions show and reports need (slimItem)
	position               time.Duration
	paused, muted, canSeek bool
	volume, audio, sub     *int
	method, source         string
	playSession            string
	repeat, order          string
	checkIn                time.Time
	started                time.Time     // when this item began playing in the session
	watched                time.Duration // time spent playing it up to checkIn, pauses aside
}

// idlePlayback is how long a session may send no report before it no longer counts as playing:
// players that crash or lose the network never send their stop. A session quiet for as long and
// without a socket is forgotten.
const idlePlayback = 5 * time.Minute

// Bounds of the live state: a client decides what it announces, and sessions come and go without
// always saying so (expiry, a login again from the device, a disabled user).
const (
	maxLiveSessions = 10_000      // entries; the oldest idle ones go first
	maxListLen      = 64          // entries of an announced list
	maxListEntry    = 64          // bytes of one entry
	maxReported     = 256         // bytes of a reported string (play method, media source...)
	pruneEvery      = time.Minute // how often idle sessions are looked for
)

// session returns the live state of a session, making it; nil when the hub is full of sessions
// with open sockets. h.mu must be held.
func (h *hub) session(id core.SessionID, user core.UserID, now time.Time) *liveSession {
	if s := h.sessions[id]; s != nil {
		return s
	}
	if h.sessions == nil {
		h.sessions = map[core.SessionID]*liveSession{}
	}
	h.prune(now, false)
	if len(h.sessions) >= maxLiveSessions {
		h.evict(maxLiveSessions * 9 / 10)
		if len(h.sessions) >= maxLiveSessions {
			return nil
		}
	}
	s := &liveSession{user: user, created: now, touched: now}
	h.sessions[id] = s
	return s
}

// withSockets returns the sessions that have an open socket; h.mu must be held.
func (h *hub) withSockets() map[core.SessionID]bool {
	out := map[core.SessionID]bool{}
	for so := range h.sockets {
		if so.sessionID != "" {
			out[so.sessionID] = true
		}
	}
	return out
}

// prune forgets sessions quiet for idlePlayback that have no socket, at most once per pruneEvery
// unless forced; h.mu must be held.
func (h *hub) prune(now time.Time, force bool) {
	if !force && now.Sub(h.pruned) < pruneEvery {
		return
	}
	h.pruned = now
	open := h.withSockets()
	for id, s := range h.sessions {
		if !open[id] && now.Sub(s.touched) > idlePlayback {
			delete(h.sessions, id)
		}
	}
}

// evict forgets the sessions without a socket that reported least recently until at most keep
// remain; h.mu must be held.
func (h *hub) evict(keep int) {
	open := h.withSockets()
	type entry struct {
		id      core.SessionID
		touched time.Time
	}
	var idle []entry
	for id, s := range h.sessions {
		if !open[id] {
			idle = append(idle, entry{id, s.touched})
		}
	}
	slices.SortFunc(idle, func(a, b entry) int { return a.touched.Compare(b.touched) })
	for _, e := range idle {
		if len(h.sessions) <= keep {
			return
		}
		delete(h.sessions, e.id)
	}
}

// retain forgets the live state of user's sessions (everyone's when all) that are not in ids and
// were made before since: core no longer has them (signed in again from the device, expired,
// revoked). since must be taken before ids were read, so that a session made meanwhile stays.
func (h *hub) retain(user core.UserID, all bool, ids map[core.SessionID]bool, since time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, s := range h.sessions {
		if (all || s.user == user) && !ids[id] && s.created.Before(since) {
			delete(h.sessions, id)
		}
	}
}

// update applies fn to the live state of the caller's session; API keys have none.
func (h *hub) update(c core.Caller, fn func(*liveSession)) {
	if c.SessionID == "" {
		return
	}
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.session(c.SessionID, c.UserID, now)
	if s == nil {
		return
	}
	fn(s)
	s.touched = now
	if p := s.playing; p != nil {
		p.item = slimItem(p.item)
		for _, f := range []*string{&p.method, &p.source, &p.playSession, &p.repeat, &p.order} {
			if len(*f) > maxReported {
				*f = ""
			}
		}
	}
}

// slimItem keeps of a playing item what sessions show and reports need, not its overview, path
// or provider ids.
func slimItem(it core.Item) core.Item {
	return core.Item{ID: it.ID, Kind: it.Kind, Title: it.Title, Year: it.Year, LibraryID: it.LibraryID,
		ParentID: it.ParentID, IndexNumber: it.IndexNumber, ParentIndex: it.ParentIndex, Runtime: it.Runtime}
}

// snapshot returns a copy of a session's live state, and the number of its open sockets.
func (h *hub) snapshot(id core.SessionID, now time.Time) (liveSession, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.prune(now, false)
	var out liveSession
	if s := h.sessions[id]; s != nil {
		out = *s
		if s.playing != nil {
			if now.Sub(s.playing.checkIn) > idlePlayback {
				s.playing = nil
			}
			if s.playing != nil {
				p := *s.playing
				out.playing = &p
			}
		}
	}
	n := 0
	for so := range h.sockets {
		if so.sessionID == id {
			n++
		}
	}
	return out, n
}
