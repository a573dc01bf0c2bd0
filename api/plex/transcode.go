package plex

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
	"github.com/walros/walros/transcoder/hls"
)

// Plex's universal transcoder over Walros's HLS engine. start.m3u8 plans the stream with
// core/playback (H.264 in MPEG-TS with AAC, the video copied when directStream allows it and the
// client's limits do), keeps the plan under the play session's id and answers a master playlist
// pointing at session/{id}/base/index.m3u8, whose segments are 00000.ts, 00001.ts... as Plex names
// them. The playlists' URIs carry a media token: players fetch them without headers. Segments are
// the engine's, shared by every viewer of the same rendition.

func (h *Handler) transcodeRoutes(r *router) {
	const base = "/video/:/transcode/universal"
	r.add(http.MethodGet, base+"/decision", false, h.decision)
	r.add(http.MethodGet, base+"/start.m3u8", false, h.startTranscode)
	r.add(http.MethodGet, base+"/session/{session}/base/index.m3u8", true, h.sessionPlaylist)
	r.add(http.MethodGet, base+"/session/{session}/base/{segment}", true, h.sessionSegment)
	r.add(http.MethodGet, base+"/stop", false, h.stop)
	r.add(http.MethodGet, base+"/ping", false, h.ping)
}

// tcSession is one play session's stream. Its playlists and segments are fetched with its secret
// (a capability: players fetch them without headers), never with the starter's credential.
type tcSession struct {
	user   core.UserID // "" for an API key
	file   core.MediaFile
	spec   hls.Spec
	secret string
	used   time.Time
}

// tcSessions are the live play sessions, bounded: the oldest goes when there are too many, and
// any goes after a day unused.
type tcSessions struct {
	mu sync.Mutex
	m  map[string]*tcSession
}

const (
	maxSessions        = 1024
	maxSessionsPerUser = 16
	sessionIdle        = 24 * time.Hour
)

func (s *tcSessions) get(id string) (*tcSession, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[id]
	if !ok || time.Since(e.used) > sessionIdle {
		return nil, false
	}
	e.used = time.Now()
	return e, true
}

// put keeps e under id unless another user's session holds it; it returns the id used. A user
// starting more than maxSessionsPerUser sessions loses their own oldest one; when the server is
// full, the oldest session of all goes. Sessions unused for sessionIdle are dropped here.
func (s *tcSessions) put(id string, e *tcSession) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*tcSession{}
	}
	now := time.Now()
	mine := 0
	for k, v := range s.m {
		switch {
		case now.Sub(v.used) > sessionIdle:
			delete(s.m, k)
		case v.user == e.user && k != id:
			mine++
		}
	}
	if old, ok := s.m[id]; ok && old.user != e.user || id == "" {
		id = randomID()
	}
	if mine >= maxSessionsPerUser {
		s.evict(func(v *tcSession) bool { return v.user == e.user })
	} else if len(s.m) >= maxSessions {
		s.evict(func(*tcSession) bool { return true })
	}
	e.used = now
	s.m[id] = e
	return id
}

// evict drops the least recently used session that match accepts; s.mu is held.
func (s *tcSessions) evict(match func(*tcSession) bool) {
	var oldest string
	for k, v := range s.m {
		if match(v) && (oldest == "" || v.used.Before(s.m[oldest].used)) {
			oldest = k
		}
	}
	delete(s.m, oldest)
}

