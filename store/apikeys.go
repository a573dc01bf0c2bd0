package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type apiKeyRow struct {
	bun.BaseModel `bun:"table:api_keys"`

	ID         string     `bun:"id,pk"`
	Name       string     `bun:"name"`
	Prefix     string     `bun:"prefix"`
	Hash       string     `bun:"hash"`
	CreatedBy  string     `bun:"created_by"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
}

func (r *apiKeyRow) toCore() core.APIKey {
	return core.APIKey{ID: core.APIKeyID(r.ID), Name: r.Name, Prefix: r.Prefix, Hash: r.Hash,
		CreatedBy: core.UserID(r.CreatedBy), CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utcPtr(r.LastUsedAt)}
}

// APIKeys implements core.APIKeyStore.
type APIKeys struct{ db *DB }

var _ core.APIKeyStore = (*APIKeys)(nil)

// CreateAPIKey inserts a key.
func (s *APIKeys) CreateAPIKey(ctx context.Context, k core.APIKey) error {
	_, err := s.db.W.NewInsert().Model(&apiKeyRow{ID: string(k.ID), Name: k.Name, Prefix: k.Prefix, Hash: k.Hash,
		CreatedBy: string(k.CreatedBy), CreatedAt: k.CreatedAt.UTC(), LastUsedAt: utcPtr(k.LastUsedAt)}).Exec(ctx)
	return wrap(err, "insert api key %q", k.Name)
}

// APIKeyByHash finds a key by the hash of its secret.
func (s *APIKeys) APIKeyByHash(ctx context.Context, hash string) (core.APIKey, error) {
	var row apiKeyRow
	err := s.db.R.NewSelect().Model(&row).Where("hash = ?", hash).Scan(ctx)
	return row.toCore(), wrap(err, "select api key")
}

// APIKeys lists every key, oldest first.
func (s *APIKeys) APIKeys(ctx context.Context) ([]core.APIKey, error) {
	var rows []apiKeyRow
	if err := s.db.R.NewSelect().Model(&rows).Order("created_at", "id").Scan(ctx); err != nil {
		return nil, wrap(err, "select api keys")
	}
	out := make([]core.APIKey, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, nil
}

// DeleteAPIKey removes a key.
func (s *APIKeys) DeleteAPIKey(ctx context.Context, id core.APIKeyID) error {
	res, err := s.db.W.NewDelete().Model((*apiKeyRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "delete api key %s", id)
}

// TouchAPIKey records when a key was last used.
func (s *APIKeys) TouchAPIKey(ctx context.Context, id core.APIKeyID, used time.Time) error {
	_, err := s.db.W.NewUpdate().Model((*apiKeyRow)(nil)).Set("last_used_at = ?", used.UTC()).
		Where("id = ?", string(id)).Exec(ctx)
	return wrap(err, "touch api key %s", id)
}
