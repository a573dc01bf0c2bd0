package store

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// The tag of each item's first Primary image is copied onto its row (items.image_tag), like its
// blurhash, so that lists give poster URLs that browsers keep for good without reading any image
// (decision 0042). Metadata.write, the one writer of item_images, sets it (refreshPrimaryImage);
// migration 0023 fills the rows already there (fillImageTags).

// fillImageTags sets image_tag on every item with a Primary image. It runs once, in the transaction
// of migration 0023: the tag is a SHA-256 that SQLite cannot compute in SQL.
func fillImageTags(ctx context.Context, tx bun.Tx) error {
	var rows []struct {
		ItemID string `bun:"item_id"`
		Path   string `bun:"path"`
		URL    string `bun:"url"`
	}
	if err := tx.NewSelect().Table("item_images").Column("item_id", "path", "url").
		Where("kind = ? AND position = 0", string(core.ImagePrimary)).Scan(ctx, &rows); err != nil {
		return wrap(err, "select primary images")
	}
	// One UPDATE per batch, a CASE over the ids: one statement per item would take minutes on a
	// large library behind a PostgreSQL round trip.
	for start := 0; start < len(rows); start += batchSize {
		batch := rows[start:min(start+batchSize, len(rows))]
		var sql strings.Builder
		args := make([]any, 0, 3*len(batch))
		ids := make([]string, len(batch))
		sql.WriteString("UPDATE items SET image_tag = CASE id")
		for i, r := range batch {
			sql.WriteString(" WHEN ? THEN ?")
			args = append(args, r.ItemID, core.ImageTag(core.Image{Kind: core.ImagePrimary, Path: r.Path, URL: r.URL}))
			ids[i] = r.ItemID
		}
		sql.WriteString(" END WHERE id IN (?)")
		args = append(args, bun.List(ids))
		if _, err := tx.ExecContext(ctx, sql.String(), args...); err != nil {
			return wrap(err, "fill image tags")
		}
	}
	return nil
}
