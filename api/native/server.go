// Package native serves Walros's own REST API under /api/v1, as described by openapi/openapi.yaml,
// plus the operational endpoints (/healthz, /readyz, /metrics) and the API docs page.
package native

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/openapi"
)

// authService is what the handlers need from core.Auth.
type authService interface {
	Login(ctx context.Context, username, password string, dev core.Device) (core.Tokens, error)
	Refresh(ctx context.Context, refresh, address string) (core.Tokens, error)
	Logout(ctx context.Context, c core.Caller) error
	Authenticate(ctx context.Context, credential, address string) (core.Caller, error)
	AuthenticateMedia(ctx context.Context, credential, address string, item core.ItemID) (core.Caller, error)
	AuthenticateImage(ctx context.Context, credential, address string, item core.ItemID) (core.Caller, error)
	MediaToken(c core.Caller, item core.ItemID) (string, error)
	Sessions(ctx context.Context, c core.Caller, all bool) ([]core.Session, error)
	RevokeSession(ctx context.Context, c core.Caller, id core.SessionID) error
	CreateAPIKey(ctx context.Context, c core.Caller, name string) (core.APIKey, string, error)
	APIKeys(ctx context.Context, c core.Caller) ([]core.APIKey, error)
	RevokeAPIKey(ctx context.Context, c core.Caller, id core.APIKeyID) error
	Switch(ctx context.Context, c core.Caller, r core.SwitchRequest) (core.Tokens, error)
	LinkToken(ctx context.Context, c core.Caller, user core.UserID, label, token string) (core.LinkedToken, error)
	LinkedTokens(ctx context.Context, c core.Caller, user core.UserID) ([]core.LinkedToken, error)
	UnlinkToken(ctx context.Context, c core.Caller, id core.LinkedTokenID) error
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

// historyService is core.History.
type historyService interface {
	List(ctx context.Context, c core.Caller, q core.HistoryQuery) ([]core.HistoryEntry, int, error)
	Record(ctx context.Context, c core.Caller, e core.HistoryEntry) (core.HistoryEntry, error)
}

// userDataService is core.UserDataService.
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

// listService is core.Lists.
type listService interface {
	Watchlist(ctx context.Context, c core.Caller, p core.ListPage) ([]core.ListEntry, int, error)
	AddToWatchlist(ctx context.Context, c core.Caller, id core.ItemID) error
	RemoveFromWatchlist(ctx context.Context, c core.Caller, id core.ItemID) error
	Lists(ctx context.Context, c core.Caller) ([]core.List, error)
	Containing(ctx context.Context, c core.Caller, id core.ItemID) (bool, []core.List, error)
	Create(ctx context.Context, c core.Caller, name string, items []core.ItemID) (core.List, error)
	Get(ctx context.Context, c core.Caller, id core.ListID) (core.List, error)
	Rename(ctx context.Context, c core.Caller, id core.ListID, name string) (core.List, error)
	Delete(ctx context.Context, c core.Caller, id core.ListID) error
	Entries(ctx context.Context, c core.Caller, id core.ListID, p core.ListPage) ([]core.ListEntry, int, error)
	Add(ctx context.Context, c core.Caller, id core.ListID, items []core.ItemID) (core.List, error)
	Remove(ctx context.Context, c core.Caller, id core.ListID, item core.ItemID) (core.List, error)
}

// transferService is core.Transfer.
type transferService interface {
	Export(ctx context.Context, c core.Caller, user core.UserID) (core.TransferDoc, error)
	Import(ctx context.Context, c core.Caller, user core.UserID, doc core.TransferDoc) (core.ImportReport, error)
}

// statsService is core.Stats.
type statsService interface {
	Server(ctx context.Context, c core.Caller, q core.StatsQuery) (core.ServerStats, error)
	User(ctx context.Context, c core.Caller, user core.UserID, q core.StatsQuery) (core.UserStats, error)
}

// userService is what the handlers need from core.Users.
type userService interface {
	Create(ctx context.Context, c core.Caller, n core.NewUser) (core.User, error)
	Get(ctx context.Context, c core.Caller, id core.UserID) (core.User, error)
	List(ctx context.Context, c core.Caller) ([]core.User, error)
	Me(ctx context.Context, c core.Caller) (core.User, error)
	Update(ctx context.Context, c core.Caller, id core.UserID, p core.UserPatch) (core.User, error)
	UpdateMe(ctx context.Context, c core.Caller, p core.SelfPatch) (core.User, error)
	Delete(ctx context.Context, c core.Caller, id core.UserID) error
	Public(ctx context.Context) ([]core.User, error)
	Names(ctx context.Context, ids []core.UserID) (map[core.UserID]string, error)
}

// libraryService is what the handlers need from core.Libraries.
type libraryService interface {
	List(ctx context.Context, c core.Caller) ([]core.Library, error)
	Get(ctx context.Context, c core.Caller, id core.LibraryID) (core.Library, error)
	Create(ctx context.Context, c core.Caller, n core.NewLibrary) (core.Library, error)
	Update(ctx context.Context, c core.Caller, id core.LibraryID, p core.LibraryPatch) (core.Library, error)
	Delete(ctx context.Context, c core.Caller, id core.LibraryID) error
}

// itemService is what the handlers need from core.Items.
type itemService interface {
	Get(ctx context.Context, c core.Caller, id core.ItemID) (core.Item, error)
	List(ctx context.Context, c core.Caller, q core.ItemQuery) ([]core.Item, int, error)
	Facets(ctx context.Context, c core.Caller, q core.FacetQuery) ([]core.Facet, int, error)
	Files(ctx context.Context, c core.Caller, id core.ItemID) ([]core.MediaFile, error)
	PlayableFile(ctx context.Context, c core.Caller, id core.ItemID, file core.FileID) (core.MediaFile, error)
	Metadata(ctx context.Context, c core.Caller, id core.ItemID) (core.Metadata, error)
	Edit(ctx context.Context, c core.Caller, id core.ItemID, m core.Metadata, fields, unlock []string) (core.Metadata, error)
	Image(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Image, error)
	Person(ctx context.Context, c core.Caller, name string) (core.Person, error)
	PersonImage(ctx context.Context, c core.Caller, name string) (core.Image, error)
	Images(ctx context.Context, c core.Caller, id core.ItemID) ([]core.Image, error)
	SelectImage(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Metadata, error)
	AddImage(ctx context.Context, c core.Caller, id core.ItemID, img core.Image) (core.Metadata, error)
	DeleteImage(ctx context.Context, c core.Caller, id core.ItemID, kind core.ImageKind, index int) (core.Image, core.Metadata, error)
}

// artworkService is what the handlers need from artwork.Service.
type artworkService interface {
	Render(ctx context.Context, img core.Image, req artwork.Request) (artwork.Rendition, error)
	BlurHash(ctx context.Context, img core.Image) (string, error)
	Save(ctx context.Context, kind core.ImageKind, r io.Reader) (core.Image, error)
	Uploaded(img core.Image) bool
	Remove(ctx context.Context, img core.Image) error
	Size(ctx context.Context, img core.Image) (width, height int, ok bool)
}

// scanService is what the handlers need from scan.Scanner.
type scanService interface {
	Start(ctx context.Context, c core.Caller, id core.LibraryID) (scan.Progress, error)
	Status(c core.Caller, id core.LibraryID) (scan.Progress, error)
	Identify(ctx context.Context, c core.Caller, id core.ItemID, ids map[string]string) (core.Metadata, error)
}

// Deps are the native API's dependencies.
type Deps struct {
	Auth      authService
	Users     userService
	Libraries libraryService
	Items     itemService
	Playlists playlistService
	History   historyService
	BoxSets   boxSetService
	UserData  userDataService
	Lists     listService
	Transfer  transferService
	Stats     statsService
	Scans     scanService
	Artwork   artworkService
	Streams   streamService
	// Subtitles extracts an embedded text subtitle as WebVTT.
	Subtitles subtitleExtractor
	Audio     audioService
	Thumbs    thumbService
	// Downloads encodes the MP4s of transcoded downloads; nil offers originals only.
	Downloads downloadService
	// Ready reports whether the server can take traffic (the database answers, ...).
	Ready    func(ctx context.Context) error
	Metrics  *middleware.Metrics
	Gatherer prometheus.Gatherer // nil: no /metrics
	Log      *slog.Logger
	MaxBody  int64 // bytes per request body
	// MaxImport is the largest import document, in bytes (64 MiB by default).
	MaxImport int64
	// MaxImage is the largest uploaded picture, in bytes (20 MiB by default).
	MaxImage int64
	// TrustedProxies are the proxies whose X-Forwarded-For gives the client address; none by default.
	TrustedProxies []string
	// Logs holds the server's latest log records for GET /system/logs; nil keeps none.
	Logs logSource
	// Encoders reports the HLS/DASH encoder runs for GET /system/transcodes.
	Encoders encoderStats
	// NowPlaying is what every client plays, which progress reports feed and GET /system/playing
	// reads; nil keeps nothing.
	NowPlaying *nowplaying.Registry
}

// Handler is the native API.
type Handler struct {
	Deps
	docs http.Handler
}

// New returns the native API handler.
func New(d Deps) (*Handler, error) {
	docs, err := openapi.DocsHandler()
	if err != nil {
		return nil, err
	}
	if d.MaxBody <= 0 {
		d.MaxBody = 1 << 20
	}
	if d.MaxImport <= 0 {
		d.MaxImport = 64 << 20
	}
	if d.MaxImage <= 0 {
		d.MaxImage = 20 << 20
	}
	return &Handler{Deps: d, docs: docs}, nil
}

// PublicRoutes lists the routes that need no credentials; every other route does. Tests hold the
// router to this list.
var PublicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/docs", "GET /api/v1/openapi.yaml",
	"POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "GET /api/v1/users/public",
}

