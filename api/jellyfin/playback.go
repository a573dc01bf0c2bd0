package jellyfin

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

func (h *Handler) playbackRoutes(r *router) {
	r.add("GET", "/Items/{itemId}/PlaybackInfo", user, h.playbackInfo)
	r.add("POST", "/Items/{itemId}/PlaybackInfo", user, h.playbackInfo)

	r.add("GET", "/Videos/{itemId}/stream", media, h.videoStream)
	r.add("GET", "/Videos/{itemId}/stream.{container}", media, h.videoStream)
	r.add("GET", "/Audio/{itemId}/stream", media, h.audioStream)
	r.add("GET", "/Audio/{itemId}/stream.{container}", media, h.audioStream)
	r.add("GET", "/Audio/{itemId}/universal", media, h.universalAudio)
	r.add("GET", "/Items/{itemId}/Download", media, h.download)
	r.add("GET", "/Items/{itemId}/File", media, h.originalFile)

	for _, kind := range []string{"Videos", "Audio"} {
		r.add("GET", "/"+kind+"/{itemId}/master.m3u8", media, h.hlsMaster)
		r.add("GET", "/"+kind+"/{itemId}/main.m3u8", media, h.hlsMain)
		r.add("GET", "/"+kind+"/{itemId}/hls1/{playlistId}/{segment}", media, h.hlsSegment)
	}
	// Clients call it when they stop; the engine stops encoders nobody asks anything of by itself.
	r.add("DELETE", "/Videos/ActiveEncodings", user, noContent)

	r.add("GET", "/Videos/{itemId}/{mediaSourceId}/Subtitles/{index}/subtitles.m3u8", media, h.subtitlePlaylist)
	r.add("GET", "/Videos/{itemId}/{mediaSourceId}/Subtitles/{index}/Stream.{format}", media, h.subtitleFile)
	r.add("GET", "/Videos/{itemId}/{mediaSourceId}/Subtitles/{index}/{startPositionTicks}/Stream.{format}", media, h.subtitleFile)
}

// playbackInfoDto is Jellyfin's PlaybackInfoDto.
type playbackInfoDto struct {
	UserId                              string
	MaxStreamingBitrate                 optNum
	StartTimeTicks                      optNum
	AudioStreamIndex                    optNum
	SubtitleStreamIndex                 optNum
	MaxAudioChannels                    optNum
	MediaSourceId                       string
	DeviceProfile                       *deviceProfile
	EnableDirectPlay                    optBool
	EnableDirectStream                  optBool
	EnableTranscoding                   optBool
	AllowVideoStreamCopy                optBool
	AllowAudioStreamCopy                optBool
	AlwaysBurnInSubtitleWhenTranscoding optBool
}

// fromQuery fills what the body left out from the query parameters of the same names, which
// Jellyfin still reads (obsolete, but old clients send them).
func (in *playbackInfoDto) fromQuery(c *gin.Context) error {
	for name, n := range map[string]*optNum{"maxStreamingBitrate": &in.MaxStreamingBitrate, "startTimeTicks": &in.StartTimeTicks,
		"audioStreamIndex": &in.AudioStreamIndex, "subtitleStreamIndex": &in.SubtitleStreamIndex,
		"maxAudioChannels": &in.MaxAudioChannels} {
		if s := str(c, name); s != "" && !n.Set {
			if err := n.UnmarshalJSON([]byte(s)); err != nil {
				return core.Invalid(name, "%v", err)
			}
		}
	}
	for name, f := range map[string]*optBool{"enableDirectPlay": &in.EnableDirectPlay, "enableDirectStream": &in.EnableDirectStream,
		"enableTranscoding": &in.EnableTranscoding, "allowVideoStreamCopy": &in.AllowVideoStreamCopy,
		"allowAudioStreamCopy": &in.AllowAudioStreamCopy} {
		if b := boolean(c, name); b != nil && !f.Set {
			*f = optBool{V: *b, Set: true}
		}
	}
	if in.MediaSourceId == "" {
		in.MediaSourceId = str(c, "mediaSourceId")
	}
	return nil
}

// playbackInfoResponse is Jellyfin's PlaybackInfoResponse.
type playbackInfoResponse struct {
	MediaSources  []mediaSourceInfo
	PlaySessionId string
	ErrorCode     string `json:",omitempty"`
}

