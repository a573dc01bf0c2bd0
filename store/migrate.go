package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrationSteps complete a migration with what its SQL cannot do, by version: they run right
// after its file, in the same transaction.
var migrationSteps = map[int]func(context.Context, bun.Tx) error{
	23: fillImageTags,
}

// migrations returns the dialect's migrations in order. Files are named NNNN_name.sql, and each
// dialect has the same versions (a test checks it).
func migrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s/%s: want NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// migrate applies the pending migrations in one transaction. On PostgreSQL an advisory lock keeps
// two servers starting at once from racing; on SQLite the immediate transaction does the same.
func migrate(ctx context.Context, db *DB) error {
	all, err := migrations(db.Dialect)
	if err != nil {
		return err
	}
	ts := "TIMESTAMP"
	if db.Dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	return db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.Dialect == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7726567)"); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at `+ts+` NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var applied []int
		if err := tx.NewSelect().Table("schema_migrations").Column("version").Scan(ctx, &applied); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		known := make(map[int]bool, len(all))
		for _, m := range all {
			known[m.version] = true
		}
		for _, v := range applied {
			if !known[v] {
				return fmt.Errorf("database has schema version %d, which this walros does not know: it is older than the database", v)
			}
		}
		for _, m := range all {
			if slices.Contains(applied, m.version) {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if step := migrationSteps[m.version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, time.Now().UTC()); err != nil {
				return fmt.Errorf("record migration %04d: %w", m.version, err)
			}
		}
		return nil
	})
}

// SchemaVersion returns the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.R.NewSelect().Table("schema_migrations").ColumnExpr("COALESCE(MAX(version), 0)").Scan(ctx, &v)
	return v, err
}
