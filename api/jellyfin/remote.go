package jellyfin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

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
