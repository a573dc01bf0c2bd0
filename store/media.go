package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type mediaFileRow struct {
	bun.BaseModel `bun:"table:media_files"`

	ID           string     `bun:"id,pk"`
	Seq          int64      `bun:"seq"` // set by the database: inserts leave it out
	LibraryID    string     `bun:"library_id"`
	ItemID       *string    `bun:"item_id"`
	Path         string     `bun:"path"`
	Size         int64      `bun:"size"`
	MtimeNS      int64      `bun:"mtime_ns"`
	Inode        int64      `bun:"inode"`
	HeadHash     string     `bun:"head_hash"`
	Part         int        `bun:"part"`
	Version      string     `bun:"version"`
	ProbeError   string     `bun:"probe_error"`
	Container    string     `bun:"container"`
	DurationMS   int64      `bun:"duration_ms"`
	Bitrate      int64      `bun:"bitrate"`
	Streams      string     `bun:"streams"`
	Chapters     string     `bun:"chapters"`
	Tags         string     `bun:"tags"`
	MissingSince *time.Time `bun:"missing_since"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
}

func newMediaFileRow(f core.MediaFile) *mediaFileRow {
	r := &mediaFileRow{ID: string(f.ID), LibraryID: string(f.LibraryID), Path: f.Path, Size: f.Size,
		MtimeNS: f.ModTime.UnixNano(), Inode: int64(f.Inode), HeadHash: f.HeadHash, Part: f.Part, Version: f.Version,
		ProbeError: f.ProbeError, Container: f.Info.Container, DurationMS: f.Info.Duration.Milliseconds(),
		Bitrate: f.Info.Bitrate, Streams: toJSON(f.Info.Streams, "[]"), Chapters: toJSON(f.Info.Chapters, "[]"),
		Tags: toJSON(f.Info.Tags, "{}"), MissingSince: utcPtr(f.MissingSince), CreatedAt: f.CreatedAt.UTC(),
		UpdatedAt: f.UpdatedAt.UTC()}
	if f.ItemID != "" {
		id := string(f.ItemID)
		r.ItemID = &id
	}
	return r
}

func (r *mediaFileRow) toCore() core.MediaFile {
	f := core.MediaFile{ID: core.FileID(r.ID), Key: r.Seq, LibraryID: core.LibraryID(r.LibraryID), Path: r.Path, Size: r.Size,
		ModTime: time.Unix(0, r.MtimeNS).UTC(), Inode: uint64(r.Inode), HeadHash: r.HeadHash, Part: r.Part,
		Version: r.Version, ProbeError: r.ProbeError, MissingSince: utcPtr(r.MissingSince),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Info: core.MediaInfo{Container: r.Container, Duration: time.Duration(r.DurationMS) * time.Millisecond,
			Bitrate: r.Bitrate, Size: r.Size}}
	if r.ItemID != nil {
		f.ItemID = core.ItemID(*r.ItemID)
	}
	fromJSON(r.Streams, &f.Info.Streams)
	fromJSON(r.Chapters, &f.Info.Chapters)
	fromJSON(r.Tags, &f.Info.Tags)
	return f
}

// Media implements core.MediaStore.
type Media struct{ db *DB }

var _ core.MediaStore = (*Media)(nil)

// LibraryFiles returns every file of a library; only what a scan compares is read, so a rescan of a
// large library stays fast.
func (s *Media) LibraryFiles(ctx context.Context, lib core.LibraryID) ([]core.MediaFile, error) {
	var rows []mediaFileRow
	if err := s.db.R.NewSelect().Model(&rows).
		Column("id", "library_id", "item_id", "path", "size", "mtime_ns", "inode", "head_hash", "probe_error", "missing_since", "updated_at").
		Where("library_id = ?", string(lib)).Scan(ctx); err != nil {
		return nil, wrap(err, "select files of library %s", lib)
	}
	out := make([]core.MediaFile, len(rows))
	for i := range rows {
		rows[i].Streams, rows[i].Chapters, rows[i].Tags = "[]", "[]", "{}"
		out[i] = rows[i].toCore()
	}
	return out, nil
}

// ApplyFile upserts the file's items from the top down, then the file, in one transaction: a crash
// leaves either all of it or none.
func (s *Media) ApplyFile(ctx context.Context, u core.FileUpdate) (core.MediaFile, []core.ItemID, error) {
	f := u.File
	var ids []core.ItemID
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var before []string
		if err := tx.NewSelect().Model((*mediaFileRow)(nil)).Column("item_id").Where("id = ?", string(f.ID)).
			Where("item_id IS NOT NULL").Scan(ctx, &before); err != nil {
			return wrap(err, "select file %s", f.ID)
		}
		parent := core.ItemID("")
		for _, it := range u.Items {
			it.ParentID = parent
			id, err := upsertItem(ctx, tx, it)
			if err != nil {
				return err
			}
			parent, ids = id, append(ids, id)
		}
		f.ItemID = parent
		row := newMediaFileRow(f)
		_, err := tx.NewInsert().Model(row).ExcludeColumn("seq").On("CONFLICT (id) DO UPDATE").
			Set("item_id = EXCLUDED.item_id, path = EXCLUDED.path, size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns").
			Set("inode = EXCLUDED.inode, head_hash = EXCLUDED.head_hash, part = EXCLUDED.part, version = EXCLUDED.version").
			Set("probe_error = EXCLUDED.probe_error, container = EXCLUDED.container, duration_ms = EXCLUDED.duration_ms").
			Set("bitrate = EXCLUDED.bitrate, streams = EXCLUDED.streams, chapters = EXCLUDED.chapters, tags = EXCLUDED.tags").
			Set("missing_since = NULL, updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		if err != nil {
			return wrap(err, "save file %s", f.Path)
		}
		if len(before) == 1 && before[0] != string(f.ItemID) {
			// The file left its item (re-identified after a change): drop items left empty.
			return deleteEmptyItems(ctx, tx, f.LibraryID)
		}
		return nil
	})
	if err != nil {
		return core.MediaFile{}, nil, err
	}
	f.MissingSince = nil
	return f, ids, nil
}

// upsertItem finds the item by (library, match key) and updates what the scan knows of it, or
// inserts it; the id, key and creation date of an existing item never change.
func upsertItem(ctx context.Context, tx bun.Tx, it core.Item) (core.ItemID, error) {
	if it.MatchKey == "" {
		return "", fmt.Errorf("item %q has no match key", it.Title)
	}
	var existing itemRow
	// "match_key <> ''" repeats the partial index's condition: without it SQLite cannot use
	// items_match_key and walks every item of the library, for every file a scan records.
	err := tx.NewSelect().Model(&existing).Column("id").Where("library_id = ?", string(it.LibraryID)).
		Where("match_key = ?", it.MatchKey).Where("match_key <> ''").Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		row := newItemRow(it)
		if _, err := tx.NewInsert().Model(row).ExcludeColumn("seq").Exec(ctx); err != nil {
			return "", wrap(err, "insert item %q", it.Title)
		}
		return it.ID, inheritParental(ctx, tx, row.ID)
	case err != nil:
		return "", wrap(err, "find item %q", it.MatchKey)
	}
	row := newItemRow(it)
	row.ID = existing.ID
	// Titles, year and the rest of the descriptive fields belong to metadata (NFO, providers, admin
	// edits) once the item exists; a rescan updates only what the file says: place and numbering.
	if _, err := tx.NewUpdate().Model(row).ExcludeColumn("seq", "id", "created_at", "overview", "provider_ids",
		"title", "sort_title", "search_title", "original_title", "year", "review", "parental_level", "parental_tags", "blurhash", "image_tag").
		Where("id = ?", existing.ID).Exec(ctx); err != nil {
		return "", wrap(err, "update item %q", it.Title)
	}
	return core.ItemID(existing.ID), nil
}

// deleteEmptyItems removes the library's scanned items that have neither a file nor a child, from
// the leaves up (an episode, then its season, then its series).
func deleteEmptyItems(ctx context.Context, tx bun.Tx, lib core.LibraryID) error {
	for range 4 { // the deepest chain is series > season > episode (> extra)
		res, err := tx.NewDelete().TableExpr("items").
			Where("library_id = ?", string(lib)).Where("match_key <> ''").Where("kind <> ?", string(core.KindCollection)).
			Where("NOT EXISTS (SELECT 1 FROM media_files f WHERE f.item_id = items.id)").
			Where("NOT EXISTS (SELECT 1 FROM items c WHERE c.parent_id = items.id)").Exec(ctx)
		if err != nil {
			return wrap(err, "delete empty items of library %s", lib)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
	}
	return nil
}

// MoveFile records a file's new path; it keeps its id, item and probe results.
func (s *Media) MoveFile(ctx context.Context, id core.FileID, path string, modTime time.Time, inode uint64) error {
	res, err := s.db.W.NewUpdate().Model((*mediaFileRow)(nil)).Set("path = ?", path).Set("mtime_ns = ?", modTime.UnixNano()).
		Set("inode = ?", int64(inode)).Set("missing_since = NULL").Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "move file %s", id)
}

// MarkMissing sets missing_since on files that do not have it yet.
func (s *Media) MarkMissing(ctx context.Context, ids []core.FileID, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.W.NewUpdate().Model((*mediaFileRow)(nil)).Set("missing_since = ?", at.UTC()).
		Where("id IN (?)", bun.List(ids)).Where("missing_since IS NULL").Exec(ctx)
	return wrap(err, "mark %d files missing", len(ids))
}

// PurgeMissing deletes files missing since before cutoff, and the items they leave empty.
func (s *Media) PurgeMissing(ctx context.Context, lib core.LibraryID, cutoff time.Time) (int, error) {
	var n int64
	err := s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*mediaFileRow)(nil)).Where("library_id = ?", string(lib)).
			Where("missing_since IS NOT NULL").Where("missing_since <= ?", cutoff.UTC()).Exec(ctx)
		if err != nil {
			return wrap(err, "delete missing files of library %s", lib)
		}
		n, _ = res.RowsAffected()
		return deleteEmptyItems(ctx, tx, lib)
	})
	return int(n), err
}

// ItemFiles returns an item's files, ordered by part then version.
func (s *Media) ItemFiles(ctx context.Context, item core.ItemID) ([]core.MediaFile, error) {
	var rows []mediaFileRow
	if err := s.db.R.NewSelect().Model(&rows).Where("item_id = ?", string(item)).Order("part", "version", "path").
		Scan(ctx); err != nil {
		return nil, wrap(err, "select files of item %s", item)
	}
	out := make([]core.MediaFile, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore()
	}
	return out, nil
}

// PlayableFile returns an item's first probed file (parts, then versions, in order), or the one
// with id file, in one query that also checks the item is in libs (nil: any library).
func (s *Media) PlayableFile(ctx context.Context, item core.ItemID, file core.FileID, libs []core.LibraryID) (core.MediaFile, error) {
	if libs != nil && len(libs) == 0 {
		return core.MediaFile{}, fmt.Errorf("files of item %s: %w", item, core.ErrNotFound)
	}
	var row mediaFileRow
	q := s.db.R.NewSelect().Model(&row).Where("item_id = ?", string(item)).Where("probe_error = ''")
	if file != "" {
		q = q.Where("id = ?", string(file))
	}
	if libs != nil {
		q = q.Where("library_id IN (?)", bun.List(libs))
	}
	if err := q.Order("part", "version", "path").Limit(1).Scan(ctx); err != nil {
		return core.MediaFile{}, wrap(err, "select a file of item %s", item)
	}
	return row.toCore(), nil
}

// FileByKey returns the file whose seq is key.
func (s *Media) FileByKey(ctx context.Context, key int64) (core.MediaFile, error) {
	var row mediaFileRow
	err := s.db.R.NewSelect().Model(&row).Where("seq = ?", key).Scan(ctx)
	return row.toCore(), wrap(err, "select file %d", key)
}

// SetLibraryOffline records whether a library's folders are reachable.
func (s *Media) SetLibraryOffline(ctx context.Context, lib core.LibraryID, since *time.Time) error {
	res, err := s.db.W.NewUpdate().Model((*libraryRow)(nil)).Set("offline_since = ?", utcPtr(since)).
		Where("id = ?", string(lib)).Exec(ctx)
	return mustAffect(res, err, "set library %s offline", lib)
}
