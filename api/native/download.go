package native

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/mediaserve"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/playback"
	"github.com/walros/walros/transcoder/download"
)

// downloadService is what the download handler needs from download.Transcoder.
type downloadService interface {
	Stream(ctx context.Context, w io.Writer, path string, s download.Spec, user string) error
}

// qualities are the qualities a download may ask for, by the short side of their box: the names
// of playback.Ladder's rungs.
var qualities = map[string]int{"2160p": 2160, "1440p": 1440, "1080p": 1080, "720p": 720, "480p": 480, "360p": 360, "240p": 240}

// estimatedLength is the header that gives a transcoded download's expected size in bytes, for
// progress bars: its real length is known only at the end.
const estimatedLength = "Walros-Estimated-Length"

// downloadFile serves an item's file to be saved: the original with ranges (so a browser can
// resume), or with ?quality= an MP4 encoded as it is sent.
func (h *Handler) downloadFile(c *gin.Context) {
	if !h.mayDownload(c) {
		return
	}
	f, ok := h.mediaFile(c)
	if !ok {
		return
	}
	quality := c.Query("quality")
	if quality == "" || quality == "original" {
		c.Header("Content-Disposition", mediaserve.Attachment(filepath.Base(f.Path)))
		err := mediaserve.File(c, f, func(code int) {
			c.Writer.Header().Del("Content-Disposition")
			h.problem(c, code, "Range Not Satisfiable", "the range is outside the file")
		})
		if err != nil {
			c.Writer.Header().Del("Content-Disposition")
			h.fail(c, err) // gone since the last scan
		}
		return
	}
	dl, err := h.downloadPlan(c, f, quality)
	if err != nil {
		h.failDownload(c, err)
		return
	}
	if h.Downloads == nil {
		h.fail(c, core.Invalid("quality", "this server cannot transcode downloads: ask for the original"))
		return
	}
	c.Header("Content-Disposition", mediaserve.Attachment(dl.name))
	c.Header(estimatedLength, strconv.FormatInt(dl.estimate, 10))
	c.Header("Accept-Ranges", "none") // encoded as it is sent: a broken download starts again
	if c.Request.Method == http.MethodHead {
		c.Header("Content-Type", "video/mp4")
		c.Status(http.StatusOK)
		return
	}
	w := &mediaserve.Progressive{C: c, ContentType: "video/mp4"}
	if err := h.Downloads.Stream(c.Request.Context(), w, f.Path, dl.spec, userKey(callerOf(c))); err != nil {
		if w.Started {
			// The body has begun: the only honest signal left is to cut the connection.
			h.Log.WarnContext(c.Request.Context(), "download transcode failed mid-way", "item", c.Param("id"), "err", err)
			c.Abort()
			return
		}
		c.Writer.Header().Del("Content-Disposition")
		c.Writer.Header().Del(estimatedLength)
		h.failDownload(c, err)
	}
}

// userKey is whose encode a download is, for the per-user bound: the user, or the API key.
func userKey(c core.Caller) string {
	if c.IsUser() {
		return "user:" + string(c.UserID)
	}
	return "key:" + string(c.APIKeyID)
}

// plannedDownload is one transcoded download: the encode, the name to save it as and about how
// many bytes it makes.
type plannedDownload struct {
	spec     download.Spec
	quality  string // the rung chosen
	name     string
	estimate int64
}

// downloadPlan maps a quality onto the file's ladder under the user's bitrate cap: the largest
// rung no larger than the quality asked for (never more than the source), with the user's audio
// track.
func (h *Handler) downloadPlan(c *gin.Context, f core.MediaFile, quality string) (plannedDownload, error) {
	want, ok := qualities[quality]
	if !ok {
		return plannedDownload{}, core.Invalid("quality", "must be original, 2160p, 1440p, 1080p, 720p, 480p, 360p or 240p")
	}
	req, err := h.forUser(c, playback.ForFile(f))
	if err != nil {
		return plannedDownload{}, err
	}
	return planDownload(f, req, quality, want)
}

func planDownload(f core.MediaFile, req playback.Request, quality string, want int) (plannedDownload, error) {
	var video *core.Stream
	for i, s := range f.Info.Streams {
		if s.Kind == core.StreamVideo {
			video = &f.Info.Streams[i]
			break
		}
	}
	if video == nil {
		return plannedDownload{}, errNoVideo
	}
	audio, _ := req.DefaultStreams()
	videoCap := req.MaxBitrate // the user's cap is for the whole stream: the audio comes out of it
	if videoCap > 0 && audio >= 0 {
		videoCap = max(1, videoCap-download.DefaultAudioBitrate)
	}
	for _, r := range playback.Ladder(*video, videoCap) {
		if qualities[r.Name] > want {
			continue
		}
		spec := download.Spec{VideoStream: video.Index, AudioStream: audio, Width: r.Width, Height: r.Height, VideoBitrate: r.Bitrate}
		base := strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
		return plannedDownload{spec: spec, quality: r.Name, name: base + " - " + r.Name + ".mp4",
			estimate: download.EstimatedSize(f.Info.Duration, spec)}, nil
	}
	return plannedDownload{}, core.Invalid("quality", "no quality up to %s fits under the user's bitrate cap", quality)
}

// errNoVideo is a transcoded download asked of a file without video.
var errNoVideo = core.Invalid("quality", "only videos can be transcoded for download: ask for the original")

// failDownload maps the download transcoder's errors, then hands the rest to fail.
func (h *Handler) failDownload(c *gin.Context, err error) {
	var busy *download.BusyError
	switch {
	case errors.As(err, &busy):
		c.Header("Retry-After", strconv.Itoa(int(busy.RetryAfter.Round(time.Second).Seconds())))
		h.problem(c, http.StatusTooManyRequests, "Too Many Requests", busy.Reason+"; retry later")
	case errors.Is(err, download.ErrMedia):
		h.problem(c, http.StatusInternalServerError, "Transcoding Failed",
			"the file could not be transcoded: it may be corrupt or unsupported (see the server log)")
	default:
		h.fail(c, err)
	}
}

