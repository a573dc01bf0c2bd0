package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// device signs name in on the device "tv" and returns the caller of that session.
func (e *env) device(name string) (core.Caller, core.Tokens) {
	e.t.Helper()
	tok := e.login(name, name+"-password", "tv")
	return e.caller(tok.Access), tok
}

func TestPublicUsers(t *testing.T) {
	e := newEnv(t)
	public := core.NewUsers(core.UsersDeps{Users: e.st.Users, Libraries: e.st.Libraries, Sessions: e.st.Sessions,
		Password: cheap, Now: e.clock.Now, NewID: newID, PublicList: true})
	bob, carol, dan := e.user("bob"), e.user("carol"), e.user("dan")
	if !bob.Hidden {
		t.Fatal("a new user is listed: want hidden by default, as in Jellyfin")
	}
	names := func(us *core.Users) string {
		t.Helper()
		list, err := us.Public(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range list {
			out = append(out, u.Username)
		}
		return strings.Join(out, ",")
	}
	if got := names(public); got != "" {
		t.Fatalf("public = %q, want nobody before an admin shows someone", got)
	}
	for _, u := range []core.User{bob, carol, dan} {
		if _, err := e.users.Update(e.ctx, e.admin, u.ID, core.UserPatch{Hidden: ptr(false)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.users.Update(e.ctx, e.admin, dan.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if got := names(public); got != "bob,carol" {
		t.Fatalf("public = %q, want the enabled users shown: bob,carol", got)
	}
	if got := names(e.users); got != "" {
		t.Fatalf("public with the list off = %q, want nobody", got)
	}
}

func TestPIN(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	me, _ := e.device("bob")
	for name, p := range map[string]core.SelfPatch{
		"no password":    {PIN: ptr("1234")},
		"wrong password": {PIN: ptr("1234"), CurrentPassword: "wrong-password"},
		"three digits":   {PIN: ptr("123"), CurrentPassword: "bob-password"},
		"nine digits":    {PIN: ptr("123456789"), CurrentPassword: "bob-password"},
		"letters":        {PIN: ptr("12a4"), CurrentPassword: "bob-password"},
	} {
		_, err := e.users.UpdateMe(e.ctx, me, p)
		wantErr(t, name, err, core.ErrInvalid)
	}
	u, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{PIN: ptr("0042"), CurrentPassword: "bob-password"})
	if err != nil || !u.HasPIN() {
		t.Fatalf("set PIN = %+v, %v", u, err)
	}
	if !strings.HasPrefix(u.PINHash, "$argon2id$") || strings.Contains(u.PINHash, "0042") {
		t.Fatalf("PIN stored as %q, want an argon2id hash", u.PINHash)
	}
	// Removing it needs no password: switching to bob then takes his password, which is stronger.
	if u, err = e.users.UpdateMe(e.ctx, me, core.SelfPatch{PIN: ptr("")}); err != nil || u.HasPIN() || u.PINHash != "" {
		t.Fatalf("remove PIN = %+v, %v", u, err)
	}
	// An admin sets and removes anyone's.
	if u, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("98765")}); err != nil || !u.HasPIN() {
		t.Fatalf("admin sets PIN = %+v, %v", u, err)
	}
	_, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("12")})
	wantErr(t, "admin sets a short PIN", err, core.ErrInvalid)
	if u, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("")}); err != nil || u.HasPIN() {
		t.Fatalf("admin removes PIN = %+v, %v", u, err)
	}
	// A PIN is not a password: it signs nobody in.
	e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("1234")})
	_, err = e.auth.Login(e.ctx, "bob", "1234", core.Device{Address: "192.0.2.7"})
	wantErr(t, "login with the PIN", err, core.ErrUnauthenticated)
}

