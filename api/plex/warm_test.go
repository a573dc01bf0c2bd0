package plex

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
)

// batchCounter is an item service that counts, by item, the batches read for its pages.
type batchCounter struct {
	*core.Items
	mu   *sync.Mutex
	read map[core.ItemID]int
}

func (b batchCounter) Batch(ctx context.Context, c core.Caller, items []core.Item, parts core.BatchParts) (core.Batch, error) {
	b.mu.Lock()
	for _, it := range items {
		b.read[it.ID]++
	}
	b.mu.Unlock()
	return b.Items.Batch(ctx, c, items, parts)
}

func (b batchCounter) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.read)
}

// TestWarmLists checks that a page of a section makes the facade read the section's other pages
// in the background with Deps.WarmLists, and not without it.
func TestWarmLists(t *testing.T) {
	e := newEnv(t)
	var files []string
	for i := range 25 {
		files = append(files, fmt.Sprintf("Movie %02d (2001)/Movie %02d (2001).mkv", i, i))
	}
	movies := e.library("Movies", core.LibraryMovies, files...)
	all := "/library/sections/" + strconv.FormatInt(movies.Key, 10) + "/all?type=1&sort=titleSort"
	for _, warmLists := range []bool{false, true} {
		b := batchCounter{e.items, &sync.Mutex{}, map[core.ItemID]int{}}
		d := e.h.Deps
		d.Items, d.WarmLists = b, warmLists
		h := New(d)
		t.Cleanup(h.Close) // before the database closes
		e.engine = h.Engine()
		e.want(http.StatusOK, e.get(all, e.admin, "X-Plex-Container-Start", "10", "X-Plex-Container-Size", "10"))
		want := 10
		if warmLists {
			want = 25
		}
		deadline := time.Now().Add(10 * time.Second)
		for b.count() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // longer than a walk waits for writes to settle
		if got := b.count(); got != want {
			t.Fatalf("WarmLists %v: %d movies read, want %d", warmLists, got, want)
		}
		for id, n := range b.read {
			if n != 1 {
				t.Errorf("WarmLists %v: movie %s read %d times, want once", warmLists, id, n)
			}
		}
	}
}
