// Package plex speaks the Plex Media Server HTTP API on its own port, so that Plex tools (Sonarr
// and Radarr's Plex connection, python-plexapi style scripts, plex-api from npm) and clients that
// connect with a URL and a token work against Walros unchanged. It owns the wire format (XML by
// default and JSON on request, "1"/"0" booleans, integer ratingKeys, X-Plex-Container paging)
// and maps every call onto core.
package plex

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/core/warm"
	"github.com/walros/walros/transcoder/hls"
)

// Version is the Plex Media Server version Walros presents. Sonarr and Radarr parse four numeric
// groups each followed by "." or "-", and refuse only 1.3.0.
const Version = "1.41.3.9314-a0bfb8370"

type authService interface {
	Authenticate(ctx context.Context, credential, address string) (core.Caller, error)
}

// streamService is the HLS engine (transcoder/hls.Manager).
type streamService interface {
	Timeline(ctx context.Context, src hls.Source) (hls.Timeline, error)
	Check(src hls.Source, tl hls.Timeline, spec hls.Spec) error
	Master(ctx context.Context, src hls.Source, videos []hls.Spec, audios []hls.AudioTrack, subs []hls.SubtitleTrack, uri func(hls.Spec) string) ([]byte, error)
	MediaPlaylist(ctx context.Context, src hls.Source, spec hls.Spec, uri func(string) string) ([]byte, error)
	Init(ctx context.Context, src hls.Source, spec hls.Spec, user string) (*os.File, fs.FileInfo, error)
	Segment(ctx context.Context, src hls.Source, spec hls.Spec, n int, user string) (*os.File, fs.FileInfo, error)
}

type playlistService interface {
	Create(ctx context.Context, c core.Caller, name string, items []core.ItemID) (core.Playlist, error)
	GetByKey(ctx context.Context, c core.Caller, key int64) (core.Playlist, error)
	List(ctx context.Context, c core.Caller) ([]core.Playlist, error)
	Entries(ctx context.Context, c core.Caller, id core.PlaylistID) ([]core.PlaylistEntry, error)
	Add(ctx context.Context, c core.Caller, id core.PlaylistID, items []core.ItemID) (core.Playlist, error)
	Remove(ctx context.Context, c core.Caller, id core.PlaylistID, entries ...int64) (core.Playlist, error)
	Move(ctx context.Context, c core.Caller, id core.PlaylistID, entry, after int64) (core.Playlist, error)
	Rename(ctx context.Context, c core.Caller, id core.PlaylistID, name string) (core.Playlist, error)
	Delete(ctx context.Context, c core.Caller, id core.PlaylistID) error
}

type userService interface {
	Me(ctx context.Context, c core.Caller) (core.User, error)
	List(ctx context.Context, c core.Caller) ([]core.User, error)
}

type historyService interface {
	Record(ctx context.Context, c core.Caller, e core.HistoryEntry) (core.HistoryEntry, error)
	List(ctx context.Context, c core.Caller, q core.HistoryQuery) ([]core.HistoryEntry, int, error)
}

type libraryService interface {
	List(ctx context.Context, c core.Caller) ([]core.Library, error)
}

type itemService interface {
	Get(ctx context.Context, c core.Caller, id core.ItemID) (core.Item, error)
	GetByKey(ctx context.Context, c core.Caller, key int64) (core.Item, error)
	GetMany(ctx context.Context, c core.Caller, ids []core.ItemID) ([]core.Item, error)
	List(ctx context.Context, c core.Caller, q core.ItemQuery) ([]core.Item, int, error)
	Batch(ctx context.Context, c core.Caller, items []core.Item, parts core.BatchParts) (core.Batch, error)
	FileByKey(ctx context.Context, c core.Caller, key int64) (core.MediaFile, error)
	Image(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Image, error)
	Edit(ctx context.Context, c core.Caller, id core.ItemID, m core.Metadata, fields, unlock []string) (core.Metadata, error)
}

type artworkService interface {
	Render(ctx context.Context, img core.Image, req artwork.Request) (artwork.Rendition, error)
}

