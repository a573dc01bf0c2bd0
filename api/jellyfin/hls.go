package jellyfin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
	"github.com/walros/walros/transcoder/hls"
)

// Jellyfin's HLS routes over Walros's engine. The URLs keep Jellyfin's shape, so clients that
// rewrite or log them are not surprised: master.m3u8 offers main.m3u8 with the same query (plus
// Rendition=<id> for the audio rendition of fMP4 streams), and main.m3u8 lists
// hls1/<rendition>/<n>.ts|mp4 with the same query, -1.mp4 being the fMP4 init segment. Every URI
// keeps the query with its ApiKey: hls.js, ExoPlayer and ffmpeg fetch them without headers.
// Segments are cut on the engine's timeline and shared by every viewer; the engine stops the
// encoders nobody asks anything of, so nothing here tracks play sessions.

// pathItem is the item of a media route, in core's form (dispatch checked it).
func pathItem(c *gin.Context) core.ItemID {
	id, _ := parseID(c.Param("itemId"))
	return core.ItemID(id)
}

// audioRoute reports whether the request came under /Audio/: audio-only HLS.
func audioRoute(c *gin.Context) bool {
	return strings.HasPrefix(strings.ToLower(routeOf(c)), "/audio/")
}

// hlsQuery is what a playlist request says, read as Jellyfin's DynamicHlsController reads it.
type hlsQuery struct {
	ts                bool
	videoCodecs       []string
	audioStream       *int
	subtitle          *int
	subtitleMethod    string
	maxWidth          int
	maxHeight         int
	videoBitrate      int64
	audioBitrate      int64
	maxBitrate        int64
	maxChannels       int
	noVideoCopy       bool
	burnAlways        bool
	subtitlesInMaster bool
}

// readHLSQuery reads the query; malformed numbers are a client's mistake: 400.
func readHLSQuery(c *gin.Context) (hlsQuery, error) {
	var q hlsQuery
	switch strings.ToLower(str(c, "segmentContainer")) {
	case "", "ts", "mpegts":
		q.ts = true // Jellyfin's default
	case "mp4", "fmp4", "m4s":
	default:
		return q, core.Invalid("SegmentContainer", "must be ts or mp4")
	}
	num := func(name string) (int64, error) {
		s := str(c, name)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 && name != "subtitleStreamIndex" && name != "audioStreamIndex" {
			return 0, core.Invalid(name, "must be a number")
		}
		return n, nil
	}
	var err error
	read := func(name string, into func(int64)) {
		if err != nil {
			return
		}
		var n int64
		if n, err = num(name); err == nil && str(c, name) != "" {
			into(n)
		}
	}
	read("audioStreamIndex", func(n int64) { q.audioStream = ptr(int(n)) })
	read("subtitleStreamIndex", func(n int64) {
		if n >= 0 {
			q.subtitle = ptr(int(n))
		}
	})
	read("maxWidth", func(n int64) { q.maxWidth = int(n) })
	read("width", func(n int64) { q.maxWidth = minPositive(q.maxWidth, int(n)) })
	read("maxHeight", func(n int64) { q.maxHeight = int(n) })
	read("height", func(n int64) { q.maxHeight = minPositive(q.maxHeight, int(n)) })
	read("videoBitrate", func(n int64) { q.videoBitrate = n })
	read("audioBitrate", func(n int64) { q.audioBitrate = n })
	read("maxStreamingBitrate", func(n int64) { q.maxBitrate = n })
	for _, name := range []string{"transcodingMaxAudioChannels", "maxAudioChannels", "audioChannels"} {
		read(name, func(n int64) { q.maxChannels = minPositive(q.maxChannels, int(n)) })
	}
	if err != nil {
		return q, err
	}
	q.videoCodecs = list(c, "videoCodec")
	q.subtitleMethod = strings.ToLower(str(c, "subtitleMethod"))
	if b := boolean(c, "allowVideoStreamCopy"); b != nil && !*b {
		q.noVideoCopy = true
	}
	if b := boolean(c, "enableAutoStreamCopy"); b != nil && !*b {
		q.noVideoCopy = true
	}
	if b := boolean(c, "alwaysBurnInSubtitleWhenTranscoding"); b != nil && *b {
		q.burnAlways = true
	}
	if b := boolean(c, "enableSubtitlesInManifest"); b != nil && *b {
		q.subtitlesInMaster = true
	}
	return q, nil
}

