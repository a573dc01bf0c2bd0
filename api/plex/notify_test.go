package plex

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
)

type notification struct {
	NotificationContainer struct {
		Type                         string
		Size                         int
		PlaySessionStateNotification []struct {
			SessionKey, RatingKey, Key, State, ClientIdentifier string
			ViewOffset                                          int64
		}
		ActivityNotification []struct {
			Event    string
			Activity struct {
				Type     string
				Progress int
				Context  struct{ LibrarySectionID string }
			}
		}
	}
}

func TestNotifications(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	shows := e.library("Shows", core.LibraryShows, "Dark/Season 1/Dark S01E01.mkv")
	ann := e.addUser("ann", shows.ID)
	e.h.notify.recheck = 100 * time.Millisecond
	srv := httptest.NewServer(e.engine)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dial := func(token string, inQuery bool) (*websocket.Conn, error) {
		u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/:/websockets/notifications"
		opts := &websocket.DialOptions{HTTPHeader: http.Header{}}
		if inQuery {
			u += "?X-Plex-Token=" + token
		} else {
			opts.HTTPHeader.Set("X-Plex-Token", token)
		}
		c, _, err := websocket.Dial(ctx, u, opts)
		return c, err
	}
	admin, err := dial(e.admin, false) // Tautulli: the token in a header
	if err != nil {
		t.Fatal(err)
	}
	defer admin.CloseNow()
	user, err := dial(ann, true) // python-plexapi: in the query
	if err != nil {
		t.Fatal(err)
	}
	defer user.CloseNow()
	if _, err := dial("wrong", false); err == nil {
		t.Fatal("a wrong token opened a socket")
	}
	read := func(c *websocket.Conn) notification {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, b, err := c.Read(rctx)
		if err != nil {
			t.Fatal(err)
		}
		var n notification
		if err := json.Unmarshal(b, &n); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return n
	}
	// Pings are answered: Tautulli drops a server that does not.
	pinger, err := dial(e.admin, false)
	if err != nil {
		t.Fatal(err)
	}
	pinger.CloseRead(ctx) // a reader receives the pong
	if err := pinger.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	pinger.Close(websocket.StatusNormalClosure, "")
	heat := e.item(core.KindMovie, "Heat")
	e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(heat.Key, 10)+"&state=playing&time=5000", e.admin,
		"X-Plex-Client-Identifier", "tv"))
	n := read(admin)
	p := n.NotificationContainer.PlaySessionStateNotification
	if n.NotificationContainer.Type != "playing" || n.NotificationContainer.Size != 1 || len(p) != 1 ||
		p[0].RatingKey != strconv.FormatInt(heat.Key, 10) || p[0].State != "playing" || p[0].ViewOffset != 5000 ||
		p[0].SessionKey == "" || p[0].ClientIdentifier != "tv" {
		t.Fatalf("playing: %+v", n)
	}
	// A scan's end, to whoever may see the library: ann sees the shows, not the movies.
	e.h.ScanFinished(scan.Progress{Library: movies.ID})
	e.h.ScanFinished(scan.Progress{Library: shows.ID})
	for _, want := range []core.Library{movies, shows} {
		a := read(admin).NotificationContainer.ActivityNotification
		if len(a) != 1 || a[0].Event != "ended" || a[0].Activity.Type != "library.update.section" ||
			a[0].Activity.Context.LibrarySectionID != strconv.FormatInt(want.Key, 10) {
			t.Fatalf("activity %+v", a)
		}
	}
	// ann's first message is the shows' scan: she got neither the admin's playing nor the movies.
	a := read(user).NotificationContainer.ActivityNotification
	if len(a) != 1 || a[0].Activity.Context.LibrarySectionID != strconv.FormatInt(shows.Key, 10) {
		t.Fatalf("ann's first message %+v", a)
	}
	// A user gets at most maxSocketsPerUser sockets.
	var extra []*websocket.Conn
	for range maxSocketsPerUser - 1 {
		c, err := dial(ann, false)
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, c)
	}
	if _, err := dial(ann, false); err == nil {
		t.Error("a ninth socket for ann")
	}
	for _, c := range extra {
		c.CloseNow()
	}
	// A disabled user's socket closes at the next check.
	annUser, err := e.stores.Users.UserByName(e.ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.operator, annUser.ID, core.UserPatch{Disabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	rctx0, rcancel0 := context.WithTimeout(ctx, 3*time.Second)
	defer rcancel0()
	if _, _, err := user.Read(rctx0); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("a disabled user's socket: %v", err)
	}

	// Close ends the sockets.
	e.h.Close()
	rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
	defer rcancel()
	if _, _, err := admin.Read(rctx); websocket.CloseStatus(err) != websocket.StatusGoingAway && !errors.Is(err, context.DeadlineExceeded) {
		t.Logf("after Close: %v", err)
	} else if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("the socket stayed open after Close")
	}
}