func (s *tcSessions) drop(id string, user core.UserID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[id]; ok && e.user == user {
		delete(s.m, id)
	}
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// sessionID is the play session a client names: session, transcodeSessionId or
// X-Plex-Session-Identifier (query or header); "" when none or malformed.
func sessionID(c *gin.Context) string {
	for _, name := range []string{"session", "transcodeSessionId", "X-Plex-Session-Identifier"} {
		v := c.Query(name)
		if v == "" {
			v = c.GetHeader(name)
		}
		if v != "" && sessionIDPattern.MatchString(v) {
			return v
		}
	}
	return ""
}

// transcodeFile finds the file a transcode request plays: path=/library/metadata/{key}, the
// mediaIndex-th version and its partIndex-th part.
func (h *Handler) transcodeFile(c *gin.Context) (core.Item, core.MediaFile, bool) {
	key, err := strconv.ParseInt(strings.TrimPrefix(c.Query("path"), "/library/metadata/"), 10, 64)
	if err != nil {
		fail(c, http.StatusBadRequest)
		return core.Item{}, core.MediaFile{}, false
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	it, err := h.Items.GetByKey(ctx, caller, key)
	if err != nil {
		h.fail(c, err)
		return core.Item{}, core.MediaFile{}, false
	}
	b, err := h.Items.Batch(ctx, caller, []core.Item{it}, core.BatchParts{Files: true})
	if err != nil {
		h.fail(c, err)
		return core.Item{}, core.MediaFile{}, false
	}
	mediaIndex, _ := strconv.Atoi(c.DefaultQuery("mediaIndex", "0"))
	partIndex, _ := strconv.Atoi(c.DefaultQuery("partIndex", "0"))
	versions := mediaVersions(b.Files[it.ID])
	if mediaIndex < 0 || mediaIndex >= len(versions) || partIndex < 0 || partIndex >= len(versions[mediaIndex]) {
		fail(c, http.StatusNotFound)
		return core.Item{}, core.MediaFile{}, false
	}
	return it, versions[mediaIndex][partIndex], true
}

// transcodeSpec plans the HLS rendition of f for the request: directStream=0 forbids copying the
// video, videoResolution=WxH and maxVideoBitrate (kb/s) bound it.
func (h *Handler) transcodeSpec(c *gin.Context, f core.MediaFile) (hls.Spec, playback.Decision, bool) {
	if h.Streams == nil {
		fail(c, http.StatusServiceUnavailable)
		return hls.Spec{}, playback.Decision{}, false
	}
	var maxW, maxH int
	if r := c.Query("videoResolution"); r != "" {
		w, hgt, ok := strings.Cut(r, "x")
		var err1, err2 error
		maxW, err1 = strconv.Atoi(w)
		maxH, err2 = strconv.Atoi(hgt)
		if !ok || err1 != nil || err2 != nil || maxW <= 0 || maxH <= 0 {
			fail(c, http.StatusBadRequest)
			return hls.Spec{}, playback.Decision{}, false
		}
	}
	req := playback.ForFile(f)
	req.DisableDirectPlay, req.DisableAudioCopy = true, true
	req.DisableVideoCopy = c.Query("directStream") == "0"
	if v := c.Query("maxVideoBitrate"); v != "" {
		kbps, err := strconv.ParseInt(v, 10, 64)
		if err != nil || kbps <= 0 {
			fail(c, http.StatusBadRequest)
			return hls.Spec{}, playback.Decision{}, false
		}
		req.MaxBitrate = max(kbps, 64) * 1000
	}
	if v := c.Query("audioStreamID"); v != "" { // Plex's stream id: the part's key × 1000 + position
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id/1000 == f.Key && int(id%1000) < len(f.Info.Streams) {
			req.AudioStream = &f.Info.Streams[id%1000].Index
		}
	}
	if caller := callerOf(c); caller.IsUser() { // the user's audio language and bitrate cap
		u, err := h.Users.Me(c.Request.Context(), caller)
		if err != nil {
			h.fail(c, err)
			return hls.Spec{}, playback.Decision{}, false
		}
		none := -1 // Plex clients pick subtitles themselves; nothing is burnt in here
		req = req.ForUser(u)
		req.SubtitleStream = &none
	}
	caps := playback.Capabilities{
		Video:     map[string]playback.VideoLimits{"h264": {Interlaced: true, MaxWidth: maxW, MaxHeight: maxH}},
		Transcode: playback.TranscodeTarget{Protocol: "hls", Container: "ts", VideoCodecs: []string{"h264"}, AudioCodecs: []string{"aac"}, MaxAudioChannels: 2},
	}
	ctx, src := c.Request.Context(), mediaserve.HLSSource(f)
	tl, err := h.Streams.Timeline(ctx, src)
	if err != nil {
		h.fail(c, err)
		return hls.Spec{}, playback.Decision{}, false
	}
	d := playback.Decide(req, caps)
	if d.Video == nil {
		// Audio alone goes as the engine's fMP4 audio rendition.
		if d.Audio == nil {
			h.fail(c, fmt.Errorf("file %s has no audio or video: %w", f.ID, core.ErrNotFound))
			return hls.Spec{}, playback.Decision{}, false
		}
		return hls.Spec{Kind: hls.Audio, Stream: d.Audio.StreamIndex, Channels: min(max(d.Audio.Channels, 1), 2), Bitrate: 192_000}, d, true
	}
	spec := func(d playback.Decision) hls.Spec {
		s := hls.Spec{Kind: hls.Video, TS: d.Audio != nil}
		if d.Video.Copy {
			s.Copy = true
		} else {
			s.Width, s.Height = d.Video.Width, d.Video.Height
			s.Bitrate = min(max(d.Video.Bitrate, 100_000), 200_000_000) / 1000 * 1000
		}
		if a := d.Audio; a != nil {
			s.Stream, s.Channels, s.AudioBitrate = a.StreamIndex, min(max(a.Channels, 1), 2), 192_000
		}
		return s
	}
	s := spec(d)
	if err := h.Streams.Check(src, tl, s); err != nil {
		if !d.Video.Copy {
			h.fail(c, err)
			return hls.Spec{}, playback.Decision{}, false
		}
		req.DisableVideoCopy = true // the engine cannot cut or carry this copy: encode
		d = playback.Decide(req, caps)
		if s = spec(d); h.Streams.Check(src, tl, s) != nil {
			h.fail(c, err)
			return hls.Spec{}, playback.Decision{}, false
		}
	}
	return s, d, true
}

// startTranscode answers the master playlist of a new (or renewed) play session.
func (h *Handler) startTranscode(c *gin.Context) {
	if p := c.DefaultQuery("protocol", "hls"); p != "hls" {
		fail(c, http.StatusBadRequest) // DASH and progressive streams are not offered yet
		return
	}
	_, f, ok := h.transcodeFile(c)
	if !ok {
		return
	}
	spec, _, ok := h.transcodeSpec(c, f)
	if !ok {
		return
	}
	secret := randomID()
	id := h.sessions.put(sessionID(c), &tcSession{user: callerOf(c).UserID, file: f, spec: spec, secret: secret})
	uri := "session/" + id + "/base/index.m3u8?k=" + secret
	videos := []hls.Spec{spec}
	var audios []hls.AudioTrack
	if spec.Kind == hls.Audio {
		videos, audios = nil, []hls.AudioTrack{{Spec: spec, Name: "Audio", Default: true}}
	}
	body, err := h.Streams.Master(c.Request.Context(), mediaserve.HLSSource(f), videos, audios, nil, func(hls.Spec) string { return uri })
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
}

// session finds the play session of a session route and checks the request: the session's secret
// (k=, as the playlists give it) or a credential of the session's user, who must still be active
// and see the item's library.
func (h *Handler) session(c *gin.Context) (*tcSession, bool) {
	e, ok := h.sessions.get(c.Param("session"))
	if !ok {
		fail(c, http.StatusNotFound)
		return nil, false
	}
	if k := c.Query("k"); k == "" || subtle.ConstantTimeCompare([]byte(k), []byte(e.secret)) != 1 {
		caller, err := h.Auth.Authenticate(c.Request.Context(), plexToken(c), c.ClientIP())
		if err != nil {
			h.fail(c, err)
			return nil, false
		}
		if caller.UserID != e.user {
			fail(c, http.StatusNotFound)
			return nil, false
		}
	}
	caller := core.Caller{Admin: true, AllLibraries: true} // an API key's session
	if e.user != "" {
		u, err := h.Users.Me(c.Request.Context(), core.Caller{UserID: e.user})
		if err != nil || u.Disabled {
			fail(c, http.StatusNotFound)
			return nil, false
		}
		caller = core.CallerOf(u, "")
	}
	if !caller.CanSee(e.file.LibraryID) { // a grant withdrawn since the session started
		fail(c, http.StatusNotFound)
		return nil, false
	}
	c.Set(callerKey, caller)
	return e, true
}

func (h *Handler) sessionPlaylist(c *gin.Context) {
	e, ok := h.session(c)
	if !ok {
		return
	}
	q := "?k=" + e.secret
	body, err := h.Streams.MediaPlaylist(c.Request.Context(), mediaserve.HLSSource(e.file), e.spec, func(name string) string {
		if n, ok := strings.CutSuffix(name, ".ts"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				name = fmt.Sprintf("%05d.ts", i)
			}
		} else if name == "init.mp4" {
			name = "header"
		}
		return name + q
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", body)
}

// sessionSegment serves 00000.ts... (or N.m4s and header, the init segment, for audio alone).
func (h *Handler) sessionSegment(c *gin.Context) {
	e, ok := h.session(c)
	if !ok {
		return
	}
	ctx, src, user := c.Request.Context(), mediaserve.HLSSource(e.file), string(e.user)
	name := c.Param("segment")
	if name == "header" && !e.spec.TS {
		file, fi, err := h.Streams.Init(ctx, src, e.spec, user)
		if err != nil {
			h.fail(c, err)
			return
		}
		mediaserve.Segment(c, file, fi)
		return
	}
	base, ext, _ := strings.Cut(name, ".")
	n, err := strconv.Atoi(base)
	if err != nil || n < 0 || e.spec.TS != (ext == "ts") || !e.spec.TS && ext != "m4s" {
		fail(c, http.StatusNotFound)
		return
	}
	file, fi, err := h.Streams.Segment(ctx, src, e.spec, n, user)
	if err != nil {
		h.fail(c, err)
		return
	}
	if e.spec.TS {
		c.Header("Content-Type", "video/mp2t")
	}
	mediaserve.Segment(c, file, fi)
}

// decision tells a client how the item will play: Walros always streams through the transcoder
// here (a client that can direct play fetches the part itself).
func (h *Handler) decision(c *gin.Context) {
	it, f, ok := h.transcodeFile(c)
	if !ok {
		return
	}
	spec, d, ok := h.transcodeSpec(c, f)
	if !ok {
		return
	}
	media := newNode("Media").set("id", f.Key).set("container", "mpegts").set("protocol", "hls").set("selected", true)
	if !spec.TS {
		media.set("container", "mp4")
	}
	part := newNode("Part").set("id", f.Key).set("container", "mpegts").set("protocol", "hls").set("decision", "transcode").set("selected", true)
	if v := d.Video; v != nil {
		media.set("videoCodec", "h264").set("width", v.Width).set("height", v.Height).set("videoResolution", resolution(v.Height))
		decision := "transcode"
		if v.Copy {
			decision = "copy"
		}
		part.add(newNode("Stream").set("id", f.Key*1000+int64(streamPos(f, v.StreamIndex))).set("streamType", 1).
			set("codec", "h264").set("decision", decision).set("location", "segments-video"))
	}
	if a := d.Audio; a != nil {
		media.set("audioCodec", "aac").set("audioChannels", min(max(a.Channels, 1), 2))
		part.add(newNode("Stream").set("id", f.Key*1000+int64(streamPos(f, a.StreamIndex))).set("streamType", 2).
			set("codec", "aac").set("decision", "transcode").set("location", "segments-audio").set("selected", true))
	}
	media.add(part)
	ki := kinds[it.Kind]
	mc := mediaContainer().set("size", 1).set("allowSync", false).
		set("generalDecisionCode", 1001).set("generalDecisionText", "Direct play not available; Conversion OK.").
		set("directPlayDecisionCode", 3000).set("directPlayDecisionText", "App cannot direct play this item. Direct play is disabled.").
		set("transcodeDecisionCode", 1001).set("transcodeDecisionText", "Direct play not available; Conversion OK.")
	mc.add(item(ki.tag).set("ratingKey", strconv.FormatInt(it.Key, 10)).set("key", metadataKey(it)).set("type", ki.typ).
		set("title", it.Title).add(media))
	write(c, mc)
}

// streamPos is the position in f's streams of the stream with container index idx.
func streamPos(f core.MediaFile, idx int) int {
	for i, s := range f.Info.Streams {
		if s.Index == idx {
			return i
		}
	}
	return 0
}

func (h *Handler) stop(c *gin.Context) {
	h.sessions.drop(sessionID(c), callerOf(c).UserID)
	c.Status(http.StatusOK)
}

func (h *Handler) ping(c *gin.Context) {
	if e, ok := h.sessions.get(sessionID(c)); !ok || e.user != callerOf(c).UserID {
		fail(c, http.StatusNotFound)
		return
	}
	c.Status(http.StatusOK)
}
