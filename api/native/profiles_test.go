package native

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPublicUsers(t *testing.T) {
	e := newEnv(t)
	list := func() []map[string]any {
		t.Helper()
		var page struct {
			Items []map[string]any `json:"items"`
		}
		e.decode(e.want(http.StatusOK, e.do("GET", "/api/v1/users/public", nil)), &page) // no credentials
		return page.Items
	}
	_, bob := e.addUser("bob")
	_, carol := e.addUser("carol")
	if !bob.Hidden {
		t.Fatalf("new user %+v: want hidden", bob)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("public = %v, want nobody: users are hidden by default", got)
	}
	for _, id := range []string{bob.ID, carol.ID} {
		e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+id, map[string]any{"hidden": false}))
	}
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+bob.ID, map[string]any{"pin": "2468"}))
	got := list()
	if len(got) != 2 {
		t.Fatalf("public = %v, want bob and carol", got)
	}
	want := map[string]any{"id": bob.ID, "name": "bob", "hasPassword": true, "hasPin": true}
	if b, _ := json.Marshal(got[0]); string(b) != mustJSON(t, want) {
		t.Fatalf("public bob = %s, want exactly %s", b, mustJSON(t, want))
	}
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+carol.ID, map[string]any{"disabled": true}))
	if got := list(); len(got) != 1 || got[0]["name"] != "bob" {
		t.Fatalf("public after disabling carol = %v", got)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSwitchUser(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.addUser("alice")
	bobTok, bob := e.addUser("bob")
	_, carol := e.addUser("carol")
	var kid userDTO
	e.decode(e.want(http.StatusCreated, e.as(e.admin, "POST", "/api/v1/users",
		map[string]any{"username": "kid", "passwordless": true})), &kid)
	if kid.HasPassword {
		t.Fatalf("kid = %+v, want passwordless", kid)
	}
	e.want(http.StatusUnauthorized, e.do("POST", "/api/v1/auth/login", map[string]string{"username": "kid", "password": "x"}))

	// Bob sets his PIN with his password.
	e.want(http.StatusBadRequest, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"pin": "1357"}))
	e.want(http.StatusBadRequest, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"pin": "13", "currentPassword": "bob-password"}))
	var me userDTO
	e.decode(e.want(http.StatusOK, e.as(bobTok, "PATCH", "/api/v1/users/me",
		map[string]any{"pin": "1357", "currentPassword": "bob-password"})), &me)
	if !me.HasPIN || me.PINLocked {
		t.Fatalf("after setting a PIN: %+v", me)
	}

	e.want(http.StatusUnauthorized, e.do("POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": "1357"}))
	e.want(http.StatusBadRequest, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": "7531"}))
	e.want(http.StatusBadRequest, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": carol.ID}))
	e.want(http.StatusNotFound, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": "0190c2a0-7e5a-7b3c-9d1e-2f3a4b5c6d7e"}))
	var tok tokenResponse
	e.decode(e.want(http.StatusOK, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": "1357"})), &tok)
	if tok.User.ID != bob.ID {
		t.Fatalf("switched to %+v", tok.User)
	}
	e.want(http.StatusUnauthorized, e.as(alice, "GET", "/api/v1/users/me", nil)) // the device's previous session ended
	e.want(http.StatusOK, e.as(tok.AccessToken, "GET", "/api/v1/users/me", nil))
	// The session is the same device's.
	var sessions struct {
		Items []sessionDTO `json:"items"`
	}
	e.decode(e.want(http.StatusOK, e.as(tok.AccessToken, "GET", "/api/v1/sessions", nil)), &sessions)
	if !slices.ContainsFunc(sessions.Items, func(s sessionDTO) bool { return s.Current && s.DeviceID == "dev-alice" }) {
		t.Fatalf("bob's sessions = %+v, want the current one on dev-alice", sessions.Items)
	}

	// The kid's profile needs nothing; back to carol takes her password.
	var kidTok tokenResponse
	e.decode(e.want(http.StatusOK, e.as(tok.AccessToken, "POST", "/api/v1/auth/switch", map[string]any{"userId": kid.ID})), &kidTok)
	e.want(http.StatusBadRequest, e.as(kidTok.AccessToken, "POST", "/api/v1/auth/switch",
		map[string]any{"userId": carol.ID, "password": "wrong-password"}))
	e.want(http.StatusOK, e.as(kidTok.AccessToken, "POST", "/api/v1/auth/switch",
		map[string]any{"userId": carol.ID, "password": "carol-password"}))

	// An API key has no device to switch.
	e.want(http.StatusBadRequest, e.do("POST", "/api/v1/auth/switch", map[string]any{"userId": kid.ID},
		"X-Api-Key", e.apiKey()))
}

// apiKey makes an API key as the admin.
func (e *env) apiKey() string {
	e.t.Helper()
	var k struct {
		Key string `json:"key"`
	}
	e.decode(e.want(http.StatusCreated, e.as(e.admin, "POST", "/api/v1/apikeys", map[string]any{"name": "script"})), &k)
	return k.Key
}

// TestSwitchThrottled guesses a PIN through the API: after five wrong ones the right one is
// refused too, with Retry-After.
func TestSwitchThrottled(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.addUser("alice")
	_, bob := e.addUser("bob")
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+bob.ID, map[string]any{"pin": "4321"}))
	for _, pin := range []string{"0000", "1111", "2222", "3333", "4444"} {
		e.want(http.StatusBadRequest, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": pin}))
	}
	rec := e.want(http.StatusTooManyRequests, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": "4321"}))
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	e.clock.Add(time.Minute)
	e.want(http.StatusOK, e.as(alice, "POST", "/api/v1/auth/switch", map[string]any{"userId": bob.ID, "pin": "4321"}))
}

func TestUserPreferences(t *testing.T) {
	e := newEnv(t)
	bobTok, bob := e.addUser("bob")
	if bob.Playback != (prefsDTO{SubtitleMode: "default", PlayDefaultAudio: true}) || bob.MaxBitrate != 0 {
		t.Fatalf("new user: %+v", bob)
	}
	var u userDTO
	e.decode(e.want(http.StatusOK, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"playback": map[string]any{
		"audioLanguage": "fre", "subtitleLanguage": "eng", "subtitleMode": "always", "playDefaultAudio": false}})), &u)
	want := prefsDTO{AudioLanguage: "fre", SubtitleLanguage: "eng", SubtitleMode: "always"}
	if u.Playback != want {
		t.Fatalf("preferences = %+v, want %+v", u.Playback, want)
	}
	e.want(http.StatusBadRequest, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"playback": map[string]any{"subtitleMode": "often"}}))
	e.want(http.StatusBadRequest, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"maxBitrate": 0})) // an admin's
	e.decode(e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+bob.ID, map[string]any{"maxBitrate": 4_000_000,
		"playback": map[string]any{"subtitleMode": "smart"}})), &u)
	if u.MaxBitrate != 4_000_000 || u.Playback.SubtitleMode != "smart" || u.Playback.AudioLanguage != "fre" {
		t.Fatalf("after the admin's change: %+v", u)
	}
	e.want(http.StatusBadRequest, e.as(e.admin, "PATCH", "/api/v1/users/"+bob.ID, map[string]any{"maxBitrate": 10}))
	e.decode(e.want(http.StatusOK, e.as(bobTok, "GET", "/api/v1/users/me", nil)), &u)
	if u.MaxBitrate != 4_000_000 || u.Playback.SubtitleMode != "smart" {
		t.Fatalf("read back: %+v", u)
	}
}

