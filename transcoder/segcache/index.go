package segcache

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The index is a text snapshot, rewritten whole (temp file, fsync, rename):
//
//	walros-segcache-index 1
//	<64 hex id> <size> <last use, unix ns>
//	...
//	end <count> <crc32 of everything above, 8 hex>
//
// A snapshot with a bad header, line, count or checksum is ignored as a whole:
// the entries on disk are then adopted with their mtime as last use.
const (
	indexName   = "index"
	indexHeader = "walros-segcache-index 1"
	indexTemp   = "index.tmp-"
)

// record is one index line.
type record struct {
	id   id
	size int64
	used int64
}

// writeIndex replaces the index at path with recs. A crash at any point leaves
// either the old index or the new one.
func writeIndex(path string, recs []record) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), indexTemp+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	sum := crc32.NewIEEE()
	w := io.MultiWriter(bw, sum)
	line := make([]byte, 0, 128)
	line = append(append(line, indexHeader...), '\n')
	if _, err := w.Write(line); err != nil {
		return err
	}
	for _, r := range recs {
		line = append(line[:0], r.id.name()...)
		line = append(line, ' ')
		line = strconv.AppendInt(line, r.size, 10)
		line = append(line, ' ')
		line = strconv.AppendInt(line, r.used, 10)
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(bw, "end %d %08x\n", len(recs), sum.Sum32()); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// readIndex parses the index at path. A missing file returns an error that
// matches fs.ErrNotExist; any other error means the file is corrupt.
func readIndex(path string) (map[id]record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	body, trailer, ok := cutTrailer(b)
	if !ok {
		return nil, errors.New("no trailer (truncated?)")
	}
	var n int
	var crc uint32
	if _, err := fmt.Sscanf(trailer, "end %d %08x", &n, &crc); err != nil {
		return nil, fmt.Errorf("trailer %q: %w", trailer, err)
	}
	if got := crc32.ChecksumIEEE(body); got != crc {
		return nil, fmt.Errorf("checksum %08x, trailer says %08x", got, crc)
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if lines[0] != indexHeader {
		return nil, fmt.Errorf("header %.40q", lines[0])
	}
	lines = lines[1:]
	if len(lines) != n {
		return nil, fmt.Errorf("%d records, trailer says %d", len(lines), n)
	}
	recs := make(map[id]record, n)
	for i, l := range lines {
		r, ok := parseRecord(l)
		if !ok {
			return nil, fmt.Errorf("line %d: %.80q", i+2, l)
		}
		recs[r.id] = r
	}
	return recs, nil
}

// cutTrailer splits b before its last line, which must end in a newline.
func cutTrailer(b []byte) (body []byte, trailer string, ok bool) {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return nil, "", false
	}
	i := bytes.LastIndexByte(b[:len(b)-1], '\n')
	if i < 0 {
		return nil, "", false
	}
	return b[:i+1], string(b[i+1 : len(b)-1]), true
}

func parseRecord(l string) (record, bool) {
	f := strings.Split(l, " ")
	if len(f) != 3 {
		return record{}, false
	}
	k, ok := parseName(f[0])
	size, err1 := strconv.ParseInt(f[1], 10, 64)
	used, err2 := strconv.ParseInt(f[2], 10, 64)
	if !ok || err1 != nil || err2 != nil || size < 0 {
		return record{}, false
	}
	return record{id: k, size: size, used: used}, true
}
