package core_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	lib := e.library("Movies")
	bob := e.user("bob", lib.ID)
	tok := e.login("bob", "bob-password", "tv")
	c := e.caller(tok.Access)
	if c.UserID != bob.ID || c.SessionID != tok.Session.ID || c.Admin || c.AllLibraries ||
		!slices.Equal(c.Libraries, []core.LibraryID{lib.ID}) || c.APIKeyID != "" {
		t.Fatalf("caller = %+v", c)
	}
	if a := e.caller(e.login("admin", adminPass, "").Access); !a.Admin || !a.AllLibraries {
		t.Fatalf("admin caller = %+v", a)
	}
	for _, cred := range []string{"", "garbage", tok.Refresh, tok.Access + "x", "Bearer " + tok.Access} {
		_, err := e.auth.Authenticate(e.ctx, cred, "")
		wantErr(t, "credential "+cred, err, core.ErrUnauthenticated)
	}
	e.clock.Add(accessTTL + 10*time.Second)
	_, err := e.auth.Authenticate(e.ctx, tok.Access, "")
	wantErr(t, "expired access token", err, core.ErrUnauthenticated)
}

func TestAuthenticateTokenFromAnotherServer(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	other := e.newAuth(e.st.Users) // same database, another signing key
	tok, err := other.Login(e.ctx, "bob", "bob-password", core.Device{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.Authenticate(e.ctx, tok.Access, "")
	wantErr(t, "token signed with another key", err, core.ErrUnauthenticated)
}

// TestAuthenticateRevocation checks that each way of ending access takes effect on the next request.
func TestAuthenticateRevocation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		revoke func(e *env, u core.User, tok core.Tokens) error
	}{
		{"logout", func(e *env, _ core.User, tok core.Tokens) error {
			return e.auth.Logout(e.ctx, e.caller(tok.Access))
		}},
		{"session revoked", func(e *env, _ core.User, tok core.Tokens) error {
			return e.auth.RevokeSession(e.ctx, e.admin, tok.Session.ID)
		}},
		{"user deleted", func(e *env, u core.User, _ core.Tokens) error {
			return e.users.Delete(e.ctx, e.admin, u.ID)
		}},
		{"user disabled", func(e *env, u core.User, _ core.Tokens) error {
			_, err := e.users.Update(e.ctx, e.admin, u.ID, core.UserPatch{Disabled: ptr(true)})
			return err
		}},
		{"password reset by admin", func(e *env, u core.User, _ core.Tokens) error {
			_, err := e.users.Update(e.ctx, e.admin, u.ID, core.UserPatch{Password: ptr("new-password")})
			return err
		}},
		{"user disabled in the store only", func(e *env, u core.User, _ core.Tokens) error {
			// Sessions stay: Authenticate must check the user itself.
			_, err := e.st.Users.ModifyUser(e.ctx, u.ID, func(u *core.User) error { u.Disabled = true; return nil })
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			bob := e.user("bob")
			tok := e.login("bob", "bob-password", "tv")
			e.caller(tok.Access)
			if err := tc.revoke(e, bob, tok); err != nil {
				t.Fatal(err)
			}
			_, err := e.auth.Authenticate(e.ctx, tok.Access, "192.0.2.1")
			wantErr(t, "after "+tc.name, err, core.ErrUnauthenticated)
		})
	}
}

func TestAuthenticateTouchesAtMostOnceAMinute(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	tok := e.login("bob", "bob-password", "tv") // from 192.0.2.1
	login := e.clock.Now()
	seen := func(want time.Time, addr string) {
		t.Helper()
		if s := e.session(tok.Session.ID); !s.LastSeenAt.Equal(want) || s.Address != addr {
			t.Fatalf("last seen %v from %q, want %v from %q", s.LastSeenAt, s.Address, want, addr)
		}
	}
	e.clock.Add(30 * time.Second)
	e.caller(tok.Access)
	seen(login, "192.0.2.1")
	e.clock.Add(30 * time.Second)
	e.caller(tok.Access) // exactly a minute: not yet
	seen(login, "192.0.2.1")
	e.clock.Add(time.Second)
	e.caller(tok.Access)
	seen(e.clock.Now(), "192.0.2.1")
	touched := e.clock.Now()
	e.clock.Add(10 * time.Second)
	e.caller(tok.Access)
	seen(touched, "192.0.2.1")
	if _, err := e.auth.Authenticate(e.ctx, tok.Access, "198.51.100.4"); err != nil { // a new address is written at once
		t.Fatal(err)
	}
	seen(e.clock.Now(), "198.51.100.4")
}