// TestPreferencesDecide checks that each preference changes the playback decision: the audio
// track by language, the subtitle by mode, and the bitrate cap forcing a transcode.
func TestPreferencesDecide(t *testing.T) {
	e := newEnv(t)
	id, _ := e.scanOne("Languages (2001)/Languages (2001).mp4", []byte("x"))
	bobTok, bob := e.addUser("bob")
	type decision struct {
		Method  string   `json:"method"`
		Reasons []string `json:"reasons"`
		URL     string   `json:"url"`
		Audio   struct {
			Stream int `json:"stream"`
		} `json:"audio"`
		Subtitle *struct {
			Stream int    `json:"stream"`
			Mode   string `json:"mode"`
		} `json:"subtitle"`
	}
	decide := func(body map[string]any) decision {
		t.Helper()
		var d decision
		e.decode(e.want(http.StatusOK, e.as(bobTok, "POST", "/api/v1/items/"+id+"/playback", body)), &d)
		return d
	}
	prefs := func(p map[string]any) {
		t.Helper()
		e.want(http.StatusOK, e.as(bobTok, "PATCH", "/api/v1/users/me", map[string]any{"playback": p}))
	}
	// Defaults: the flagged English track, the forced English subtitle (Jellyfin's Default mode).
	d := decide(map[string]any{})
	if d.Method != "directplay" || d.Audio.Stream != 1 || d.Subtitle == nil || d.Subtitle.Stream != 5 {
		t.Fatalf("defaults: %+v", d)
	}
	prefs(map[string]any{"audioLanguage": "fr", "playDefaultAudio": false, "subtitleMode": "none"})
	if d = decide(map[string]any{}); d.Audio.Stream != 2 || d.Subtitle != nil {
		t.Fatalf("French audio, no subtitles: %+v", d)
	}
	if d = decide(map[string]any{"audioTrack": 1}); d.Audio.Stream != 1 {
		t.Fatalf("the client's choice beats the language: %+v", d)
	}
	prefs(map[string]any{"playDefaultAudio": true})
	if d = decide(map[string]any{}); d.Audio.Stream != 1 {
		t.Fatalf("play the default track: %+v", d)
	}
	prefs(map[string]any{"subtitleMode": "always", "subtitleLanguage": "fre"})
	if d = decide(map[string]any{}); d.Subtitle == nil || d.Subtitle.Stream != 4 {
		t.Fatalf("always French subtitles: %+v", d)
	}
	if d = decide(map[string]any{"subtitle": -1}); d.Subtitle != nil {
		t.Fatalf("the client turns them off: %+v", d)
	}
	prefs(map[string]any{"subtitleMode": "onlyForced"})
	if d = decide(map[string]any{}); d.Subtitle == nil || d.Subtitle.Stream != 5 {
		t.Fatalf("only forced: %+v", d)
	}
	// The admin's cap under the file's 5 Mb/s: a transcode under it, whatever the client asks.
	e.want(http.StatusOK, e.as(e.admin, "PATCH", "/api/v1/users/"+bob.ID, map[string]any{"maxBitrate": 2_000_000}))
	for _, body := range []map[string]any{{}, {"maxBitrate": 40_000_000}} {
		d = decide(body)
		if d.Method != "transcode" || !slices.Contains(d.Reasons, "ContainerBitrateExceedsLimit") ||
			!strings.Contains(d.URL, "maxBitrate=2000000") {
			t.Fatalf("capped, asking %v: %+v", body, d)
		}
	}
	// The admin, without a cap, still plays it directly.
	var a decision
	e.decode(e.want(http.StatusOK, e.as(e.admin, "POST", "/api/v1/items/"+id+"/playback", map[string]any{})), &a)
	if a.Method != "directplay" {
		t.Fatalf("admin: %+v", a)
	}
}