// hlsPlan is what a master playlist offers: one video variant (Jellyfin offers one too) and the
// audio rendition beside it, or the audio alone.
type hlsPlan struct {
	video *hls.Spec
	audio *hls.AudioTrack // nil with MPEG-TS video, whose segments carry the audio
	subs  []hls.SubtitleTrack
}

// plan decides the renditions for a query through core/playback: the video copied when the
// client lists its codec and nothing rules it out, else encoded to H.264 within the size and
// bitrate asked; the audio track encoded to AAC (the engine copies no audio).
func (h *Handler) plan(c *gin.Context, f core.MediaFile, audioOnly bool) (hlsPlan, bool) {
	q, err := readHLSQuery(c)
	if err != nil {
		h.fail(c, err)
		return hlsPlan{}, false
	}
	if h.Streams == nil {
		h.fail(c, fmt.Errorf("no streaming engine: %w", core.ErrNotFound))
		return hlsPlan{}, false
	}
	video := firstVideo(f.Info)
	if audioOnly {
		video = nil
	}
	if video == nil {
		q.ts = false // the engine's audio renditions are fMP4
	}
	var burn int
	if s := q.subtitle; s != nil && (q.subtitleMethod == "encode" || q.burnAlways) && video != nil {
		st := subtitleByIndex(f.Info, *s)
		if st == nil {
			h.fail(c, core.Invalid("SubtitleStreamIndex", "must be the index of a subtitle stream"))
			return hlsPlan{}, false
		}
		// The engine draws picture subtitles; text ones went to the client as files (PlaybackInfo
		// gave them a DeliveryUrl), so they are not drawn again.
		if playback.ImageSubtitle(st.Codec) && st.External == "" {
			burn = st.Index
		}
	}

	caps := playback.Capabilities{Video: map[string]playback.VideoLimits{}}
	target := playback.TranscodeTarget{Protocol: "hls", Container: "fmp4", VideoCodecs: []string{"h264"},
		AudioCodecs: []string{"aac"}, MaxAudioChannels: q.maxChannels}
	if target.MaxAudioChannels == 0 {
		target.MaxAudioChannels = 2
	}
	if q.ts {
		target.Container = "ts"
	}
	for _, vc := range q.videoCodecs {
		if vc = playback.Codec(vc); vc != "h264" {
			target.VideoCodecs = append(target.VideoCodecs, vc)
		}
	}
	for _, vc := range target.VideoCodecs {
		caps.Video[vc] = playback.VideoLimits{HDR: allHDR, Interlaced: true, MaxWidth: q.maxWidth, MaxHeight: q.maxHeight}
	}
	caps.Transcode = target
	req := playback.ForFile(f)
	req.AudioStream = q.audioStream
	req.DisableDirectPlay, req.DisableAudioCopy = true, true
	req.DisableVideoCopy = q.noVideoCopy || burn > 0
	var capped bool
	if req.MaxBitrate, capped = h.capBitrate(c, q.maxBitrate); !capped {
		return hlsPlan{}, false
	}
	if q.videoBitrate > 0 {
		audioRate := q.audioBitrate
		if audioRate == 0 {
			audioRate = 192_000
		}
		req.MaxBitrate = minPositive64(req.MaxBitrate, q.videoBitrate+audioRate)
	}
	if audioOnly {
		req.Info.Streams = withoutVideo(f.Info.Streams)
	}

	ctx, src := c.Request.Context(), mediaserve.HLSSource(f)
	tl, err := h.Streams.Timeline(ctx, src)
	if err != nil {
		h.fail(c, err)
		return hlsPlan{}, false
	}
	d := playback.Decide(req, caps)
	if d.Method == playback.Unplayable {
		h.fail(c, fmt.Errorf("file %s has no audio or video: %w", f.ID, core.ErrNotFound))
		return hlsPlan{}, false
	}
	var p hlsPlan
	var aspec hls.Spec
	if a := d.Audio; a != nil {
		src := chosenAudio(f.Info, &a.StreamIndex)
		ch := max(a.Channels, 1)
		if src != nil && src.Channels > 0 {
			ch = min(ch, src.Channels)
		}
		rate := a.Bitrate
		if q.audioBitrate > 0 {
			rate = q.audioBitrate
		}
		if rate == 0 {
			rate = int64(ch) * 96_000
		}
		rate = min(max(rate, 32_000), 640_000) / 1000 * 1000
		aspec = hls.Spec{Kind: hls.Audio, Stream: a.StreamIndex, Channels: min(ch, 8), Bitrate: rate}
	}
	if d.Video != nil {
		if aspec.Kind == "" {
			q.ts = false // MPEG-TS variants carry an audio track; a silent video goes as fMP4
		}
		spec, err := h.videoSpec(src, tl, d, q.ts, burn, aspec)
		if err != nil && d.Video.Copy { // the engine cannot cut or carry this copy: encode
			req.DisableVideoCopy = true
			d = playback.Decide(req, caps)
			spec, err = h.videoSpec(src, tl, d, q.ts, burn, aspec)
		}
		if err != nil {
			h.fail(c, err)
			return hlsPlan{}, false
		}
		p.video = &spec
	}
	if aspec.Kind != "" && (p.video == nil || !p.video.TS) {
		s := chosenAudio(f.Info, &aspec.Stream)
		p.audio = &hls.AudioTrack{Spec: aspec, Name: trackName(*s), Language: s.Language, Default: true}
	}
	for _, s := range f.Info.Streams {
		if s.Kind != core.StreamSubtitle || playback.ImageSubtitle(s.Codec) || video == nil {
			continue
		}
		if q.subtitlesInMaster || q.subtitleMethod == "hls" && q.subtitle != nil && *q.subtitle == s.Index {
			p.subs = append(p.subs, hls.SubtitleTrack{Name: trackName(s), Language: s.Language, Forced: s.Forced,
				Default: q.subtitle != nil && *q.subtitle == s.Index,
				URI:     jid(f.ID) + "/Subtitles/" + strconv.Itoa(s.Index) + "/subtitles.m3u8"})
		}
	}
	return p, true
}

