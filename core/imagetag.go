package core

import (
	"crypto/sha256"
	"encoding/hex"
)

// ImageTag names a picture: it changes when another picture takes its kind and index, so that a
// URL carrying it can be cached for good while URLs by index alone are revalidated (decision
// 0032). The store copies the tag of an item's first Primary image onto its row (Item.ImageTag),
// so lists give poster URLs that need no revalidation (decision 0042): the two must agree, hence
// one definition.
func ImageTag(im Image) string {
	sum := sha256.Sum256([]byte(string(im.Kind) + "\x00" + im.Path + "\x00" + im.URL))
	return hex.EncodeToString(sum[:8])
}

// PrimaryImageTag is the tag of the first Primary image among images, or "" when there is none.
func PrimaryImageTag(images []Image) string {
	for _, im := range images {
		if im.Kind == ImagePrimary {
			return ImageTag(im)
		}
	}
	return ""
}
