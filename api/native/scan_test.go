package native

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestScanThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	root := t.TempDir()
	for _, p := range []string{"Heat (1995)/Heat (1995) - 1080p.mkv", "Heat (1995)/Heat (1995) - 2160p.mkv", "Bad (2000)/Bad (2000).broken.mkv"} {
		path := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var lib libraryDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "Movies", "type": "movies",
		"paths": []string{root}})), &lib)
	e.want(404, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil)) // never scanned
	var st scanStatusDTO
	e.decode(e.want(202, e.as(e.admin, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	for deadline := time.Now().Add(10 * time.Second); st.Running; {
		if time.Now().After(deadline) {
			t.Fatalf("scan still running: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
		e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil)), &st)
	}
	if st.Found != 3 || st.Probed != 3 || st.Failed != 1 || st.Error != nil || st.FinishedAt == nil {
		t.Fatalf("scan status: %+v", st)
	}
	var page struct {
		Items []itemDTO `json:"items"`
		Total int       `json:"total"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items?type=movie", nil)), &page)
	if page.Total != 1 || page.Items[0].Title != "Heat" || *page.Items[0].Year != 1995 || page.Items[0].RuntimeMS != 90*60*1000 {
		t.Fatalf("movies: %+v", page)
	}
	var detail struct {
		itemDTO
		Files []mediaFileDTO `json:"files"`
	}
	e.decode(e.want(200, e.as(e.admin, "GET", "/api/v1/items/"+page.Items[0].ID, nil)), &detail)
	if len(detail.Files) != 2 || detail.Files[0].Version != "1080p" || detail.Files[1].Version != "2160p" ||
		len(detail.Files[0].Streams) != 2 || detail.Files[0].Streams[1].ChannelLayout != "5.1" || len(detail.Files[0].Chapters) != 1 {
		t.Fatalf("detail: %+v", detail)
	}

	// Events: a finished scan answers with one "done" event and ends the stream.
	events := e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan/events", nil))
	if ct := events.Header().Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	body := events.Body.String()
	if !strings.HasPrefix(body, "event: done\ndata: {") || !strings.HasSuffix(body, "}\n\n") || !strings.Contains(body, `"probed":3`) {
		t.Fatalf("events: %q", body)
	}

	bob, _ := e.addUser("bob")
	e.want(404, e.as(bob, "GET", "/api/v1/libraries/"+lib.ID+"/scan/events", nil))
	e.want(404, e.as(bob, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil))
	e.want(404, e.as(bob, "GET", "/api/v1/libraries/"+lib.ID+"/scan", nil))
}

func TestScanEventsWhileRunning(t *testing.T) {
	e := newEnv(t)
	root := t.TempDir()
	for _, p := range []string{"Slow A (2001)/Slow A (2001).mkv", "Slow B (2002)/Slow B (2002).mkv", "Slow C (2003)/Slow C (2003).mkv"} {
		path := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var lib libraryDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/libraries", map[string]any{"name": "Slow", "type": "movies",
		"paths": []string{root}})), &lib)
	e.want(202, e.as(e.admin, "POST", "/api/v1/libraries/"+lib.ID+"/scan", nil))
	body := e.want(200, e.as(e.admin, "GET", "/api/v1/libraries/"+lib.ID+"/scan/events", nil)).Body.String()
	events := strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n")
	if len(events) < 2 || !strings.HasPrefix(events[0], "event: progress\n") || !strings.HasPrefix(events[len(events)-1], "event: done\n") ||
		!strings.Contains(events[len(events)-1], `"probed":3`) {
		t.Fatalf("%d events:\n%s", len(events), body)
	}
}