// Engine builds the gin engine with every route.
func (h *Handler) Engine() *gin.Engine {
	e := gin.New()
	if err := e.SetTrustedProxies(h.TrustedProxies); err != nil {
		panic(err) // config validated them at start
	}
	e.HandleMethodNotAllowed = true
	e.Use(middleware.RequestID())
	if h.Metrics != nil {
		e.Use(h.Metrics.Handler("native"))
	}
	e.Use(middleware.AccessLog(h.Log), gin.CustomRecovery(h.recovered), h.bodyLimit())
	e.NoRoute(func(c *gin.Context) { h.problem(c, http.StatusNotFound, "Not Found", "no such route") })
	e.NoMethod(func(c *gin.Context) {
		h.problem(c, http.StatusMethodNotAllowed, "Method Not Allowed", "the route exists with other methods")
	})

	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", h.ready)
	if h.Gatherer != nil {
		e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(h.Gatherer, promhttp.HandlerOpts{})))
	}
	e.GET("/api/docs", gin.WrapH(h.docs))

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", gin.WrapH(openapi.SpecHandler()))
	v1.POST("/auth/login", h.login)
	v1.POST("/auth/refresh", h.refresh)
	v1.GET("/users/public", h.publicUsers)

	// Media routes also take the token in the query: <img> and <video> cannot send headers.
	images := v1.Group("", h.authenticateImage)
	images.GET("/items/:id/images/:kind/:index", h.itemImage)
	images.GET("/people/:name/image", h.personImage)
	media := v1.Group("", h.authenticateMedia)
	media.GET("/items/:id/stream", h.streamFile)
	media.HEAD("/items/:id/stream", h.streamFile)
	media.GET("/items/:id/hls/master.m3u8", h.hlsMaster)
	media.GET("/items/:id/hls/:rendition/:file", h.hlsRoute)
	media.GET("/items/:id/dash/manifest.mpd", h.dashManifest)
	media.GET("/items/:id/subtitles/:name", h.subtitleFile)
	media.GET("/items/:id/files/:fileId/subtitles/:name", h.subtitleFile)
	media.GET("/items/:id/audio", h.audioStream)
	media.GET("/items/:id/thumbs/:name", h.thumbsFile)
	media.GET("/items/:id/download", h.downloadFile)
	media.HEAD("/items/:id/download", h.downloadFile)

	a := v1.Group("", h.authenticate)
	a.POST("/auth/logout", h.logout)
	a.POST("/auth/switch", h.switchUser)
	a.GET("/users/me", h.me)
	a.PATCH("/users/me", h.updateMe)
	a.GET("/users/me/stats", h.myStats)
	a.GET("/users", h.listUsers)
	a.POST("/users", h.createUser)
	a.GET("/users/:id", h.getUser)
	a.PATCH("/users/:id", h.updateUser)
	a.DELETE("/users/:id", h.deleteUser)
	a.GET("/libraries", h.listLibraries)
	a.POST("/libraries", h.createLibrary)
	a.GET("/libraries/:id", h.getLibrary)
	a.PATCH("/libraries/:id", h.updateLibrary)
	a.DELETE("/libraries/:id", h.deleteLibrary)
	a.POST("/libraries/:id/scan", h.startScan)
	a.GET("/libraries/:id/scan", h.getScan)
	a.GET("/libraries/:id/scan/events", h.scanEvents)
	a.GET("/items", h.listItems)
	a.GET("/items/:id", h.getItem)
	a.PATCH("/items/:id", h.editItem)
	a.POST("/items/:id/identify", h.identifyItem)
	a.GET("/items/:id/images", h.listImages)
	a.POST("/items/:id/images/:kind", h.uploadImage)
	a.POST("/items/:id/images/:kind/:index/select", h.selectImage)
	a.DELETE("/items/:id/images/:kind/:index", h.deleteImage)
	a.POST("/items/:id/media-token", h.mediaToken)
	a.POST("/items/:id/playback", h.playbackInfo)
	a.GET("/items/:id/downloads", h.itemDownloads)
	a.GET("/playlists/:id/downloads", h.playlistDownloads)
	a.GET("/genres", h.facets(core.FacetGenre))
	a.GET("/studios", h.facets(core.FacetStudio))
	a.GET("/tags", h.facets(core.FacetTag))
	a.GET("/collections", h.facets(core.FacetCollection))
	a.GET("/people", h.facets(core.FacetPerson))
	a.GET("/people/:name", h.getPerson)
	a.GET("/sessions", h.listSessions)
	a.DELETE("/sessions/:id", h.revokeSession)
	a.GET("/apikeys", h.listAPIKeys)
	a.POST("/apikeys", h.createAPIKey)
	a.DELETE("/apikeys/:id", h.revokeAPIKey)
	a.GET("/playlists", h.listPlaylists)
	a.POST("/playlists", h.createPlaylist)
	a.GET("/playlists/:id", h.getPlaylist)
	a.PATCH("/playlists/:id", h.updatePlaylist)
	a.DELETE("/playlists/:id", h.deletePlaylist)
	a.GET("/playlists/:id/entries", h.playlistEntries)
	a.POST("/playlists/:id/entries", h.addToPlaylist)
	a.DELETE("/playlists/:id/entries/:entry", h.removeFromPlaylist)
	a.POST("/playlists/:id/entries/:entry/move", h.movePlaylistEntry)
	a.GET("/history", h.listHistory)
	a.GET("/ratings", h.listRatings)
	a.GET("/system/logs", h.systemLogs)
	a.GET("/system/transcodes", h.systemTranscodes)
	a.GET("/system/playing", h.systemPlaying)
	a.POST("/boxsets", h.createBoxSet)
	a.POST("/boxsets/:id/items", h.addToBoxSet)
	a.DELETE("/boxsets/:id/items/:item", h.removeFromBoxSet)
	a.DELETE("/boxsets/:id", h.deleteBoxSet)
	a.GET("/items/:id/userdata", h.getUserData)
	a.PATCH("/items/:id/userdata", h.updateUserData)
	a.POST("/items/:id/played", h.markPlayed(true))
	a.DELETE("/items/:id/played", h.markPlayed(false))
	a.POST("/items/:id/progress", h.reportProgress)
	a.GET("/items/:id/lists", h.itemLists)
	a.GET("/users/me/resume", h.listResume)
	a.GET("/users/me/nextup", h.listNextUp)
	a.GET("/users/me/favorites", h.listFavorites)
	a.GET("/users/me/watchlist", h.listWatchlist)
	a.PUT("/users/me/watchlist/:item", h.addToWatchlist)
	a.DELETE("/users/me/watchlist/:item", h.removeFromWatchlist)
	a.GET("/lists", h.listLists)
	a.POST("/lists", h.createList)
	a.GET("/lists/:id", h.getList)
	a.PATCH("/lists/:id", h.renameList)
	a.DELETE("/lists/:id", h.deleteList)
	a.GET("/lists/:id/items", h.listEntries)
	a.POST("/lists/:id/items", h.addToList)
	a.DELETE("/lists/:id/items/:item", h.removeFromList)
	a.GET("/users/me/export", h.exportUserData)
	a.GET("/users/:id/export", h.exportUserData)
	a.POST("/users/me/import", h.importUserData)
	a.POST("/users/:id/import", h.importUserData)
	a.GET("/stats", h.serverStats)
	a.GET("/users/:id/stats", h.userStats)
	a.GET("/users/:id/linked-tokens", h.listLinkedTokens)
	a.POST("/users/:id/linked-tokens", h.linkToken)
	a.DELETE("/linked-tokens/:id", h.unlinkToken)
	return e
}

