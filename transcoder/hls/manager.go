// Package hls is Walros's streaming engine: HLS and DASH renditions of a file, cut on one timeline
// per file, encoded by ffmpeg runs that belong to a session manager (not to HTTP requests), and
// kept in a segment cache shared by every viewer.
//
// A request for a segment is answered from the cache; else it waits for an encoder run ("head")
// that will reach the segment soon; else a new head starts exactly at the segment. Heads nobody
// asks anything of, or that run too far ahead of their viewers, are stopped. Every segment is
// checked against the timeline before it enters the cache, so a partial segment (ffmpeg stopped
// mid-way) is never served.
package hls

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/segcache"
)

// Errors. They wrap core's sentinels, so facades map them like any other error.
var (
	// ErrBadRequest is a rendition or segment a URL cannot ask for.
	ErrBadRequest = fmt.Errorf("bad streaming request: %w", core.ErrInvalid)
	// ErrNoSegment is a segment past the end of the file.
	ErrNoSegment = fmt.Errorf("no such segment: %w", core.ErrNotFound)
	// ErrMedia is a file ffmpeg could not encode: corrupt, truncated or unsupported. The details
	// are in the log, never in the error.
	ErrMedia = errors.New("the media could not be transcoded")
	// ErrNotReady is a segment that did not come within Options.WaitTimeout: the machine is
	// overloaded, and the client should retry.
	ErrNotReady = errors.New("the segment is not ready yet")
)

// BusyError says that the encoder limits are reached; retry after RetryAfter.
type BusyError struct {
	RetryAfter time.Duration
	Reason     string
}

func (e *BusyError) Error() string { return "transcoder busy: " + e.Reason }

// Source is one media file to stream.
type Source struct {
	ID      string // the file's id: with Size and ModTime, what identifies its renditions
	Path    string
	Size    int64
	ModTime time.Time
	Info    core.MediaInfo
}

// Options configure a Manager. Zero values mean the defaults.
type Options struct {
	FFmpeg, FFprobe ffmpeg.Runner
	Cache           *segcache.Cache
	Keyframes       *keyframes.Index
	Preset          string        // libx264 preset; "veryfast"
	MaxTranscodes   int           // video encodes at once; the number of CPUs
	MaxPerUser      int           // video encodes at once per user; 2
	MaxLight        int           // copy and audio runs at once; 8 per video encode allowed
	IdleTimeout     time.Duration // stop a head nobody asked anything of for this long; 20 s
	MaxAhead        time.Duration // stop a head this far ahead of what its viewers asked; 120 s
	WaitTimeout     time.Duration // how long a request waits for its segment; 60 s
	// HWAccel encodes video on the GPU: "vaapi", "qsv" or "nvenc"; "" for software (libx264).
	// When the hardware path fails, the manager falls back to software for good.
	HWAccel  string
	HWDevice string // the VAAPI render node or QSV device; /dev/dri/renderD128 by default
	Log      *slog.Logger
}

// Manager owns the encoder runs of every rendition being watched.
type Manager struct {
	opt    Options
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	renditions map[string]*rendition
	timelines  map[string]*timelineEntry
	heavy      int
	light      int
	perUser    map[string]int
	started    int
	hwBroken   bool // the hardware encoder failed once: software from then on
}

type timelineEntry struct {
	tl   Timeline
	used time.Time
}

// New returns a Manager; Close stops its encoders.
func New(opt Options) *Manager {
	if opt.Preset == "" {
		opt.Preset = "veryfast"
	}
	if opt.MaxTranscodes <= 0 {
		opt.MaxTranscodes = runtime.NumCPU()
	}
	if opt.MaxPerUser <= 0 {
		opt.MaxPerUser = 2
	}
	if opt.MaxLight <= 0 {
		opt.MaxLight = 8 * opt.MaxTranscodes
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = 20 * time.Second
	}
	if opt.MaxAhead <= 0 {
		opt.MaxAhead = 120 * time.Second
	}
	if opt.WaitTimeout <= 0 {
		opt.WaitTimeout = 60 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.FFmpeg.Grace <= 0 {
		opt.FFmpeg.Grace = 2 * time.Second
	}
	base, cancel := context.WithCancel(context.Background())
	m := &Manager{opt: opt, base: base, cancel: cancel, renditions: map[string]*rendition{},
		timelines: map[string]*timelineEntry{}, perUser: map[string]int{}}
	m.wg.Add(1)
	go m.reap()
	return m
}

// Close stops every encoder and waits for them.
func (m *Manager) Close() {
	m.cancel()
	m.wg.Wait()
}

// Stats is what the manager is doing, for metrics and the admin page.
type Stats struct {
	Renditions, Heads, Transcodes int
	Started                       int // encoder runs started since New
}

// Stats returns the current counts.
func (m *Manager) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Stats{Renditions: len(m.renditions), Transcodes: m.heavy, Started: m.started}
	for _, r := range m.renditions {
		s.Heads += len(r.heads)
	}
	return s
}

