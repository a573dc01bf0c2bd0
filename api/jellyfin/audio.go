package jellyfin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
	"github.com/walros/walros/transcoder/audio"
)

// audioStream serves /Audio/{itemId}/stream[.{container}]: the original file when static=true or
// when it already is what the container and audioCodec parameters ask for, else a progressive
// transcode to them.
func (h *Handler) audioStream(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	container := c.Param("container")
	if container == "" {
		container = str(c, "container")
	}
	codecs := list(c, "audioCodec")
	if s := boolean(c, "static"); s != nil && *s || container == "" && len(codecs) == 0 {
		h.sendFile(c, f)
		return
	}
	track := chosenAudio(f.Info, intPtr(c, "audioStreamIndex"))
	sameContainer := container == "" || playback.Container(container, "") == playback.Container(f.Info.Container, f.Path)
	sameCodec := len(codecs) == 0 || track != nil && containsCodec(codecs, track.Codec)
	if sameContainer && sameCodec {
		h.sendFile(c, f)
		return
	}
	codec := ""
	if len(codecs) > 0 {
		codec = codecs[0]
	}
	h.transcodeAudio(c, f, container, codec)
}

func containsCodec(list []string, codec string) bool {
	for _, c := range list {
		if playback.Codec(c) == playback.Codec(codec) {
			return true
		}
	}
	return false
}

// intPtr returns an integer query parameter, or nil when absent or unreadable.
func intPtr(c *gin.Context, name string) *int {
	if n, err := strconv.Atoi(str(c, name)); err == nil {
		return &n
	}
	return nil
}

// audioFormat maps a Jellyfin container and codec onto what the audio transcoder writes: AAC
// (ADTS, or fragmented MP4 for m4a), MP3, or Opus (Ogg or WebM). MPEG-TS is not written: ADTS
// AAC is what a player asking for ts plays.
func audioFormat(container, codec string) (audio.Format, bool) {
	var f audio.Format
	switch strings.ToLower(container) {
	case "aac", "adts", "ts", "mpegts":
		f = audio.Format{Codec: audio.CodecAAC, Container: audio.ContainerADTS}
	case "m4a", "mp4", "m4b":
		f = audio.Format{Codec: audio.CodecAAC, Container: audio.ContainerMP4}
	case "mp3":
		f = audio.Format{Codec: audio.CodecMP3, Container: audio.ContainerMP3}
	case "opus", "ogg", "oga":
		f = audio.Format{Codec: audio.CodecOpus, Container: audio.ContainerOgg}
	case "webm", "webma":
		f = audio.Format{Codec: audio.CodecOpus, Container: audio.ContainerWebM}
	case "":
	default:
		return f, false
	}
	switch playback.Codec(codec) {
	case "":
	case "aac":
		f.Codec = audio.CodecAAC
	case "mp3":
		f.Codec = audio.CodecMP3
	case "opus":
		f.Codec = audio.CodecOpus
	default:
		if f.Codec == "" {
			return f, false
		}
	}
	if f.Codec == "" {
		f.Codec = audio.CodecMP3
	}
	return f, audio.ContentType(f) != ""
}

// transcodeAudio streams one audio track encoded progressively, at audioBitRate (or within
// maxStreamingBitrate) with the channels asked for.
func (h *Handler) transcodeAudio(c *gin.Context, f core.MediaFile, container, codec string) {
	format, ok := audioFormat(container, codec)
	if !ok {
		h.fail(c, core.Invalid("container", "Walros transcodes audio to aac, m4a, mp3, opus or webm"))
		return
	}
	bitrate := integer(c, "audioBitRate", 0)
	if bitrate <= 0 {
		if limit := integer(c, "maxStreamingBitrate", 0); limit > 0 {
			bitrate = min(limit, 320_000)
		}
	}
	if bitrate > 0 {
		bitrate = min(max(bitrate, 32_000), 320_000)
	}
	format.Bitrate = bitrate
	for _, name := range []string{"audioChannels", "transcodingAudioChannels", "transcodingMaxAudioChannels", "maxAudioChannels"} {
		if n := integer(c, name, 0); n > 0 {
			switch {
			case n == 1:
				format.Channels = 1
			case n >= 6 && format.Codec != audio.CodecMP3:
				format.Channels = 6
			default:
				format.Channels = 2
			}
			break
		}
	}
	track := audio.DefaultStream
	if n := intPtr(c, "audioStreamIndex"); n != nil {
		track = *n
	}
	if h.Audio == nil {
		h.fail(c, core.ErrNotFound)
		return
	}
	if c.Request.Method == http.MethodHead { // what it would be, without starting ffmpeg
		c.Header("Content-Type", audio.ContentType(format))
		c.Status(http.StatusOK)
		return
	}
	w := &mediaserve.Progressive{C: c, ContentType: audio.ContentType(format)}
	if err := h.Audio.Stream(c.Request.Context(), w, mediaserve.AudioSource(f, track), format); err != nil {
		if w.Started {
			// The body has begun: the only honest signal left is to cut the connection.
			h.Log.WarnContext(c.Request.Context(), "audio stream failed mid-way", "item", c.Param("itemId"), "err", err)
			c.Abort()
			return
		}
		h.fail(c, err)
	}
}

