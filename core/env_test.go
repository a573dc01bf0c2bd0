package core_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/store"
)

// cheap keeps argon2 fast in tests; the production parameters are tested in password_test.go.
var cheap = core.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// throttle is small enough for tests to reach its limits.
var throttle = core.ThrottleConfig{MaxFailures: 3, Window: 10 * time.Minute, Lockout: 30 * time.Second, MaxLockout: 5 * time.Minute}

const (
	accessTTL  = 15 * time.Minute
	refreshTTL = 24 * time.Hour
	adminPass  = "admin-password"
)

// clock is a test clock that can be moved forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is every core service over one real SQLite store, with an admin already made.
type env struct {
	t     testing.TB
	ctx   context.Context
	clock *clock
	db    *store.DB
	st    store.Stores
	auth  *core.Auth
	users *core.Users
	libs  *core.Libraries
	items *core.Items
	ud    *core.UserDataService
	admin core.Caller
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// newBareEnv opens a fresh database and builds the services; there is no user yet.
func newBareEnv(t *testing.T) *env {
	t.Helper()
	return newBareEnvOn(t, "")
}

// newBareEnvOn is newBareEnv on the database dsn names ("" for SQLite in a temporary folder); a
// test runs in parallel, a benchmark does not.
func newBareEnvOn(t testing.TB, dsn string) *env {
	t.Helper()
	if t, ok := t.(*testing.T); ok {
		t.Parallel()
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, ctx: ctx, clock: &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}, db: db, st: db.Stores()}
	e.auth = e.newAuth(e.st.Users)
	e.users = core.NewUsers(core.UsersDeps{Users: e.st.Users, Libraries: e.st.Libraries, Sessions: e.st.Sessions,
		Password: cheap, Now: e.clock.Now, NewID: newID})
	e.libs = core.NewLibraries(e.st.Libraries, e.clock.Now, newID)
	e.items = core.NewItems(e.st.Items, e.st.Media, e.st.Metadata)
	e.ud = core.NewUserData(e.st.UserData, e.st.Items, core.DefaultUserDataConfig, e.clock.Now)
	return e
}

// newEnv is newBareEnv with a bootstrapped admin, who is e.admin.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, "")
}

// newEnvOn is newEnv on the database dsn names.
func newEnvOn(t testing.TB, dsn string) *env {
	t.Helper()
	e := newBareEnvOn(t, dsn)
	if ok, err := e.users.Bootstrap(e.ctx, "admin", adminPass); !ok || err != nil {
		t.Fatalf("Bootstrap = %v, %v", ok, err)
	}
	u, err := e.st.Users.UserByName(e.ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	e.admin = core.Caller{UserID: u.ID, Admin: true, AllLibraries: true}
	return e
}

// newAuth builds an Auth over users, which tests may wrap to change what the store does.
func (e *env) newAuth(users core.UserStore) *core.Auth {
	e.t.Helper()
	a, err := core.NewAuth(core.AuthConfig{SigningKey: core.NewSigningKey(), AccessTTL: accessTTL, RefreshTTL: refreshTTL,
		Throttle: throttle, Password: cheap},
		core.AuthDeps{Users: users, Sessions: e.st.Sessions, Keys: e.st.APIKeys, Links: e.st.Links, Now: e.clock.Now, NewID: newID})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// user creates a user who is not an admin, with the password name+"-password" and the given libraries.
func (e *env) user(name string, libs ...core.LibraryID) core.User {
	e.t.Helper()
	u, err := e.users.Create(e.ctx, e.admin, core.NewUser{Username: name, Password: name + "-password",
		LibraryIDs: libs, AllLibraries: libs == nil})
	if err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// library creates a movie library.
func (e *env) library(name string) core.Library {
	e.t.Helper()
	l, err := e.libs.Create(e.ctx, e.admin, core.NewLibrary{Name: name, Type: core.LibraryMovies, Paths: []string{"/media/" + name}})
	if err != nil {
		e.t.Fatalf("create library %s: %v", name, err)
	}
	return l
}

// login signs in from a fixed address and fails the test on error.
func (e *env) login(name, password, deviceID string) core.Tokens {
	e.t.Helper()
	tok, err := e.auth.Login(e.ctx, name, password, core.Device{Client: "test", DeviceID: deviceID, DeviceName: "Test", Address: "192.0.2.1"})
	if err != nil {
		e.t.Fatalf("login %s: %v", name, err)
	}
	return tok
}

// caller authenticates an access token and fails the test on error.
func (e *env) caller(access string) core.Caller {
	e.t.Helper()
	c, err := e.auth.Authenticate(e.ctx, access, "192.0.2.1")
	if err != nil {
		e.t.Fatalf("authenticate: %v", err)
	}
	return c
}

// session reads a session from the store, or fails the test.
func (e *env) session(id core.SessionID) core.Session {
	e.t.Helper()
	s, err := e.st.Sessions.Session(e.ctx, id)
	if err != nil {
		e.t.Fatalf("session %s: %v", id, err)
	}
	return s
}

// gone checks that the session no longer exists.
func (e *env) gone(id core.SessionID) {
	e.t.Helper()
	if _, err := e.st.Sessions.Session(e.ctx, id); !errors.Is(err, core.ErrNotFound) {
		e.t.Fatalf("session %s: err = %v, want ErrNotFound", id, err)
	}
}

// wantErr fails the test unless err is target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: err = %v, want %v", what, err, target)
	}
}

func ptr[T any](v T) *T { return &v }
