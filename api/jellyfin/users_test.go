package jellyfin

import (
	"net/http"
	"strings"
	"testing"
)

// userOut is the part of a UserDto the tests read.
type userOut struct {
	Name, Id                               string
	HasPassword, HasConfiguredEasyPassword bool
	Configuration                          struct {
		AudioLanguagePreference, SubtitleLanguagePreference, SubtitleMode string
		PlayDefaultAudioTrack                                             bool
	}
	Policy struct {
		IsAdministrator, IsHidden, IsDisabled, EnableAllFolders bool
		EnabledFolders, BlockedTags, BlockUnratedItems          []string
		RemoteClientBitrateLimit                                int
		MaxParentalRating                                       *int
		AuthenticationProviderId                                string
	}
}

func (e *env) user(token, id string) userOut {
	e.t.Helper()
	var u userOut
	e.decode(e.want(http.StatusOK, e.do("GET", "/Users/"+id, token, nil)), &u)
	return u
}

func TestPublicUsersList(t *testing.T) {
	e := newEnv(t)
	bob, bobID := e.addUser("bob")
	_, carolID := e.addUser("carol")
	public := func() []userOut {
		t.Helper()
		var us []userOut
		e.decode(e.want(http.StatusOK, e.do("GET", "/users/public", "", nil)), &us)
		return us
	}
	if us := public(); len(us) != 0 {
		t.Fatalf("public = %+v, want [] while everyone is hidden (Jellyfin's default)", us)
	}
	// The dashboard posts the whole policy; a user may not post their own.
	policy := map[string]any{"IsAdministrator": false, "IsHidden": false, "IsDisabled": false, "EnableAllFolders": true,
		"EnabledFolders": []string{}, "RemoteClientBitrateLimit": 0, "BlockedTags": []string{"horror"}, "MaxParentalRating": 13,
		"AuthenticationProviderId": "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
		"PasswordResetProviderId":  "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider"}
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+bobID+"/Policy", bob, policy))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, policy))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+carolID+"/Policy", e.admin, policy))
	us := public()
	if len(us) != 2 || us[0].Name != "bob" || us[0].Policy.IsHidden || !us[0].HasPassword ||
		us[0].Policy.AuthenticationProviderId == "" || us[0].Configuration.SubtitleMode != "Default" {
		t.Fatalf("public = %+v, want bob and carol as UserDtos", us)
	}
	// The policy's parental part is the user's parental controls; a policy without it leaves them.
	if p := us[0].Policy; p.MaxParentalRating == nil || *p.MaxParentalRating != 13 || len(p.BlockedTags) != 1 || p.BlockedTags[0] != "horror" {
		t.Fatalf("bob's parental policy = %+v", p)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, map[string]any{"IsHidden": false}))
	if p := e.user(e.admin, bobID).Policy; p.MaxParentalRating == nil || len(p.BlockedTags) != 1 {
		t.Fatalf("after a policy without parental fields: %+v", p)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, map[string]any{"MaxParentalRating": nil,
		"BlockedTags": []string{}, "BlockUnratedItems": []string{"Movie"}, "AccessSchedules": []any{}}))
	if p := e.user(e.admin, bobID).Policy; p.MaxParentalRating != nil || len(p.BlockedTags) != 0 || len(p.BlockUnratedItems) != 1 {
		t.Fatalf("after clearing the rating and tags: %+v", p)
	}
	policy["IsDisabled"] = true
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+carolID+"/Policy", e.admin, policy))
	if us := public(); len(us) != 1 || us[0].Id != bobID {
		t.Fatalf("public after disabling carol = %+v", us)
	}
	var all []userOut
	e.decode(e.want(http.StatusOK, e.do("GET", "/Users?isDisabled=true", e.admin, nil)), &all)
	if len(all) != 1 || all[0].Id != carolID {
		t.Fatalf("disabled users = %+v", all)
	}
}

