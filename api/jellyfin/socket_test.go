package jellyfin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

// message is a web socket message as a client reads it.
type message struct {
	MessageType string
	Data        json.RawMessage
	MessageId   string
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dial opens the socket with token as jellyfin-apiclient does (?api_key=&deviceId=).
func dial(t *testing.T, srv *httptest.Server, query string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/socket?"+query, nil)
	if err != nil {
		t.Fatalf("dial: %v (%+v)", err, resp)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &wsClient{t: t, conn: conn}
}

// next reads the next message, which must come within a few seconds.
func (c *wsClient) next() message {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.conn.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("message %s: %v", b, err)
	}
	return m
}

// expect reads messages until one of type typ, skipping keep-alives, and decodes its Data into v.
func (c *wsClient) expect(typ string, v any) message {
	c.t.Helper()
	for {
		m := c.next()
		if m.MessageType == "ForceKeepAlive" && typ != "ForceKeepAlive" {
			continue
		}
		if m.MessageType != typ {
			c.t.Fatalf("got %s %s, want %s", m.MessageType, m.Data, typ)
		}
		if v != nil {
			if err := json.Unmarshal(m.Data, v); err != nil {
				c.t.Fatalf("%s data %s: %v", typ, m.Data, err)
			}
		}
		return m
	}
}

func (c *wsClient) write(s string) {
	c.t.Helper()
	if err := c.conn.Write(context.Background(), websocket.MessageText, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// quiet checks that nothing was pushed to c before now: the KeepAlive it asks for comes next.
func (c *wsClient) quiet() {
	c.t.Helper()
	c.write(`{"MessageType":"KeepAlive"}`)
	c.expect("KeepAlive", nil)
}

func TestSocketKeepAlive(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()

	// No or a wrong token: 401 before the upgrade.
	for _, q := range []string{"", "api_key=0123456789abcdef0123456789abcdef"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/socket?"+q, nil)
		cancel()
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%q: err %v, response %+v; want 401", q, err, resp)
		}
	}

	ws := dial(t, srv, "api_key="+e.admin+"&deviceId=admin-device")
	m := ws.next()
	if m.MessageType != "ForceKeepAlive" || string(m.Data) != "60" || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(m.MessageId) {
		t.Fatalf("first message = %+v", m)
	}
	ws.write(`{"MessageType":"KeepAlive"}`)
	ws.expect("KeepAlive", nil)

	// A quiet socket is asked again, then closed. The SDK's ApiKey= works as well.
	e.h.live.setTimeouts(150*time.Millisecond, 600*time.Millisecond)
	quiet := dial(t, srv, "ApiKey="+e.admin)
	quiet.expect("ForceKeepAlive", nil)
	start := time.Now()
	quiet.expect("ForceKeepAlive", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := quiet.conn.Read(ctx); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("quiet socket: err %v after %s; want closed", err, time.Since(start))
	}
}

func TestSocketPushes(t *testing.T) {
	e := newEnv(t)
	e.userData.OnChange = e.h.NotifyUserData
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, bobID := e.addUser("bob")
	carol, _ := e.addUser("carol", movies.ID)

	bobWS := dial(t, srv, "api_key="+bob+"&deviceId=bob-device")
	carolWS := dial(t, srv, "api_key="+carol)
	bobWS.expect("ForceKeepAlive", nil)
	carolWS.expect("ForceKeepAlive", nil)

	// UserDataChanged reaches the user's own sockets only.
	e.want(http.StatusOK, e.do("POST", "/UserFavoriteItems/"+jid(heat.ID), bob, nil))
	var change userDataChangeInfo
	bobWS.expect("UserDataChanged", &change)
	if change.UserId != bobID || len(change.UserDataList) != 1 || change.UserDataList[0].ItemId != jid(heat.ID) ||
		!change.UserDataList[0].IsFavorite {
		t.Fatalf("change = %+v", change)
	}
	carolWS.quiet()

	// LibraryChanged after a scan that found something, to those who see the library.
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	sc := scan.New(e.stores.Media, e.stores.Libraries, fakeProber{}, scan.Options{NewID: newID, Now: e.clock.Now,
		Metadata: e.stores.Metadata, Items: e.stores.Items, OnFinish: e.h.ScanFinished})
	t.Cleanup(sc.Close)
	root := t.TempDir()
	lib, err := e.libs.Create(e.ctx, e.operator, core.NewLibrary{Name: "Shows", Type: core.LibraryShows, Paths: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "Dark/Season 01/Dark - S01E01.mkv")
	if _, err := sc.Scan(e.ctx, lib, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	var info libraryUpdateInfo
	bobWS.expect("LibraryChanged", &info)
	if len(info.CollectionFolders) != 1 || info.CollectionFolders[0] != jid(lib.ID) || info.ItemsAdded == nil || info.FoldersAddedTo == nil {
		t.Fatalf("library change = %+v", info)
	}
	carolWS.quiet()
	if _, err := sc.Scan(e.ctx, lib, time.Hour, nil); err != nil { // nothing changed: nothing to say
		t.Fatal(err)
	}
	bobWS.quiet()
}

func TestRemoteControl(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, _ := e.addUser("bob")
	carol, _ := e.addUser("carol")

	bobWS := dial(t, srv, "api_key="+bob+"&deviceId=bob-device")
	bobWS.expect("ForceKeepAlive", nil)
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Capabilities/Full", bob, map[string]any{
		"PlayableMediaTypes": []string{"Video"}, "SupportedCommands": []string{"DisplayMessage", "GoHome"}, "SupportsMediaControl": true}))
	s := e.sessionOf(bob, "bob-device")
	if !s.SupportsRemoteControl || !s.SupportsMediaControl || len(s.SupportedCommands) != 2 || s.PlayableMediaTypes[0] != "Video" {
		t.Fatalf("session = %+v", s)
	}
	var list []liveSessionInfo
	e.decode(e.want(http.StatusOK, e.do("GET", "/Sessions?controllableByUserId="+s.UserId, bob, nil)), &list)
	if len(list) != 1 || list[0].Id != s.Id {
		t.Fatalf("controllable sessions = %+v", list)
	}

	// Play, from the session's own user (another device) and from an admin.
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+s.Id+"/Playing?playCommand=playnow&itemIds="+string(heat.ID)+"&startPositionTicks=100", bob, nil))
	var play playRequest
	bobWS.expect("Play", &play)
	if play.PlayCommand != "PlayNow" || len(play.ItemIds) != 1 || play.ItemIds[0] != jid(heat.ID) || *play.StartPositionTicks != 100 {
		t.Fatalf("play = %+v", play)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+s.Id+"/Playing/Seek?seekPositionTicks=5000", e.admin, nil))
	var ps playstateRequest
	bobWS.expect("Playstate", &ps)
	if ps.Command != "Seek" || *ps.SeekPositionTicks != 5000 || ps.ControllingUserId != e.adminID {
		t.Fatalf("playstate = %+v", ps)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+s.Id+"/Command", e.admin, map[string]any{"Name": "DisplayContent",
		"Arguments": map[string]string{"ItemId": jid(heat.ID)}}))
	var cmd generalCommand
	bobWS.expect("GeneralCommand", &cmd)
	if cmd.Name != "DisplayContent" || cmd.Arguments["ItemId"] != jid(heat.ID) {
		t.Fatalf("command = %+v", cmd)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+s.Id+"/Command/GoHome", bob, nil))
	bobWS.expect("GeneralCommand", &cmd)
	if cmd.Name != "GoHome" {
		t.Fatalf("command = %+v", cmd)
	}

	// Someone else's session: 403; an unknown one: 404; bad commands: 400.
	e.want(http.StatusForbidden, e.do("POST", "/Sessions/"+s.Id+"/Playing/Pause", carol, nil))
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/0123456789abcdef0123456789abcdef/Playing/Pause", e.admin, nil))
	e.want(http.StatusBadRequest, e.do("POST", "/Sessions/"+s.Id+"/Playing/Dance", e.admin, nil))
	e.want(http.StatusBadRequest, e.do("POST", "/Sessions/"+s.Id+"/Playing?playCommand=PlayNow", e.admin, nil))
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/"+s.Id+"/Playing?playCommand=PlayNow&itemIds=0123456789abcdef0123456789abcdef", e.admin, nil))
	// A session without a socket hears nothing, but exists.
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+e.sessionOf(carol, "carol-device").Id+"/Playing/Pause", carol, nil))
	bobWS.quiet()
}

