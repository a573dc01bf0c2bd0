package jellyfin

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestCapabilitiesBounded(t *testing.T) {
	e := newEnv(t)
	bob, _ := e.addUser("bob")
	var types, cmds []string
	for i := range 1000 {
		types = append(types, fmt.Sprintf("Type%d", i))
		cmds = append(cmds, fmt.Sprintf("Command%d", i))
	}
	types = append([]string{strings.Repeat("V", 65), "Video", "Video"}, types...)
	cmds = append([]string{"gohome", "DisplayMessage", strings.Repeat("X", 1000)}, cmds...)
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Capabilities/Full", bob, map[string]any{
		"PlayableMediaTypes": types, "SupportedCommands": cmds, "IconUrl": strings.Repeat("u", 4096)}))
	s := e.sessionOf(bob, "bob-device")
	if len(s.PlayableMediaTypes) != maxListLen || s.PlayableMediaTypes[0] != "Video" || s.PlayableMediaTypes[1] != "Type0" {
		t.Fatalf("%d media types, from %v", len(s.PlayableMediaTypes), s.PlayableMediaTypes[:min(3, len(s.PlayableMediaTypes))])
	}
	if strings.Join(s.SupportedCommands, ",") != "GoHome,DisplayMessage" || s.Capabilities.IconUrl != "" {
		t.Fatalf("commands %v, icon %.20q", s.SupportedCommands, s.Capabilities.IconUrl)
	}

	q := url.Values{"playableMediaTypes": {strings.Join(types, ",")}, "supportedCommands": {"Mute,Dance,SetVolume"}}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Capabilities?"+q.Encode(), bob, nil))
	s = e.sessionOf(bob, "bob-device")
	if len(s.PlayableMediaTypes) != maxListLen || strings.Join(s.SupportedCommands, ",") != "Mute,SetVolume" {
		t.Fatalf("media types %d, commands %v", len(s.PlayableMediaTypes), s.SupportedCommands)
	}
}

func TestLiveSessionsForgotten(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, _ := e.addUser("bob")
	live := func(token string) core.SessionID {
		c, err := e.auth.Authenticate(e.ctx, token, "")
		if err != nil {
			t.Fatal(err)
		}
		return c.SessionID
	}
	known := func(id core.SessionID) bool {
		e.h.live.mu.Lock()
		defer e.h.live.mu.Unlock()
		return e.h.live.sessions[id] != nil
	}
	playing := func(token string) {
		e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing", token, map[string]any{"ItemId": jid(heat.ID), "PositionTicks": 1}))
	}

	// Signed out: forgotten at once.
	playing(bob)
	id := live(bob)
	if !known(id) {
		t.Fatal("no live state after a report")
	}
	if p := e.h.live.sessions[id].playing; p.item.Path != "" || p.item.ID != heat.ID {
		t.Fatalf("kept item = %+v", p.item)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Logout", bob, nil))
	if known(id) {
		t.Fatal("live state kept after logout")
	}

	// Replaced by a login again from the device: forgotten when the sessions are next listed.
	bob, _ = e.login("bob", "bob-password", "bob-device")
	playing(bob)
	id = live(bob)
	bob, _ = e.login("bob", "bob-password", "bob-device")
	if !known(id) {
		t.Fatal("live state lost too early")
	}
	e.sessionOf(bob, "bob-device")
	if known(id) {
		t.Fatal("live state kept after the session was replaced")
	}
}

func TestHubPrune(t *testing.T) {
	var h hub
	now := time.Now()
	caller := func(i int) core.Caller {
		return core.Caller{UserID: "u", SessionID: core.SessionID(fmt.Sprintf("s%d", i))}
	}
	for i := range 3 {
		h.update(caller(i), func(s *liveSession) {})
	}
	old := now.Add(-idlePlayback - time.Second)
	h.sessions["s0"].touched, h.sessions["s1"].touched = old, old
	h.add(&socket{sessionID: "s1"}) // a session with a socket stays
	h.pruned = time.Time{}
	h.snapshot("s2", now) // prunes on the way
	if h.sessions["s0"] != nil || h.sessions["s1"] == nil || h.sessions["s2"] == nil {
		t.Fatalf("after pruning: %v", h.sessions)
	}

	// Full: the least recently active without a socket go first.
	h = hub{}
	for i := range maxLiveSessions {
		h.update(caller(i), func(s *liveSession) {})
		h.sessions[caller(i).SessionID].touched = now.Add(time.Duration(i-maxLiveSessions) * time.Millisecond)
	}
	h.add(&socket{sessionID: "s0"})
	h.update(caller(maxLiveSessions), func(s *liveSession) {})
	if len(h.sessions) > maxLiveSessions || h.sessions["s0"] == nil || h.sessions["s1"] != nil ||
		h.sessions[caller(maxLiveSessions-1).SessionID] == nil || h.sessions[caller(maxLiveSessions).SessionID] == nil {
		t.Fatalf("%d sessions after adding to a full hub", len(h.sessions))
	}
}

func TestSessionsActiveWithin(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"9223372036854775807", "99999999999", "3600"} {
		var list []liveSessionInfo
		e.decode(e.want(http.StatusOK, e.do("GET", "/Sessions?activeWithinSeconds="+q, e.admin, nil)), &list)
		if len(list) != 1 {
			t.Fatalf("activeWithinSeconds=%s: %+v", q, list)
		}
	}
}
