package core_test

import (
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// TestImageTokens: an image token comes with every login and refresh, stays the same string for
// a window of hours (so image URLs stay cacheable), opens the image routes of any item and
// nothing else, and dies with its session.
func TestImageTokens(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	tok := e.login("bob", "bob-password", "tv")
	if tok.Images == "" || tok.Images == tok.Access {
		t.Fatalf("login gave image token %q", tok.Images)
	}
	for _, item := range []core.ItemID{"item-1", "item-2", ""} {
		c, err := e.auth.AuthenticateImage(e.ctx, tok.Images, "", item)
		if err != nil || c.SessionID != tok.Session.ID {
			t.Fatalf("image token on an image of %q: %+v, %v", item, c, err)
		}
	}
	_, err := e.auth.AuthenticateMedia(e.ctx, tok.Images, "", "item-1")
	wantErr(t, "image token on a stream", err, core.ErrUnauthenticated)
	_, err = e.auth.Authenticate(e.ctx, tok.Images, "")
	wantErr(t, "image token as an access token", err, core.ErrUnauthenticated)

	// Image routes take the other credentials too, and a media token for the image's item only.
	bob := e.caller(tok.Access)
	if _, err := e.auth.AuthenticateImage(e.ctx, tok.Access, "", "item-1"); err != nil {
		t.Fatalf("an access token on an image: %v", err)
	}
	media, _ := e.auth.MediaToken(bob, "item-1")
	if _, err := e.auth.AuthenticateImage(e.ctx, media, "", "item-1"); err != nil {
		t.Fatalf("a media token on its item's image: %v", err)
	}
	_, err = e.auth.AuthenticateImage(e.ctx, media, "", "item-2")
	wantErr(t, "a media token on another item's image", err, core.ErrUnauthenticated)

	// A refresh within the window gives the same image token; the access token changes.
	e.clock.Add(time.Minute)
	again, err := e.auth.Refresh(e.ctx, tok.Refresh, "")
	if err != nil {
		t.Fatal(err)
	}
	if again.Access == tok.Access {
		t.Fatal("the refresh gave the same access token")
	}
	same, _ := e.auth.ImageToken(bob)
	if again.Images != tok.Images || same != tok.Images {
		t.Fatalf("image tokens within one window differ: %q, %q, %q", tok.Images, again.Images, same)
	}
	// The next window gives another, and the old one still works for a day.
	e.clock.Add(core.ImageTokenWindow)
	next, _ := e.auth.ImageToken(bob)
	if next == tok.Images {
		t.Fatal("the image token did not change after a window")
	}
	if _, err := e.auth.AuthenticateImage(e.ctx, tok.Images, "", "item-1"); err != nil {
		t.Fatalf("the last window's image token: %v", err)
	}
	e.clock.Add(core.ImageTokenTTL)
	_, err = e.auth.AuthenticateImage(e.ctx, tok.Images, "", "item-1")
	wantErr(t, "an image token past its lifetime", err, core.ErrUnauthenticated)

	// Signing out ends it.
	tok = e.login("bob", "bob-password", "tv2")
	if _, err := e.auth.AuthenticateImage(e.ctx, tok.Images, "", "item-1"); err != nil {
		t.Fatal(err)
	}
	if err := e.auth.Logout(e.ctx, e.caller(tok.Access)); err != nil {
		t.Fatal(err)
	}
	_, err = e.auth.AuthenticateImage(e.ctx, tok.Images, "", "item-1")
	wantErr(t, "an image token after logout", err, core.ErrUnauthenticated)

	if it, err := e.auth.ImageToken(core.Caller{APIKeyID: "k", Admin: true}); it != "" || err != nil {
		t.Fatalf("image token for an API key: %q, %v", it, err)
	}
}
