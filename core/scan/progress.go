package scan

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/walros/walros/core"
)

// Progress is how far a scan has come. Counts grow as it goes.
type Progress struct {
	Library   core.LibraryID
	Started   time.Time
	Finished  time.Time // zero while running
	Walking   bool      // still listing files; Found is not final yet
	Found     int64     // media files on disk
	Unchanged int64     // already known and not changed
	ToProbe   int64     // new or changed files to probe
	Probed    int64     // probed so far (Failed included)
	Failed    int64     // could not be probed: broken, truncated, not media
	Moved     int64     // recognised at a new path
	Missing   int64     // known files not found (kept for the grace period)
	Removed   int64     // files removed after the grace period
	Offline   []string  // library folders that could not be reached
	Err       string    // why the scan stopped, when it failed
}

// Rate is the files probed per second so far.
func (p Progress) Rate(now time.Time) float64 {
	if d := now.Sub(p.Started).Seconds(); d > 0 {
		return float64(p.Probed) / d
	}
	return 0
}

// ETA estimates the time left to probe, or 0 when unknown.
func (p Progress) ETA(now time.Time) time.Duration {
	r := p.Rate(now)
	if r <= 0 || p.Walking {
		return 0
	}
	return time.Duration(float64(p.ToProbe-p.Probed) / r * float64(time.Second))
}

type run struct {
	found, unchanged, toProbe, probed, failed, moved, missing, removed atomic.Int64
	walking                                                            atomic.Bool
	mu                                                                 sync.Mutex
	p                                                                  Progress
	done                                                               chan struct{}
	folders                                                            folders
	touched                                                            touched
}

func (r *run) progress() Progress {
	r.mu.Lock()
	p := r.p
	r.mu.Unlock()
	p.Walking = r.walking.Load()
	p.Found, p.Unchanged, p.ToProbe, p.Probed = r.found.Load(), r.unchanged.Load(), r.toProbe.Load(), r.probed.Load()
	p.Failed, p.Moved, p.Missing, p.Removed = r.failed.Load(), r.moved.Load(), r.missing.Load(), r.removed.Load()
	return p
}

// Running reports whether a scan of the library is under way.
func (p Progress) Running() bool { return p.Finished.IsZero() }
