package core

import (
	"context"
	"fmt"
)

// userself.go: what users change on their own account (display name, password, PIN, playback).

// UpdateMe changes the caller's own display name, password, PIN or playback preferences. A new
// password or PIN needs the current password (unless the user has none); wrong ones are
// throttled like logins, so a stolen token cannot be used to guess the password.
func (s *Users) UpdateMe(ctx context.Context, c Caller, p SelfPatch) (User, error) {
	u, err := s.Me(ctx, c)
	if err != nil {
		return User{}, err
	}
	var display, hash string
	if p.DisplayName != nil {
		if display, err = validateDisplayName(*p.DisplayName, u.Username); err != nil {
			return User{}, err
		}
	}
	if _, err := p.Playback.resolve(PlaybackPrefs{}); err != nil {
		return User{}, err
	}
	if p.NewPassword != nil {
		if err := validatePassword("newPassword", *p.NewPassword); err != nil {
			return User{}, err
		}
	}
	if p.PIN != nil && *p.PIN != "" {
		if err := validatePIN(*p.PIN); err != nil {
			return User{}, err
		}
	}
	if (p.NewPassword != nil || p.PIN != nil && *p.PIN != "") && u.HasPassword() {
		if err := s.checkCurrent(ctx, u, p.CurrentPassword); err != nil {
			return User{}, err
		}
	}
	if p.NewPassword != nil {
		if hash, err = s.hasher.hash(ctx, *p.NewPassword); err != nil {
			return User{}, err
		}
	}
	pin, err := s.pinHash(ctx, p.PIN)
	if err != nil {
		return User{}, err
	}
	u, err = s.store.ModifyUser(ctx, u.ID, func(u *User) error {
		if display != "" {
			u.DisplayName = display
		}
		if hash != "" {
			u.PasswordHash = hash
		}
		if p.PIN != nil {
			u.PINHash, u.PINFailures = pin, 0
		}
		return p.Playback.applyTo(u, s.now())
	})
	if err != nil {
		return User{}, err
	}
	if hash != "" {
		// Other devices must sign in again; the session making the change stays.
		if err := s.sessions.DeleteUserSessionsExcept(ctx, u.ID, c.SessionID); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// checkCurrent checks the user's current password, throttled like a login.
func (s *Users) checkCurrent(ctx context.Context, u User, password string) error {
	now := s.now()
	at, err := s.throttle.acquire(ctx, s.now, []throttleKey{{"p:" + string(u.ID), s.throttle.cfg.MaxFailures}})
	if err != nil {
		return err
	}
	defer at.done()
	ok, err := s.hasher.check(ctx, u.PasswordHash, password)
	if err != nil {
		return fmt.Errorf("check password of %s: %w", u.ID, err)
	}
	if !ok {
		at.fail(now)
		return Invalid("currentPassword", "does not match")
	}
	at.succeed()
	return nil
}

// pinHash validates and hashes a new PIN; nil and "" (no change, removal) give "".
func (s *Users) pinHash(ctx context.Context, pin *string) (string, error) {
	if pin == nil || *pin == "" {
		return "", nil
	}
	if err := validatePIN(*pin); err != nil {
		return "", err
	}
	return s.hasher.hash(ctx, *pin)
}