func TestSwitch(t *testing.T) {
	e := newEnv(t)
	e.user("alice")
	bob, carol := e.user("bob"), e.user("carol")
	kid, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: "kid", Passwordless: true, AllLibraries: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("1234")}); err != nil {
		t.Fatal(err)
	}
	alice, aliceTok := e.device("alice")

	for name, tc := range map[string]struct {
		r    core.SwitchRequest
		want error
	}{
		"wrong PIN":                    {core.SwitchRequest{User: bob.ID, PIN: "4321"}, core.ErrInvalid},
		"no PIN":                       {core.SwitchRequest{User: bob.ID}, core.ErrInvalid},
		"malformed PIN":                {core.SwitchRequest{User: bob.ID, PIN: "12"}, core.ErrInvalid},
		"no password, no PIN to give":  {core.SwitchRequest{User: carol.ID}, core.ErrInvalid},
		"a PIN for a user without one": {core.SwitchRequest{User: carol.ID, PIN: "1234"}, core.ErrInvalid},
		"wrong password":               {core.SwitchRequest{User: carol.ID, Password: "wrong-password"}, core.ErrInvalid},
		"unknown user":                 {core.SwitchRequest{User: "00000000-0000-0000-0000-000000000000"}, core.ErrNotFound},
		"to oneself":                   {core.SwitchRequest{User: alice.UserID}, core.ErrInvalid},
	} {
		_, err := e.auth.Switch(e.ctx, alice, tc.r)
		wantErr(t, name, err, tc.want)
	}
	e.caller(aliceTok.Access) // failed switches leave the device signed in

	_, err = e.auth.Switch(e.ctx, core.Caller{APIKeyID: "k", Admin: true}, core.SwitchRequest{User: kid.ID})
	wantErr(t, "an API key has no device", err, core.ErrInvalid)

	// The right PIN: bob on the same device, alice's session over.
	tok, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, PIN: "1234", Address: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.User.ID != bob.ID || tok.Session.DeviceID != "tv" || tok.Session.Client != "test" || tok.Access == "" {
		t.Fatalf("switch = %+v", tok)
	}
	e.gone(aliceTok.Session.ID)
	bobC := e.caller(tok.Access)
	if bobC.UserID != bob.ID {
		t.Fatalf("caller = %+v", bobC)
	}

	// No PIN and no password: the kid's profile opens as it is; back to carol takes her password.
	tok, err = e.auth.Switch(e.ctx, bobC, core.SwitchRequest{User: kid.ID})
	if err != nil || tok.User.ID != kid.ID {
		t.Fatalf("switch to kid = %+v, %v", tok, err)
	}
	kidC := e.caller(tok.Access)
	tok, err = e.auth.Switch(e.ctx, kidC, core.SwitchRequest{User: carol.ID, Password: "carol-password"})
	if err != nil || tok.User.ID != carol.ID {
		t.Fatalf("switch to carol = %+v, %v", tok, err)
	}
	carolC := e.caller(tok.Access)

	// A password stands in for a PIN; hidden users switch as others; disabled ones do not.
	if _, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Hidden: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	tok, err = e.auth.Switch(e.ctx, carolC, core.SwitchRequest{User: bob.ID, Password: "bob-password"})
	if err != nil || tok.User.ID != bob.ID {
		t.Fatalf("switch to bob by password = %+v, %v", tok, err)
	}
	bobC = e.caller(tok.Access)
	if _, err := e.users.Update(e.ctx, e.admin, kid.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.Switch(e.ctx, bobC, core.SwitchRequest{User: kid.ID})
	wantErr(t, "disabled user", err, core.ErrNotFound)
}

