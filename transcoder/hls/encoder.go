package hls

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

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
	if !r.isHW() || h.stopping || h.next != h.start || m.opt.Cache.Has(r.initKey()) || m.base.Err() != nil {
		return false
	}
	m.hwBroken = true
	delete(m.renditions, r.cacheKey())
	key := m.key(r.src, r.spec, false)
	r.idMu.Lock()
	r.hw, r.key = false, key
	r.idMu.Unlock()
	if _, taken := m.renditions[key]; !taken {
		m.renditions[key] = r
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
