package core

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// LibraryID identifies a library: a UUID.
type LibraryID string

// LibraryType says what a library holds, which decides how its files are identified.
type LibraryType string

// The library types.
const (
	LibraryMovies LibraryType = "movies"
	LibraryShows  LibraryType = "shows" // anime included
	LibraryMusic  LibraryType = "music"
	LibraryMixed  LibraryType = "mixed"
)

// LibraryTypes lists every valid LibraryType.
var LibraryTypes = []LibraryType{LibraryMovies, LibraryShows, LibraryMusic, LibraryMixed}

// Library is a named set of folders of one type.
type Library struct {
	ID        LibraryID
	Key       int64  // stable small integer, assigned by the store: Plex's section key
	Name      string // unique regardless of case
	Type      LibraryType
	Paths     []string // absolute and clean
	CreatedAt time.Time
	UpdatedAt time.Time
	// OfflineSince is set while a folder of the library is unreachable (an unmounted disk): scans
	// then delete nothing.
	OfflineSince *time.Time
}

// LibraryStore persists libraries.
type LibraryStore interface {
	CreateLibrary(ctx context.Context, l Library) error // ErrConflict when the name is taken
	Library(ctx context.Context, id LibraryID) (Library, error)
	Libraries(ctx context.Context) ([]Library, error) // ordered by name
	UpdateLibrary(ctx context.Context, l Library) error
	DeleteLibrary(ctx context.Context, id LibraryID) error // its items go with it
}

// NewLibrary is what an admin gives to create a library.
type NewLibrary struct {
	Name  string
	Type  LibraryType
	Paths []string
}

// LibraryPatch changes a library; nil fields stay as they are. The type is fixed once created.
type LibraryPatch struct {
	Name  *string
	Paths *[]string
}

// Libraries manages libraries and who sees them.
type Libraries struct {
	store LibraryStore
	now   Clock
	newID func() string
}

// NewLibraries returns the library service.
func NewLibraries(store LibraryStore, now Clock, newID func() string) *Libraries {
	return &Libraries{store: store, now: now, newID: newID}
}

// List returns the libraries the caller may see.
func (s *Libraries) List(ctx context.Context, c Caller) ([]Library, error) {
	all, err := s.store.Libraries(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(l Library) bool { return !c.CanSee(l.ID) }), nil
}

// Get returns a library the caller may see, or ErrNotFound.
func (s *Libraries) Get(ctx context.Context, c Caller, id LibraryID) (Library, error) {
	if !c.CanSee(id) {
		return Library{}, ErrNotFound
	}
	return s.store.Library(ctx, id)
}

// Create adds a library; only admins may.
func (s *Libraries) Create(ctx context.Context, c Caller, n NewLibrary) (Library, error) {
	if err := c.requireAdmin(); err != nil {
		return Library{}, err
	}
	name, err := validateLibraryName(n.Name)
	if err != nil {
		return Library{}, err
	}
	if !slices.Contains(LibraryTypes, n.Type) {
		return Library{}, Invalid("type", "must be one of movies, shows, music, mixed")
	}
	paths, err := cleanPaths(n.Paths)
	if err != nil {
		return Library{}, err
	}
	now := s.now().UTC()
	l := Library{ID: LibraryID(s.newID()), Name: name, Type: n.Type, Paths: paths, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateLibrary(ctx, l); err != nil {
		return Library{}, err
	}
	return l, nil
}

// Update renames a library or changes its folders; only admins may.
func (s *Libraries) Update(ctx context.Context, c Caller, id LibraryID, p LibraryPatch) (Library, error) {
	if err := c.requireAdmin(); err != nil {
		return Library{}, err
	}
	l, err := s.store.Library(ctx, id)
	if err != nil {
		return Library{}, err
	}
	if p.Name != nil {
		if l.Name, err = validateLibraryName(*p.Name); err != nil {
			return Library{}, err
		}
	}
	if p.Paths != nil {
		if l.Paths, err = cleanPaths(*p.Paths); err != nil {
			return Library{}, err
		}
	}
	l.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateLibrary(ctx, l); err != nil {
		return Library{}, err
	}
	return l, nil
}

// Delete removes a library and its items; only admins may. The files on disk are not touched.
func (s *Libraries) Delete(ctx context.Context, c Caller, id LibraryID) error {
	if err := c.requireAdmin(); err != nil {
		return err
	}
	return s.store.DeleteLibrary(ctx, id)
}

func validateLibraryName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Invalid("name", "is required")
	case utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name):
		return "", Invalid("name", "must be valid UTF-8 of at most 100 characters")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", Invalid("name", "must not contain control characters")
	}
	return name, nil
}

// cleanPaths requires absolute folders and cleans them; it does not require them to exist, because a
// network mount may be down when the library is created.
func cleanPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, Invalid("paths", "at least one folder is required")
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		switch {
		case !utf8.ValidString(p) || strings.ContainsRune(p, 0) || len(p) > 4096:
			return nil, Invalid("paths", "%q is not a valid path", p)
		case !filepath.IsAbs(p):
			return nil, Invalid("paths", "%q must be an absolute path", p)
		}
		if p = filepath.Clean(p); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}
