package segcache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
)

// MaxKeyLen is the longest key Put, Get and Has accept, in bytes.
const MaxKeyLen = 255

// id is the SHA-256 of a key. Entries are stored and indexed by id, never by
// the key itself, so no key ever becomes part of a path.
type id [sha256.Size]byte

// keyID validates key and returns its id. The rules keep keys canonical (one
// spelling per segment) rather than safe: safety comes from hashing.
func keyID(key string) (id, error) {
	if err := checkKey(key); err != nil {
		return id{}, err
	}
	return sha256.Sum256([]byte(key)), nil
}

func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if b := key[i]; b < 0x20 || b == 0x7f || b == '\\' {
			return fmt.Errorf("%w: control character or backslash at byte %d", ErrInvalidKey, i)
		}
	}
	// ValidPath rejects invalid UTF-8, a leading or trailing slash and empty,
	// "." or ".." elements, but accepts "." alone.
	if key == "." || !fs.ValidPath(key) {
		return fmt.Errorf("%w: not a clean relative slash path", ErrInvalidKey)
	}
	return nil
}

// name is the file name of an entry: 64 lowercase hex digits.
func (k id) name() string { return hex.EncodeToString(k[:]) }

// parseName is the inverse of id.name; it rejects anything else.
func parseName(s string) (id, bool) {
	var k id
	if len(s) != 2*len(k) {
		return k, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return k, false // uppercase too: one spelling per entry
		}
	}
	_, err := hex.Decode(k[:], []byte(s))
	return k, err == nil
}

// isShard reports whether s names a shard directory: two lowercase hex digits.
func isShard(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// path is where the entry k lives: seg/<first two hex digits>/<all 64>. The
// 256 shards keep directories small enough for fast lookups on any filesystem.
func (c *Cache) path(k id) string {
	n := k.name()
	return c.segDir + string(filepath.Separator) + n[:2] + string(filepath.Separator) + n
}
