package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

func TestLinkedTokens(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		lib := e.library("Movies")
		ann := e.user("ann", lib.ID)
		const plexToken = "xQ3pZ7yW9aB2cD4eF6gH" // a plex.tv account token's shape
		lt, err := e.auth.LinkToken(e.ctx, e.admin, ann.ID, " plex.tv ", plexToken)
		if err != nil {
			t.Fatal(err)
		}
		if lt.Label != "plex.tv" || lt.User != ann.ID || lt.Prefix != "xQ3p" || strings.Contains(lt.Hash, plexToken) {
			t.Fatalf("linked %+v", lt)
		}
		c, err := e.auth.Authenticate(e.ctx, plexToken, "192.0.2.9")
		if err != nil || c.UserID != ann.ID || c.Admin || !c.CanSee(lib.ID) || c.AllLibraries {
			t.Fatalf("caller %+v, %v", c, err)
		}
		if list, _ := e.auth.LinkedTokens(e.ctx, e.admin, ann.ID); len(list) != 1 || list[0].LastUsedAt == nil {
			t.Errorf("listed %+v", list)
		}
		// An admin's linked token administers nothing.
		if _, err := e.auth.LinkToken(e.ctx, e.admin, e.admin.UserID, "plex.tv", "AdminPlexToken123"); err != nil {
			t.Fatal(err)
		}
		if c, err := e.auth.Authenticate(e.ctx, "AdminPlexToken123", ""); err != nil || c.Admin || !c.AllLibraries {
			t.Errorf("an admin's linked token: %+v, %v", c, err)
		}
		// Only admins link and list; bad tokens are refused; one token links one user.
		annCaller := core.Caller{UserID: ann.ID, Libraries: []core.LibraryID{lib.ID}}
		wantErr(t, "a user links", func() error { _, err := e.auth.LinkToken(e.ctx, annCaller, ann.ID, "x", "abcdefghij"); return err }(), core.ErrForbidden)
		for _, bad := range []string{"short", "has.a.dot.in.it", "wk_" + strings.Repeat("a", 20), strings.Repeat("ab", 16),
			"has space inside", strings.Repeat("z", 600), "tab\tinside12"} {
			if _, err := e.auth.LinkToken(e.ctx, e.admin, ann.ID, "x", bad); !errors.Is(err, core.ErrInvalid) {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		if _, err := e.auth.LinkToken(e.ctx, e.admin, ann.ID, "again", plexToken); !errors.Is(err, core.ErrConflict) {
			t.Errorf("linked twice: %v", err)
		}
		if _, err := e.auth.LinkToken(e.ctx, e.admin, "no-such-user", "x", "abcdefghijk"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		// A disabled user's token stops working at once; so does an unlinked one.
		if _, err := e.users.Update(e.ctx, e.admin, ann.ID, core.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.Authenticate(e.ctx, plexToken, ""); !errors.Is(err, core.ErrUnauthenticated) {
			t.Errorf("disabled: %v", err)
		}
		if _, err := e.users.Update(e.ctx, e.admin, ann.ID, core.UserPatch{Disabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if err := e.auth.UnlinkToken(e.ctx, e.admin, lt.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Second)
		if _, err := e.auth.Authenticate(e.ctx, plexToken, ""); !errors.Is(err, core.ErrUnauthenticated) {
			t.Errorf("unlinked: %v", err)
		}
		if _, err := e.auth.Authenticate(e.ctx, "neverlinkedtoken", ""); !errors.Is(err, core.ErrUnauthenticated) {
			t.Errorf("unknown: %v", err)
		}
	})
}
