package jellyfin

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// runtime90 is fakeProber's runtime of every video, in ticks.
const runtime90 = int64(90 * 60 * ticksPerSecond)

func (e *env) dataOf(token string, id core.ItemID) userItemDataDto {
	e.t.Helper()
	return e.ud(e.do("GET", "/UserItems/"+jid(id)+"/UserData", token, nil))
}

// ud decodes a UserItemDataDto answer, which must be 200.
func (e *env) ud(rec *httptest.ResponseRecorder) userItemDataDto {
	e.t.Helper()
	var d userItemDataDto
	e.decode(e.want(http.StatusOK, rec), &d)
	return d
}

func (e *env) sessionOf(token, deviceID string) liveSessionInfo {
	e.t.Helper()
	var ss []liveSessionInfo
	e.decode(e.want(http.StatusOK, e.do("GET", "/Sessions", token, nil)), &ss)
	for _, s := range ss {
		if s.DeviceId == deviceID {
			return s
		}
	}
	e.t.Fatalf("no session of device %s in %+v", deviceID, ss)
	return liveSessionInfo{}
}

func TestPlaybackReports(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv", "Alien (1979)/Alien (1979).mkv")
	heat, alien := e.item(core.KindMovie, "Heat"), e.item(core.KindMovie, "Alien")
	bob, _ := e.addUser("bob")
	tablet, _ := e.login("bob", "bob-password", "bob-tablet")

	// Playing on one device, the dashed id as the web sends it in some reports...
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing", bob, map[string]any{"ItemId": string(heat.ID),
		"PositionTicks": 0, "PlayMethod": "DirectPlay", "PlaySessionId": "ps1", "MediaSourceId": "m1", "EventName": "timeupdate"}))
	if d := e.dataOf(bob, heat.ID); d.PlaybackPositionTicks != 0 || d.Played {
		t.Fatalf("a start at 0 keeps no position: %+v", d)
	}
	// ...progress as numbers in strings, which ASP.NET reads too.
	e.want(http.StatusNoContent, e.do("POST", "/sessions/playing/progress", bob,
		`{"ItemId":"`+jid(heat.ID)+`","PositionTicks":"18000000000","IsPaused":true,"PlayMethod":"DirectPlay","AudioStreamIndex":1}`))
	s := e.sessionOf(bob, "bob-device")
	if s.NowPlayingItem == nil || s.NowPlayingItem.Id != jid(heat.ID) || s.NowPlayingItem.Name != "Heat" ||
		s.NowPlayingItem.Type != "Movie" || s.NowPlayingItem.MediaType != "Video" || *s.NowPlayingItem.RunTimeTicks != runtime90 {
		t.Fatalf("now playing = %+v", s.NowPlayingItem)
	}
	if ps := s.PlayState; ps.PositionTicks == nil || *ps.PositionTicks != 18_000_000_000 || !ps.IsPaused ||
		ps.PlayMethod != "DirectPlay" || ps.MediaSourceId != "m1" || *ps.AudioStreamIndex != 1 || s.LastPlaybackCheckIn == nil {
		t.Fatalf("play state = %+v", ps)
	}
	if other := e.sessionOf(tablet, "bob-tablet"); other.NowPlayingItem != nil {
		t.Fatalf("the tablet plays nothing: %+v", other.NowPlayingItem)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Ping?playSessionId=ps1", bob, nil))

	// The other device sees where to resume.
	d := e.dataOf(tablet, heat.ID)
	if d.PlaybackPositionTicks != 18_000_000_000 || d.Played || d.PlayedPercentage == nil || int(*d.PlayedPercentage) != 33 ||
		d.ItemId != jid(heat.ID) || d.Key != jid(heat.ID) || d.LastPlayedDate == nil {
		t.Fatalf("resume from the tablet = %+v", d)
	}

	// A stop at 95 % is a complete play and ends now playing.
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Stopped", bob, map[string]any{"ItemId": jid(heat.ID),
		"PositionTicks": runtime90 * 95 / 100, "PlaySessionId": "ps1"}))
	if d := e.dataOf(tablet, heat.ID); !d.Played || d.PlayCount != 1 || d.PlaybackPositionTicks != 0 {
		t.Fatalf("after a stop at 95%%: %+v", d)
	}
	if s := e.sessionOf(bob, "bob-device"); s.NowPlayingItem != nil {
		t.Fatalf("still playing after the stop: %+v", s.NowPlayingItem)
	}

	// A stop in the first 5 % keeps no resume point; a failed stop changes nothing.
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Progress", bob, map[string]any{"ItemId": jid(alien.ID), "PositionTicks": runtime90 / 2}))
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Stopped", bob, map[string]any{"ItemId": jid(alien.ID), "PositionTicks": runtime90, "Failed": true}))
	if d := e.dataOf(bob, alien.ID); d.Played || d.PlaybackPositionTicks != runtime90/2 {
		t.Fatalf("after a failed stop: %+v", d)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Stopped", bob, map[string]any{"ItemId": jid(alien.ID), "PositionTicks": runtime90 * 2 / 100}))
	if d := e.dataOf(bob, alien.ID); d.Played || d.PlaybackPositionTicks != 0 || d.PlayCount != 0 {
		t.Fatalf("after a stop at 2%%: %+v", d)
	}

	// Each play that ended is in bob's history, with the device and client its reports named.
	bobUser, err := e.stores.Users.UserByName(e.ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	hist, total, err := e.history.List(e.ctx, core.Caller{UserID: bobUser.ID, AllLibraries: true}, core.HistoryQuery{Asc: true})
	if err != nil || total != 2 {
		t.Fatalf("history %+v (%d), %v", hist, total, err)
	}
	if h := hist[0]; h.Item != heat.ID || h.DeviceID != "test-device" || h.Client != "Walros Test" || h.Method != core.PlayDirect ||
		h.Position != fromTicks(runtime90*95/100) || h.Watched < 0 {
		t.Errorf("heat's play %+v", h)
	}
	if h := hist[1]; h.Item != alien.ID || h.Position != fromTicks(runtime90) {
		t.Errorf("alien's play %+v", h)
	}

	// The resume point remembers the version the report names (a media source of the item's).
	files, err := e.stores.Media.ItemFiles(e.ctx, alien.ID)
	if err != nil || len(files) == 0 {
		t.Fatalf("alien's files %v, %v", files, err)
	}
	version := func() core.FileID {
		t.Helper()
		got, err := e.stores.UserData.UserData(e.ctx, bobUser.ID, []core.ItemID{alien.ID})
		if err != nil {
			t.Fatal(err)
		}
		return got[alien.ID].File
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Progress", bob, map[string]any{"ItemId": jid(alien.ID),
		"PositionTicks": runtime90 / 3, "MediaSourceId": jid(files[0].ID)}))
	if got := version(); got != files[0].ID {
		t.Fatalf("the resume point's version %q, want %q", got, files[0].ID)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Progress", bob, map[string]any{"ItemId": jid(heat.ID),
		"PositionTicks": runtime90 / 3, "MediaSourceId": jid(files[0].ID)}))
	if got, _ := e.stores.UserData.UserData(e.ctx, bobUser.ID, []core.ItemID{heat.ID}); got[heat.ID].File != "" {
		t.Fatalf("heat's resume point took alien's file %q", got[heat.ID].File)
	}

	// Unknown and malformed items are 404; an unreadable body is 400.
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/Playing", bob, map[string]any{"ItemId": "0123456789abcdef0123456789abcdef"}))
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/Playing", bob, map[string]any{"ItemId": "nope"}))
	e.want(http.StatusBadRequest, e.do("POST", "/Sessions/Playing/Progress", bob, `{"PositionTicks":`))
}