// TestSwitchThrottled checks that PINs cannot be guessed quickly: wrong ones are throttled per
// target user (from any device) and per session (whatever the target).
func TestSwitchThrottled(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.user("alice")
	e.user("carol")
	e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("1234")})
	alice, _ := e.device("alice")
	for i := range throttle.MaxFailures {
		_, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, PIN: "000" + string(rune('0'+i))})
		wantErr(t, "guess", err, core.ErrInvalid)
	}
	_, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, PIN: "1234"})
	wantErr(t, "the right PIN after the guesses", err, core.ErrThrottled)
	// Another device is held back too: the lock is on bob.
	carol := e.caller(e.login("carol", "carol-password", "phone").Access)
	_, err = e.auth.Switch(e.ctx, carol, core.SwitchRequest{User: bob.ID, PIN: "1234"})
	wantErr(t, "another device", err, core.ErrThrottled)
	e.clock.Add(throttle.Lockout + time.Second)
	if _, err := e.auth.Switch(e.ctx, carol, core.SwitchRequest{User: bob.ID, PIN: "1234"}); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	u, _ := e.st.Users.User(e.ctx, bob.ID)
	if u.PINFailures != 0 {
		t.Fatalf("PIN failures after a right PIN = %d, want 0", u.PINFailures)
	}
}

// TestPINLocks checks that MaxPINFailures wrong PINs in a row, however slowly they come, end the
// PIN: a 4-digit PIN gives a guesser at most 10 tries in 10,000.
func TestPINLocks(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.user("alice")
	e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{PIN: ptr("1234")})
	alice, _ := e.device("alice")
	for i := range core.MaxPINFailures {
		e.clock.Add(throttle.MaxLockout + time.Second) // slow enough for the throttle
		_, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, PIN: "9" + strings.Repeat("0", 3) + string(rune('0'+i%10))})
		wantErr(t, "guess", err, core.ErrInvalid)
	}
	u, _ := e.st.Users.User(e.ctx, bob.ID)
	if !u.PINLocked() || u.HasPIN() || u.PINFailures != core.MaxPINFailures {
		t.Fatalf("after %d wrong PINs: locked %v, failures %d", core.MaxPINFailures, u.PINLocked(), u.PINFailures)
	}
	e.clock.Add(throttle.MaxLockout + time.Second)
	_, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, PIN: "1234"})
	wantErr(t, "the right PIN once locked", err, core.ErrInvalid)
	// His password still works, and setting the PIN again unlocks it.
	tok, err := e.auth.Switch(e.ctx, alice, core.SwitchRequest{User: bob.ID, Password: "bob-password"})
	if err != nil {
		t.Fatal(err)
	}
	me := e.caller(tok.Access)
	if u, err = e.users.UpdateMe(e.ctx, me, core.SelfPatch{PIN: ptr("5678"), CurrentPassword: "bob-password"}); err != nil ||
		!u.HasPIN() || u.PINFailures != 0 {
		t.Fatalf("set PIN again = %+v, %v", u, err)
	}
}

func TestPasswordlessUsers(t *testing.T) {
	e := newEnv(t)
	for name, n := range map[string]core.NewUser{
		"admin":         {Username: "boss", Passwordless: true, Admin: true},
		"with password": {Username: "x", Passwordless: true, Password: "some-password"},
		"no password":   {Username: "y"},
	} {
		_, err := e.users.Create(e.ctx, e.admin, n)
		wantErr(t, name, err, core.ErrInvalid)
	}
	kid, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: "kid", Passwordless: true, AllLibraries: true})
	if err != nil || kid.HasPassword() {
		t.Fatalf("create = %+v, %v", kid, err)
	}
	for _, pw := range []string{"", "anything-at-all"} {
		_, err = e.auth.Login(e.ctx, "kid", pw, core.Device{Address: "192.0.2.8"})
		wantErr(t, "sign in as a passwordless user", err, core.ErrUnauthenticated)
	}
	_, err = e.users.Update(e.ctx, e.admin, kid.ID, core.UserPatch{Admin: ptr(true)})
	wantErr(t, "make a passwordless user admin", err, core.ErrInvalid)

	bob := e.user("bob")
	if u, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{RemovePassword: true}); err != nil || u.HasPassword() {
		t.Fatalf("remove password = %+v, %v", u, err)
	}
	_, err = e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Address: "192.0.2.8"})
	wantErr(t, "old password after removal", err, core.ErrUnauthenticated)
	_, err = e.users.Update(e.ctx, e.admin, e.admin.UserID, core.UserPatch{RemovePassword: true})
	wantErr(t, "admin removes own password", err, core.ErrInvalid)
	_, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{RemovePassword: true, Password: ptr("new-password")})
	wantErr(t, "remove and set", err, core.ErrInvalid)
	// A passwordless user sets a password without a current one.
	kidTok, err := e.auth.Switch(e.ctx, e.caller(e.login("admin", adminPass, "tv").Access), core.SwitchRequest{User: kid.ID})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := e.users.UpdateMe(e.ctx, e.caller(kidTok.Access), core.SelfPatch{NewPassword: ptr("kid-password")}); err != nil || !u.HasPassword() {
		t.Fatalf("kid sets a password = %+v, %v", u, err)
	}
	e.login("kid", "kid-password", "")
}

