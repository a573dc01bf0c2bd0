package artwork

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// fakeFiles is a core.ImageFileStore over a ledger and lists of paths and names in use.
type fakeFiles struct {
	mu           sync.Mutex
	recorded     map[string]bool
	paths, names []string
	err          error
	asked        int
}

func (f *fakeFiles) RecordUpload(_ context.Context, name string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	if f.recorded == nil {
		f.recorded = map[string]bool{}
	}
	f.recorded[name] = true
	return nil
}

func (f *fakeFiles) RecordedUploads(_ context.Context, names []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked++
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !f.recorded[n] }), f.err
}

func (f *fakeFiles) ForgetUploads(_ context.Context, names []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range names {
		delete(f.recorded, n)
	}
	return f.err
}

func (f *fakeFiles) ImagePathsInUse(_ context.Context, paths []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return !slices.Contains(f.paths, p) }), f.err
}

func (f *fakeFiles) ImageNamesInUse(_ context.Context, names []string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !slices.Contains(f.names, n) }), f.err
}

// ledger returns the names recorded, sorted.
func (f *fakeFiles) ledger() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.recorded))
}

// age sets a file's times d in the past; a symlink's own times are left as they are.
func age(t *testing.T, path string, d time.Duration) {
	t.Helper()
	at := time.Now().Add(-d)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// hexName is the n-th test upload's file name, with ext.
func hexName(n int, ext string) string {
	return strings.Repeat("0", 31) + string(rune('0'+n)) + "." + ext
}

// TestRemoveOrphans: of the files in the upload folder, only regular files named as uploads,
// older than the grace, in this database's ledger and in no item's images are removed, with their
// rows of the ledger; the rest, and what lies outside the folder, stay.
func TestRemoveOrphans(t *testing.T) {
	uploads := t.TempDir()
	store := &fakeFiles{}
	s, _ := newTestService(t, Options{UploadDir: uploads, Uploads: store})
	outside := t.TempDir()
	file := func(name string, old bool) string {
		t.Helper()
		p := filepath.Join(uploads, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 100), 0o644); err != nil {
			t.Fatal(err)
		}
		if old {
			age(t, p, 2*orphanGrace)
		}
		return p
	}
	orphanJPG, orphanWebP := file(hexName(1, "jpg"), true), file(hexName(2, "webp"), true)
	used := file(hexName(3, "png"), true)
	young := file(hexName(4, "jpg"), false)
	movedAway := file(hexName(5, "jpg"), true) // items point to it under the data folder's old place
	foreign := file(hexName(6, "png"), true)   // another database's upload, or one older than the ledger
	for _, p := range []string{orphanJPG, orphanWebP, used, young, movedAway} {
		if err := store.RecordUpload(t.Context(), filepath.Base(p), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	others := []string{file("poster.jpg", true), file(strings.ToUpper(hexName(6, "jpg")), true), file(hexName(6, "gif"), true),
		file(hexName(6, "jpg")+".tmp", true), file("x"+hexName(6, "jpg"), true)}
	dir := filepath.Join(uploads, hexName(7, "jpg")) // a folder named as an upload, with an old orphan-named file inside
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(dir, hexName(8, "jpg"))
	if err := os.WriteFile(nested, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	age(t, nested, 2*orphanGrace)
	age(t, dir, 2*orphanGrace)
	target := filepath.Join(outside, "keep.jpg") // a symlink named as an upload, to an old file outside
	if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	age(t, target, 2*orphanGrace)
	link := filepath.Join(uploads, hexName(9, "jpg"))
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}

	store.paths, store.names = []string{used, "/elsewhere/" + hexName(1, "png")}, []string{hexName(5, "jpg")}
	got, err := s.RemoveOrphans(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got != (OrphanSweep{Removed: 2, Bytes: 200, Unrecorded: 1, Elsewhere: 1}) {
		t.Errorf("sweep = %+v, want 2 removed, 200 bytes, 1 not in the ledger, 1 kept for another folder", got)
	}
	if got, want := store.ledger(), []string{hexName(3, "png"), hexName(4, "jpg"), hexName(5, "jpg")}; !slices.Equal(got, want) {
		t.Errorf("ledger after the sweep: %v, want %v (the removed files' rows gone)", got, want)
	}
	for _, p := range []string{orphanJPG, orphanWebP} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("orphan %s: %v, want removed", filepath.Base(p), err)
		}
	}
	for _, p := range append([]string{used, young, movedAway, foreign, dir, nested, link, target}, others...) {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v, want kept", strings.TrimPrefix(p, filepath.Dir(uploads)), err)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink: %v, %v", fi, err)
	}

	// A store that fails removes nothing; a second sweep with nothing old asks nothing.
	store.paths, store.err = nil, errors.New("database is locked")
	if got, err := s.RemoveOrphans(t.Context()); err == nil || got.Removed != 0 {
		t.Fatalf("with a failing store: %+v, %v", got, err)
	}
	if _, err := os.Stat(used); err != nil {
		t.Fatalf("a failing store lost a file: %v", err)
	}
	store.err = nil
	if err := os.Remove(used); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(movedAway); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(foreign); err != nil {
		t.Fatal(err)
	}
	asked := store.asked
	if got, err := s.RemoveOrphans(t.Context()); err != nil || got != (OrphanSweep{}) || store.asked != asked {
		t.Fatalf("with nothing old: %+v, %v, asked the store %d times", got, err, store.asked-asked)
	}

	// Without an upload folder there is nothing to sweep.
	none, _ := newTestService(t, Options{})
	if got, err := none.RemoveOrphans(t.Context()); err != nil || got != (OrphanSweep{}) {
		t.Fatalf("without uploads: %+v, %v", got, err)
	}
}

