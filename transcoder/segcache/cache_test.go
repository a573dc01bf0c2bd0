package segcache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testClock is shared by every cache in the tests, so last-use times keep
// increasing across a restart however fast the test runs.
var testClock atomic.Int64

func init() { testClock.Store(time.Now().UnixNano()) }

func tick() int64 { return testClock.Add(int64(time.Millisecond)) }

func open(t *testing.T, dir string, max int64) *Cache {
	t.Helper()
	c, err := Open(dir, max, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	c.now = tick
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// put writes content to a scratch file and puts it under key.
func put(t testing.TB, c *Cache, key, content string) {
	t.Helper()
	if err := tryPut(c, key, content); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func tryPut(c *Cache, key, content string) error {
	dir, err := c.Scratch()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "seg.m4s")
	if err := os.WriteFile(src, []byte(content), 0o600); err != nil {
		return err
	}
	return c.Put(key, src)
}

// get returns the content cached under key, or the error from Get.
func get(c *Cache, key string) (string, error) {
	f, fi, err := c.Get(key)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return "", err
	}
	if fi.Size() != int64(len(b)) {
		return "", fmt.Errorf("FileInfo.Size = %d, read %d bytes", fi.Size(), len(b))
	}
	return string(b), nil
}

func mustGet(t *testing.T, c *Cache, key, want string) {
	t.Helper()
	got, err := get(c, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

// present returns which of keys are cached.
func present(c *Cache, keys ...string) string {
	var in []string
	for _, k := range keys {
		if c.Has(k) {
			in = append(in, k)
		}
	}
	return strings.Join(in, ",")
}

// abandon simulates a crash: the process goes away without Close, so the
// index is whatever the last snapshot wrote.
func abandon(t *testing.T, c *Cache) {
	t.Helper()
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	if err := c.unlock(); err != nil {
		t.Fatal(err)
	}
}

// checkDisk fails unless seg/ holds exactly the entries Stats reports, and
// trash/ and scratch/ are empty.
func checkDisk(t *testing.T, c *Cache) {
	t.Helper()
	var n int
	var size int64
	err := filepath.WalkDir(c.segDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		n++
		size += fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if n != st.Entries || size != st.Bytes {
		t.Errorf("disk has %d files, %d bytes; Stats says %d entries, %d bytes", n, size, st.Entries, st.Bytes)
	}
	for _, d := range []string{c.trashDir, c.scratchDir} {
		if left, _ := os.ReadDir(d); len(left) > 0 {
			t.Errorf("%s not empty: %v", d, left)
		}
	}
}

func TestPutGet(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	put(t, c, "r1/v0/00001.m4s", "segment one")
	mustGet(t, c, "r1/v0/00001.m4s", "segment one")
	if !c.Has("r1/v0/00001.m4s") {
		t.Error("Has = false after Put")
	}
	f, fi, err := c.Get("r1/v0/00001.m4s")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi.ModTime().IsZero() || fi.Size() != int64(len("segment one")) {
		t.Errorf("FileInfo = %v, %d", fi.ModTime(), fi.Size())
	}
	if st := c.Stats(); st.Entries != 1 || st.Bytes != 11 || st.Hits != 2 || st.Misses != 0 || st.MaxBytes != 1<<20 {
		t.Errorf("Stats = %+v", st)
	}
	checkDisk(t, c)
}

func TestGetAbsent(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	f, fi, err := c.Get("r1/v0/00001.m4s")
	if !errors.Is(err, ErrNotFound) || f != nil || fi != nil {
		t.Fatalf("Get = %v, %v, %v; want ErrNotFound", f, fi, err)
	}
	if c.Has("r1/v0/00001.m4s") {
		t.Error("Has = true")
	}
	if st := c.Stats(); st.Misses != 1 || st.Hits != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestPutTwiceKeepsFirst(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	put(t, c, "k", "first")
	dir, _ := c.Scratch()
	src := filepath.Join(dir, "dup")
	if err := os.WriteFile(src, []byte("second, longer"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Put("k", src); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("duplicate src still there: %v", err)
	}
	mustGet(t, c, "k", "first")
	if st := c.Stats(); st.Entries != 1 || st.Bytes != 5 {
		t.Errorf("Stats = %+v", st)
	}
	_ = os.Remove(dir)
	checkDisk(t, c)
}

func TestPutErrors(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	if err := c.Put("k", filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Put(missing src) = %v", err)
	}
	dir, _ := c.Scratch()
	if err := c.Put("k", dir); err == nil {
		t.Error("Put(directory) succeeded")
	}
	if c.Has("k") {
		t.Error("failed Put left an entry")
	}
}

func TestEvictLRU(t *testing.T) {
	c := open(t, t.TempDir(), 30) // three 10-byte segments
	for _, k := range []string{"a", "b", "c"} {
		put(t, c, k, strings.Repeat(k, 10))
	}
	mustGet(t, c, "a", strings.Repeat("a", 10)) // a is now the most recent; b the least
	put(t, c, "d", strings.Repeat("d", 10))
	if got := present(c, "a", "b", "c", "d"); got != "a,c,d" {
		t.Fatalf("cached = %s, want a,c,d", got)
	}
	if _, err := get(c, "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(evicted) = %v", err)
	}
	put(t, c, "e", strings.Repeat("e", 10)) // c is the least recent now
	if got := present(c, "a", "b", "c", "d", "e"); got != "a,d,e" {
		t.Fatalf("cached = %s, want a,d,e", got)
	}
	if st := c.Stats(); st.Evictions != 2 || st.Bytes != 30 {
		t.Errorf("Stats = %+v", st)
	}
	checkDisk(t, c)
}

func TestOversizedEntryKeptUntilNextPut(t *testing.T) {
	c := open(t, t.TempDir(), 10)
	put(t, c, "small", "12345")
	put(t, c, "big", strings.Repeat("x", 25))
	if got := present(c, "small", "big"); got != "big" {
		t.Fatalf("cached = %s, want big", got)
	}
	put(t, c, "next", "1")
	if got := present(c, "small", "big", "next"); got != "next" {
		t.Fatalf("cached = %s, want next", got)
	}
	checkDisk(t, c)
}

func TestSizeBound(t *testing.T) {
	const max = 1000
	c := open(t, t.TempDir(), max)
	for i := range 300 {
		put(t, c, fmt.Sprintf("r/v0/%05d.m4s", i), strings.Repeat("x", 1+i*7%97))
		if st := c.Stats(); st.Bytes > max {
			t.Fatalf("after put %d: %d bytes > %d", i, st.Bytes, max)
		}
	}
	for i := 290; i < 300; i++ { // the newest survive
		if !c.Has(fmt.Sprintf("r/v0/%05d.m4s", i)) {
			t.Errorf("segment %d evicted", i)
		}
	}
	checkDisk(t, c)
}

func TestEvictWhileReading(t *testing.T) {
	c := open(t, t.TempDir(), 10)
	put(t, c, "a", "0123456789")
	f, _, err := c.Get("a")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	put(t, c, "b", "0123456789") // evicts a while f is open
	if c.Has("a") {
		t.Fatal("a not evicted")
	}
	b, err := io.ReadAll(f)
	if err != nil || string(b) != "0123456789" {
		t.Fatalf("read evicted segment = %q, %v", b, err)
	}
	checkDisk(t, c)
}

func TestVanishedFileIsAMiss(t *testing.T) {
	c := open(t, t.TempDir(), 100)
	put(t, c, "a", "aaaa")
	k, _ := keyID("a")
	if err := os.Remove(c.path(k)); err != nil {
		t.Fatal(err)
	}
	if _, err := get(c, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v, want ErrNotFound", err)
	}
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 || st.Misses != 1 || st.Hits != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestClose(t *testing.T) {
	c := open(t, t.TempDir(), 100)
	put(t, c, "a", "aaaa")
	f, _, err := c.Get("a")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, _, err := c.Get("a"); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}
	if err := tryPut(c, "b", "b"); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
	if b, err := io.ReadAll(f); err != nil || string(b) != "aaaa" {
		t.Errorf("read after Close = %q, %v", b, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, max := range []int64{0, -1} {
		if _, err := Open(dir, max, nil); err == nil {
			t.Errorf("Open(max %d) succeeded", max)
		}
	}
	c := open(t, dir, 100)
	if c2, err := Open(dir, 100, nil); !errors.Is(err, ErrLocked) {
		if c2 != nil {
			_ = c2.Close()
		}
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(dir, 100, nil) // released by Close
	if err != nil {
		t.Fatal(err)
	}
	_ = c2.Close()
}
