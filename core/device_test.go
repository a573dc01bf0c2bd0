package core_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestDeviceTokens(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	dev := core.Device{Client: "Jellyfin Web", DeviceID: "tv-1", DeviceName: "Firefox", Address: "192.0.2.9"}
	tok, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(tok.Device) {
		t.Fatalf("device token %q: want 32 lower-case hex digits, as Jellyfin's", tok.Device)
	}
	s := e.session(tok.Session.ID)
	if s.DeviceTokenHash == "" || s.DeviceTokenHash == tok.Device {
		t.Fatalf("stored device token hash = %q", s.DeviceTokenHash)
	}
	c, err := e.auth.Authenticate(e.ctx, tok.Device, "192.0.2.9")
	if err != nil || c.UserID != bob.ID || c.SessionID != s.ID {
		t.Fatalf("Authenticate(device token) = %+v, %v", c, err)
	}

	// Used now and then, it outlives the refresh lifetime: each use moves the expiry.
	for range 3 {
		e.clock.Add(refreshTTL - time.Hour)
		if _, err := e.auth.Authenticate(e.ctx, tok.Device, "192.0.2.9"); err != nil {
			t.Fatalf("device token used within its lifetime: %v", err)
		}
	}
	// Left unused past it, it stops working.
	e.clock.Add(refreshTTL + time.Minute)
	if _, err := e.auth.Authenticate(e.ctx, tok.Device, "192.0.2.9"); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("expired device token: %v; want ErrUnauthenticated", err)
	}

	// A new login on the device replaces the old token; logout ends the new one.
	first, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, first.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("replaced device token: %v; want ErrUnauthenticated", err)
	}
	c, err = e.auth.Authenticate(e.ctx, second.Device, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.Logout(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, second.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("device token after logout: %v; want ErrUnauthenticated", err)
	}

	// Made-up tokens of the right shape, and disabled users, are refused.
	if _, err := e.auth.Authenticate(e.ctx, "0123456789abcdef0123456789abcdef", ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("unknown device token: %v", err)
	}
	third, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, third.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("device token of a disabled user: %v", err)
	}
}

func TestApproveDevice(t *testing.T) {
	e := newEnv(t)
	bob, carol := e.user("bob"), e.user("carol")
	bobCaller := e.caller(e.login("bob", "bob-password", "phone").Access)
	dev := core.Device{Client: "Findroid", DeviceID: "tablet", DeviceName: "Tablet"}
	if _, err := e.auth.ApproveDevice(e.ctx, bobCaller, carol.ID, dev); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("approving for another user: %v; want ErrForbidden", err)
	}
	tok, err := e.auth.ApproveDevice(e.ctx, bobCaller, bob.ID, dev)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.auth.Authenticate(e.ctx, tok.Device, ""); err != nil || c.UserID != bob.ID {
		t.Fatalf("approved device = %+v, %v", c, err)
	}
	if _, err := e.auth.ApproveDevice(e.ctx, e.admin, carol.ID, dev); err != nil {
		t.Fatalf("an admin approving for carol: %v", err)
	}
}

// TestDeviceTokenSessionKept checks the trust of decision 0008 for device tokens: the session is
// read at most every 2 s (a session deleted behind Auth's back still works within them), revoking
// ends it at once, and the user is read on every call.
func TestDeviceTokenSessionKept(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	dev := core.Device{Client: "Jellyfin Web", DeviceID: "tv-1", DeviceName: "Firefox"}
	first, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, first.Device, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Sessions.DeleteSession(e.ctx, first.Session.ID); err != nil { // as another process would
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, first.Device, ""); err != nil {
		t.Fatalf("within 2 s of its check: %v; want the kept session", err)
	}
	e.clock.Add(2*time.Second + time.Millisecond)
	if _, err := e.auth.Authenticate(e.ctx, first.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("2 s after its check: %v; want ErrUnauthenticated", err)
	}

	dev.DeviceID = "tv-2"
	second, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.auth.Authenticate(e.ctx, second.Device, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.RevokeSession(e.ctx, c, c.SessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, second.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("revoked: %v; want ErrUnauthenticated at once", err)
	}

	third, err := e.auth.LoginDevice(e.ctx, "bob", "bob-password", dev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, third.Device, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.Update(e.ctx, e.admin, bob.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.Authenticate(e.ctx, third.Device, ""); !errors.Is(err, core.ErrUnauthenticated) {
		t.Fatalf("disabled, with a kept session: %v; want ErrUnauthenticated at once", err)
	}
}
