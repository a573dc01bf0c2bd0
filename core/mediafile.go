package core

import (
	"context"
	"time"
)

// FileID identifies a media file: a UUID.
type FileID string

// MediaFile is one file on disk that belongs to an item: a version (1080p, 4K, director's cut) or a
// part (cd1, cd2) of a movie, an episode, a track. A file that failed to probe has no item.
type MediaFile struct {
	ID        FileID
	Key       int64 // stable small integer, assigned by the store: Plex's part id
	LibraryID LibraryID
	ItemID    ItemID // empty when the file could not be probed
	Path      string
	// Size, ModTime and Inode tell whether the file changed since it was probed.
	Size    int64
	ModTime time.Time
	Inode   uint64
	// HeadHash hashes the first and last MiB with the size: how a moved or renamed file is recognised.
	HeadHash     string
	Part         int    // 1, 2... for multi-part files; 0 when the file is whole
	Version      string // what tells this version from its siblings: "2160p HDR", "Director's Cut"
	ProbeError   string // why probing failed; empty when it succeeded
	Info         MediaInfo
	MissingSince *time.Time // when a scan stopped finding it; it goes after a grace period
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FileUpdate is what a scan learnt about one file: the file and, from the top of the library down,
// the items it belongs to (series, season, episode; or artist, album, track; or just a movie).
// Each item's parent is the one before it; items are matched by LibraryID and MatchKey.
type FileUpdate struct {
	File  MediaFile
	Items []Item
}

// MediaStore persists media files and applies scan results.
type MediaStore interface {
	// LibraryFiles returns every file of a library, for comparing with what is on disk.
	LibraryFiles(ctx context.Context, lib LibraryID) ([]MediaFile, error)
	// ApplyFile creates or updates the items (keeping the ids of those already there) and the file,
	// in one transaction, and returns the file with its item and the ids of u.Items in order.
	ApplyFile(ctx context.Context, u FileUpdate) (MediaFile, []ItemID, error)
	// MoveFile records that a file was moved or renamed; it keeps its id and item.
	MoveFile(ctx context.Context, id FileID, path string, modTime time.Time, inode uint64) error
	// MarkMissing records when files were first found missing; files already marked keep their date.
	MarkMissing(ctx context.Context, ids []FileID, at time.Time) error
	// PurgeMissing deletes a library's files missing since cutoff or before and the items left with no
	// file and no child, in one transaction. It returns how many files went.
	PurgeMissing(ctx context.Context, lib LibraryID, cutoff time.Time) (int, error)
	// ItemFiles returns the files of one item, versions first by name.
	ItemFiles(ctx context.Context, item ItemID) ([]MediaFile, error)
	// FileByKey returns the file whose Key is key.
	FileByKey(ctx context.Context, key int64) (MediaFile, error)
	// PlayableFile returns the item's first probed file, or the one with id file, if the item is
	// in libs (nil: any library); ErrNotFound otherwise. One query: it is on every media request.
	PlayableFile(ctx context.Context, item ItemID, file FileID, libs []LibraryID) (MediaFile, error)
	// SetLibraryOffline records that a library's folder is unreachable (a nil time: reachable again).
	SetLibraryOffline(ctx context.Context, lib LibraryID, since *time.Time) error
}