func TestUserConfiguration(t *testing.T) {
	e := newEnv(t)
	bob, bobID := e.addUser("bob")
	carol, carolID := e.addUser("carol")
	cfg := map[string]any{"AudioLanguagePreference": "fre", "SubtitleLanguagePreference": "eng", "SubtitleMode": "OnlyForced",
		"PlayDefaultAudioTrack": false, "DisplayMissingEpisodes": true, "OrderedViews": []string{}}
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Configuration", bob, cfg))
	u := e.user(bob, bobID)
	if c := u.Configuration; c.AudioLanguagePreference != "fre" || c.SubtitleLanguagePreference != "eng" ||
		c.SubtitleMode != "OnlyForced" || c.PlayDefaultAudioTrack {
		t.Fatalf("configuration = %+v", c)
	}
	// The 10.11 route takes ?userId=, or means the caller.
	e.want(http.StatusNoContent, e.do("POST", "/Users/Configuration", bob, map[string]any{"SubtitleMode": "smart"}))
	e.want(http.StatusNoContent, e.do("POST", "/Users/Configuration?userId="+bobID, bob, map[string]any{"AudioLanguagePreference": ""}))
	if c := e.user(bob, bobID).Configuration; c.SubtitleMode != "Smart" || c.AudioLanguagePreference != "" || c.SubtitleLanguagePreference != "eng" {
		t.Fatalf("after partial updates: %+v", c)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/Users/"+bobID+"/Configuration", bob, map[string]any{"SubtitleMode": "Sometimes"}))
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+carolID+"/Configuration", bob, cfg))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+carolID+"/Configuration", e.admin, cfg))
	if c := e.user(carol, carolID).Configuration; c.AudioLanguagePreference != "fre" {
		t.Fatalf("carol's configuration set by the admin = %+v", c)
	}
	// POST /Users/{id} with a UserDto: its Configuration too.
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID, bob, map[string]any{"Name": "bob",
		"Configuration": map[string]any{"SubtitleMode": "Always"}}))
	if c := e.user(bob, bobID).Configuration; c.SubtitleMode != "Always" {
		t.Fatalf("after POST /Users/{id}: %+v", c)
	}
}

// TestUserPreferencesInPlaybackInfo checks that the preferences and the cap change PlaybackInfo:
// the default audio by language, the default subtitle by mode, and a transcode under the cap.
func TestUserPreferencesInPlaybackInfo(t *testing.T) {
	e, _, id := movieEnv(t) // Heat: English AAC (1, default), French AC-3 (2), an English SubRip sidecar (3)
	bob, bobID := e.addUser("bob")
	mkv := clone(browserProfile)
	mkv["DirectPlayProfiles"] = []map[string]string{{"Container": "mkv", "Type": "Video"}}

	ms := e.playbackInfo(id, bob, nil).MediaSources[0]
	if *ms.DefaultAudioStreamIndex != 1 || *ms.DefaultSubtitleStreamIndex != 3 {
		t.Fatalf("defaults: audio %d, subtitle %d; want 1 and the sidecar, 3", *ms.DefaultAudioStreamIndex, *ms.DefaultSubtitleStreamIndex)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Configuration", bob, map[string]any{
		"AudioLanguagePreference": "fre", "PlayDefaultAudioTrack": false, "SubtitleMode": "None"}))
	for _, body := range []any{nil, map[string]any{"DeviceProfile": mkv}} {
		ms = e.playbackInfo(id, bob, body).MediaSources[0]
		if *ms.DefaultAudioStreamIndex != 2 || *ms.DefaultSubtitleStreamIndex != -1 {
			t.Fatalf("French, no subtitles (%v): audio %d, subtitle %d", body != nil, *ms.DefaultAudioStreamIndex, *ms.DefaultSubtitleStreamIndex)
		}
	}
	// In a transcode, the preferred track is the one encoded.
	ms = e.playbackInfo(id, bob, map[string]any{"DeviceProfile": browserProfile}).MediaSources[0]
	if !strings.Contains(ms.TranscodingUrl, "AudioStreamIndex=2&") || strings.Contains(ms.TranscodingUrl, "SubtitleStreamIndex") {
		t.Fatalf("browser transcode: %s", ms.TranscodingUrl)
	}
	// The client's own choice wins.
	ms = e.playbackInfo(id, bob, map[string]any{"DeviceProfile": browserProfile, "AudioStreamIndex": 1}).MediaSources[0]
	if !strings.Contains(ms.TranscodingUrl, "AudioStreamIndex=1&") {
		t.Fatalf("the client asked for track 1: %s", ms.TranscodingUrl)
	}
	// An admin's cap under the file's 8 Mb/s turns bob's direct play into a transcode.
	if ms = e.playbackInfo(id, bob, map[string]any{"DeviceProfile": mkv}).MediaSources[0]; !ms.SupportsDirectPlay {
		t.Fatalf("before the cap: %+v", ms)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, map[string]any{"RemoteClientBitrateLimit": 3_000_000}))
	if u := e.user(e.admin, bobID); u.Policy.RemoteClientBitrateLimit != 3_000_000 {
		t.Fatalf("policy = %+v", u.Policy)
	}
	ms = e.playbackInfo(id, bob, map[string]any{"DeviceProfile": mkv, "MaxStreamingBitrate": 120_000_000}).MediaSources[0]
	if ms.SupportsDirectPlay || !strings.Contains(ms.TranscodingUrl, "ContainerBitrateExceedsLimit") {
		t.Fatalf("capped: %+v", ms)
	}
	// The admin has no cap.
	if ms = e.playbackInfo(id, e.admin, map[string]any{"DeviceProfile": mkv}).MediaSources[0]; !ms.SupportsDirectPlay {
		t.Fatalf("admin: %+v", ms)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/Users/"+bobID+"/Policy", e.admin, map[string]any{"RemoteClientBitrateLimit": 5}))
}

