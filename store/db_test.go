package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forEachDB runs f on a fresh SQLite database and, when WALROS_TEST_POSTGRES names a server, on a
// fresh schema there. In CI a missing server fails the test: a skipped store test hides a broken setup.
func forEachDB(t *testing.T, f func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		f(t, openTestSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		f(t, openTestPostgres(t))
	})
}

func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openTestPostgres(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), testPostgresDSN(t), "")
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testPostgresDSN creates a fresh schema on the test server and returns a DSN that uses it.
func testPostgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WALROS_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("WALROS_TEST_POSTGRES is not set in CI: the test command must start PostgreSQL")
		}
		t.Skip("WALROS_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	admin, err := openPostgres(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.W.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { admin.W.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	qs := u.Query()
	qs.Set("search_path", schema)
	u.RawQuery = qs.Encode()
	return u.String()
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	sq, err := migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(sq) == 0 || len(sq) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(sq), len(pg))
	}
	for i := range sq {
		if sq[i].version != pg[i].version || sq[i].name != pg[i].name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, sq[i].version, sq[i].name, pg[i].version, pg[i].name)
		}
	}
}

func TestMigrate(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		all, _ := migrations(db.Dialect)
		if v, err := db.SchemaVersion(ctx); err != nil || v != all[len(all)-1].version {
			t.Fatalf("schema version = %d, %v; want %d", v, err, all[len(all)-1].version)
		}
		if err := migrate(ctx, db); err != nil { // a second start applies nothing and does not fail
			t.Fatalf("migrate again: %v", err)
		}
		if _, err := db.W.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', CURRENT_TIMESTAMP)"); err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db); err == nil {
			t.Fatal("migrate accepted a database newer than the binary")
		}
	})
}

func TestSQLiteReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Stores().Users.CreateUser(ctx, testUser("u1", "alice")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, SQLiteFile)); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, "sqlite:"+filepath.Join(dir, SQLiteFile), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Stores().Users.UserByName(ctx, "ALICE"); err != nil {
		t.Fatalf("user after reopen: %v", err)
	}
}

func TestSQLiteReadPoolIsReadOnly(t *testing.T) {
	db := openTestSQLite(t)
	if _, err := db.R.ExecContext(context.Background(), "DELETE FROM users"); err == nil {
		t.Fatal("a write through the read pool succeeded; writes must go through the single writer")
	}
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	_, err := Open(context.Background(), "mysql://root:hunter2@db/walros", t.TempDir())
	if err == nil {
		t.Fatal("want an error")
	}
	if got := err.Error(); strings.Contains(got, "hunter2") {
		t.Fatalf("error leaks the password: %s", got)
	}
}
