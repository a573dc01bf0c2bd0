package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type preferencesRow struct {
	bun.BaseModel `bun:"table:preferences"`

	UserID    string    `bun:"user_id,pk"`
	Key       string    `bun:"pref_key,pk"`
	Client    string    `bun:"client,pk"`
	Value     string    `bun:"value"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Preferences implements core.PreferencesStore.
type Preferences struct{ db *DB }

var _ core.PreferencesStore = (*Preferences)(nil)

// Preferences returns a stored value.
func (s *Preferences) Preferences(ctx context.Context, user core.UserID, key, client string) ([]byte, error) {
	var row preferencesRow
	err := s.db.R.NewSelect().Model(&row).
		Where("user_id = ? AND pref_key = ? AND client = ?", string(user), key, client).Scan(ctx)
	if err != nil {
		return nil, wrap(err, "select preferences %q", key)
	}
	return []byte(row.Value), nil
}

// PutPreferences inserts or replaces a value, in one transaction that also checks that the user
// keeps at most limit values (ErrInvalid beyond). A user deleted meanwhile is ErrConflict.
func (s *Preferences) PutPreferences(ctx context.Context, user core.UserID, key, client string, value []byte, at time.Time, limit int) error {
	row := &preferencesRow{UserID: string(user), Key: key, Client: client, Value: string(value), UpdatedAt: at.UTC()}
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*preferencesRow)(nil)).Where("user_id = ?", string(user)).
			Where("NOT (pref_key = ? AND client = ?)", key, client).Count(ctx)
		if err != nil {
			return wrap(err, "count preferences of user %s", user)
		}
		if n >= limit {
			return core.Invalid("preferences", "a user keeps at most %d", limit)
		}
		_, err = tx.NewInsert().Model(row).
			On("CONFLICT (user_id, pref_key, client) DO UPDATE").
			Set("value = EXCLUDED.value, updated_at = EXCLUDED.updated_at").Exec(ctx)
		return wrap(err, "upsert preferences %q", key)
	})
}
