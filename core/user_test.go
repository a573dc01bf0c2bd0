package core_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/walros/walros/core"
)

func TestUsersNeedAdmin(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	carol := e.user("carol")
	for _, c := range []core.Caller{
		{UserID: bob.ID, SessionID: "s", AllLibraries: true},
		{},
	} {
		_, err := e.users.Create(e.ctx, c, core.NewUser{Username: "mallory", Password: "mallory-password", Admin: true})
		wantErr(t, "Create", err, core.ErrForbidden)
		_, err = e.users.List(e.ctx, c)
		wantErr(t, "List", err, core.ErrForbidden)
		_, err = e.users.Get(e.ctx, c, carol.ID)
		wantErr(t, "Get", err, core.ErrForbidden)
		_, err = e.users.Update(e.ctx, c, bob.ID, core.UserPatch{Admin: ptr(true)})
		wantErr(t, "Update self to admin", err, core.ErrForbidden)
		_, err = e.users.Update(e.ctx, c, carol.ID, core.UserPatch{Disabled: ptr(true)})
		wantErr(t, "Update other", err, core.ErrForbidden)
		wantErr(t, "Delete", e.users.Delete(e.ctx, c, carol.ID), core.ErrForbidden)
	}
	if _, err := e.st.Users.UserByName(e.ctx, "mallory"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("mallory exists: %v", err)
	}
	for _, id := range []core.UserID{bob.ID, carol.ID} {
		if u, _ := e.st.Users.User(e.ctx, id); u.Admin || u.Disabled {
			t.Fatalf("refused updates changed %s: %+v", u.Username, u)
		}
	}
	if all, err := e.users.List(e.ctx, e.admin); err != nil || len(all) != 3 {
		t.Fatalf("admin List = %d users, %v", len(all), err)
	}
	if got, err := e.users.Get(e.ctx, e.admin, bob.ID); err != nil || got.Username != "bob" {
		t.Fatalf("admin Get = %+v, %v", got, err)
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	e := newEnv(t)
	for name, p := range map[string]core.UserPatch{
		"demote":           {Admin: ptr(false)},
		"disable":          {Disabled: ptr(true)},
		"demote and other": {Admin: ptr(false), DisplayName: ptr("Boss")},
	} {
		_, err := e.users.Update(e.ctx, e.admin, e.admin.UserID, p)
		wantErr(t, name+" self", err, core.ErrInvalid)
	}
	wantErr(t, "delete self", e.users.Delete(e.ctx, e.admin, e.admin.UserID), core.ErrInvalid)
	u, err := e.st.Users.User(e.ctx, e.admin.UserID)
	if err != nil || !u.Admin || u.Disabled || u.DisplayName != "admin" {
		t.Fatalf("admin after refused changes = %+v, %v", u, err)
	}
	// What stays allowed on oneself, and on another admin.
	if _, err := e.users.Update(e.ctx, e.admin, e.admin.UserID, core.UserPatch{Admin: ptr(true), Disabled: ptr(false),
		DisplayName: ptr("Boss")}); err != nil {
		t.Fatalf("harmless self update: %v", err)
	}
	other, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: "root2", Password: "root2-password", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.admin, other.ID, core.UserPatch{Admin: ptr(false)}); err != nil {
		t.Fatalf("demote another admin: %v", err)
	}
	if err := e.users.Delete(e.ctx, e.admin, other.ID); err != nil {
		t.Fatalf("delete another user: %v", err)
	}
	wantErr(t, "delete again", e.users.Delete(e.ctx, e.admin, other.ID), core.ErrNotFound)
}

func TestCreateUserValidation(t *testing.T) {
	e := newEnv(t)
	lib := e.library("Movies")
	for name, n := range map[string]core.NewUser{
		"no username":     {Password: "long-enough"},
		"slash":           {Username: "a/b", Password: "long-enough"},
		"short password":  {Username: "dave", Password: "short"},
		"bad displayName": {Username: "dave", Password: "long-enough", DisplayName: "a\nb"},
		"unknown library": {Username: "dave", Password: "long-enough", LibraryIDs: []core.LibraryID{lib.ID, "nope"}},
	} {
		_, err := e.users.Create(e.ctx, e.admin, n)
		wantErr(t, name, err, core.ErrInvalid)
	}
	_, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: " ADMIN ", Password: "long-enough"})
	wantErr(t, "taken name in another case", err, core.ErrConflict)
	if n, _ := e.st.Users.CountUsers(e.ctx); n != 1 {
		t.Fatalf("%d users after refused creates, want 1", n)
	}

	u, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: " dave ", Password: "dave-password",
		LibraryIDs: []core.LibraryID{lib.ID, lib.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "dave" || u.DisplayName != "dave" || u.Admin || u.AllLibraries ||
		!slices.Equal(u.LibraryIDs, []core.LibraryID{lib.ID}) || u.PasswordHash == "dave-password" {
		t.Fatalf("created %+v", u)
	}
	e.login("dave", "dave-password", "")
	all, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: "erin", Password: "erin-password",
		AllLibraries: true, LibraryIDs: []core.LibraryID{"ignored"}})
	if err != nil || len(all.LibraryIDs) != 0 {
		t.Fatalf("all libraries: %+v, %v; want the list dropped", all, err)
	}
}

