package core

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestCallerCanSee(t *testing.T) {
	granted := Caller{UserID: "u", Libraries: []LibraryID{"a", "b"}}
	for _, tc := range []struct {
		name   string
		caller Caller
		lib    LibraryID
		want   bool
	}{
		{"admin", Caller{UserID: "u", Admin: true}, "x", true},
		{"api key", Caller{APIKeyID: "k", Admin: true, AllLibraries: true}, "x", true},
		{"all libraries", Caller{UserID: "u", AllLibraries: true}, "x", true},
		{"granted", granted, "b", true},
		{"not granted", granted, "c", false},
		{"empty id", granted, "", false},
		{"no grants", Caller{UserID: "u"}, "a", false},
		{"empty grants", Caller{UserID: "u", Libraries: []LibraryID{}}, "a", false},
		{"anonymous", Caller{}, "a", false},
	} {
		if got := tc.caller.CanSee(tc.lib); got != tc.want {
			t.Errorf("%s: CanSee(%q) = %v, want %v", tc.name, tc.lib, got, tc.want)
		}
	}
}

func TestCallerVisibleLibraries(t *testing.T) {
	for _, tc := range []struct {
		name    string
		caller  Caller
		wantNil bool // nil means every library
		want    []LibraryID
	}{
		{"admin", Caller{Admin: true, Libraries: []LibraryID{"a"}}, true, nil},
		{"all libraries", Caller{AllLibraries: true, Libraries: []LibraryID{"a"}}, true, nil},
		{"granted", Caller{Libraries: []LibraryID{"a", "b"}}, false, []LibraryID{"a", "b"}},
		{"no grants", Caller{}, false, []LibraryID{}},
		{"empty grants", Caller{Libraries: []LibraryID{}}, false, []LibraryID{}},
	} {
		got := tc.caller.visibleLibraries()
		if (got == nil) != tc.wantNil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: visibleLibraries() = %#v, want %#v", tc.name, got, tc.want)
		}
	}
}

func TestCallerRequire(t *testing.T) {
	user, admin, key := Caller{UserID: "u"}, Caller{UserID: "a", Admin: true}, Caller{APIKeyID: "k", Admin: true}
	if err := user.requireAdmin(); !errors.Is(err, ErrForbidden) {
		t.Errorf("user requireAdmin = %v, want ErrForbidden", err)
	}
	if admin.requireAdmin() != nil || key.requireAdmin() != nil {
		t.Error("an admin or API key was refused admin rights")
	}
	if err := key.requireUser(); !errors.Is(err, ErrNotFound) || key.IsUser() {
		t.Errorf("API key requireUser = %v, want ErrNotFound", err)
	}
	if user.requireUser() != nil || !user.IsUser() {
		t.Error("a user was refused as a user")
	}
}

func TestErrorsMatchSentinels(t *testing.T) {
	fe := Invalid("name", "must be at most %d characters", 5)
	if !errors.Is(fe, ErrInvalid) || fe.Error() != "name: must be at most 5 characters" {
		t.Errorf("Invalid = %q, Is(ErrInvalid) = %v", fe, errors.Is(fe, ErrInvalid))
	}
	if e := Invalid("", "bad"); e.Error() != "bad" {
		t.Errorf("fieldless Invalid = %q", e)
	}
	var te error = &ThrottledError{RetryAfter: 1500 * time.Millisecond}
	if !errors.Is(te, ErrThrottled) || errors.Is(te, ErrInvalid) || te.Error() != "too many attempts; retry in 2s" {
		t.Errorf("ThrottledError = %q", te)
	}
}
