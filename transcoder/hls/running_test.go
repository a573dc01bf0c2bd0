package hls

import (
	"fmt"
	"testing"
	"time"
)

// TestRenditionsListsEncoders: a rendition being encoded is listed with its encoder and user, and
// stays listed, without encoders, once they stop.
func TestRenditionsListsEncoders(t *testing.T) {
	src := source(t)
	e := newManager(t, Options{IdleTimeout: 500 * time.Millisecond, MaxAhead: time.Hour})
	spec := Spec{Kind: Video, Width: 320, Height: 180, Bitrate: 300_000}
	if got := e.m.Renditions(); len(got) != 0 {
		t.Fatalf("renditions before any request: %+v", got)
	}
	before := time.Now()
	e.fetch(t, src, spec, 0)
	list := e.m.Renditions()
	if len(list) != 1 {
		t.Fatalf("renditions = %+v", list)
	}
	r := list[0]
	if r.File != src.ID || r.ID != spec.ID() || r.Kind != Video || r.Copy || r.Used.Before(before) {
		t.Fatalf("rendition = %+v", r)
	}
	// The encoder may already have finished the short fixture; if it runs, it is the user's.
	if r.Encoders > 0 && fmt.Sprint(r.Users) != "[u]" {
		t.Fatalf("users = %v", r.Users)
	}
	waitFor(t, 10*time.Second, "the encoder stops", func() bool { return e.m.Stats().Heads == 0 })
	if list = e.m.Renditions(); len(list) != 1 || list[0].Encoders != 0 || len(list[0].Users) != 0 {
		t.Fatalf("after the encoder stopped: %+v", list)
	}
	copied := Spec{Kind: Video, Copy: true}
	e.fetch(t, src, copied, 0)
	if list = e.m.Renditions(); len(list) != 2 || list[0].ID != "v-copy" || !list[0].Copy {
		t.Fatalf("with a copy, most recent first: %+v", list)
	}
}
