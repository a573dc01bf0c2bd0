package native

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/internal/logring"
	"github.com/walros/walros/openapi/openapitest"
	"github.com/walros/walros/store"
	"github.com/walros/walros/transcoder/hls"
)

// cheap keeps argon2 fast in tests; the production parameters are tested in core.
var cheap = core.PasswordParams{Memory: 64, Time: 1, Threads: 1}

// clock is a test clock that can be moved forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// maxImport is the tests' bound on import documents, small enough to pass.
const maxImport = 256 << 10

// env is a native API over a real SQLite store, with every response checked against the spec.
type env struct {
	t       *testing.T
	engine  *gin.Engine
	spec    *openapitest.Validator
	clock   *clock
	stores  store.Stores
	key     []byte
	admin   string // an admin's access token
	media   string // the folder local artwork may be served from
	uploads string // where uploaded pictures go
	logs    *logring.Ring
	// encoders and playing are the HLS manager's and the now-playing registry's stand-ins.
	encoders *fakeEncoders
	playing  *nowplaying.Registry
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, envOptions{})
}

// envOptions change what newEnvWith builds; the zero value builds newEnv's env.
type envOptions struct {
	prober    core.Prober     // nil: fakeProber
	downloads downloadService // nil: originals only
}

func newEnvWith(t *testing.T, opt envOptions) *env {
	t.Helper()
	if opt.prober == nil {
		opt.prober = fakeProber{}
	}
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := db.Stores()
	clk := &clock{now: time.Now().UTC()}
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	key := core.NewSigningKey()
	auth, err := core.NewAuth(core.AuthConfig{SigningKey: key, Password: cheap, AccessTTL: 15 * time.Minute},
		core.AuthDeps{Users: st.Users, Sessions: st.Sessions, Keys: st.APIKeys, Links: st.Links, Now: clk.Now, NewID: newID})
	if err != nil {
		t.Fatal(err)
	}
	users := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions,
		Password: cheap, Now: clk.Now, NewID: newID, PublicList: true})
	reg := prometheus.NewRegistry()
	metrics, err := middleware.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	scanner := scan.New(st.Media, st.Libraries, opt.prober, scan.Options{NewID: newID, Now: clk.Now,
		Metadata: st.Metadata, Items: st.Items})
	t.Cleanup(scanner.Close)
	media, uploads := t.TempDir(), t.TempDir()
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), UploadDir: uploads, Uploads: st.Metadata,
		AllowedRoots: func() []string { return []string{media} }})
	if err != nil {
		t.Fatal(err)
	}
	items := core.NewItems(st.Items, st.Media, st.Metadata)
	logs := logring.New(100)
	encoders, playing := &fakeEncoders{stats: hls.Stats{Renditions: 3, Heads: 2, Transcodes: 1, Started: 7}}, nowplaying.New(0)
	h, err := New(Deps{Logs: logs, Encoders: encoders, NowPlaying: playing, Auth: auth, Users: users, Libraries: core.NewLibraries(st.Libraries, clk.Now, newID), Artwork: art,
		Items: items, Playlists: core.NewPlaylists(st.Playlists, items, clk.Now, newID), BoxSets: core.NewBoxSets(st.BoxSets, items, st.Libraries, clk.Now, newID), History: core.NewHistory(st.History, items, clk.Now),
		UserData: core.NewUserData(st.UserData, st.Items, core.DefaultUserDataConfig, clk.Now), Lists: core.NewLists(st.Lists, items, clk.Now, newID),
		Transfer: core.NewTransfer(core.TransferDeps{Store: st.Transfer, Users: st.Users, Items: items, History: st.History, Lists: st.Lists,
			Playlists: st.Playlists, Now: clk.Now, NewID: newID}),
		Stats: core.NewStats(st.Stats, st.Users, st.Items, clk.Now),
		Scans: scanner, Downloads: opt.downloads, Ready: db.Ping, Metrics: metrics, Gatherer: reg, Log: slog.New(slog.DiscardHandler), MaxBody: 4096, MaxImport: maxImport})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, engine: h.Engine(), spec: openapitest.New(t), clock: clk, stores: st, key: key, media: media, uploads: uploads, logs: logs,
		encoders: encoders, playing: playing}
	if _, err := users.Bootstrap(ctx, "admin", "admin-password"); err != nil {
		t.Fatal(err)
	}
	e.admin = e.login("admin", "admin-password")
	return e
}

// do sends a request; body may be nil, a string (sent as is) or a value (sent as JSON). An answer
// of the native API is checked against the OpenAPI description.
func (e *env) do(method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	rec, req := e.serve(e.engine, method, path, body, headers...)
	if strings.HasPrefix(path, "/api/v1/") && rec.Code != http.StatusMethodNotAllowed {
		e.spec.Check(e.t, req, rec.Code, rec.Header(), rec.Body.Bytes())
	}
	return rec
}

