package warm

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// gen is a settable write generation.
type gen struct{ n atomic.Uint64 }

func (g *gen) stamp() (uint64, bool) { return g.n.Load(), true }

// recorder records the offsets a walk reads; at each page it may run hook.
type recorder struct {
	mu   sync.Mutex
	offs []int
	hook func(off int)
	done chan struct{}
}

func newRecorder() *recorder { return &recorder{done: make(chan struct{}, 16)} }

func (r *recorder) page(_ context.Context, off int) error {
	r.mu.Lock()
	r.offs = append(r.offs, off)
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook(off)
	}
	return nil
}

func (r *recorder) got() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.offs)
}

// wait waits until the walker has nothing running.
func wait(t *testing.T, w *Walker) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		running := w.running
		w.mu.Unlock()
		if !running {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("the walk did not end")
}

func fast(g *gen) Options { return Options{Stamp: g.stamp, Settle: time.Millisecond, Duty: 1} }

func TestWalkReadsEveryOtherPageFromTheNext(t *testing.T) {
	g := &gen{}
	w := New(fast(g))
	defer w.Close()
	r := newRecorder()
	w.Walk("movies", 1050, 100, 420, r.page) // pages at 0..1000; the caller's is the one at 400
	wait(t, w)
	want := []int{500, 600, 700, 800, 900, 1000, 0, 100, 200, 300}
	if got := r.got(); !slices.Equal(got, want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
	w.Walk("movies", 1050, 100, 0, r.page) // walked at this generation: nothing more
	wait(t, w)
	if got := r.got(); len(got) != len(want) {
		t.Fatalf("walked again at the same generation: %v", got[len(want):])
	}
	g.n.Add(1) // a write: the caches dropped everything
	w.Walk("movies", 1050, 100, 0, r.page)
	wait(t, w)
	if got := r.got(); len(got) != 2*len(want) {
		t.Fatalf("after a write, walked %v, want another %d pages", got[len(want):], len(want))
	}
}

func TestWalkSkipsShortListsAndStoresWithoutCaches(t *testing.T) {
	g := &gen{}
	w := New(fast(g))
	defer w.Close()
	r := newRecorder()
	w.Walk("one page", 100, 100, 0, r.page)
	w.Walk("empty", 0, 100, 0, r.page)
	nc := New(Options{Stamp: func() (uint64, bool) { return 0, false }, Settle: time.Millisecond})
	defer nc.Close()
	nc.Walk("no caches", 1000, 100, 0, r.page)
	var nilWalker *Walker
	nilWalker.Walk("nil", 1000, 100, 0, r.page)
	time.Sleep(20 * time.Millisecond)
	wait(t, w)
	if got := r.got(); len(got) != 0 {
		t.Fatalf("walked %v", got)
	}
}

func TestWalkStopsWhenAWriteLandsAndMayStartAgain(t *testing.T) {
	g := &gen{}
	w := New(fast(g))
	defer w.Close()
	r := newRecorder()
	r.hook = func(off int) {
		if off == 300 {
			g.n.Add(1)
		}
	}
	w.Walk("movies", 1000, 100, 0, r.page)
	wait(t, w)
	if got := r.got(); !slices.Equal(got, []int{100, 200, 300}) {
		t.Fatalf("walked %v, want it to stop after the page the write landed in", got)
	}
	r.hook = nil
	w.Walk("movies", 1000, 100, 0, r.page) // the stopped walk is not remembered as done
	wait(t, w)
	if got := r.got(); len(got) != 3+9 {
		t.Fatalf("walked %v, want a whole second walk", got)
	}
}

func TestWalkWaitsForWritesToSettle(t *testing.T) {
	g := &gen{}
	o := fast(g)
	o.Settle = 50 * time.Millisecond
	w := New(o)
	defer w.Close()
	r := newRecorder()
	w.Walk("movies", 1000, 100, 0, r.page)
	g.n.Add(1) // a scan writes on
	wait(t, w)
	if got := r.got(); len(got) != 0 {
		t.Fatalf("walked %v during writes", got)
	}
}

func TestWalkStopsAtMaxAndOnError(t *testing.T) {
	g := &gen{}
	o := fast(g)
	o.Max = 250
	w := New(o)
	defer w.Close()
	r := newRecorder()
	w.Walk("movies", 10_000, 100, 0, r.page)
	wait(t, w)
	if got := r.got(); !slices.Equal(got, []int{100, 200, 300}) {
		t.Fatalf("walked %v, want 3 pages (max 250 items)", got)
	}
	calls := 0
	w.Walk("broken", 1000, 100, 0, func(context.Context, int) error { calls++; return errors.New("gone") })
	wait(t, w)
	if calls != 1 {
		t.Fatalf("a failing walk read %d pages, want 1", calls)
	}
}

func TestWalkOneAtATimeLatestWaits(t *testing.T) {
	g := &gen{}
	w := New(fast(g))
	defer w.Close()
	release := make(chan struct{})
	r := newRecorder()
	var first sync.Once
	started := make(chan struct{})
	r.hook = func(int) {
		first.Do(func() { close(started); <-release })
	}
	w.Walk("a", 300, 100, 0, r.page)
	<-started
	other := newRecorder()
	w.Walk("b", 300, 100, 0, other.page) // replaced by c before it runs
	w.Walk("c", 300, 100, 0, other.page)
	close(release)
	wait(t, w)
	if got := other.got(); len(got) != 2 {
		t.Fatalf("the waiting walks read %v, want only c's two pages", got)
	}
	w.Walk("b", 300, 100, 0, other.page) // b never ran, so it may be asked for again
	wait(t, w)
	if got := other.got(); len(got) != 4 {
		t.Fatalf("b was not walked when asked again: %v", got)
	}
}

func TestCloseStopsTheWalk(t *testing.T) {
	g := &gen{}
	w := New(Options{Stamp: g.stamp, Settle: time.Millisecond, Duty: 0.01}) // sleeps 99× each page
	r := newRecorder()
	r.hook = func(int) { time.Sleep(time.Millisecond) }
	w.Walk("movies", 100_000, 100, 0, r.page)
	time.Sleep(20 * time.Millisecond)
	done := make(chan struct{})
	go func() { w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not stop the walk")
	}
	n := len(r.got())
	w.Walk("other", 1000, 100, 0, r.page)
	time.Sleep(20 * time.Millisecond)
	if len(r.got()) != n {
		t.Fatal("a closed walker walked")
	}
}

func TestKey(t *testing.T) {
	alice := core.Caller{UserID: "alice", SessionID: "s1", Libraries: []core.LibraryID{"movies"}}
	q := core.ItemQuery{Library: "movies", Kinds: []core.ItemKind{core.KindMovie}, Sort: core.SortTitle, Offset: 100, Limit: 100}
	key := func(c core.Caller, q core.ItemQuery, opts string) string {
		t.Helper()
		k, err := Key(c, q, opts)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(alice, q, "cards")
	other := alice
	other.SessionID, other.APIKeyID = "s2", "k"
	page := q
	page.Offset, page.Limit, page.NoCount = 500, 50, true
	if key(other, page, "cards") != base {
		t.Error("another session or page of the same list has another key")
	}
	bob := alice
	bob.UserID = "bob"
	played := q
	played.Played = new(true)
	year := q
	year.Year = 2001
	narrower := alice
	narrower.Parental = &core.ParentalControls{MaxLevel: new(10)}
	for name, k := range map[string]string{"another user": key(bob, q, "cards"), "another filter": key(alice, played, "cards"),
		"another year": key(alice, year, "cards"), "other rights": key(narrower, q, "cards"), "other options": key(alice, q, "plain")} {
		if k == base {
			t.Errorf("%s: same key", name)
		}
	}
}
