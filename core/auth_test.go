package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	before := e.clock.Now()
	tok, err := e.auth.Login(e.ctx, "  BOB ", "bob-password", core.Device{Client: "Infuse", DeviceID: "d1",
		DeviceName: "Living room", Address: "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Access == "" || tok.Refresh == "" || tok.ExpiresIn != accessTTL || tok.User.ID != bob.ID {
		t.Fatalf("tokens = %+v", tok)
	}
	s := e.session(tok.Session.ID)
	if s.UserID != bob.ID || s.Client != "Infuse" || s.DeviceID != "d1" || s.DeviceName != "Living room" ||
		s.Address != "192.0.2.7" || !s.ExpiresAt.Equal(before.Add(refreshTTL)) || s.RefreshHash == "" ||
		strings.Contains(s.RefreshHash, tok.Refresh) {
		t.Fatalf("stored session = %+v", s)
	}
	u, err := e.st.Users.User(e.ctx, bob.ID)
	if err != nil || u.LastLoginAt == nil || !u.LastLoginAt.Equal(before) {
		t.Fatalf("last login = %v, %v; want %v", u.LastLoginAt, err, before)
	}
	if c := e.caller(tok.Access); c.UserID != bob.ID || c.SessionID != s.ID || c.Admin {
		t.Fatalf("caller = %+v", c)
	}
}

func TestLoginRefused(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	carol := e.user("carol")
	if _, err := e.users.Update(e.ctx, e.admin, carol.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, user, pw string }{
		{"wrong password", "bob", "carol-password"},
		{"empty password", "bob", ""},
		{"unknown user", "nobody", "bob-password"},
		{"empty user", "", "bob-password"},
		{"disabled user", "carol", "carol-password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A fresh address each time, so that the throttle stays out of the way.
			tok, err := e.auth.Login(e.ctx, tc.user, tc.pw, core.Device{Address: "198.51.100." + tc.name})
			if !errors.Is(err, core.ErrUnauthenticated) || errors.Is(err, core.ErrThrottled) || tok.Access != "" {
				t.Fatalf("Login = %+v, %v; want ErrUnauthenticated", tok, err)
			}
		})
	}
	if ss, _ := e.st.Sessions.Sessions(e.ctx, ""); len(ss) != 0 {
		t.Fatalf("refused logins made %d sessions", len(ss))
	}
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	here := core.Device{Address: "198.51.100.1"}
	for range throttle.MaxFailures {
		_, err := e.auth.Login(e.ctx, "bob", "wrong-password", here)
		wantErr(t, "wrong password", err, core.ErrUnauthenticated)
	}
	// Locked for bob at this address: even the right password, in another case, is refused.
	_, err := e.auth.Login(e.ctx, " BOB ", "bob-password", here)
	var te *core.ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, core.ErrThrottled) || errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("after %d failures: err = %v, want *ThrottledError", throttle.MaxFailures, err)
	}
	if te.RetryAfter <= 0 || te.RetryAfter > throttle.Lockout+time.Second {
		t.Fatalf("RetryAfter = %v, want in (0, %v]", te.RetryAfter, throttle.Lockout+time.Second)
	}
	// Whoever guessed cannot lock bob out from elsewhere, nor lock out alice at this address.
	e.login("bob", "bob-password", "") // from 192.0.2.1
	e.user("alice")
	if _, err := e.auth.Login(e.ctx, "alice", "alice-password", here); err != nil {
		t.Fatalf("alice at the same address: %v", err)
	}
}

func TestLoginThrottledPerUser(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	per := throttle.MaxFailures - 1 // under the limit for bob at any one address
	for i := range throttle.MaxFailures * 20 / per {
		for range per {
			_, err := e.auth.Login(e.ctx, "bob", "wrong-password", core.Device{Address: fmt.Sprintf("10.0.0.%d", i)})
			wantErr(t, "distributed guess", err, core.ErrUnauthenticated)
		}
	}
	_, err := e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Address: "192.0.2.200"})
	wantErr(t, "bob after a distributed guess", err, core.ErrThrottled)
	e.login("admin", adminPass, "")
}

