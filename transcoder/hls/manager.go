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
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/segcache"
	"github.com/walros/walros/transcoder/subtitle"
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
	once sync.Once
	tl   Timeline
	err  error
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

// Timeline returns the video segment timeline of src, from its keyframes (scanned once per file
// version and cached on disk). An audio-only file gets a grid.
func (m *Manager) Timeline(ctx context.Context, src Source) (Timeline, error) {
	key := identity(src)
	m.mu.Lock()
	e, ok := m.timelines[key]
	if !ok {
		e = &timelineEntry{}
		m.timelines[key] = e
		if len(m.timelines) > 1024 {
			m.dropOldTimelines()
		}
	}
	e.used = time.Now()
	m.mu.Unlock()
	e.once.Do(func() {
		var keys []time.Duration
		if videoStream(src.Info) != nil {
			var err error
			keys, err = m.opt.Keyframes.Get(ctx, m.opt.FFprobe, src.Path, src.Size, src.ModTime)
			switch {
			case errors.Is(err, keyframes.ErrNoVideo), errors.Is(err, keyframes.ErrNoKeyframes):
				keys = nil
			case err != nil:
				e.err = fmt.Errorf("keyframes of %s: %w", src.Path, err)
				return
			}
		}
		e.tl = NewTimeline(keys, src.Info.Duration)
	})
	if e.err != nil {
		m.mu.Lock()
		delete(m.timelines, key) // a cancelled or failed scan is tried again next time
		m.mu.Unlock()
	}
	return e.tl, e.err
}

func (m *Manager) dropOldTimelines() {
	type aged struct {
		key  string
		used time.Time
	}
	var all []aged
	for k, e := range m.timelines {
		all = append(all, aged{k, e.used})
	}
	slices.SortFunc(all, func(a, b aged) int { return a.used.Compare(b.used) })
	for _, a := range all[:len(all)/2] {
		delete(m.timelines, a.key)
	}
}

// identity is what distinguishes versions of a file.
func identity(src Source) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d", src.ID, src.Path, src.Size, src.ModTime.UnixNano())
}

// videoStream returns the file's first video stream that is not cover art.
func videoStream(info core.MediaInfo) *core.Stream {
	for i, s := range info.Streams {
		if s.Kind == core.StreamVideo && s.Codec != "mjpeg" && s.Codec != "png" {
			return &info.Streams[i]
		}
	}
	return nil
}

// stream returns the stream with index idx.
func stream(info core.MediaInfo, idx int) *core.Stream {
	for i, s := range info.Streams {
		if s.Index == idx {
			return &info.Streams[i]
		}
	}
	return nil
}

// copyable are the video codecs fMP4 segments can carry as they are.
var copyable = map[string]bool{"h264": true, "hevc": true, "av1": true, "vp9": true}

// Check reports whether src can have the rendition spec.
func (m *Manager) Check(src Source, tl Timeline, spec Spec) error {
	switch spec.Kind {
	case Video:
		v := videoStream(src.Info)
		switch {
		case v == nil:
			return fmt.Errorf("no video to encode: %w", ErrBadRequest)
		case spec.Copy && (!tl.Keyframes || !copyable[v.Codec]):
			return fmt.Errorf("the video cannot be copied: %w", ErrBadRequest)
		case !spec.Copy && (spec.Width > max(v.Width, 16) || spec.Height > max(v.Height, 16)):
			return fmt.Errorf("larger than the source: %w", ErrBadRequest)
		case spec.TS && spec.Copy && v.Codec != "h264":
			return fmt.Errorf("only H.264 is copied into MPEG-TS: %w", ErrBadRequest)
		}
		if spec.Burn > 0 {
			if s := stream(src.Info, spec.Burn); s == nil || s.Kind != core.StreamSubtitle || s.External != "" || !subtitle.IsImage(s.Codec) {
				return fmt.Errorf("stream %d is not an embedded picture subtitle: %w", spec.Burn, ErrBadRequest)
			}
		}
		if spec.TS {
			if a := stream(src.Info, spec.Stream); a == nil || a.Kind != core.StreamAudio || a.Channels > 0 && spec.Channels > a.Channels {
				return fmt.Errorf("no such audio track: %w", ErrBadRequest)
			}
		}
	case Audio:
		a := stream(src.Info, spec.Stream)
		if a == nil || a.Kind != core.StreamAudio || a.Channels > 0 && spec.Channels > a.Channels {
			return fmt.Errorf("no such audio track: %w", ErrBadRequest)
		}
	default:
		return ErrBadRequest
	}
	return nil
}