// doOn is do on another handler than the env's (another facade over the same core).
func (e *env) doOn(h http.Handler, method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	rec, _ := e.serve(h, method, path, body, headers...)
	return rec
}

// serve builds the request do and doOn send, and has h answer it.
func (e *env) serve(h http.Handler, method, path string, body any, headers ...string) (*httptest.ResponseRecorder, *http.Request) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.1:1234"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, req
}

// as sends a request with a bearer token.
func (e *env) as(token, method, path string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(method, path, body, "Authorization", "Bearer "+token)
}

func (e *env) login(username, password string) string {
	e.t.Helper()
	var tok tokenResponse
	e.decode(e.want(http.StatusOK, e.do(http.MethodPost, "/api/v1/auth/login",
		map[string]string{"username": username, "password": password, "deviceId": "dev-" + username})), &tok)
	return tok.AccessToken
}

// addMovie stores a movie of the library, as a scan would, without a file.
func (e *env) addMovie(lib libraryDTO, id, title string) core.Item {
	e.t.Helper()
	it, err := e.stores.Items.CreateItem(context.Background(), core.Item{ID: core.ItemID(id), Kind: core.KindMovie, Title: title,
		LibraryID: core.LibraryID(lib.ID), CreatedAt: time.Now(), UpdatedAt: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// addUser creates a non-admin user through the API and returns a token for them.
func (e *env) addUser(name string, libs ...string) (string, userDTO) {
	e.t.Helper()
	body := map[string]any{"username": name, "password": name + "-password"}
	if libs != nil {
		body["allLibraries"], body["libraryIds"] = false, libs
	}
	var u userDTO
	e.decode(e.want(http.StatusCreated, e.as(e.admin, http.MethodPost, "/api/v1/users", body)), &u)
	return e.login(name, name+"-password"), u
}

func (e *env) addLibrary(name string) libraryDTO {
	e.t.Helper()
	var l libraryDTO
	e.decode(e.want(http.StatusCreated, e.as(e.admin, http.MethodPost, "/api/v1/libraries",
		map[string]any{"name": name, "type": "movies", "paths": []string{"/media/" + name}})), &l)
	return l
}

func (e *env) want(status int, rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	e.t.Helper()
	if rec.Code != status {
		e.t.Fatalf("status = %d, want %d; body: %s", rec.Code, status, rec.Body)
	}
	return rec
}

func (e *env) decode(rec *httptest.ResponseRecorder, v any) {
	e.t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		e.t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

func problemOf(t *testing.T, rec *httptest.ResponseRecorder) problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeProber stands in for ffprobe in API tests, which check the wire format, not probing (that is
// tested with real ffprobe in transcoder/probe and core/scan): every file is a 1080p H.264 movie
// with one AAC track and a chapter.
type fakeProber struct{}

func (fakeProber) Probe(_ context.Context, path string) (core.MediaInfo, error) {
	if strings.Contains(path, "Slow") {
		time.Sleep(400 * time.Millisecond) // long enough for a few progress events
	}
	if strings.HasSuffix(path, ".broken.mkv") {
		return core.MediaInfo{}, core.Invalid("", "Invalid data found when processing input")
	}
	if strings.Contains(path, "Languages") { // two audio tracks and three subtitles, for preferences
		return core.MediaInfo{Container: "mov,mp4,m4a,3gp,3g2,mj2", Duration: 90 * time.Minute, Bitrate: 5_000_000,
			Streams: []core.Stream{
				{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Width: 1920, Height: 1080, BitDepth: 8, Default: true},
				{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Channels: 2, SampleRate: 48000, Default: true},
				{Index: 2, Kind: core.StreamAudio, Codec: "aac", Language: "fre", Channels: 2, SampleRate: 48000},
				{Index: 3, Kind: core.StreamSubtitle, Codec: "mov_text", Language: "eng"},
				{Index: 4, Kind: core.StreamSubtitle, Codec: "mov_text", Language: "fre"},
				{Index: 5, Kind: core.StreamSubtitle, Codec: "mov_text", Language: "eng", Forced: true},
			}}, nil
	}
	return core.MediaInfo{Container: "matroska,webm", Duration: 90 * time.Minute, Bitrate: 8_000_000,
		Streams: []core.Stream{
			{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Width: 1920, Height: 1080, FrameRate: 23.976, BitDepth: 8, Default: true},
			{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Channels: 6, ChannelLayout: "5.1", SampleRate: 48000, Default: true},
		},
		Chapters: []core.Chapter{{Start: 0, End: 90 * time.Minute, Title: "Chapter 1"}}}, nil
}
