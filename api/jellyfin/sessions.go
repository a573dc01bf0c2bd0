package jellyfin

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// stateRoutes registers what changes as users play: playback reports, user data, display
// preferences, live sessions with their remote control, and the web socket.
func (h *Handler) stateRoutes(r *router) {
	h.playstateRoutes(r)
	h.userDataRoutes(r)
	r.add("GET", "/DisplayPreferences/{displayPreferencesId}", user, h.getDisplayPreferences)
	r.add("POST", "/DisplayPreferences/{displayPreferencesId}", user, h.putDisplayPreferences)
	r.add("GET", "/Sessions", user, h.sessions)
	r.add("POST", "/Sessions/Capabilities", user, h.capabilities)
	r.add("POST", "/Sessions/Capabilities/Full", user, h.fullCapabilities)
	r.add("POST", "/Sessions/{sessionId}/Playing", user, h.remotePlay)
	r.add("POST", "/Sessions/{sessionId}/Playing/{command}", user, h.remotePlaystate)
	r.add("POST", "/Sessions/{sessionId}/Command", user, h.remoteCommand)
	r.add("POST", "/Sessions/{sessionId}/Command/{command}", user, h.remoteCommand)
	r.add("POST", "/Sessions/{sessionId}/System/{command}", user, h.remoteCommand)
	r.add("POST", "/Sessions/{sessionId}/Message", user, h.remoteMessage)
	r.add("GET", "/socket", user, h.socket)
}

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

// clientCapabilities is Jellyfin's ClientCapabilitiesDto, as far as sessions show it.
type clientCapabilities struct {
	PlayableMediaTypes           []string
	SupportedCommands            []string
	SupportsMediaControl         bool
	SupportsPersistentIdentifier bool
	AppStoreUrl                  string `json:",omitempty"`
	IconUrl                      string `json:",omitempty"`
}

// fullCapabilities is POST /Sessions/Capabilities/Full, which jellyfin-web sends after signing
// in: what the client can play and which remote commands it obeys.
func (h *Handler) fullCapabilities(c *gin.Context) {
	var caps clientCapabilities
	if err := bind(c, &caps); err != nil {
		status(c, http.StatusBadRequest)
		return
	}
	h.setCapabilities(c, caps)
}

// capabilities is POST /Sessions/Capabilities, the same with query parameters.
func (h *Handler) capabilities(c *gin.Context) {
	caps := clientCapabilities{PlayableMediaTypes: list(c, "playableMediaTypes"), SupportedCommands: list(c, "supportedCommands")}
	if b := boolean(c, "supportsMediaControl"); b != nil {
		caps.SupportsMediaControl = *b
	}
	if b := boolean(c, "supportsPersistentIdentifier"); b != nil {
		caps.SupportsPersistentIdentifier = *b
	}
	h.setCapabilities(c, caps)
}

func (h *Handler) setCapabilities(c *gin.Context, caps clientCapabilities) {
	// Kept in memory for as long as the session lives: bounded, and the commands are the ones
	// Jellyfin knows (its GeneralCommandType enum refuses others).
	caps.PlayableMediaTypes = cleanList(caps.PlayableMediaTypes, nil)
	caps.SupportedCommands = cleanList(caps.SupportedCommands, generalCommands)
	for _, u := range []*string{&caps.AppStoreUrl, &caps.IconUrl} {
		if len(*u) > 2048 {
			*u = ""
		}
	}
	h.live.update(callerOf(c), func(s *liveSession) { s.caps = &caps })
	c.Status(http.StatusNoContent)
}

