package jellyfin

import (
	"context"
	"net/http"
	"slices"
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
		if live.playing == nil && h.NowPlaying != nil {
			live.playing = h.otherPlaying(s.ID)
		}
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