// playbackInfo answers GET and POST /Items/{itemId}/PlaybackInfo: the item's media sources and,
// when the client sent a DeviceProfile, how it plays each: SupportsDirectPlay, or an HLS
// TranscodingUrl built from core/playback's decision. Without a profile the sources come as they
// are (every Supports* true), as Jellyfin's GET does.
func (h *Handler) playbackInfo(c *gin.Context) {
	id, ok := parseID(c.Param("itemId"))
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var in playbackInfoDto
	if c.Request.Method == http.MethodPost {
		if err := bind(c, &in); err != nil {
			h.fail(c, err)
			return
		}
	}
	if err := in.fromQuery(c); err != nil {
		h.fail(c, err)
		return
	}
	var want string
	if in.MediaSourceId != "" {
		if want, ok = parseID(in.MediaSourceId); !ok {
			h.fail(c, core.Invalid("MediaSourceId", "must be a media source id"))
			return
		}
		if want == id { // Jellyfin's sources carry the item's id; a client may send it back
			want = ""
		}
	}
	ctx, item := c.Request.Context(), core.ItemID(id)
	files, err := h.Items.Files(ctx, callerOf(c), item)
	if err != nil {
		h.fail(c, err)
		return
	}
	token, err := h.urlToken(c, item)
	if err != nil {
		h.fail(c, err)
		return
	}
	viewer, ok := h.playbackUser(c, in.UserId)
	if !ok {
		return
	}
	res := playbackInfoResponse{MediaSources: []mediaSourceInfo{}, PlaySessionId: newPlaySession()}
	for _, f := range files {
		if f.ProbeError != "" || f.MissingSince != nil || f.Part > 1 || want != "" && string(f.ID) != want {
			continue
		}
		ms := toMediaSource(f, f.Version)
		if in.DeviceProfile != nil {
			h.decide(c, &ms, f, &in, viewer, item, token, res.PlaySessionId)
		} else {
			req := playback.ForFile(f)
			if viewer != nil {
				req = req.ForUser(*viewer)
			}
			setDefaultStreams(&ms, req)
			setSubtitleDelivery(&ms, f, item, token, nil, false)
		}
		res.MediaSources = append(res.MediaSources, ms)
	}
	if want != "" && len(res.MediaSources) == 0 {
		h.fail(c, core.ErrNotFound)
		return
	}
	writeJSON(c, http.StatusOK, res)
}

// playbackUser is the user whose preferences and cap a play follows: the caller, or whom an
// admin or API key names by userId (in the query or the body); nil for an API key naming nobody.
// ok is false when the answer was already written.
func (h *Handler) playbackUser(c *gin.Context, bodyUserID string) (u *core.User, ok bool) {
	raw := str(c, "userId")
	if _, ok := parseID(bodyUserID); raw == "" && ok { // a body's malformed UserId is ignored, as it always was
		raw = bodyUserID
	}
	as, ok := h.actAs(c, raw)
	if !ok || !as.IsUser() {
		return nil, ok
	}
	user, err := h.Users.Me(c.Request.Context(), as)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return &user, true
}

// setDefaultStreams sets a source's DefaultAudioStreamIndex and DefaultSubtitleStreamIndex to
// what the request plays when the client asks for nothing: the user's languages, default-track
// choice and subtitle mode (Jellyfin's MediaStreamSelector).
func setDefaultStreams(ms *mediaSourceInfo, req playback.Request) {
	audio, sub := req.DefaultStreams()
	ms.DefaultAudioStreamIndex = nil
	if audio >= 0 {
		ms.DefaultAudioStreamIndex = ptr(audio)
	}
	ms.DefaultSubtitleStreamIndex = ptr(sub)
}

// newPlaySession returns a PlaySessionId: 32 hex digits, as Jellyfin's Guid "N".
func newPlaySession() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// urlToken is the token media URLs Walros hands out carry: a media token for the item (a day
// long, bound to the caller's session), or the caller's own credential for an API key, which
// gets none.
func (h *Handler) urlToken(c *gin.Context, item core.ItemID) (string, error) {
	tok, err := h.Auth.MediaToken(callerOf(c), item)
	if err != nil {
		return "", err
	}
	if tok == "" {
		tok = authOf(c).Token
	}
	return tok, nil
}

