// Package store implements core's persistence interfaces with bun, on SQLite (embedded, the default)
// or PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// Dialect names the database behind a DB.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite, writes go through W, a pool of exactly one connection, so
// writers queue in Go instead of failing with "database is locked"; reads use R, a pool of
// read-only connections that WAL lets run beside the writer. On PostgreSQL, R and W are the same.
type DB struct {
	R, W    *bun.DB
	Dialect Dialect

	lists *listCache  // item lists, invalidated by W's query hook
	pages *pageCaches // what list pages read, on the same generations
}

// SQLiteFile is the database's file name inside the data directory.
const SQLiteFile = "walros.db"

// Open connects to dsn and brings its schema up to date. An empty dsn means SQLite in dataDir;
// "postgres://..." or "postgresql://..." means PostgreSQL; "sqlite:PATH" means SQLite at PATH.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	var (
		db  *DB
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = openPostgres(ctx, dsn)
	case dsn == "":
		db, err = openSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	default:
		return nil, fmt.Errorf("database %q: want postgres://... or sqlite:PATH", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	db.lists, db.pages = newListCache(), newPageCaches()
	db.W.AddQueryHook(db.lists) // on PostgreSQL W is R: the hook skips reads at their first word
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := backfillParental(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	st, err := startStamps(ctx, db, func(f family) {
		db.lists.bump(f)
		if f&famUserData != 0 {
			db.pages.othersWroteUserData()
		}
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	db.lists.stamps.Store(st)
	return db, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	// The database holds password and token hashes: create it private, and SQLite gives its -wal and
	// -shm files the same mode, whatever the folder's.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("create database %s: %w", path, err)
	} else {
		f.Close()
	}
	// busy_timeout still matters: another walros process (a CLI command beside a running server) can
	// hold the write lock. _txlock=immediate takes it at BEGIN, so a transaction never fails half-way
	// when it upgrades from reader to writer.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	wsql, err := sql.Open("sqlite", base+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	wsql.SetMaxOpenConns(1)
	wsql.SetConnMaxIdleTime(0)
	if err := wsql.PingContext(ctx); err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rsql, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	rsql.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
	rsql.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)*2))
	return &DB{R: bun.NewDB(rsql, sqlitedialect.New()), W: bun.NewDB(wsql, sqlitedialect.New()), Dialect: SQLite}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	sqldb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redact(dsn), err)
	}
	sqldb.SetMaxOpenConns(max(8, runtime.GOMAXPROCS(0)*4))
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", redact(dsn), err)
	}
	db := bun.NewDB(sqldb, pgdialect.New())
	return &DB{R: db, W: db, Dialect: Postgres}, nil
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	return db.R.PingContext(ctx)
}

// Close waits for the list and page caches' background reads, then closes both pools.
func (db *DB) Close() error {
	var err error
	if db.lists != nil {
		err = db.lists.stamps.Load().close()
		db.lists.refreshWG.Wait()
	}
	if db.pages != nil {
		db.pages.aheadWG.Wait()
	}
	err = errors.Join(err, db.W.Close())
	if db.R != db.W {
		err = errors.Join(err, db.R.Close())
	}
	return err
}

// redact hides a password in a DSN before it reaches a log or an error.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)" // it may hold a password url.Parse could not find
	}
	if u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