func TestSessionsSubscription(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	e.addUser("bob")
	ws := dial(t, srv, "api_key="+e.admin)
	ws.expect("ForceKeepAlive", nil)
	ws.write(`{"MessageType":"SessionsStart","Data":"0,100"}`)
	for range 2 {
		var list []liveSessionInfo
		ws.expect("Sessions", &list)
		if len(list) != 2 {
			t.Fatalf("sessions = %+v", list)
		}
	}
	ws.write(`{"MessageType":"SessionsStop"}`)
	// Sessions already on their way may still come; then they stop.
	time.Sleep(250 * time.Millisecond)
	ws.write(`{"MessageType":"KeepAlive"}`)
	for {
		if m := ws.next(); m.MessageType == "KeepAlive" {
			break
		} else if m.MessageType != "Sessions" {
			t.Fatalf("got %+v", m)
		}
	}
	time.Sleep(300 * time.Millisecond) // three intervals: a running subscription would have sent
	ws.quiet()
}

func writeFile(t *testing.T, root, rel string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("not really media"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// closes checks that the server closes c within a few seconds, and pushes it nothing meanwhile
// but keep-alives.
func (c *wsClient) closes() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if ctx.Err() != nil {
			c.t.Fatal("the socket is still open")
		}
		if err != nil {
			return
		}
		var m message
		if json.Unmarshal(b, &m) != nil || m.MessageType != "ForceKeepAlive" {
			c.t.Fatalf("got %s, want the socket closed", b)
		}
	}
}

