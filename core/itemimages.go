package core

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ImageKinds lists every ImageKind, in the order editors show them.
var ImageKinds = []ImageKind{ImagePrimary, ImageBackdrop, ImageLogo, ImageThumb, ImageBanner, ImageArt, ImageDisc}

// ParseImageKind returns the ImageKind named s, in any case ("primary", "Backdrop"). Anything
// else, such as a path, is ErrInvalid.
func ParseImageKind(s string) (ImageKind, error) {
	for _, k := range ImageKinds {
		if strings.EqualFold(string(k), s) {
			return k, nil
		}
	}
	return "", Invalid("kind", "must be one of Primary, Backdrop, Logo, Thumb, Banner, Art, Disc")
}

// imagesLock is the field an admin's choice of artwork locks, so that refreshes keep it.
const imagesLock = "images"

// Images returns every image of an item, in order: the first of each kind is the one shown. Only
// admins may list them (the artwork editor); viewers get each picture through Image.
func (s *Items) Images(ctx context.Context, c Caller, id ItemID) ([]Image, error) {
	if err := c.requireAdmin(); err != nil {
		return nil, err
	}
	m, err := s.meta.ItemMetadata(ctx, id)
	if err != nil {
		return nil, err
	}
	return m.Images, nil
}

// SelectImage makes the index-th image of a kind the first of its kind, the one clients show, and
// locks the item's images so that a refresh keeps the choice. Only admins may.
func (s *Items) SelectImage(ctx context.Context, c Caller, id ItemID, kind ImageKind, index int) (Metadata, error) {
	return s.editImages(ctx, c, id, func(images []Image) ([]Image, error) {
		at, err := imageAt(images, kind, index)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", id, err)
		}
		im := images[at]
		return insertFirst(slices.Delete(images, at, at+1), im), nil
	})
}

// MoveImage moves the index-th image of a kind to place to among the images of its kind (clamped
// to the first and the last), the others keeping their order, and locks the item's images as
// SelectImage does: Jellyfin's editor moves backdrops left and right. Only admins may.
func (s *Items) MoveImage(ctx context.Context, c Caller, id ItemID, kind ImageKind, index, to int) (Metadata, error) {
	return s.editImages(ctx, c, id, func(images []Image) ([]Image, error) {
		at, err := imageAt(images, kind, index)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", id, err)
		}
		im := images[at]
		images = slices.Delete(images, at, at+1)
		// Before the to-th of the rest of its kind, or after the last of them; where it was when it
		// is the only one.
		pos, n := at, 0
		for i, x := range images {
			if x.Kind != kind {
				continue
			}
			if n == max(to, 0) {
				pos = i
				break
			}
			n++
			pos = i + 1
		}
		return slices.Insert(images, pos, im), nil
	})
}

// AddImage puts img first among the item's images of its kind and locks the item's images, as
// SelectImage does. Only admins may.
func (s *Items) AddImage(ctx context.Context, c Caller, id ItemID, img Image) (Metadata, error) {
	if img.Path == "" && img.URL == "" {
		return Metadata{}, Invalid("image", "has neither a path nor a url")
	}
	kind, err := ParseImageKind(string(img.Kind))
	if err != nil {
		return Metadata{}, err
	}
	img.Kind = kind
	return s.editImages(ctx, c, id, func(images []Image) ([]Image, error) {
		return insertFirst(images, img), nil
	})
}

// DeleteImage removes the index-th image of a kind from the item and locks the item's images, so
// that a refresh does not bring it back. It returns the image removed: the caller owns what it
// points to (an uploaded file). Files next to the media are never touched. Only admins may.
func (s *Items) DeleteImage(ctx context.Context, c Caller, id ItemID, kind ImageKind, index int) (Image, Metadata, error) {
	var gone Image
	m, err := s.editImages(ctx, c, id, func(images []Image) ([]Image, error) {
		at, err := imageAt(images, kind, index)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", id, err)
		}
		gone = images[at]
		return slices.Delete(images, at, at+1), nil
	})
	return gone, m, err
}

// editImages applies fn to the item's images in one transaction and locks them.
func (s *Items) editImages(ctx context.Context, c Caller, id ItemID, fn func([]Image) ([]Image, error)) (Metadata, error) {
	if err := c.requireAdmin(); err != nil {
		return Metadata{}, err
	}
	return s.meta.UpdateMetadata(ctx, id, func(m *Metadata) error {
		images, err := fn(slices.Clone(m.Images))
		if err != nil {
			return err
		}
		m.Images = images
		if !slices.Contains(m.LockedFields, imagesLock) {
			m.LockedFields = append(m.LockedFields, imagesLock)
		}
		return nil
	})
}

// imageAt returns where the index-th image of kind is in images.
func imageAt(images []Image, kind ImageKind, index int) (int, error) {
	if index < 0 {
		return 0, Invalid("index", "must be a whole number")
	}
	n := 0
	for i, im := range images {
		if im.Kind == kind {
			if n == index {
				return i, nil
			}
			n++
		}
	}
	return 0, fmt.Errorf("no %s image %d: %w", kind, index, ErrNotFound)
}

// insertFirst puts im before the other images of its kind.
func insertFirst(images []Image, im Image) []Image {
	at := slices.IndexFunc(images, func(x Image) bool { return x.Kind == im.Kind })
	if at < 0 {
		at = len(images)
	}
	return slices.Insert(images, at, im)
}