// TestLoginNameVariantsShareABudget checks that spelling a name differently, or not validly, does
// not buy a fresh throttle budget.
func TestLoginNameVariantsShareABudget(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	here := core.Device{Address: "192.0.2.1"}
	for _, name := range []string{"bob", "BOB", " Bob\t"} {
		_, err := e.auth.Login(e.ctx, name, "wrong-password", here)
		wantErr(t, "variant "+name, err, core.ErrUnauthenticated)
	}
	_, err := e.auth.Login(e.ctx, "bOb", "bob-password", here)
	wantErr(t, "after 3 variants", err, core.ErrThrottled)

	for _, name := range []string{"a/b", "bob\x00", strings.Repeat("x", 65)} {
		_, err := e.auth.Login(e.ctx, name, "wrong-password", here)
		wantErr(t, "invalid name", err, core.ErrUnauthenticated)
	}
	_, err = e.auth.Login(e.ctx, "c/d", "wrong-password", here)
	wantErr(t, "a fourth invalid name", err, core.ErrThrottled)
}

func TestLoginThrottledPerAddress(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	spray := core.Device{Address: "203.0.113.9"}
	for i := range throttle.MaxFailures * 4 {
		_, err := e.auth.Login(e.ctx, "user"+string(rune('a'+i)), "password", spray) // one try per name
		wantErr(t, "spray", err, core.ErrUnauthenticated)
	}
	_, err := e.auth.Login(e.ctx, "bob", "bob-password", spray)
	wantErr(t, "from the spraying address", err, core.ErrThrottled)
	if _, err := e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Address: "192.0.2.50"}); err != nil {
		t.Fatalf("bob from another address: %v", err)
	}
}

func TestLoginSameDeviceReplacesSession(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	first := e.login("bob", "bob-password", "tv")
	other := e.login("bob", "bob-password", "phone")
	second := e.login("bob", "bob-password", "tv")
	e.gone(first.Session.ID)
	e.session(other.Session.ID)
	e.session(second.Session.ID)
	_, err := e.auth.Authenticate(e.ctx, first.Access, "")
	wantErr(t, "old access token", err, core.ErrUnauthenticated)
	_, err = e.auth.Refresh(e.ctx, first.Refresh, "")
	wantErr(t, "old refresh token", err, core.ErrUnauthenticated)
	e.caller(second.Access)
	// Without a device id, logins do not replace one another.
	a, b := e.login("bob", "bob-password", ""), e.login("bob", "bob-password", "")
	e.session(a.Session.ID)
	e.session(b.Session.ID)
	// Another user on the same device keeps their own session.
	admin := e.login("admin", adminPass, "tv")
	e.session(second.Session.ID)
	e.session(admin.Session.ID)
}

func TestLoginDeviceFieldsBounded(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	long := strings.Repeat("é", 201)
	for _, d := range []core.Device{{Client: long}, {DeviceID: long}, {DeviceName: long}, {DeviceName: "bad \xff utf-8"}} {
		_, err := e.auth.Login(e.ctx, "bob", "bob-password", d)
		wantErr(t, "long device field", err, core.ErrInvalid)
	}
	ok := strings.Repeat("é", 200)
	tok, err := e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Client: ok, DeviceID: ok, DeviceName: ok,
		Address: strings.Repeat("a", 100)})
	if err != nil {
		t.Fatalf("200-character fields: %v", err)
	}
	if s := e.session(tok.Session.ID); s.DeviceName != ok || len(s.Address) != 64 {
		t.Fatalf("stored device %q, address of %d bytes", s.DeviceName, len(s.Address))
	}
}

