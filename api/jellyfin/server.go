// Package jellyfin speaks the Jellyfin HTTP API, so that Jellyfin's own apps, the @jellyfin/sdk,
// Jellyseerr and Sonarr/Radarr work against Walros unchanged. It owns the wire format (PascalCase
// JSON without nulls, N-format GUIDs, ticks, MediaBrowser auth headers, case-insensitive routes)
// and maps every call onto core.
package jellyfin

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/core/warm"
	"github.com/walros/walros/transcoder/audio"
	"github.com/walros/walros/transcoder/hls"
)

// Version is the Jellyfin server version Walros presents: clients refuse servers older than
// 10.10 (@jellyfin/sdk) and jellyfin-web expects its own release line.
const Version = "10.11.11"

// ProductName must be exactly this: the SDKs' server discovery rates anything else as bad.
const ProductName = "Jellyfin Server"

type authService interface {
	LoginDevice(ctx context.Context, username, password string, dev core.Device) (core.Tokens, error)
	ApproveDevice(ctx context.Context, approver core.Caller, user core.UserID, dev core.Device) (core.Tokens, error)
	Logout(ctx context.Context, c core.Caller) error
	Authenticate(ctx context.Context, credential, address string) (core.Caller, error)
	AuthenticateMedia(ctx context.Context, credential, address string, item core.ItemID) (core.Caller, error)
	Sessions(ctx context.Context, c core.Caller, all bool) ([]core.Session, error)
	CreateAPIKey(ctx context.Context, c core.Caller, name string) (core.APIKey, string, error)
	APIKeys(ctx context.Context, c core.Caller) ([]core.APIKey, error)
	APIKeyBySecret(ctx context.Context, c core.Caller, secret string) (core.APIKey, error)
	RevokeAPIKey(ctx context.Context, c core.Caller, id core.APIKeyID) error
	MediaToken(c core.Caller, item core.ItemID) (string, error)
}

type userService interface {
	Get(ctx context.Context, c core.Caller, id core.UserID) (core.User, error)
	List(ctx context.Context, c core.Caller) ([]core.User, error)
	Me(ctx context.Context, c core.Caller) (core.User, error)
	Public(ctx context.Context) ([]core.User, error)
	Create(ctx context.Context, c core.Caller, n core.NewUser) (core.User, error)
	Update(ctx context.Context, c core.Caller, id core.UserID, p core.UserPatch) (core.User, error)
	UpdateMe(ctx context.Context, c core.Caller, p core.SelfPatch) (core.User, error)
	Delete(ctx context.Context, c core.Caller, id core.UserID) error
}

type libraryService interface {
	List(ctx context.Context, c core.Caller) ([]core.Library, error)
	Get(ctx context.Context, c core.Caller, id core.LibraryID) (core.Library, error)
}

type itemService interface {
	Get(ctx context.Context, c core.Caller, id core.ItemID) (core.Item, error)
	List(ctx context.Context, c core.Caller, q core.ItemQuery) ([]core.Item, int, error)
	Facets(ctx context.Context, c core.Caller, q core.FacetQuery) ([]core.Facet, int, error)
	Files(ctx context.Context, c core.Caller, id core.ItemID) ([]core.MediaFile, error)
	PlayableFile(ctx context.Context, c core.Caller, id core.ItemID, file core.FileID) (core.MediaFile, error)
	Metadata(ctx context.Context, c core.Caller, id core.ItemID) (core.Metadata, error)
	Image(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Image, error)
	Images(ctx context.Context, c core.Caller, id core.ItemID) ([]core.Image, error)
	AddImage(ctx context.Context, c core.Caller, id core.ItemID, img core.Image) (core.Metadata, error)
	SelectImage(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Metadata, error)
	MoveImage(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index, to int) (core.Metadata, error)
	DeleteImage(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Image, core.Metadata, error)
	Person(ctx context.Context, c core.Caller, name string) (core.Person, error)
	PersonImage(ctx context.Context, c core.Caller, name string) (core.Image, error)
}

type artworkService interface {
	Render(ctx context.Context, img core.Image, req artwork.Request) (artwork.Rendition, error)
	BlurHash(ctx context.Context, img core.Image) (string, error)
	Size(ctx context.Context, img core.Image) (width, height int, ok bool)
	Save(ctx context.Context, kind core.ImageKind, r io.Reader) (core.Image, error)
	Remove(ctx context.Context, img core.Image) error
}

