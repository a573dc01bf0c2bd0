package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/walros/walros/core"
)

// signingKey returns the access-token key kept in the data directory, creating it on first start.
// It never leaves the machine, and deleting it signs every device out.
func signingKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "keys", "jwt.key")
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) >= core.MinSigningKeyLen:
		return key, nil
	case err == nil:
		return nil, fmt.Errorf("signing key %s is too short (%d bytes): delete it to make a new one", path, len(key))
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key folder: %w", err)
	}
	key = core.NewSigningKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another walros process made it first: use that one
		return signingKey(dataDir)
	} else if err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	return key, f.Close()
}

// serverID is the server's permanent id, as Jellyfin clients key their stored credentials by it:
// derived from the signing key, so it lives as long as the data directory's sessions do.
func serverID(dataDir string) (string, error) {
	key, err := signingKey(dataDir)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(append([]byte("walros server id\x00"), key...))
	return hex.EncodeToString(sum[:16]), nil
}
