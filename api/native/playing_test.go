package native

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/api/jellyfin"
	"github.com/walros/walros/core"
)

// userID returns the id of the user a token signs in.
func (e *env) userID(token string) string {
	e.t.Helper()
	var u userDTO
	e.decode(e.want(http.StatusOK, e.as(token, http.MethodGet, "/api/v1/users/me", nil)), &u)
	return u.ID
}

// scanMovie makes a movie library holding one file and returns the movie, with its file.
func (e *env) scanMovie(name string) itemDetailDTO {
	e.t.Helper()
	id, _ := e.scanOne(filepath.Join(name, name+".mkv"), []byte("movie"))
	var movie itemDetailDTO
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+id, nil)), &movie)
	if len(movie.Files) != 1 {
		e.t.Fatalf("files %+v", movie.Files)
	}
	return movie
}

type playingList struct {
	Items []playingDTO `json:"items"`
}

func (e *env) nowPlaying(token string) []playingDTO {
	e.t.Helper()
	var out playingList
	e.decode(e.want(http.StatusOK, e.as(token, http.MethodGet, "/api/v1/system/playing", nil)), &out)
	return out.Items
}

// TestSystemPlaying plays through the native API (a decision, then progress reports) and through
// the Jellyfin facade sharing the registry, and reads GET /system/playing as an admin and as a
// user.
func TestSystemPlaying(t *testing.T) {
	e := newEnv(t)
	movie := e.scanMovie("Heat (1995)")
	ann, _ := e.addUser("ann")
	annID := e.userID(ann)
	if got := e.nowPlaying(e.admin); len(got) != 0 {
		t.Fatalf("playing before anyone plays: %+v", got)
	}

	// Ann asks for 720p: a transcode, whose reasons and target the reports then show.
	var d struct {
		Method  string   `json:"method"`
		Reasons []string `json:"reasons"`
	}
	e.decode(e.want(200, e.as(ann, "POST", "/api/v1/items/"+movie.ID+"/playback", map[string]any{"file": movie.Files[0].ID, "maxHeight": 720})), &d)
	if d.Method != "transcode" {
		t.Fatalf("decision %+v", d)
	}
	progress := "/api/v1/items/" + movie.ID + "/progress"
	e.want(200, e.as(ann, "POST", progress, map[string]any{"positionMs": 60_000, "fileId": movie.Files[0].ID, "method": "transcode"}))
	got := e.nowPlaying(e.admin)
	if len(got) != 1 {
		t.Fatalf("playing = %+v", got)
	}
	p := got[0]
	if p.UserID != annID || p.UserName != "ann" || p.API != "native" || p.DeviceID != "dev-ann" || p.Item.ID != movie.ID ||
		p.Item.Title != movie.Title || p.Item.Type != "movie" || p.PositionMS != 60_000 || p.Paused ||
		p.Method == nil || *p.Method != "transcode" || p.FileID == nil || *p.FileID != movie.Files[0].ID || p.SessionID == nil {
		t.Fatalf("entry = %+v", p)
	}
	if tc := p.Transcode; tc == nil || tc.Height != 720 || tc.VideoCodec != "h264" || tc.VideoCopy || len(tc.Reasons) == 0 ||
		tc.Reasons[0] != d.Reasons[0] {
		t.Fatalf("transcode = %+v, decision reasons %v", p.Transcode, d.Reasons)
	}
	// A pause, then the position moves on.
	e.want(200, e.as(ann, "POST", progress, map[string]any{"positionMs": 65_000, "paused": true}))
	if p = e.nowPlaying(ann)[0]; !p.Paused || p.PositionMS != 65_000 || p.Transcode == nil {
		t.Fatalf("after a pause: %+v", p)
	}

	// The admin plays the movie through the Jellyfin facade: both show, to the admin only.
	jf := e.jellyfin()
	var login struct{ AccessToken string }
	auth := func(tok string) string {
		return `MediaBrowser Client="Infuse", Device="Apple TV", DeviceId="atv-1", Version="7.0", Token="` + tok + `"`
	}
	e.decode(e.want(200, e.doOn(jf, http.MethodPost, "/Users/AuthenticateByName", map[string]string{"Username": "admin", "Pw": "admin-password"},
		"Authorization", auth(""))), &login)
	jfID := uuid.MustParse(movie.ID)
	e.want(204, e.doOn(jf, http.MethodPost, "/Sessions/Playing", map[string]any{"ItemId": jfID.String(), "PositionTicks": 30 * 10_000_000,
		"PlayMethod": "DirectPlay", "MediaSourceId": movie.Files[0].ID}, "Authorization", auth(login.AccessToken)))
	got = e.nowPlaying(e.admin)
	if len(got) != 2 || got[1].API != "jellyfin" || got[1].DeviceName != "Apple TV" || got[1].Client != "Infuse" ||
		got[1].PositionMS != 30_000 || got[1].Method == nil || *got[1].Method != "direct" || got[1].Transcode != nil {
		t.Fatalf("with a Jellyfin player: %+v", got)
	}
	if mine := e.nowPlaying(ann); len(mine) != 1 || mine[0].UserID != annID {
		t.Fatalf("ann sees %+v", mine)
	}

	// Jellyfin's /Sessions shows the web client's play too.
	var sessions []struct {
		UserName       string
		NowPlayingItem *struct{ Id, Name string }
		PlayState      struct {
			PositionTicks *int64
			IsPaused      bool
			PlayMethod    string
		}
	}
	e.decode(e.want(200, e.doOn(jf, http.MethodGet, "/Sessions", nil, "Authorization", auth(login.AccessToken))), &sessions)
	var seen bool
	for _, s := range sessions {
		if s.UserName == "ann" && s.NowPlayingItem != nil {
			seen = s.NowPlayingItem.Name == movie.Title && s.PlayState.PositionTicks != nil && *s.PlayState.PositionTicks == 65*10_000_000 &&
				s.PlayState.IsPaused && s.PlayState.PlayMethod == "Transcode"
		}
	}
	if !seen {
		t.Fatalf("Jellyfin's sessions miss ann's play: %+v", sessions)
	}

	// Stops end both.
	e.want(200, e.as(ann, "POST", progress, map[string]any{"positionMs": 70_000, "stopped": true, "method": "transcode"}))
	e.want(204, e.doOn(jf, http.MethodPost, "/Sessions/Playing/Stopped", map[string]any{"ItemId": jfID.String(), "PositionTicks": 40 * 10_000_000},
		"Authorization", auth(login.AccessToken)))
	if got = e.nowPlaying(e.admin); len(got) != 0 {
		t.Fatalf("after the stops: %+v", got)
	}
	if rec := e.do(http.MethodGet, "/api/v1/system/playing", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", rec.Code)
	}
}

// jellyfin builds the Jellyfin facade over the env's stores and now-playing registry, as the server
// wires both.
func (e *env) jellyfin() http.Handler {
	e.t.Helper()
	st := e.stores
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	auth, err := core.NewAuth(core.AuthConfig{SigningKey: e.key, Password: cheap, AccessTTL: 15 * time.Minute},
		core.AuthDeps{Users: st.Users, Sessions: st.Sessions, Keys: st.APIKeys, Links: st.Links, Now: e.clock.Now, NewID: newID})
	if err != nil {
		e.t.Fatal(err)
	}
	users := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions, Password: cheap, Now: e.clock.Now, NewID: newID})
	items := core.NewItems(st.Items, st.Media, st.Metadata)
	h := jellyfin.New(jellyfin.Deps{Auth: auth, Users: users, Libraries: core.NewLibraries(st.Libraries, e.clock.Now, newID), Items: items,
		UserData: core.NewUserData(st.UserData, st.Items, core.DefaultUserDataConfig, e.clock.Now), ServerID: "0123456789abcdef0123456789abcdef",
		Log: slog.New(slog.DiscardHandler), NowPlaying: e.playing})
	return h.Engine()
}
