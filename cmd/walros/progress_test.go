package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"github.com/walros/walros/transcoder/testmedia"
)

// TestProgressSurvivesKill9 sends a burst of progress reports to the real binary, kills it with
// SIGKILL as soon as the last is acknowledged, and finds every one of them in the database.
func TestProgressSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ff := ffmpegtest.RequireFFmpeg(t)
	ffmpegtest.RequireFFprobe(t)
	media := t.TempDir()
	first := filepath.Join(media, "Movie 00 (2000)", "Movie 00 (2000).mkv")
	if err := testmedia.Generate(context.Background(), ff, testmedia.Spec{Path: first, Duration: 10 * time.Second,
		VideoCodec: "h264", AudioCodec: "aac"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	for i := 1; i < n; i++ {
		write(t, filepath.Join(media, fmt.Sprintf("Movie %02d (%d)", i, 2000+i), fmt.Sprintf("Movie %02d (%d).mkv", i, 2000+i)), b)
	}
	data, bin := t.TempDir(), buildWalros(t)
	if out, err := exec.Command(bin, "library", "add", "Movies", "--type", "movies", media, "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("library add: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "scan", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("scan: %v\n%s", err, out)
	}
	cmd, base, _ := startBinary(t, bin, data)

	// Sign in as a Jellyfin client does, and list the movies.
	auth := `MediaBrowser Client="test", Device="go", DeviceId="kill9", Version="1.0"`
	jf := func(method, path, token, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Emby-Authorization", auth)
		if token != "" {
			req.Header.Set("X-Emby-Token", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, out
	}
	code, out := jf("POST", "/Users/AuthenticateByName", "", `{"Username":"admin","Pw":"correct-horse"}`)
	var login struct {
		AccessToken string
		User        struct{ Id string }
	}
	if code != http.StatusOK || json.Unmarshal(out, &login) != nil {
		t.Fatalf("login: %d %s", code, out)
	}
	code, out = jf("GET", "/Items?IncludeItemTypes=Movie&Recursive=true", login.AccessToken, "")
	var items struct{ Items []struct{ Id string } }
	if code != http.StatusOK || json.Unmarshal(out, &items) != nil || len(items.Items) != n {
		t.Fatalf("movies: %d %s", code, out)
	}

	// The burst: one position per movie, 2 to 5.9 s into 10 s, all at once.
	want := map[string]time.Duration{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, it := range items.Items {
		pos := 2*time.Second + time.Duration(i)*100*time.Millisecond
		wg.Go(func() {
			code, out := jf("POST", "/UserItems/"+it.Id+"/UserData", login.AccessToken, fmt.Sprintf(`{"PlaybackPositionTicks":%d}`, pos/100))
			if code != http.StatusOK {
				t.Errorf("report %s: %d %s", it.Id, code, out)
				return
			}
			mu.Lock()
			want[it.Id] = pos
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL, the moment the last answer came
		t.Fatal(err)
	}
	cmd.Wait()

	cfg := config.Default()
	cfg.Data = data
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ids := make([]core.ItemID, 0, len(want))
	for id := range want {
		ids = append(ids, dashed(id))
	}
	got, err := a.db.Stores().UserData.UserData(context.Background(), core.UserID(dashed(login.User.Id)), ids)
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for id, pos := range want {
		if got[dashed(id)].Position != pos {
			lost++
			t.Errorf("%s: position %v after the kill, acknowledged %v", id, got[dashed(id)].Position, pos)
		}
	}
	t.Logf("%d acknowledged reports, %d lost", len(want), lost)
}

// dashed turns Jellyfin's 32-digit ids back into Walros's UUIDs.
func dashed(id string) core.ItemID {
	if len(id) != 32 {
		return core.ItemID(id)
	}
	return core.ItemID(id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:])
}