func TestPlaybackPreferences(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	if bob.Playback != core.DefaultPlaybackPrefs || bob.MaxBitrate != 0 {
		t.Fatalf("new user: %+v, cap %d; want Jellyfin's defaults", bob.Playback, bob.MaxBitrate)
	}
	me, _ := e.device("bob")
	for name, p := range map[string]core.PlaybackPatch{
		"language":      {AudioLanguage: ptr("english")},
		"language junk": {SubtitleLanguage: ptr("e1")},
		"mode":          {SubtitleMode: ptr("sometimes")},
	} {
		_, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{Playback: p})
		wantErr(t, name, err, core.ErrInvalid)
	}
	u, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{Playback: core.PlaybackPatch{AudioLanguage: ptr(" fre "),
		SubtitleLanguage: ptr("pt-BR"), SubtitleMode: ptr("OnlyForced"), PlayDefaultAudio: ptr(false)}})
	want := core.PlaybackPrefs{AudioLanguage: "fre", SubtitleLanguage: "pt-BR", SubtitleMode: core.SubtitlesOnlyForced}
	if err != nil || u.Playback != want {
		t.Fatalf("update = %+v, %v; want %+v", u.Playback, err, want)
	}
	if u, _ = e.st.Users.User(e.ctx, bob.ID); u.Playback != want {
		t.Fatalf("stored = %+v", u.Playback)
	}
	// Only the fields given change.
	if u, err = e.users.UpdateMe(e.ctx, me, core.SelfPatch{Playback: core.PlaybackPatch{AudioLanguage: ptr("")}}); err != nil ||
		u.Playback.AudioLanguage != "" || u.Playback.SubtitleLanguage != "pt-BR" {
		t.Fatalf("clear audio language = %+v, %v", u.Playback, err)
	}

	// The bitrate cap is an admin's.
	for _, bad := range []int64{-1, 50_000, core.MaxStreamBitrate + 1} {
		_, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{MaxBitrate: ptr(bad)})
		wantErr(t, "cap", err, core.ErrInvalid)
	}
	if u, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{MaxBitrate: ptr(int64(3_000_000)),
		Playback: core.PlaybackPatch{SubtitleMode: ptr("smart")}}); err != nil || u.MaxBitrate != 3_000_000 ||
		u.Playback.SubtitleMode != core.SubtitlesSmart {
		t.Fatalf("admin update = %+v, %v", u, err)
	}
	_, err = e.users.Update(e.ctx, me, bob.ID, core.UserPatch{MaxBitrate: ptr(int64(0))})
	wantErr(t, "a user lifts their own cap", err, core.ErrForbidden)
}

func TestRenameUser(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.user("carol")
	u, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Username: ptr("robert")})
	if err != nil || u.Username != "robert" || u.DisplayName != "robert" {
		t.Fatalf("rename = %+v, %v", u, err)
	}
	e.login("robert", "bob-password", "")
	_, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Username: ptr("CAROL")})
	wantErr(t, "taken name", err, core.ErrConflict)
}
