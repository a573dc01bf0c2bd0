package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// A linked token is a credential of another service that an admin maps to a Walros user, so
// that tools which sign their users in elsewhere reach Walros as them: Overseerr in Plex mode
// calls the server with each user's plex.tv token. Only the SHA-256 of the token is stored.

// LinkedTokenID identifies a linked token.
type LinkedTokenID string

// LinkedToken maps a foreign token to a user.
type LinkedToken struct {
	ID         LinkedTokenID
	User       UserID
	Label      string // where the token comes from: "plex.tv", "Overseerr"...
	Prefix     string // its first characters, so people can tell tokens apart
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// LinkedTokenStore persists linked tokens.
type LinkedTokenStore interface {
	// CreateLinkedToken stores a token; ErrConflict when its hash is already linked.
	CreateLinkedToken(ctx context.Context, t LinkedToken) error
	LinkedTokenByHash(ctx context.Context, hash string) (LinkedToken, error)
	LinkedTokens(ctx context.Context, user UserID) ([]LinkedToken, error)
	DeleteLinkedToken(ctx context.Context, id LinkedTokenID) error
	TouchLinkedToken(ctx context.Context, id LinkedTokenID, used time.Time) error
}

// LinkToken maps token to user; only admins may. A linked token never carries admin rights. Tokens are 8 to 512 printable characters
// without dots (which would read as a Walros JWT) and must not look like a Walros credential.
func (a *Auth) LinkToken(ctx context.Context, c Caller, user UserID, label, token string) (LinkedToken, error) {
	if err := c.requireAdmin(); err != nil {
		return LinkedToken{}, err
	}
	if a.links == nil {
		return LinkedToken{}, ErrNotFound
	}
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 100 || !utf8.ValidString(label) {
		return LinkedToken{}, Invalid("label", "must be 1 to 100 characters")
	}
	if len(token) < 8 || len(token) > 512 || strings.ContainsAny(token, ". \t\r\n") || strings.HasPrefix(token, apiKeyPrefix) ||
		isDeviceToken(token) || strings.IndexFunc(token, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		return LinkedToken{}, Invalid("token", "must be 8 to 512 printable characters, without dots, and not a Walros credential")
	}
	if _, err := a.users.User(ctx, user); err != nil {
		return LinkedToken{}, err
	}
	t := LinkedToken{ID: LinkedTokenID(a.newID()), User: user, Label: label, Prefix: token[:4], Hash: tokenHash(token),
		CreatedAt: a.now().UTC()}
	if err := a.links.CreateLinkedToken(ctx, t); err != nil {
		return LinkedToken{}, err
	}
	return t, nil
}

// LinkedTokens lists a user's linked tokens; only admins may.
func (a *Auth) LinkedTokens(ctx context.Context, c Caller, user UserID) ([]LinkedToken, error) {
	if err := c.requireAdmin(); err != nil {
		return nil, err
	}
	if a.links == nil {
		return []LinkedToken{}, nil
	}
	return a.links.LinkedTokens(ctx, user)
}

// UnlinkToken deletes a linked token; only admins may.
func (a *Auth) UnlinkToken(ctx context.Context, c Caller, id LinkedTokenID) error {
	if err := c.requireAdmin(); err != nil {
		return err
	}
	if a.links == nil {
		return ErrNotFound
	}
	defer a.media.clear() // media requests keep their caller a moment, by credential
	return a.links.DeleteLinkedToken(ctx, id)
}

// authenticateLinked turns a linked token into its user, who must still be active.
func (a *Auth) authenticateLinked(ctx context.Context, token string) (Caller, error) {
	t, err := a.links.LinkedTokenByHash(ctx, tokenHash(token))
	if errors.Is(err, ErrNotFound) {
		return Caller{}, fmt.Errorf("unknown token: %w", ErrUnauthenticated)
	} else if err != nil {
		return Caller{}, err
	}
	u, err := a.activeUser(ctx, t.User)
	if err != nil {
		return Caller{}, err
	}
	if now := a.now(); t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		if err := a.links.TouchLinkedToken(ctx, t.ID, now.UTC()); err != nil {
			return Caller{}, err
		}
	}
	// Never admin rights: the token is another service's, shared with its tools; an admin's linked
	// token acts as a user who sees everything and administers nothing.
	c := CallerOf(u, "")
	c.Admin, c.AllLibraries = false, u.AllLibraries || u.Admin // a linked token never carries admin rights
	return c, nil
}