func TestUpdateUserGrants(t *testing.T) {
	e := newEnv(t)
	movies, shows := e.library("Movies"), e.library("Shows")
	bob := e.user("bob", movies.ID)
	_, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{LibraryIDs: &[]core.LibraryID{shows.ID, "nope"}})
	wantErr(t, "grant unknown library", err, core.ErrInvalid)
	if u, _ := e.st.Users.User(e.ctx, bob.ID); !slices.Equal(u.LibraryIDs, []core.LibraryID{movies.ID}) {
		t.Fatalf("refused grant changed the grants: %v", u.LibraryIDs)
	}
	u, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{LibraryIDs: &[]core.LibraryID{shows.ID}})
	if err != nil || !slices.Equal(u.LibraryIDs, []core.LibraryID{shows.ID}) {
		t.Fatalf("grant shows = %v, %v", u.LibraryIDs, err)
	}
	tok := e.login("bob", "bob-password", "tv")
	if c := e.caller(tok.Access); c.CanSee(movies.ID) || !c.CanSee(shows.ID) {
		t.Fatalf("caller after grant = %+v", c)
	}
	u, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{AllLibraries: ptr(true)})
	if err != nil || !u.AllLibraries || len(u.LibraryIDs) != 0 {
		t.Fatalf("all libraries = %+v, %v", u, err)
	}
	if c := e.caller(tok.Access); !c.CanSee(movies.ID) {
		t.Fatal("a grant change did not reach a live session")
	}
	_, err = e.users.Update(e.ctx, e.admin, "00000000-0000-0000-0000-000000000000", core.UserPatch{Admin: ptr(true)})
	wantErr(t, "update missing user", err, core.ErrNotFound)
	_, err = e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Password: ptr("short")})
	wantErr(t, "short password", err, core.ErrInvalid)
	e.caller(tok.Access) // a refused reset ends no session
}

func TestUpdateMe(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	here := e.login("bob", "bob-password", "laptop")
	there := e.login("bob", "bob-password", "phone")
	me := e.caller(here.Access)

	u, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{DisplayName: ptr(" Bobby ")})
	if err != nil || u.DisplayName != "Bobby" {
		t.Fatalf("rename = %+v, %v", u, err)
	}
	e.caller(there.Access) // a rename ends no session

	for name, p := range map[string]core.SelfPatch{
		"no current password":    {NewPassword: ptr("brand-new-password")},
		"wrong current password": {CurrentPassword: "wrong-password", NewPassword: ptr("brand-new-password")},
		"short new password":     {CurrentPassword: "bob-password", NewPassword: ptr("short")},
	} {
		_, err := e.users.UpdateMe(e.ctx, me, p)
		wantErr(t, name, err, core.ErrInvalid)
		e.caller(there.Access)
	}
	if _, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{CurrentPassword: "bob-password",
		NewPassword: ptr("brand-new-password")}); err != nil {
		t.Fatal(err)
	}
	e.caller(here.Access)
	e.gone(there.Session.ID)
	_, err = e.auth.Login(e.ctx, "bob", "bob-password", core.Device{Address: "192.0.2.99"})
	wantErr(t, "old password", err, core.ErrUnauthenticated)
	e.login("bob", "brand-new-password", "")

	_, err = e.users.UpdateMe(e.ctx, core.Caller{APIKeyID: "k", Admin: true}, core.SelfPatch{DisplayName: ptr("x")})
	wantErr(t, "API key has no self", err, core.ErrNotFound)
	if got, err := e.users.Me(e.ctx, me); err != nil || got.DisplayName != "Bobby" {
		t.Fatalf("Me = %+v, %v", got, err)
	}
}

// TestUpdateMeThrottled checks that a stolen access token cannot be used to guess the password
// through UpdateMe: wrong current passwords count like failed logins (DefaultThrottle).
func TestUpdateMeThrottled(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	me := e.caller(e.login("bob", "bob-password", "").Access)
	for range core.DefaultThrottle.MaxFailures {
		_, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{CurrentPassword: "guess-password", NewPassword: ptr("new-password")})
		wantErr(t, "guess", err, core.ErrInvalid)
	}
	_, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{CurrentPassword: "bob-password", NewPassword: ptr("new-password")})
	wantErr(t, "right password after the guesses", err, core.ErrThrottled)
	if _, err := e.users.UpdateMe(e.ctx, me, core.SelfPatch{DisplayName: ptr("Bob")}); err != nil {
		t.Fatalf("a rename needs no password and is not throttled: %v", err)
	}
	e.login("bob", "bob-password", "") // the password did not change
}

func TestAdminPasswordResetEndsEverySession(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	a, b := e.login("bob", "bob-password", "a"), e.login("bob", "bob-password", "b")
	if _, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Password: ptr("reset-password")}); err != nil {
		t.Fatal(err)
	}
	e.gone(a.Session.ID)
	e.gone(b.Session.ID)
	e.login("bob", "reset-password", "")
}

func TestBootstrap(t *testing.T) {
	e := newBareEnv(t)
	_, err := e.users.Bootstrap(e.ctx, "root", "short")
	wantErr(t, "short password", err, core.ErrInvalid)
	ok, err := e.users.Bootstrap(e.ctx, "root", "root-password")
	if !ok || err != nil {
		t.Fatalf("first Bootstrap = %v, %v", ok, err)
	}
	for _, name := range []string{"root", "other"} {
		if ok, err := e.users.Bootstrap(e.ctx, name, "other-password"); ok || err != nil {
			t.Fatalf("Bootstrap(%s) again = %v, %v; want false, nil", name, ok, err)
		}
	}
	users, err := e.st.Users.Users(e.ctx)
	if err != nil || len(users) != 1 {
		t.Fatalf("users = %+v, %v; want exactly one", users, err)
	}
	if u := users[0]; u.Username != "root" || !u.Admin || !u.AllLibraries || u.Disabled {
		t.Fatalf("bootstrapped %+v", u)
	}
	e.login("root", "root-password", "")
}
