package store

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

// The blurhashes of pictures live in image_blurhashes, keyed by the picture's identity (its path,
// or its URL), and the hash of each item's first Primary image is copied onto its row
// (items.blurhash), which lists read anyway: a list pays nothing for it (decision 0036). The copy
// follows the picture: writing an item's images sets it from what is kept for the new first
// Primary image (refreshPrimaryImage), which is nothing for a new picture until the background hasher
// saves one (SaveBlurHashes).

var _ core.BlurHashStore = (*Metadata)(nil)

// imageSourceSQL is core.ImageSource in SQL, over item_images AS i.
const imageSourceSQL = "(CASE WHEN i.path <> '' THEN i.path ELSE i.url END)"

type primaryImageRow struct {
	ItemID   string `bun:"item_id"`
	Path     string `bun:"path"`
	URL      string `bun:"url"`
	Stamp    string `bun:"stamp"`
	Hash     string `bun:"hash"`
	ItemHash string `bun:"item_hash"`
}

// PrimaryImages implements core.BlurHashStore.
func (s *Metadata) PrimaryImages(ctx context.Context, after core.ItemID, limit int) ([]core.PrimaryImage, error) {
	var rows []primaryImageRow
	err := s.db.R.NewSelect().TableExpr("item_images AS i").
		ColumnExpr("i.item_id, i.path, i.url, COALESCE(h.stamp, '') AS stamp, COALESCE(h.blurhash, '') AS hash, it.blurhash AS item_hash").
		Join("JOIN items AS it ON it.id = i.item_id").
		Join("LEFT JOIN image_blurhashes AS h ON h.source = "+imageSourceSQL).
		Where("i.kind = ? AND i.position = 0 AND i.item_id > ?", string(core.ImagePrimary), string(after)).
		OrderExpr("i.item_id").Limit(limit).Scan(ctx, &rows)
	if err != nil {
		return nil, wrap(err, "select primary images after %q", after)
	}
	out := make([]core.PrimaryImage, len(rows))
	for i, r := range rows {
		out[i] = core.PrimaryImage{Item: core.ItemID(r.ItemID), Image: core.Image{Kind: core.ImagePrimary, Path: r.Path, URL: r.URL},
			Stamp: r.Stamp, Hash: r.Hash, ItemHash: r.ItemHash}
	}
	return out, nil
}

// SaveBlurHashes implements core.BlurHashStore, in one transaction: the writes to items make the
// list caches out of date, so callers save hashes in batches.
func (s *Metadata) SaveBlurHashes(ctx context.Context, hashes []core.ImageHash) error {
	if len(hashes) == 0 {
		return nil
	}
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, h := range hashes {
			src := core.ImageSource(h.Image)
			if src == "" || h.Hash == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO image_blurhashes (source, stamp, blurhash) VALUES (?, ?, ?)
				ON CONFLICT (source) DO UPDATE SET stamp = EXCLUDED.stamp, blurhash = EXCLUDED.blurhash`,
				src, h.Stamp, h.Hash); err != nil {
				return wrap(err, "save blurhash of %s", src)
			}
			// Only while the picture is still the item's first Primary image: an edit may have
			// replaced it since it was read.
			if _, err := tx.ExecContext(ctx, `UPDATE items SET blurhash = ? WHERE id = ? AND blurhash <> ? AND EXISTS (
				SELECT 1 FROM item_images AS i WHERE i.item_id = items.id AND i.kind = ? AND i.position = 0 AND `+imageSourceSQL+` = ?)`,
				h.Hash, string(h.Item), h.Hash, string(core.ImagePrimary), src); err != nil {
				return wrap(err, "set blurhash of item %s", h.Item)
			}
		}
		return nil
	})
}

// refreshPrimaryImage sets what an item's row copies of its first Primary image, after its images
// were written: the blurhash kept for that picture (none for a new picture until it is hashed),
// and its tag (store/imagetags.go), in one statement.
func refreshPrimaryImage(ctx context.Context, tx bun.Tx, id, tag string) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET blurhash = COALESCE((
		SELECT h.blurhash FROM item_images AS i JOIN image_blurhashes AS h ON h.source = `+imageSourceSQL+`
		WHERE i.item_id = items.id AND i.kind = ? AND i.position = 0), ''), image_tag = ? WHERE id = ?`,
		string(core.ImagePrimary), tag, id)
	return wrap(err, "refresh primary image of item %s", id)
}
