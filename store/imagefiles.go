package store

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// Which picture files items still show, and which uploads this database made (the ledger,
// image_uploads), for the sweep of orphaned uploads (decision 0044).

var _ core.ImageFileStore = (*Metadata)(nil)

// imagePathBatch and imageNameBatch bound the list one query asks about. Both dialects take far
// more parameters; short lists keep each query short, and a name costs a LIKE over every row with
// a path, where a path costs one look in the index.
const (
	imagePathBatch = 500
	imageNameBatch = 100
)

// RecordUpload implements core.ImageFileStore.
func (s *Metadata) RecordUpload(ctx context.Context, name string, at time.Time) error {
	_, err := s.db.W.ExecContext(ctx, "INSERT INTO image_uploads (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
		name, at.UTC())
	return wrap(err, "record upload %s", name)
}

// RecordedUploads implements core.ImageFileStore, a batch of names a query through the primary key.
func (s *Metadata) RecordedUploads(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for batch := range slices.Chunk(names, imagePathBatch) {
		var got []string
		if err := s.db.R.NewSelect().Table("image_uploads").Column("name").
			Where("name IN (?)", bun.List(batch)).Scan(ctx, &got); err != nil {
			return nil, wrap(err, "select %d recorded uploads", len(batch))
		}
		out = append(out, got...)
	}
	return out, nil
}

// ForgetUploads implements core.ImageFileStore.
func (s *Metadata) ForgetUploads(ctx context.Context, names []string) error {
	for batch := range slices.Chunk(names, imagePathBatch) {
		if _, err := s.db.W.NewDelete().TableExpr("image_uploads").Where("name IN (?)", bun.List(batch)).Exec(ctx); err != nil {
			return wrap(err, "forget %d uploads", len(batch))
		}
	}
	return nil
}

// ImagePathsInUse implements core.ImageFileStore through the partial index on item_images.path
// (migration 0024). The query repeats the index's condition, path <> ”: SQLite uses a partial
// index only for a query whose WHERE names its condition.
func (s *Metadata) ImagePathsInUse(ctx context.Context, paths []string) ([]string, error) {
	var out []string
	for batch := range slices.Chunk(paths, imagePathBatch) {
		var got []string
		if err := s.db.R.NewSelect().Table("item_images").Distinct().Column("path").
			Where("path <> ''").Where("path IN (?)", bun.List(batch)).Scan(ctx, &got); err != nil {
			return nil, wrap(err, "select %d image paths", len(batch))
		}
		out = append(out, got...)
	}
	return out, nil
}

// ImageNamesInUse implements core.ImageFileStore. It reads every row with a path, once a batch:
// it is asked only about the few files ImagePathsInUse did not find.
func (s *Metadata) ImageNamesInUse(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for batch := range slices.Chunk(names, imageNameBatch) {
		want := map[string]bool{}
		q := s.db.R.NewSelect().Table("item_images").Distinct().Column("path").Where("path <> ''")
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, n := range batch {
				want[n] = true
				q = q.WhereOr("path LIKE ? ESCAPE '\\'", "%"+escapeLike(n))
			}
			return q
		})
		var paths []string
		if err := q.Scan(ctx, &paths); err != nil {
			return nil, wrap(err, "select image paths by %d names", len(batch))
		}
		for _, p := range paths {
			// The LIKE also matches a longer name that ends the same way, and SQLite's ignores case.
			if n := filepath.Base(p); want[n] {
				out = append(out, n)
				delete(want, n)
			}
		}
	}
	return out, nil
}