type userDataService interface {
	Get(ctx context.Context, c core.Caller, ids ...core.ItemID) (map[core.ItemID]core.UserData, error)
	Progress(ctx context.Context, c core.Caller, id core.ItemID, position time.Duration, stopped bool) (core.UserData, error)
	SetPlayed(ctx context.Context, c core.Caller, id core.ItemID, played bool, at *time.Time) (core.UserData, error)
	SetRating(ctx context.Context, c core.Caller, id core.ItemID, rating *float64) (core.UserData, error)
	Resume(ctx context.Context, c core.Caller, q core.ItemQuery) ([]core.Item, int, error)
	NextUp(ctx context.Context, c core.Caller, q core.NextUpQuery) ([]core.Item, int, error)
}

type scanService interface {
	Start(ctx context.Context, c core.Caller, id core.LibraryID) (scan.Progress, error)
}

// Deps are the facade's dependencies.
type Deps struct {
	Auth      authService
	Users     userService
	Libraries libraryService
	Items     itemService
	UserData  userDataService
	Playlists playlistService
	History   historyService
	Scans     scanService
	Streams   streamService
	Artwork   artworkService
	// Subtitles extracts an embedded text subtitle of a file as WebVTT.
	Subtitles func(ctx context.Context, path string, index int) ([]byte, error)
	// ServerID is the server's permanent id: Plex's machineIdentifier.
	ServerID   string
	ServerName string
	Metrics    *middleware.Metrics
	Log        *slog.Logger
	MaxBody    int64
	// TrustedProxies are the proxies whose X-Forwarded-For gives the client address.
	TrustedProxies []string
	// WarmLists reads the rest of a section's list ahead once a page of it is asked for
	// (warm.go); Close stops it.
	WarmLists bool
	// NowPlaying is the server's registry of what every client plays (nowplaying.go); nil
	// shares nothing.
	NowPlaying *nowplaying.Registry
}

// Handler is the Plex facade.
type Handler struct {
	Deps
	routes   router
	start    time.Time
	sessions tcSessions    // the universal transcoder's play sessions (transcode.go)
	live     liveSessions  // what players report playing (sessions.go)
	quit     chan struct{} // ends the reaper of quiet sessions
	stopped  chan struct{}
	closing  sync.Once
	notify   notifier     // the notification sockets (notify.go)
	warm     *warm.Walker // reads long lists ahead (warm.go); nil unless Deps.WarmLists
}