// downloadEntryDTO is one file of a batch download.
type downloadEntryDTO struct {
	ItemID   string `json:"itemId"`
	Title    string `json:"title"`
	FileName string `json:"fileName"`
	// Quality is what URL gives: "original", or the rung a transcode was mapped onto.
	Quality   string `json:"quality"`
	Size      int64  `json:"size"`
	Estimated bool   `json:"estimated"`
	URL       string `json:"url"`
}

// downloadManifestDTO lists the files of a season, series, album, box set or playlist, in order,
// each with a URL that works without headers.
type downloadManifestDTO struct {
	Name      string             `json:"name"`
	Items     []downloadEntryDTO `json:"items"`
	TotalSize int64              `json:"totalSize"`
}

// mayDownload answers 403 when the caller's downloads are turned off, before anything is looked
// up (so it tells nothing about the item), and reports whether they may go on.
func (h *Handler) mayDownload(c *gin.Context) bool {
	if err := callerOf(c).RequireDownloads(); err != nil {
		h.problem(c, http.StatusForbidden, "Forbidden", "downloads are turned off for this account")
		return false
	}
	return true
}

// itemDownloads lists the files of an item and what is under it, to be downloaded one by one.
func (h *Handler) itemDownloads(c *gin.Context) {
	if !h.mayDownload(c) {
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	it, err := h.Items.Get(ctx, caller, core.ItemID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	leaves, err := h.leaves(ctx, caller, it, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.manifest(c, it.Title, leaves)
}

// playlistDownloads lists the files of a playlist's entries, in its order.
func (h *Handler) playlistDownloads(c *gin.Context) {
	if !h.mayDownload(c) {
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), core.PlaylistID(c.Param("id"))
	pl, err := h.Playlists.Get(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	entries, err := h.Playlists.Entries(ctx, caller, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]core.Item, 0, len(entries))
	for _, e := range entries {
		items = append(items, e.Item)
	}
	h.manifest(c, pl.Name, items)
}

// maxDepth is how far below an item leaves are looked for: a series, its seasons, their episodes.
const maxDepth = 2

// leaves returns it when it has a file, or else the items with files under it, in index order.
func (h *Handler) leaves(ctx context.Context, caller core.Caller, it core.Item, depth int) ([]core.Item, error) {
	if _, err := h.Items.PlayableFile(ctx, caller, it.ID, ""); err == nil {
		return []core.Item{it}, nil
	} else if !errors.Is(err, core.ErrNotFound) {
		return nil, err
	}
	if depth >= maxDepth {
		return nil, nil
	}
	var out []core.Item
	for offset := 0; ; {
		children, total, err := h.Items.List(ctx, caller, core.ItemQuery{Parent: it.ID, Sort: core.SortIndex,
			Limit: core.MaxPage, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, ch := range children {
			sub, err := h.leaves(ctx, caller, ch, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
		offset += len(children)
		if len(children) == 0 || offset >= total || len(out) > core.MaxPlaylistEntries {
			return out, nil
		}
	}
}

// manifest answers the download list of items: each one's file, size and URL at ?quality=. Items
// without video (music) keep their original; items without a file are left out.
func (h *Handler) manifest(c *gin.Context, name string, items []core.Item) {
	ctx, caller := c.Request.Context(), callerOf(c)
	quality := c.Query("quality")
	want, ok := qualities[quality]
	if !ok && quality != "" && quality != "original" {
		h.fail(c, core.Invalid("quality", "must be original, 2160p, 1440p, 1080p, 720p, 480p, 360p or 240p"))
		return
	}
	var req playback.Request
	if ok {
		var err error
		if req, err = h.forUser(c, req); err != nil {
			h.fail(c, err)
			return
		}
	}
	out := downloadManifestDTO{Name: name, Items: []downloadEntryDTO{}}
	for _, it := range items {
		f, err := h.Items.PlayableFile(ctx, caller, it.ID, "")
		if errors.Is(err, core.ErrNotFound) {
			continue
		} else if err != nil {
			h.fail(c, err)
			return
		}
		e := downloadEntryDTO{ItemID: string(it.ID), Title: it.Title, Quality: "original",
			FileName: mediaserve.SafeFileName(filepath.Base(f.Path), "download"), Size: f.Size}
		q := url.Values{}
		if ok {
			r := playback.ForFile(f)
			r.AudioLanguages, r.PreferDefaultAudio, r.MaxBitrate = req.AudioLanguages, req.PreferDefaultAudio, req.MaxBitrate
			dl, err := planDownload(f, r, quality, want)
			switch {
			case err == nil:
				e.Quality, e.FileName, e.Size, e.Estimated = dl.quality, mediaserve.SafeFileName(dl.name, "download.mp4"), dl.estimate, true
				q.Set("quality", dl.quality)
			case err != errNoVideo: // music keeps its original; a quality the cap forbids is an error
				h.fail(c, err)
				return
			}
		}
		tok, err := h.Auth.MediaToken(caller, it.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if tok != "" { // an API key has none: the client adds its key
			q.Set("token", tok)
		}
		e.URL = "/api/v1/items/" + url.PathEscape(string(it.ID)) + "/download"
		if len(q) > 0 {
			e.URL += "?" + q.Encode()
		}
		out.Items = append(out.Items, e)
		out.TotalSize += e.Size
	}
	c.Header("Cache-Control", "no-store") // it holds tokens
	c.JSON(http.StatusOK, out)
}