func TestLegacyPlayingItems(t *testing.T) {
	e := newEnv(t)
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	bob, bobID := e.addUser("bob")
	carol, _ := e.addUser("carol")
	base := "/Users/" + bobID + "/PlayingItems/" + jid(heat.ID)

	e.want(http.StatusNoContent, e.do("POST", base+"?playMethod=Transcode&canSeek=true", bob, nil))
	e.want(http.StatusNoContent, e.do("POST", base+"/Progress?positionTicks=27000000000&isPaused=false", bob, nil))
	if s := e.sessionOf(bob, "bob-device"); s.NowPlayingItem == nil || s.PlayState.PlayMethod != "Transcode" || !s.PlayState.CanSeek {
		t.Fatalf("session = %+v", s)
	}
	if d := e.dataOf(bob, heat.ID); d.PlaybackPositionTicks != 27_000_000_000 {
		t.Fatalf("after legacy progress: %+v", d)
	}
	e.want(http.StatusForbidden, e.do("POST", base+"/Progress?positionTicks=1", carol, nil))
	// DELETE without a position: played to the end, as in Jellyfin.
	e.want(http.StatusNoContent, e.do("DELETE", "/PlayingItems/"+jid(heat.ID), bob, nil))
	if d := e.dataOf(bob, heat.ID); !d.Played || d.PlayCount != 1 {
		t.Fatalf("after legacy stop: %+v", d)
	}
}

