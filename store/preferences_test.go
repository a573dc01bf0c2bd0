package store

import (
	"context"
	"errors"
	"testing"

	"github.com/walros/walros/core"
)

func TestPreferences(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		st := db.Stores()
		for _, u := range []core.User{testUser("u1", "alice"), testUser("u2", "bob")} {
			if err := st.Users.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		p := st.Preferences
		if _, err := p.Preferences(ctx, "u1", "usersettings", "emby"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("nothing stored: err = %v, want ErrNotFound", err)
		}
		if err := p.PutPreferences(ctx, "u1", "usersettings", "emby", []byte(`{"a":1}`), t0, 2); err != nil {
			t.Fatal(err)
		}
		if err := p.PutPreferences(ctx, "u1", "usersettings", "emby", []byte(`{"a":2}`), t0, 2); err != nil {
			t.Fatalf("replace: %v", err)
		}
		if err := p.PutPreferences(ctx, "u1", "usersettings", "other", []byte(`{"b":1}`), t0, 2); err != nil {
			t.Fatal(err)
		}
		// Two values is this call's limit: a third key is refused, replacing one is not.
		if err := p.PutPreferences(ctx, "u1", "third", "emby", []byte(`{}`), t0, 2); !errors.Is(err, core.ErrInvalid) {
			t.Fatalf("a value past the limit: %v, want ErrInvalid", err)
		}
		if err := p.PutPreferences(ctx, "u1", "usersettings", "emby", []byte(`{"a":2}`), t0, 2); err != nil {
			t.Fatalf("replacing at the limit: %v", err)
		}
		for _, tc := range []struct {
			user        core.UserID
			key, client string
			want        string
		}{
			{"u1", "usersettings", "emby", `{"a":2}`},
			{"u1", "usersettings", "other", `{"b":1}`},
			{"u2", "usersettings", "emby", ""},
			{"u1", "home", "emby", ""},
		} {
			got, err := p.Preferences(ctx, tc.user, tc.key, tc.client)
			if tc.want == "" {
				if !errors.Is(err, core.ErrNotFound) {
					t.Errorf("%s/%s/%s: %q, %v; want ErrNotFound", tc.user, tc.key, tc.client, got, err)
				}
				continue
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("%s/%s/%s: %q, %v; want %s", tc.user, tc.key, tc.client, got, err, tc.want)
			}
		}
		// A user's preferences go with them.
		if err := st.Users.DeleteUser(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Preferences(ctx, "u1", "usersettings", "emby"); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("after the user is deleted: err = %v", err)
		}
	})
}
