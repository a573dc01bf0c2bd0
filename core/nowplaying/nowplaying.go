// Package nowplaying keeps what every client plays right now, whichever API it reports through:
// the native progress reports, Jellyfin's /Sessions/Playing family and Plex's /:/timeline. It is
// memory only, as Jellyfin and Plex keep theirs: a restart forgets it, and clients report again
// within seconds.
package nowplaying

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// DefaultTimeout is how long a playback may go without a report before it no longer counts:
// players that crash or lose the network never send their stop. Five minutes is the Jellyfin
// facade's idle limit (its clients report every 10 s while playing, and jellyfin-web keeps
// reporting while paused); the web client reports once a minute while paused, so a long pause
// keeps its entry.
const DefaultTimeout = 5 * time.Minute

// maxEntries bounds the registry: a client decides how often it starts something. When it is
// full, the entries that reported least recently go first, a tenth of them at once.
const maxEntries = 10_000

// Transcode is what the server sends a player that does not get the original file: the reasons
// and the target, as the playback decision gave them. A zero field is unknown.
type Transcode struct {
	Reasons    []string
	Protocol   string // "hls", "dash", "http"
	Container  string // "fmp4", "ts"
	VideoCodec string // the target's; with VideoCopy, the source's
	VideoCopy  bool
	Width      int
	Height     int
	Bitrate    int64 // video bits per second
	AudioCodec string
	AudioCopy  bool
	Channels   int
}

// Playback is one client's current play.
type Playback struct {
	// Key says who plays: the core session id when the client has one, else a facade's own key
	// (Plex players without a session: user and client identifier).
	Key     string
	Session core.SessionID // "" when the key is not a session
	User    core.UserID
	// API is the facade the client reports through: "native", "jellyfin" or "plex".
	API                      string
	DeviceID, Device, Client string // empty when the facade does not know; readers fill them from the session
	Item                     core.Item
	File                     core.FileID
	Position                 time.Duration
	Paused                   bool
	Method                   core.PlayMethod // "" when the client did not say
	Transcode                *Transcode      // nil for direct play and when unknown
	AudioStream              *int
	SubtitleStream           *int
	Started                  time.Time // when this item began playing in this session
	CheckIn                  time.Time // the last report
}

// decision is a playback decision the server made for a key, which the key's next reports of
// that item take their transcode details from.
type decision struct {
	item       core.ItemID
	file       core.FileID
	method     core.PlayMethod
	transcode  *Transcode
	audio, sub *int
	at         time.Time
}

// Registry holds the current playbacks. Its methods are safe for concurrent use, and a nil
// *Registry does nothing (and lists nothing), for facades built without one.
type Registry struct {
	// Timeout is how long an entry lives without a report; DefaultTimeout when zero.
	Timeout time.Duration
	// Now returns the time; time.Now when nil (tests set it).
	Now func() time.Time

	mu        sync.Mutex
	m         map[string]*Playback
	decisions map[string]decision
	expired   time.Time // when expire last ran
}

// New returns an empty registry with the given timeout (DefaultTimeout when 0).
func New(timeout time.Duration) *Registry {
	return &Registry{Timeout: timeout}
}

func (r *Registry) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Registry) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return DefaultTimeout
}

// Report records a progress report: p replaces the key's entry, keeping what p leaves out
// (method, transcode, file, streams, device names) from the entry before when it plays the
// same item, and its start time. A transcode the server decided for this key and item
// (Decided) fills p's when p has none.
func (r *Registry) Report(p Playback) {
	if r == nil || p.Key == "" || p.Item.ID == "" {
		return
	}
	now := r.now()
	p.CheckIn = now
	p.Item = slim(p.Item)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*Playback{}
	}
	prev := r.m[p.Key]
	if prev != nil && prev.Item.ID == p.Item.ID {
		p.Started = prev.Started
		if p.Method == "" {
			p.Method = prev.Method
		}
		if p.Transcode == nil && p.Method == prev.Method {
			p.Transcode = prev.Transcode
		}
		if p.File == "" {
			p.File = prev.File
		}
		p.AudioStream, p.SubtitleStream = orPtr(p.AudioStream, prev.AudioStream), orPtr(p.SubtitleStream, prev.SubtitleStream)
		p.DeviceID, p.Device, p.Client = or(p.DeviceID, prev.DeviceID), or(p.Device, prev.Device), or(p.Client, prev.Client)
	} else {
		p.Started = now
	}
	if d, ok := r.decisions[p.Key]; ok && d.item == p.Item.ID && now.Sub(d.at) <= r.timeout() {
		r.apply(&p, d)
	}
	if prev == nil {
		if now.Sub(r.expired) >= time.Second || len(r.m) >= maxEntries {
			r.expire(now)
		}
		if len(r.m) >= maxEntries {
			r.evict(maxEntries * 9 / 10)
		}
	}
	r.m[p.Key] = &p
}

// apply fills p with a decision's details where they agree: direct play or not, when p says, and
// the file. Within "not direct" the decision's method wins: Jellyfin clients report any stream of
// the transcoding URL as Transcode, copied video or not.
func (r *Registry) apply(p *Playback, d decision) {
	if p.Method != "" && (p.Method == core.PlayDirect) != (d.method == core.PlayDirect) {
		return
	}
	if p.File != "" && d.file != "" && p.File != d.file {
		return
	}
	p.Method, p.File = d.method, or(p.File, d.file)
	if p.Transcode == nil {
		p.Transcode = d.transcode
	}
	p.AudioStream, p.SubtitleStream = orPtr(p.AudioStream, d.audio), orPtr(p.SubtitleStream, d.sub)
}