// universalAudio serves /Audio/{itemId}/universal as Jellyfin's UniversalAudioController does:
// the file itself (with ranges) when one of the client's containers takes it, else an HLS master
// playlist in the body (transcodingProtocol=hls: its relative URIs resolve under /Audio/{itemId}/),
// else a progressive transcode to transcodingContainer.
func (h *Handler) universalAudio(c *gin.Context) {
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	caps := playback.Capabilities{Audio: map[string]playback.AudioLimits{}}
	for _, entry := range list(c, "container") {
		// "webm|opus": a container with the one codec it may hold; "mp3" alone takes any codec.
		cont, codec, _ := strings.Cut(entry, "|")
		dp := playback.DirectPlayProfile{Kind: core.StreamAudio, Containers: []string{cont}}
		if codec != "" {
			dp.AudioCodecs = []string{codec}
		}
		caps.DirectPlay = append(caps.DirectPlay, dp)
	}
	if codecs := list(c, "audioCodec"); len(codecs) > 0 {
		for i := range caps.DirectPlay {
			if len(caps.DirectPlay[i].AudioCodecs) == 0 {
				caps.DirectPlay[i].AudioCodecs = codecs
			}
		}
	}
	caps.MaxAudioChannels = integer(c, "maxAudioChannels", 0)
	req := playback.ForFile(f)
	if req.MaxBitrate, ok = h.capBitrate(c, int64(integer(c, "maxStreamingBitrate", 0))); !ok {
		return
	}
	if a := chosenAudio(f.Info, nil); a != nil {
		caps.Audio[playback.Codec(a.Codec)] = playback.AudioLimits{MaxSampleRate: integer(c, "maxAudioSampleRate", 0)}
	}
	caps.Transcode = playback.TranscodeTarget{Protocol: "http", Container: "mp3", AudioCodecs: []string{"mp3"}}
	d := playback.Decide(req, caps)
	if d.Method == playback.DirectPlay && firstVideo(f.Info) == nil {
		h.sendFile(c, f)
		return
	}
	container := str(c, "transcodingContainer")
	if strings.EqualFold(str(c, "transcodingProtocol"), "hls") {
		token, err := h.urlToken(c, f.ItemID)
		if err != nil {
			h.fail(c, err)
			return
		}
		q := url.Values{"MediaSourceId": {jid(f.ID)}, "AudioCodec": {"aac"}, "ApiKey": {token}}
		if ch := integer(c, "transcodingAudioChannels", integer(c, "maxAudioChannels", 0)); ch > 0 {
			q.Set("TranscodingMaxAudioChannels", strconv.Itoa(ch))
		}
		if b := integer(c, "audioBitRate", 0); b > 0 {
			q.Set("AudioBitrate", strconv.Itoa(b))
		} else if b := integer(c, "maxStreamingBitrate", 0); b > 0 {
			q.Set("MaxStreamingBitrate", strconv.Itoa(b))
		}
		if s := str(c, "deviceId"); s != "" {
			q.Set("DeviceId", s)
		}
		h.writeMaster(c, f, q, true)
		return
	}
	if container == "" {
		container = "mp3"
	}
	h.transcodeAudio(c, f, container, "")
}
