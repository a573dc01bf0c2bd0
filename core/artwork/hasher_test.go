package artwork

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// fakeHashStore is a core.BlurHashStore over maps.
type fakeHashStore struct {
	mu      sync.Mutex
	primary map[core.ItemID]core.Image
	kept    map[string]core.ImageHash // by core.ImageSource
	items   map[core.ItemID]string
	saves   int
}

func (f *fakeHashStore) PrimaryImages(_ context.Context, after core.ItemID, limit int) ([]core.PrimaryImage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []core.PrimaryImage
	for id, im := range f.primary {
		if id > after {
			k := f.kept[core.ImageSource(im)]
			out = append(out, core.PrimaryImage{Item: id, Image: im, Stamp: k.Stamp, Hash: k.Hash, ItemHash: f.items[id]})
		}
	}
	slices.SortFunc(out, func(a, b core.PrimaryImage) int { return cmp.Compare(a.Item, b.Item) })
	return out[:min(limit, len(out))], nil
}

func (f *fakeHashStore) SaveBlurHashes(_ context.Context, hs []core.ImageHash) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves++
	for _, h := range hs {
		f.kept[core.ImageSource(h.Image)] = h
		if f.primary[h.Item] == h.Image {
			f.items[h.Item] = h.Hash
		}
	}
	return nil
}

func (f *fakeHashStore) itemHash(id core.ItemID) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.items[id]
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHasher(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/c.png", func(w http.ResponseWriter, _ *http.Request) { w.Write(pngBytes(t, 90, 60)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	s, lib := newTestService(t, Options{})
	writeImage(t, filepath.Join(lib, "a.png"), 60, 90)
	store := &fakeHashStore{kept: map[string]core.ImageHash{}, items: map[core.ItemID]string{}, primary: map[core.ItemID]core.Image{
		"a": {Kind: core.ImagePrimary, Path: filepath.Join(lib, "a.png")},
		"b": {Kind: core.ImagePrimary, Path: filepath.Join(lib, "missing.png")},
		"c": {Kind: core.ImagePrimary, URL: srv.URL + "/c.png"},
		"d": {Kind: core.ImagePrimary, Path: filepath.Join(lib, "a.png")}, // the same picture as a
	}}
	ctx, cancel := context.WithCancel(t.Context())
	h := s.NewHasher(store, HasherOptions{Page: 2, Duty: 1, Flush: 50 * time.Millisecond})
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "the first sweep", func() bool { return h.sweeps.Load() == 1 && store.itemHash("a") != "" })
	want, err := s.BlurHash(t.Context(), store.primary["a"])
	if err != nil {
		t.Fatal(err)
	}
	if got := store.itemHash("a"); got != want {
		t.Fatalf("a: %q, want %q", got, want)
	}
	if store.itemHash("d") != want || store.itemHash("b") != "" || store.itemHash("c") != "" {
		t.Fatalf("after the sweep: %v", store.items)
	}
	if n := s.hashes.Load(); n != 1 {
		t.Errorf("decoded %d pictures, want 1 (a and d are the same file; c is not downloaded)", n)
	}

	// A viewer's request downloads c: it is hashed without waiting for a sweep.
	if _, err := s.Render(t.Context(), store.primary["c"], Request{Width: 30}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "c's hash", func() bool { return store.itemHash("c") != "" })

	// A sweep with nothing new decodes nothing and saves nothing.
	store.mu.Lock()
	saves := store.saves
	store.mu.Unlock()
	decoded := s.hashes.Load()
	h.Kick()
	waitFor(t, "the second sweep", func() bool { return h.sweeps.Load() == 2 })
	store.mu.Lock()
	saved := store.saves - saves
	store.mu.Unlock()
	if s.hashes.Load() != decoded || saved != 0 {
		t.Errorf("an idle sweep decoded %d and saved %d times", s.hashes.Load()-decoded, saved)
	}

	// A poster picked since the last sweep, whose hash a request computed, is saved without a sweep.
	picked := core.Image{Kind: core.ImagePrimary, Path: filepath.Join(lib, "picked.png")}
	writeImage(t, picked.Path, 30, 45)
	store.mu.Lock()
	store.primary["e"] = picked
	store.mu.Unlock()
	if _, err := s.BlurHash(t.Context(), picked); err != nil {
		t.Fatal(err)
	}
	s.NoteBlurHash("e", picked)
	waitFor(t, "e's hash", func() bool { return store.itemHash("e") != "" })
	if h.sweeps.Load() != 2 {
		t.Errorf("%d sweeps, want 2", h.sweeps.Load())
	}

	// A file replaced under the same path is hashed again.
	later := time.Now().Add(time.Minute)
	writeImage(t, filepath.Join(lib, "a.png"), 40, 40)
	if err := os.Chtimes(filepath.Join(lib, "a.png"), later, later); err != nil {
		t.Fatal(err)
	}
	h.Kick()
	waitFor(t, "a's new hash", func() bool { return h.sweeps.Load() == 3 && store.itemHash("a") != want })
	if store.itemHash("a") != store.itemHash("d") {
		t.Errorf("a and d show one file but have %q and %q", store.itemHash("a"), store.itemHash("d"))
	}
}
