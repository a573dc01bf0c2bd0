package core

import (
	"crypto/sha256"
	"encoding/hex"
)

// ImageTag names a picture: it changes when another picture takes its kind and index, so that a
// URL carrying it can be cached for good while URLs by index alone are revalidated (decision
// 0032).
func ImageTag(im Image) string {
	sum := sha256.Sum256([]byte(string(im.Kind) + "\x00" + im.Path + "\x00" + im.URL))
	return hex.EncodeToString(sum[:8])
}