// decide fills the playback fields of one source for the client's profile.
func (h *Handler) decide(c *gin.Context, ms *mediaSourceInfo, f core.MediaFile, in *playbackInfoDto, viewer *core.User,
	item core.ItemID, token, session string) {
	req := playback.ForFile(f)
	if in.AudioStreamIndex.Set {
		req.AudioStream = ptr(int(in.AudioStreamIndex.V))
	}
	if in.SubtitleStreamIndex.Set {
		req.SubtitleStream = ptr(int(in.SubtitleStreamIndex.V)) // -1: none
	}
	req.MaxBitrate, req.MaxAudioChannels = in.MaxStreamingBitrate.V, int(in.MaxAudioChannels.V)
	req.DisableDirectPlay = in.EnableDirectPlay.off()
	req.DisableVideoCopy, req.DisableAudioCopy = in.AllowVideoStreamCopy.off(), in.AllowAudioStreamCopy.off()
	if viewer != nil {
		req = req.ForUser(*viewer) // languages and subtitle mode fill what the client left open; the cap
	}
	setDefaultStreams(ms, req)
	// Jellyfin's StreamBuilder plays what the client asked for, else the source's defaults.
	audio, _ := req.DefaultStreams()
	caps := in.DeviceProfile.capabilities(f, &audio)
	sub := req.Subtitle()
	req.SubtitleStream = ptr(-1) // the subtitle is handled below, as Jellyfin delivers it
	d := playback.Decide(req, caps)
	// Text subtitles always travel beside the video, as WebVTT. Pictures the client reads from the
	// file it direct plays stay there; any other picture subtitle shown must be burnt in, which
	// rules out direct play and copying the video.
	burn := sub != nil && playback.ImageSubtitle(sub.Codec) && sub.External == "" &&
		(d.Method != playback.DirectPlay || !embeds(caps, sub.Codec))
	if burn && (d.Method == playback.DirectPlay || d.Method == playback.Remux) {
		req.DisableDirectPlay, req.DisableVideoCopy = true, true
		d = playback.Decide(req, caps)
	}
	reasons := d.Reasons
	if burn {
		reasons = append(reasons, playback.SubtitleCodecNotSupported)
	}
	setSubtitleDelivery(ms, f, item, token, &caps, d.Method == playback.DirectPlay)
	h.noteDecision(c, item, f, d, reasons, sub)

	ms.SupportsTranscoding = !in.EnableTranscoding.off()
	switch {
	case d.Method == playback.DirectPlay:
		ms.SupportsDirectPlay, ms.SupportsDirectStream = true, !in.EnableDirectStream.off()
		return
	case d.Method == playback.Unplayable:
		ms.SupportsDirectPlay, ms.SupportsDirectStream, ms.SupportsTranscoding = false, false, false
		return
	}
	ms.SupportsDirectPlay, ms.SupportsDirectStream = false, false
	if !ms.SupportsTranscoding {
		return
	}
	ms.TranscodingUrl, ms.TranscodingSubProtocol, ms.TranscodingContainer =
		transcodingURL(c, item, ms, d, caps.Transcode, reasons, sub, burn, token, session)
}