type scanService interface {
	Start(ctx context.Context, c core.Caller, id core.LibraryID) (scan.Progress, error)
	Status(c core.Caller, id core.LibraryID) (scan.Progress, error)
	RemoteImages(ctx context.Context, c core.Caller, id core.ItemID) ([]scan.RemoteImage, error)
	ImageProviders(ctx context.Context, c core.Caller, id core.ItemID) ([]string, error)
}

// userDataService is what the handlers need from core.UserDataService.
type userDataService interface {
	Get(ctx context.Context, c core.Caller, ids ...core.ItemID) (map[core.ItemID]core.UserData, error)
	GetOne(ctx context.Context, c core.Caller, id core.ItemID) (core.UserData, error)
	Progress(ctx context.Context, c core.Caller, id core.ItemID, position time.Duration, stopped bool) (core.UserData, error)
	ProgressOn(ctx context.Context, c core.Caller, id core.ItemID, file core.FileID, position time.Duration, stopped bool) (core.UserData, error)
	SetPlayed(ctx context.Context, c core.Caller, id core.ItemID, played bool, at *time.Time) (core.UserData, error)
	SetFavorite(ctx context.Context, c core.Caller, id core.ItemID, fav bool) (core.UserData, error)
	SetLikes(ctx context.Context, c core.Caller, id core.ItemID, likes *bool) (core.UserData, error)
	SetRating(ctx context.Context, c core.Caller, id core.ItemID, rating *float64) (core.UserData, error)
	Resume(ctx context.Context, c core.Caller, q core.ItemQuery) ([]core.Item, int, error)
	NextUp(ctx context.Context, c core.Caller, q core.NextUpQuery) ([]core.Item, int, error)
}

// playlistService is core.Playlists.
type playlistService interface {
	Create(ctx context.Context, c core.Caller, name string, items []core.ItemID) (core.Playlist, error)
	Get(ctx context.Context, c core.Caller, id core.PlaylistID) (core.Playlist, error)
	List(ctx context.Context, c core.Caller) ([]core.Playlist, error)
	Entries(ctx context.Context, c core.Caller, id core.PlaylistID) ([]core.PlaylistEntry, error)
	Add(ctx context.Context, c core.Caller, id core.PlaylistID, items []core.ItemID) (core.Playlist, error)
	Remove(ctx context.Context, c core.Caller, id core.PlaylistID, entries ...int64) (core.Playlist, error)
	Move(ctx context.Context, c core.Caller, id core.PlaylistID, entry, after int64) (core.Playlist, error)
	Rename(ctx context.Context, c core.Caller, id core.PlaylistID, name string) (core.Playlist, error)
	Share(ctx context.Context, c core.Caller, id core.PlaylistID, users []core.UserID) (core.Playlist, error)
	Delete(ctx context.Context, c core.Caller, id core.PlaylistID) error
}

