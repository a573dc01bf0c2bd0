package core

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxPreferencesSize is the largest preferences value a user may store: a client's display
// settings, not a place for data.
const MaxPreferencesSize = 64 << 10

// MaxPreferencesPerUser bounds how many values one user keeps: keys and clients are free text.
const MaxPreferencesPerUser = 500

// PreferencesStore persists user preferences: opaque JSON values keyed by user, key and client.
type PreferencesStore interface {
	// Preferences returns the stored value, or ErrNotFound when there is none.
	Preferences(ctx context.Context, user UserID, key, client string) ([]byte, error)
	// PutPreferences stores a value, replacing any other under the same user, key and client;
	// ErrInvalid when the user would keep more than limit values.
	PutPreferences(ctx context.Context, user UserID, key, client string, value []byte, at time.Time, limit int) error
}

// Preferences keeps what clients remember for each user (Jellyfin's display preferences: sort
// orders, view types, the home screen's sections). Values are JSON that Walros does not read.
// Like user data, preferences belong to users: an API key has none.
type Preferences struct {
	store PreferencesStore
	now   Clock
}

// NewPreferences returns the preferences service.
func NewPreferences(store PreferencesStore, now Clock) *Preferences {
	return &Preferences{store: store, now: now}
}

// Get returns the caller's value for key and client, or ErrNotFound when they stored none (and
// always for an API key).
func (p *Preferences) Get(ctx context.Context, c Caller, key, client string) ([]byte, error) {
	if err := c.requireUser(); err != nil {
		return nil, err
	}
	if err := checkPreferenceKeys(key, client); err != nil {
		return nil, err
	}
	return p.store.Preferences(ctx, c.UserID, key, client)
}

// Put stores the caller's value for key and client: a JSON document of at most
// MaxPreferencesSize bytes.
func (p *Preferences) Put(ctx context.Context, c Caller, key, client string, value []byte) error {
	if err := c.requireUser(); err != nil {
		return err
	}
	if err := checkPreferenceKeys(key, client); err != nil {
		return err
	}
	switch {
	case len(value) > MaxPreferencesSize:
		return Invalid("preferences", "larger than %d bytes", MaxPreferencesSize)
	case !json.Valid(value):
		return Invalid("preferences", "not JSON")
	}
	return p.store.PutPreferences(ctx, c.UserID, key, client, value, p.now().UTC(), MaxPreferencesPerUser)
}

// checkPreferenceKeys bounds the key and client names, which clients choose freely.
func checkPreferenceKeys(key, client string) error {
	for _, f := range []struct{ name, v string }{{"key", key}, {"client", client}} {
		if len(f.v) > 128 || !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return Invalid(f.name, "must be valid text of at most 128 bytes")
		}
	}
	if strings.TrimSpace(key) == "" {
		return Invalid("key", "must not be empty")
	}
	return nil
}
