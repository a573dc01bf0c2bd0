package core

import (
	"context"
	"time"
)

// SessionID identifies a signed-in device: a UUID.
type SessionID string

// Session is one login of a user on one device. It holds the hash of the current refresh token and
// of the one before it, so that a replayed old token reveals theft and ends the session.
type Session struct {
	ID              SessionID
	UserID          UserID
	Client          string
	DeviceID        string
	DeviceName      string
	Address         string
	RefreshHash     string
	PrevRefreshHash string
	CreatedAt       time.Time
	LastSeenAt      time.Time
	RotatedAt       time.Time // when the refresh token last changed
	ExpiresAt       time.Time // when the refresh token stops working
	// DeviceTokenHash is the hash of the session's device token, for the sessions of clients that
	// keep one opaque token per device (Jellyfin's and Plex's); empty for the others.
	DeviceTokenHash string
}

// SessionStore persists sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, id SessionID) (Session, error)
	// SessionByRefresh finds the session whose current or previous refresh hash is hash.
	SessionByRefresh(ctx context.Context, hash string) (Session, error)
	// RotateRefresh replaces the refresh hash only if it is still oldHash, and sets RotatedAt to seen;
	// otherwise ErrConflict.
	RotateRefresh(ctx context.Context, id SessionID, oldHash, newHash string, seen, expires time.Time, address string) error
	// SessionByDeviceToken finds the session whose device token hash is hash.
	SessionByDeviceToken(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, id SessionID, seen time.Time, address string) error
	// ExtendSession is TouchSession that also moves the session's expiry: device tokens live for
	// as long as they are used.
	ExtendSession(ctx context.Context, id SessionID, seen, expires time.Time, address string) error
	DeleteSession(ctx context.Context, id SessionID) error
	// DeleteDeviceSessions ends the user's sessions on one device: one login per user and device.
	DeleteDeviceSessions(ctx context.Context, user UserID, deviceID string) error
	DeleteUserSessions(ctx context.Context, user UserID) error
	DeleteUserSessionsExcept(ctx context.Context, user UserID, keep SessionID) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
	// Sessions lists a user's sessions, or everyone's when user is empty, most recently seen first.
	Sessions(ctx context.Context, user UserID) ([]Session, error)
}

// Device describes the client a login comes from.
type Device struct {
	Client     string
	DeviceID   string
	DeviceName string
	Address    string
}