// historyService records play sessions (core.History).
type historyService interface {
	Record(ctx context.Context, c core.Caller, e core.HistoryEntry) (core.HistoryEntry, error)
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

// audioService transcodes one audio track progressively (transcoder/audio).
type audioService interface {
	Stream(ctx context.Context, w io.Writer, src audio.Source, f audio.Format) error
}

// Deps are the facade's dependencies.
type Deps struct {
	Auth      authService
	Users     userService
	Libraries libraryService
	Items     itemService
	Scans     scanService
	Artwork   artworkService
	UserData  userDataService
	History   historyService
	Playlists playlistService
	BoxSets   boxSetService
	// Preferences keeps clients' display preferences per user.
	Preferences preferencesService
	Streams     streamService
	Audio       audioService
	// Subtitles extracts an embedded text subtitle of a file as WebVTT.
	Subtitles func(ctx context.Context, path string, index int) ([]byte, error)
	// ServerID is the server's permanent id (32 hex digits): clients key stored credentials by it.
	ServerID   string
	ServerName string
	// WebDir is an installed jellyfin-web to serve at /web/; empty for none.
	WebDir  string
	Metrics *middleware.Metrics
	Log     *slog.Logger
	MaxBody int64
	// MaxImage is the largest uploaded picture, in bytes (20 MiB by default, as the native API):
	// the upload routes take its base64 encoding, past MaxBody (imageedit.go).
	MaxImage int64
	// TrustedProxies are the proxies whose X-Forwarded-For gives the client address.
	TrustedProxies []string
	// WarmLists reads the rest of a long list ahead once a page of it is asked for (warm.go);
	// Close stops it.
	WarmLists bool
	// NowPlaying is the server's registry of what every client plays (nowplaying.go); nil
	// shares nothing.
	NowPlaying *nowplaying.Registry
}

// Handler is the Jellyfin facade.
type Handler struct {
	Deps
	routes router
	// newKeys holds the secrets of API keys made through /Auth/Keys for a few minutes, by id:
	// Jellyseerr creates a key and reads it back from the list (core keeps only hashes).
	newKeys sync.Map
	// qc holds pending QuickConnect requests (quickconnect.go).
	qc quickConnect
	// live is what sessions are playing and the open web sockets (sessions.go, socket.go).
	live hub
	// warm reads long lists ahead (warm.go); nil unless Deps.WarmLists.
	warm *warm.Walker
}

// New returns the facade.
func New(d Deps) *Handler {
	if d.MaxBody <= 0 {
		d.MaxBody = 1 << 20
	}
	if d.MaxImage <= 0 {
		d.MaxImage = 20 << 20
	}
	if d.ServerName == "" {
		d.ServerName = "walros"
	}
	h := &Handler{Deps: d}
	if cs, ok := h.cardsOf(); ok && d.WarmLists {
		h.warm = warm.New(warm.Options{Stamp: cs.CardStamp, Log: d.Log})
	}
	h.systemRoutes(&h.routes)
	h.userRoutes(&h.routes)
	h.quickConnectRoutes(&h.routes)
	h.stateRoutes(&h.routes)
	h.playbackRoutes(&h.routes)
	h.browseRoutes(&h.routes)
	h.playlistRoutes(&h.routes)
	h.boxSetRoutes(&h.routes)
	h.registerFallbacks(&h.routes) // last: only what no route above serves
	return h
}

const routeKey = middleware.RouteKey

func routeOf(c *gin.Context) string { return c.GetString(routeKey) }

// Engine builds the gin engine: shared middleware, then the facade's own case-insensitive router.
func (h *Handler) Engine() *gin.Engine {
	e := gin.New()
	if err := e.SetTrustedProxies(h.TrustedProxies); err != nil {
		panic(err) // config validated them at start
	}
	e.Use(middleware.RequestID(), middleware.CORS)
	if h.Metrics != nil {
		e.Use(h.Metrics.Handler("jellyfin"))
	}
	e.Use(middleware.AccessLog(h.Log), gin.CustomRecovery(h.recovered))
	e.NoRoute(h.dispatch) // which limits the body, once it knows the route
	return e
}

func (h *Handler) dispatch(c *gin.Context) {
	rt, params, allowed := h.routes.match(c.Request.Method, c.Request.URL.EscapedPath())
	// The limit waits for the route: picture uploads are larger than any other body.
	if rt != nil && rt.maxBody > 0 {
		middleware.LimitBody(c, rt.maxBody, 5*time.Minute)
	} else {
		middleware.LimitBody(c, h.MaxBody, time.Minute)
	}
	if rt == nil {
		code := http.StatusNotFound
		if allowed {
			code = http.StatusMethodNotAllowed
		}
		c.Set(routeKey, "unmatched")
		status(c, code)
		return
	}
	c.Set(routeKey, rt.pattern)
	c.Params = params
	switch rt.access {
	case user:
		if !h.authenticate(c, "") {
			return
		}
	case media:
		id, ok := parseID(c.Param("itemId"))
		if !ok {
			status(c, http.StatusNotFound)
			return
		}
		if !h.authenticate(c, core.ItemID(id)) {
			return
		}
	case anonymous:
		if a := authOf(c); a.Token != "" {
			if caller, err := h.Auth.Authenticate(c.Request.Context(), a.Token, c.ClientIP()); err == nil {
				c.Set(callerKey, caller)
			}
		}
	}
	for _, f := range rt.handler {
		if c.IsAborted() {
			return
		}
		f(c)
	}
}
