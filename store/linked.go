package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type linkedTokenRow struct {
	bun.BaseModel `bun:"table:linked_tokens"`

	ID         string     `bun:"id,pk"`
	UserID     string     `bun:"user_id"`
	Label      string     `bun:"label"`
	Prefix     string     `bun:"prefix"`
	Hash       string     `bun:"token_hash"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
}

func (r *linkedTokenRow) toCore() core.LinkedToken {
	return core.LinkedToken{ID: core.LinkedTokenID(r.ID), User: core.UserID(r.UserID), Label: r.Label, Prefix: r.Prefix,
		Hash: r.Hash, CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utcPtr(r.LastUsedAt)}
}

// LinkedTokens implements core.LinkedTokenStore.
type LinkedTokens struct{ db *DB }

var _ core.LinkedTokenStore = (*LinkedTokens)(nil)

// CreateLinkedToken inserts a token; a hash already linked is ErrConflict.
func (s *LinkedTokens) CreateLinkedToken(ctx context.Context, t core.LinkedToken) error {
	_, err := s.db.W.NewInsert().Model(&linkedTokenRow{ID: string(t.ID), UserID: string(t.User), Label: t.Label, Prefix: t.Prefix,
		Hash: t.Hash, CreatedAt: t.CreatedAt.UTC()}).Exec(ctx)
	return wrap(err, "insert linked token %q", t.Label)
}

// LinkedTokenByHash finds a token by its hash.
func (s *LinkedTokens) LinkedTokenByHash(ctx context.Context, hash string) (core.LinkedToken, error) {
	var row linkedTokenRow
	err := s.db.R.NewSelect().Model(&row).Where("token_hash = ?", hash).Scan(ctx)
	return row.toCore(), wrap(err, "select linked token")
}

// LinkedTokens lists a user's tokens, oldest first.
func (s *LinkedTokens) LinkedTokens(ctx context.Context, user core.UserID) ([]core.LinkedToken, error) {
	var rows []linkedTokenRow
	if err := s.db.R.NewSelect().Model(&rows).Where("user_id = ?", string(user)).Order("created_at", "id").Scan(ctx); err != nil {
		return nil, wrap(err, "select linked tokens of %s", user)
	}
	out := make([]core.LinkedToken, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, nil
}

// DeleteLinkedToken removes a token.
func (s *LinkedTokens) DeleteLinkedToken(ctx context.Context, id core.LinkedTokenID) error {
	res, err := s.db.W.NewDelete().Model((*linkedTokenRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "delete linked token %s", id)
}

// TouchLinkedToken records when a token was last used.
func (s *LinkedTokens) TouchLinkedToken(ctx context.Context, id core.LinkedTokenID, used time.Time) error {
	_, err := s.db.W.NewUpdate().Model((*linkedTokenRow)(nil)).Set("last_used_at = ?", used.UTC()).
		Where("id = ?", string(id)).Exec(ctx)
	return wrap(err, "touch linked token %s", id)
}