// transcodingURL builds the URL of a transcode the way Jellyfin's StreamInfo.ToUrl does, with its
// keys in its order: /videos/{id}/master.m3u8 (or /audio/... for music) for HLS, or
// /audio/{id}/stream.{container} for a progressive audio transcode.
func transcodingURL(c *gin.Context, itemID core.ItemID, ms *mediaSourceInfo, d playback.Decision, t playback.TranscodeTarget,
	reasons []playback.Reason, sub *core.Stream, burn bool, token, session string) (u, protocol, container string) {
	var q orderedQuery
	q.add("DeviceId", authOf(c).DeviceID)
	q.add("MediaSourceId", ms.Id)
	if d.Video != nil {
		q.add("VideoCodec", strings.Join(t.VideoCodecs, ","))
	}
	q.add("AudioCodec", strings.Join(t.AudioCodecs, ","))
	if d.Audio != nil {
		q.add("AudioStreamIndex", strconv.Itoa(d.Audio.StreamIndex))
	}
	if sub != nil {
		q.add("SubtitleStreamIndex", strconv.Itoa(sub.Index))
	}
	if v := d.Video; v != nil && !v.Copy {
		q.add("VideoBitrate", strconv.FormatInt(v.Bitrate, 10))
	}
	if a := d.Audio; a != nil && a.Bitrate > 0 && !a.Copy {
		q.add("AudioBitrate", strconv.FormatInt(a.Bitrate, 10))
	}
	if v := d.Video; v != nil && !v.Copy && v.Width > 0 {
		q.add("MaxWidth", strconv.Itoa(v.Width))
		q.add("MaxHeight", strconv.Itoa(v.Height))
	}
	item := jid(itemID)
	container = t.Container
	switch {
	case t.Protocol == "http":
		u = "/audio/" + item + "/stream." + url.PathEscape(t.Container)
		protocol = "http"
	default:
		kind := "videos"
		if d.Video == nil {
			kind = "audio"
		}
		u = "/" + kind + "/" + item + "/master.m3u8"
		protocol = "hls"
		if container == "fmp4" {
			container = "mp4" // Jellyfin's name for fMP4 segments
		}
		if d.Video != nil {
			q.add("SegmentContainer", container)
		}
	}
	q.add("PlaySessionId", session)
	q.add("ApiKey", token)
	if t.MaxAudioChannels > 0 {
		q.add("TranscodingMaxAudioChannels", strconv.Itoa(t.MaxAudioChannels))
	}
	q.add("Tag", ms.ETag)
	if burn {
		q.add("SubtitleMethod", "Encode")
	}
	if len(reasons) > 0 {
		names := make([]string, len(reasons))
		for i, r := range reasons {
			names[i] = string(r)
		}
		q.add("TranscodeReasons", strings.Join(names, ","))
	}
	if v := d.Video; v != nil && !v.Copy {
		// The master playlist decides again from the URL, which does not carry the codec limits
		// (level, profile, bit depth, range) that ruled out the copy.
		q.add("allowVideoStreamCopy", "false")
	}
	return u + "?" + q.encode(), protocol, container
}

// orderedQuery is a query string that keeps its keys in order, as Jellyfin writes them.
type orderedQuery []string

func (p *orderedQuery) add(k, v string) {
	if v != "" {
		*p = append(*p, k, v)
	}
}

func (p orderedQuery) encode() string {
	var b strings.Builder
	for i := 0; i+1 < len(p); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[i]))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p[i+1]), "%2C", ",")) // codec lists as Jellyfin writes them
	}
	return b.String()
}

// subtitleByIndex returns the subtitle stream of that index, or nil.
func subtitleByIndex(info core.MediaInfo, index int) *core.Stream {
	for i, s := range info.Streams {
		if s.Index == index && s.Kind == core.StreamSubtitle {
			return &info.Streams[i]
		}
	}
	return nil
}

// embeds reports whether the client reads subtitles of this codec from the file it plays.
func embeds(caps playback.Capabilities, codec string) bool {
	if !caps.EmbeddedSubtitles {
		return false
	}
	return slices.Contains(caps.SubtitleFormats, playback.SubtitleFormat(codec))
}

// setSubtitleDelivery says how each subtitle stream of a source reaches the client: text ones as
// files (External, with a DeliveryUrl: WebVTT, or SubRip for a client that draws SubRip and not
// WebVTT, like Findroid), embedded ones the client reads inside a file it direct plays as Embed,
// embedded pictures otherwise burnt in (Encode). caps is nil without a device profile.
func setSubtitleDelivery(ms *mediaSourceInfo, f core.MediaFile, item core.ItemID, token string, caps *playback.Capabilities, directPlay bool) {
	format := "vtt"
	if caps != nil && !slices.Contains(caps.SubtitleFormats, "vtt") && slices.Contains(caps.SubtitleFormats, "srt") {
		format = "srt"
	}
	for i := range ms.MediaStreams {
		m := &ms.MediaStreams[i]
		if m.Type != "Subtitle" {
			continue
		}
		s := subtitleByIndex(f.Info, m.Index)
		if s == nil {
			continue
		}
		switch {
		case caps != nil && directPlay && s.External == "" && embeds(*caps, s.Codec):
			m.DeliveryMethod = "Embed"
		case !playback.ImageSubtitle(s.Codec):
			m.DeliveryMethod = "External"
			m.DeliveryUrl = "/Videos/" + jid(item) + "/" + ms.Id + "/Subtitles/" + strconv.Itoa(s.Index) +
				"/0/Stream." + format + "?ApiKey=" + url.QueryEscape(token)
			m.IsExternalUrl = ptr(false)
		case s.External == "":
			m.DeliveryMethod = "Encode"
		}
	}
}
