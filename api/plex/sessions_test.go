package plex

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestHistory checks that ended sessions land in /status/sessions/history/all, read as
// python-plexapi's history() asks it (viewedAt>= inside the key, accountID, metadataItemID).
func TestHistory(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Ronin (1998)/Ronin (1998).mkv")
	ann := e.addUser("ann", movies.ID)
	heat, ronin := e.item(core.KindMovie, "Heat"), e.item(core.KindMovie, "Ronin")
	play := func(token string, it core.Item, client string, states ...string) {
		t.Helper()
		for i, st := range states {
			e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(it.Key, 10)+"&state="+st+"&time="+strconv.Itoa((i+1)*60_000)+
				"&X-Plex-Client-Identifier="+client, token, "X-Plex-Product", "Plexamp"))
		}
	}
	before := time.Now().Add(-time.Minute).Unix()
	play(e.admin, heat, "tv", "playing", "paused", "playing", "stopped")
	play(ann, ronin, "phone", "playing")
	play(ann, heat, "phone", "playing", "stopped") // moving to Heat ends her Ronin session
	type entry struct {
		RatingKey string `json:"ratingKey"`
		AccountID int64  `json:"accountID"`
		DeviceID  string `json:"deviceID"`
		ViewedAt  int64  `json:"viewedAt"`
		Key       string `json:"historyKey"`
	}
	list := func(path, token string) ([]entry, float64) {
		t.Helper()
		rec := e.want(http.StatusOK, e.get(path, token, "Accept", "application/json"))
		var v struct {
			MediaContainer struct {
				TotalSize float64
				Metadata  []entry
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		return v.MediaContainer.Metadata, v.MediaContainer.TotalSize
	}
	all, total := list("/status/sessions/history/all?sort=viewedAt:desc&viewedAt>="+strconv.FormatInt(before, 10), e.admin)
	if total != 3 || len(all) != 3 {
		t.Fatalf("history %+v", all)
	}
	if all[0].RatingKey != strconv.FormatInt(heat.Key, 10) || all[0].DeviceID != "phone" || all[0].ViewedAt < before || all[0].Key == "" {
		t.Errorf("newest %+v", all[0])
	}
	mine, _ := list("/status/sessions/history/all", ann)
	if len(mine) != 2 || mine[0].AccountID != mine[1].AccountID || mine[0].AccountID == all[2].AccountID {
		t.Errorf("ann's %+v", mine)
	}
	if got, _ := list("/status/sessions/history/all?accountID="+strconv.FormatInt(all[2].AccountID, 10), e.admin); len(got) != 1 || got[0].DeviceID != "tv" {
		t.Errorf("by account %+v", got)
	}
	if got, _ := list("/status/sessions/history/all?metadataItemID="+strconv.FormatInt(heat.Key, 10), e.admin); len(got) != 2 {
		t.Errorf("by item %+v", got)
	}
	if got, _ := list("/status/sessions/history/all?viewedAt>="+strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10), e.admin); len(got) != 0 {
		t.Errorf("future %+v", got)
	}
	e.want(http.StatusBadRequest, e.get("/status/sessions/history/all?accountID=x", e.admin))

	// A user's players beyond 16 end their oldest session, which is recorded; Close records those
	// still open.
	for i := range maxLivePerUser + 1 {
		play(e.admin, ronin, "player-"+strconv.Itoa(i), "playing")
	}
	if s := e.want(http.StatusOK, e.get("/status/sessions", e.admin)).Body.String(); strings.Count(s, "<Video ") != maxLivePerUser {
		t.Errorf("%d live sessions, want %d", strings.Count(s, "<Video "), maxLivePerUser)
	}
	if _, total := list("/status/sessions/history/all", e.admin); total != 4 {
		t.Errorf("history after the cap: %v entries, want 4", total)
	}
	e.h.Close()
	if _, total := list("/status/sessions/history/all", e.admin); total != 4+maxLivePerUser {
		t.Errorf("history after Close: %v entries, want %d", total, 4+maxLivePerUser)
	}
}
