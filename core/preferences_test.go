package core_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestPreferences(t *testing.T) {
	e := newEnv(t)
	p := core.NewPreferences(e.st.Preferences, e.clock.Now)
	bob := e.user("bob")
	asBob := core.Caller{UserID: bob.ID, AllLibraries: true}
	key := core.Caller{APIKeyID: "k1", Admin: true, AllLibraries: true}

	if err := p.Put(e.ctx, e.admin, "usersettings", "emby", []byte(`{"CustomPrefs":{"a":"1"}}`)); err != nil {
		t.Fatal(err)
	}
	if got, err := p.Get(e.ctx, e.admin, "usersettings", "emby"); err != nil || string(got) != `{"CustomPrefs":{"a":"1"}}` {
		t.Fatalf("Get = %s, %v", got, err)
	}
	// Each user has their own; an API key has none and cannot store any.
	if _, err := p.Get(e.ctx, asBob, "usersettings", "emby"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("bob's: err = %v, want ErrNotFound", err)
	}
	if _, err := p.Get(e.ctx, key, "usersettings", "emby"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("API key Get: err = %v, want ErrNotFound", err)
	}
	if err := p.Put(e.ctx, key, "usersettings", "emby", []byte(`{}`)); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("API key Put: err = %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		name, key, client, value string
	}{
		{"not JSON", "k", "c", "{"},
		{"too large", "k", "c", `"` + strings.Repeat("x", core.MaxPreferencesSize) + `"`},
		{"no key", " ", "c", "{}"},
		{"long key", strings.Repeat("k", 129), "c", "{}"},
		{"long client", "k", strings.Repeat("c", 129), "{}"},
	} {
		if err := p.Put(e.ctx, asBob, tc.key, tc.client, []byte(tc.value)); !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
}