func TestUserManagement(t *testing.T) {
	e := newEnv(t)
	bob, _ := e.addUser("bob")
	e.want(http.StatusForbidden, e.do("POST", "/Users/New", bob, map[string]any{"Name": "eve", "Password": "eve-password"}))
	var dan userOut
	e.decode(e.want(http.StatusOK, e.do("POST", "/Users/New", e.admin, map[string]any{"Name": "dan", "Password": "dan-password"})), &dan)
	if dan.Name != "dan" || !dan.HasPassword || !dan.Policy.IsHidden || dan.Policy.IsAdministrator || !dan.Policy.EnableAllFolders {
		t.Fatalf("new user = %+v", dan)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/Users/New", e.admin, map[string]any{"Name": "DAN", "Password": "x-password"}))
	var kid userOut
	e.decode(e.want(http.StatusOK, e.do("POST", "/Users/New", e.admin, map[string]any{"Name": "kid", "Password": nil})), &kid)
	if kid.HasPassword {
		t.Fatalf("kid = %+v, want passwordless", kid)
	}
	e.want(http.StatusUnauthorized, e.do("POST", "/Users/AuthenticateByName", "", map[string]string{"Username": "kid", "Pw": ""},
		"Authorization", clientAuth("kid-device", "")))

	// Renaming is an admin's; the name is what signs in.
	danTok, _ := e.login("dan", "dan-password", "dan-device")
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+dan.Id, danTok, map[string]any{"Name": "dd"}))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+dan.Id, e.admin, map[string]any{"Name": "daniel"}))
	e.want(http.StatusNoContent, e.do("POST", "/Users?userId="+dan.Id, e.admin, map[string]any{"Name": "daniel"}))
	danTok, _ = e.login("daniel", "dan-password", "dan-device")

	// Passwords: one's own with the current one (403 when wrong), anyone's for an admin, or reset.
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+dan.Id+"/Password", danTok, map[string]any{"CurrentPw": "nope-nope", "NewPw": "new-dan-password"}))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+dan.Id+"/Password", danTok, map[string]any{"CurrentPw": "dan-password", "NewPw": "new-dan-password"}))
	e.login("daniel", "new-dan-password", "dan-device")
	e.want(http.StatusNoContent, e.do("POST", "/Users/Password?userId="+dan.Id, e.admin, map[string]any{"NewPw": "admin-set-password"}))
	e.login("daniel", "admin-set-password", "dan-device")
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+dan.Id+"/Password", bob, map[string]any{"NewPw": "bob-set-password"}))
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+dan.Id+"/Password", e.admin, map[string]any{"ResetPassword": true}))
	if u := e.user(e.admin, dan.Id); u.HasPassword {
		t.Fatalf("after a reset: %+v", u)
	}
	e.want(http.StatusForbidden, e.do("POST", "/Users/"+e.adminID+"/Password", e.admin, map[string]any{"ResetPassword": true}))

	// Library access through the policy.
	lib := e.library("Movies", "movies", "Heat (1995)/Heat (1995).mkv")
	e.want(http.StatusNoContent, e.do("POST", "/Users/"+kid.Id+"/Policy", e.admin, map[string]any{"EnableAllFolders": false,
		"EnabledFolders": []string{jid(lib.ID)}}))
	if p := e.user(e.admin, kid.Id).Policy; p.EnableAllFolders || len(p.EnabledFolders) != 1 || p.EnabledFolders[0] != jid(lib.ID) {
		t.Fatalf("policy = %+v", p)
	}
	e.want(http.StatusBadRequest, e.do("POST", "/Users/"+kid.Id+"/Policy", e.admin, map[string]any{"EnableAllFolders": false,
		"EnabledFolders": []string{"not-a-guid"}}))
	e.want(http.StatusBadRequest, e.do("POST", "/Users/"+e.adminID+"/Policy", e.admin, map[string]any{"IsAdministrator": false}))

	// Deleting is an admin's.
	e.want(http.StatusForbidden, e.do("DELETE", "/Users/"+dan.Id, bob, nil))
	e.want(http.StatusNoContent, e.do("DELETE", "/Users/"+dan.Id, e.admin, nil))
	e.want(http.StatusNotFound, e.do("GET", "/Users/"+dan.Id, e.admin, nil))
}
