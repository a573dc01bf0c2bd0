package jellyfin

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// keptCards is an item service with the store's card cache that counts the cards kept, by key.
type keptCards struct {
	itemService
	cardStore
	mu   *sync.Mutex
	kept map[core.CardKey]int
}

func (k keptCards) KeepCards(gen uint64, keys []core.CardKey, cards [][]byte) {
	k.mu.Lock()
	for _, key := range keys {
		k.kept[key]++
	}
	k.mu.Unlock()
	k.cardStore.KeepCards(gen, keys, cards)
}

func (k keptCards) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.kept)
}

// TestWarmLists checks that a page of a long list makes the facade build the list's other pages
// in the background, so that their cards are kept before anyone asks, that it does so once until
// a write, and not at all unless Deps.WarmLists.
func TestWarmLists(t *testing.T) {
	e := newEnv(t)
	var files []string
	for i := range 25 {
		files = append(files, fmt.Sprintf("Movie %02d (2001)/Movie %02d (2001).mkv", i, i))
	}
	e.library("Movies", core.LibraryMovies, files...)
	cs, ok := any(e.stores.Items).(cardStore)
	if !ok {
		t.Fatal("the store's items offer no card cache")
	}
	const page = "/Items?Recursive=true&IncludeItemTypes=Movie&SortBy=SortName&Limit=10&Fields=Overview&StartIndex="
	counted := func(warmLists bool) keptCards {
		k := keptCards{e.items, cs, &sync.Mutex{}, map[core.CardKey]int{}}
		d := e.h.Deps
		d.Items, d.WarmLists = k, warmLists
		e.h.Close()
		e.h = New(d)
		t.Cleanup(e.h.Close) // before the database closes
		e.engine = e.h.Engine()
		return k
	}
	waitCards := func(k keptCards, n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for k.count() < n && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if got := k.count(); got != n {
			t.Fatalf("%d cards kept, want %d", got, n)
		}
	}

	k := counted(false)
	e.want(http.StatusOK, e.do("GET", page+"10", e.admin, nil))
	time.Sleep(500 * time.Millisecond) // longer than a walk waits for writes to settle
	if n := k.count(); n != 10 {
		t.Fatalf("without WarmLists, %d cards kept after one page of 10, want 10", n)
	}

	k = counted(true)
	e.want(http.StatusOK, e.do("GET", page+"10", e.admin, nil))
	waitCards(k, 15) // the walk's pages at 20 and 0 (the request's 10 cards are kept already)
	e.want(http.StatusOK, e.do("GET", page+"20", e.admin, nil))
	e.want(http.StatusOK, e.do("GET", page+"0", e.admin, nil))
	time.Sleep(500 * time.Millisecond)
	k.mu.Lock()
	for key, n := range k.kept {
		if n != 1 {
			t.Errorf("card %v kept %d times, want once: the walk or the pages read it again", key, n)
		}
	}
	k.mu.Unlock()

	// A write drops the cards; the next page walks the list again.
	e.library("More", core.LibraryMovies, "Extra (2005)/Extra (2005).mkv")
	k.mu.Lock()
	clear(k.kept)
	k.mu.Unlock()
	e.want(http.StatusOK, e.do("GET", page+"0", e.admin, nil))
	waitCards(k, 26)
}
