package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	ID              string     `bun:"id,pk"`
	UserID          string     `bun:"user_id"`
	Client          string     `bun:"client"`
	DeviceID        string     `bun:"device_id"`
	DeviceName      string     `bun:"device_name"`
	Address         string     `bun:"address"`
	RefreshHash     string     `bun:"refresh_hash"`
	PrevRefreshHash *string    `bun:"prev_refresh_hash"`
	CreatedAt       time.Time  `bun:"created_at"`
	LastSeenAt      time.Time  `bun:"last_seen_at"`
	RotatedAt       *time.Time `bun:"rotated_at"`
	ExpiresAt       time.Time  `bun:"expires_at"`
	DeviceTokenHash *string    `bun:"device_token_hash"`
}

func (r *sessionRow) toCore() core.Session {
	s := core.Session{ID: core.SessionID(r.ID), UserID: core.UserID(r.UserID), Client: r.Client, DeviceID: r.DeviceID,
		DeviceName: r.DeviceName, Address: r.Address, RefreshHash: r.RefreshHash, CreatedAt: r.CreatedAt.UTC(),
		LastSeenAt: r.LastSeenAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if r.PrevRefreshHash != nil {
		s.PrevRefreshHash = *r.PrevRefreshHash
	}
	if r.RotatedAt != nil {
		s.RotatedAt = r.RotatedAt.UTC()
	}
	if r.DeviceTokenHash != nil {
		s.DeviceTokenHash = *r.DeviceTokenHash
	}
	return s
}

// Sessions implements core.SessionStore.
type Sessions struct{ db *DB }

var _ core.SessionStore = (*Sessions)(nil)

// CreateSession inserts a session.
func (s *Sessions) CreateSession(ctx context.Context, ss core.Session) error {
	row := &sessionRow{ID: string(ss.ID), UserID: string(ss.UserID), Client: ss.Client, DeviceID: ss.DeviceID,
		DeviceName: ss.DeviceName, Address: ss.Address, RefreshHash: ss.RefreshHash, CreatedAt: ss.CreatedAt.UTC(),
		LastSeenAt: ss.LastSeenAt.UTC(), ExpiresAt: ss.ExpiresAt.UTC()}
	if ss.PrevRefreshHash != "" {
		row.PrevRefreshHash = &ss.PrevRefreshHash
	}
	if ss.DeviceTokenHash != "" {
		row.DeviceTokenHash = &ss.DeviceTokenHash
	}
	_, err := s.db.W.NewInsert().Model(row).Exec(ctx)
	return wrap(err, "insert session for user %s", ss.UserID)
}

// Session returns a session by id.
func (s *Sessions) Session(ctx context.Context, id core.SessionID) (core.Session, error) {
	var row sessionRow
	err := s.db.R.NewSelect().Model(&row).Where("id = ?", string(id)).Scan(ctx)
	return row.toCore(), wrap(err, "select session %s", id)
}

// SessionByRefresh finds the session holding hash as its current or previous refresh token.
func (s *Sessions) SessionByRefresh(ctx context.Context, hash string) (core.Session, error) {
	var row sessionRow
	err := s.db.R.NewSelect().Model(&row).Where("refresh_hash = ?", hash).WhereOr("prev_refresh_hash = ?", hash).
		Limit(1).Scan(ctx)
	return row.toCore(), wrap(err, "select session by refresh token")
}

// SessionByDeviceToken finds the session whose device token has this hash.
func (s *Sessions) SessionByDeviceToken(ctx context.Context, hash string) (core.Session, error) {
	var row sessionRow
	err := s.db.R.NewSelect().Model(&row).Where("device_token_hash = ?", hash).Scan(ctx)
	return row.toCore(), wrap(err, "select session by device token")
}

// RotateRefresh swaps the refresh hash, but only if it is still oldHash.
func (s *Sessions) RotateRefresh(ctx context.Context, id core.SessionID, oldHash, newHash string, seen, expires time.Time, address string) error {
	res, err := s.db.W.NewUpdate().Model((*sessionRow)(nil)).
		Set("prev_refresh_hash = refresh_hash").Set("refresh_hash = ?", newHash).Set("last_seen_at = ?", seen.UTC()).Set("rotated_at = ?", seen.UTC()).
		Set("expires_at = ?", expires.UTC()).Set("address = ?", address).
		Where("id = ?", string(id)).Where("refresh_hash = ?", oldHash).Exec(ctx)
	err = mustAffect(res, err, "rotate refresh token of session %s", id)
	if isNotFound(err) {
		return fmt.Errorf("rotate refresh token of session %s: %w", id, core.ErrConflict)
	}
	return err
}

// TouchSession records that the session was just used, and from where.
func (s *Sessions) TouchSession(ctx context.Context, id core.SessionID, seen time.Time, address string) error {
	_, err := s.db.W.NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", seen.UTC()).Set("address = ?", address).
		Where("id = ?", string(id)).Exec(ctx)
	return wrap(err, "touch session %s", id)
}

// ExtendSession records that the session was just used, and keeps it alive until expires.
func (s *Sessions) ExtendSession(ctx context.Context, id core.SessionID, seen, expires time.Time, address string) error {
	_, err := s.db.W.NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", seen.UTC()).Set("address = ?", address).
		Set("expires_at = ?", expires.UTC()).Where("id = ?", string(id)).Exec(ctx)
	return wrap(err, "extend session %s", id)
}

// DeleteSession removes a session.
func (s *Sessions) DeleteSession(ctx context.Context, id core.SessionID) error {
	res, err := s.db.W.NewDelete().Model((*sessionRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "delete session %s", id)
}

// DeleteDeviceSessions removes the user's sessions on one device.
func (s *Sessions) DeleteDeviceSessions(ctx context.Context, user core.UserID, deviceID string) error {
	_, err := s.db.W.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", string(user)).
		Where("device_id = ?", deviceID).Exec(ctx)
	return wrap(err, "delete sessions of user %s on device", user)
}

// DeleteUserSessions removes every session of a user.
func (s *Sessions) DeleteUserSessions(ctx context.Context, user core.UserID) error {
	_, err := s.db.W.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", string(user)).Exec(ctx)
	return wrap(err, "delete sessions of user %s", user)
}

// DeleteUserSessionsExcept removes every session of a user but one.
func (s *Sessions) DeleteUserSessionsExcept(ctx context.Context, user core.UserID, keep core.SessionID) error {
	_, err := s.db.W.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", string(user)).
		Where("id <> ?", string(keep)).Exec(ctx)
	return wrap(err, "delete other sessions of user %s", user)
}

// DeleteExpiredSessions removes sessions whose refresh token expired before now.
func (s *Sessions) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.W.NewDelete().Model((*sessionRow)(nil)).Where("expires_at < ?", now.UTC()).Exec(ctx)
	if err != nil {
		return 0, wrap(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	return int(n), wrap(err, "delete expired sessions")
}

// Sessions lists a user's sessions, or everyone's when user is empty.
func (s *Sessions) Sessions(ctx context.Context, user core.UserID) ([]core.Session, error) {
	var rows []sessionRow
	q := s.db.R.NewSelect().Model(&rows).Order("last_seen_at DESC", "id")
	if user != "" {
		q = q.Where("user_id = ?", string(user))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, wrap(err, "select sessions")
	}
	out := make([]core.Session, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, nil
}
