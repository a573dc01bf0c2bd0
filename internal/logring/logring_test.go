package logring

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestRingKeepsTheLatest(t *testing.T) {
	r := New(3)
	var out bytes.Buffer
	log := slog.New(r.Handler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})))
	log.Debug("hidden") // below the next handler's level: neither written nor kept
	for i := range 5 {
		log.Info(fmt.Sprintf("m%d", i), "i", i)
	}
	got := r.Recent(10, slog.LevelDebug)
	var msgs []string
	for _, e := range got {
		msgs = append(msgs, e.Message+"/"+e.Attrs["i"])
	}
	if strings.Join(msgs, " ") != "m2/2 m3/3 m4/4" {
		t.Fatalf("kept %v, want the last three, oldest first", msgs)
	}
	if n := strings.Count(out.String(), "\n"); n != 5 {
		t.Errorf("the next handler wrote %d lines, want 5:\n%s", n, out.String())
	}
	if got := r.Recent(2, slog.LevelDebug); len(got) != 2 || got[0].Message != "m3" || got[1].Message != "m4" {
		t.Errorf("Recent(2) = %+v, want m3 m4", got)
	}
}

func TestRingLevelFilter(t *testing.T) {
	r := New(10)
	log := slog.New(r.Handler(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.Error("e")
	log.Info("i2")
	for _, tc := range []struct {
		min  slog.Level
		want string
	}{{slog.LevelDebug, "d i w e i2"}, {slog.LevelInfo, "i w e i2"}, {slog.LevelWarn, "w e"}, {slog.LevelError, "e"}} {
		var msgs []string
		for _, e := range r.Recent(10, tc.min) {
			msgs = append(msgs, e.Message)
		}
		if got := strings.Join(msgs, " "); got != tc.want {
			t.Errorf("min %v: %q, want %q", tc.min, got, tc.want)
		}
	}
	// The limit counts the records that pass the filter, the newest ones.
	if got := r.Recent(1, slog.LevelWarn); len(got) != 1 || got[0].Message != "e" {
		t.Errorf("Recent(1, warn) = %+v, want e", got)
	}
	if got := r.Recent(0, slog.LevelDebug); len(got) != 0 {
		t.Errorf("Recent(0) = %+v, want none", got)
	}
}

func TestRingAttrsAndGroups(t *testing.T) {
	r := New(4)
	log := slog.New(r.Handler(slog.NewJSONHandler(&bytes.Buffer{}, nil)))
	log.With("svc", "scan").WithGroup("req").With("id", 7).Info("done", "status", 200,
		slog.Group("file", "path", "/m/a.mkv"), "err", fmt.Errorf("boom"))
	got := r.Recent(1, slog.LevelInfo)
	if len(got) != 1 {
		t.Fatalf("kept %d records", len(got))
	}
	want := map[string]string{"svc": "scan", "req.id": "7", "req.status": "200", "req.file.path": "/m/a.mkv", "req.err": "boom"}
	if fmt.Sprint(got[0].Attrs) != fmt.Sprint(want) {
		t.Errorf("attrs = %v, want %v", got[0].Attrs, want)
	}
	if got[0].Time.IsZero() || got[0].Level != slog.LevelInfo {
		t.Errorf("entry %+v", got[0])
	}
}

func TestRingConcurrent(t *testing.T) {
	r := New(50)
	log := slog.New(r.Handler(slog.NewTextHandler(io.Discard, nil))) // DiscardHandler is never Enabled
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				log.InfoContext(context.Background(), "x", "g", g, "i", i)
				_ = r.Recent(5, slog.LevelInfo)
			}
		})
	}
	wg.Wait()
	if got := r.Recent(100, slog.LevelDebug); len(got) != 50 {
		t.Errorf("kept %d records, want 50", len(got))
	}
}

func TestNewRejectsEmpty(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(0) did not panic")
		}
	}()
	New(0)
}
