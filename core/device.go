package core

import (
	"context"
	"errors"
	"fmt"
)

// Device tokens: the opaque, long-lived credential Jellyfin and Plex clients keep per device
// (decision 0011).

// LoginDevice is Login for clients that keep one opaque token per device for as long as they are
// signed in, as Jellyfin's and Plex's clients do: Tokens.Device is that token. It keeps working
// while it is used at least once per refresh lifetime, until logout or revocation.
func (a *Auth) LoginDevice(ctx context.Context, username, password string, dev Device) (Tokens, error) {
	return a.login(ctx, username, password, dev, true)
}

// ApproveDevice signs user in on a device without their password, for a sign-in the user approved
// from another device (Jellyfin's QuickConnect). The approver must be that user or an admin.
func (a *Auth) ApproveDevice(ctx context.Context, approver Caller, user UserID, dev Device) (Tokens, error) {
	if approver.UserID != user && !approver.Admin {
		return Tokens{}, ErrForbidden
	}
	dev, err := cleanDevice(dev)
	if err != nil {
		return Tokens{}, err
	}
	u, err := a.activeUser(ctx, user)
	if err != nil {
		return Tokens{}, err
	}
	return a.openSession(ctx, u, dev, true)
}

// authenticateDevice checks a device token: its session, kept for mediaCacheTTL (the Jellyfin
// clients send the token with every request, a page of cards is a dozen), then the user, read on
// every call so that disabling a user or changing their libraries takes effect at once.
func (a *Auth) authenticateDevice(ctx context.Context, token, address string) (Caller, error) {
	now := a.now()
	hash := tokenHash(token)
	s, epoch, ok := a.devices.get(hash, now)
	if !ok {
		var err error
		s, err = a.sessions.SessionByDeviceToken(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return Caller{}, fmt.Errorf("device token: %w", ErrUnauthenticated)
		} else if err != nil {
			return Caller{}, err
		}
		a.devices.put(hash, s, epoch, now.Add(mediaCacheTTL))
	}
	if !now.Before(s.ExpiresAt) {
		return Caller{}, fmt.Errorf("device token of session %s expired: %w", s.ID, ErrUnauthenticated)
	}
	u, err := a.activeUser(ctx, s.UserID)
	if err != nil {
		return Caller{}, err
	}
	if addr := cleanAddress(address); now.Sub(s.LastSeenAt) > touchEvery || addr != s.Address {
		if err := a.sessions.ExtendSession(ctx, s.ID, now.UTC(), now.Add(a.cfg.RefreshTTL).UTC(), addr); err != nil {
			return Caller{}, err
		}
		s.LastSeenAt, s.ExpiresAt, s.Address = now.UTC(), now.Add(a.cfg.RefreshTTL).UTC(), addr
		a.devices.update(hash, s)
	}
	return CallerOf(u, s.ID), nil
}
