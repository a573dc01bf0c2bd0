package keyframes

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/walros/walros/transcoder/ffmpeg"
)

// Index is a disk cache of keyframe lists, one small file per media file in
// Dir. The zero Log discards logs. An Index is safe for concurrent use and
// must not be copied after first use.
type Index struct {
	Dir string       // created when first written to
	Log *slog.Logger // receives cache write failures

	flights singleflight.Group

	mu     sync.Mutex
	closed bool
	scans  sync.WaitGroup
	once   sync.Once
	stop   context.Context // cancelled by Close: scans run under it, not under a caller's
	cancel context.CancelFunc
}

// ErrClosed is returned by Get once the index is closed.
var ErrClosed = errors.New("keyframe index closed")

func (ix *Index) init() {
	ix.once.Do(func() { ix.stop, ix.cancel = context.WithCancel(context.Background()) })
}

// Close stops the scans under way and waits for them: nothing is written into Dir after it
// returns. Get fails with ErrClosed from then on.
func (ix *Index) Close() {
	ix.init()
	ix.mu.Lock()
	ix.closed = true
	ix.mu.Unlock()
	ix.cancel()
	ix.scans.Wait()
}

// cacheMagic starts every cache file; a format change bumps its digit, and
// old files then read as corrupt and are rebuilt.
var cacheMagic = []byte("WKF1")

// Get returns the keyframe list of the file at path, whose size and
// modification time the caller read (from its library database or a stat),
// scanning it with runner (ffprobe) only when the cache has no list for this
// path, size and modification time. A corrupt or unreadable cache file is
// rebuilt; a failure to write one is logged, not returned.
//
// Concurrent calls for the same file share one scan. The scan runs detached
// from ctx (until Close), so a caller that gives up does not waste the work of
// the others, and the list is cached for the next call; each caller still
// returns as soon as its own ctx is done. Errors are those of Scan, and are
// not cached.
// The caller owns the returned slice.
func (ix *Index) Get(ctx context.Context, runner ffmpeg.Runner, path string, size int64, modTime time.Time) ([]time.Duration, error) {
	name := ix.file(path, size, modTime)
	if keys, err := readCache(name); err == nil {
		return keys, nil
	}
	ix.init()
	ch := ix.flights.DoChan(name, func() (any, error) {
		ix.mu.Lock()
		if ix.closed {
			ix.mu.Unlock()
			return nil, ErrClosed
		}
		ix.scans.Add(1) // under mu: Close, once it has set closed, waits for every flight
		ix.mu.Unlock()
		defer ix.scans.Done()
		if keys, err := readCache(name); err == nil {
			return keys, nil // a flight that just ended wrote it
		}
		keys, err := Scan(ix.stop, runner, path)
		if err != nil {
			return nil, err
		}
		if ix.stop.Err() != nil {
			return nil, ErrClosed
		}
		if err := ix.write(name, keys); err != nil {
			ix.log().WarnContext(ctx, "keyframe cache not written", "path", path, "err", err)
		}
		return keys, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return slices.Clone(r.Val.([]time.Duration)), nil // the flight's callers share Val
	case <-ctx.Done():
		return nil, fmt.Errorf("scan keyframes of %q: %w", path, context.Cause(ctx))
	}
}

func (ix *Index) log() *slog.Logger {
	if ix.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return ix.Log
}

// file is the cache file of one version of a media file: a hash, so any
// path fits in a file name and the cache does not reveal the library.
func (ix *Index) file(path string, size int64, modTime time.Time) string {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, size, 10))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, modTime.UnixNano(), 10))
	return filepath.Join(ix.Dir, hex.EncodeToString(h.Sum(nil)[:16])+".kf")
}

// write stores keys in name atomically: a reader sees the old file, no
// file, or the whole new one.
func (ix *Index) write(name string, keys []time.Duration) (err error) {
	if err := os.MkdirAll(ix.Dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(ix.Dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(encode(keys)); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// encode is the cache file format: the magic, the count as a uvarint, the
// first time in microseconds as a varint, the gaps to the next ones as
// uvarints (2 bytes for a 2 s GOP), and a CRC-32 of all that.
func encode(keys []time.Duration) []byte {
	b := append([]byte(nil), cacheMagic...)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	var prev int64
	for i, k := range keys {
		us := k.Microseconds()
		if i == 0 {
			b = binary.AppendVarint(b, us)
		} else {
			b = binary.AppendUvarint(b, uint64(us-prev))
		}
		prev = us
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

var errCorrupt = errors.New("corrupt keyframe cache file")

// readCache reads a file written by write.
func readCache(name string) ([]time.Duration, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return decode(b)
}

func decode(b []byte) ([]time.Duration, error) {
	if len(b) < len(cacheMagic)+4 || !bytes.HasPrefix(b, cacheMagic) {
		return nil, errCorrupt
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errCorrupt
	}
	r := body[len(cacheMagic):]
	n, l := binary.Uvarint(r)
	if l <= 0 || n == 0 || n > MaxKeyframes || n > uint64(len(r)) { // each time takes at least a byte
		return nil, errCorrupt
	}
	r = r[l:]
	keys := make([]time.Duration, 0, n)
	var us int64
	for i := range n {
		var l int
		if i == 0 {
			us, l = binary.Varint(r)
		} else {
			var gap uint64
			gap, l = binary.Uvarint(r)
			us += int64(gap)
		}
		if l <= 0 {
			return nil, errCorrupt
		}
		r = r[l:]
		keys = append(keys, time.Duration(us)*time.Microsecond)
	}
	if len(r) != 0 {
		return nil, errCorrupt
	}
	return keys, nil
}