func TestAPIKeys(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	bobCaller := core.Caller{UserID: bob.ID}
	_, _, err := e.auth.CreateAPIKey(e.ctx, bobCaller, "sonarr")
	wantErr(t, "non-admin creates a key", err, core.ErrForbidden)
	_, _, err = e.auth.CreateAPIKey(e.ctx, e.admin, "  ")
	wantErr(t, "blank name", err, core.ErrInvalid)

	k, secret, err := e.auth.CreateAPIKey(e.ctx, e.admin, " Sonarr ")
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "Sonarr" || k.CreatedBy != e.admin.UserID || len(k.Prefix) != 9 || secret[:9] != k.Prefix || k.Hash == secret {
		t.Fatalf("key = %+v, secret %q", k, secret)
	}
	c, err := e.auth.Authenticate(e.ctx, secret, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.APIKeyID != k.ID || !c.Admin || !c.AllLibraries || c.IsUser() || c.SessionID != "" {
		t.Fatalf("key caller = %+v", c)
	}
	used := func() *time.Time {
		keys, err := e.auth.APIKeys(e.ctx, e.admin)
		if err != nil || len(keys) != 1 {
			t.Fatalf("APIKeys = %v, %v", keys, err)
		}
		return keys[0].LastUsedAt
	}
	if at := used(); at == nil || !at.Equal(e.clock.Now()) {
		t.Fatalf("last used %v, want %v", at, e.clock.Now())
	}
	first := e.clock.Now()
	e.clock.Add(30 * time.Second)
	if _, err := e.auth.Authenticate(e.ctx, secret, ""); err != nil {
		t.Fatal(err)
	}
	if at := used(); at == nil || !at.Equal(first) {
		t.Fatalf("touched again within a minute: %v", at)
	}
	_, err = e.auth.APIKeys(e.ctx, bobCaller)
	wantErr(t, "non-admin lists keys", err, core.ErrForbidden)
	err = e.auth.RevokeAPIKey(e.ctx, bobCaller, k.ID)
	wantErr(t, "non-admin revokes a key", err, core.ErrForbidden)
	wantErr(t, "key logs out", e.auth.Logout(e.ctx, c), core.ErrInvalid)

	if err := e.auth.RevokeAPIKey(e.ctx, e.admin, k.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.Authenticate(e.ctx, secret, "")
	wantErr(t, "revoked key", err, core.ErrUnauthenticated)
	_, err = e.auth.Authenticate(e.ctx, "wk_"+strings.Repeat("A", 43), "")
	wantErr(t, "unknown key", err, core.ErrUnauthenticated)
}

func TestSessionsAndRevokeSession(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	e.user("carol")
	bob := e.caller(e.login("bob", "bob-password", "tv").Access)
	carolTok := e.login("carol", "carol-password", "phone")
	carol := e.caller(carolTok.Access)

	mine, err := e.auth.Sessions(e.ctx, bob, false)
	if err != nil || len(mine) != 1 || mine[0].ID != bob.SessionID {
		t.Fatalf("bob's sessions = %v, %v", mine, err)
	}
	_, err = e.auth.Sessions(e.ctx, bob, true)
	wantErr(t, "non-admin lists every session", err, core.ErrForbidden)
	if all, err := e.auth.Sessions(e.ctx, e.admin, true); err != nil || len(all) != 2 {
		t.Fatalf("all sessions = %v, %v", all, err)
	}
	if none, err := e.auth.Sessions(e.ctx, core.Caller{APIKeyID: "k", Admin: true}, false); err != nil || len(none) != 0 {
		t.Fatalf("an API key's own sessions = %v, %v", none, err)
	}
	err = e.auth.RevokeSession(e.ctx, bob, carol.SessionID)
	wantErr(t, "bob revokes carol's session", err, core.ErrNotFound)
	e.session(carol.SessionID)
	if err := e.auth.RevokeSession(e.ctx, carol, carol.SessionID); err != nil {
		t.Fatalf("carol revokes her own session: %v", err)
	}
	e.gone(carol.SessionID)
	wantErr(t, "revoke a missing session", e.auth.RevokeSession(e.ctx, e.admin, carol.SessionID), core.ErrNotFound)
}

func TestPruneSessions(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	old := e.login("bob", "bob-password", "old")
	e.clock.Add(refreshTTL / 2)
	fresh := e.login("bob", "bob-password", "fresh")
	e.clock.Add(refreshTTL/2 + time.Second)
	if n, err := e.auth.PruneSessions(e.ctx); err != nil || n != 1 {
		t.Fatalf("PruneSessions = %d, %v; want 1", n, err)
	}
	e.gone(old.Session.ID)
	e.session(fresh.Session.ID)
}

// TestMediaTokens: a media token opens the media routes of its item only, for a day, and dies
// with its session; it is never an access token.
func TestMediaTokens(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	tok := e.login("bob", "bob-password", "tv")
	bob := e.caller(tok.Access)
	media, err := e.auth.MediaToken(bob, "item-1")
	if err != nil || media == "" {
		t.Fatalf("media token: %q, %v", media, err)
	}
	c, err := e.auth.AuthenticateMedia(e.ctx, media, "", "item-1")
	if err != nil || c.UserID != bob.UserID || c.SessionID != bob.SessionID {
		t.Fatalf("media token on its item: %+v, %v", c, err)
	}
	_, err = e.auth.AuthenticateMedia(e.ctx, media, "", "item-2")
	wantErr(t, "media token on another item", err, core.ErrUnauthenticated)
	_, err = e.auth.AuthenticateMedia(e.ctx, media, "", "")
	wantErr(t, "media token on a route without an item", err, core.ErrUnauthenticated)
	_, err = e.auth.Authenticate(e.ctx, media, "")
	wantErr(t, "media token as an access token", err, core.ErrUnauthenticated)
	if _, err := e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-1"); err != nil {
		t.Fatalf("an access token on a media route: %v", err)
	}

	// It outlives the access token, not the day.
	e.clock.Add(2 * time.Hour)
	_, err = e.auth.Authenticate(e.ctx, tok.Access, "")
	wantErr(t, "the access token after 2 h", err, core.ErrUnauthenticated)
	if _, err := e.auth.AuthenticateMedia(e.ctx, media, "", "item-1"); err != nil {
		t.Fatalf("the media token after 2 h: %v", err)
	}
	e.clock.Add(core.MediaTokenTTL)
	_, err = e.auth.AuthenticateMedia(e.ctx, media, "", "item-1")
	wantErr(t, "the media token after a day", err, core.ErrUnauthenticated)

	// Signing out revokes the media tokens of the session.
	tok = e.login("bob", "bob-password", "tv2")
	bob = e.caller(tok.Access)
	media, _ = e.auth.MediaToken(bob, "item-1")
	if err := e.auth.Logout(e.ctx, bob); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.AuthenticateMedia(e.ctx, media, "", "item-1")
	wantErr(t, "a media token after logout", err, core.ErrUnauthenticated)

	// An API key does not expire: its callers get no media token.
	if mt, err := e.auth.MediaToken(core.Caller{APIKeyID: "k", Admin: true}, "item-1"); mt != "" || err != nil {
		t.Fatalf("media token for an API key: %q, %v", mt, err)
	}
}

// TestMediaRoutesTrustBriefly: a credential checked on a media route is trusted for two seconds
// (players ask every few hundred milliseconds), except that signing out ends that at once.
func TestMediaRoutesTrustBriefly(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	tok := e.login("bob", "bob-password", "tv")
	if _, err := e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Users.ModifyUser(e.ctx, bob.ID, func(u *core.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-2"); err != nil {
		t.Fatalf("within the two seconds: %v", err)
	}
	_, err := e.auth.Authenticate(e.ctx, tok.Access, "")
	wantErr(t, "other routes check at once", err, core.ErrUnauthenticated)
	e.clock.Add(3 * time.Second)
	_, err = e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-1")
	wantErr(t, "after two seconds", err, core.ErrUnauthenticated)

	e.user("carol")
	tok = e.login("carol", "carol-password", "tv")
	carol := e.caller(tok.Access)
	if _, err := e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-1"); err != nil {
		t.Fatal(err)
	}
	if err := e.auth.Logout(e.ctx, carol); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.AuthenticateMedia(e.ctx, tok.Access, "", "item-1")
	wantErr(t, "right after logout", err, core.ErrUnauthenticated)
}
