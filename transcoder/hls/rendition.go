package hls

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/subtitle"
)

// Timeline returns the video segment timeline of src, from its keyframes (scanned once per file
// version and cached on disk). An audio-only file gets a grid.
func (m *Manager) Timeline(ctx context.Context, src Source) (Timeline, error) {
	key := identity(src)
	m.mu.Lock()
	e, ok := m.timelines[key]
	if ok {
		e.used = time.Now()
	}
	m.mu.Unlock()
	if ok {
		return e.tl, nil
	}
	// Concurrent misses share one scan (the index is a singleflight that outlives a caller who
	// leaves), each waiting under its own context.
	var keys []time.Duration
	if videoStream(src.Info) != nil {
		var err error
		keys, err = m.opt.Keyframes.Get(ctx, m.opt.FFprobe, src.Path, src.Size, src.ModTime)
		switch {
		case errors.Is(err, keyframes.ErrNoVideo), errors.Is(err, keyframes.ErrNoKeyframes):
			keys = nil
		case err != nil:
			return Timeline{}, fmt.Errorf("keyframes of %s: %w", src.Path, err)
		}
	}
	tl := NewTimeline(keys, src.Info.Duration)
	m.mu.Lock()
	m.timelines[key] = &timelineEntry{tl: tl, used: time.Now()}
	if len(m.timelines) > 1024 {
		m.dropOldTimelines()
	}
	m.mu.Unlock()
	return tl, nil
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
	tl    Timeline   // video
	audio AudioGrid  // audio
	idMu  sync.Mutex // guards key and hw, which a fallback to software changes
	hw    bool       // encoded on the GPU
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

func (r *rendition) segKey(n int) string { return r.cacheKey() + "/" + strconv.Itoa(n) + r.spec.ext() }
func (r *rendition) initKey() string     { return r.cacheKey() + "/init.mp4" }

// cacheKey and isHW read what a fallback to software changes, from any goroutine.
func (r *rendition) cacheKey() string {
	r.idMu.Lock()
	defer r.idMu.Unlock()
	return r.key
}

func (r *rendition) isHW() bool {
	r.idMu.Lock()
	defer r.idMu.Unlock()
	return r.hw
}

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

// audioRate is the sample rate an AAC rendition of a stream uses: the source's when AAC has it.
func audioRate(s core.Stream) int {
	switch s.SampleRate {
	case 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000:
		return s.SampleRate
	}
	return 48000
}