// userID returns the canonical id of a user given in N format.
func userID(t *testing.T, n string) core.UserID {
	t.Helper()
	id, ok := parseID(n)
	if !ok {
		t.Fatalf("user id %q", n)
	}
	return core.UserID(id)
}

func TestRemoteControlSharedSessionID(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	e.library("Other", core.LibraryMovies, "Alien (1979)/Alien (1979).mkv")
	heat, alien := e.item(core.KindMovie, "Heat"), e.item(core.KindMovie, "Alien")
	bob, _ := e.addUser("bob")
	if _, err := e.users.Create(e.ctx, e.operator, core.NewUser{Username: "carol", Password: "carol-password", LibraryIDs: []core.LibraryID{movies.ID}}); err != nil {
		t.Fatal(err)
	}
	// Carol signs in with bob's client and device id: their sessions share a Jellyfin id.
	carol, _ := e.login("carol", "carol-password", "bob-device")
	id := e.sessionOf(bob, "bob-device").Id
	if e.sessionOf(carol, "bob-device").Id != id {
		t.Fatal("the sessions do not share their Jellyfin id")
	}
	bobWS := dial(t, srv, "api_key="+bob+"&deviceId=bob-device")
	carolWS := dial(t, srv, "api_key="+carol+"&deviceId=bob-device")
	bobWS.expect("ForceKeepAlive", nil)
	carolWS.expect("ForceKeepAlive", nil)

	// Each reaches their own socket only, whatever order the sockets come in.
	for range 20 {
		e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+id+"/Playing/Pause", carol, nil))
		carolWS.expect("Playstate", nil)
		e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+id+"/Command/GoHome", bob, nil))
		bobWS.expect("GeneralCommand", nil)
		e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+id+"/Playing?playCommand=PlayNow&itemIds="+jid(heat.ID), carol, nil))
		carolWS.expect("Play", nil)
		bobWS.quiet()
		carolWS.quiet()
	}
	// An admin reaches both, but only with what each may see.
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+id+"/Playing?playCommand=PlayNow&itemIds="+jid(heat.ID), e.admin, nil))
	bobWS.expect("Play", nil)
	carolWS.expect("Play", nil)
	for range 20 {
		e.want(http.StatusNoContent, e.do("POST", "/Sessions/"+id+"/Playing?playCommand=PlayNow&itemIds="+jid(alien.ID), e.admin, nil))
		var play playRequest
		bobWS.expect("Play", &play)
		if play.ItemIds[0] != jid(alien.ID) {
			t.Fatalf("play = %+v", play)
		}
		carolWS.quiet()
	}
	// Carol cannot play what she may not see, to anyone.
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/"+id+"/Playing?playCommand=PlayNow&itemIds="+jid(alien.ID), carol, nil))
	bobWS.quiet()
}

