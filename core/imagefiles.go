package core

import "context"

// ImageFileStore tells which picture files items' images still point to, so that uploads no item
// shows any more can be removed (decision 0044). Both methods answer for a whole list at once: a
// sweep asks about every file of the upload folder, not one query per file.
type ImageFileStore interface {
	// ImagePathsInUse returns those of paths that some item's image has as its path.
	ImagePathsInUse(ctx context.Context, paths []string) ([]string, error)
	// ImageNamesInUse returns those of names (file names, without a folder) that end some item's
	// image path, whatever its folder: the pictures stored under a data folder that has moved
	// since.
	ImageNamesInUse(ctx context.Context, names []string) ([]string, error)
}
