package nowplaying

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// clock is a settable time for the registry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newRegistry() (*Registry, *clock) {
	c := &clock{t: time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)}
	return &Registry{Timeout: time.Minute, Now: c.now}, c
}

var heat = core.Item{ID: "heat", Kind: core.KindMovie, Title: "Heat", Runtime: 2 * time.Hour, Overview: "long text", Path: "/m/heat.mkv"}

func TestReportKeepsWhatLaterReportsLeaveOut(t *testing.T) {
	r, clk := newRegistry()
	r.Report(Playback{Key: "s1", Session: "s1", User: "u1", API: "jellyfin", Device: "TV", Client: "Jellyfin Web", Item: heat,
		File: "f1", Position: time.Minute, Method: core.PlayTranscode, Transcode: &Transcode{Reasons: []string{"VideoCodecNotSupported"}}})
	started := clk.now()
	clk.add(10 * time.Second)
	r.Report(Playback{Key: "s1", Session: "s1", User: "u1", API: "jellyfin", Item: heat, Position: 70 * time.Second, Paused: true})
	p, ok := r.Get("s1")
	if !ok {
		t.Fatal("no entry")
	}
	if p.Position != 70*time.Second || !p.Paused || p.Method != core.PlayTranscode || p.Transcode == nil || p.File != "f1" ||
		p.Device != "TV" || p.Client != "Jellyfin Web" {
		t.Fatalf("entry = %+v", p)
	}
	if !p.Started.Equal(started) || !p.CheckIn.Equal(clk.now()) {
		t.Fatalf("started %v, check-in %v", p.Started, p.CheckIn)
	}
	if p.Item.Overview != "" || p.Item.Path != "" || p.Item.Title != "Heat" || p.Item.Runtime != 2*time.Hour {
		t.Fatalf("item not slimmed: %+v", p.Item)
	}
	// Another item starts afresh.
	clk.add(time.Second)
	r.Report(Playback{Key: "s1", User: "u1", Item: core.Item{ID: "alien", Title: "Alien"}, Method: core.PlayDirect})
	p, _ = r.Get("s1")
	if p.Item.ID != "alien" || p.Transcode != nil || p.File != "" || p.Device != "" || !p.Started.Equal(clk.now()) {
		t.Fatalf("new item = %+v", p)
	}
}

func TestReportIgnoresIncomplete(t *testing.T) {
	r, _ := newRegistry()
	r.Report(Playback{Item: heat})
	r.Report(Playback{Key: "s1"})
	if got := r.List(); len(got) != 0 {
		t.Fatalf("list = %+v", got)
	}
	var none *Registry
	none.Report(Playback{Key: "s1", Item: heat})
	none.Decided("s1", heat.ID, "f", core.PlayDirect, nil, nil, nil)
	none.Touch("s1")
	none.Stop("s1", "")
	if _, ok := none.Get("s1"); ok || none.List() != nil {
		t.Fatal("a nil registry holds something")
	}
}

func TestDecidedFillsReports(t *testing.T) {
	r, _ := newRegistry()
	tc := &Transcode{Reasons: []string{"videoCodec"}, VideoCodec: "h264", Height: 720, Bitrate: 3_000_000}
	audio := 1
	r.Decided("s1", heat.ID, "f1", core.PlayTranscode, tc, &audio, nil)
	r.Report(Playback{Key: "s1", Item: heat, Position: time.Second, Method: core.PlayTranscode})
	p, _ := r.Get("s1")
	if p.Transcode != tc || p.File != "f1" || p.AudioStream == nil || *p.AudioStream != 1 {
		t.Fatalf("entry = %+v", p)
	}
	// A new decision (another quality) shows at once.
	direct := &Transcode{VideoCopy: true, VideoCodec: "h264"}
	r.Decided("s1", heat.ID, "f1", core.PlayRemux, direct, nil, nil)
	if p, _ = r.Get("s1"); p.Method != core.PlayRemux || p.Transcode != direct {
		t.Fatalf("after a new decision: %+v", p)
	}
	// A report whose method contradicts the decision keeps its own.
	r.Decided("s2", heat.ID, "f1", core.PlayTranscode, tc, nil, nil)
	r.Report(Playback{Key: "s2", Item: heat, Method: core.PlayDirect})
	if p, _ = r.Get("s2"); p.Method != core.PlayDirect || p.Transcode != nil {
		t.Fatalf("contradicted decision applied: %+v", p)
	}
	// A remux reported as a transcode (Jellyfin clients do) takes the decision's method.
	r.Decided("s4", heat.ID, "f1", core.PlayRemux, direct, nil, nil)
	r.Report(Playback{Key: "s4", Item: heat, Method: core.PlayTranscode})
	if p, _ = r.Get("s4"); p.Method != core.PlayRemux || p.Transcode != direct {
		t.Fatalf("remux reported as a transcode: %+v", p)
	}
	// A decision for another item does not apply.
	r.Decided("s3", "alien", "f9", core.PlayTranscode, tc, nil, nil)
	r.Report(Playback{Key: "s3", Item: heat})
	if p, _ = r.Get("s3"); p.Method != "" || p.Transcode != nil {
		t.Fatalf("other item's decision applied: %+v", p)
	}
}

