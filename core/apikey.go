package core

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// APIKeyID identifies an API key: a UUID.
type APIKeyID string

// APIKey lets a tool (Sonarr, Radarr, Jellyseerr...) call the server with admin rights and no user,
// as Jellyfin's API keys do. Only the SHA-256 of the secret is stored.
type APIKey struct {
	ID         APIKeyID
	Name       string
	Prefix     string // the first characters of the secret, so people can tell keys apart
	Hash       string
	CreatedBy  UserID
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// APIKeyStore persists API keys.
type APIKeyStore interface {
	CreateAPIKey(ctx context.Context, k APIKey) error
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	APIKeys(ctx context.Context) ([]APIKey, error)
	DeleteAPIKey(ctx context.Context, id APIKeyID) error
	TouchAPIKey(ctx context.Context, id APIKeyID, used time.Time) error
}

// apiKeyPrefix starts every API key, so that Authenticate can tell them from JWTs at a glance.
const apiKeyPrefix = "wk_"

// CreateAPIKey makes a key named name and returns it with its secret, which is never shown again.
func (a *Auth) CreateAPIKey(ctx context.Context, c Caller, name string) (APIKey, string, error) {
	if err := c.requireAdmin(); err != nil {
		return APIKey{}, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return APIKey{}, "", Invalid("name", "must be 1 to 100 characters")
	}
	secret := apiKeyPrefix + randomToken()
	k := APIKey{ID: APIKeyID(a.newID()), Name: name, Prefix: secret[:len(apiKeyPrefix)+6], Hash: tokenHash(secret),
		CreatedBy: c.UserID, CreatedAt: a.now().UTC()}
	if err := a.keys.CreateAPIKey(ctx, k); err != nil {
		return APIKey{}, "", err
	}
	return k, secret, nil
}

// APIKeys lists every key; only admins may.
func (a *Auth) APIKeys(ctx context.Context, c Caller) ([]APIKey, error) {
	if err := c.requireAdmin(); err != nil {
		return nil, err
	}
	return a.keys.APIKeys(ctx)
}

// APIKeyBySecret finds the key whose secret this is; only admins may look.
func (a *Auth) APIKeyBySecret(ctx context.Context, c Caller, secret string) (APIKey, error) {
	if err := c.requireAdmin(); err != nil {
		return APIKey{}, err
	}
	if !strings.HasPrefix(secret, apiKeyPrefix) {
		return APIKey{}, ErrNotFound
	}
	return a.keys.APIKeyByHash(ctx, tokenHash(secret))
}

// RevokeAPIKey deletes a key; only admins may.
func (a *Auth) RevokeAPIKey(ctx context.Context, c Caller, id APIKeyID) error {
	if err := c.requireAdmin(); err != nil {
		return err
	}
	defer a.media.clear()
	return a.keys.DeleteAPIKey(ctx, id)
}

func (a *Auth) authenticateKey(ctx context.Context, secret string) (Caller, error) {
	k, err := a.keys.APIKeyByHash(ctx, tokenHash(secret))
	if err != nil {
		return Caller{}, err
	}
	now := a.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > touchEvery {
		if err := a.keys.TouchAPIKey(ctx, k.ID, now.UTC()); err != nil {
			return Caller{}, err
		}
	}
	return Caller{APIKeyID: k.ID, Admin: true, AllLibraries: true}, nil
}
