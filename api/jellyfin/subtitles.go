package jellyfin

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
)

// subtitleStream returns the file and the subtitle stream a subtitle route names; an index that
// is not a subtitle stream of the file is 404.
func (h *Handler) subtitleStream(c *gin.Context) (core.MediaFile, core.Stream, bool) {
	f, ok := h.mediaFile(c)
	if !ok {
		return f, core.Stream{}, false
	}
	n, err := strconv.Atoi(c.Param("index"))
	s := subtitleByIndex(f.Info, n)
	if err != nil || s == nil {
		h.fail(c, fmt.Errorf("subtitle %q of %s: %w", c.Param("index"), f.ID, core.ErrNotFound))
		return f, core.Stream{}, false
	}
	return f, *s, true
}

// webVTT returns a text subtitle as WebVTT: sidecars converted, embedded tracks extracted.
func (h *Handler) webVTT(ctx context.Context, f core.MediaFile, s core.Stream) ([]byte, error) {
	return mediaserve.WebVTT(ctx, f, s, func(ctx context.Context, path string, index int) ([]byte, error) {
		if h.Subtitles == nil {
			return nil, fmt.Errorf("no subtitle extractor: %w", core.ErrNotFound)
		}
		return h.Subtitles(ctx, path, index)
	})
}

// subtitleFile serves /Videos/{itemId}/{mediaSourceId}/Subtitles/{index}[/{startPositionTicks}]/Stream.{format}
// as WebVTT (vtt, webvtt) or SubRip (srt, subrip). A start position drops the cues before it and,
// unless copyTimestamps=true, counts the others from it, as Jellyfin does for a transcode that
// starts there.
func (h *Handler) subtitleFile(c *gin.Context) {
	format := strings.ToLower(c.Param("format"))
	switch format {
	case "vtt", "webvtt", "srt", "subrip":
	default:
		h.fail(c, core.Invalid("format", "Walros sends subtitles as vtt or srt"))
		return
	}
	var start time.Duration
	if s := c.Param("startPositionTicks"); s != "" {
		t, err := strconv.ParseInt(s, 10, 64)
		if err != nil || t < 0 {
			h.fail(c, core.Invalid("startPositionTicks", "must be a number of ticks"))
			return
		}
		start = fromTicks(t)
	}
	f, s, ok := h.subtitleStream(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	c.Header("Cache-Control", "private, max-age=3600")
	srt := format == "srt" || format == "subrip"
	if srt && start == 0 && s.External != "" && playback.SubtitleFormat(s.Codec) == "srt" {
		if b, err := os.ReadFile(s.External); err == nil { // a SubRip sidecar goes as it is
			c.Data(http.StatusOK, "application/x-subrip; charset=utf-8", b)
			return
		}
	}
	vtt, err := h.webVTT(ctx, f, s)
	if err != nil {
		h.fail(c, err)
		return
	}
	if copyTS := boolean(c, "copyTimestamps"); start > 0 {
		vtt = shiftCues(vtt, start, copyTS != nil && *copyTS)
	}
	if srt {
		c.Data(http.StatusOK, "application/x-subrip; charset=utf-8", vttToSRT(vtt))
		return
	}
	c.Data(http.StatusOK, "text/vtt; charset=utf-8", vtt)
}

// subtitlePlaylist serves /Videos/{itemId}/{mediaSourceId}/Subtitles/{index}/subtitles.m3u8: an
// HLS subtitle playlist of one WebVTT segment, the whole track.
func (h *Handler) subtitlePlaylist(c *gin.Context) {
	f, s, ok := h.subtitleStream(c)
	if !ok {
		return
	}
	if playback.ImageSubtitle(s.Codec) {
		h.fail(c, core.Invalid("index", "picture subtitles can only be burnt in"))
		return
	}
	q, err := h.childQuery(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := f.Info.Duration.Seconds()
	body := fmt.Sprintf("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n"+
		"#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:%.3f,\n0/Stream.vtt?%s\n#EXT-X-ENDLIST\n", int(d)+1, d, q.Encode())
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/vnd.apple.mpegurl", []byte(body))
}

// vttCue is one WebVTT cue block: its timing line's times and settings, and its text lines.
type vttCue struct {
	start, end time.Duration
	settings   string
	text       []string
}

// parseVTT splits WebVTT into its header (everything before the first cue) and its cues. Blocks
// without a timing line (NOTE, STYLE, REGION) are dropped.
func parseVTT(b []byte) (header string, cues []vttCue) {
	blocks := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n\n")
	for i, blk := range blocks {
		lines := strings.Split(strings.Trim(blk, "\n"), "\n")
		t := -1
		for j, l := range lines {
			if strings.Contains(l, "-->") {
				t = j
				break
			}
		}
		if t < 0 {
			if i == 0 {
				header = strings.Trim(blk, "\n")
			}
			continue
		}
		from, rest, _ := strings.Cut(lines[t], "-->")
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		s, ok1 := vttTime(strings.TrimSpace(from))
		e, ok2 := vttTime(fields[0])
		if !ok1 || !ok2 {
			continue
		}
		cues = append(cues, vttCue{start: s, end: e, settings: strings.Join(fields[1:], " "), text: lines[t+1:]})
	}
	return header, cues
}

// vttTime reads "hh:mm:ss.ttt" or "mm:ss.ttt".
func vttTime(s string) (time.Duration, bool) {
	parts := strings.Split(strings.Replace(s, ",", ".", 1), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var d time.Duration
	for _, p := range parts[:len(parts)-1] {
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, false
		}
		d = d*60 + time.Duration(n)
	}
	sec, err := strconv.ParseFloat(parts[len(parts)-1], 64)
	if err != nil {
		return 0, false
	}
	return d*60*time.Second + time.Duration(sec*1000)*time.Millisecond, true
}

func formatTime(d time.Duration, sep string) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, sep, ms%1000)
}

// shiftCues drops the cues that end before start and, unless keep, moves the others back by start.
func shiftCues(b []byte, start time.Duration, keep bool) []byte {
	header, cues := parseVTT(b)
	if header == "" {
		header = "WEBVTT"
	}
	var out strings.Builder
	out.WriteString(header + "\n")
	for _, c := range cues {
		if c.end <= start {
			continue
		}
		if !keep {
			c.start, c.end = max(c.start-start, 0), c.end-start
		}
		out.WriteString("\n" + formatTime(c.start, ".") + " --> " + formatTime(c.end, "."))
		if c.settings != "" {
			out.WriteString(" " + c.settings)
		}
		out.WriteString("\n" + strings.Join(c.text, "\n") + "\n")
	}
	return []byte(out.String())
}

// vttToSRT writes WebVTT cues as SubRip: numbered, with comma decimals and no vttCue settings.
func vttToSRT(b []byte) []byte {
	_, cues := parseVTT(b)
	var out strings.Builder
	for i, c := range cues {
		fmt.Fprintf(&out, "%d\n%s --> %s\n%s\n\n", i+1, formatTime(c.start, ","), formatTime(c.end, ","), strings.Join(c.text, "\n"))
	}
	return []byte(out.String())
}
