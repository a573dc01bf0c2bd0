package plex

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/nowplaying"
)

// TestTimelineFeedsNowPlaying: timeline reports move the player's entry in the server's registry,
// and a stop removes it.
func TestTimelineFeedsNowPlaying(t *testing.T) {
	e := newEnv(t)
	reg := nowplaying.New(0)
	e.h.NowPlaying = reg
	e.library("Movies", core.LibraryMovies, "Heat (1995)/Heat (1995).mkv")
	heat := e.item(core.KindMovie, "Heat")
	report := func(state string, ms int) {
		t.Helper()
		e.want(http.StatusOK, e.get("/:/timeline?ratingKey="+strconv.FormatInt(heat.Key, 10)+"&state="+state+"&time="+strconv.Itoa(ms)+
			"&X-Plex-Client-Identifier=tv", e.admin, "X-Plex-Product", "Plex Web", "X-Plex-Device-Name", "Living room"))
	}
	report("playing", 600_000)
	report("paused", 610_000)
	list := reg.List()
	if len(list) != 1 {
		t.Fatalf("registry = %+v", list)
	}
	p := list[0]
	if p.API != "plex" || p.Item.ID != heat.ID || p.Position != 610*time.Second || !p.Paused || p.Device != "Living room" ||
		p.Client != "Plex Web" || p.DeviceID != "tv" || p.Method != core.PlayDirect || p.User == "" || p.Key == "" {
		t.Fatalf("entry = %+v", p)
	}
	report("stopped", 620_000)
	if list = reg.List(); len(list) != 0 {
		t.Fatalf("after the stop: %+v", list)
	}
}