// Segments returns the number of segments of a rendition.
func (m *Manager) Segments(ctx context.Context, src Source, spec Spec) (int, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return 0, err
	}
	return r.count(), nil
}

// Span returns the start and end of segment n of a rendition, for playlists and manifests.
func (m *Manager) Span(ctx context.Context, src Source, spec Spec, n int) (time.Duration, time.Duration, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return 0, 0, err
	}
	if n < 0 || n >= r.count() {
		return 0, 0, ErrNoSegment
	}
	s, e := r.span(n)
	return s, e, nil
}

// Init returns the init segment of a rendition, encoding the first segment it needs if it is not
// cached yet.
func (m *Manager) Init(ctx context.Context, src Source, spec Spec, user string) (*os.File, fs.FileInfo, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return nil, nil, err
	}
	if spec.TS {
		return nil, nil, fmt.Errorf("MPEG-TS renditions have no init segment: %w", ErrNoSegment)
	}
	if f, fi, err := m.opt.Cache.Get(r.initKey()); err == nil {
		return f, fi, nil
	}
	// Any head writes the init segment with its first media segment: ask for a segment some head
	// is about to produce, or the first one.
	n := 0
	m.mu.Lock()
	for _, h := range r.heads {
		if !h.stopping {
			n = h.next
			break
		}
	}
	m.mu.Unlock()
	if f, _, err := m.segment(ctx, r, min(n, r.count()-1), user); err == nil {
		f.Close()
	} else {
		return nil, nil, err
	}
	return m.opt.Cache.Get(r.initKey())
}

// Segment returns media segment n of a rendition, from the cache or from an encoder.
func (m *Manager) Segment(ctx context.Context, src Source, spec Spec, n int, user string) (*os.File, fs.FileInfo, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return nil, nil, err
	}
	if n < 0 || n >= r.count() {
		return nil, nil, ErrNoSegment
	}
	return m.segment(ctx, r, n, user)
}

func (m *Manager) segment(ctx context.Context, r *rendition, n int, user string) (*os.File, fs.FileInfo, error) {
	deadline := time.NewTimer(m.opt.WaitTimeout)
	defer deadline.Stop()
	var waitingOn *head
	defer func() {
		if waitingOn != nil {
			m.mu.Lock()
			waitingOn.waiters--
			m.mu.Unlock()
		}
	}()
	for {
		if f, fi, err := m.opt.Cache.Get(r.segKey(n)); err == nil {
			m.mu.Lock()
			for _, h := range r.heads {
				if h.start <= n && n <= h.next+1 {
					h.wanted, h.touched = max(h.wanted, n), time.Now()
				}
			}
			m.mu.Unlock()
			return f, fi, nil
		}
		m.mu.Lock()
		if m.base.Err() != nil {
			m.mu.Unlock()
			return nil, nil, fmt.Errorf("streaming stopped: %w", context.Canceled)
		}
		h := m.headFor(r, n)
		if h == nil {
			if r.failed != nil && time.Since(r.failedAt) < 10*time.Second && r.failedSeg <= n {
				err := r.failed
				m.mu.Unlock()
				return nil, nil, err
			}
			var err error
			if h, err = m.startHead(r, n, user); err != nil {
				m.mu.Unlock()
				return nil, nil, err
			}
		}
		h.wanted, h.touched = max(h.wanted, n), time.Now()
		if waitingOn != h {
			if waitingOn != nil {
				waitingOn.waiters--
			}
			h.waiters++
			waitingOn = h
		}
		wake := r.wake
		m.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, nil, context.Cause(ctx)
		case <-deadline.C:
			return nil, nil, fmt.Errorf("segment %d of %s after %s: %w", n, r.spec.ID(), m.opt.WaitTimeout, ErrNotReady)
		}
	}
}

// reach is how far ahead of a head a segment may be for the request to wait for that head rather
// than start another: a copy or audio run gets there almost at once, an encode at a few times
// real time.
func (m *Manager) reach(r *rendition) time.Duration {
	if r.spec.Kind == Video && !r.spec.Copy {
		return 8 * time.Second
	}
	return 60 * time.Second
}

// headFor returns a running head that will produce segment n soon. m.mu is held.
func (m *Manager) headFor(r *rendition, n int) *head {
	var best *head
	for _, h := range r.heads {
		if h.stopping || n < h.start || n >= h.limit {
			continue
		}
		if n >= h.next {
			from, _ := r.span(h.next)
			to, _ := r.span(n)
			if to-from > m.reach(r) {
				continue
			}
		}
		if best == nil || h.next > best.next {
			best = h
		}
	}
	return best
}
