package plex

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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

// env is the Plex facade over a real SQLite store and the real core services; libraries are real
// folders scanned by the real scanner (fakeProber stands in for ffprobe: these tests check the
// wire format; real media is played in cmd/walros and e2e).
type env struct {
	t        *testing.T
	ctx      context.Context
	h        *Handler
	engine   *gin.Engine
	stores   store.Stores
	auth     *core.Auth
	users    *core.Users
	libs     *core.Libraries
	items    *core.Items
	userData *core.UserDataService
	scanner  *scan.Scanner
	operator core.Caller
	admin    string // the admin's token
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
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	auth, err := core.NewAuth(core.AuthConfig{SigningKey: core.NewSigningKey(), Password: cheap},
		core.AuthDeps{Users: st.Users, Sessions: st.Sessions, Keys: st.APIKeys, Links: st.Links, Now: time.Now, NewID: newID})
	if err != nil {
		t.Fatal(err)
	}
	users := core.NewUsers(core.UsersDeps{Users: st.Users, Libraries: st.Libraries, Sessions: st.Sessions,
		Password: cheap, Now: time.Now, NewID: newID})
	scanner := scan.New(st.Media, st.Libraries, fakeProber{}, scan.Options{NewID: newID, Now: time.Now,
		Metadata: st.Metadata, Items: st.Items})
	t.Cleanup(scanner.Close)
	e := &env{t: t, ctx: ctx, stores: st, auth: auth, users: users,
		libs: core.NewLibraries(st.Libraries, time.Now, newID), items: core.NewItems(st.Items, st.Media, st.Metadata),
		userData: core.NewUserData(st.UserData, st.Items, core.DefaultUserDataConfig, time.Now), scanner: scanner,
		operator: core.Caller{Admin: true, AllLibraries: true}}
	art, err := artwork.New(artwork.Options{CacheDir: t.TempDir(), AllowedRoots: func() []string {
		libs, _ := e.libs.List(ctx, e.operator)
		var roots []string
		for _, l := range libs {
			roots = append(roots, l.Paths...)
		}
		return roots
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.h = New(Deps{Auth: auth, Users: users, Libraries: e.libs, Items: e.items, UserData: e.userData,
		Playlists: core.NewPlaylists(st.Playlists, e.items, time.Now, newID), History: core.NewHistory(st.History, e.items, time.Now), Scans: scanner, Artwork: art,
		ServerID: "0123456789abcdef0123456789abcdef", ServerName: "test", Log: slog.New(slog.DiscardHandler), MaxBody: 1 << 16})
	e.engine = e.h.Engine()
	t.Cleanup(e.h.Close) // before the database closes: it records the sessions still open
	if _, err := users.Bootstrap(ctx, "admin", "admin-password"); err != nil {
		t.Fatal(err)
	}
	e.admin = e.login("admin", "admin-password")
	return e
}

// login signs a user in on a device and returns its token.
func (e *env) login(name, password string) string {
	e.t.Helper()
	tk, err := e.auth.LoginDevice(e.ctx, name, password, core.Device{Client: "Plex Test", DeviceID: name + "-device", Address: "192.0.2.1"})
	if err != nil {
		e.t.Fatal(err)
	}
	return tk.Device
}

// addUser creates a user who sees only libs and signs them in.
func (e *env) addUser(name string, libs ...core.LibraryID) string {
	e.t.Helper()
	n := core.NewUser{Username: name, Password: name + "-password", AllLibraries: len(libs) == 0, LibraryIDs: libs}
	if _, err := e.users.Create(e.ctx, e.operator, n); err != nil {
		e.t.Fatal(err)
	}
	return e.login(name, name+"-password")
}

// get sends a GET with the token in X-Plex-Token (none when ""); headers are name, value pairs.
func (e *env) get(path, token string, headers ...string) *httptest.ResponseRecorder {
	return e.do(http.MethodGet, path, token, headers...)
}

func (e *env) do(method, path, token string, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = "192.0.2.1:1234"
	if token != "" {
		req.Header.Set("X-Plex-Token", token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	return rec
}

// getJSON GETs path as JSON and decodes the MediaContainer.
func (e *env) getJSON(path, token string, headers ...string) map[string]any {
	e.t.Helper()
	rec := e.want(http.StatusOK, e.get(path, token, append(headers, "Accept", "application/json")...))
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		e.t.Fatalf("GET %s: Content-Type %q, want exactly application/json", path, ct)
	}
	var v struct{ MediaContainer map[string]any }
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.MediaContainer == nil {
		e.t.Fatalf("GET %s: %v: %s", path, err, rec.Body)
	}
	return v.MediaContainer
}

// decodeContainer decodes a JSON answer's MediaContainer.
func (e *env) decodeContainer(b []byte) map[string]any {
	e.t.Helper()
	var v struct{ MediaContainer map[string]any }
	if err := json.Unmarshal(b, &v); err != nil || v.MediaContainer == nil {
		e.t.Fatalf("%v: %s", err, b)
	}
	return v.MediaContainer
}

// library makes a library of typ over a new folder holding files (empty: fakeProber answers for
// them) and scans it.
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
	got, err := e.libs.Get(e.ctx, e.operator, lib.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
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

// fakeProber stands in for ffprobe: every video is a 90-minute 1080p H.264 file with English
// AAC 5.1 and a French AC-3 track; a .mp3 is a 3-minute MP3 track.
type fakeProber struct{}

func (fakeProber) Probe(_ context.Context, path string) (core.MediaInfo, error) {
	if strings.HasSuffix(path, ".mp3") {
		return core.MediaInfo{Container: "mp3", Duration: 3 * time.Minute, Bitrate: 320_000,
			Streams: []core.Stream{{Index: 0, Kind: core.StreamAudio, Codec: "mp3", Channels: 2, SampleRate: 44100, Default: true}},
			Tags:    map[string]string{}}, nil
	}
	return core.MediaInfo{Container: "matroska,webm", Duration: 90 * time.Minute, Bitrate: 8_000_000, Size: 16,
		Streams: []core.Stream{
			{Index: 0, Kind: core.StreamVideo, Codec: "h264", Profile: "High", Level: 41, Width: 1920, Height: 1080, FrameRate: 23.976, BitDepth: 8, Default: true},
			{Index: 1, Kind: core.StreamAudio, Codec: "aac", Language: "eng", Channels: 6, ChannelLayout: "5.1", SampleRate: 48000, Default: true},
			{Index: 2, Kind: core.StreamAudio, Codec: "ac3", Language: "fre", Channels: 6, ChannelLayout: "5.1(side)", SampleRate: 48000},
		}}, nil
}
