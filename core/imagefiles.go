package core

import (
	"context"
	"time"
)

// ImageFileStore keeps the ledger of the pictures uploaded into this database, and tells which
// picture files items' images still point to, so that uploads no item shows any more can be
// removed (decision 0044). The ledger is keyed by file name, not path: the data folder may move.
// The methods that take a list answer for it at once: a sweep asks about every file of the upload
// folder, not one query per file.
type ImageFileStore interface {
	// RecordUpload notes that name, a file just stored in the upload folder, belongs to this
	// database; recording a name twice is not an error.
	RecordUpload(ctx context.Context, name string, at time.Time) error
	// RecordedUploads returns those of names the ledger holds: the only files a sweep may remove.
	// The others belong to another database that shares the data folder, or predate the ledger.
	RecordedUploads(ctx context.Context, names []string) ([]string, error)
	// ForgetUploads drops names from the ledger, once their files are gone.
	ForgetUploads(ctx context.Context, names []string) error
	// ImagePathsInUse returns those of paths that some item's image has as its path.
	ImagePathsInUse(ctx context.Context, paths []string) ([]string, error)
	// ImageNamesInUse returns those of names (file names, without a folder) that end some item's
	// image path, whatever its folder: the pictures stored under a data folder that has moved
	// since.
	ImageNamesInUse(ctx context.Context, names []string) ([]string, error)
}
