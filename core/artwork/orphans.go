package artwork

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// orphanGrace is how old an uploaded file must be before a sweep may remove it.
//
// An upload is two steps: Save writes the file and records it in the ledger, then the caller adds
// it to the item in a transaction of its own (Items.AddImage). Between the two the file is in the
// ledger and no row points to it, so a sweep then would take it for an orphan and delete the
// picture the admin is adding. The ledger does not close that window; the grace does, cheaply.
// The file's mtime is set while Save writes it; what follows (the whole decode, a wait for a
// decode slot, the wait for SQLite's write lock behind a scan) takes seconds, so a file an hour
// old is either in the database or never will be. The mtime, not a list kept in memory, because
// it also covers an upload another process made, and a sweep right after a restart. A wall clock
// set forward by more than the grace inside that window would defeat it; nothing else does.
const orphanGrace = time.Hour

// uploadName is the name Save gives a file: 32 hex digits and the picture's extension.
var uploadName = regexp.MustCompile(`^[0-9a-f]{32}\.(jpg|png|webp)$`)

// OrphanSweep is what RemoveOrphans did.
type OrphanSweep struct {
	Removed int   // files deleted
	Bytes   int64 // their size
	// Unrecorded counts the old upload files kept because this database's ledger does not name
	// them: another database's that shares the data folder, or uploads older than the ledger.
	Unrecorded int
	// Elsewhere counts unreferenced files kept because an image path in another folder ends with
	// their name: the data folder moved, and items still point to the old place.
	Elsewhere int
}

// RemoveOrphans deletes the uploaded pictures that this database stored and that no item's images
// point to any more (decision 0044): an upload an unlocked refresh replaced, one whose item a scan
// removed with its file, one a crash or a failed delete left behind. Only regular files directly
// in the upload folder, named as Save names them, older than orphanGrace and named in this
// database's ledger are candidates; symlinks, folders, other names and files the ledger does not
// know are never touched, and nothing outside the folder is. A store error stops the sweep before
// it deletes anything it has not checked.
func (s *Service) RemoveOrphans(ctx context.Context) (OrphanSweep, error) {
	var out OrphanSweep
	if s.uploads == "" {
		return out, nil
	}
	// Every look and every delete goes through root: a name cannot lead out of the folder, and a
	// symlink is seen as a symlink, never followed.
	root, err := os.OpenRoot(s.uploads)
	if err != nil {
		return out, fmt.Errorf("open upload folder: %w", err)
	}
	defer root.Close()
	old, err := oldUploads(root, time.Now().Add(-orphanGrace))
	if err != nil || len(old) == 0 {
		return out, err
	}
	// The folder is the data folder's, the ledger this database's: a file it does not name was
	// stored through another database pointed at the same data folder, whose rows this one cannot
	// see, or before the ledger existed. Either way it is not this database's to remove.
	ours, err := s.files.RecordedUploads(ctx, old)
	if err != nil {
		return out, err
	}
	out.Unrecorded = len(old) - len(ours)
	if len(ours) == 0 {
		return out, nil
	}
	paths := make([]string, len(ours))
	for i, name := range ours {
		paths[i] = filepath.Join(s.uploads, name) // as Save gave it to the item
	}
	used, err := s.files.ImagePathsInUse(ctx, paths)
	if err != nil {
		return out, err
	}
	inUse := setOf(used)
	var unused []string
	for i, p := range paths {
		if !inUse[p] {
			unused = append(unused, ours[i])
		}
	}
	if len(unused) == 0 {
		return out, nil
	}
	// Still needed with the ledger: it is keyed by name, so it names a file wherever the data
	// folder is, while items keep the absolute path Save gave, under the folder's old place.
	elsewhere, err := s.files.ImageNamesInUse(ctx, unused)
	if err != nil {
		return out, err
	}
	out.Elsewhere = len(elsewhere)
	keep := setOf(elsewhere)
	var gone []string
	var failed []error
	for _, name := range unused {
		if ctx.Err() != nil {
			failed = append(failed, ctx.Err())
			break
		}
		if keep[name] {
			continue
		}
		fi, err := root.Lstat(name) // again: it may have changed since the folder was read
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := root.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			failed = append(failed, fmt.Errorf("remove orphaned upload: %w", err))
			continue
		}
		gone = append(gone, name)
		out.Removed++
		out.Bytes += fi.Size()
	}
	// After the files: a row left by a failure here names a file that is gone, which is harmless.
	if len(gone) > 0 {
		if err := s.files.ForgetUploads(ctx, gone); err != nil {
			failed = append(failed, err)
		}
	}
	return out, errors.Join(failed...)
}

// oldUploads returns the names of the regular files in root that are named as uploads and were
// last written before cutoff.
func oldUploads(root *os.Root, cutoff time.Time) ([]string, error) {
	dir, err := root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("read upload folder: %w", err)
	}
	des, err := dir.ReadDir(-1)
	dir.Close()
	if err != nil {
		return nil, fmt.Errorf("read upload folder: %w", err)
	}
	var out []string
	for _, de := range des {
		if !uploadName.MatchString(de.Name()) || !de.Type().IsRegular() {
			continue
		}
		fi, err := root.Lstat(de.Name())
		if err != nil || !fi.Mode().IsRegular() || !fi.ModTime().Before(cutoff) {
			continue // gone meanwhile, replaced by something else, or young: see orphanGrace
		}
		out = append(out, de.Name())
	}
	return out, nil
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