// cleanList bounds a list a client announces: at most maxListLen entries of at most maxListEntry
// bytes, without repeats; with known, only its members, spelled as known spells them.
func cleanList(in, known []string) []string {
	out := make([]string, 0, min(len(in), maxListLen))
	for _, v := range in {
		if len(out) == maxListLen {
			break
		}
		if v == "" || len(v) > maxListEntry {
			continue
		}
		if known != nil {
			var ok bool
			if v, ok = enumValue(v, known); !ok {
				continue
			}
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// liveSessionInfo is sessionInfo (users.go) with what the session reported live. Its fields
// shadow the embedded ones of the same name in JSON.
type liveSessionInfo struct {
	sessionInfo
	PlayableMediaTypes    []string
	SupportedCommands     []string
	SupportsMediaControl  bool
	SupportsRemoteControl bool
	Capabilities          clientCapabilities
	LastPlaybackCheckIn   *jfTime      `json:",omitempty"`
	NowPlayingItem        *baseItemDto `json:",omitempty"`
	PlayState             playerState
}

// playerState is Jellyfin's PlayerStateInfo.
type playerState struct {
	PositionTicks       *int64 `json:",omitempty"`
	CanSeek             bool
	IsPaused            bool
	IsMuted             bool
	VolumeLevel         *int   `json:",omitempty"`
	AudioStreamIndex    *int   `json:",omitempty"`
	SubtitleStreamIndex *int   `json:",omitempty"`
	MediaSourceId       string `json:",omitempty"`
	PlayMethod          string `json:",omitempty"`
	RepeatMode          string
	PlaybackOrder       string
}

// sessions is GET /Sessions: the caller's own devices, or everyone's for an admin, with what
// they are playing. controllableByUserId keeps those the user may control remotely: sessions
// with an open web socket, of that user unless they are an admin.
func (h *Handler) sessions(c *gin.Context) {
	caller := callerOf(c)
	all, err := h.sessionList(c.Request.Context(), caller)
	if err != nil {
		h.fail(c, err)
		return
	}
	// Clamped: seconds beyond a few centuries overflow a Duration, and a negative one keeps nothing.
	active := min(integer(c, "activeWithinSeconds", 0), maxActiveWithin)
	device := str(c, "deviceId")
	controllable, byController := "", str(c, "controllableByUserId") != ""
	if byController {
		id, ok := parseID(str(c, "controllableByUserId"))
		if !ok {
			status(c, http.StatusBadRequest)
			return
		}
		controllable = jid(id)
	}
	now := time.Now()
	out := []liveSessionInfo{}
	for _, s := range all {
		switch {
		case active > 0 && now.Sub(time.Time(s.LastActivityDate)) > time.Duration(active)*time.Second:
		case device != "" && device != s.DeviceId:
		case byController && (!s.SupportsRemoteControl || s.UserId != controllable && !caller.Admin):
		default:
			out = append(out, s)
		}
	}
	writeJSON(c, http.StatusOK, out)
}

// maxActiveWithin is the largest activeWithinSeconds honoured: ten years, in seconds.
const maxActiveWithin = 10 * 365 * 24 * 60 * 60

// sessionList returns the sessions the caller may see, live state included. The live state of
// sessions core no longer lists is forgotten on the way.
func (h *Handler) sessionList(ctx context.Context, caller core.Caller) ([]liveSessionInfo, error) {
	listed := time.Now()
	ss, err := h.Auth.Sessions(ctx, caller, caller.Admin)
	if err != nil {
		return nil, err
	}
	if caller.Admin || caller.IsUser() {
		ids := make(map[core.SessionID]bool, len(ss))
		for _, s := range ss {
			ids[s.ID] = true
		}
		h.live.retain(caller.UserID, caller.Admin, ids, listed)
	}
	names := map[core.UserID]string{}
	if us, err := h.Users.List(ctx, caller); err == nil {
		for _, u := range us {
			names[u.ID] = u.Username
		}
	} else if u, err := h.Users.Me(ctx, caller); err == nil {
		names[u.ID] = u.Username
	}
	now := time.Now()
	out := make([]liveSessionInfo, 0, len(ss))
	for _, s := range ss {
		live, sockets := h.live.snapshot(s.ID, now)
		out = append(out, h.toLiveSession(h.toSession(s, names[s.UserID], ""), live, sockets))
	}
	return out, nil
}

func (h *Handler) toLiveSession(base sessionInfo, live liveSession, sockets int) liveSessionInfo {
	si := liveSessionInfo{sessionInfo: base, PlayableMediaTypes: base.PlayableMediaTypes, SupportedCommands: base.SupportedCommands,
		SupportsRemoteControl: sockets > 0, PlayState: playerState{RepeatMode: "RepeatNone", PlaybackOrder: "Default"},
		Capabilities: clientCapabilities{PlayableMediaTypes: base.PlayableMediaTypes, SupportedCommands: base.SupportedCommands}}
	if cp := live.caps; cp != nil {
		si.Capabilities = *cp
		si.PlayableMediaTypes, si.SupportedCommands = cp.PlayableMediaTypes, cp.SupportedCommands
		// Jellyfin controls a session through its socket: media control without one reaches nobody.
		si.SupportsMediaControl = cp.SupportsMediaControl && sockets > 0
	}
	if p := live.playing; p != nil {
		it := p.item
		dto := baseItemDto{Name: it.Title, ServerId: h.ServerID, Id: jid(it.ID), Type: itemType(it.Kind),
			MediaType: mediaType(it.Kind), IndexNumber: it.IndexNumber, ParentIndexNumber: it.ParentIndex}
		if it.Runtime > 0 {
			dto.RunTimeTicks = ptr(toTicks(it.Runtime))
		}
		if it.Year > 0 {
			dto.ProductionYear = ptr(it.Year)
		}
		si.NowPlayingItem = &dto
		si.LastPlaybackCheckIn = timePtr(p.checkIn)
		si.PlayState = playerState{PositionTicks: ptr(toTicks(p.position)), CanSeek: p.canSeek, IsPaused: p.paused,
			IsMuted: p.muted, VolumeLevel: p.volume, AudioStreamIndex: p.audio, SubtitleStreamIndex: p.sub,
			MediaSourceId: p.source, PlayMethod: p.method, RepeatMode: or(p.repeat, "RepeatNone"),
			PlaybackOrder: or(p.order, "Default")}
	}
	return si
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// target is a socket a remote control call reaches, with its caller as checked for the call.
type target struct {
	sock   *socket
	caller core.Caller
}

// remoteTarget finds the sockets a remote control call reaches. The session is named by its
// Jellyfin id (MD5 of client and device id), which clients choose at login, so two users' sessions
// may share one: the id is looked up among the sessions the caller may see (their own, everyone's
// for an admin), and only sockets of those sessions whose credential still works, and whose user
// is the caller unless the caller is an admin, are returned. An id only another user's open
// socket has is 403; an unknown one 404. A known session without a socket gets nothing, as in
// Jellyfin, where a command to a session that has no controller is dropped.
func (h *Handler) remoteTarget(c *gin.Context) ([]target, bool) {
	id := strings.ToLower(strings.ReplaceAll(c.Param("sessionId"), "-", ""))
	ctx, caller := c.Request.Context(), callerOf(c)
	ss, err := h.Auth.Sessions(ctx, caller, caller.Admin)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	named := map[core.SessionID]bool{}
	for _, s := range ss {
		if sessionID(s.Client, s.DeviceID) == id {
			named[s.ID] = true
		}
	}
	if len(named) == 0 {
		if len(h.live.socketsOf(id)) > 0 {
			status(c, http.StatusForbidden)
		} else {
			status(c, http.StatusNotFound)
		}
		return nil, false
	}
	var out []target
	for _, so := range h.live.matching(func(so *socket) bool { return named[so.sessionID] }) {
		if now, ok := h.recheck(ctx, so); ok && controls(caller, now) {
			out = append(out, target{so, now})
		}
	}
	return out, true
}

// controls reports whether controller may send commands to a session of c.
func controls(controller, c core.Caller) bool {
	return controller.Admin || controller.UserID != "" && c.UserID == controller.UserID
}

// remotePlay is POST /Sessions/{sessionId}/Playing: tell a session to play items. Items the
// controller may not see are 404; sockets whose user may not see them all are left out, and 404
// when that leaves none. Unlike Jellyfin, folders are not expanded into their episodes or tracks:
// clients send playable items.
func (h *Handler) remotePlay(c *gin.Context) {
	cmd, ok := enumValue(str(c, "playCommand"), playCommands)
	if !ok {
		status(c, http.StatusBadRequest)
		return
	}
	ids := list(c, "itemIds")
	if len(ids) == 0 {
		status(c, http.StatusBadRequest)
		return
	}
	targets, ok := h.remoteTarget(c)
	if !ok {
		return
	}
	caller := callerOf(c)
	req := playRequest{PlayCommand: cmd, ControllingUserId: jid(caller.UserID), MediaSourceId: str(c, "mediaSourceId")}
	var libs []core.LibraryID
	for _, raw := range ids {
		id, ok := parseID(raw)
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		it, err := h.Items.Get(c.Request.Context(), caller, core.ItemID(id))
		if err != nil {
			h.fail(c, err)
			return
		}
		libs = append(libs, it.LibraryID)
		req.ItemIds = append(req.ItemIds, jid(it.ID))
	}
	allow := func(now core.Caller) bool {
		return controls(caller, now) && !slices.ContainsFunc(libs, func(l core.LibraryID) bool { return !now.CanSee(l) })
	}
	found := len(targets) > 0
	if targets = slices.DeleteFunc(targets, func(t target) bool { return !allow(t.caller) }); found && len(targets) == 0 {
		status(c, http.StatusNotFound)
		return
	}
	if t := ticks(c, "startPositionTicks"); t > 0 {
		req.StartPositionTicks = ptr(t)
	}
	for name, dst := range map[string]**int{"audioStreamIndex": &req.AudioStreamIndex, "subtitleStreamIndex": &req.SubtitleStreamIndex, "startIndex": &req.StartIndex} {
		if n := integer(c, name, -2); n > -2 {
			*dst = ptr(n)
		}
	}
	for _, t := range targets {
		t.sock.push("Play", req, allow)
	}
	c.Status(http.StatusNoContent)
}

// playRequest is Jellyfin's PlayRequest, the Data of a Play message.
type playRequest struct {
	ItemIds             []string
	StartPositionTicks  *int64 `json:",omitempty"`
	PlayCommand         string
	ControllingUserId   string
	SubtitleStreamIndex *int   `json:",omitempty"`
	AudioStreamIndex    *int   `json:",omitempty"`
	MediaSourceId       string `json:",omitempty"`
	StartIndex          *int   `json:",omitempty"`
}

// playstateRequest is Jellyfin's PlaystateRequest, the Data of a Playstate message.
type playstateRequest struct {
	Command           string
	SeekPositionTicks *int64 `json:",omitempty"`
	ControllingUserId string
}

// generalCommand is Jellyfin's GeneralCommand, the Data of a GeneralCommand message.
type generalCommand struct {
	Name              string
	ControllingUserId string
	Arguments         map[string]string
}

// remotePlaystate is POST /Sessions/{sessionId}/Playing/{command}: pause, seek, stop...
func (h *Handler) remotePlaystate(c *gin.Context) {
	cmd, ok := enumValue(c.Param("command"), playstateCommands)
	if !ok {
		status(c, http.StatusBadRequest)
		return
	}
	targets, ok := h.remoteTarget(c)
	if !ok {
		return
	}
	caller := callerOf(c)
	req := playstateRequest{Command: cmd, ControllingUserId: jid(caller.UserID)}
	if str(c, "seekPositionTicks") != "" {
		req.SeekPositionTicks = ptr(ticks(c, "seekPositionTicks"))
	}
	for _, t := range targets {
		t.sock.push("Playstate", req, func(now core.Caller) bool { return controls(caller, now) })
	}
	c.Status(http.StatusNoContent)
}

// remoteCommand is POST /Sessions/{sessionId}/Command with a GeneralCommand body, and its short
// forms /Command/{command} and /System/{command} (GoHome, GoToSettings...).
func (h *Handler) remoteCommand(c *gin.Context) {
	var cmd generalCommand
	if name := c.Param("command"); name != "" {
		cmd.Name = name
	} else if err := bind(c, &cmd); err != nil {
		status(c, http.StatusBadRequest)
		return
	}
	h.sendCommand(c, cmd)
}

// remoteMessage is POST /Sessions/{sessionId}/Message: a DisplayMessage command.
func (h *Handler) remoteMessage(c *gin.Context) {
	var msg struct {
		Header, Text string
		TimeoutMs    *int64
	}
	if err := bind(c, &msg); err != nil || msg.Text == "" {
		status(c, http.StatusBadRequest)
		return
	}
	args := map[string]string{"Header": or(msg.Header, "Message from Server"), "Text": msg.Text}
	if msg.TimeoutMs != nil {
		args["TimeoutMs"] = strconv.FormatInt(*msg.TimeoutMs, 10)
	}
	h.sendCommand(c, generalCommand{Name: "DisplayMessage", Arguments: args})
}

func (h *Handler) sendCommand(c *gin.Context, cmd generalCommand) {
	name, ok := enumValue(cmd.Name, generalCommands)
	if !ok {
		status(c, http.StatusBadRequest)
		return
	}
	targets, ok := h.remoteTarget(c)
	if !ok {
		return
	}
	caller := callerOf(c)
	cmd.Name, cmd.ControllingUserId = name, jid(caller.UserID)
	if cmd.Arguments == nil {
		cmd.Arguments = map[string]string{}
	}
	for _, t := range targets {
		t.sock.push("GeneralCommand", cmd, func(now core.Caller) bool { return controls(caller, now) })
	}
	c.Status(http.StatusNoContent)
}

// enumValue returns the member of an enum that s names without regard to case.
func enumValue(s string, enum []string) (string, bool) {
	for _, v := range enum {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}

var (
	playCommands      = []string{"PlayNow", "PlayNext", "PlayLast", "PlayInstantMix", "PlayShuffle"}
	playstateCommands = []string{"Stop", "Pause", "Unpause", "NextTrack", "PreviousTrack", "Seek", "Rewind", "FastForward", "PlayPause"}
	generalCommands   = []string{"MoveUp", "MoveDown", "MoveLeft", "MoveRight", "PageUp", "PageDown", "PreviousLetter",
		"NextLetter", "ToggleOsd", "ToggleContextMenu", "Select", "Back", "TakeScreenshot", "SendKey", "SendString", "GoHome",
		"GoToSettings", "VolumeUp", "VolumeDown", "Mute", "Unmute", "ToggleMute", "SetVolume", "SetAudioStreamIndex",
		"SetSubtitleStreamIndex", "ToggleFullscreen", "DisplayContent", "GoToSearch", "DisplayMessage", "SetRepeatMode",
		"ChannelUp", "ChannelDown", "Guide", "ToggleStats", "PlayMediaSource", "PlayTrailers", "SetShuffleQueue", "PlayState",
		"PlayNext", "ToggleOsdMenu", "Play", "SetMaxStreamingBitrate", "SetPlaybackOrder"}
)