func TestUserDataRoutes(t *testing.T) {
	e := newEnv(t)
	movies := e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	e.library("Shows", core.LibraryShows, "Dark/Season 01/Dark - S01E01.mkv", "Dark/Season 01/Dark - S01E02.mkv")
	heat, dark := e.item(core.KindMovie, "Heat"), e.item(core.KindSeries, "Dark")
	eps, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{core.KindEpisode}, Limit: 10})
	if err != nil || len(eps) != 2 {
		t.Fatalf("episodes = %+v, %v", eps, err)
	}
	bob, bobID := e.addUser("bob")
	carol, _ := e.addUser("carol", movies.ID) // sees only the movies
	var d userItemDataDto

	// Favorites, both forms.
	d = e.ud(e.do("POST", "/UserFavoriteItems/"+jid(heat.ID), bob, nil))
	if !d.IsFavorite || d.ItemId != jid(heat.ID) {
		t.Fatalf("favorite = %+v", d)
	}
	d = e.ud(e.do("DELETE", "/Users/"+bobID+"/FavoriteItems/"+string(heat.ID), bob, nil))
	if d.IsFavorite {
		t.Fatalf("unfavorite = %+v", d)
	}
	// Likes.
	d = e.ud(e.do("POST", "/UserItems/"+jid(heat.ID)+"/Rating?likes=false", bob, nil))
	if d.Likes == nil || *d.Likes {
		t.Fatalf("dislike = %+v", d)
	}
	d = e.ud(e.do("DELETE", "/Users/"+bobID+"/Items/"+jid(heat.ID)+"/Rating", bob, nil))
	if d.Likes != nil {
		t.Fatalf("forget likes = %+v", d)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/UserItems/"+jid(heat.ID)+"/Rating", bob, nil))

	// Played on a series marks its episodes; unplayed on the legacy route clears them.
	d = e.ud(e.do("POST", "/UserPlayedItems/"+jid(dark.ID)+"?userId="+bobID+"&datePlayed=2026-01-02T03:04:05.0000000Z", bob, nil))
	if !d.Played || d.UnplayedItemCount == nil || *d.UnplayedItemCount != 0 || d.PlayedPercentage == nil || *d.PlayedPercentage != 100 {
		t.Fatalf("series played = %+v", d)
	}
	for _, ep := range eps {
		if d := e.dataOf(bob, ep.ID); !d.Played || d.PlayCount != 1 || d.LastPlayedDate == nil ||
			!time.Time(*d.LastPlayedDate).Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Fatalf("episode %s = %+v", ep.Title, d)
		}
	}
	d = e.ud(e.do("DELETE", "/Users/"+bobID+"/PlayedItems/"+jid(dark.ID), bob, nil))
	if d.Played || *d.UnplayedItemCount != 2 {
		t.Fatalf("series unplayed = %+v", d)
	}

	// The full update applies what it is given.
	d = e.ud(e.do("POST", "/UserItems/"+jid(heat.ID)+"/UserData", bob,
		map[string]any{"PlaybackPositionTicks": runtime90 / 2, "IsFavorite": true, "Likes": true, "Rating": 7.5}))
	if d.PlaybackPositionTicks != runtime90/2 || !d.IsFavorite || d.Likes == nil || !*d.Likes || d.Played || d.Rating == nil || *d.Rating != 7.5 {
		t.Fatalf("update = %+v", d)
	}
	// null changes nothing, as in Jellyfin: clients send back the whole DTO.
	d = e.ud(e.do("POST", "/Users/"+bobID+"/Items/"+jid(heat.ID)+"/UserData", bob,
		`{"Likes":null,"Played":true,"Rating":null}`))
	if d.Likes == nil || !*d.Likes || !d.Played || !d.IsFavorite || d.PlaybackPositionTicks != 0 || d.Rating == nil || *d.Rating != 7.5 {
		t.Fatalf("second update = %+v", d)
	}
	d = e.ud(e.do("DELETE", "/UserItems/"+jid(heat.ID)+"/Rating", bob, nil)) // forgets Likes
	if d.Likes != nil {
		t.Fatalf("after DELETE Rating = %+v", d)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/UserItems/"+jid(heat.ID)+"/UserData", bob, `{"Rating":11}`))
	d = e.ud(e.do("GET", "/Users/"+bobID+"/Items/"+jid(heat.ID)+"/UserData", bob, nil))
	if !d.Played || !d.IsFavorite {
		t.Fatalf("legacy read = %+v", d)
	}

	// Another user's data: 403, except for an admin, who acts for them.
	e.want(http.StatusForbidden, e.do("GET", "/UserItems/"+jid(heat.ID)+"/UserData?userId="+bobID, carol, nil))
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+bobID+"/FavoriteItems/"+jid(heat.ID), carol, nil))
	d = e.ud(e.do("DELETE", "/UserFavoriteItems/"+jid(heat.ID)+"?userId="+bobID, e.admin, nil))
	if d.IsFavorite || e.dataOf(bob, heat.ID).IsFavorite {
		t.Fatalf("the admin's change for bob = %+v", d)
	}
	if e.dataOf(e.admin, heat.ID).Played {
		t.Fatal("bob's data leaked into the admin's")
	}

	// What a user may not see is 404, read or written; so is a malformed id.
	e.want(http.StatusNotFound, e.do("GET", "/UserItems/"+jid(eps[0].ID)+"/UserData", carol, nil))
	e.want(http.StatusNotFound, e.do("POST", "/UserFavoriteItems/"+jid(dark.ID), carol, nil))
	e.want(http.StatusNotFound, e.do("POST", "/UserPlayedItems/"+jid(dark.ID), carol, nil))
	e.want(http.StatusNotFound, e.do("POST", "/Sessions/Playing/Progress", carol, map[string]any{"ItemId": jid(eps[0].ID), "PositionTicks": 1}))
	e.want(http.StatusNotFound, e.do("GET", "/UserItems/xyz/UserData", carol, nil))

	// An API key has no user data: it reads nothing and changes nothing, unless it names a user.
	e.want(http.StatusNoContent, e.do("POST", "/Auth/Keys?App=tool", e.admin, nil))
	var keys queryResult[authenticationInfo]
	e.decode(e.want(http.StatusOK, e.do("GET", "/Auth/Keys", e.admin, nil)), &keys)
	key := keys.Items[0].AccessToken
	d = e.ud(e.do("GET", "/UserItems/"+jid(heat.ID)+"/UserData", "", nil, "X-Emby-Token", key))
	if d.Played || d.IsFavorite {
		t.Fatalf("API key data = %+v", d)
	}
	e.want(http.StatusNotFound, e.do("POST", "/UserFavoriteItems/"+jid(heat.ID), "", nil, "X-Emby-Token", key))
	d = e.ud(e.do("POST", "/UserFavoriteItems/"+jid(heat.ID)+"?userId="+bobID, "", nil, "X-Emby-Token", key))
	if !d.IsFavorite {
		t.Fatalf("API key acting for bob = %+v", d)
	}
}