// New returns the facade.
func New(d Deps) *Handler {
	if d.MaxBody <= 0 {
		d.MaxBody = 1 << 20
	}
	if d.ServerName == "" {
		d.ServerName = "walros"
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{Deps: d, start: time.Now(), quit: make(chan struct{}), stopped: make(chan struct{}), warm: newWalker(d)}
	go h.reaper(h.quit, h.stopped)
	h.serverRoutes(&h.routes)
	h.libraryRoutes(&h.routes)
	h.stateRoutes(&h.routes)
	h.transcodeRoutes(&h.routes)
	h.imageRoutes(&h.routes)
	h.statusRoutes(&h.routes)
	h.notifyRoutes(&h.routes)
	h.playlistRoutes(&h.routes)
	h.hubRoutes(&h.routes)
	h.collectionRoutes(&h.routes)
	h.streamRoutes(&h.routes)
	return h
}

// Engine builds the gin engine: shared middleware, then the facade's own router.
func (h *Handler) Engine() *gin.Engine {
	e := gin.New()
	if err := e.SetTrustedProxies(h.TrustedProxies); err != nil {
		panic(err) // config validated them at start
	}
	e.Use(middleware.RequestID(), middleware.CORS)
	if h.Metrics != nil {
		e.Use(h.Metrics.Handler("plex"))
	}
	e.Use(middleware.AccessLog(h.Log), gin.Recovery(), middleware.BodyLimit(h.MaxBody, time.Minute))
	e.NoRoute(h.dispatch)
	return e
}

const callerKey = "plex.caller"

func (h *Handler) dispatch(c *gin.Context) {
	rt, params, allowed := h.routes.match(c.Request.Method, c.Request.URL.EscapedPath())
	if rt == nil {
		code := http.StatusNotFound
		if allowed {
			code = http.StatusMethodNotAllowed
		}
		c.Set(middleware.RouteKey, "unmatched")
		fail(c, code)
		return
	}
	c.Set(middleware.RouteKey, rt.pattern)
	c.Params = params
	c.Header("X-Plex-Protocol", "1.0")
	if !rt.anon {
		token := plexToken(c)
		if token == "" {
			fail(c, http.StatusUnauthorized)
			return
		}
		caller, err := h.Auth.Authenticate(c.Request.Context(), token, c.ClientIP())
		if err != nil {
			h.fail(c, err)
			return
		}
		c.Set(callerKey, caller)
	}
	rt.handler(c)
}

// plexToken is the request's X-Plex-Token: the header, else the query parameter.
func plexToken(c *gin.Context) string {
	if t := c.GetHeader("X-Plex-Token"); t != "" {
		return t
	}
	return c.Query("X-Plex-Token")
}

func callerOf(c *gin.Context) core.Caller {
	v, _ := c.Get(callerKey)
	caller, _ := v.(core.Caller)
	return caller
}

// fail answers with Plex's bare HTML error page.
func fail(c *gin.Context, code int) {
	text := strconv.Itoa(code) + " " + http.StatusText(code)
	c.Data(code, "text/html", []byte("<html><head><title>"+text+"</title></head><body><h1>"+text+"</h1></body></html>"))
	c.Abort()
}

// fail maps a core error onto a status; unexpected errors are logged and hidden.
func (h *Handler) fail(c *gin.Context, err error) {
	switch {
	case errors.Is(err, core.ErrUnauthenticated):
		fail(c, http.StatusUnauthorized)
	case errors.Is(err, core.ErrNotFound), errors.Is(err, core.ErrForbidden):
		fail(c, http.StatusNotFound) // never 403: ids must not reveal what exists
	case errors.Is(err, core.ErrInvalid):
		fail(c, http.StatusBadRequest)
	case errors.Is(err, context.Canceled):
		c.Abort()
	default:
		h.Log.ErrorContext(c.Request.Context(), "plex request failed", "route", c.GetString(middleware.RouteKey), "err", err)
		fail(c, http.StatusInternalServerError)
	}
}

// wantsJSON reports whether the caller asked for JSON: only the Accept header says so (plexjs
// also sends "accepts: application/xml", which Plex ignores).
func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// write answers with a MediaContainer. JSON goes out as exactly "application/json": plex-api
// returns raw bytes for any parameter after it.
func write(c *gin.Context, mc *node) {
	if wantsJSON(c) {
		c.Data(http.StatusOK, "application/json", render(mc, true))
		return
	}
	c.Data(http.StatusOK, "text/xml;charset=utf-8", render(mc, false))
}

// mediaContainer returns an empty MediaContainer.
func mediaContainer() *node { return newNode("MediaContainer") }

// page is the window X-Plex-Container-Start and -Size ask for, from the headers or the query.
type page struct {
	start, size int
	all         bool // no size given: everything from start
}

func pageOf(c *gin.Context) (page, bool) {
	get := func(name string) string {
		if v := c.GetHeader(name); v != "" {
			return v
		}
		return c.Query(name)
	}
	p := page{all: true}
	if v := get("X-Plex-Container-Start"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > core.MaxOffset {
			return page{}, false
		}
		p.start = n
	}
	if v := get("X-Plex-Container-Size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return page{}, false
		}
		p.size, p.all = n, false
	}
	return p, true
}

// paged sets the paging attributes and headers of a container holding a page of total.
func paged(c *gin.Context, mc *node, p page, n, total int) {
	mc.set("size", n).set("totalSize", total).set("offset", p.start)
	c.Header("X-Plex-Container-Start", strconv.Itoa(p.start))
	c.Header("X-Plex-Container-Total-Size", strconv.Itoa(total))
}

// pageSize is the most items one list answer holds, paged or not: core's page bound.
const pageSize = core.MaxPage

// limit is how many items a list answers: the page's size, or def when the page asks for all.
func (p page) limit(def int) int {
	if p.all {
		return def
	}
	return min(p.size, pageSize)
}

// maxKeys bounds the comma-separated keys of one request (/library/metadata/1,2,3, a uri).
const maxKeys = 100

// parseKeys reads comma-separated integer keys, without repeats; ok is false for a malformed
// list or one longer than maxKeys.
func parseKeys(s string) ([]int64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) > maxKeys {
		return nil, false
	}
	var out []int64
	seen := map[int64]bool{}
	for _, p := range parts {
		k, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, false
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out, true
}