// rendition is one rendition of one file version, and its running heads.
type rendition struct {
	key   string
	src   Source
	spec  Spec
	tl    Timeline  // video
	audio AudioGrid // audio
	hw    bool      // encoded on the GPU
	heads []*head
	wake  chan struct{} // closed and replaced whenever a segment arrives or a head ends
	used  time.Time

	failed    error // the last head's failure, with the segment it started at
	failedAt  time.Time
	failedSeg int
}

// count returns the number of segments.
func (r *rendition) count() int {
	if r.spec.Kind == Audio {
		return r.audio.Len()
	}
	return r.tl.Len()
}

// span returns segment i's start and end.
func (r *rendition) span(i int) (time.Duration, time.Duration) {
	if r.spec.Kind == Audio {
		return r.audio.Span(i)
	}
	return r.tl.Span(i)
}

func (r *rendition) broadcast() {
	close(r.wake)
	r.wake = make(chan struct{})
}

func (r *rendition) segKey(n int) string { return r.key + "/" + strconv.Itoa(n) + r.spec.ext() }
func (r *rendition) initKey() string     { return r.key + "/init.mp4" }

// head is one ffmpeg run producing segments start, start+1... of a rendition.
type head struct {
	start, next int // segments [start, next) are done
	limit       int // the run stops before this segment (the forced keyframe list ends there)
	wanted      int // the furthest segment a viewer asked of it
	touched     time.Time
	waiters     int
	user        string
	heavy       bool
	stopping    bool
	stop        context.CancelFunc
}

// Segments returns the number of segments of a rendition.
func (m *Manager) Segments(ctx context.Context, src Source, spec Spec) (int, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return 0, err
	}
	return r.count(), nil
}

// rendition finds or creates the rendition of src for spec.
func (m *Manager) rendition(ctx context.Context, src Source, spec Spec) (*rendition, error) {
	tl, err := m.Timeline(ctx, src)
	if err != nil {
		return nil, err
	}
	if err := m.Check(src, tl, spec); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	hw := spec.Kind == Video && !spec.Copy && m.opt.HWAccel != "" && !m.hwBroken
	key := m.key(src, spec, hw)
	r, ok := m.renditions[key]
	if !ok {
		r = &rendition{key: key, src: src, spec: spec, tl: tl, wake: make(chan struct{}), hw: hw}
		if spec.Kind == Audio {
			origin := time.Duration(0)
			if len(tl.Starts) > 0 {
				origin = tl.Starts[0]
			}
			r.audio = NewAudioGrid(origin, tl.End, audioRate(*stream(src.Info, spec.Stream)))
		}
		m.renditions[key] = r
	}
	r.used = time.Now()
	return r, nil
}