// TestHasherRemovesOrphans: the hasher's sweeps, at start and after a kick (a scan), remove the
// uploads of the ledger no item shows, and say so in the log.
func TestHasherRemovesOrphans(t *testing.T) {
	uploads := t.TempDir()
	poster := core.Image{Kind: core.ImagePrimary, Path: filepath.Join(uploads, hexName(1, "png"))}
	orphan := filepath.Join(uploads, hexName(2, "jpg"))
	files := &fakeFiles{recorded: map[string]bool{hexName(1, "png"): true, hexName(2, "jpg"): true}, paths: []string{poster.Path}}
	s, _ := newTestService(t, Options{UploadDir: uploads, Uploads: files})
	writeImage(t, poster.Path, 30, 45)
	writeImage(t, orphan, 30, 45)
	age(t, poster.Path, 2*orphanGrace)
	age(t, orphan, 2*orphanGrace)
	store := &fakeHashStore{kept: map[string]core.ImageHash{}, items: map[core.ItemID]string{},
		primary: map[core.ItemID]core.Image{"a": poster}}
	var logs syncBuffer
	h := s.NewHasher(store, HasherOptions{Duty: 1, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "the first sweep", func() bool { return h.sweeps.Load() == 1 })
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("orphan after the first sweep: %v", err)
	}
	if _, err := os.Stat(poster.Path); err != nil {
		t.Fatalf("the poster in use: %v", err)
	}
	if l := logs.String(); !strings.Contains(l, `msg="orphaned uploads removed" count=1 bytes=`) {
		t.Fatalf("log: %s", l)
	}

	// A refresh replaces the item's images; the scan's kick removes the upload.
	store.mu.Lock()
	store.primary["a"] = core.Image{Kind: core.ImagePrimary, URL: "https://img.test/p.jpg"}
	store.mu.Unlock()
	files.mu.Lock()
	files.paths = nil
	files.mu.Unlock()
	h.Kick()
	waitFor(t, "the second sweep", func() bool { return h.sweeps.Load() == 2 })
	if _, err := os.Stat(poster.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the replaced upload after a kick: %v", err)
	}
}

// syncBuffer is a buffer the hasher's goroutine writes its log into while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
