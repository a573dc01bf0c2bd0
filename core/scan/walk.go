package scan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// mediaExtensions are the file types a scan looks at; anything else (NFOs, images, subtitles) is a
// sidecar or noise.
var mediaExtensions = map[string]bool{
	".mkv": true, ".mp4": true, ".m4v": true, ".avi": true, ".mov": true, ".wmv": true, ".ts": true, ".m2ts": true,
	".mts": true, ".webm": true, ".mpg": true, ".mpeg": true, ".flv": true, ".ogv": true, ".3gp": true, ".vob": true,
	".iso": false, // disc images need more than a probe; not yet
	".mp3": true, ".flac": true, ".m4a": true, ".m4b": true, ".aac": true, ".ogg": true, ".oga": true, ".opus": true,
	".wav": true, ".wma": true, ".alac": true, ".ape": true, ".wv": true, ".dsf": true, ".aiff": true, ".aif": true,
}

// IsVideoFile reports whether a scan treats path as a video file (by its extension), as opposed
// to music or a sidecar.
func IsVideoFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return mediaExtensions[ext] && !audioExtensions[ext]
}

// audioExtensions are the media types that hold music (or audio books), never video.
var audioExtensions = map[string]bool{
	".mp3": true, ".flac": true, ".m4a": true, ".m4b": true, ".aac": true, ".ogg": true, ".oga": true, ".opus": true,
	".wav": true, ".wma": true, ".alac": true, ".ape": true, ".wv": true, ".dsf": true, ".aiff": true, ".aif": true,
}

// skipDir reports folders that never hold library media: hidden ones, NAS and OS bookkeeping.
func skipDir(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	switch strings.ToLower(name) {
	case "@eadir", "#recycle", "#snapshot", "$recycle.bin", "lost+found", "system volume information", ".trickplay":
		return true
	}
	return false
}

// found is a media file seen on disk.
type found struct {
	root    string // the library folder it was found under
	path    string // as seen: under root, possibly through a symlink
	size    int64
	modTime time.Time
	inode   uint64
}

// walkRoot lists the media files under root. It never leaves root: symlinked files are followed
// only when they resolve inside one of the allowed roots, and symlinked folders are not followed
// (they could loop or lead anywhere). Folders under exclude are skipped.
func walkRoot(root string, allowed, exclude []string, sidecar func(path string, mod time.Time), visit func(found)) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			return nil // an unreadable folder or a file gone meanwhile: skip it, keep scanning
		}
		if d.IsDir() {
			if path != root && (skipDir(d.Name()) || within(path, exclude)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !mediaExtensions[strings.ToLower(filepath.Ext(path))] {
			if d.Type().IsRegular() {
				if fi, err := d.Info(); err == nil {
					sidecar(path, fi.ModTime())
				}
			}
			return nil
		}
		var fi fs.FileInfo
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(path)
			if err != nil || !within(target, allowed) || within(target, exclude) {
				return nil
			}
			if fi, err = os.Stat(target); err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		} else if fi, err = d.Info(); err != nil {
			return nil
		}
		f := found{root: root, path: path, size: fi.Size(), modTime: fi.ModTime()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			f.inode = st.Ino
		}
		visit(f)
		return nil
	})
}

// within reports whether path is one of dirs or inside one.
func within(path string, dirs []string) bool {
	for _, d := range dirs {
		if rel, err := filepath.Rel(d, path); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return true
		}
	}
	return false
}

// resolveRoots returns the roots with symlinks resolved, for checking where symlinked files lead.
func resolveRoots(roots []string) []string {
	out := make([]string, 0, len(roots)*2)
	for _, r := range roots {
		out = append(out, r)
		if real, err := filepath.EvalSymlinks(r); err == nil && real != r {
			out = append(out, real)
		}
	}
	return out
}

const hashChunk = 1 << 20

// headHash identifies a file's content cheaply, to recognise it after a move or rename: the size and
// the first and last MiB.
func headHash(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, size)
	if _, err := io.CopyN(h, f, min(size, hashChunk)); err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if size > 2*hashChunk {
		if _, err := f.Seek(-hashChunk, io.SeekEnd); err != nil {
			return "", err
		}
		if _, err := io.CopyN(h, f, hashChunk); err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
	} else if size > hashChunk {
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// rootState tells whether a library folder can be scanned. An empty folder where the library had
// files is taken as an unmounted disk, not as everything deleted.
func rootState(root string, knownFiles int) error {
	fi, err := os.Stat(root)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a folder")
	}
	if knownFiles == 0 {
		return nil
	}
	d, err := os.Open(root)
	if err != nil {
		return err
	}
	defer d.Close()
	if names, _ := d.Readdirnames(1); len(names) == 0 {
		return errors.New("empty, but the library had files there: is the disk mounted?")
	}
	return nil
}
