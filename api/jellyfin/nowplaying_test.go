package jellyfin

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
)

// TestReportsFeedNowPlaying: a PlaybackInfo decision and the reports that follow put the session's
// play in the server's registry, with the transcode's reasons, and a stop takes it out.
func TestReportsFeedNowPlaying(t *testing.T) {
	e, _, id := movieEnv(t)
	reg := nowplaying.New(0)
	e.h.NowPlaying = reg
	br := e.playbackInfo(id, e.admin, map[string]any{"deviceprofile": browserProfile, "audioStreamIndex": 2})
	ms := br.MediaSources[0]
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing", e.admin, map[string]any{"ItemId": id, "MediaSourceId": ms.Id,
		"PlayMethod": "Transcode", "PositionTicks": 50_000_000, "PlaySessionId": br.PlaySessionId}))
	list := reg.List()
	if len(list) != 1 {
		t.Fatalf("registry = %+v", list)
	}
	p := list[0]
	if p.API != "jellyfin" || jid(p.Item.ID) != id || p.Position != 5*time.Second || p.Device != "go" || p.Client != "Walros Test" ||
		p.DeviceID != "test-device" || p.Method == core.PlayDirect || p.Method == "" || jid(p.File) != ms.Id || p.Session == "" {
		t.Fatalf("entry = %+v", p)
	}
	if p.Transcode == nil || !slices.Contains(p.Transcode.Reasons, "ContainerNotSupported") || p.AudioStream == nil || *p.AudioStream != 2 {
		t.Fatalf("transcode = %+v, audio %v", p.Transcode, p.AudioStream)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Progress", e.admin, map[string]any{"ItemId": id, "PositionTicks": 60_000_000,
		"IsPaused": true}))
	if p, _ = reg.Get(p.Key); !p.Paused || p.Position != 6*time.Second || p.Transcode == nil {
		t.Fatalf("after a paused progress: %+v", p)
	}
	e.want(http.StatusNoContent, e.do("POST", "/Sessions/Playing/Stopped", e.admin, map[string]any{"ItemId": id, "PositionTicks": 70_000_000}))
	if list = reg.List(); len(list) != 0 {
		t.Fatalf("after the stop: %+v", list)
	}
}
