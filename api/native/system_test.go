package native

import (
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/transcoder/hls"
)

func TestSystemLogs(t *testing.T) {
	e := newEnv(t)
	log := slog.New(e.logs.Handler(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Debug("probe detail", "file", "/m/a.mkv")
	log.Info("scan finished", "library", "Movies", "found", 2)
	log.Warn("slow probe", "ms", 900)
	log.WithGroup("ffmpeg").Error("encode failed", "exit", 1)

	type entry struct {
		Level   string            `json:"level"`
		Message string            `json:"message"`
		Attrs   map[string]string `json:"attrs"`
	}
	get := func(query string) []entry {
		t.Helper()
		var out struct{ Items []entry }
		rec := e.want(http.StatusOK, e.as(e.admin, http.MethodGet, "/api/v1/system/logs"+query, nil))
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		e.decode(rec, &out)
		return out.Items
	}
	messages := func(es []entry) string {
		var m []string
		for _, x := range es {
			m = append(m, x.Level+":"+x.Message)
		}
		return strings.Join(m, ", ")
	}

	all := get("")
	if got, want := messages(all), "debug:probe detail, info:scan finished, warn:slow probe, error:encode failed"; got != want {
		t.Fatalf("logs = %s, want %s", got, want)
	}
	if all[1].Attrs["library"] != "Movies" || all[1].Attrs["found"] != "2" || all[3].Attrs["ffmpeg.exit"] != "1" {
		t.Errorf("attrs: %+v, %+v", all[1].Attrs, all[3].Attrs)
	}
	if got, want := messages(get("?level=warn")), "warn:slow probe, error:encode failed"; got != want {
		t.Errorf("level=warn: %s, want %s", got, want)
	}
	if got, want := messages(get("?level=INFO&limit=2")), "warn:slow probe, error:encode failed"; got != want {
		t.Errorf("level=INFO&limit=2: %s, want the two newest, %s", got, want)
	}

	for _, q := range []string{"?level=verbose", "?level=info%2B2", "?limit=0", "?limit=1001", "?limit=x"} {
		if rec := e.as(e.admin, http.MethodGet, "/api/v1/system/logs"+q, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, rec.Code)
		}
	}
	// Not for other users, and not without credentials.
	bob, _ := e.addUser("bob")
	if rec := e.as(bob, http.MethodGet, "/api/v1/system/logs", nil); rec.Code != http.StatusNotFound {
		t.Errorf("non-admin: status %d, want 404", rec.Code)
	}
	if rec := e.do(http.MethodGet, "/api/v1/system/logs", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d, want 401", rec.Code)
	}
}

// fakeEncoders stands in for the HLS manager's counts and renditions.
type fakeEncoders struct {
	stats hls.Stats
	list  []hls.RenditionInfo
}

func (f *fakeEncoders) Stats() hls.Stats                { return f.stats }
func (f *fakeEncoders) Renditions() []hls.RenditionInfo { return f.list }

func TestSystemTranscodes(t *testing.T) {
	e := newEnv(t)
	var got transcodesDTO
	e.decode(e.want(http.StatusOK, e.as(e.admin, http.MethodGet, "/api/v1/system/transcodes", nil)), &got)
	if want := (transcodesDTO{Renditions: 3, Encoders: 2, Transcodes: 1, Started: 7, Items: []renditionDTO{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("transcodes = %+v, want %+v", got, want)
	}
	// The renditions, with their users' names and the item playing their file.
	adminID := e.userID(e.admin)
	used := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
	e.encoders.list = []hls.RenditionInfo{
		{File: "f-heat", ID: "v-h264-1280x720-3000k", Kind: hls.Video, Encoders: 1, Users: []string{adminID, "gone"}, Used: used},
		{File: "f-heat", ID: "v-copy", Kind: hls.Video, Copy: true, Encoders: 1, Used: used},
		{File: "f-other", ID: "a1-aac-2ch-128k", Kind: hls.Audio, Used: used},
	}
	e.playing.Report(nowplaying.Playback{Key: "s", User: core.UserID(adminID), Item: core.Item{ID: "heat", Title: "Heat"}, File: "f-heat"})
	got = transcodesDTO{}
	e.decode(e.want(http.StatusOK, e.as(e.admin, http.MethodGet, "/api/v1/system/transcodes", nil)), &got)
	heat, title := "heat", "Heat"
	want := []renditionDTO{
		{FileID: "f-heat", Rendition: "v-h264-1280x720-3000k", Kind: "video", Work: "encode", Encoders: 1, Users: []string{"admin", "gone"},
			LastUsed: used, ItemID: &heat, ItemTitle: &title},
		{FileID: "f-heat", Rendition: "v-copy", Kind: "video", Work: "copy", Encoders: 1, Users: []string{}, LastUsed: used, ItemID: &heat, ItemTitle: &title},
		{FileID: "f-other", Rendition: "a1-aac-2ch-128k", Kind: "audio", Work: "idle", Users: []string{}, LastUsed: used},
	}
	if !reflect.DeepEqual(got.Items, want) {
		t.Errorf("renditions = %+v\nwant %+v", got.Items, want)
	}
	bob, _ := e.addUser("bob")
	if rec := e.as(bob, http.MethodGet, "/api/v1/system/transcodes", nil); rec.Code != http.StatusNotFound {
		t.Errorf("non-admin: status %d, want 404", rec.Code)
	}
}