func TestStopAndExpiry(t *testing.T) {
	r, clk := newRegistry()
	r.Report(Playback{Key: "s1", Item: heat})
	r.Report(Playback{Key: "s2", Item: heat})
	r.Stop("s1", "alien") // not what s1 plays
	if _, ok := r.Get("s1"); !ok {
		t.Fatal("stop of another item ended the playback")
	}
	r.Stop("s1", heat.ID)
	if _, ok := r.Get("s1"); ok {
		t.Fatal("stopped playback still listed")
	}
	clk.add(50 * time.Second)
	r.Report(Playback{Key: "s3", Item: heat})
	r.Touch("s2")
	clk.add(50 * time.Second) // s2 touched 50 s ago, s3 reported 50 s ago
	if got := r.List(); len(got) != 2 {
		t.Fatalf("list = %+v", got)
	}
	clk.add(11 * time.Second)
	if _, ok := r.Get("s2"); ok {
		t.Fatal("quiet playback still there")
	}
	if got := r.List(); len(got) != 0 {
		t.Fatalf("list after the timeout = %+v", got)
	}
}

func TestListOrder(t *testing.T) {
	r, clk := newRegistry()
	for _, k := range []string{"c", "a", "b"} {
		r.Report(Playback{Key: k, Item: heat})
		clk.add(time.Second)
	}
	var keys []string
	for _, p := range r.List() {
		keys = append(keys, p.Key)
	}
	if fmt.Sprint(keys) != "[c a b]" {
		t.Fatalf("order = %v", keys)
	}
}

func TestEvictsOldestWhenFull(t *testing.T) {
	r, clk := newRegistry()
	r.Timeout = time.Hour
	for i := range maxEntries + 5 {
		r.Report(Playback{Key: fmt.Sprint(i), Item: heat})
		clk.add(time.Millisecond)
	}
	if n := len(r.List()); n > maxEntries || n < maxEntries*9/10 {
		t.Fatalf("entries = %d, want at most %d", n, maxEntries)
	}
	if _, ok := r.Get("0"); ok {
		t.Fatal("the oldest entry survived")
	}
	if _, ok := r.Get(fmt.Sprint(maxEntries + 4)); !ok {
		t.Fatal("the newest entry is missing")
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New(0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprint("s", g%3)
			for i := range 200 {
				r.Decided(key, heat.ID, "f1", core.PlayTranscode, &Transcode{Height: i}, nil, nil)
				r.Report(Playback{Key: key, Item: heat, Position: time.Duration(i) * time.Second})
				r.Touch(key)
				if p, ok := r.Get(key); ok && p.Transcode != nil {
					_ = p.Transcode.Height
				}
				_ = r.List()
				if i%50 == 0 {
					r.Stop(key, "")
				}
			}
		}()
	}
	wg.Wait()
}

func TestFromDecision(t *testing.T) {
	d := playback.Decision{Method: playback.Transcode, Reasons: []playback.Reason{playback.VideoCodecNotSupported}, Protocol: "hls",
		Container: "fmp4", Video: &playback.VideoTarget{Codec: "h264", Width: 1280, Height: 720, Bitrate: 3_000_000},
		Audio: &playback.AudioTarget{Copy: true, Codec: "aac", Channels: 2}}
	m, tc, ok := FromDecision(d, nil)
	want := Transcode{Reasons: []string{"VideoCodecNotSupported"}, Protocol: "hls", Container: "fmp4", VideoCodec: "h264", Width: 1280,
		Height: 720, Bitrate: 3_000_000, AudioCodec: "aac", AudioCopy: true, Channels: 2}
	if !ok || m != core.PlayTranscode || tc == nil || fmt.Sprint(*tc) != fmt.Sprint(want) {
		t.Fatalf("FromDecision = %v %+v %v", m, tc, ok)
	}
	if _, tc, _ = FromDecision(d, []playback.Reason{playback.SubtitleCodecNotSupported}); tc.Reasons[0] != "SubtitleCodecNotSupported" {
		t.Fatalf("reasons = %v", tc.Reasons)
	}
	if m, tc, ok = FromDecision(playback.Decision{Method: playback.DirectPlay}, nil); !ok || m != core.PlayDirect || tc != nil {
		t.Fatalf("direct play = %v %+v %v", m, tc, ok)
	}
	if m, _, _ = FromDecision(playback.Decision{Method: playback.Remux}, nil); m != core.PlayRemux {
		t.Fatalf("remux = %v", m)
	}
	if _, _, ok = FromDecision(playback.Decision{Method: playback.Unplayable}, nil); ok {
		t.Fatal("unplayable is a method")
	}
}
