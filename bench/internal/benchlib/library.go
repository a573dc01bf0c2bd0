// Package benchlib is what the benchmarks of the client facades share: the generated library of
// 100,000 items (made once through the store and kept in a cache directory), its sign-in, the
// same page read straight with SQL, and latency figures.
package benchlib

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The generated library: the 100,000 items (50k episodes in 2k series, 30k movies, 20k
// tracks), with the series, seasons, artists and albums above them.
const (
	Movies          = 30_000
	Series          = 2_000
	EpisodesPerShow = 25
	Artists         = 1_000
	AlbumsPerArtist = 2
	TracksPerAlbum  = 10
	ResumeMovies    = 50  // movies the admin stopped part-way
	WatchedSeries   = 100 // series whose first episode the admin played

	// AdminUser and AdminPassword sign in as the library's admin; the server gets the password
	// through WALROS_ADMIN_PASSWORD. (The name of the first bench is kept: a cached library has it.)
	AdminUser     = "admin"
	AdminPassword = "bench-jellyfin-password"

	// layout changes whenever what generate writes changes, so an old cache is made again.
	layout = 2 // 2: posters have blurhashes
)

// DefaultCache is where the library is kept between runs unless a bench is told otherwise; the
// benches share it (it is named after the first of them).
var DefaultCache = filepath.Join(os.TempDir(), "walros-bench-jellyfin")

// Marker is written last into the cache: a directory without it, or with another layout or
// schema, is generated again.
type Marker struct {
	Layout     int       `json:"layout"`
	Migrations string    `json:"migrations"` // a hash of store/migrations/sqlite: a schema edited in place needs a new library
	Items      int       `json:"items"`
	Generated  time.Time `json:"generated"`
	Took       string    `json:"took"`
}

const markerFile = "bench-complete.json"

// Ensure returns the data directory holding the generated library in cache, generating it first
// (a few minutes) unless the cache has a complete one or regen is set. It must run from the
// repository's root.
func Ensure(ctx context.Context, cache string, regen bool) (string, Marker, error) {
	data := filepath.Join(cache, "data")
	var m Marker
	schema, err := migrationsHash()
	if err != nil {
		return "", m, err
	}
	if b, err := os.ReadFile(filepath.Join(cache, markerFile)); err == nil && !regen {
		if json.Unmarshal(b, &m) == nil && m.Layout == layout && m.Migrations == schema {
			return data, m, nil
		}
		fmt.Println("the cached library was made by another version of this program or of the schema")
	}
	if err := os.RemoveAll(cache); err != nil {
		return "", m, err
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return "", m, err
	}
	fmt.Printf("generating the library into %s (once; -regen makes it again)\n", cache)
	start := time.Now()
	n, err := generate(ctx, cache, data)
	if err != nil {
		return "", m, fmt.Errorf("generate library: %w", err)
	}
	m = Marker{Layout: layout, Migrations: schema, Items: n, Generated: time.Now().UTC(), Took: time.Since(start).Round(time.Second).String()}
	b, _ := json.Marshal(m)
	return data, m, os.WriteFile(filepath.Join(cache, markerFile), b, 0o644)
}

// migrationsHash hashes the SQLite migrations (the benchmark runs from the repository's root).
// They are still edited in place before a release, and a database migrated by an older copy of
// one would never get the newer copy's tables.
func migrationsHash() (string, error) {
	files, err := filepath.Glob(filepath.Join("store", "migrations", "sqlite", "*.sql"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no store/migrations/sqlite/*.sql here: run from the repository's root (%v)", err)
	}
	h := sha256.New()
	for _, f := range files { // Glob sorts them
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
