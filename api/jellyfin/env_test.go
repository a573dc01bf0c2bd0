package jellyfin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/store"
)

// cheap keeps argon2 fast in tests; the production parameters are tested in core.
var cheap = core.PasswordParams{Memory: 64, Time: 1, Threads: 1}

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

// env is the Jellyfin facade over a real SQLite store and the real core services; libraries are
// real folders scanned by the real scanner (with fakeProber standing in for ffprobe: these tests
// check the wire format; probing and streaming real media are tested in cmd/walros and e2e).
type env struct {
	t        *testing.T
	ctx      context.Context
	h        *Handler
	engine   *gin.Engine
	clock    *clock
	stores   store.Stores
	auth     *core.Auth
	users    *core.Users
	libs     *core.Libraries
	items    *core.Items
	userData *core.UserDataService
	history  *core.History
	scanner  *scan.Scanner
	operator core.Caller
	uploads  string // the artwork service's upload folder
	admin    string // the admin's device token
	adminID  string // the admin's id, N format
}

func newEnv(t *testing.T) *env {
	t.Helper()
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
	auth, err := core.NewAuth(core.AuthConfig{SigningKey: core.NewSigningKey(), Password: cheap},
		core.AuthDeps{Users: st.Users, Sessions: st.Sessions, Keys: st.APIKeys, Now: clk.Now, NewID: newID})
	if err != nil {
		t.Fatal(err)
	}
	users := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions,
		Password: cheap, Now: clk.Now, NewID: newID, PublicList: true})
	scanner := scan.New(st.Media, st.Libraries, fakeProber{}, scan.Options{NewID: newID, Now: clk.Now,
		Metadata: st.Metadata, Items: st.Items})
	t.Cleanup(scanner.Close)
	uploads := t.TempDir()
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), UploadDir: uploads, Uploads: st.Metadata,
		AllowedRoots: func() []string { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, clock: clk, stores: st, auth: auth, users: users,
		libs: core.NewLibraries(st.Libraries, clk.Now, newID), items: core.NewItems(st.Items, st.Media, st.Metadata),
		userData: core.NewUserData(st.UserData, st.Items, core.DefaultUserDataConfig, clk.Now), scanner: scanner,
		operator: core.Caller{Admin: true, AllLibraries: true}, uploads: uploads}
	e.history = core.NewHistory(st.History, e.items, clk.Now)
	e.h = New(Deps{Auth: auth, Users: users, Libraries: e.libs, Items: e.items, Scans: scanner, Artwork: art,
		UserData: e.userData, History: e.history, Playlists: core.NewPlaylists(st.Playlists, e.items, clk.Now, newID),
		BoxSets: core.NewBoxSets(st.BoxSets, e.items, st.Libraries, clk.Now, newID), ServerID: "0123456789abcdef0123456789abcdef", ServerName: "test",
		Log: slog.New(slog.DiscardHandler), MaxBody: 1 << 16})
	e.engine = e.h.Engine()
	if _, err := users.Bootstrap(ctx, "admin", "admin-password"); err != nil {
		t.Fatal(err)
	}
	e.admin, e.adminID = e.login("admin", "admin-password", "admin-device")
	return e
}

// clientAuth is the Authorization header a client sends, with token when not empty.
func clientAuth(deviceID, token string) string {
	return `MediaBrowser Client="Walros%20Test", Device="go", DeviceId="` + deviceID + `", Version="1.0.0", Token="` + token + `"`
}

// do sends a request with token in a MediaBrowser Authorization header (none when token is "");
// body may be nil, a string (sent as is) or a value (sent as JSON). headers are name, value pairs.
func (e *env) do(method, path, token string, body any, headers ...string) *httptest.ResponseRecorder {
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
	if token != "" {
		req.Header.Set("Authorization", clientAuth("test-device", token))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	return rec
}

// login signs in through AuthenticateByName and returns the device token and the user's id.
func (e *env) login(name, password, deviceID string) (token, userID string) {
	e.t.Helper()
	var res struct {
		AccessToken string
		User        struct{ Id string }
	}
	e.decode(e.want(http.StatusOK, e.do(http.MethodPost, "/Users/AuthenticateByName", "",
		map[string]string{"Username": name, "Pw": password}, "Authorization", clientAuth(deviceID, ""))), &res)
	return res.AccessToken, res.User.Id
}

// addUser creates a user who sees only libs (every library when none is given) and signs them in.
func (e *env) addUser(name string, libs ...core.LibraryID) (token, userID string) {
	e.t.Helper()
	n := core.NewUser{Username: name, Password: name + "-password", AllLibraries: len(libs) == 0, LibraryIDs: libs}
	if _, err := e.users.Create(e.ctx, e.operator, n); err != nil {
		e.t.Fatal(err)
	}
	return e.login(name, name+"-password", name+"-device")
}

// library makes a library of typ over a new folder holding files (paths relative to it, made
// empty: fakeProber answers for them) and scans it.
func (e *env) library(name string, typ core.LibraryType, files ...string) core.Library {
	e.t.Helper()
	root := e.t.TempDir()
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("not really media"), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	lib, err := e.libs.Create(e.ctx, e.operator, core.NewLibrary{Name: name, Type: typ, Paths: []string{root}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.scanner.Scan(e.ctx, lib, time.Hour, nil); err != nil {
		e.t.Fatal(err)
	}
	return lib
}

// item finds the item of a kind with this title, as the operator sees it.
func (e *env) item(kind core.ItemKind, title string) core.Item {
	e.t.Helper()
	its, _, err := e.items.List(e.ctx, e.operator, core.ItemQuery{Kinds: []core.ItemKind{kind}, Text: title, Limit: 10})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, it := range its {
		if strings.EqualFold(it.Title, title) {
			return it
		}
	}
	e.t.Fatalf("no %s titled %q among %+v", kind, title, its)
	return core.Item{}
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

// fakeProber stands in for ffprobe: every video is a 90-minute 1080p H.264 file with English
// AAC 5.1, a French AC-3 track and a chapter; a .mp3 is a 3-minute MP3 track.
type fakeProber struct{}

func (fakeProber) Probe(_ context.Context, path string) (core.MediaInfo, error) {
	if strings.HasSuffix(path, ".mp3") {
		return core.MediaInfo{Container: "mp3", Duration: 3 * time.Minute, Bitrate: 320_000,
			Streams: []core.Stream{{Index: 0, Kind: core.StreamAudio, Codec: "mp3", Channels: 2, SampleRate: 44100, Default: true}},
			Tags:    map[string]string{}}, nil
	}
	return core.MediaInfo{Container: "matroska,webm", Duration: 90 * time.Minute, Bitrate: 8_000_000, Size: 16,
		Streams: []core.Stream{
			{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Width: 1920, Height: 1080, FrameRate: 23.976, BitDepth: 8, Default: true, PixelFormat: "yuv420p"},
			{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Channels: 6, ChannelLayout: "5.1", SampleRate: 48000, Default: true},
			{Index: 2, Kind: core.StreamAudio, Codec: "ac3", Language: "fre", Channels: 6, ChannelLayout: "5.1(side)", SampleRate: 48000},
		},
		Chapters: []core.Chapter{{Start: 0, End: 90 * time.Minute, Title: "Chapter 1"}}}, nil
}