// bodyLimit bounds request bodies: MaxBody, or MaxImport for the import routes, whose documents
// hold a user's whole history, or MaxImage for uploaded pictures.
func (h *Handler) bodyLimit() gin.HandlerFunc {
	normal, large := middleware.BodyLimit(h.MaxBody, time.Minute), middleware.BodyLimit(max(h.MaxBody, h.MaxImport), 5*time.Minute)
	picture := middleware.BodyLimit(max(h.MaxBody, h.MaxImage), 5*time.Minute)
	return func(c *gin.Context) {
		switch {
		case strings.HasSuffix(c.FullPath(), "/import"):
			large(c)
			return
		case c.FullPath() == "/api/v1/items/:id/images/:kind" && c.Request.Method == http.MethodPost:
			picture(c)
			return
		}
		normal(c)
	}
}

func (h *Handler) ready(c *gin.Context) {
	if h.Ready != nil {
		if err := h.Ready(c.Request.Context()); err != nil {
			h.Log.WarnContext(c.Request.Context(), "not ready", "err", err)
			h.problem(c, http.StatusServiceUnavailable, "Service Unavailable", "not ready")
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

const callerKey = "walros.caller"

// authenticate admits requests with a valid access token (Authorization: Bearer) or API key
// (X-Api-Key, or Bearer too), and answers 401 otherwise.
func (h *Handler) authenticate(c *gin.Context) {
	h.admit(c, credential(c))
}

// authenticateMedia is authenticate for media URLs, which may carry the credential as ?token=.
func (h *Handler) authenticateMedia(c *gin.Context) {
	h.admitURL(c, h.Auth.AuthenticateMedia)
}

// authenticateImage is authenticateMedia for image URLs, which also take image tokens.
func (h *Handler) authenticateImage(c *gin.Context) {
	h.admitURL(c, h.Auth.AuthenticateImage)
}

func (h *Handler) admitURL(c *gin.Context, auth func(ctx context.Context, credential, address string, item core.ItemID) (core.Caller, error)) {
	cred := credential(c)
	if cred == "" {
		cred = c.Query("token")
	}
	caller, err := auth(c.Request.Context(), cred, c.ClientIP(), core.ItemID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		c.Abort()
		return
	}
	c.Set(callerKey, caller)
	c.Next()
}

func credential(c *gin.Context) string {
	cred := c.GetHeader("X-Api-Key")
	if auth := c.GetHeader("Authorization"); cred == "" && auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			cred = strings.TrimSpace(token)
		}
	}
	return cred
}

func (h *Handler) admit(c *gin.Context, cred string) {
	caller, err := h.Auth.Authenticate(c.Request.Context(), cred, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		c.Abort()
		return
	}
	c.Set(callerKey, caller)
	c.Next()
}

func callerOf(c *gin.Context) core.Caller {
	v, _ := c.Get(callerKey)
	caller, _ := v.(core.Caller)
	return caller
}
