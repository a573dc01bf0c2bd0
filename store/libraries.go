package store

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/walros/walros/core"
)

type libraryRow struct {
	bun.BaseModel `bun:"table:libraries"`

	ID           string     `bun:"id,pk"`
	Seq          int64      `bun:"seq"` // set by the database: writes leave it out
	Name         string     `bun:"name"`
	NameKey      string     `bun:"name_key"`
	Type         string     `bun:"type"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
	OfflineSince *time.Time `bun:"offline_since"`
}

type libraryPathRow struct {
	bun.BaseModel `bun:"table:library_paths"`

	LibraryID string `bun:"library_id,pk"`
	Position  int    `bun:"position,pk"`
	Path      string `bun:"path"`
}

// Libraries implements core.LibraryStore.
type Libraries struct{ db *DB }

var _ core.LibraryStore = (*Libraries)(nil)

func newLibraryRow(l core.Library) *libraryRow {
	return &libraryRow{ID: string(l.ID), Name: l.Name, NameKey: foldKey(l.Name), Type: string(l.Type),
		CreatedAt: l.CreatedAt.UTC(), UpdatedAt: l.UpdatedAt.UTC()}
}

func (r *libraryRow) toCore(paths []string) core.Library {
	if paths == nil {
		paths = []string{}
	}
	return core.Library{ID: core.LibraryID(r.ID), Key: r.Seq, Name: r.Name, Type: core.LibraryType(r.Type), Paths: paths,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), OfflineSince: utcPtr(r.OfflineSince)}
}

// CreateLibrary inserts a library and its folders.
func (s *Libraries) CreateLibrary(ctx context.Context, l core.Library) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(newLibraryRow(l)).ExcludeColumn("seq").Exec(ctx); err != nil {
			return wrap(err, "insert library %q", l.Name)
		}
		return setLibraryPaths(ctx, tx, l)
	})
}

// Library returns a library by id.
func (s *Libraries) Library(ctx context.Context, id core.LibraryID) (core.Library, error) {
	var row libraryRow
	if err := s.db.R.NewSelect().Model(&row).Where("id = ?", string(id)).Scan(ctx); err != nil {
		return core.Library{}, wrap(err, "select library %s", id)
	}
	var paths []string
	if err := s.db.R.NewSelect().Model((*libraryPathRow)(nil)).Column("path").Where("library_id = ?", row.ID).
		Order("position").Scan(ctx, &paths); err != nil {
		return core.Library{}, wrap(err, "select paths of library %s", id)
	}
	return row.toCore(paths), nil
}

// Libraries returns every library, ordered by name.
func (s *Libraries) Libraries(ctx context.Context) ([]core.Library, error) {
	// Every request of a facade that checks a section or lists views reads them: they are kept at
	// the list generation, which library writes move on.
	st, ok := s.db.listStamp()
	got, err := cachedRead(ctx, s.db, &pagesOf(s.db).libraries, st, ok, []string{""}, nil, cloneLibraries,
		func(ctx context.Context, _ []string) (map[string][]core.Library, error) {
			libs, err := s.readLibraries(ctx)
			return map[string][]core.Library{"": libs}, err
		})
	if err != nil {
		return nil, err
	}
	return got[""], nil
}

// cloneLibraries copies what a caller could change in place in cached libraries.
func cloneLibraries(ls []core.Library) []core.Library {
	out := slices.Clone(ls)
	for i := range out {
		out[i].Paths = slices.Clone(out[i].Paths)
	}
	return out
}

func (s *Libraries) readLibraries(ctx context.Context) ([]core.Library, error) {
	var rows []libraryRow
	if err := s.db.R.NewSelect().Model(&rows).Order("name_key").Scan(ctx); err != nil {
		return nil, wrap(err, "select libraries")
	}
	var paths []libraryPathRow
	if err := s.db.R.NewSelect().Model(&paths).Order("library_id", "position").Scan(ctx); err != nil {
		return nil, wrap(err, "select library paths")
	}
	byLib := make(map[string][]string)
	for _, p := range paths {
		byLib[p.LibraryID] = append(byLib[p.LibraryID], p.Path)
	}
	out := make([]core.Library, len(rows))
	for i := range rows {
		out[i] = rows[i].toCore(byLib[rows[i].ID])
	}
	return out, nil
}

// UpdateLibrary replaces a library's name and folders.
func (s *Libraries) UpdateLibrary(ctx context.Context, l core.Library) error {
	return s.db.W.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model(newLibraryRow(l)).ExcludeColumn("id", "seq", "created_at", "type", "offline_since").WherePK().Exec(ctx)
		if err := mustAffect(res, err, "update library %s", l.ID); err != nil {
			return err
		}
		return setLibraryPaths(ctx, tx, l)
	})
}

func setLibraryPaths(ctx context.Context, tx bun.Tx, l core.Library) error {
	if _, err := tx.NewDelete().Model((*libraryPathRow)(nil)).Where("library_id = ?", string(l.ID)).Exec(ctx); err != nil {
		return wrap(err, "clear paths of library %s", l.ID)
	}
	rows := make([]libraryPathRow, len(l.Paths))
	for i, p := range l.Paths {
		rows[i] = libraryPathRow{LibraryID: string(l.ID), Position: i, Path: p}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return wrap(err, "insert paths of library %s", l.ID)
}

// DeleteLibrary removes a library; its folders, grants and items go with it.
func (s *Libraries) DeleteLibrary(ctx context.Context, id core.LibraryID) error {
	res, err := s.db.W.NewDelete().Model((*libraryRow)(nil)).Where("id = ?", string(id)).Exec(ctx)
	return mustAffect(res, err, "delete library %s", id)
}
