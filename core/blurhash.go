package core

import "context"

// The blurhashes of items' primary images are kept in the store, so that lists carry them with
// the item rows they read anyway (Item.BlurHash) and no viewer waits for a picture to be decoded
// (decision 0036). A background hasher (core/artwork) computes the missing ones.

// PrimaryImage is an item's first Primary image, with the blurhash the store keeps for that picture.
type PrimaryImage struct {
	Item  ItemID
	Image Image
	// Stamp is what the kept hash was computed from (the artwork service's identity of the
	// picture: a file's path, size and mtime); "" when no hash is kept for the picture.
	Stamp string
	Hash  string
	// ItemHash is the hash on the item's row (Item.BlurHash), which lists show.
	ItemHash string
}

// ImageHash is a blurhash computed for an item's primary image.
type ImageHash struct {
	Item  ItemID
	Image Image
	Stamp string
	Hash  string
}

// BlurHashStore keeps the blurhashes of pictures by their identity (path or URL).
type BlurHashStore interface {
	// PrimaryImages returns up to limit items with a Primary image, in id order, starting after
	// the item after ("" for the first).
	PrimaryImages(ctx context.Context, after ItemID, limit int) ([]PrimaryImage, error)
	// SaveBlurHashes keeps hashes, and sets each on its item's row when the picture is still the
	// item's first Primary image.
	SaveBlurHashes(ctx context.Context, hashes []ImageHash) error
}

// ImageSource is the identity of a picture, under which its blurhash is kept: its path, or its
// URL when it has no path (the artwork service reads a path first).
func ImageSource(im Image) string {
	if im.Path != "" {
		return im.Path
	}
	return im.URL
}
