package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type userRow struct {
	bun.BaseModel `bun:"table:users"`

	ID           string     `bun:"id,pk"`
	Username     string     `bun:"username"`
	UsernameKey  string     `bun:"username_key"`
	DisplayName  string     `bun:"display_name"`
	PasswordHash string     `bun:"password_hash"`
	Admin        bool       `bun:"admin"`
	Disabled     bool       `bun:"disabled"`
	AllLibraries bool       `bun:"all_libraries"`
	Hidden       bool       `bun:"hidden"`
	PINHash      string     `bun:"pin_hash"`
	PINFailures  int        `bun:"pin_failures"`
	AudioLang    string     `bun:"audio_language"`
	SubtitleLang string     `bun:"subtitle_language"`
	SubtitleMode string     `bun:"subtitle_mode"`
	DefaultAudio bool       `bun:"play_default_audio"`
	MaxBitrate   int64      `bun:"max_bitrate"`
	Downloads    bool       `bun:"downloads"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
	LastLoginAt  *time.Time `bun:"last_login_at"`
	Parental     string     `bun:"parental"` // JSON: parentalJSON
}

type userLibraryRow struct {
	bun.BaseModel `bun:"table:user_libraries"`

	UserID    string `bun:"user_id,pk"`
	LibraryID string `bun:"library_id,pk"`
}

func newUserRow(u core.User) *userRow {
	return &userRow{ID: string(u.ID), Username: u.Username, UsernameKey: foldKey(u.Username), DisplayName: u.DisplayName,
		PasswordHash: u.PasswordHash, Admin: u.Admin, Disabled: u.Disabled, AllLibraries: u.AllLibraries,
		Hidden: u.Hidden, PINHash: u.PINHash, PINFailures: u.PINFailures, AudioLang: u.Playback.AudioLanguage,
		SubtitleLang: u.Playback.SubtitleLanguage, SubtitleMode: string(u.Playback.SubtitleMode),
		DefaultAudio: u.Playback.PlayDefaultAudio, MaxBitrate: u.MaxBitrate, Downloads: !u.NoDownloads, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC(), LastLoginAt: utcPtr(u.LastLoginAt),
		Parental: toJSON(newParentalJSON(u.Parental), "{}")}
}

func (r *userRow) toCore(libs []core.LibraryID) core.User {
	if libs == nil {
		libs = []core.LibraryID{}
	}
	var p parentalJSON
	fromJSON(r.Parental, &p)
	return core.User{ID: core.UserID(r.ID), Username: r.Username, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		Admin: r.Admin, Disabled: r.Disabled, AllLibraries: r.AllLibraries, LibraryIDs: libs, Hidden: r.Hidden,
		PINHash: r.PINHash, PINFailures: r.PINFailures, MaxBitrate: r.MaxBitrate, NoDownloads: !r.Downloads,
		Playback: core.PlaybackPrefs{AudioLanguage: r.AudioLang, SubtitleLanguage: r.SubtitleLang,
			SubtitleMode: core.SubtitleMode(r.SubtitleMode), PlayDefaultAudio: r.DefaultAudio},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), LastLoginAt: utcPtr(r.LastLoginAt),
		Parental: p.toCore()}
}

// Users implements core.UserStore.
type Users struct{ db *DB }

var _ core.UserStore = (*Users)(nil)

// CreateUser inserts a user and their library grants.
func (s *Users) CreateUser(ctx context.Context, u core.User) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(newUserRow(u)).Exec(ctx); err != nil {
			return wrap(err, "insert user %q", u.Username)
		}
		return setUserLibraries(ctx, tx, u)
	})
}

// User returns a user by id. Every authenticated request reads its user, so users are kept at the
// users generation, which every write to users or grants moves on, in this process or another.
func (s *Users) User(ctx context.Context, id core.UserID) (core.User, error) {
	st, ok := s.db.usersStamp()
	got, err := cachedRead(ctx, s.db, &pagesOf(s.db).users, st, ok, []core.UserID{id}, nil, cloneUser,
		func(ctx context.Context, ids []core.UserID) (map[core.UserID]core.User, error) {
			u, err := s.one(ctx, "id = ?", string(ids[0]))
			if err != nil {
				return nil, err
			}
			return map[core.UserID]core.User{u.ID: u}, nil
		})
	if err != nil {
		return core.User{}, err
	}
	return got[id], nil
}

// cloneUser copies what a caller could change in place in a cached user.
func cloneUser(u core.User) core.User {
	u.LibraryIDs = slices.Clone(u.LibraryIDs)
	return u
}

// UserByName returns a user by name, regardless of case.
func (s *Users) UserByName(ctx context.Context, username string) (core.User, error) {
	return s.one(ctx, "username_key = ?", foldKey(username))
}

func (s *Users) one(ctx context.Context, where string, arg any) (core.User, error) {
	var row userRow
	if err := s.db.R.NewSelect().Model(&row).Where(where, arg).Scan(ctx); err != nil {
		return core.User{}, wrap(err, "select user %v", arg)
	}
	var libs []core.LibraryID
	if err := s.db.R.NewSelect().Model((*userLibraryRow)(nil)).Column("library_id").
		Where("user_id = ?", row.ID).Order("library_id").Scan(ctx, &libs); err != nil {
		return core.User{}, wrap(err, "select libraries of user %s", row.ID)
	}
	return row.toCore(libs), nil
}

// Users returns every user, ordered by name.
func (s *Users) Users(ctx context.Context) ([]core.User, error) {
	var rows []userRow
	if err := s.db.R.NewSelect().Model(&rows).Order("username_key").Scan(ctx); err != nil {
		return nil, wrap(err, "select users")
	}
	var grants []userLibraryRow
	if err := s.db.R.NewSelect().Model(&grants).Order("library_id").Scan(ctx); err != nil {
		return nil, wrap(err, "select user libraries")
	}
	byUser := make(map[string][]core.LibraryID)
	for _, g := range grants {
		byUser[g.UserID] = append(byUser[g.UserID], core.LibraryID(g.LibraryID))
	}
	out := make([]core.User, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore(byUser[rows[i].ID])
	}
	return out, nil
}

// UpdateUser replaces a user's fields and library grants.
func (s *Users) UpdateUser(ctx context.Context, u core.User) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model(newUserRow(u)).ExcludeColumn("id", "created_at").WherePK().Exec(ctx)
		if err := mustAffect(res, err, "update user %s", u.ID); err != nil {
			return err
		}
		return setUserLibraries(ctx, tx, u)
	})
}

// ModifyUser reads, changes and writes a user in one write transaction. On SQLite the transaction
// holds the database's write lock from BEGIN; on PostgreSQL the row is locked FOR UPDATE.
func (s *Users) ModifyUser(ctx context.Context, id core.UserID, fn func(*core.User) error) (core.User, error) {
	var u core.User
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var row userRow
		q := tx.NewSelect().Model(&row).Where("id = ?", string(id))
		if s.db.Dialect == Postgres {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return wrap(err, "select user %s", id)
		}
		var libs []core.LibraryID
		if err := tx.NewSelect().Model((*userLibraryRow)(nil)).Column("library_id").Where("user_id = ?", row.ID).
			Order("library_id").Scan(ctx, &libs); err != nil {
			return wrap(err, "select libraries of user %s", id)
		}
		u = row.toCore(libs)
		if err := fn(&u); err != nil {
			return err
		}
		u.ID = id
		if _, err := tx.NewUpdate().Model(newUserRow(u)).ExcludeColumn("id", "created_at").WherePK().Exec(ctx); err != nil {
			return wrap(err, "update user %s", id)
		}
		return setUserLibraries(ctx, tx, u)
	})
	if err != nil {
		return core.User{}, err
	}
	return u, nil
}

// SetLastLogin records a login without touching anything else of the user.
func (s *Users) SetLastLogin(ctx context.Context, id core.UserID, at time.Time) error {
	res, err := s.db.W.NewUpdate().Model((*userRow)(nil)).Set("last_login_at = ?", at.UTC()).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "record login of user %s", id)
}

func setUserLibraries(ctx context.Context, tx bun.Tx, u core.User) error {
	if _, err := tx.NewDelete().Model((*userLibraryRow)(nil)).Where("user_id = ?", string(u.ID)).Exec(ctx); err != nil {
		return wrap(err, "clear libraries of user %s", u.ID)
	}
	if u.AllLibraries || len(u.LibraryIDs) == 0 {
		return nil
	}
	rows := make([]userLibraryRow, len(u.LibraryIDs))
	for i, l := range u.LibraryIDs {
		rows[i] = userLibraryRow{UserID: string(u.ID), LibraryID: string(l)}
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return wrap(err, "grant libraries to user %s", u.ID)
}

// DeleteUser removes a user; sessions, grants, history and their statistics go with it.
func (s *Users) DeleteUser(ctx context.Context, id core.UserID) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := subtractUserStats(ctx, tx, s.db.Dialect, string(id)); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*userRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
		return mustAffect(res, err, "delete user %s", id)
	})
}

// CountUsers returns how many users exist.
func (s *Users) CountUsers(ctx context.Context) (int, error) {
	n, err := s.db.R.NewSelect().Model((*userRow)(nil)).Count(ctx)
	return n, wrap(err, "count users")
}

// foldKey is the case-insensitive form of a name, for unique indexes.
func foldKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