func TestRefreshRotates(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	first := e.login("bob", "bob-password", "tv")
	e.clock.Add(time.Hour)
	second, err := e.auth.Refresh(e.ctx, first.Refresh, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	if second.Refresh == first.Refresh || second.Access == first.Access || second.Session.ID != first.Session.ID {
		t.Fatalf("refresh did not rotate: %+v", second)
	}
	s := e.session(first.Session.ID)
	if !s.ExpiresAt.Equal(e.clock.Now().Add(refreshTTL)) || !s.LastSeenAt.Equal(e.clock.Now()) || s.Address != "192.0.2.9" {
		t.Fatalf("session after refresh = %+v", s)
	}
	e.caller(second.Access)
	third, err := e.auth.Refresh(e.ctx, second.Refresh, "")
	if err != nil || third.Refresh == second.Refresh {
		t.Fatalf("second refresh = %+v, %v", third, err)
	}
}

func TestRefreshReuse(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	first := e.login("bob", "bob-password", "tv")
	second, err := e.auth.Refresh(e.ctx, first.Refresh, "")
	if err != nil {
		t.Fatal(err)
	}
	// Within the grace period the old token is refused, but the session lives: two tabs raced.
	e.clock.Add(10 * time.Second)
	_, err = e.auth.Refresh(e.ctx, first.Refresh, "")
	wantErr(t, "old token at once", err, core.ErrUnauthenticated)
	e.session(first.Session.ID)
	e.caller(second.Access)
	// Later, the old token means it was stolen: the session ends for everyone.
	e.clock.Add(25 * time.Second)
	_, err = e.auth.Refresh(e.ctx, first.Refresh, "")
	wantErr(t, "old token later", err, core.ErrUnauthenticated)
	e.gone(first.Session.ID)
	_, err = e.auth.Refresh(e.ctx, second.Refresh, "")
	wantErr(t, "current token after a replay", err, core.ErrUnauthenticated)
	_, err = e.auth.Authenticate(e.ctx, second.Access, "")
	wantErr(t, "access token after a replay", err, core.ErrUnauthenticated)
}

func TestRefreshRefused(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	expiring := e.login("bob", "bob-password", "old")
	e.clock.Add(refreshTTL - time.Second)
	if _, err := e.auth.Refresh(e.ctx, expiring.Refresh, ""); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	stale := e.login("bob", "bob-password", "stale")
	e.clock.Add(refreshTTL)
	_, err := e.auth.Refresh(e.ctx, stale.Refresh, "")
	wantErr(t, "expired", err, core.ErrUnauthenticated)

	_, err = e.auth.Refresh(e.ctx, "not a token", "")
	wantErr(t, "unknown token", err, core.ErrUnauthenticated)

	// A user disabled behind the service's back, with their sessions left in place.
	tok := e.login("bob", "bob-password", "tv")
	if _, err := e.st.Users.ModifyUser(e.ctx, bob.ID, func(u *core.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.Refresh(e.ctx, tok.Refresh, "")
	wantErr(t, "disabled user", err, core.ErrUnauthenticated)
	e.session(tok.Session.ID)
}

func TestRefreshThrottledPerAddress(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	tok := e.login("bob", "bob-password", "tv")
	for range throttle.MaxFailures * 4 {
		_, err := e.auth.Refresh(e.ctx, "guess", "203.0.113.9")
		wantErr(t, "guessed token", err, core.ErrUnauthenticated)
	}
	_, err := e.auth.Refresh(e.ctx, tok.Refresh, "203.0.113.9")
	wantErr(t, "from the guessing address", err, core.ErrThrottled)
	if _, err := e.auth.Refresh(e.ctx, tok.Refresh, "192.0.2.1"); err != nil {
		t.Fatalf("from another address: %v", err)
	}
}

// TestLoginDuringAdminChange checks an admin's change landing while Login checks the password
// (between its read of the user and the session it opens): the change is kept, and the login fails
// rather than open a session for a password or account state that is no longer current.
func TestLoginDuringAdminChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		patch core.UserPatch
	}{
		{"disable", core.UserPatch{Disabled: ptr(true)}},
		{"password reset", core.UserPatch{Password: ptr("reset-by-admin")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			bob := e.user("bob")
			err := e.loginDuring(bob, tc.patch)
			wantErr(t, "login racing the change", err, core.ErrUnauthenticated)
			if list, err := e.st.Sessions.Sessions(e.ctx, bob.ID); err != nil || len(list) != 0 {
				t.Fatalf("sessions of bob after the change: %+v, %v", list, err)
			}
			u, err := e.st.Users.User(e.ctx, bob.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tc.patch.Disabled != nil && !u.Disabled {
				t.Fatal("the admin disabled bob during his login, but bob is enabled again")
			}
			if tc.patch.Password != nil {
				_, err := e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Address: "192.0.2.99"})
				wantErr(t, "old password after the reset", err, core.ErrUnauthenticated)
				e.login("bob", "reset-by-admin", "")
			}
		})
	}
}

// staleRead is a UserStore whose UserByName runs hook after reading, as an admin's change would
// land while Login is busy hashing the password.
type staleRead struct {
	core.UserStore
	hook func()
}

func (s *staleRead) UserByName(ctx context.Context, name string) (core.User, error) {
	u, err := s.UserStore.UserByName(ctx, name)
	if s.hook != nil {
		s.hook()
		s.hook = nil
	}
	return u, err
}

// loginDuring logs u in with their first password while an admin applies p in the middle.
func (e *env) loginDuring(u core.User, p core.UserPatch) error {
	e.t.Helper()
	users := &staleRead{UserStore: e.st.Users}
	users.hook = func() {
		if _, err := e.users.Update(e.ctx, e.admin, u.ID, p); err != nil {
			e.t.Error(err)
		}
	}
	_, err := e.newAuth(users).Login(e.ctx, u.Username, u.Username+"-password", core.Device{})
	return err
}