func TestSocketSignedOut(t *testing.T) {
	e := newEnv(t)
	e.userData.OnChange = e.h.NotifyUserData
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, bobID := e.addUser("bob")
	bobWS := dial(t, srv, "api_key="+bob+"&deviceId=bob-device")
	bobWS.expect("ForceKeepAlive", nil)
	bobWS.quiet()

	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Logout", bob, nil))
	// An admin's change to bob's data is no longer pushed to the socket of the ended session.
	e.want(http.StatusOK, e.do("POST", "/UserFavoriteItems/"+jid(heat.ID)+"?userId="+bobID, e.admin, nil))
	bobWS.closes()
}

func TestSocketDisabledUser(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, bobID := e.addUser("bob")
	bobWS := dial(t, srv, "api_key="+bob+"&deviceId=bob-device")
	bobWS.expect("ForceKeepAlive", nil)

	// Disabled: the next push finds the credential dead and closes the socket instead.
	if _, err := e.users.Update(e.ctx, e.operator, userID(t, bobID), core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(recheckAfter + 100*time.Millisecond) // the socket trusts its last check that long
	e.h.NotifyUserData(userID(t, bobID), []core.UserData{{ItemID: heat.ID, Favorite: true}})
	bobWS.closes()

	// Without any push, the keep-alive check closes the socket of a disabled user.
	e.h.live.setTimeouts(200*time.Millisecond, time.Minute)
	carol, carolID := e.addUser("carol")
	carolWS := dial(t, srv, "api_key="+carol)
	carolWS.expect("ForceKeepAlive", nil)
	if _, err := e.users.Update(e.ctx, e.operator, userID(t, carolID), core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	carolWS.closes()
}

func TestSocketLibraryGrants(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 01/Dark - S01E01.mkv")
	bob, bobID := e.addUser("bob")
	carol, carolID := e.addUser("carol", movies.ID)
	bobWS := dial(t, srv, "api_key="+bob)
	carolWS := dial(t, srv, "api_key="+carol)
	bobWS.expect("ForceKeepAlive", nil)
	carolWS.expect("ForceKeepAlive", nil)

	// Bob loses the shows, carol gets every library: changes follow the rights of now.
	if _, err := e.users.Update(e.ctx, e.operator, userID(t, bobID), core.UserPatch{AllLibraries: ptr(false), LibraryIDs: &[]core.LibraryID{movies.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.operator, userID(t, carolID), core.UserPatch{AllLibraries: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(recheckAfter + 100*time.Millisecond)
	e.h.NotifyLibraryChanged(shows.ID, nil, nil, nil)
	var info libraryUpdateInfo
	carolWS.expect("LibraryChanged", &info)
	if info.CollectionFolders[0] != jid(shows.ID) {
		t.Fatalf("library change = %+v", info)
	}
	bobWS.quiet()
	e.h.NotifyLibraryChanged(movies.ID, nil, nil, nil)
	bobWS.expect("LibraryChanged", nil)
	carolWS.expect("LibraryChanged", nil)
}

func TestSessionsSubscriptionDemoted(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	if _, err := e.users.Create(e.ctx, e.operator, core.NewUser{Username: "dana", Password: "dana-password", Admin: true, AllLibraries: true}); err != nil {
		t.Fatal(err)
	}
	dana, danaID := e.login("dana", "dana-password", "dana-device")
	ws := dial(t, srv, "api_key="+dana)
	ws.expect("ForceKeepAlive", nil)
	ws.write(`{"MessageType":"SessionsStart","Data":"0,100"}`)
	var list []liveSessionInfo
	ws.expect("Sessions", &list)
	if len(list) != 2 {
		t.Fatalf("an admin's sessions = %+v", list)
	}

	if _, err := e.users.Update(e.ctx, e.operator, userID(t, danaID), core.UserPatch{Admin: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	deadline, own := time.Now().Add(3*time.Second), 0
	for own < 5 {
		if time.Now().After(deadline) {
			t.Fatal("the demoted user still receives everyone's sessions")
		}
		ws.expect("Sessions", &list)
		switch {
		case len(list) == 1 && list[0].UserId == danaID:
			own++
		case own > 0:
			t.Fatalf("others' sessions again after own ones: %+v", list)
		}
	}
}

func TestHandlerClose(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	var socks []*wsClient
	for range 3 {
		ws := dial(t, srv, "api_key="+e.admin)
		ws.expect("ForceKeepAlive", nil)
		ws.quiet() // registered
		socks = append(socks, ws)
	}
	start := time.Now()
	e.h.Close()
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Fatalf("Close took %s", d)
	}
	for _, ws := range socks {
		ws.expect("ServerShuttingDown", nil)
	}
}
