package segcache

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRestartKeepsEntriesAndOrder(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 30)
	for i, k := range []string{"a", "b", "c"} {
		put(t, c, k, strings.Repeat(k, 10))
		setMtime(t, c, k, time.Duration(3-i)*time.Hour) // mtimes can tie: the kernel clock is coarse
	}
	// By mtime a is the oldest; by use b is. Only the index knows.
	mustGet(t, c, "a", strings.Repeat("a", 10))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	c = open(t, dir, 30)
	if st := c.Stats(); st.Entries != 3 || st.Bytes != 30 {
		t.Fatalf("after restart Stats = %+v", st)
	}
	mustGet(t, c, "c", strings.Repeat("c", 10))
	put(t, c, "d", strings.Repeat("d", 10))
	if got := present(c, "a", "b", "c", "d"); got != "a,c,d" {
		t.Fatalf("cached = %s, want a,c,d (b was least recently used before the restart)", got)
	}
	checkDisk(t, c)
}

func TestRestartWithSmallerBoundEvictsLRU(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 100)
	for i, k := range []string{"a", "b", "c", "d"} {
		put(t, c, k, strings.Repeat(k, 10))
		setMtime(t, c, k, time.Duration(4-i)*time.Hour)
	}
	mustGet(t, c, "a", strings.Repeat("a", 10))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, 20)
	if got := present(c, "a", "b", "c", "d"); got != "a,d" {
		t.Fatalf("cached = %s, want a,d", got)
	}
	if st := c.Stats(); st.Evictions != 2 {
		t.Errorf("Stats = %+v", st)
	}
	checkDisk(t, c)
}

func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1000)
	put(t, c, "r/v0/00001.m4s", "done one") // after Open's snapshot: no index record
	put(t, c, "r/v0/00002.m4s", "done two")

	// ffmpeg was writing segment 3 into its scratch dir when the process died.
	scratch, err := c.Scratch()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(scratch, "00003.m4s"), "half a seg")
	// Leftovers of other interrupted operations.
	writeFile(t, filepath.Join(c.trashDir, "7"), "evicted, not yet unlinked")
	writeFile(t, filepath.Join(dir, indexTemp+"123"), "half an index")
	writeFile(t, filepath.Join(c.segDir, "ab", "junk.tmp"), "stray")
	writeFile(t, filepath.Join(c.segDir, "zz", "x"), "stray shard")
	k, _ := keyID("wrong/shard")
	wrong := "00"
	if k.name()[:2] == wrong {
		wrong = "01"
	}
	writeFile(t, filepath.Join(c.segDir, wrong, k.name()), "misplaced")
	abandon(t, c)

	c = open(t, dir, 1000)
	mustGet(t, c, "r/v0/00001.m4s", "done one")
	mustGet(t, c, "r/v0/00002.m4s", "done two")
	if c.Has("r/v0/00003.m4s") || c.Has("wrong/shard") {
		t.Error("a partial or misplaced file became visible")
	}
	for _, p := range []string{scratch, filepath.Join(dir, indexTemp+"123"), filepath.Join(c.segDir, "zz"),
		filepath.Join(c.segDir, "ab", "junk.tmp"), filepath.Join(c.segDir, wrong, k.name())} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived Open: %v", p, err)
		}
	}
	checkDisk(t, c)
}

func TestCorruptIndex(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(b []byte) []byte
	}{
		{"garbage", func([]byte) []byte { return []byte("\x00\xff not an index\n") }},
		{"empty", func([]byte) []byte { return nil }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-20] }},
		{"no trailer", func(b []byte) []byte { return b[:strings.LastIndex(string(b[:len(b)-1]), "\n")+1] }},
		{"flipped byte", func(b []byte) []byte {
			b[len(indexHeader)+5] ^= 1
			return b
		}},
		{"bad record with valid checksum", func([]byte) []byte {
			body := indexHeader + "\nnot-hex 1 2\n"
			return fmt.Appendf(nil, "%send 1 %08x\n", body, crc32.ChecksumIEEE([]byte(body)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, 1000)
			put(t, c, "a", "aaaa")
			put(t, c, "b", "bb")
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, indexName)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.corrupt(b), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := readIndex(p); err == nil {
				t.Fatal("readIndex accepted the corrupt index")
			}

			c = open(t, dir, 1000)
			mustGet(t, c, "a", "aaaa")
			mustGet(t, c, "b", "bb")
			checkDisk(t, c)
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if idx, err := readIndex(p); err != nil || len(idx) != 2 {
				t.Errorf("rebuilt index: %d records, %v", len(idx), err)
			}
		})
	}
}

func TestSizeMismatchDropped(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1000)
	put(t, c, "a", "aaaa")
	put(t, c, "b", "bbbb")
	k, _ := keyID("a")
	p := c.path(k)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, 2); err != nil { // what a power loss can leave
		t.Fatal(err)
	}
	c = open(t, dir, 1000)
	if got := present(c, "a", "b"); got != "b" {
		t.Fatalf("cached = %s, want b", got)
	}
	checkDisk(t, c)
}

func TestIndexRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), indexName)
	a, _ := keyID("a")
	b, _ := keyID("b")
	want := []record{{a, 10, 1}, {b, 0, -5}}
	if err := writeIndex(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := readIndex(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a] != want[0] || got[b] != want[1] {
		t.Errorf("readIndex = %v, want %v", got, want)
	}
	if err := writeIndex(p, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := readIndex(p); err != nil || len(got) != 0 {
		t.Errorf("empty index = %v, %v", got, err)
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// setMtime sets the mtime of key's file to age ago.
func setMtime(t *testing.T, c *Cache, key string, age time.Duration) {
	t.Helper()
	k, _ := keyID(key)
	mt := time.Now().Add(-age)
	if err := os.Chtimes(c.path(k), mt, mt); err != nil {
		t.Fatal(err)
	}
}
