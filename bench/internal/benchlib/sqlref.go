package benchlib

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/walros/walros/store"
	_ "modernc.org/sqlite" // the driver the store uses
)

// MoviesWhere is the condition of the movie page for an admin over every library, as bun writes
// it (bun puts each Where in parentheses).
const MoviesWhere = `(kind IN ('movie'))`

// LibraryMoviesWhere is the condition of the movies of one library.
func LibraryMoviesWhere(lib string) string { return `(library_id = '` + lib + `') AND ` + MoviesWhere }

// PageSQL is a page of 100 items by title as store/items.go Items asks it of SQLite, up to its
// OFFSET (bun inlines its arguments): bun selects every column of itemRow and runs the count
// (CountSQL) beside it (bun's ScanAndCount runs both at once outside a transaction).
func PageSQL(where string) string {
	return `SELECT "item"."seq", "item"."id", "item"."library_id", "item"."parent_id", "item"."kind", "item"."title", ` +
		`"item"."sort_title", "item"."search_title", "item"."year", "item"."path", "item"."created_at", "item"."updated_at", ` +
		`"item"."match_key", "item"."original_title", "item"."overview", "item"."index_number", "item"."index_end", ` +
		`"item"."parent_index", "item"."absolute_number", "item"."air_date", "item"."runtime_ms", "item"."extra_type", ` +
		`"item"."provider_ids", "item"."review" FROM "items" AS "item" WHERE ` + where +
		` ORDER BY sort_title ASC, seq ASC LIMIT 100 OFFSET `
}

// CountSQL counts what PageSQL pages through.
func CountSQL(where string) string { return `SELECT count(*) FROM "items" AS "item" WHERE ` + where }

// SQLRef reads a movie page straight from the database file, read-only, with the store's driver:
// the reference the facades are measured against.
type SQLRef struct {
	db                 *sql.DB
	where, page, count string
}

// OpenSQLRef opens the database of the data directory data for pages of the movies where holds.
func OpenSQLRef(data, where string) (*SQLRef, error) {
	path := filepath.Join(data, store.SQLiteFile)
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	return &SQLRef{db: db, where: where, page: PageSQL(where), count: CountSQL(where)}, nil
}

// Close closes the database.
func (r *SQLRef) Close() error { return r.db.Close() }

// Page reads the 100 rows at offset and the count, at once, and returns how many rows it read and
// the count.
func (r *SQLRef) Page(ctx context.Context, offset int) (int, int, error) {
	var total int
	cerr := make(chan error, 1)
	go func() { cerr <- r.db.QueryRowContext(ctx, r.count).Scan(&total) }()
	rows, err := r.db.QueryContext(ctx, r.page+strconv.Itoa(offset))
	if err != nil {
		<-cerr
		return 0, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			seq                                                int64
			id, lib, kind, title, sortTitle, searchTitle, path string
			parent                                             sql.NullString
			year, index, indexEnd, parentIndex, absolute       sql.NullInt64
			created, updated                                   time.Time
			matchKey, original, overview, airDate, extra, prov string
			review                                             string
			runtime                                            int64
		)
		if err := rows.Scan(&seq, &id, &lib, &parent, &kind, &title, &sortTitle, &searchTitle, &year, &path, &created,
			&updated, &matchKey, &original, &overview, &index, &indexEnd, &parentIndex, &absolute, &airDate, &runtime,
			&extra, &prov, &review); err != nil {
			<-cerr
			return 0, 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		<-cerr
		return 0, 0, err
	}
	return n, total, <-cerr
}

// Keys returns the keys (seq: Plex's ratingKey) of the page at offset, in order, to check a
// facade's page against.
func (r *SQLRef) Keys(ctx context.Context, offset int) ([]int64, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT "item"."seq" FROM "items" AS "item" WHERE `+r.where+
		` ORDER BY sort_title ASC, seq ASC LIMIT 100 OFFSET `+strconv.Itoa(offset))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// Sequential reads the page at each offset, one after another, and checks that each has its
// rows of the library's movies.
func (r *SQLRef) Sequential(ctx context.Context, at []int) (Latencies, error) {
	out := make([]time.Duration, 0, len(at))
	for _, n := range at {
		t := time.Now()
		rows, total, err := r.Page(ctx, n)
		d := time.Since(t)
		if err != nil {
			return nil, err
		}
		if rows != min(100, Movies-n) || total != Movies {
			return nil, fmt.Errorf("SQL at offset %d: %d rows, count %d", n, rows, total)
		}
		out = append(out, d)
	}
	return Sorted(out), nil
}