// Decided records the playback decision the server made for a key's play of an item: clients
// that only say "transcode" get the reasons and the target from it. It also updates the key's
// entry at once when it plays that item, as a player switching quality asks for a new decision.
func (r *Registry) Decided(key string, item core.ItemID, file core.FileID, method core.PlayMethod, t *Transcode, audio, sub *int) {
	if r == nil || key == "" || item == "" {
		return
	}
	now := r.now()
	d := decision{item: item, file: file, method: method, transcode: t, audio: audio, sub: sub, at: now}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.decisions == nil {
		r.decisions = map[string]decision{}
	}
	if _, ok := r.decisions[key]; !ok && len(r.decisions) >= maxEntries {
		for k, o := range r.decisions {
			if now.Sub(o.at) > r.timeout() {
				delete(r.decisions, k)
			}
		}
		if len(r.decisions) >= maxEntries {
			return
		}
	}
	r.decisions[key] = d
	if p := r.m[key]; p != nil && p.Item.ID == item {
		p.Method, p.Transcode, p.File = "", nil, ""
		r.apply(p, d)
	}
}

// Touch marks the key's entry as alive without changing it (Jellyfin's /Sessions/Playing/Ping).
func (r *Registry) Touch(key string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.m[key]; p != nil {
		p.CheckIn = r.now()
	}
}

// Stop ends the key's playback of item (of whatever it plays when item is ""), and forgets the
// decision made for it.
func (r *Registry) Stop(key string, item core.ItemID) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.m[key]; p != nil && (item == "" || p.Item.ID == item) {
		delete(r.m, key)
	}
	if d, ok := r.decisions[key]; ok && (item == "" || d.item == item) {
		delete(r.decisions, key)
	}
}

// Get returns the key's current playback. Its Transcode is shared: read it, never change it.
func (r *Registry) Get(key string) (Playback, bool) {
	if r == nil {
		return Playback{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.m[key]
	if p == nil || r.now().Sub(p.CheckIn) > r.timeout() {
		return Playback{}, false
	}
	return *p, true
}

// List returns the current playbacks, the longest playing first, forgetting those gone quiet.
func (r *Registry) List() []Playback {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	r.expire(r.now())
	out := make([]Playback, 0, len(r.m))
	for _, p := range r.m {
		out = append(out, *p)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b Playback) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// expire forgets entries and decisions quiet for longer than the timeout; r.mu must be held.
func (r *Registry) expire(now time.Time) {
	r.expired = now
	for k, p := range r.m {
		if now.Sub(p.CheckIn) > r.timeout() {
			delete(r.m, k)
		}
	}
	for k, d := range r.decisions {
		if now.Sub(d.at) > r.timeout() {
			delete(r.decisions, k)
		}
	}
}

// evict forgets the entries that reported least recently until at most keep remain; r.mu must
// be held.
func (r *Registry) evict(keep int) {
	ps := make([]*Playback, 0, len(r.m))
	for _, p := range r.m {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Playback) int { return a.CheckIn.Compare(b.CheckIn) })
	for _, p := range ps[:max(len(ps)-keep, 0)] {
		delete(r.m, p.Key)
	}
}

// slim keeps of an item what a now-playing list shows, not its overview, path or provider ids.
func slim(it core.Item) core.Item {
	return core.Item{ID: it.ID, Key: it.Key, Kind: it.Kind, Title: it.Title, Year: it.Year, LibraryID: it.LibraryID,
		ParentID: it.ParentID, IndexNumber: it.IndexNumber, ParentIndex: it.ParentIndex, Runtime: it.Runtime,
		RatingLevel: it.RatingLevel, ParentalTags: it.ParentalTags}
}

func or[S ~string](s, def S) S {
	if s == "" {
		return def
	}
	return s
}

func orPtr[T any](p, def *T) *T {
	if p == nil {
		return def
	}
	return p
}

// FromDecision returns the play method of a playback decision and, unless it is direct play, the
// transcode it describes; ok is false for an unplayable file. reasons replace the decision's
// when not nil (a facade may add its own, as Jellyfin does for burnt-in subtitles).
func FromDecision(d playback.Decision, reasons []playback.Reason) (method core.PlayMethod, t *Transcode, ok bool) {
	switch d.Method {
	case playback.DirectPlay:
		return core.PlayDirect, nil, true
	case playback.Remux:
		method = core.PlayRemux
	case playback.Transcode:
		method = core.PlayTranscode
	default:
		return "", nil, false
	}
	if reasons == nil {
		reasons = d.Reasons
	}
	t = &Transcode{Reasons: make([]string, len(reasons)), Protocol: d.Protocol, Container: d.Container}
	for i, r := range reasons {
		t.Reasons[i] = string(r)
	}
	if v := d.Video; v != nil {
		t.VideoCodec, t.VideoCopy, t.Width, t.Height, t.Bitrate = v.Codec, v.Copy, v.Width, v.Height, v.Bitrate
	}
	if a := d.Audio; a != nil {
		t.AudioCodec, t.AudioCopy, t.Channels = a.Codec, a.Copy, a.Channels
	}
	return method, t, true
}