// videoSpec is the engine's rendition for a video decision.
func (h *Handler) videoSpec(src hls.Source, tl hls.Timeline, d playback.Decision, ts bool, burn int, a hls.Spec) (hls.Spec, error) {
	spec := hls.Spec{Kind: hls.Video, TS: ts, Burn: burn}
	if d.Video.Copy {
		spec.Copy = true
	} else {
		spec.Width, spec.Height = d.Video.Width, d.Video.Height
		spec.Bitrate = min(max(d.Video.Bitrate, 100_000), 200_000_000) / 1000 * 1000
	}
	if ts {
		spec.Stream, spec.Channels, spec.AudioBitrate = a.Stream, a.Channels, a.Bitrate
	}
	return spec, h.Streams.Check(src, tl, spec)
}

// capBitrate lowers a bitrate limit to the caller's cap (UserPolicy.RemoteClientBitrateLimit),
// whatever the URL asks; ok is false when the answer was already written.
func (h *Handler) capBitrate(c *gin.Context, limit int64) (capped int64, ok bool) {
	caller := callerOf(c)
	if !caller.IsUser() {
		return limit, true
	}
	u, err := h.Users.Me(c.Request.Context(), caller)
	if err != nil {
		h.fail(c, err)
		return 0, false
	}
	return minPositive64(limit, u.MaxBitrate), true
}

func minPositive64(a, b int64) int64 {
	if a <= 0 {
		return b
	}
	return min(a, b)
}

func withoutVideo(streams []core.Stream) []core.Stream {
	var out []core.Stream
	for _, s := range streams {
		if s.Kind != core.StreamVideo {
			out = append(out, s)
		}
	}
	return out
}

// trackName names a track for a menu: its title, else its language, else its codec.
func trackName(s core.Stream) string {
	switch {
	case s.Title != "":
		return s.Title
	case s.Language != "":
		if n := languageName(s.Language); n != "" {
			return n
		}
	}
	return strings.ToUpper(playback.Codec(s.Codec))
}
