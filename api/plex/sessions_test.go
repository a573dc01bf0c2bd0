package plex

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"testing"

	"github.com/walros/walros/core"
)

// statusXML is /status/sessions as python-plexapi and Tautulli read it.
type statusXML struct {
	Size   int `xml:"size,attr"`
	Videos []struct {
		RatingKey  string `xml:"ratingKey,attr"`
		SessionKey string `xml:"sessionKey,attr"`
		ViewOffset int64  `xml:"viewOffset,attr"`
		User       struct {
			ID    string `xml:"id,attr"`
			Title string `xml:"title,attr"`
		} `xml:"User"`
		Player struct {
			MachineIdentifier string `xml:"machineIdentifier,attr"`
			Product           string `xml:"product,attr"`
			State             string `xml:"state,attr"`
			Title             string `xml:"title,attr"`
		} `xml:"Player"`
	} `xml:"Video"`
}

func TestStatusSessions(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv")
	ann := e.addUser("ann", movies.ID)
	heat, ronin := e.item(core.KindMovie, "Heat"), e.item(core.KindMovie, "Ronin")
	report := func(token string, it core.Item, state string, ms int, client string) {
		t.Helper()
		e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(it.Key, 10)+"&state="+state+"&time="+strconv.Itoa(ms)+
			"&X-Plex-Client-Identifier="+client, token, "X-Plex-Product", "Plex Web", "X-Plex-Device-Name", client+" device"))
	}
	sessions := func(token string) statusXML {
		t.Helper()
		var s statusXML
		if err := xml.Unmarshal(e.want(http.StatusOK, e.get("/status/sessions", token)).Body.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	report(e.admin, heat, "playing", 600_000, "tv")
	report(ann, ronin, "paused", 900_000, "phone")
	s := sessions(e.admin)
	if s.Size != 2 || len(s.Videos) != 2 {
		t.Fatalf("admin sees %+v", s)
	}
	v := s.Videos[0]
	if v.RatingKey != strconv.FormatInt(heat.Key, 10) || v.ViewOffset != 600_000 || v.User.Title != "admin" || v.User.ID == "" ||
		v.Player.MachineIdentifier != "tv" || v.Player.Product != "Plex Web" || v.Player.State != "playing" || v.SessionKey == "" {
		t.Errorf("first session %+v", v)
	}
	if w := s.Videos[1]; w.User.Title != "ann" || w.Player.State != "paused" || w.SessionKey == v.SessionKey {
		t.Errorf("second session %+v", w)
	}
	// A user sees only their own; a report moves the same session on.
	if s := sessions(ann); len(s.Videos) != 1 || s.Videos[0].User.Title != "ann" {
		t.Errorf("ann sees %+v", s)
	}
	report(e.admin, heat, "playing", 660_000, "tv")
	if s := sessions(e.admin); s.Videos[0].ViewOffset != 660_000 || s.Videos[0].SessionKey != v.SessionKey {
		t.Errorf("after a report %+v", s.Videos[0])
	}
	report(e.admin, heat, "stopped", 700_000, "tv")
	if s := sessions(e.admin); len(s.Videos) != 1 || s.Videos[0].User.Title != "ann" {
		t.Errorf("after stopping %+v", s)
	}
}