// key names a rendition in the cache: the file version and every parameter that changes bytes.
func (m *Manager) key(src Source, spec Spec, hw bool) string {
	params := spec.ID()
	if spec.Kind == Video && !spec.Copy {
		params += "|" + m.opt.Preset
		if hw {
			params += "|" + m.opt.HWAccel
		}
	}
	sum := sha256.Sum256([]byte(identity(src) + "\x00" + params + "\x00v1"))
	return hex.EncodeToString(sum[:16])
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
			return nil, nil, fmt.Errorf("segment %d of %s not ready after %s", n, r.spec.ID(), m.opt.WaitTimeout)
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

// window is the most segments one head produces: the forced keyframe list of an encode is an
// argument, which the kernel limits to 128 KiB.
const window = 4000

// startHead starts an encoder at segment n, within the limits. m.mu is held.
func (m *Manager) startHead(r *rendition, n int, user string) (*head, error) {
	heavy := r.spec.Kind == Video && !r.spec.Copy
	switch {
	case heavy && m.heavy >= m.opt.MaxTranscodes:
		return nil, &BusyError{RetryAfter: 5 * time.Second, Reason: "the server's encoders are all in use"}
	case heavy && m.perUser[user] >= m.opt.MaxPerUser:
		return nil, &BusyError{RetryAfter: 5 * time.Second, Reason: "this user's encoders are all in use"}
	case !heavy && m.light >= m.opt.MaxLight:
		return nil, &BusyError{RetryAfter: 2 * time.Second, Reason: "too many streams"}
	}
	ctx, cancel := context.WithCancel(m.base)
	h := &head{start: n, next: n, limit: min(n+window, r.count()), wanted: n, touched: time.Now(), user: user,
		heavy: heavy, stop: cancel}
	r.heads = append(r.heads, h)
	m.started++
	if heavy {
		m.heavy++
		m.perUser[user]++
	} else {
		m.light++
	}
	m.wg.Add(1)
	go m.run(ctx, r, h)
	return h, nil
}

// run runs one head's ffmpeg and moves its segments into the cache as they are finished.
func (m *Manager) run(ctx context.Context, r *rendition, h *head) {
	defer m.wg.Done()
	log := m.opt.Log.With("rendition", r.spec.ID(), "file", r.src.Path, "from", h.start)
	err := m.produce(ctx, r, h, false)
	if err != nil && m.fallBack(r, h) {
		log.Warn("hardware encoding failed; encoding in software from now on", "hwaccel", m.opt.HWAccel, "err", err)
		err = m.produce(ctx, r, h, false)
	}
	if errors.Is(err, errAudioEnded) {
		// The audio ended before the file (a subtitle or the video runs longer): the grid's
		// last segments are filled with silence, so that players reach the end.
		log.Info("audio ends before the file; filling the rest with silence", "at", h.next)
		err = m.produce(ctx, r, h, true)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r.heads = slices.DeleteFunc(r.heads, func(x *head) bool { return x == h })
	if h.heavy {
		m.heavy--
		if m.perUser[h.user]--; m.perUser[h.user] <= 0 {
			delete(m.perUser, h.user)
		}
	} else {
		m.light--
	}
	if err != nil && !h.stopping && m.base.Err() == nil {
		log.Error("encoder failed", "err", err)
		r.failed, r.failedAt, r.failedSeg = fmt.Errorf("%w (segment %d of %s)", ErrMedia, h.next, r.spec.ID()), time.Now(), h.next
	}
	r.broadcast()
}

// fallBack switches r to software after its hardware encoder failed before making anything, and
// every later rendition too. It re-keys r, so that nothing made in software is ever cached under
// a hardware key.
func (m *Manager) fallBack(r *rendition, h *head) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !r.hw || h.stopping || h.next != h.start || m.opt.Cache.Has(r.initKey()) || m.base.Err() != nil {
		return false
	}
	m.hwBroken, r.hw = true, false
	delete(m.renditions, r.key)
	r.key = m.key(r.src, r.spec, false)
	if _, taken := m.renditions[r.key]; !taken {
		m.renditions[r.key] = r
	}
	return true
}

// produce runs ffmpeg for h in a scratch directory and publishes each finished segment; silent
// makes audio segments of silence from h.next on.
func (m *Manager) produce(ctx context.Context, r *rendition, h *head, silent bool) error {
	dir, err := m.opt.Cache.Scratch()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	m.mu.Lock()
	from := h.start
	if silent {
		from = h.next
	}
	m.mu.Unlock()
	args := m.args(r, from, h.limit, dir, silent)
	exited := make(chan error, 1)
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	go func() { exited <- m.opt.FFmpeg.Run(runCtx, args, nil) }()
	running := true
	defer func() {
		if running { // returning early: stop this ffmpeg before its folder goes
			stopRun()
			<-exited
		}
	}()

	var info *trackInfo
	tick := time.NewTicker(15 * time.Millisecond)
	defer tick.Stop()
	var exitErr error
	for {
		select {
		case exitErr = <-exited:
			running = false
		case <-tick.C:
		}
		// Publish every finished segment in order.
		for {
			m.mu.Lock()
			n, limit, stopping := h.next, h.limit, h.stopping
			m.mu.Unlock()
			if n >= limit {
				break
			}
			path := filepath.Join(dir, strconv.Itoa(n)+r.spec.ext())
			if _, err := os.Stat(path); err != nil {
				break
			}
			if r.spec.TS {
				// No box to check in TS: a segment is whole once the next one exists or
				// ffmpeg ended by itself.
				_, nextErr := os.Stat(filepath.Join(dir, strconv.Itoa(n+1)+".ts"))
				if nextErr != nil && (running || exitErr != nil || stopping) {
					if stopping {
						return nil
					}
					break
				}
			} else if info == nil {
				ti, err := m.publishInit(r, dir)
				if err != nil {
					return err
				}
				info = &ti
			}
			if !r.spec.TS {
				// A run that ended by itself may end short: its input did.
				if err := m.check(r, n, path, *info, !running && exitErr == nil && !stopping); err != nil {
					// A segment file appears whole (ffmpeg writes it aside and renames it), so
					// a wrong one is wrong for good, unless ffmpeg was stopped mid-segment
					// (SIGINT flushes what it has): never published either way. A short one
					// while ffmpeg still runs may be the end of its input: wait for the exit.
					if stopping {
						return nil
					}
					if running && errors.Is(err, errShort) {
						break
					}
					if r.spec.Kind == Audio && !silent && errors.Is(err, errNoSamples) {
						return errAudioEnded // a run started past the end of the audio
					}
					return err
				}
			}
			if err := m.opt.Cache.Put(r.segKey(n), path); err != nil {
				return err
			}
			m.mu.Lock()
			h.next++
			ahead, _ := r.span(min(h.next, r.count()-1))
			asked, _ := r.span(h.wanted)
			if h.next >= h.limit || m.opt.Cache.Has(r.segKey(h.next)) || h.waiters == 0 && ahead-asked > m.opt.MaxAhead {
				// The rest is done, or was made by another head, or nobody will want it soon:
				// this one is no longer needed.
				h.stopping = true
				h.stop()
			}
			r.broadcast()
			m.mu.Unlock()
		}
		if !running {
			m.mu.Lock()
			stopping := h.stopping
			m.mu.Unlock()
			if exitErr != nil && !stopping {
				return exitErr
			}
			if exitErr == nil && h.next < h.limit && !stopping {
				if r.spec.Kind == Audio && !silent {
					return errAudioEnded
				}
				return fmt.Errorf("ffmpeg ended at segment %d of %d", h.next, h.limit)
			}
			return nil
		}
	}
}

// publishInit moves a head's init segment into the cache unless one is there, and reads it.
func (m *Manager) publishInit(r *rendition, dir string) (trackInfo, error) {
	path := filepath.Join(dir, "init.mp4")
	b, err := os.ReadFile(path)
	if err != nil {
		return trackInfo{}, fmt.Errorf("init segment: %w", err)
	}
	info, err := readInit(b)
	if err != nil {
		return trackInfo{}, err
	}
	if !m.opt.Cache.Has(r.initKey()) {
		if err := m.opt.Cache.Put(r.initKey(), path); err != nil {
			return trackInfo{}, err
		}
	}
	return info, nil
}

var (
	// errShort is a segment that ends before the timeline says.
	errShort = errors.New("segment ends early")
	// errNoSamples is a segment with nothing in it: its input had ended.
	errNoSamples = errors.New("segment is empty")
	// errAudioEnded says that an audio run reached the end of its track before the end of the
	// file: the rest of the grid is silence.
	errAudioEnded = errors.New("the audio track ended before the file")
)

// tolerance is how far a segment's edges may be from the timeline: sources store times rounded
// (to the millisecond in Matroska), and an audio frame may straddle a boundary.
const tolerance = 30 * time.Millisecond

// check verifies that the segment file at path is segment n whole: it starts at the timeline's
// start and reaches its end (the last segment of a run that ended normally may stop short).
func (m *Manager) check(r *rendition, n int, path string, info trackInfo, eof bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	span, err := readSegment(b, info)
	if errors.Is(err, errNoMoof) {
		return fmt.Errorf("segment %d: %w", n, errNoSamples)
	}
	if err != nil {
		return fmt.Errorf("segment %d: %w", n, err)
	}
	start, end := r.span(n)
	switch {
	case span.samples == 0:
		return fmt.Errorf("segment %d: %w", n, errNoSamples)
	case absDiff(span.start, start) > tolerance:
		return fmt.Errorf("segment %d starts at %s, want %s", n, span.start, start)
	case !eof && n < r.count()-1 && span.end < end-tolerance:
		return fmt.Errorf("segment %d ends at %s, want %s: %w", n, span.end, end, errShort)
	}
	return nil
}

func absDiff(a, b time.Duration) time.Duration {
	if a > b {
		return a - b
	}
	return b - a
}

// reap stops heads nobody needs, and forgets renditions nobody watches.
func (m *Manager) reap() {
	defer m.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-m.base.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		m.mu.Lock()
		for key, r := range m.renditions {
			for _, h := range r.heads {
				if h.stopping || h.waiters > 0 {
					continue
				}
				ahead, _ := r.span(min(h.next, r.count()-1))
				asked, _ := r.span(h.wanted)
				if now.Sub(h.touched) > m.opt.IdleTimeout || ahead-asked > m.opt.MaxAhead {
					h.stopping = true
					h.stop()
				}
			}
			if len(r.heads) == 0 && now.Sub(r.used) > 10*time.Minute {
				delete(m.renditions, key)
			}
		}
		m.mu.Unlock()
	}
}

// audioRate is the sample rate an AAC rendition of a stream uses: the source's when AAC has it.
func audioRate(s core.Stream) int {
	switch s.SampleRate {
	case 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000:
		return s.SampleRate
	}
	return 48000
}
